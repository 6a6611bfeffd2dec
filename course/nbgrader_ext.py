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
