"""nbgrader configuration of the course (run nbgrader commands from this folder).

Lesson sources with solutions and hidden tests: source/<NN_topic>/<NN_topic>.md (MyST text
notebooks); `python build_lessons.py` turns them into source/<NN_topic>/<NN_topic>.ipynb for
nbgrader and releases the learner copies into ../notebooks/. See README.md in this folder.
"""

import os

c = get_config()  # noqa: F821 (injected by nbgrader)

HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "practical-training"
c.CourseDirectory.root = HERE
# learner copies go straight into the repository's notebooks/ folder
c.CourseDirectory.release_directory = os.path.join("..", "notebooks")
# never copy the text sources (they hold the solutions) or build leftovers into a release
c.CourseDirectory.ignore = [
    ".ipynb_checkpoints",
    "*.pyc",
    "__pycache__",
    "feedback",
    "*.md",
    "*.py",
]

# grading: a cell may run at most this long (an infinite loop is stopped and the
# notebook's remaining cells still run)
c.Execute.timeout = 60
# a student who deletes a locked test cell gets it back (and so gains nothing)
c.OverwriteCells.add_missing_cells = True
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# feedback must not reveal hidden tests (nbgrader's default feedback shows them)
import sys  # noqa: E402

sys.path.insert(0, HERE)
from feedback_filters import HideHiddenTests  # noqa: E402
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
