"""Shared pieces of the benchmarks: thread control, timing, machine info, tables.

The BLAS thread count of NumPy is fixed when NumPy is imported, so every measurement with a
given thread count runs in a fresh Python process started by :func:`run_worker` with
``OPENBLAS_NUM_THREADS`` (and the OpenMP/MKL equivalents) set; the worker then gives PyTorch
the same count with ``torch.set_num_threads``.
"""

from __future__ import annotations

import ctypes
import datetime
import glob
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
TORCH_VERSION = "2.13.0"
TORCH_MISSING = (
    f"PyTorch is not installed: the torch columns are skipped. Install it with "
    f"`pip install torch=={TORCH_VERSION}` (a CPU build) to compare in the same run."
)


# --- processes and threads ------------------------------------------------------------------
def thread_env(threads: int) -> dict:
    """The environment with every BLAS/OpenMP thread variable set to ``threads``."""
    env = dict(os.environ)
    for var in THREAD_VARS:
        env[var] = str(threads)
    return env


class Worker:
    """A Python process that times functions of one library on request, one JSON line each.

    NumPy's OpenBLAS threads and PyTorch's OpenMP threads busy-wait for a while after each
    call; in one process (or two processes running at once) they take each other's cores
    and slow both down by up to 2x. So each library gets its own process, the parent asks
    them in turn, and waits ``pause`` seconds after each turn so that the idle spinning of
    one has stopped before the other starts.

    The script must call :func:`serve` when started with ``--serve ROLE``.
    """

    def __init__(self, script: str, role: str, threads: int, args: list[str], pause: float = 0.3):
        cmd = [sys.executable, script, "--serve", role, "--threads", str(threads), *args]
        self.role, self.pause = role, pause
        self.proc = subprocess.Popen(
            cmd, env=thread_env(threads), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.info = self._read()

    def _read(self):
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.role} worker died (see its error output above)")
        return json.loads(line)

    def time(self, name: str, per_round: int, warmup: int) -> list[float]:
        """Seconds of ``per_round`` calls of the worker's function ``name`` (after ``warmup``)."""
        self.proc.stdin.write(json.dumps([name, per_round, warmup]) + "\n")
        self.proc.stdin.flush()
        times = self._read()
        time.sleep(self.pause)
        return times

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()


def serve(info: dict, fns: dict[str, Callable[[], object]]) -> None:
    """The worker side of :class:`Worker`: print ``info``, then time what is asked for."""
    print(json.dumps(info), flush=True)
    for line in sys.stdin:
        name, per_round, warmup = json.loads(line)
        for _ in range(warmup):
            fns[name]()
        times = []
        for _ in range(per_round):
            start = time.perf_counter()
            fns[name]()
            times.append(time.perf_counter() - start)
        print(json.dumps(times), flush=True)


def alternate(
    workers: dict[str, Worker],
    jobs: dict[str, list[str]],
    rounds: int,
    per_round: int,
    warmup: int = 3,
    max_background: float = 0.1,
    min_rounds: int = 3,
) -> tuple[dict[str, np.ndarray], dict]:
    """Time ``jobs[role]`` (function names) on each worker, the workers taking turns.

    Each of the ``rounds`` rounds gives every function ``warmup`` untimed and ``per_round``
    timed calls. Alternating spreads any background load of the machine evenly over the
    contenders, so their ratio is fairer than if each were timed in one block. Rounds in
    which other processes used more than ``max_background`` cores are dropped (if that
    leaves fewer than ``min_rounds``, the ``min_rounds`` least disturbed are kept).

    Returns ``times[name]``, an array (kept rounds, per_round) of seconds, and a dict
    ``{"kept": k, "rounds": rounds, "background": [cores per kept round]}``.
    """
    pids = [w.proc.pid for w in workers.values()]
    per_name: dict[str, list[list[float]]] = {n: [] for names in jobs.values() for n in names}
    loads = []
    for _ in range(rounds):
        load = BackgroundLoad(pids)
        for role, names in jobs.items():
            for name in names:
                per_name[name].append(workers[role].time(name, per_round, warmup))
        loads.append(load.cores() or 0.0)
    order = np.argsort(loads, kind="stable")
    keep = [i for i in order if loads[i] <= max_background]
    if len(keep) < min_rounds:
        keep = list(order[:min_rounds])
    keep.sort()
    times = {n: np.array([t[i] for i in keep]) for n, t in per_name.items()}
    info = {"kept": len(keep), "rounds": rounds, "background": [loads[i] for i in keep]}
    return times, info


