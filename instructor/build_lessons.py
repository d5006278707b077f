#!/usr/bin/env python
"""Build the lessons: text sources -> instructor notebooks -> learner copies.

    python instructor/build_lessons.py                    # build every lesson
    python instructor/build_lessons.py 01_initialization  # only this one
    python instructor/build_lessons.py --check            # exit 1 if a learner copy is stale
    python instructor/build_lessons.py --force            # also replace hand-edited copies
                                                          # (the edited file is kept as a backup)

For each lesson ``instructor/source/NN_topic/NN_topic.md`` (a MyST Markdown notebook with
nbgrader metadata) this writes ``instructor/source/NN_topic/NN_topic.ipynb`` (the
instructor version nbgrader grades against: solutions, hidden tests) and runs
``nbgrader generate_assignment`` to make the learner copy
``notebooks/NN_topic/NN_topic.ipynb`` (solutions replaced by stubs, hidden tests removed,
no outputs).

Two conventions are added here rather than written by hand in every source:

* exercise cells (nbgrader ``solution``) and test cells (nbgrader ``grade``) get the
  ``raises-exception`` tag, so that "Run All" in JupyterLab, nbval and nbclient go on past
  an unfinished exercise: a learner who skips every exercise can still run the lesson;
* cell ids are derived from the cell's position and grade id, so a rebuild from the same
  source gives byte-identical notebooks (and ``--check`` can spot stale copies).

A learner's work is never overwritten silently: ``notebooks/.generated.json`` records the
SHA-256 of every copy this script wrote. If a copy on disk no longer matches (someone edited
it), the build refuses to replace it unless ``--force`` is given, and then it first saves the
edited file as ``NN_topic.edited-<timestamp>.ipynb`` next to it.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import jupytext
import nbformat

INSTRUCTOR = Path(__file__).resolve().parent
ROOT = INSTRUCTOR.parent
SOURCE = INSTRUCTOR / "source"
NOTEBOOKS = ROOT / "notebooks"
MANIFEST = NOTEBOOKS / ".generated.json"
LESSON_NAME = re.compile(r"^\d\d_[a-z0-9_]+$")
TOLERATED = "raises-exception"


class BuildError(Exception):
    """A lesson cannot be built or released; the message says why and what to do."""


def lesson_names() -> list[str]:
    """Every lesson folder ``NN_topic`` under instructor/source holding ``NN_topic.md``."""
    return sorted(
        p.name
        for p in SOURCE.iterdir()
        if LESSON_NAME.match(p.name) and (p / f"{p.name}.md").is_file()
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def serialize(nb: nbformat.NotebookNode) -> bytes:
    """Deterministic bytes for a notebook (what Jupyter writes: 1-space indent, newline)."""
    return (nbformat.writes(nb) + "\n").encode()


def normalize(nb: nbformat.NotebookNode, lesson: str) -> nbformat.NotebookNode:
    """Stable ids, no outputs, the ``raises-exception`` convention, minimal metadata."""
    nb.metadata = nbformat.from_dict(
        {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        }
    )
    nb.nbformat, nb.nbformat_minor = 4, 5
    for i, cell in enumerate(nb.cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        cell.id = f"{lesson[:2]}-{i:03d}" + (f"-{grade_id}" if grade_id else "")
        cell.id = cell.id[:64]
        cell.metadata.pop("jupytext", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") or meta.get("grade"):
                tags = cell.metadata.setdefault("tags", [])
                if TOLERATED not in tags:
                    tags.append(TOLERATED)
    return nb


def check_source(nb: nbformat.NotebookNode, lesson: str) -> None:
    """Catch authoring mistakes that nbgrader would let through or report obscurely."""
    seen = set()
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        if not meta:
            if "### BEGIN SOLUTION" in cell.source or "### BEGIN HIDDEN TESTS" in cell.source:
                raise BuildError(
                    f"{lesson}: cell {i} has solution/hidden-test markers but no nbgrader "
                    "metadata, so they would be released to learners"
                )
            continue
        grade_id = meta.get("grade_id")
        if grade_id in seen:
            raise BuildError(f"{lesson}: grade_id {grade_id!r} is used twice (cell {i})")
        seen.add(grade_id)
        if (
            cell.cell_type == "code"
            and meta.get("solution")
            and "### BEGIN SOLUTION" not in cell.source
        ):
            raise BuildError(
                f"{lesson}: solution cell {grade_id!r} has no ### BEGIN SOLUTION marker, so the "
                "whole cell would be replaced by a stub"
            )
        if meta.get("grade") and not meta.get("points"):
            raise BuildError(f"{lesson}: graded cell {grade_id!r} has no points")


def instructor_notebook(lesson: str) -> nbformat.NotebookNode:
    """The instructor version of ``lesson`` (solutions, hidden tests), built in memory."""
    nb = jupytext.read(SOURCE / lesson / f"{lesson}.md")
    check_source(nb, lesson)
    return normalize(nb, lesson)


def build_instructor_notebook(lesson: str) -> Path:
    """Source .md -> instructor/source/<lesson>/<lesson>.ipynb (written atomically)."""
    out = SOURCE / lesson / f"{lesson}.ipynb"
    data = serialize(instructor_notebook(lesson))
    if not out.exists() or out.read_bytes() != data:
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, out)
    return out


def generate_learner_copies(lessons: list[str], release_dir: Path, db_url: str) -> None:
    """``nbgrader generate_assignment`` for ``lessons`` into ``release_dir``, in-process
    (one nbgrader start-up for all lessons instead of one per lesson), with this folder's
    nbgrader_config.py."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    # nbgrader runs `alembic` by name: make this Python's scripts findable even when the
    # virtual environment is not activated
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])
    config = PyFileConfigLoader("nbgrader_config.py", path=str(INSTRUCTOR)).load_config()
    config.CourseDirectory.release_directory = str(release_dir)
    config.CourseDirectory.db_url = db_url
    api = NbGraderAPI(config=config)
    for lesson in lessons:
        result = api.generate_assignment(lesson, force=True)
        if not result["success"]:
            raise BuildError(
                f"nbgrader generate_assignment {lesson} failed:\n{result.get('error')}\n"
                f"{result.get('log', '')}"
            )


