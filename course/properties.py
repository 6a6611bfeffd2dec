"""Property-based differential checks: the answer against the reference on its whole domain.

A hidden test declares the *domain* of a graded function once, as a Hypothesis strategy that
draws argument tuples (shapes with a 1 and non-square ones, integer and float inputs where the
docstring allows them, extreme but valid magnitudes, exact ties and kinks), and compares the
student's function with the reference solution (kept in the hidden test) on inputs drawn from it:

    check_against_reference("softmax", softmax, softmax_ref_h, st.tuples(logits_h()))

Every call goes through :func:`course.guard.call_answer` (no PyTorch, the contract of
:mod:`course.contracts`). Grading stays deterministic and fast: Hypothesis is derandomized (the
same inputs on every run and machine), keeps no example database, and draws a bounded number of
examples. On a failure Hypothesis shrinks the input to a simple one, and the message shows it
(shapes and values), what came back and the comparison's diagnosis.

``COURSE_PROPERTY_SEED=N`` in the environment draws with seed N instead: the test suite uses it to
show that correct answers pass whatever the draw. ``COURSE_PROPERTY_FAST_FAIL=1`` (the mutation run
and the catalog tests, which need only the verdict) reports the first failing input unshrunk.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis.errors import FailedHealthCheck, Flaky, HypothesisException, Unsatisfiable
from hypothesis.extra import numpy as hnp
from hypothesis.internal.conjecture import providers as _providers

from course.checks import check_close, check_equal
from course.contracts import snapshot
from course.guard import call_answer

__all__ = [
    "check_against_reference",
    "describe_args",
    "dims",
    "floats",
    "values",
    "DEFAULT_EXAMPLES",
]

DEFAULT_EXAMPLES = 40  # examples per check: enough to hit the edges of a declared domain, fast to grade

# Hypothesis mixes constants found in the "local" (non-site-packages) modules a process has loaded
# into its draws, and caches them under ./.hypothesis. The student's kernel, the grader and the test
# suite load different modules of this course, so the same derandomized check would draw different
# inputs in each, and the cache would land in the notebook's folder (and in release/). Draw from the
# declared domain alone, and keep anything Hypothesis writes out of the working folder. (Hypothesis
# is pinned: _get_local_constants is internal; tests/test_contracts.py checks both effects.)
_providers._get_local_constants = lambda: _providers.Constants()
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / f"course-hypothesis-{os.getuid()}")


class _Failure(Exception):
    """Carries a failing example's own message through Hypothesis."""


def dims(lo: int = 1, hi: int = 6):
    """A dimension (number of rows, features, classes...) from ``lo`` to ``hi``; 1 comes up often."""
    return st.integers(lo, hi)


