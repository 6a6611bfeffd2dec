"""Validate in ``course lab`` (autograder.validate): the engine's grade in nbgrader's dialog format, short."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader import utils

from autograder import validate
from autograder.grading import CellResult, SubmissionResult

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "release" / "01_linear_regression" / "01_linear_regression.ipynb"
STUB = "NotImplementedError: \nat least_squares_loss(X, y, w)"


def result(*cells: CellResult) -> SubmissionResult:
    return SubmissionResult("me", "01_linear_regression", list(cells))


def test_every_test_passing_is_nbgraders_success():
    assert validate.validation_result(result(CellResult("a", "autograded", 2, 2), CellResult("m", "manual", None, 3)),
                                      {}) == {}


def test_wrong_answers_come_first_each_with_its_diagnosis_and_blanks_share_one_block():
    graded = result(
        *(CellResult(f"blank{i}", "autograded", 0, 1, STUB) for i in range(20)),
        CellResult("wrong", "autograded", 0, 3, "loss: does not match <expected>\nlikely cause: 2 times too small"),
        CellResult("right", "autograded", 2, 2),
    )
    labels = {"wrong": "Q2 least_squares_loss · test 1 of 2", **{f"blank{i}": f"Q{i + 3} q{i}" for i in range(20)}}
    failed = validate.validation_result(graded, labels)["failed"]
    assert len(failed) == 2, "twenty unanswered tests are one block, not twenty tracebacks"
    first, blanks = failed
    assert first["source"] == "Q2 least_squares_loss · test 1 of 2  (0/3 points)"
    assert "likely cause: 2 times too small" in first["raw_error"]
    assert first["error"] == "loss: does not match &lt;expected&gt;\nlikely cause: 2 times too small", "HTML-escaped"
    assert blanks["source"].splitlines()[0] == "Not attempted yet:"
    assert blanks["source"].splitlines()[1:] == [f"Q{i + 3} q{i}  (0/1 points)" for i in range(20)]
    assert "20 tests wait" in blanks["raw_error"] and "2/25 autograded points" in blanks["raw_error"]
    assert "NotImplementedError" in blanks["raw_error"] and "Traceback" not in blanks["raw_error"]
    assert sum(len(b["source"].splitlines()) + len(b["raw_error"].splitlines()) for b in failed) < 40
    assert max(len(line) for b in failed for line in b["raw_error"].splitlines()) <= validate.WIDTH


def test_one_blank_test_is_named_in_the_singular():
    failed = validate.validation_result(result(CellResult("b", "autograded", 0, 1, STUB)), {})["failed"]
    assert "1 test waits" in failed[0]["raw_error"], failed


def test_a_released_notebook_is_untouched_and_a_changed_locked_cell_is_reported_as_nbgrader_does():
    nb = nbformat.read(str(RELEASE), as_version=4)
    assert validate.changed_cells(nb) == {}
    locked = next(c for c in nb.cells if utils.is_locked(c) and c.cell_type == "code" and "checksum" in
                  c.metadata.nbgrader)
    locked.source += "\nassert True  # a test made to pass"
    assert validate.changed_cells(nb) == {"changed": [{"source": locked.source.strip()}]}
    answer = next(c for c in nb.cells if utils.is_solution(c) and c.cell_type == "code")
    answer.cell_type = "markdown"
    (typed,) = validate.changed_cells(nb)["type_changed"]
    assert typed["old_type"] == "markdown" and typed["new_type"] == "code"


def test_a_notebook_that_is_no_course_topic_goes_to_nbgraders_validator(tmp_path):
    other = tmp_path / "scratch.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), str(other))
    assert validate.validate_with_engine(other) is None


def test_nbgraders_own_answer_is_condensed_where_there_are_no_hidden_tests():
    tb = "Traceback (most recent call last):\n  File ...\n\x1b[0;31mNotImplementedError\x1b[0m: "
    stock = {"success": True, "value": {"failed": [
        {"source": "check_close('f(1)', f(1), 2)\nmore", "error": "x", "raw_error": tb},
        {"source": "check_close('g(1)', g(1), 3)", "error": "AssertionError: g(1)", "raw_error": "AssertionError: g"},
        {"source": "check_close('h(1)', h(1), 4)", "error": "x", "raw_error": tb},
    ]}}
    failed = validate.condensed(stock)["value"]["failed"]
    assert [f["source"] for f in failed[:1]] == ["check_close('g(1)', g(1), 3)"], "answered wrong: kept as it was"
    assert failed[1]["source"].splitlines()[1:] == ["check_close('f(1)', f(1), 2)", "check_close('h(1)', h(1), 4)"]
    assert "2 test cells wait" in failed[1]["raw_error"] and "Traceback" not in failed[1]["raw_error"]
    for unchanged in ({"success": True, "value": {}}, {"success": False, "value": "boom"},
                      {"success": True, "value": {"changed": [{"source": "x"}]}}):
        assert validate.condensed(unchanged) == unchanged
