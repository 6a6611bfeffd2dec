"""Checks that compare a student's answer with the expected value and explain a mismatch.

Every test cell in the course calls these instead of writing bare ``assert``s, so that a
failure always says *what* is wrong (name, shapes, dtypes, the largest error and where it
is, non-finite values) and, when the pattern fits, a *likely cause*: a sign flip, a
transpose, a constant factor such as a forgotten 1/m or 2.
"""

from __future__ import annotations

import contextlib
import functools
import numbers
import threading
import types

import numpy as np

__all__ = [
    "check_close",
    "check_equal",
    "check_true",
    "check_sequence",
    "check_prerequisite",
    "builds_on",
    "as_float_array",
    "check_precision",
]

# Every function here sets ``__tracebackhide__``. IPython skips such frames in a traceback but
# always shows the last one, where the error was raised; so the public checks raise a
# ``CheckFailed``, whose ``_render_traceback_`` (which IPython and ipykernel call) leaves out
# every hidden frame: in JupyterLab the student sees the test line and the diagnosis, not the
# checker's source. Outside IPython it is an ordinary AssertionError.


class CheckFailed(AssertionError):
    """A failed check. An AssertionError, shown by IPython without the course's own frames."""

    def __reduce__(self):  # pickled (between processes) as the plain AssertionError it presents itself as
        return AssertionError, self.args

    def _render_traceback_(self):
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            raise RuntimeError("no IPython shell")  # IPython falls back to its usual traceback
        kept, tb = [], self.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            hidden = tb.tb_frame.f_locals.get("__tracebackhide__", False)
            if not hidden and not code.co_filename.endswith(("interactiveshell.py", "async_helpers.py")):
                kept.append(tb)
            tb = tb.tb_next
        new = None
        for t in reversed(kept):
            new = types.TracebackType(new, t.tb_frame, t.tb_lasti, t.tb_lineno)
        return shell.InteractiveTB.structured_traceback(type(self), self, new, tb_offset=0)


CheckFailed.__name__ = CheckFailed.__qualname__ = "AssertionError"  # what a traceback and nbgrader print


def _shown_as_check_failure(check):
    """Re-raise an AssertionError from ``check`` as a CheckFailed (same message, no chained context)."""

    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        __tracebackhide__ = True
        try:
            value = check(*args, **kwargs)
        except CheckFailed:
            raise
        except AssertionError as exc:
            raise CheckFailed(*exc.args) from None
        _passed_one()
        return value

    return wrapper


# A passing test cell says so (issue 20: a student could not tell "passed" from "did not run"). In an
# IPython shell (the student's kernel), the first check that passes registers a post-run hook; after
# each cell in which at least one check passed and nothing failed, it prints one line. Outside IPython
# (a grader's process, the test suite) nothing is registered and nothing printed.
PASSED_MESSAGE = "✓ All checks in this cell passed."
_CELL = {"passed": 0, "shell": None}


def _passed_one() -> None:
    _CELL["passed"] += 1
    if threading.current_thread() is not threading.main_thread():
        return
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency of every kernel
        return
    shell = get_ipython()
    if shell is not None and _CELL["shell"] is not shell:
        shell.events.register("post_run_cell", _after_cell)
        _CELL["shell"] = shell


def _after_cell(result) -> None:
    passed, _CELL["passed"] = _CELL["passed"], 0
    if passed and result.success:
        print(PASSED_MESSAGE)


# Set by whoever runs the test cells (the grader) while the hidden part of a test cell runs (issue 18):
# failure messages then say how far off, where and the likely cause, never the expected value itself
# (five resubmissions must not turn printed expectations into a lookup table). Per thread: a test the grader
# abandoned past its deadline runs on in its own thread and must not change the flag of the next test.
_STATE = threading.local()


def set_hidden(flag: bool) -> None:
    """The grader says whether the hidden part of a test cell is running (in this thread)."""
    _STATE.hidden = bool(flag)


def _hidden() -> bool:
    return getattr(_STATE, "hidden", False)


def _expected(value, fmt: str = "") -> str:
    if _hidden():
        return "(hidden)"
    return repr(value) if fmt == "r" else format(value, fmt)


