"""nbgrader extensions used by autograder/nbgrader_config.py."""

from __future__ import annotations

from nbgrader import utils
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor


class HideHiddenTests(NbGraderPreprocessor):
    """Feedback must not reveal the hidden tests.

    nbgrader's feedback shows the autograded notebook, whose test cells hold the hidden tests
    again (autograde restores them), and whose tracebacks quote the failing test line. This
    removes the hidden-test regions from every cell and reduces each error in a test cell to
    its message (``AssertionError: <what the check helper says>``), which is what the student
    needs.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._clear = ClearHiddenTests(enforce_metadata=False)

    def preprocess_cell(self, cell, resources, index):
        if self._clear._remove_hidden_test_region(cell) and cell.cell_type == "code":
            cell.source = cell.source.rstrip() + "\n# (hidden tests are not shown)"
        if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    out["traceback"] = [f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"]
        return cell, resources


CHECK_CELL_SUFFIX = "_check_my_work"


def is_check_cell(cell) -> bool:
    """The learner's "check my work" cell: its grade_id ends with ``_check_my_work``."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "").endswith(CHECK_CELL_SUFFIX)


class DropSelfCheck(NbGraderPreprocessor):
    """The autograder does not run the learner's "check my work" cell.

    That cell grades the saved notebook against the hidden tests (``autograder.selfcheck``); run
    by nbgrader it would only grade the notebook a second time inside the first. It runs after
    OverwriteCells, so a learner's edit of the cell cannot bring it back: its source is replaced
    by a comment that says why it is empty (the cell stays, so the feedback shows where it was).
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and is_check_cell(cell):
            cell.source = "# check_my_work() runs in your own copy only; the autograder skips it."
            cell.outputs = []
            cell.execution_count = None
        return cell, resources


class ForgetDuplicates(NbGraderPreprocessor):
    """After nbgrader's DeduplicateIds: a duplicated cell's copy becomes an ordinary cell.

    DeduplicateIds leaves ``"nbgrader": {}`` on every copy but the last one, and nbgrader's own
    OverwriteCells (with ``add_missing_cells``) then fails on it with ``KeyError: 'grade_id'``.
    Removing the empty entry makes the copy a plain cell, as DeduplicateIds intends; the copy
    is graded nowhere (autograder.worker notes the duplicate in the student's reason).
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.get("metadata", {}).get("nbgrader", None) == {}:
            del cell.metadata["nbgrader"]
        return cell, resources
