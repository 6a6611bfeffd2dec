"""course.gradients and course.guard, with PyTorch autograd as the reference."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course.gradients import (
    autograd_gradient,
    autograd_jacobian,
    check_gradient,
    numerical_gradient,
    numerical_jacobian,
)
from course.guard import call_without_torch

rng = np.random.default_rng(1)
X = rng.normal(size=(9, 4))
y = rng.normal(size=9)
w = rng.normal(size=4)


def loss_np(X, y, w):
    return float(np.sum((y - X @ w) ** 2))


def loss_torch(X, y, w):
    return ((y - X @ w) ** 2).sum()


def right_grad(X, y, w):
    return -2 * X.T @ (y - X @ w)


def test_numerical_gradient_matches_autograd():
    def f(v):
        return np.sum(np.tanh(v) ** 2) + v[0] * v[1]

    v = rng.normal(size=(2, 3))
    num = numerical_gradient(lambda a: f(a.reshape(-1)), v)
    auto = autograd_gradient(lambda a: (torch.tanh(a) ** 2).sum() + a.reshape(-1)[0] * a.reshape(-1)[1], [v])
    assert num.shape == v.shape
    np.testing.assert_allclose(num, auto, rtol=1e-7, atol=1e-9)


def test_numerical_gradient_leaves_input_unchanged_and_is_float64():
    v = np.arange(3, dtype=np.float32)
    g = numerical_gradient(lambda a: float(np.sum(a**3)), v)
    assert g.dtype == np.float64
    np.testing.assert_array_equal(v, np.arange(3, dtype=np.float32))
    np.testing.assert_allclose(g, 3 * np.arange(3.0) ** 2, atol=1e-6)


def test_central_differences_are_second_order():
    f, x0, exact = np.sin, np.array([0.7]), np.cos(0.7)
    errors = [abs(numerical_gradient(lambda a: f(a).sum(), x0, eps=e)[0] - exact) for e in (1e-2, 1e-3)]
    assert 50 < errors[0] / errors[1] < 200  # eps 10x smaller -> error ~100x smaller


def test_jacobians_agree():
    A = rng.normal(size=(3, 4))
    x = rng.normal(size=4)
    num = numerical_jacobian(lambda v: np.tanh(A @ v), x)
    auto = autograd_jacobian(lambda A_, v: torch.tanh(A_ @ v), [A, x], wrt=1)
    assert num.shape == auto.shape == (3, 4)
    np.testing.assert_allclose(num, auto, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(auto, (1 - np.tanh(A @ x) ** 2)[:, None] * A, rtol=1e-12)


def test_autograd_gradient_several_arguments():
    gX, gw = autograd_gradient(loss_torch, [X, y, w], wrt=[0, 2])
    np.testing.assert_allclose(gw, right_grad(X, y, w), rtol=1e-12)
    np.testing.assert_allclose(gX, -2 * np.outer(y - X @ w, w), rtol=1e-12)


def test_check_gradient_accepts_the_right_gradient():
    assert check_gradient("dJ/dw", right_grad, [X, y, w], f_numpy=loss_np, f_torch=loss_torch, wrt=2) is None


@pytest.mark.parametrize(
    "wrong, cause",
    [
        (lambda X, y, w: -X.T @ (y - X @ w), "2 times too small"),
        (lambda X, y, w: 2 * X.T @ (y - X @ w), "opposite sign"),
        (lambda X, y, w: -2 * X.T @ (y - X @ w) / len(y), "9 times too small"),
    ],
)
def test_check_gradient_rejects_wrong_gradients(wrong, cause):
    with pytest.raises(AssertionError, match=cause):
        check_gradient("dJ/dw", wrong, [X, y, w], f_numpy=loss_np, f_torch=loss_torch, wrt=2)


def test_check_gradient_with_one_oracle_each():
    check_gradient("g", right_grad, [X, y, w], f_numpy=loss_np, wrt=2)
    check_gradient("g", right_grad, [X, y, w], f_torch=loss_torch, wrt=2)
    with pytest.raises(ValueError):
        check_gradient("g", right_grad, [X, y, w], wrt=2)


def test_disagreeing_oracles_are_a_test_bug_not_a_student_error():
    with pytest.raises(RuntimeError, match="test bug"):
        check_gradient(
            "g", right_grad, [X, y, w], f_numpy=lambda X, y, w: 2 * loss_np(X, y, w), f_torch=loss_torch, wrt=2
        )


def test_check_gradient_fails_an_answer_that_mutates_its_inputs():
    def mutating(X, y, w):
        g = right_grad(X, y, w)
        w += 100.0
        return g

    with pytest.raises(AssertionError, match=r"changed its argument `w` in place"):
        check_gradient("g", mutating, [X, y, w.copy()], f_numpy=loss_np, f_torch=loss_torch, wrt=2)


def autograd_answer(X, y, w):
    t = torch.tensor(w, requires_grad=True)
    loss_torch(torch.tensor(X), torch.tensor(y), t).backward()
    return t.grad.numpy()


def functional_answer(X, y, w):
    return torch.func.grad(lambda t: loss_torch(torch.from_numpy(X), torch.from_numpy(y), t))(
        torch.from_numpy(w)
    ).numpy()


def swallowing_answer(X, y, w):
    try:
        return autograd_answer(X, y, w)
    except BaseException:
        return right_grad(X, y, w)


@pytest.mark.parametrize("answer", [autograd_answer, functional_answer, swallowing_answer])
def test_guard_rejects_answers_that_use_torch(answer):
    with pytest.raises(AssertionError, match="derive the formula"):
        check_gradient("dJ/dw", answer, [X, y, w], f_numpy=loss_np, f_torch=loss_torch, wrt=2)


def test_guard_rejects_returned_tensors_and_passes_numpy():
    made_outside = torch.ones(2)
    with pytest.raises(AssertionError, match="returned a torch.Tensor"):
        call_without_torch("f", lambda: (np.ones(2), made_outside))
    assert call_without_torch("f", lambda a: a + 1, 1) == 2


def test_guard_lets_other_errors_through():
    def broken():
        raise ValueError("student bug")

    with pytest.raises(ValueError, match="student bug"):
        call_without_torch("f", broken)


def test_guard_leaves_torch_usable_afterwards():
    with pytest.raises(AssertionError):
        call_without_torch("f", lambda: torch.ones(2) * 2)
    assert float((torch.ones(2) * 2).sum()) == 4.0
