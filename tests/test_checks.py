"""course.checks: right answers pass; wrong answers fail with a message that diagnoses them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course.checks import (
    CheckFailed,
    as_float_array,
    builds_on,
    check_close,
    check_equal,
    check_prerequisite,
    check_sequence,
    check_true,
)

rng = np.random.default_rng(0)
X = rng.normal(size=(7, 3))
y = rng.normal(size=7)
w = rng.normal(size=3)
GRAD = -2 * X.T @ (y - X @ w)


def message(fn, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_equal_values_pass_within_tolerance():
    check_close("g", GRAD + 1e-9, GRAD)
    check_close("scalar", 3.0, np.float64(3.0))
    check_close("tensor", torch.tensor(GRAD), GRAD)


@pytest.mark.parametrize(
    "wrong, cause",
    [
        (-GRAD, "opposite sign"),
        (GRAD / 2, "2 times too small"),
        (GRAD * 2, "2 times too large"),
        (GRAD * 7, "7 times too large: a missing 1/m"),
        (GRAD / 7, "7 times too small"),
        (GRAD * 1.37, "same factor 1.37"),
        (GRAD + 0.5, "same constant 0.5"),
        (np.zeros(3), "all zeros"),
    ],
)
def test_likely_causes_are_named(wrong, cause):
    msg = message(check_close, "dJ/dw", wrong, GRAD)
    assert msg.startswith("dJ/dw does not match")
    assert cause in msg
    assert "largest absolute error" in msg and "largest relative error" in msg and "rtol=" in msg


def test_message_gives_index_and_values_of_largest_error():
    wrong = GRAD.copy()
    wrong[1] += 5.0
    msg = message(check_close, "g", wrong, GRAD)
    assert "at index (1,)" in msg
    assert f"expected {GRAD[1]:.8g}" in msg
    assert "1 of 3 entries" in msg


def test_transposed_square_matrix_is_diagnosed():
    A = rng.normal(size=(4, 4))
    assert "transpose" in message(check_close, "W", A.T, A)


@pytest.mark.parametrize(
    "got_shape, expected_shape, hint",
    [
        ((3, 4), (4, 3), "transposed"),
        ((3, 1), (3,), "length-1 axes"),
        ((), (3,), "single number"),
        ((3,), (), "forgot to sum"),
        ((2, 6), (3, 4), "same number of entries"),
    ],
)
def test_shape_mismatch_names_both_shapes(got_shape, expected_shape, hint):
    msg = message(check_close, "A", np.ones(got_shape), np.ones(expected_shape))
    assert f"expected {expected_shape}, got {got_shape}" in msg
    assert hint in msg


def test_non_finite_values_are_reported():
    msg = message(check_close, "p", np.array([np.nan, 1.0, np.inf]), np.ones(3))
    assert "2 non-finite" in msg and "index (0,)" in msg and "stable" in msg


def test_matching_infinities_pass():
    check_close("log", np.array([-np.inf, 0.0]), np.array([-np.inf, 0.0]))


def test_none_and_wrong_types_explain_themselves():
    assert "forget to `return`" in message(check_close, "f(x)", None, 1.0)
    assert "object of type" in message(check_close, "f(x)", {"a": 1}, 1.0)
    assert "bool" in message(check_close, "f(x)", True, 1.0)
    assert "could not be read" in message(check_close, "f(x)", ["a", "b"], [1.0, 2.0])


class AlwaysEqual(np.ndarray):
    def __eq__(self, other):
        return True

    def __array_ufunc__(self, *args, **kwargs):  # would make every comparison "pass"
        return np.zeros(3)


def test_ndarray_subclass_cannot_fool_the_check():
    fake = np.zeros(3).view(AlwaysEqual)
    arr = as_float_array("x", fake)
    assert type(arr) is np.ndarray
    assert "does not match" in message(check_close, "g", fake, GRAD)


def test_check_equal_counts_and_shapes():
    check_equal("params", 2400, 2400)
    check_equal("shape", (29, 29, 32), (29, 29, 32))
    check_equal("count", 12.0, 12)
    assert "off by -32" in message(check_equal, "params", 2368, 2400)
    assert "3 times the expected" in message(check_equal, "n", 30, 10)
    assert "shape[1]" in message(check_equal, "shape", (29, 30, 32), (29, 29, 32))
    assert "length 3" in message(check_equal, "shape", (29, 29), (29, 29, 32))
    assert "whole number" in message(check_equal, "n", 2.5, 2)
    assert "whole number" in message(check_equal, "n", True, 1)


def test_check_true():
    check_true("converged", np.bool_(True), "should converge")
    assert "should converge" in message(check_true, "converged", False, "should converge")
    assert "True/False" in message(check_true, "converged", "yes", "x")


def test_infinite_expected_with_zero_rtol():
    check_close("log p", np.array([-np.inf, -1.0]), np.array([-np.inf, -1.0]), rtol=0, atol=1e-12)
    msg = message(check_close, "log p", np.array([-5.0, -1.0]), np.array([-np.inf, -1.0]), rtol=0)
    assert "1 of 2 entries" in msg


def test_constant_offset_hint_is_relative_to_the_scale():
    tiny = np.array([1e-17, 2e-17, 3e-17])
    msg = message(check_close, "sigma(-40)", tiny * 3, tiny, rtol=1e-6, atol=0)
    assert "3 times too large" in msg or "same factor 3" in msg
    assert "same constant" not in msg


def test_relative_error_against_zero_is_not_a_huge_number():
    msg = message(check_close, "g", np.array([1e-3, 0.0]), np.zeros(2))
    assert "undefined, every expected entry is 0" in msg and "e+300" not in msg
    msg = message(check_close, "g", np.array([1.0, 5.0]), np.array([0.0, 2.0]))
    assert "largest relative error 1.500e+00 at index (1,)" in msg


def test_sign_flip_cause_is_worded_for_both_directions():
    """A flipped sign is not always 'y - p instead of p - y': for a maximised objective y - p is right."""
    msg = message(check_close, "dJ/dw", -GRAD, GRAD)
    assert "opposite sign" in msg
    assert "minimise" in msg and "maximise" in msg
    assert "y - p instead of p - y" not in msg


@pytest.mark.parametrize(
    "check",
    [
        lambda: check_close("h", None, np.ones(3)),
        lambda: check_equal("output shape", None, (29, 29, 32)),
        lambda: check_equal("parameter count", None, 896),
        lambda: check_sequence("conv_output_shape(...)", None, 3),
    ],
)
def test_a_forgotten_return_is_named(check):
    msg = message(check)
    assert "got None" in msg and "forget to `return`" in msg


def test_an_int_where_a_tuple_is_expected_fails_with_a_message_not_a_type_error():
    msg = message(check_equal, "output shape", 29, (29, 29, 32))
    assert "expected a sequence of length 3" in msg and "got 29" in msg
    msg = message(check_sequence, "conv_output_shape(...)", 29, 3, "(height, width, channels)")
    assert "expected a tuple of 3 items (height, width, channels)" in msg and "got 29 (type int)" in msg
    msg = message(check_sequence, "beam_search(...)", [1, 2, 3], 2)
    assert "a list of length 3" in msg
    assert check_sequence("pair", [1, 2], 2) == (1, 2)
    with pytest.raises(AssertionError):
        check_sequence("pair", np.array([1, 2]), 2)  # an array is not the promised tuple


def test_failures_are_assertion_errors_named_assertion_error():
    with pytest.raises(AssertionError) as info:
        check_true("p", False, "it should hold")
    assert type(info.value).__name__ == "AssertionError"  # what nbgrader's feedback prints as ename
    assert isinstance(info.value, CheckFailed)


def _ipython_traceback(cell: str) -> str:
    """The traceback text a real IPython shell (the kernel JupyterLab talks to) shows for ``cell``."""
    import re

    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shown: list[str] = []
    old = shell._showtraceback
    shell._showtraceback = lambda etype, evalue, stb: shown.append("\n".join(stb))
    try:
        result = shell.run_cell(cell)
    finally:
        shell._showtraceback = old
    assert result.error_in_exec is not None and shown
    return re.sub(r"\x1b\[[0-9;]*m", "", shown[-1])


@pytest.mark.parametrize(
    "cell",
    [
        "from course.checks import check_close\ncheck_close('dJ/dw', [1.0, 2.0], [1.0, 3.0])",
        "from course.checks import check_equal\ncheck_equal('output shape', 29, (29, 29, 32))",
        "from course.checks import check_close\ncheck_close('h', None, 1.0)",
        "import numpy as np\nfrom course.gradients import check_gradient\n"
        "check_gradient('dJ/dw', lambda w: -2 * w, [np.array([1.0, 2.0])], f_numpy=lambda w: float(w @ w))",
    ],
)
def test_ipython_traceback_shows_the_test_line_and_message_without_course_frames(cell):
    text = _ipython_traceback(cell)
    last_line = cell.splitlines()[-1]
    assert last_line[:30] in text  # the test line
    assert "AssertionError: " in text  # and the diagnosis
    assert "course/checks.py" not in text and "course/gradients.py" not in text, text
    assert "skipping hidden" not in text
    assert "test bug" not in text  # the oracle-disagreement branch's source is not quoted


def test_ipython_traceback_still_shows_the_students_own_frames():
    cell = (
        "from course.checks import check_close\n"
        "def my_answer(x):\n"
        "    return [v * 2 for v in x]\n"
        "check_close('2x', my_answer([1.0, 2.0]), [2.0, 5.0])"
    )
    assert "check_close('2x'" in _ipython_traceback(cell)
    cell = "def broken(x):\n    return x + undefined_name\nbroken(1)"
    text = _ipython_traceback(cell)
    assert "NameError" in text and "undefined_name" in text


def test_a_test_that_builds_on_an_earlier_answer_says_to_fix_that_one_first():
    def conv_output_size(n, k, s, p):
        return (n - k + 2 * p) // s  # forgot the + 1

    msg = message(
        check_prerequisite,
        "conv_output_size",
        "Question 3",
        lambda: check_equal("n_out", conv_output_size(32, 5, 1, 0), 28),
    )
    assert msg.startswith("this test uses your conv_output_size (Question 3)") and "fix it first" in msg
    assert "expected 28, got 27" in msg  # and why
    msg = message(check_prerequisite, "rnn_forward", "Question 8", lambda: 1 / 0)
    assert "raised ZeroDivisionError" in msg
    check_prerequisite("conv_output_size", "Question 3", lambda: check_equal("n_out", 28, 28))  # passes silently


def test_builds_on_names_the_earlier_answer_only_when_it_fails():
    def out_size(n, k, s, p):
        return (n - k + 2 * p) // s  # wrong

    def table_using_it():
        check_equal("table row 0 height", out_size(32, 5, 1, 0), 28)

    def out_size_check():
        check_equal("n_out", out_size(32, 5, 1, 0), 28)

    with pytest.raises(AssertionError) as info:
        with builds_on("conv_output_size", "Question 2.1", out_size_check):
            table_using_it()
    assert str(info.value).startswith("this test uses your conv_output_size (Question 2.1)")
    # the earlier answer is right: the block's own message, unchanged
    with pytest.raises(AssertionError) as info:
        with builds_on("conv_output_size", "Question 2.1", lambda: None):
            check_equal("table row 0 height", 27, 28)
    assert str(info.value).startswith("table row 0 height: expected 28, got 27")
    with builds_on("conv_output_size", "Question 2.1", out_size_check):  # a passing block never runs the check
        pass


def test_builds_on_also_explains_an_error_raised_by_code_that_calls_the_broken_answer():
    def forward(x):
        return None  # forgot return

    def backward(x):
        return forward(x)[0]  # the student's backward reuses the forward: TypeError

    def forward_check():
        check_close("forward", forward(1.0), 1.0)

    with pytest.raises(AssertionError) as info:
        with builds_on("conv2d_forward", "Question 1.1", forward_check):
            backward(1.0)
    assert str(info.value).startswith("this test uses your conv2d_forward (Question 1.1)")
    with pytest.raises(TypeError):  # the earlier answer is fine: the error itself is shown
        with builds_on("conv2d_forward", "Question 1.1", lambda: None):
            backward(1.0)


def test_a_failed_check_pickles_as_a_plain_assertion_error():
    import pickle

    with pytest.raises(AssertionError) as info:
        check_equal("n_out", 27, 28)
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is AssertionError and str(back) == str(info.value)


def test_a_passing_test_cell_says_so_in_ipython_and_a_failing_or_checkless_one_does_not(capsys):
    from IPython.core.interactiveshell import InteractiveShell

    from course.checks import PASSED_MESSAGE

    shell = InteractiveShell.instance()
    old = shell._showtraceback
    shell._showtraceback = lambda *a: None
    try:
        printed = []
        for cell in [
            "from course.checks import check_close\ncheck_close('dJ/dw', [1.0, 2.0], [1.0, 2.0])",
            "x = 1 + 1",  # no check: silent
            "from course.checks import check_close\ncheck_close('dJ/dw', [1.0, 2.0], [1.0, 3.0])",  # fails
            "from course.checks import check_close\ncheck_close('a', 1.0, 1.0)\nraise ValueError('after')",
            "from course.checks import check_true\ncheck_true('w', True, 'ok')",
        ]:
            shell.run_cell(cell)
            printed.append(capsys.readouterr().out.count(PASSED_MESSAGE))
    finally:
        shell._showtraceback = old
    assert printed == [1, 0, 0, 0, 1], printed


def test_outside_ipython_a_passing_check_prints_nothing(capsys):
    check_close("dJ/dw", [1.0, 2.0], [1.0, 2.0])
    assert capsys.readouterr().out == ""