def import_torch(threads: int):
    """PyTorch with ``threads`` intra-op threads, or ``None`` if it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    return torch


def _openblas():
    """NumPy's bundled OpenBLAS library (a ``ctypes.CDLL``) and its symbol prefix, or None."""
    libs = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*")
    for path in glob.glob(libs):
        lib = ctypes.CDLL(path)
        for prefix, suffix in (
            ("scipy_openblas_", "64_"),
            ("scipy_openblas_", ""),
            ("openblas_", ""),
        ):
            if hasattr(lib, f"{prefix}get_num_threads{suffix}"):
                return lib, prefix, suffix
    return None


def blas_info() -> dict:
    """Which BLAS NumPy uses (``np.show_config``), its kernel and its thread count now."""
    info: dict = {"name": "unknown", "version": "", "core": "", "threads": None}
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["name"], info["version"] = blas.get("name", "unknown"), blas.get("version", "")
    except Exception:  # older NumPy: show_config has no dict mode
        pass
    found = _openblas()
    if found is not None:
        lib, prefix, suffix = found
        getattr(lib, f"{prefix}get_corename{suffix}").restype = ctypes.c_char_p
        info["core"] = getattr(lib, f"{prefix}get_corename{suffix}")().decode()
        info["threads"] = int(getattr(lib, f"{prefix}get_num_threads{suffix}")())
    return info


def machine_info(torch=None) -> dict:
    """Date, CPU, core count, Python, NumPy + BLAS and PyTorch versions, for the README."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    info = {
        "date": datetime.date.today().isoformat(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas_info(),
        "torch": None,
    }
    if torch is not None:
        blas = "MKL" if torch.backends.mkl.is_available() else "its own BLAS"
        info["torch"] = f"{torch.__version__} with {blas}"
    return info


def describe_machine(info: dict) -> str:
    blas = info["blas"]
    core = f", kernel {blas['core']}" if blas["core"] else ""
    return (
        f"{info['date']}, {info['cpu']}, {info['cores']} cores, Python {info['python']}, "
        f"NumPy {info['numpy']} with {blas['name']} {blas['version']}{core}, "
        f"PyTorch {info['torch'] or 'not installed'}"
    )


# --- timing ---------------------------------------------------------------------------------
def summary(seconds: np.ndarray, scale: float = 1e3) -> dict:
    """Median and interquartile range (25th-75th percentile), in ms by default."""
    q1, med, q3 = np.percentile(seconds, [25, 50, 75]) * scale
    return {"median": float(med), "q1": float(q1), "q3": float(q3), "n": int(seconds.size)}


def fmt_ms(s: dict | None, digits: int = 2) -> str:
    """``median [q1-q3]`` of a :func:`summary`, or a dash."""
    if s is None:
        return "-"
    return f"{s['median']:.{digits}f} [{s['q1']:.{digits}f}-{s['q3']:.{digits}f}]"


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A Markdown table (readable in a terminal too), cells right-aligned."""
    cols = list(zip(headers, *rows, strict=True))
    widths = [max(len(str(x)) for x in col) for col in cols]

    def line(cells: list[object]) -> str:
        return "| " + " | ".join(str(c).rjust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    sep = "|" + "|".join("-" * (w + 1) + ":" for w in widths) + "|"
    return "\n".join([line(headers), sep, *[line(r) for r in rows]])


class BackgroundLoad:
    """How many cores other processes kept busy while a benchmark ran (needs psutil).

    Other work on the machine (a test suite, a notebook) slows every contender and widens
    the spread; the figure is printed next to the results so such runs can be recognised.
    ``pids`` are the benchmark's own processes (this one is always included).
    """

    def __init__(self, pids: list[int] = ()) -> None:
        try:
            import psutil
        except ImportError:
            psutil = None
        self._psutil = psutil
        self._pids = [os.getpid(), *pids]
        self._t0 = self._busy() if psutil else None

    def _busy(self) -> tuple[float, float, float]:
        t = self._psutil.cpu_times()
        busy = sum(getattr(t, f, 0.0) for f in ("user", "system", "nice", "irq", "softirq"))
        ours = 0.0
        for pid in self._pids:  # with the finished child processes they waited for
            try:
                c = self._psutil.Process(pid).cpu_times()
                ours += c.user + c.system + c.children_user + c.children_system
            except self._psutil.Error:
                pass
        return busy, ours, time.perf_counter()

    def cores(self) -> float | None:
        """Average number of cores used by other processes since the start."""
        if self._t0 is None:
            return None
        busy, ours, now = self._busy()
        return max(0.0, ((busy - self._t0[0]) - (ours - self._t0[1])) / (now - self._t0[2]))
