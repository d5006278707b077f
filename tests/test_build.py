"""The lesson build: learner copies from sources, and a learner's edits are never lost."""

from __future__ import annotations

import json

import nbformat
import pytest
from notebook_tools import LESSONS, build_lessons

pytestmark = pytest.mark.notebooks


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """Point the build's output (notebooks/ and its manifest) at a temporary folder."""
    notebooks = tmp_path / "notebooks"
    monkeypatch.setattr(build_lessons, "NOTEBOOKS", notebooks)
    monkeypatch.setattr(build_lessons, "MANIFEST", notebooks / ".generated.json")
    return notebooks


def test_build_refuses_to_overwrite_an_edited_copy_and_force_keeps_a_backup(sandbox, capsys):
    lesson = LESSONS[0]
    assert build_lessons.build([lesson]) == 0
    copy = sandbox / lesson / f"{lesson}.ipynb"
    generated = copy.read_bytes()
    manifest = json.loads((sandbox / ".generated.json").read_text())
    assert f"{lesson}/{lesson}.ipynb" in manifest

    # a rebuild of an untouched copy changes nothing
    assert build_lessons.build([lesson]) == 0
    assert copy.read_bytes() == generated

    # the learner writes an answer
    nb = nbformat.read(copy, as_version=4)
    answer = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution"))
    answer.source = "# my own answer, hours of work\n" + answer.source
    nbformat.write(nb, copy)
    edited = copy.read_bytes()

    capsys.readouterr()
    assert build_lessons.build([lesson]) == 1  # refused
    assert copy.read_bytes() == edited  # untouched
    assert "edited since it was generated" in capsys.readouterr().out

    assert build_lessons.build([lesson], force=True) == 0
    assert copy.read_bytes() == generated
    backups = list(copy.parent.glob(f"{lesson}.edited-*.ipynb"))
    assert len(backups) == 1 and backups[0].read_bytes() == edited


def test_check_mode_reports_stale_copies_without_writing(sandbox, capsys):
    lesson = LESSONS[0]
    build_lessons.build([lesson])
    copy = sandbox / lesson / f"{lesson}.ipynb"
    copy.write_bytes(copy.read_bytes().replace(b'"cells"', b'"cells" ', 1))
    before = copy.read_bytes()
    assert build_lessons.build([lesson], check=True) == 1
    assert "stale" in capsys.readouterr().out
    assert copy.read_bytes() == before


def test_authoring_mistakes_are_caught():
    cell = nbformat.v4.new_code_cell("x = 1\n### BEGIN SOLUTION\nx = 2\n### END SOLUTION")
    nb = nbformat.v4.new_notebook(cells=[cell])
    with pytest.raises(build_lessons.BuildError, match="no nbgrader metadata"):
        build_lessons.check_source(nb, "00_x")
    cell.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": "t",
        "locked": True,
        "schema_version": 3,
        "solution": False,
    }
    with pytest.raises(build_lessons.BuildError, match="no points"):
        build_lessons.check_source(nb, "00_x")
