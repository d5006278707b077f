"""Each lesson's run time and peak memory, as a learner (or Binder) would run it.

    python benchmarks/bench_lessons.py                 # every lesson, learner copies
    python benchmarks/bench_lessons.py --instructor    # the versions with solutions
    python benchmarks/bench_lessons.py 01_initialization --repeat 3

For each lesson a fresh kernel executes every cell (nbclient, like "Run All"); a thread
samples the kernel's resident memory (RSS) every 10 ms. Reported per lesson: wall time of
the cells, the kernel's CPU time, and the peak RSS; and, as the baseline measured in the
same run, the same for a notebook that only imports the course's libraries (kernel
start-up excluded everywhere). Budgets: each lesson well under 30 s on 2 cores and within
Binder's guaranteed 1 GB; the whole series within 3 minutes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "instructor"))
import build_lessons  # noqa: E402

BASELINE = nbformat.v4.new_notebook(
    cells=[
        nbformat.v4.new_code_cell(
            "import numpy as np, matplotlib.pyplot as plt, ipywidgets\n"
            "import helpers\nX, y, Xt, yt = helpers.load_mnist('sample', verbose=False)"
        )
    ]
)


class PeakRSS(threading.Thread):
    """Samples a process's resident set size until stopped; keeps the peak (bytes)."""

    def __init__(self, pid: int, every: float = 0.01):
        super().__init__(daemon=True)
        self.process, self.every, self.peak = psutil.Process(pid), every, 0
        self._stop_event = threading.Event()

    def run(self):
        while not self._stop_event.is_set():
            try:
                self.peak = max(self.peak, self.process.memory_info().rss)
            except psutil.NoSuchProcess:
                return
            time.sleep(self.every)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def measure(nb: nbformat.NotebookNode, cwd: Path) -> dict[str, float]:
    """Execute ``nb`` in a fresh kernel; wall and CPU seconds of the cells, peak RSS (MB)."""
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", allow_errors=True,
        resources={"metadata": {"path": str(cwd)}},
    )  # fmt: skip
    with client.setup_kernel():
        kernel = psutil.Process(client.km.provisioner.pid)
        sampler = PeakRSS(kernel.pid)
        sampler.start()
        cpu0, t0 = sum(kernel.cpu_times()[:2]), time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        wall = time.perf_counter() - t0
        cpu = sum(kernel.cpu_times()[:2]) - cpu0
        peak = sampler.stop()
    errors = sum(
        1
        for c in nb.cells
        if c.cell_type == "code"
        and "raises-exception" not in c.metadata.get("tags", [])
        and any(o.get("output_type") == "error" for o in c.get("outputs", []))
    )
    return {"wall": wall, "cpu": cpu, "peak_mb": peak / 2**20, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", help="default: every lesson")
    parser.add_argument("--instructor", action="store_true", help="run the solutions version")
    parser.add_argument("--repeat", type=int, default=1, help="runs per lesson (median)")
    args = parser.parse_args()
    lessons = args.lessons or build_lessons.lesson_names()

    def load(lesson):
        if args.instructor:
            return build_lessons.instructor_notebook(
                lesson
            ), ROOT / "instructor" / "source" / lesson
        path = ROOT / "notebooks" / lesson / f"{lesson}.ipynb"
        return nbformat.read(path, as_version=4), path.parent

    rows = []
    base = [measure(nbformat.from_dict(BASELINE), ROOT) for _ in range(args.repeat)]
    rows.append(("baseline (imports + data)", base))
    for lesson in lessons:
        runs = []
        for _ in range(args.repeat):
            nb, cwd = load(lesson)
            runs.append(measure(nb, cwd))
        rows.append((lesson, runs))
        print(f"  measured {lesson}", file=sys.stderr, flush=True)

    base_cpu = statistics.median(r["cpu"] for r in base)
    base_mb = statistics.median(r["peak_mb"] for r in base)
    print(f"\n{'lesson':28s} {'wall s':>7s} {'CPU s':>7s} {'CPU/base':>9s} {'peak MB':>8s}"
          f" {'MB/base':>8s} {'errors':>6s}")  # fmt: skip
    total_wall = 0.0
    for name, runs in rows:
        wall = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        mb = max(r["peak_mb"] for r in runs)
        errors = max(r["errors"] for r in runs)
        if not name.startswith("baseline"):
            total_wall += wall
        print(f"{name:28s} {wall:7.1f} {cpu:7.1f} {cpu / base_cpu:9.1f} {mb:8.0f}"
              f" {mb / base_mb:8.2f} {errors:6d}")  # fmt: skip
    print(f"{'whole series (cells only)':28s} {total_wall:7.1f}")
    threads = psutil.Process().environ().get("OPENBLAS_NUM_THREADS", "unset")
    print(f"\nOPENBLAS_NUM_THREADS={threads}; {psutil.cpu_count()} cores; "
          f"load average {psutil.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
