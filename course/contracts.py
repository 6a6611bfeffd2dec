"""The contract every call from a test to a student's function keeps.

A function that returns the right numbers can still be wrong: it may change its arguments in
place (``X -= X.mean(0)``), return an array that *is* one of its inputs (so that the caller's
next change to one changes the other), or compute in float32. In a notebook such answers break
later cells silently; in a test that passes copies, nothing ever sees them. So every call a test
makes (through :func:`course.guard.call_without_torch`, ``check_gradient`` or the property
checks, in whatever process calls the answer) goes through :func:`checked_call`:

* every argument is compared, after the call, with a snapshot taken before it (arrays bit for bit,
  lists, tuples and dicts entry by entry); a ``numpy.random.Generator`` may advance (drawing from
  a generator you were handed is what it is for);
* a returned array (or an array inside a returned tuple, list or dict) must not share memory with
  any argument, unless the test says the function may return a view (``may_alias=True``).

Arguments a function is documented to update in place are named in ``mutates`` (positions or
keyword names) and left out of the comparison.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable

import numpy as np

from course.checks import CheckFailed

__all__ = ["ContractError", "checked_call", "snapshot", "describe_change", "shared_memory"]

_MAX_DEPTH = 4


class ContractError(CheckFailed):
    """A call changed an argument in place or returned an alias of one (an AssertionError; IPython
    shows it without the course's frames)."""


class _Opaque:
    """Stands for an object the contract does not compare (a callable, a model, a generator)."""

    def __repr__(self):
        return "<not compared>"


_OPAQUE = _Opaque()


def snapshot(value, depth: int = 0):
    """A deep copy of the data in ``value`` (arrays, numbers, strings, lists, tuples, dicts)."""
    if isinstance(value, np.ndarray):
        return value.copy() if value.dtype != object else _OPAQUE
    if isinstance(value, (bool, int, float, complex, str, bytes, type(None), np.generic)):
        return value
    if depth >= _MAX_DEPTH:
        return _OPAQUE
    if isinstance(value, list):
        return [snapshot(v, depth + 1) for v in value]
    if isinstance(value, tuple):
        return tuple(snapshot(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return {k: snapshot(v, depth + 1) for k, v in value.items()}
    return _OPAQUE


def describe_change(before, after) -> str | None:
    """How ``after`` differs from its snapshot ``before``, or None when it does not."""
    if before is _OPAQUE:
        return None
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray):
            return f"it was an array and is now a {type(after).__name__}"
        if after.shape != before.shape or after.dtype != before.dtype:
            return f"shape/dtype changed from {before.shape} {before.dtype} to {after.shape} {after.dtype}"
        same = (after == before) | ((after != after) & (before != before))  # NaN where NaN was
        if bool(np.all(same)):
            return None
        bad = np.argwhere(~same) if same.ndim else np.zeros((1, 0), dtype=int)
        idx = tuple(int(i) for i in bad[0])
        where = f" first at index {idx}" if idx else ""
        return f"{int(np.sum(~same))} of {before.size} entries changed,{where}: was {before[idx]}, now {after[idx]}"
    if isinstance(before, (list, tuple)):
        if type(after) is not type(before):
            return f"it was a {type(before).__name__} and is now a {type(after).__name__}"
        if len(after) != len(before):
            return f"its length changed from {len(before)} to {len(after)}"
        for k, (b, a) in enumerate(zip(before, after, strict=True)):
            change = describe_change(b, a)
            if change:
                return f"entry [{k}]: {change}"
        return None
    if isinstance(before, dict):
        if not isinstance(after, dict):
            return f"it was a dict and is now a {type(after).__name__}"
        if set(after) != set(before):
            return f"its keys changed from {sorted(map(str, before))} to {sorted(map(str, after))}"
        for k in before:
            change = describe_change(before[k], after[k])
            if change:
                return f"entry [{k!r}]: {change}"
        return None
    try:
        equal = bool(before == after) or (before != before and after != after)
    except Exception:  # an object whose comparison fails is not data the contract checks
        return None
    return None if equal else f"it was {before!r} and is now {after!r}"


def _arrays(value, depth: int = 0) -> Iterable[np.ndarray]:
    if isinstance(value, np.ndarray):
        yield value
    elif depth < _MAX_DEPTH and isinstance(value, (list, tuple)):
        for v in value:
            yield from _arrays(v, depth + 1)
    elif depth < _MAX_DEPTH and isinstance(value, dict):
        for v in value.values():
            yield from _arrays(v, depth + 1)


def shared_memory(result, arguments: dict[str, object], skip: Iterable[int] = ()) -> str | None:
    """The name of an argument whose memory a returned array shares, or None.

    skip: positions in a returned tuple or list that may alias (a cache of the inputs, say).
    """
    skip = set(skip)
    if skip and isinstance(result, (tuple, list)):
        result = [r for k, r in enumerate(result) if k not in skip]
    for out in _arrays(result):
        if out.size == 0:
            continue
        for label, arg in arguments.items():
            if any(np.shares_memory(out, a) for a in _arrays(arg) if a.size):
                return label
    return None


def _labels(fn: Callable, args: tuple, kwargs: dict) -> dict[str, object]:
    """``{"argument `X` (1st)": value}`` for every argument, named from the signature when known."""
    names: list[str] = []
    try:
        params = list(inspect.signature(fn).parameters.values())
        names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        pass
    out: dict[str, object] = {}
    for k, a in enumerate(args):
        name = f"`{names[k]}`" if k < len(names) else f"number {k + 1}"
        out[f"argument {name}"] = a
    for key, a in kwargs.items():
        out[f"argument `{key}`"] = a
    return out


def _generator(value) -> bool:
    return isinstance(value, (np.random.Generator, np.random.RandomState))


def checked_call(
    name: str,
    fn: Callable,
    args: tuple = (),
    kwargs: dict | None = None,
    *,
    may_alias: bool | Iterable[int] = False,
    mutates: Iterable[int | str] = (),
):
    """``fn(*args, **kwargs)``, failing with :class:`ContractError` if the call broke the contract.

    name: the function's name in messages. may_alias: True if the result may be a view of an
    argument; or the positions in a returned tuple that may (e.g. ``(1,)`` for a forward pass's cache).
    mutates: positions or keyword names of arguments the function is documented to update in place.
    Returns what ``fn`` returned; exceptions of ``fn`` propagate unchanged.
    """
    __tracebackhide__ = True  # IPython hides this frame: the student sees the test line and their code
    kwargs = dict(kwargs or {})
    allowed = set(mutates)
    keep = [k for k, a in enumerate(args) if k not in allowed and not _generator(a)]
    keep_kw = [k for k, a in kwargs.items() if k not in allowed and not _generator(a)]
    before = [snapshot(args[k]) for k in keep]
    before_kw = {k: snapshot(kwargs[k]) for k in keep_kw}
    result = fn(*args, **kwargs)
    labels = _labels(fn, args, kwargs)
    label_list = list(labels)
    for k, b in zip(keep, before, strict=True):
        change = describe_change(b, args[k])
        if change:
            raise ContractError(_changed(name, label_list[k], change))
    for k, b in before_kw.items():
        change = describe_change(b, kwargs[k])
        if change:
            raise ContractError(_changed(name, f"argument `{k}`", change))
    if may_alias is not True:
        skip = () if may_alias is False else tuple(may_alias)
        shared = shared_memory(result, labels, skip)
        if shared:
            raise ContractError(
                f"{name} returned an array that shares memory with its {shared}: the caller's next "
                "change to one silently changes the other. Return a new array (compute a new result, or "
                "call .copy() on a view such as X[:, 1:] or X.T)."
            )
    return result


def _changed(name: str, label: str, change: str) -> str:
    return (
        f"{name} changed its {label} in place ({change}). A function must leave its inputs as it "
        "found them: the caller still needs them. Compute into a new array (e.g. `Xc = X - mu` "
        "instead of `X -= mu`, `np.maximum(x, 0)` instead of `x[x < 0] = 0`, or work on `x.copy()`)."
    )
