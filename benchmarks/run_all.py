"""Run every benchmark (step, epoch, memory) and print their tables.

Run: ``python benchmarks/run_all.py`` (about 4 minutes on 2 cores). Options: ``--quick``
(fewer rounds, about 1.5 minutes), ``--threads 2``, ``--wait 300`` (wait up to 300 s for
other processes to leave the CPU before each benchmark), ``--json-dir DIR`` (raw results).

Other processes on the machine distort the timings, the multi-threaded ones most: with two
cores, one busy core halves what two BLAS threads can do. Each benchmark therefore reports
how many cores other processes used while it ran; rerun when that is above ~0.1.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_epoch  # noqa: E402
import bench_memory  # noqa: E402
import bench_step  # noqa: E402
from _common import BackgroundLoad  # noqa: E402


def wait_for_quiet(max_wait: float, threshold: float = 0.1, window: float = 2.0) -> None:
    """Wait (up to ``max_wait`` s) until other processes use less than ``threshold`` cores."""
    deadline = time.monotonic() + max_wait
    while True:
        load = BackgroundLoad()
        time.sleep(window)
        cores = load.cores()
        if cores is None or cores < threshold:
            return
        if time.monotonic() >= deadline:
            if max_wait > 0:
                print(f"(other processes still use {cores:.2f} cores; measuring anyway)")
            return
        time.sleep(3)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--quick", action="store_true", help="fewer rounds")
    p.add_argument("--wait", type=float, default=0.0, help="seconds to wait for a quiet CPU")
    p.add_argument("--json-dir", help="write each benchmark's raw results to this folder")
    args = p.parse_args(argv)

    def extra(name: str) -> list[str]:
        return ["--json", os.path.join(args.json_dir, f"{name}.json")] if args.json_dir else []

    if args.json_dir:
        os.makedirs(args.json_dir, exist_ok=True)
    threads = ["--threads", *map(str, args.threads)]
    step_rounds = ["--rounds", "4" if args.quick else "10"]
    epoch_rounds = ["--rounds", "2" if args.quick else "5"]

    print("## One training step (forward + backward + SGD), 784-256-256-10, float32\n")
    wait_for_quiet(args.wait)
    bench_step.main(threads + step_rounds + extra("step"))
    print("\n## One epoch: 60,000 images at batch size 128\n")
    wait_for_quiet(args.wait)
    bench_epoch.main(threads + epoch_rounds + extra("epoch"))
    print("\n## Peak memory while training on 60,000 float32 images\n")
    bench_memory.main(extra("memory"))


if __name__ == "__main__":
    main()