def floats(lo: float = -10.0, hi: float = 10.0, *, ties: bool = True):
    """Finite float64 numbers in [lo, hi]; with ``ties``, small whole numbers (and 0) come up often."""
    base = st.floats(lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    if not ties:
        return base
    whole = sorted((float(v) for v in range(max(int(np.ceil(lo)), -3), min(int(np.floor(hi)), 3) + 1)), key=abs)
    return st.one_of(st.sampled_from(whole), base) if whole else base


def values(shape, lo: float = -10.0, hi: float = 10.0, *, integers: bool = True, ties: bool = True):
    """Arrays of ``shape`` (a tuple or a strategy of tuples) with entries in [lo, hi].

    integers: half of the draws are int64 arrays (a docstring that says "array of numbers" allows
    ``np.arange``-style inputs). ties: repeated values and whole numbers come up often.
    """
    shape_st = shape if isinstance(shape, st.SearchStrategy) else st.just(tuple(shape))
    float_arrays = shape_st.flatmap(lambda s: hnp.arrays(np.float64, s, elements=floats(lo, hi, ties=ties)))
    if not integers or int(np.floor(hi)) < int(np.ceil(lo)):
        return float_arrays
    ints = st.integers(int(np.ceil(lo)), int(np.floor(hi)))
    int_arrays = shape_st.flatmap(lambda s: hnp.arrays(np.int64, s, elements=ints))
    return st.one_of(float_arrays, int_arrays)


def _failure_message(name: str, shown, exc: BaseException, labels, shrunk: bool = True) -> str:
    what = f"{type(exc).__name__}: {exc}" if not isinstance(exc, AssertionError) else str(exc)
    which = "the simplest failing input found" if shrunk else "the first failing input drawn"
    return (
        f"{name} fails on an input its docstring allows (compared with the reference solution; {which}):\n"
        f"{describe_args(shown, labels)}\n{what}"
    )


# Replay of derandomized runs: {(call site, name, strategy, examples, caller's values): [arguments]}. A
# derandomized Hypothesis run of a passing test draws a fixed sequence of inputs, whatever function
# it tests; a process that grades many submissions (the grader's worker, the test suite, the mutation
# run) replays that sequence instead of drawing it again, and calls Hypothesis only when an example
# fails. The key holds the call site, the strategy's description (addresses removed) and the plain
# values of the caller's variables (numbers, strings, lists, small arrays), so that two strategies that
# print alike but close over other bounds never share an entry; the reference is called again on
# every replayed example, so a changed reference changes the expectation.
_REPLAY: dict = {}
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _opaque(value) -> bool:
    if isinstance(value, (list, tuple)):
        return any(_opaque(v) for v in value)
    if isinstance(value, dict):
        return any(_opaque(v) for v in value.values())
    return type(value).__name__ == "_Opaque"


def _plain(value) -> str | None:
    """A short exact description of a value a strategy may depend on, or None for anything else."""
    if isinstance(value, np.ndarray):
        return repr(value.tolist()) if value.size <= 64 and value.dtype != object else None
    if isinstance(value, (tuple, list, dict)):
        # checked item by item before any repr: a container of tensors or big arrays has a costly one
        # (a dict of tensors in a notebook's variables cost 0.14 s per property check)
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        if len(items) > 64 or any(_plain(v) is None for v in items):
            return None
    if isinstance(value, (bool, int, float, str, tuple, list, dict, np.generic, type(None))):
        text = repr(value)
        return text if len(text) < 400 and " at 0x" not in text else None
    return None


def _replay_key(name: str, strategy, max_examples: int):
    if "COURSE_PROPERTY_SEED" in os.environ:
        return None
    caller = sys._getframe(2)
    plain = tuple(
        sorted(
            (k, text) for k, v in caller.f_locals.items() if not k.startswith("__") and (text := _plain(v)) is not None
        )
    )
    try:
        described = _ADDRESS.sub("", repr(strategy))
    except Exception:  # noqa: BLE001 - a strategy that cannot describe itself is not replayed
        return None
    return (caller.f_code.co_filename, caller.f_lineno, name, described, max_examples, plain)


def describe_args(args, labels=None, width: int = 400) -> str:
    """A compact description of an argument tuple: each argument's type, shape and values."""
    lines = []
    for k, a in enumerate(args):
        label = labels[k] if labels and k < len(labels) else f"argument {k + 1}"
        if isinstance(a, np.ndarray):
            text = np.array2string(a, threshold=40, precision=6, max_line_width=100)
            head = f"{label}: array of shape {a.shape}, dtype {a.dtype}"
            lines.append(f"  {head} =\n    " + text.replace("\n", "\n    ")[:width])
        else:
            lines.append(f"  {label}: {a!r}"[:width])
    return "\n".join(lines)


def _kind(value) -> str | None:
    """'b' (booleans), 'i' (whole numbers), or None (anything else) for a result."""
    if isinstance(value, (bool, np.bool_)):
        return "b"
    if isinstance(value, (int, np.integer)):
        return "i"
    if isinstance(value, np.ndarray):
        return {"b": "b", "i": "i", "u": "i"}.get(value.dtype.kind)
    return None


def _check_kind(name: str, got, expected, incidental: bool = False) -> None:
    """The kind of result the reference gives (an array, whole numbers, booleans) is part of the
    contract: values that compare equal in another container or dtype still fail (issue 16: a count
    returned as 15.0, bits as floats, a trajectory as a list of arrays). incidental: the arguments
    hold integer or boolean arrays, so whole numbers in the reference's result may only reflect its
    inputs' dtype (np.maximum(x, 0) of an integer x): the kind is then not checked."""
    if isinstance(expected, np.ndarray) and expected.ndim >= 1 and not isinstance(got, np.ndarray):
        raise AssertionError(
            f"{name}: expected a NumPy array of shape {expected.shape}, got {type(got).__name__} "
            "(return np.array(...), or build the result in an array)"
        )
    want = _kind(expected)
    if want is None or _kind(got) == want or incidental:
        return
    what = {"b": "booleans (dtype bool)", "i": "whole numbers (an int, or an integer dtype)"}[want]
    have = f"dtype {got.dtype}" if isinstance(got, np.ndarray) else type(got).__name__
    raise AssertionError(f"{name}: expected {what}, got {have}")


def _integer_arrays(args) -> bool:
    if isinstance(args, np.ndarray):
        return args.dtype.kind in "biu"
    if isinstance(args, (tuple, list)):
        return any(_integer_arrays(a) for a in args)
    if isinstance(args, dict):
        return any(_integer_arrays(a) for a in args.values())
    return False


def _default_compare(name: str, got, expected, rtol: float, atol: float, incidental: bool = False) -> None:
    if isinstance(expected, (tuple, list)) and not isinstance(expected, np.ndarray):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            raise AssertionError(
                f"{name}: expected {len(expected)} results (a tuple), got {type(got).__name__}"
                + (f" of length {len(got)}" if isinstance(got, (tuple, list)) else "")
            )
        for k, (g, e) in enumerate(zip(got, expected, strict=True)):
            _default_compare(f"{name}[{k}]", g, e, rtol, atol, incidental)
        return
    _check_kind(name, got, expected, incidental)
    if isinstance(expected, (bool, np.bool_, str)) or (
        isinstance(expected, (int, np.integer)) and not isinstance(expected, bool)
    ):
        check_equal(name, got, expected)
        return
    scale = float(np.max(np.abs(expected))) if np.size(expected) else 0.0
    scale = scale if np.isfinite(scale) else 0.0
    check_close(name, got, expected, rtol=rtol, atol=atol + rtol * scale)


def check_against_reference(
    name: str,
    answer: Callable,
    reference: Callable,
    args,
    *,
    compare: Callable | None = None,
    rtol: float = 1e-7,
    atol: float = 1e-12,
    max_examples: int = DEFAULT_EXAMPLES,
    guard: bool = True,
    may_alias: bool = False,
    mutates=(),
    labels=None,
) -> None:
    """Compare ``answer`` with ``reference`` on argument tuples drawn from the strategy ``args``.

    name: the function's name in messages. answer: the student's function. reference: the
    instructor's (called on copies of the same arguments). args: a strategy of argument tuples.
    compare: ``compare(got, expected)`` raising AssertionError on a mismatch; by default
    ``check_close`` entry by entry with ``rtol`` and ``atol + rtol * max|expected|`` (tuples of
    results element by element, whole numbers and booleans exactly). guard, may_alias, mutates:
    as in :func:`course.guard.call_answer`. labels: argument names for messages.
    Returns None; raises AssertionError with the simplest failing input found.
    """
    state: dict = {}
    recorded: list = []

    def judge(call_args, expected) -> None:
        got = call_answer(name, answer, call_args, guard=guard, may_alias=may_alias, mutates=mutates)
        if compare is not None:
            compare(got, expected)
        else:
            _default_compare(f"{name}(...)", got, expected, rtol, atol, _integer_arrays(call_args))

    key = _replay_key(name, args, max_examples)
    if key is not None and key in _REPLAY:
        # The draws of a derandomized run are fixed (a passing answer cannot steer them): replay the
        # examples of an earlier passing run, and run Hypothesis only when one fails (to shrink it).
        try:
            for call_args in _REPLAY[key]:
                shown = snapshot(call_args)
                judge(snapshot(call_args), reference(*snapshot(call_args)))
            return
        except Exception as exc:  # noqa: BLE001 - whatever failed, Hypothesis finds it again and shrinks it
            if os.environ.get("COURSE_PROPERTY_FAST_FAIL"):  # mutation runs need the verdict, not the simplest input
                raise AssertionError(_failure_message(name, shown, exc, labels, shrunk=False)) from None

    def one(call_args):
        call_args = tuple(call_args)
        try:
            expected = reference(*snapshot(call_args))
        except Exception as exc:  # the domain drew an input the reference cannot take: a test bug
            raise RuntimeError(f"test bug: the reference for {name} failed on a drawn input ({exc!r})") from exc
        shown = snapshot(call_args)
        recorded.append(shown)
        try:
            judge(call_args, expected)
        except Exception as exc:
            state["failure"] = (shown, exc)
            raise _Failure() from None

    test = given(args)(one)
    test = settings(
        max_examples=max_examples,
        derandomize="COURSE_PROPERTY_SEED" not in os.environ,
        database=None,
        deadline=None,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        report_multiple_bugs=False,
        print_blob=False,
    )(test)
    if "COURSE_PROPERTY_SEED" in os.environ:
        test = hypothesis_seed(int(os.environ["COURSE_PROPERTY_SEED"]))(test)
    try:
        test()
        if key is not None and len(_REPLAY) < 1000 and not any(_opaque(a) for a in recorded):
            _REPLAY[key] = recorded  # (arguments that are not plain data, e.g. a callable, are never replayed)
    except _Failure:
        shown, exc = state["failure"]
        raise AssertionError(_failure_message(name, shown, exc, labels)) from None
    except Flaky:
        raise AssertionError(
            f"{name} gave different results for the same input (does it use a global random generator "
            "or keep state between calls?)"
        ) from None
    except (Unsatisfiable, FailedHealthCheck) as exc:
        raise RuntimeError(f"test bug: the domain of {name} draws no valid input ({exc})") from None
    except HypothesisException as exc:
        raise RuntimeError(f"test bug in the property check of {name}: {exc}") from None
