"""Gradient oracles: central finite differences (float64) and PyTorch autograd.

``check_gradient`` compares a student's gradient with both oracles. The two oracles are
first compared with each other, so a bug in a test (not in the answer) is reported as such.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

from course.checks import as_float_array, check_close, check_precision
from course.guard import call_without_torch

__all__ = [
    "numerical_gradient",
    "numerical_jacobian",
    "autograd_gradient",
    "autograd_jacobian",
    "check_gradient",
]


def numerical_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of a scalar function, in float64.

    f: maps an array shaped like x to a number. x: array of any shape.
    Returns an array shaped like x: (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) per entry.
    The error is O(eps^2) from truncation plus O(machine_eps / eps) from rounding.
    """
    x = np.array(x, dtype=np.float64, copy=True)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = float(f(x))
        flat[i] = old - eps
        f_minus = float(f(x))
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def numerical_jacobian(f: Callable[[np.ndarray], np.ndarray], x, eps: float = 1e-6) -> np.ndarray:
    """Central-difference Jacobian of an array-valued function, in float64.

    f: maps an array shaped like x (shape S_in) to an array of shape S_out.
    Returns shape S_out + S_in: J[o..., i...] = d f(x)[o...] / d x[i...].
    """
    x = np.array(x, dtype=np.float64, copy=True)
    out_shape = np.shape(f(x))
    jac = np.zeros(out_shape + x.shape)
    flat = x.reshape(-1)
    jflat = jac.reshape(out_shape + (flat.size,))
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = np.asarray(f(x), dtype=np.float64)
        flat[i] = old - eps
        f_minus = np.asarray(f(x), dtype=np.float64)
        flat[i] = old
        jflat[..., i] = (f_plus - f_minus) / (2 * eps)
    return jac


def _to_tensors(args: Sequence, wrt: Sequence[int]) -> list:
    out = []
    for k, a in enumerate(args):
        if isinstance(a, np.ndarray) or (isinstance(a, (float, int)) and k in wrt):
            t = torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64)
            out.append(t.requires_grad_(k in wrt))
        else:
            out.append(a)
    return out


def autograd_gradient(f_torch: Callable, args: Sequence, wrt: int | Sequence[int] = 0):
    """Gradient of the scalar ``f_torch(*args)`` by PyTorch autograd, in float64.

    args: NumPy arrays (converted to float64 tensors) and other values (passed as they are).
    wrt: index, or indices, of the arguments to differentiate with respect to.
    Returns one ndarray (wrt an int) or a list of ndarrays, shaped like those arguments.
    """
    idx = [wrt] if isinstance(wrt, int) else list(wrt)
    tensors = _to_tensors(args, idx)
    out = f_torch(*tensors)
    if out.numel() != 1:
        raise ValueError(f"f_torch must return a single number, got shape {tuple(out.shape)}")
    grads = torch.autograd.grad(out.reshape(()), [tensors[i] for i in idx], allow_unused=True)
    arrays = [
        np.zeros(np.shape(args[i])) if g is None else g.detach().numpy().copy() for i, g in zip(idx, grads, strict=True)
    ]
    return arrays[0] if isinstance(wrt, int) else arrays


def autograd_jacobian(f_torch: Callable, args: Sequence, wrt: int = 0) -> np.ndarray:
    """Jacobian of the array-valued ``f_torch(*args)`` with respect to ``args[wrt]``.

    Returns shape out_shape + in_shape, like ``numerical_jacobian``.
    """
    tensors = _to_tensors(args, [wrt])
    others = list(tensors)

    def f_of(x):
        others[wrt] = x
        return f_torch(*others)

    jac = torch.autograd.functional.jacobian(f_of, tensors[wrt].detach())
    return jac.detach().numpy().copy()


def check_gradient(
    name: str,
    student_grad: Callable,
    args: Sequence,
    *,
    f_numpy: Callable | None = None,
    f_torch: Callable | None = None,
    wrt: int = 0,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    eps: float = 1e-6,
):
    """Check ``student_grad(*args)`` against autograd and central differences.

    name: the gradient's name in messages, e.g. ``"dJ/dw"``.
    student_grad: the student's function; it is called as ``student_grad(*args)`` without
        PyTorch (see ``course.guard``) and must return an array shaped like ``args[wrt]``.
    f_numpy: the loss as a NumPy function of ``*args`` (for finite differences).
    f_torch: the same loss written with torch operations (for autograd).
    At least one oracle is required; with both, they must agree with each other first.
    Returns None (so that, as the last line of a test cell, it prints nothing into the feedback).
    """
    __tracebackhide__ = True  # IPython leaves this frame out: the student sees the test line and the message
    if f_numpy is None and f_torch is None:
        raise ValueError("check_gradient needs f_numpy, f_torch or both")
    args = list(args)
    got = call_without_torch(name, student_grad, *args)  # no copies: the contract sees in-place changes
    check_precision(name, got)  # a float32 gradient is refused here too, before the float64 conversion
    got = as_float_array(name, got)
    expected = None
    if f_torch is not None:
        expected = autograd_gradient(f_torch, args, wrt)
    if f_numpy is not None:

        def f_of(x):
            local = list(args)
            local[wrt] = x
            return f_numpy(*local)

        numeric = numerical_gradient(f_of, args[wrt], eps=eps)
        if expected is None:
            expected = numeric
        else:
            scale = max(1.0, float(np.abs(expected).max()))
            if not np.allclose(numeric, expected, rtol=1e-4, atol=1e-6 * scale):
                raise RuntimeError(
                    f"test bug: the two oracles for {name} disagree "
                    f"(max difference {np.abs(numeric - expected).max():.3e}); tell the instructor"
                )
    check_close(f"{name} (compared with autograd and finite differences)", got, expected, rtol=rtol, atol=atol)