def learner_bytes(path: Path, lesson: str) -> bytes:
    """The released notebook, normalized like the source (stable ids, no outputs)."""
    nb = nbformat.read(path, as_version=4)
    return serialize(normalize(nb, lesson))


def points_table() -> str:
    """POINTS.md: the graded cells and points of every lesson (written by the build)."""
    rows = ["| lesson | exercise (graded test cell) | points |", "| --- | --- | --- |"]
    total = 0
    for lesson in lesson_names():
        nb = jupytext.read(SOURCE / lesson / f"{lesson}.md")
        cells = [
            c.metadata["nbgrader"] for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
        ]
        for meta in cells:
            rows.append(f"| {lesson} | `{meta['grade_id']}` | {meta['points']} |")
        lesson_total = sum(meta["points"] for meta in cells)
        rows.append(f"| **{lesson}** | **total** | **{lesson_total}** |")
        total += lesson_total
    rows.append(f"| **all lessons** | | **{total}** |")
    header = (
        "# Points per lesson\n\n"
        "Generated by `build_lessons.py` from the lesson sources; do not edit.\n\n"
    )
    return header + "\n".join(rows) + "\n"


def load_manifest() -> dict[str, str]:
    return json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}


def build(
    lessons: list[str], *, check: bool = False, force: bool = False, db_url: str | None = None
) -> int:
    """Build ``lessons``; return the number of stale (check) or refused (build) copies."""
    for lesson in lessons:
        build_instructor_notebook(lesson)
    manifest = load_manifest()
    problems = 0
    with tempfile.TemporaryDirectory(prefix="lessons-") as tmp:
        tmp = Path(tmp)
        generate_learner_copies(
            lessons, tmp / "release", db_url or f"sqlite:///{tmp / 'gradebook.db'}"
        )
        for lesson in lessons:
            released = tmp / "release" / lesson
            for nb_path in sorted(released.glob("*.ipynb")):
                rel = f"{lesson}/{nb_path.name}"
                new = learner_bytes(nb_path, lesson)
                target = NOTEBOOKS / rel
                old = target.read_bytes() if target.exists() else None
                if old == new:
                    manifest[rel] = sha256(new)
                    continue
                if check:
                    print(f"stale: notebooks/{rel} differs from a fresh build of {lesson}.md")
                    problems += 1
                    continue
                if old is not None and manifest.get(rel) != sha256(old):
                    if not force:
                        print(
                            f"refused: notebooks/{rel} was edited since it was generated; "
                            "rerun with --force to replace it (your version will be kept as a "
                            "backup next to it)"
                        )
                        problems += 1
                        continue
                    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
                    backup = target.with_name(f"{target.stem}.edited-{stamp}.ipynb")
                    shutil.copy2(target, backup)
                    print(f"kept your edited copy as {backup}")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(new)
                manifest[rel] = sha256(new)
                print(f"wrote notebooks/{rel}")
            # supporting files nbgrader released next to the notebook (images, data)
            for extra in sorted(
                p for p in released.rglob("*") if p.is_file() and p.suffix != ".ipynb"
            ):
                rel_extra = extra.relative_to(tmp / "release")
                dest = NOTEBOOKS / rel_extra
                if not dest.exists() or dest.read_bytes() != extra.read_bytes():
                    if check:
                        print(f"stale: notebooks/{rel_extra}")
                        problems += 1
                    else:
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(extra, dest)
    points = INSTRUCTOR / "POINTS.md"
    if check and (not points.exists() or points.read_text() != points_table()):
        print("stale: instructor/POINTS.md")
        problems += 1
    if not check:
        points.write_text(points_table())
        MANIFEST.parent.mkdir(parents=True, exist_ok=True)
        MANIFEST.write_text(json.dumps(dict(sorted(manifest.items())), indent=1) + "\n")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "lessons", nargs="*", help="lesson folders, e.g. 01_initialization (default: all)"
    )
    parser.add_argument("--check", action="store_true", help="only report stale learner copies")
    parser.add_argument(
        "--force", action="store_true", help="replace hand-edited learner copies (kept as backups)"
    )
    parser.add_argument(
        "--db", default=None, help="nbgrader gradebook URL (default: a temporary one)"
    )
    args = parser.parse_args(argv)
    known = lesson_names()
    unknown = [name for name in args.lessons if name not in known]
    if unknown:
        print(f"unknown lesson(s) {unknown}; known: {known}", file=sys.stderr)
        return 2
    try:
        problems = build(args.lessons or known, check=args.check, force=args.force, db_url=args.db)
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if problems and args.check:
        print(
            "learner copies are stale: run `python instructor/build_lessons.py` and commit",
            file=sys.stderr,
        )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