# The remote-object protocol. A grader may hand the checks stand-ins for objects that live in another
# process (the student's kernel): their class sets ``_course_remote = True`` and each instance names the
# real object's type in ``_course_type_name``; a stand-in for a function may also offer
# ``_course_call_guarded(name_or_None, args, kwargs, contract=...)``, which runs the call over there under
# the PyTorch guard and the contract (``course.guard.call_answer`` uses it). Nothing else is assumed.


def _is_tensor(value) -> bool:
    """A real torch.Tensor of this process (never an object trusted by its type's name: a handle to a
    student's object whose class is called ``torch.Something`` is not a tensor)."""
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor) and not getattr(type(value), "_course_remote", False)


def _type_name(obj) -> str:
    cls = type(obj)
    if getattr(cls, "_course_remote", False):  # a stand-in (the remote-object protocol above)
        return obj._course_type_name
    return f"{cls.__module__}.{cls.__qualname__}" if cls.__module__ != "builtins" else cls.__name__


def as_float_array(name: str, value) -> np.ndarray:
    """Return ``value`` as a plain float64 ndarray, or fail with a message about its type.

    Only plain numbers, lists/tuples of numbers, NumPy arrays and torch tensors are accepted.
    Subclasses of ndarray are converted to a plain ndarray, so no overridden ``__eq__`` or
    comparison can influence a check.
    """
    __tracebackhide__ = True
    if value is None:
        raise AssertionError(f"{name}: got None. Did the function forget to `return` its result?")
    if isinstance(value, (bool, np.bool_)):
        raise AssertionError(f"{name}: got a bool ({value}), expected a number or an array.")
    type_ok = isinstance(value, (numbers.Number, np.ndarray, np.generic, list, tuple))
    if not type_ok and _is_tensor(value):
        value = value.detach().cpu().numpy()
        type_ok = True
    if not type_ok:
        raise AssertionError(f"{name}: got an object of type {_type_name(value)}; expected a NumPy array or a number.")
    try:
        arr = np.array(value, dtype=np.float64, copy=True, subok=False)
    except (TypeError, ValueError) as exc:
        raise AssertionError(f"{name}: could not be read as an array of numbers ({exc}).") from None
    return np.asarray(arr, dtype=np.float64)


def _fmt_index(idx) -> str:
    idx = tuple(int(i) for i in idx)
    return "()" if not idx else str(idx)


def _constant_ratio(actual: np.ndarray, expected: np.ndarray, rtol: float) -> float | None:
    """The constant c with actual ≈ c * expected, if there is one (and it is not 1)."""
    scale = float(np.abs(expected).max()) if expected.size else 0.0
    mask = np.abs(expected) > 1e-12 * scale
    if scale == 0.0 or mask.sum() == 0:
        return None
    ratios = actual[mask] / expected[mask]
    c = float(np.median(ratios))
    if not np.isfinite(c) or abs(c - 1.0) < 1e-9 or abs(c) < 1e-12:
        return None
    if np.allclose(actual, c * expected, rtol=max(rtol, 1e-6) * 10, atol=1e-10 * scale * (1 + abs(c))):
        return c
    return None


def _name_factor(c: float) -> str:
    if abs(c + 1) < 1e-6:
        return (
            "every entry has the opposite sign: a sign flipped somewhere (e.g. y - p and p - y swapped: "
            "p - y is the gradient of a loss you minimise, y - p of an objective you maximise)"
        )
    for k, why in ((2, "a factor of 2 (the derivative of a square, a ½ in the loss, or 1/m with m = 2)"),):
        if abs(c - k) < 1e-6 * k:
            return f"every entry is {k} times too large: {why}"
        if abs(c - 1 / k) < 1e-6 / k:
            return f"every entry is {k} times too small: {why}"
        if abs(c + k) < 1e-6 * k or abs(c + 1 / k) < 1e-6 / k:
            return f"off by a factor of {c:g}: a sign and {why}"
    near_int = round(c)
    if abs(c - near_int) < 1e-6 * max(1, abs(c)) and abs(near_int) >= 3:
        return f"every entry is {near_int} times too large: a missing 1/m averaging (m = {abs(near_int)} here?)"
    inv = 1 / c
    near_inv = round(inv)
    if abs(inv - near_inv) < 1e-6 * max(1, abs(inv)) and abs(near_inv) >= 3:
        return f"every entry is {near_inv} times too small: divided by m once too often (m = {abs(near_inv)} here?)"
    return f"every entry is off by the same factor {c:.6g}: a constant factor is wrong"


