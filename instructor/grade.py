#!/usr/bin/env python
"""Autograde lessons student by student, then write feedback and a grades CSV.

    python instructor/grade.py 01_initialization                 # every submission
    python instructor/grade.py 01_initialization --student ada   # one student
    python instructor/grade.py 01_initialization 02_learning_rate --csv grades.csv

Why not just ``nbgrader autograde``? Plain nbgrader grades a whole batch in one run, and one
broken submission (a pasted copy of a test cell gives two cells the same grade id) aborts
the batch with a misleading "old version of the nbgrader metadata" message. This wrapper

1. registers each lesson's current source in the gradebook (without touching the learner
   copies in ``notebooks/``);
2. checks every submission first (readable notebook, no duplicate grade ids) and grades
   the others even when one is broken, telling you which submission failed and why;
3. writes feedback with the hidden tests removed (see ``feedback_filters.py``);
4. exports the grades to CSV (one row per student and lesson).

It exits with status 1 when any submission could not be graded (after grading the rest).
Submissions live in ``submitted/<student>/<lesson>/<lesson>.ipynb`` under the course root
(this folder by default; ``--course`` points elsewhere).
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
from pathlib import Path

import nbformat

INSTRUCTOR = Path(__file__).resolve().parent
sys.path.insert(0, str(INSTRUCTOR))


def nbgrader_api(course: Path, timeout: int | None, release_dir: str):
    """An ``NbGraderAPI`` with this folder's nbgrader_config.py, rooted at ``course``."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    scripts = str(Path(sys.executable).parent)  # nbgrader runs `alembic` by name
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])
    config = PyFileConfigLoader("nbgrader_config.py", path=str(INSTRUCTOR)).load_config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.release_directory = release_dir
    config.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
    if timeout is not None:
        config.Execute.timeout = timeout
    return NbGraderAPI(config=config)


def submission_problem(path: Path) -> str | None:
    """Why nbgrader cannot grade this submission, or None if it can."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:  # a damaged file: report it, grade the others
        return f"{path.name} is not a readable notebook ({type(err).__name__}: {err})"
    counts = collections.Counter(
        c.metadata["nbgrader"]["grade_id"]
        for c in nb.cells
        if "grade_id" in c.metadata.get("nbgrader", {})
    )
    duplicated = sorted(gid for gid, n in counts.items() if n > 1)
    if duplicated:
        return (
            f"{path.name} has more than one cell with grade id {', '.join(map(repr, duplicated))} "
            "(a pasted copy of a test or answer cell?). nbgrader cannot grade it: delete the "
            "copies in the submitted notebook, keeping the original cell, and grade again"
        )
    return None


def last_error_line(result: dict) -> str:
    text = (result.get("error") or result.get("log") or "unknown error").strip()
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else text


# A kernel that cannot start is not the student's fault: jupyter_client picks free TCP ports
# and another process can take one before the kernel binds it ("Address already in use";
# seen once in about 300 kernel starts with two graders running at once).
KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Address already in use")
KERNEL_START_ATTEMPTS = 3


def kernel_failed_to_start(text: str) -> bool:
    """Whether ``text`` (a log, a traceback or an error message) says a kernel did not start."""
    return any(s in text for s in KERNEL_START_FAILURES)


def autograde(api, lesson: str, student: str) -> dict:
    """``api.autograde(lesson, student)``, tried again when only the kernel failed to start."""
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        result = api.autograde(lesson, student, force=True, create=True)
        text = f"{result.get('log') or ''}\n{result.get('error') or ''}"
        if result["success"] or not kernel_failed_to_start(text):
            return result
        if attempt < KERNEL_START_ATTEMPTS:
            print(f"retrying   {lesson}  {student}: the kernel did not start (attempt {attempt})")
    return result


def grade(
    lessons: list[str],
    course: Path = INSTRUCTOR,
    students: list[str] | None = None,
    timeout: int | None = None,
    feedback: bool = True,
    csv_path: Path | None = None,
) -> dict[tuple[str, str], str]:
    """Grade ``lessons``; return {(lesson, student): problem} for submissions not graded."""
    import build_lessons

    problems: dict[tuple[str, str], str] = {}
    with tempfile.TemporaryDirectory(prefix="release-") as release:
        api = nbgrader_api(course, timeout, release)
        for lesson in lessons:
            if course == INSTRUCTOR:  # bring the instructor notebook up to date
                build_lessons.build_instructor_notebook(lesson)
            result = api.generate_assignment(lesson, force=True)
            if not result["success"]:
                raise SystemExit(f"cannot register {lesson}: {last_error_line(result)}")
            submitted = course / "submitted"
            if students:
                names = students
            elif submitted.is_dir():
                names = sorted(p.name for p in submitted.iterdir() if (p / lesson).is_dir())
            else:
                names = []
            with api.gradebook as gb:  # every submitter gets a row, graded or not
                for student in names:
                    gb.update_or_create_student(student)
            for student in names:
                paths = sorted((submitted / student / lesson).glob("*.ipynb"))
                if not paths:
                    problems[lesson, student] = f"no notebook in submitted/{student}/{lesson}/"
                    continue
                why = next((p for p in map(submission_problem, paths) if p), None)
                if why is None:
                    result = autograde(api, lesson, student)
                    if not result["success"]:
                        why = f"autograde failed: {last_error_line(result)}"
                if why:
                    problems[lesson, student] = why
                    print(f"NOT GRADED  {lesson}  {student}: {why}")
                    continue
                if feedback:
                    result = api.generate_feedback(lesson, student)
                    if not result["success"]:
                        problems[lesson, student] = f"feedback failed: {last_error_line(result)}"
                print(f"graded      {lesson}  {student}: {score(api, lesson, student)}")
        if csv_path is not None:
            export_csv(api, lessons, csv_path)
    return problems


def score(api, lesson: str, student: str) -> str:
    with api.gradebook as gb:
        sub = gb.find_submission(lesson, student)
        return f"{sub.score:g} / {sub.max_score:g}"


def export_csv(api, lessons: list[str], path: Path) -> None:
    """nbgrader's CSV export: one row per student and lesson (0 when nothing was submitted)."""
    from nbgrader.plugins import CsvExportPlugin

    plugin = CsvExportPlugin()
    plugin.to = str(path)
    plugin.assignment = lessons
    with api.gradebook as gb:
        plugin.export(gb)
    print(f"grades written to {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="+", help="lesson names, e.g. 01_initialization")
    parser.add_argument("--student", nargs="*", default=None, help="only these students")
    parser.add_argument("--course", type=Path, default=INSTRUCTOR, help="course root folder")
    parser.add_argument("--timeout", type=int, default=None, help="seconds a cell may run")
    parser.add_argument("--no-feedback", action="store_true", help="skip the feedback files")
    parser.add_argument("--csv", type=Path, default=None, help="write grades to this CSV file")
    args = parser.parse_args(argv)
    problems = grade(
        args.lessons,
        course=args.course.resolve(),
        students=args.student,
        timeout=args.timeout,
        feedback=not args.no_feedback,
        csv_path=args.csv,
    )
    if problems:
        print(f"\n{len(problems)} submission(s) could not be graded:", file=sys.stderr)
        for (lesson, student), why in sorted(problems.items()):
            print(f"  {lesson} / {student}: {why}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
