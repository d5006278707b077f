"""ruff check and ruff format are clean on the library, the tests and the lesson code."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from notebook_tools import LESSONS, ROOT, build_lessons

RUFF = [sys.executable, "-m", "ruff"]


def ruff(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*RUFF, *args], cwd=cwd, capture_output=True, text=True)


def test_ruff_check_is_clean():
    done = ruff("check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_is_clean():
    done = ruff("format", "--no-cache", "--check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("lesson", LESSONS)
def test_lesson_code_with_solutions_is_ruff_clean(lesson, tmp_path):
    # the instructor version (solutions, hidden tests) is generated, so lint a fresh build
    path = tmp_path / f"{lesson}.ipynb"
    nbformat.write(build_lessons.instructor_notebook(lesson), path)
    for args in (("check", "--no-cache"), ("format", "--no-cache", "--check")):
        done = ruff(*args, "--config", str(ROOT / "pyproject.toml"), str(path))
        assert done.returncode == 0, (
            f"ruff {args[0]} finds problems in {lesson}'s code; fix the .md source (format it "
            "with: jupytext --pipe 'ruff format --stdin-filename cell.py -' "
            f"instructor/source/{lesson}/{lesson}.md)\n{done.stdout}{done.stderr}"
        )