def _likely_cause(actual: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str | None:
    if actual.shape != expected.shape:
        return None
    if actual.ndim == 2 and actual.shape[0] == actual.shape[1] and actual.shape[0] > 1:
        if np.allclose(actual, expected.T, rtol=rtol, atol=atol):
            return "the answer equals the transpose of the expected matrix"
    c = _constant_ratio(actual, expected, rtol)
    if c is not None and (actual.size > 1 or any(abs(c - k) < 1e-6 for k in (-1, 2, 0.5))):
        return _name_factor(c)  # a single number always has "a constant ratio": name only -1, 2, ½
    if np.allclose(actual, np.zeros_like(actual), atol=atol) and not np.allclose(expected, 0, atol=atol):
        return "the answer is all zeros: a term is missing, or the function is not finished"
    diff = actual - expected
    scale = max(float(np.abs(expected).max()), float(np.abs(actual).max()), 1e-300)
    offset_tol = max(atol, 1e-9 * scale)
    constant = abs(diff.flat[0]) > 10 * offset_tol and np.allclose(diff, diff.flat[0], rtol=0, atol=offset_tol)
    if actual.size > 1 and constant:
        return f"every entry is off by the same constant {diff.flat[0]:.6g}: a missing or extra constant term"
    return None


def _shape_hint(actual: np.ndarray, expected: np.ndarray) -> str | None:
    if actual.shape == expected.shape[::-1] and actual.ndim == 2:
        return "the shape is transposed: check the order of a matrix product or a missing .T"
    if actual.size == expected.size:
        if actual.squeeze().shape == expected.squeeze().shape:
            return "the same numbers with extra or missing length-1 axes: a column vector vs a 1-D array?"
        return "the same number of entries in another shape: check reshape/flatten order or axes"
    if actual.ndim == 0 and expected.ndim > 0:
        return "got a single number where an array was expected: summed over an axis too many?"
    if expected.ndim == 0 and actual.ndim > 0:
        return "got an array where a single number was expected: forgot to sum or average?"
    return None


@_shown_as_check_failure
def check_close(name: str, actual, expected, *, rtol: float = 1e-6, atol: float = 1e-8) -> None:
    """Assert that ``actual`` equals ``expected`` within ``|a - e| <= atol + rtol * |e|``.

    name: what is compared, as the student would say it (e.g. ``"dJ/dw"``).
    actual: the student's value (array-like). expected: the reference value (array-like).
    Raises AssertionError with a diagnosis on a mismatch; returns None otherwise.
    """
    __tracebackhide__ = True
    check_precision(name, actual)
    a = as_float_array(name, actual)
    e = as_float_array(f"{name} (expected)", expected)
    raw_dtype = getattr(actual, "dtype", type(actual).__name__)
    lines = [f"{name} does not match the expected value."]
    if a.shape != e.shape:
        lines.append(f"  shape: expected {e.shape}, got {a.shape} (dtype {raw_dtype})")
        hint = _shape_hint(a, e)
        if hint:
            lines.append(f"  likely cause: {hint}")
        raise AssertionError("\n".join(lines))
    bad_a = ~np.isfinite(a) & ~(np.isinf(a) & (a == e))  # a matching ±inf is not an error
    if bad_a.any():
        idx = tuple(int(i) for i in np.argwhere(bad_a)[0]) if a.ndim else ()
        lines.append(
            f"  {int(bad_a.sum())} non-finite value(s) (NaN or inf), first at index {_fmt_index(idx)}: "
            f"got {a[idx]}, expected {_expected(e[idx])}"
        )
        lines.append("  likely cause: an overflow in exp, a log of 0, or a division by 0; use a stable formula")
        raise AssertionError("\n".join(lines))
    both_inf = np.isinf(a) & np.isinf(e) & (np.sign(a) == np.sign(e))
    with np.errstate(invalid="ignore"):  # inf - inf where both are inf: handled by both_inf
        err = np.where(both_inf, 0.0, np.abs(a - e))
    err = np.nan_to_num(err, nan=np.inf)
    tol = atol + rtol * np.abs(np.where(np.isfinite(e), e, 0.0))  # no 0*inf = NaN tolerance
    if np.all(err <= tol):
        return
    i_abs = np.unravel_index(int(np.argmax(err)), err.shape) if err.ndim else ()
    nonzero = np.abs(e) > 0
    rel = np.where(nonzero, err / np.where(nonzero, np.abs(e), 1.0), 0.0)
    i_rel = np.unravel_index(int(np.argmax(rel)), rel.shape) if rel.ndim else ()
    n_bad = int(np.sum(err > tol))
    lines.append(f"  shape {a.shape}, dtype {raw_dtype}; {n_bad} of {a.size} entries outside the tolerance")
    lines.append(
        f"  largest absolute error {err[i_abs]:.3e} at index {_fmt_index(i_abs)}: "
        + (f"got {a[i_abs]:.8g}, expected {e[i_abs]:.8g}" if not _hidden() else "values hidden in a hidden test")
    )
    if nonzero.any():
        lines.append(f"  largest relative error {rel[i_rel]:.3e} at index {_fmt_index(i_rel)}")
    else:
        lines.append("  relative error: undefined, every expected entry is 0")
    lines.append(f"  tolerance: |got - expected| <= atol + rtol*|expected| with rtol={rtol:g}, atol={atol:g}")
    cause = _likely_cause(a, e, rtol, atol)
    if cause:
        lines.append(f"  likely cause: {cause}")
    raise AssertionError("\n".join(lines))


def check_precision(name: str, actual) -> None:
    """Refuse reduced-precision floats and complex numbers: the course computes in float64."""
    __tracebackhide__ = True
    dtype = getattr(actual, "dtype", None)
    if not isinstance(dtype, np.dtype):
        if isinstance(actual, complex):
            dtype = np.dtype(complex)
        else:
            return
    if dtype.kind == "f" and dtype.itemsize < 8:
        raise AssertionError(
            f"{name}: the answer has dtype {dtype} (about {7 if dtype.itemsize == 4 else 3} significant digits). "
            "Compute in float64, NumPy's default: remove the .astype/np.float32 (or dtype=...) that lowers it."
        )
    if dtype.kind == "c":
        raise AssertionError(
            f"{name}: the answer is complex (dtype {dtype}); the expected value is real. A complex result "
            "usually comes from np.sqrt or np.log of a negative number converted to complex, or np.linalg.eig "
            "on a non-symmetric matrix: use np.linalg.eigh/svd for symmetric matrices, and real arithmetic."
        )


@_shown_as_check_failure
def check_equal(name: str, actual, expected) -> None:
    """Assert exact equality of integers, tuples of integers, strings or booleans.

    For counts and shapes (parameter counts, output sizes). Numbers are compared as Python
    ints after checking they are whole; a mismatch names the ratio or difference.
    """
    __tracebackhide__ = True
    if actual is None:
        raise AssertionError(f"{name}: got None. Did the function forget to `return` its result?")
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            raise AssertionError(
                f"{name}: expected a sequence of length {len(expected)}"
                f"{'' if _hidden() else f' like {tuple(expected)}'}, "
                f"got {actual!r} (type {_type_name(actual)})"
            )
        for k, (a, e) in enumerate(zip(actual, expected, strict=True)):
            check_equal(f"{name}[{k}]", a, e)
        return
    if isinstance(expected, (bool, np.bool_)) or isinstance(expected, str):
        if type(actual) is not type(expected) or actual != expected:
            raise AssertionError(f"{name}: expected {_expected(expected, 'r')}, got {actual!r}")
        return
    if not isinstance(actual, (numbers.Integral, np.integer)) or isinstance(actual, (bool, np.bool_)):
        if isinstance(actual, (float, np.floating)) and float(actual).is_integer():
            actual = int(actual)
        else:
            raise AssertionError(
                f"{name}: expected the whole number {_expected(expected)}, got {actual!r} (type {_type_name(actual)})"
            )
    a, e = int(actual), int(expected)
    if a == e:
        return
    if _hidden():  # how far off, not the expected number
        off = f"{abs(a - e) / abs(e):.0%}" if e else "some"
        raise AssertionError(
            f"{name}: got {a}, {'more' if a > e else 'less'} than the expected value (hidden test) by about {off}"
            + ("; it is a whole multiple of the expected value" if e and a % e == 0 else "")
        )
    msg = f"{name}: expected {e}, got {a} (off by {a - e:+d})"
    if e != 0 and a != 0:
        if a % e == 0:
            msg += f"; the answer is {a // e} times the expected value"
        elif e % a == 0:
            msg += f"; the expected value is {e // a} times the answer"
    raise AssertionError(msg)


@_shown_as_check_failure
def check_sequence(name: str, value, length: int, what: str = "") -> tuple:
    """Assert that a function returned a tuple or list of ``length`` items, and return it as a tuple.

    Tests call it before they unpack or index a result (``a, b = check_sequence(...)``), so that a
    missing ``return`` or a single number where a pair was promised fails with a message instead
    of a ``TypeError`` in the test's own code. what: the items, e.g. ``"(height, width)"``.
    """
    __tracebackhide__ = True
    if value is None:
        raise AssertionError(f"{name}: got None. Did the function forget to `return` its result?")
    if not isinstance(value, (tuple, list)) or len(value) != length:
        if isinstance(value, (tuple, list)):
            got = f"a {_type_name(value)} of length {len(value)}"
        elif isinstance(value, (numbers.Number, str)):
            got = f"{value!r} (type {_type_name(value)})"
        else:
            got = f"an object of type {_type_name(value)}"
        items = f" {what}" if what else ""
        raise AssertionError(f"{name}: expected a tuple of {length} items{items}, got {got}.")
    return tuple(value)


@_shown_as_check_failure
def check_prerequisite(answer: str, where: str, check) -> None:
    """Before a test that builds on an earlier answer: run ``check`` (a small test of that answer).

    answer: the earlier function, e.g. ``"conv_output_size"``. where: where it is asked, e.g.
    ``"Question 3"``. check: a function of no arguments that calls the check helpers.
    On a failure the message says to fix that answer first, so one mistake is not hunted in
    several cells.
    """
    __tracebackhide__ = True
    try:
        check()
    except AssertionError as exc:
        raise AssertionError(
            f"this test uses your {answer} ({where}), and {answer} fails its own check; fix it first, "
            f"then run this cell again.\n  {answer}: {exc}"
        ) from None
    except Exception as exc:  # noqa: BLE001 (an error inside the earlier answer)
        raise AssertionError(
            f"this test uses your {answer} ({where}), which raised {type(exc).__name__}: {exc}. Fix it first."
        ) from None


@contextlib.contextmanager
def builds_on(answer: str, where: str, check):
    """A test block that may build on an earlier answer (the student may or may not reuse it).

    If the block fails (a failed check, or an error raised inside the student's code) and the
    earlier answer fails ``check`` too, the failure says to fix that answer first
    (``check_prerequisite``); if the earlier answer passes, the block's own failure or error is
    shown. A correct answer written without the earlier one never pays for it.
    """
    __tracebackhide__ = True
    try:
        yield
    except Exception:  # a failed check, or an error inside a student's function that calls the earlier one
        check_prerequisite(answer, where, check)
        raise


@_shown_as_check_failure
def check_true(name: str, condition, explanation: str) -> None:
    """Assert a property; ``explanation`` says what should hold and why it matters."""
    __tracebackhide__ = True
    if not isinstance(condition, (bool, np.bool_)):
        raise AssertionError(f"{name}: the check expected True/False, got {_type_name(condition)}")
    if not bool(condition):
        raise AssertionError(f"{name}: {explanation}")
