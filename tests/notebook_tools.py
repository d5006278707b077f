"""Running lesson notebooks in tests: build, execute with nbclient, run nbval."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
INSTRUCTOR = ROOT / "instructor"
NOTEBOOKS = ROOT / "notebooks"
SANITIZE = Path(__file__).resolve().parent / "nbval_sanitize.cfg"
TOLERATED = "raises-exception"

sys.path.insert(0, str(INSTRUCTOR))
import build_lessons  # noqa: E402
from grade import KERNEL_START_ATTEMPTS, kernel_failed_to_start  # noqa: E402

LESSONS = build_lessons.lesson_names()


def kernel_env() -> dict[str, str]:
    """Environment for kernels: this Python first on PATH, no network, one BLAS thread."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("PRACTICAL_TRAINING_OFFLINE", "1")
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    return env


def is_graded(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("solution") or meta.get("grade"))


def strict_copy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with the raises-exception tag removed: every cell must succeed."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        tags = cell.metadata.get("tags")
        if tags and TOLERATED in tags:
            tags.remove(TOLERATED)
    return nb


def execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Execute every cell (errors are recorded in the outputs, not raised)."""
    from nbclient import NotebookClient

    # a kernel that failed to start (a port race, see grade.KERNEL_START_FAILURES) is the
    # machine's fault, not the notebook's: start a new client and kernel, as grade.py does
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(cwd)}},
        )
        try:
            client.execute(env=kernel_env())
            return nb
        except RuntimeError as error:
            if attempt == KERNEL_START_ATTEMPTS or not kernel_failed_to_start(str(error)):
                raise
    return nb


def errors(nb: nbformat.NotebookNode) -> list[tuple[int, nbformat.NotebookNode, str]]:
    """(index, cell, 'Ename: value') for every cell whose outputs hold an error."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append((i, cell, f"{out['ename']}: {out['evalue']}"))
    return found


def describe(found) -> str:
    return "\n".join(f"cell {i} ({cell.source[:60]!r}...): {err}" for i, cell, err in found)


def run_nbval(path: Path, *, lax: bool) -> subprocess.CompletedProcess:
    """Run nbval on one notebook in a fresh pytest process."""
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "--nbval-lax" if lax else "--nbval",
        "--nbval-current-env",
        f"--nbval-sanitize-with={SANITIZE}",
        "--nbval-cell-timeout=300",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",  # not the project's "-n auto": one notebook's cells must share a kernel
        "-q",
        str(path),
    ]
    for _attempt in range(KERNEL_START_ATTEMPTS):  # see execute()
        done = subprocess.run(
            cmd, cwd=path.parent, env=kernel_env(), capture_output=True, text=True, timeout=1200
        )
        if not kernel_failed_to_start(done.stdout + done.stderr):
            break
    return done
