"""nbgrader end to end, for every lesson: real autograde runs, a real gradebook.

One temporary course per lesson holds one student per scenario: the untouched learner
copy, the instructor's solution, rounds of typical mistakes (``mistakes.py``), a student
who edits and deletes locked test cells, one with an infinite loop, and one who pasted a
copy of a test cell. ``instructor/grade.py`` grades them all in one batch.
"""

from __future__ import annotations

import copy
import csv
import html
import importlib.util
import re
import subprocess
import sys

import nbformat
import pytest
from notebook_tools import INSTRUCTOR, LESSONS, NOTEBOOKS, build_lessons

sys.path.insert(0, str(INSTRUCTOR))
import grade  # noqa: E402

pytestmark = pytest.mark.grading

TIMEOUT = 12  # seconds a cell may run during grading (no lesson cell comes close)


def load_mistakes(lesson: str):
    path = INSTRUCTOR / "source" / lesson / "mistakes.py"
    spec = importlib.util.spec_from_file_location(f"mistakes_{lesson}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def cell_by_id(nb, grade_id: str):
    return next(c for c in nb.cells if meta(c).get("grade_id") == grade_id)


def solution_source(source: str) -> str:
    """What a student who found the answer writes: the solution without its markers."""
    return "\n".join(
        line for line in source.split("\n") if "### " not in line or "SOLUTION" not in line
    )


class Course:
    """A temporary nbgrader course for one lesson, with one student per scenario."""

    def __init__(self, lesson: str, root):
        self.lesson, self.root = lesson, root
        self.instructor = build_lessons.instructor_notebook(lesson)
        self.learner = nbformat.read(NOTEBOOKS / lesson / f"{lesson}.ipynb", as_version=4)
        mistakes = load_mistakes(lesson)
        self.tests_of = mistakes.TESTS  # answer id -> its test cell ids
        self.mistakes = mistakes.MISTAKES
        self.points = {
            meta(c)["grade_id"]: meta(c)["points"]
            for c in self.instructor.cells
            if meta(c).get("grade")
        }
        self.answers = [
            meta(c)["grade_id"]
            for c in self.instructor.cells
            if c.cell_type == "code" and meta(c).get("solution")
        ]
        self.total = sum(self.points.values())
        self.expected: dict[str, float] = {}
        source = root / "source" / lesson
        source.mkdir(parents=True)
        nbformat.write(self.instructor, source / f"{lesson}.ipynb")

    def lost(self, answer_ids) -> float:
        return sum(self.points[t] for a in answer_ids for t in self.tests_of[a])

    def submit(self, student: str, answers: dict[str, str] | None = None, edit=None, expected=None):
        """A submission: the learner copy with ``answers`` (answer id -> source; others get
        the solution, None keeps the stub) and an optional ``edit(nb)``."""
        nb = copy.deepcopy(self.learner)
        answers = answers or {}
        for answer in self.answers:
            src = answers.get(answer, "SOLUTION")
            if src == "SOLUTION":
                src = solution_source(cell_by_id(self.instructor, answer).source)
            if src is not None:
                cell_by_id(nb, answer).source = src
        if edit:
            edit(nb)
        folder = self.root / "submitted" / student / self.lesson
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{self.lesson}.ipynb")
        if expected is not None:
            self.expected[student] = expected

    def scores(self, student: str) -> dict[str, float]:
        api = grade.nbgrader_api(self.root, None, str(self.root / "release"))
        with api.gradebook as gb:
            sub = gb.find_submission(self.lesson, student)
            return {g.name: g.score for nb in sub.notebooks for g in nb.grades}


@pytest.fixture(
    scope="module",
    # one worker grades a lesson's course (pytest -n with --dist loadgroup)
    params=[
        pytest.param(lesson, marks=pytest.mark.xdist_group(f"grading-{lesson}"))
        for lesson in LESSONS
    ],
)
def course(request, tmp_path_factory):
    lesson = request.param
    c = Course(lesson, tmp_path_factory.mktemp(f"course-{lesson}"))
    stubs = dict.fromkeys(c.answers)  # None: keep the stub

    c.submit("untouched", stubs, expected=0)
    c.submit("solution", expected=c.total)
    rounds = max(len(m) for m in c.mistakes.values())
    for r in range(rounds):
        wrong = {a: list(m.values())[r] for a, m in c.mistakes.items() if r < len(m)}
        c.submit(f"mistakes{r + 1}", wrong, expected=c.total - c.lost(wrong))

    first, second = c.answers[0], c.answers[-1]

    def cheat(nb):  # make the first exercise's tests pass trivially, delete the last's
        for test in c.tests_of[first]:
            cell_by_id(nb, test).source = "assert True  # tests? what tests?"
        doomed = c.tests_of[second][-1]
        nb.cells = [cell for cell in nb.cells if meta(cell).get("grade_id") != doomed]

    c.submit("cheater", {first: None}, edit=cheat, expected=c.total - c.lost([first]))
    c.submit(
        "looper",
        {first: "while True:  # an infinite loop\n    pass"},
        expected=c.total - c.lost([first]),
    )

    def paste(nb):  # a copy of a locked test cell pasted at the end
        nb.cells.append(copy.deepcopy(cell_by_id(nb, c.tests_of[first][0])))

    c.submit("paster", edit=paste)

    # the instructor's class list, including a student who submitted nothing
    api = grade.nbgrader_api(c.root, None, str(c.root / "release"))
    with api.gradebook as gb:
        gb.update_or_create_student("absent", first_name="Abel", last_name="Sent")
    c.problems = grade.grade(
        [lesson], course=c.root, timeout=TIMEOUT, csv_path=c.root / "grades.csv"
    )
    return c


def test_every_exercise_has_tests_and_typical_mistakes(course):
    graded_tests = sorted(t for tests in course.tests_of.values() for t in tests)
    assert graded_tests == sorted(course.points), "TESTS must map every test cell to its answer"
    assert sorted(course.tests_of) == sorted(course.answers)
    assert len(course.answers) >= 2, "a lesson needs at least two exercises"
    for answer in course.answers:
        assert course.mistakes.get(answer), f"no typical mistakes listed for {answer}"


def test_scores_match_expectations(course):
    for student, expected in course.expected.items():
        got = sum(course.scores(student).values())
        assert got == expected, f"{course.lesson} / {student}: scored {got}, expected {expected}"


def test_each_typical_mistake_loses_exactly_its_exercise(course):
    rounds = max(len(m) for m in course.mistakes.values())
    for r in range(rounds):
        scores = course.scores(f"mistakes{r + 1}")
        for answer, tests in course.tests_of.items():
            names = list(course.mistakes[answer])
            for test in tests:
                if r < len(names):
                    assert scores[test] == 0, (
                        f"{course.lesson}: the mistake '{names[r]}' in {answer} is not caught "
                        f"by {test}"
                    )
                else:
                    assert scores[test] == course.points[test], (
                        f"{test} lost points for another exercise's mistake"
                    )


def test_untouched_copy_scores_zero_on_every_test(course):
    assert set(course.scores("untouched").values()) == {0}


def test_editing_or_deleting_locked_tests_gains_nothing(course):
    scores = course.scores("cheater")
    first, last = course.answers[0], course.answers[-1]
    assert all(scores[t] == 0 for t in course.tests_of[first])  # edited tests were restored
    assert course.tests_of[last][-1] in scores  # the deleted test cell was put back and graded


def test_infinite_loop_times_out_and_grading_goes_on(course):
    scores = course.scores("looper")
    assert all(scores[t] == 0 for t in course.tests_of[course.answers[0]])
    assert sum(scores.values()) == course.total - course.lost([course.answers[0]])


def test_pasted_test_cell_is_reported_and_does_not_stop_the_batch(course):
    assert set(course.problems) == {(course.lesson, "paster")}
    why = course.problems[course.lesson, "paster"]
    assert "grade id" in why and course.tests_of[course.answers[0]][0] in why
    assert sum(course.scores("solution").values()) == course.total  # graded after... or before


def test_feedback_hides_hidden_tests(course):
    hidden = []
    for cell in course.instructor.cells:
        src = cell.source
        if "### BEGIN HIDDEN TESTS" in src:
            block = src.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            hidden += [line.strip() for line in block.splitlines() if len(line.strip()) > 12]
    # a line the learner's copy shows anyway (a visible test may share a setup line) is no leak
    visible = "\n".join(cell.source for cell in course.learner.cells)
    hidden = [line for line in hidden if line not in visible]
    assert hidden, "every lesson should have hidden tests"
    for student in ("solution", "mistakes1", "untouched"):
        path = course.root / "feedback" / student / course.lesson / f"{course.lesson}.html"
        text = html.unescape(re.sub(r"<[^>]+>", "", path.read_text()))
        assert "BEGIN HIDDEN TESTS" not in text
        for line in hidden:
            assert line not in text, f"hidden test line shown to {student}: {line}"


def test_autograding_twice_loses_and_duplicates_nothing(course):
    before = {s: course.scores(s) for s in course.expected}
    problems = grade.grade(
        [course.lesson], course=course.root, students=["solution"], timeout=TIMEOUT
    )
    assert not problems
    after = course.scores("solution")
    assert after == before["solution"]
    api = grade.nbgrader_api(course.root, None, str(course.root / "release"))
    with api.gradebook as gb:
        sub = gb.find_submission(course.lesson, "solution")
        names = [g.name for nb in sub.notebooks for g in nb.grades]
    assert len(names) == len(set(names))
    assert {s: course.scores(s) for s in course.expected} == before


def test_csv_export_has_one_row_per_student_with_right_totals(course):
    with open(course.root / "grades.csv", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["assignment"] == course.lesson]
    by_student = {r["student_id"]: r for r in rows}
    assert len(rows) == len(by_student), "one row per student"
    assert set(by_student) == set(course.expected) | {"paster", "absent"}
    for student, expected in course.expected.items():
        assert float(by_student[student]["score"]) == expected
        assert float(by_student[student]["max_score"]) == course.total
    assert float(by_student["absent"]["score"]) == 0.0


def test_grade_command_reports_a_broken_submission_with_exit_status_1(course, tmp_path):
    # the command line: a broken submission makes the run fail loudly, after the others
    done = subprocess.run(
        [
            sys.executable,
            str(INSTRUCTOR / "grade.py"),
            course.lesson,
            "--course",
            str(course.root),
            "--student",
            "paster",
            "--no-feedback",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "paster" in done.stderr and "grade id" in done.stderr


class FakeAPI:
    """Stands in for NbGraderAPI.autograde: returns the given results in turn."""

    def __init__(self, *results):
        self.results, self.calls = list(results), 0

    def autograde(self, lesson, student, force, create):
        self.calls += 1
        return self.results.pop(0)


# what nbgrader's log holds when the kernel could not start (the converter logs the traceback)
NO_KERNEL = {
    "success": False,
    "log": "[ERROR] There was an error processing assignment\nTraceback (most recent call "
    "last):\n  ...\nRuntimeError: Kernel died before replying to kernel_info",
    "error": "NbGraderException: Please see the the above traceback for details",
}
GRADED = {"success": True, "log": "[INFO] Writing 1234 bytes"}


def test_autograde_tries_again_when_only_the_kernel_failed_to_start():
    api = FakeAPI(NO_KERNEL, GRADED)
    assert grade.autograde(api, "01_initialization", "ada") is GRADED
    assert api.calls == 2


def test_autograde_gives_up_after_three_kernel_start_failures():
    api = FakeAPI(NO_KERNEL, NO_KERNEL, NO_KERNEL, GRADED)
    assert grade.autograde(api, "01_initialization", "ada")["success"] is False
    assert api.calls == 3


def test_autograde_does_not_retry_a_submission_that_fails_for_its_own_reasons():
    broken = {"success": False, "log": "[ERROR] duplicate grade id", "error": "NbGraderException"}
    api = FakeAPI(broken, GRADED)
    assert grade.autograde(api, "01_initialization", "ada") is broken
    assert api.calls == 1
