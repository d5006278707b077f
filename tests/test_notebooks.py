"""Every lesson runs: the instructor version with all tests passing (twice, with identical
printed output, checked by nbval), the learner copy with only its exercises failing."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import nbformat
import pytest
from notebook_tools import (
    INSTRUCTOR,
    LESSONS,
    NOTEBOOKS,
    build_lessons,
    describe,
    errors,
    execute,
    is_graded,
    run_nbval,
    strict_copy,
)

pytestmark = pytest.mark.notebooks


def test_there_are_lessons():
    assert LESSONS, "no lessons found in instructor/source/NN_topic/NN_topic.md"


def test_learner_copies_match_a_fresh_build():
    done = subprocess.run(
        [sys.executable, str(INSTRUCTOR / "build_lessons.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, (
        "learner copies are stale or the build failed; run "
        f"`python instructor/build_lessons.py` and commit.\n{done.stdout}\n{done.stderr}"
    )


@pytest.mark.parametrize("lesson", LESSONS)
def test_learner_copy_has_no_solutions_or_hidden_tests(lesson):
    path = NOTEBOOKS / lesson / f"{lesson}.ipynb"
    text = path.read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text, f"{marker} leaked into {path}"
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "outputs"
    solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert solutions, "a lesson needs exercises"
    for cell in solutions:
        if cell.cell_type == "code":
            assert "raise NotImplementedError()" in cell.source


@pytest.mark.parametrize("lesson", LESSONS)
def test_instructor_version_passes_every_test_and_prints_the_same_twice(lesson, tmp_path):
    nb = strict_copy(build_lessons.instructor_notebook(lesson))
    executed = execute(nb, INSTRUCTOR / "source" / lesson)
    failed = errors(executed)
    assert not failed, f"{lesson} (instructor version) has failing cells:\n{describe(failed)}"
    path = tmp_path / f"{lesson}.ipynb"
    nbformat.write(executed, path)
    # nbval runs it again and compares every text output with the first run's
    done = run_nbval(path, lax=False)
    assert done.returncode == 0, f"second run differs or fails:\n{done.stdout[-6000:]}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_learner_copy_runs_with_only_exercises_failing(lesson):
    path = NOTEBOOKS / lesson / f"{lesson}.ipynb"
    nb = nbformat.read(path, as_version=4)
    tolerated = [
        i for i, c in enumerate(nb.cells) if "raises-exception" in c.metadata.get("tags", [])
    ]
    graded = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and is_graded(c)]
    assert tolerated == graded, "only exercise and test cells may be allowed to fail"
    done = run_nbval(path, lax=True)  # fails if any other cell raises
    assert done.returncode == 0, f"{lesson}: a non-exercise cell fails:\n{done.stdout[-6000:]}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_manifest_records_the_committed_copy(lesson):
    # the build's protection of learners' edits compares against these hashes
    manifest = json.loads((NOTEBOOKS / ".generated.json").read_text())
    data = (NOTEBOOKS / lesson / f"{lesson}.ipynb").read_bytes()
    assert manifest.get(f"{lesson}/{lesson}.ipynb") == hashlib.sha256(data).hexdigest()


def test_readme_syllabus_lists_every_lesson_as_it_is():
    readme = (NOTEBOOKS.parent / "README.md").read_text()
    rows = re.findall(r"^\| (\d\d) \| (.+?) \| .+? \| (\w+) \|$", readme, re.M)
    assert rows, "the README has no syllabus table"
    ready = {num for num, _, status in rows if status == "ready"}
    assert ready == {lesson[:2] for lesson in LESSONS}, "statuses must match the lessons present"
    for _, title, status in rows:
        if status == "ready":
            link = re.search(r"\]\((notebooks/[^)]+\.ipynb)\)", title)
            assert link and (NOTEBOOKS.parent / link.group(1)).exists(), title
