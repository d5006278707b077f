"""A feedback preprocessor that keeps hidden tests hidden.

nbgrader's feedback shows each graded cell as it was autograded, i.e. with the hidden tests
put back, and a failing hidden test's traceback quotes its code. ``HideHiddenTests``
removes the ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` region from the source
and shortens the error output of such a cell to its last line (``AssertionError: <the
author's message>``), so students learn *what* failed without seeing the hidden test.

Configured in nbgrader_config.py as a ``GenerateFeedback`` preprocessor.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

BEGIN = "### BEGIN HIDDEN TESTS"
END = "### END HIDDEN TESTS"
NOTE = "# (hidden tests are not shown)"


def strip_hidden_region(source: str) -> str:
    """The source without its hidden-test regions (a short note marks where they were)."""
    out, hidden = [], False
    for line in source.split("\n"):
        if BEGIN in line:
            hidden = True
            out.append(line[: line.index(BEGIN)] + NOTE)
        elif END in line:
            hidden = False
        elif not hidden:
            out.append(line)
    return "\n".join(out)


class HideHiddenTests(Preprocessor):
    """Remove hidden tests, and the tracebacks that would quote them, from feedback."""

    enabled = Bool(True, help="nbconvert skips preprocessors that are not enabled").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and BEGIN in cell.source:
            cell.source = strip_hidden_region(cell.source)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output['ename']}: {output['evalue']}"]
        return cell, resources
