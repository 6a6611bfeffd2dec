"""Guard for "derive and implement" answers: the answer must not let PyTorch do the work.

``call_without_torch`` runs a student's function while a PyTorch dispatch mode watches
every tensor operation (creation, arithmetic, ``backward``, ``torch.autograd.grad``,
``torch.func``...). If the function touched PyTorch at all, or returned a tensor, the check
fails with a message that explains why: the exercise is to derive the formula. Every call also
keeps the contract of :mod:`course.contracts` (arguments unchanged, no alias of an argument
returned); ``call_answer`` is the same call with the contract's options and the guard optional.
"""

from __future__ import annotations

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from course.contracts import checked_call

__all__ = ["call_without_torch", "call_answer", "UsedTorchError"]


class UsedTorchError(AssertionError):
    """Raised when a derive-and-implement answer uses PyTorch."""


class RecordTorchOps(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.ops: list[str] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops.append(str(func))
        raise UsedTorchError(f"PyTorch operation {func} called inside a NumPy-only answer")


def failure_message(name: str, what: str) -> str:
    return (
        f"{name} {what}. This exercise asks you to derive the formula on paper and write it "
        "with NumPy; PyTorch (and its autograd) is the oracle the grader compares you with, "
        "so it cannot be part of the answer. Remove the torch calls and return a NumPy array."
    )


def call_without_torch(name: str, fn, *args, **kwargs):
    """Call ``fn(*args, **kwargs)`` and fail if it used PyTorch, returned a tensor or broke the contract.

    name: the answer's name in messages (e.g. ``"logistic_gradient"``).
    Returns whatever ``fn`` returned. Any exception ``fn`` raises propagates unchanged.
    """
    __tracebackhide__ = True  # IPython: the student sees the test line and their own code, not ours
    return call_answer(name, fn, args, kwargs)


def call_answer(name: str, fn, args=(), kwargs=None, *, guard: bool = True, may_alias=False, mutates=()):
    """``fn(*args, **kwargs)`` under the contract (``course.contracts``) and, with ``guard``, without PyTorch.

    may_alias: True if the result may be a view of an argument, or the positions in a returned tuple
    that may (a forward pass's cache). mutates: positions or keyword names of
    arguments the function is documented to change in place. Returns what ``fn`` returned.
    """
    __tracebackhide__ = True
    args, kwargs = tuple(args), dict(kwargs or {})
    contract = {"may_alias": may_alias if isinstance(may_alias, bool) else list(may_alias), "mutates": list(mutates)}
    if hasattr(fn, "_course_call_guarded"):
        # a handle to a function of another process (the remote-call protocol): that process runs the call
        # under the guard and the contract
        result = fn._course_call_guarded(name if guard else None, args, kwargs, contract=contract)
        if guard and _contains_tensor(result):
            raise AssertionError(failure_message(name, "returned a torch.Tensor"))
        return result
    if not guard:
        return checked_call(name, fn, args, kwargs, **contract)
    recorder = RecordTorchOps()
    try:
        with recorder:
            result = checked_call(name, fn, args, kwargs, **contract)
    except UsedTorchError:
        raise AssertionError(failure_message(name, f"uses PyTorch ({recorder.ops[0]})")) from None
    if recorder.ops:
        # The student's code caught our exception and carried on: still a torch answer.
        raise AssertionError(failure_message(name, f"uses PyTorch ({recorder.ops[0]})"))
    if _contains_tensor(result):
        raise AssertionError(failure_message(name, "returned a torch.Tensor"))
    return result


def _contains_tensor(obj, depth: int = 0) -> bool:
    if isinstance(obj, torch.Tensor):
        return True
    if depth < 3 and isinstance(obj, (tuple, list)):
        return any(_contains_tensor(o, depth + 1) for o in obj)
    if depth < 3 and isinstance(obj, dict):
        return any(_contains_tensor(o, depth + 1) for o in obj.values())
    return False
