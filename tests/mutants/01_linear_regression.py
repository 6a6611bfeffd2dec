"""Plausible wrong answers for 01_linear_regression: each must lose points on its function's test cells."""

MUTANTS = {
    "add_bias_column": {
        "ones appended as the last column": """
def add_bias_column(X):
    return np.column_stack([X, np.ones(X.shape[0])])
""",
        "a column of zeros instead of ones": """
def add_bias_column(X):
    return np.column_stack([np.zeros(X.shape[0]), X])
""",
        "a row of ones (vstack) instead of a column": """
def add_bias_column(X):
    return np.vstack([np.ones(X.shape[1]), X])
""",
        "adds 1 to every entry (broadcasting) instead of adding a column": """
def add_bias_column(X):
    return np.ones((X.shape[0], 1)) + X
""",
        "right result, but writes into X first": """
def add_bias_column(X):
    X1 = np.column_stack([np.ones(X.shape[0]), X])
    X[:, 0] = 1.0
    return X1
""",
    },
    "least_squares_loss": {
        "mean instead of sum (1/m)": """
def least_squares_loss(w, X, y):
    return float(np.mean((y - X @ w) ** 2))
""",
        "a 1/2 in front": """
def least_squares_loss(w, X, y):
    return float(0.5 * np.sum((y - X @ w) ** 2))
""",
        "square of the sum instead of sum of squares": """
def least_squares_loss(w, X, y):
    return float(np.sum(y - X @ w) ** 2)
""",
        "norm instead of squared norm": """
def least_squares_loss(w, X, y):
    return float(np.linalg.norm(y - X @ w))
""",
        "transposed product X.T @ w": """
def least_squares_loss(w, X, y):
    return float(np.sum((y - X.T @ w) ** 2))
""",
    },
    "least_squares_gradient": {
        "missing factor 2": """
def least_squares_gradient(w, X, y):
    return -X.T @ (y - X @ w)
""",
        "sign error": """
def least_squares_gradient(w, X, y):
    return 2.0 * X.T @ (y - X @ w)
""",
        "extra 1/m": """
def least_squares_gradient(w, X, y):
    return -2.0 * X.T @ (y - X @ w) / X.shape[0]
""",
        "X instead of X.T (transposed product)": """
def least_squares_gradient(w, X, y):
    return -2.0 * X @ (y - X @ w)
""",
        "forgot the X^T X w term": """
def least_squares_gradient(w, X, y):
    return -2.0 * X.T @ y
""",
        "uses torch autograd instead of deriving": """
def least_squares_gradient(w, X, y):
    wt = torch.tensor(w, requires_grad=True)
    loss = torch.sum((torch.tensor(y) - torch.tensor(X) @ wt) ** 2)
    loss.backward()
    return wt.grad.numpy()
""",
    },
    "least_squares_closed_form": {
        "explicit inverse": """
def least_squares_closed_form(X, y):
    return np.linalg.inv(X.T @ X) @ X.T @ y
""",
        "explicit pseudo-inverse of X^T X": """
def least_squares_closed_form(X, y):
    return np.linalg.pinv(X.T @ X) @ (X.T @ y)
""",
        "sign error on the right-hand side": """
def least_squares_closed_form(X, y):
    return np.linalg.solve(X.T @ X, -X.T @ y)
""",
        "1/m on one side of the normal equations only": """
def least_squares_closed_form(X, y):
    return np.linalg.solve(X.T @ X / X.shape[0], X.T @ y)
""",
        "accidental ridge term (+ I)": """
def least_squares_closed_form(X, y):
    return np.linalg.solve(X.T @ X + np.eye(X.shape[1]), X.T @ y)
""",
        "forgot X^T on the right-hand side": """
def least_squares_closed_form(X, y):
    return np.linalg.solve(X.T @ X, y)
""",
    },
    "gram_condition_number": {
        "condition number of X, not of X^T X (no square)": """
def gram_condition_number(X):
    return float(np.linalg.cond(X))
""",
        "ignores the zero singular values when m < d": """
def gram_condition_number(X):
    s = np.linalg.svd(X, compute_uv=False)
    return float((s[0] / s[-1]) ** 2)
""",
        "squares only the numerator": """
def gram_condition_number(X):
    m, d = X.shape
    s = np.linalg.svd(X, compute_uv=False)
    if m < d or s[-1] == 0.0:
        return np.inf
    return float(s[0] ** 2 / s[-1])
""",
        "determinant instead of condition number": """
def gram_condition_number(X):
    return float(np.linalg.det(X.T @ X))
""",
    },
    "is_rank_deficient": {
        "compares the rank with m instead of d": """
def is_rank_deficient(X):
    return bool(np.linalg.matrix_rank(X) < X.shape[0])
""",
        "determinant exactly zero": """
def is_rank_deficient(X):
    return bool(np.linalg.det(X.T @ X) == 0.0)
""",
        "determinant below a fixed threshold (scale dependent)": """
def is_rank_deficient(X):
    return bool(abs(np.linalg.det(X.T @ X)) < 1e-10)
""",
        "only checks m < d (misses collinear columns)": """
def is_rank_deficient(X):
    return X.shape[0] < X.shape[1]
""",
    },
    "ridge_closed_form": {
        "forgot lambda: inv on a singular matrix": """
def ridge_closed_form(X, y, lam):
    return np.linalg.inv(X.T @ X) @ X.T @ y
""",
        "lambda / 2 (a 1/2 that is not in the syllabus loss)": """
def ridge_closed_form(X, y, lam):
    return np.linalg.solve(X.T @ X + lam / 2 * np.eye(X.shape[1]), X.T @ y)
""",
        "2 lambda (the 2s do not cancel)": """
def ridge_closed_form(X, y, lam):
    return np.linalg.solve(X.T @ X + 2 * lam * np.eye(X.shape[1]), X.T @ y)
""",
        "adds lambda to every entry (scalar broadcast instead of lambda I)": """
def ridge_closed_form(X, y, lam):
    return np.linalg.solve(X.T @ X + lam, X.T @ y)
""",
        "sign error: minus lambda": """
def ridge_closed_form(X, y, lam):
    return np.linalg.solve(X.T @ X - lam * np.eye(X.shape[1]), X.T @ y)
""",
        "m * lambda (averaged-loss convention)": """
def ridge_closed_form(X, y, lam):
    return np.linalg.solve(X.T @ X + X.shape[0] * lam * np.eye(X.shape[1]), X.T @ y)
""",
        "identity of size m instead of d": """
def ridge_closed_form(X, y, lam):
    return np.linalg.solve(X.T @ X + lam * np.eye(X.shape[0]), X.T @ y)
""",
        "explicit inverse of X^T X + lam I (the docstring forbids it; loses digits when nearly singular)": """
def ridge_closed_form(X, y, lam):
    return np.linalg.inv(X.T @ X + lam * np.eye(X.shape[1])) @ X.T @ y
""",
    },
    "ridge_with_bias": {
        "regularises the bias (lambda I)": """
def ridge_with_bias(X1, y, lam):
    return np.linalg.solve(X1.T @ X1 + lam * np.eye(X1.shape[1]), X1.T @ y)
""",
        "zero penalty on the last weight instead of the bias": """
def ridge_with_bias(X1, y, lam):
    D = np.eye(X1.shape[1])
    D[-1, -1] = 0.0
    return np.linalg.solve(X1.T @ X1 + lam * D, X1.T @ y)
""",
        "centres the data but sets the bias to mean(y) (forgets - xbar^T w)": """
def ridge_with_bias(X1, y, lam):
    Z = X1[:, 1:] - X1[:, 1:].mean(axis=0)
    w = np.linalg.solve(Z.T @ Z + lam * np.eye(Z.shape[1]), Z.T @ (y - y.mean()))
    return np.concatenate([[y.mean()], w])
""",
        "drops the bias column and fits without intercept": """
def ridge_with_bias(X1, y, lam):
    Z = X1[:, 1:]
    w = np.linalg.solve(Z.T @ Z + lam * np.eye(Z.shape[1]), Z.T @ y)
    return np.concatenate([[0.0], w])
""",
        "half the penalty on the bias": """
def ridge_with_bias(X1, y, lam):
    D = np.eye(X1.shape[1])
    D[0, 0] = 0.5
    return np.linalg.solve(X1.T @ X1 + lam * D, X1.T @ y)
""",
    },
    "shrinkage_factors": {
        "sigma / (sigma^2 + lambda) (the weight filter, not the shrinkage)": """
def shrinkage_factors(sigma, lam):
    sigma = np.asarray(sigma, dtype=float)
    return sigma / (sigma**2 + lam)
""",
        "lambda / (sigma^2 + lambda) (the complement)": """
def shrinkage_factors(sigma, lam):
    sigma = np.asarray(sigma, dtype=float)
    return lam / (sigma**2 + lam)
""",
        "sigma^2 / (sigma + lambda)": """
def shrinkage_factors(sigma, lam):
    sigma = np.asarray(sigma, dtype=float)
    return sigma**2 / (sigma + lam)
""",
        "sigma^2 / (sigma^2 + lambda^2)": """
def shrinkage_factors(sigma, lam):
    sigma = np.asarray(sigma, dtype=float)
    return sigma**2 / (sigma**2 + lam**2)
""",
    },
    "ridge_svd": {
        "uses the shrinkage factor sigma^2/(sigma^2+lambda) in place of sigma/(sigma^2+lambda)": """
def ridge_svd(X, y, lam):
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    return Vt.T @ (s**2 / (s**2 + lam) * (U.T @ y))
""",
        "ignores lambda (plain pseudo-inverse, 1/sigma)": """
def ridge_svd(X, y, lam):
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    return Vt.T @ ((U.T @ y) / s)
""",
        "Vt instead of V (transposed product)": """
def ridge_svd(X, y, lam):
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    return Vt @ (s / (s**2 + lam) * (U.T @ y))
""",
        "full SVD (U is m x m)": """
def ridge_svd(X, y, lam):
    U, s, Vt = np.linalg.svd(X)
    return Vt.T @ (s / (s**2 + lam) * (U.T @ y))
""",
        "sigma / (sigma + lambda)": """
def ridge_svd(X, y, lam):
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    return Vt.T @ (s / (s + lam) * (U.T @ y))
""",
    },
    "lipschitz_constant": {
        "lambda_max without the 2 (Hessian of a loss with 1/2)": """
def lipschitz_constant(X):
    return float(np.linalg.eigvalsh(X.T @ X)[-1])
""",
        "sigma_max not squared": """
def lipschitz_constant(X):
    return 2.0 * float(np.linalg.norm(X, 2))
""",
        "smallest eigenvalue (eigvalsh is ascending)": """
def lipschitz_constant(X):
    return 2.0 * float(np.linalg.eigvalsh(X.T @ X)[0])
""",
        "trace instead of the largest eigenvalue": """
def lipschitz_constant(X):
    return 2.0 * float(np.trace(X.T @ X))
""",
    },
    "gradient_descent": {
        "sign error: gradient ascent": """
def gradient_descent(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    losses = [float(np.sum((y - X @ w) ** 2))]
    for _ in range(num_steps):
        w = w + lr * (-2.0 * X.T @ (y - X @ w))
        losses.append(float(np.sum((y - X @ w) ** 2)))
    return w, np.array(losses)
""",
        "gradient missing the factor 2": """
def gradient_descent(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    losses = [float(np.sum((y - X @ w) ** 2))]
    for _ in range(num_steps):
        w = w + lr * X.T @ (y - X @ w)
        losses.append(float(np.sum((y - X @ w) ** 2)))
    return w, np.array(losses)
""",
        "gradient with an extra 1/m": """
def gradient_descent(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    losses = [float(np.sum((y - X @ w) ** 2))]
    for _ in range(num_steps):
        w = w + lr * 2.0 * X.T @ (y - X @ w) / X.shape[0]
        losses.append(float(np.sum((y - X @ w) ** 2)))
    return w, np.array(losses)
""",
        "records the loss only after each step (num_steps entries)": """
def gradient_descent(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    losses = []
    for _ in range(num_steps):
        w = w + 2.0 * lr * X.T @ (y - X @ w)
        losses.append(float(np.sum((y - X @ w) ** 2)))
    return w, np.array(losses)
""",
        "records the mean squared error instead of J": """
def gradient_descent(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    losses = [float(np.mean((y - X @ w) ** 2))]
    for _ in range(num_steps):
        w = w + 2.0 * lr * X.T @ (y - X @ w)
        losses.append(float(np.mean((y - X @ w) ** 2)))
    return w, np.array(losses)
""",
    },
    "gaussian_nll": {
        "drops the normalising constant": """
def gaussian_nll(w, X, y, sigma2):
    r = y - X @ w
    return float(r @ r / (2 * sigma2))
""",
        "treats sigma2 as a standard deviation": """
def gaussian_nll(w, X, y, sigma2):
    m = y.shape[0]
    r = y - X @ w
    return float(0.5 * m * np.log(2 * np.pi * sigma2**2) + r @ r / (2 * sigma2**2))
""",
        "missing the 1/2 on the log term": """
def gaussian_nll(w, X, y, sigma2):
    m = y.shape[0]
    r = y - X @ w
    return float(m * np.log(2 * np.pi * sigma2) + r @ r / (2 * sigma2))
""",
        "missing the 2 in J / (2 sigma^2)": """
def gaussian_nll(w, X, y, sigma2):
    m = y.shape[0]
    r = y - X @ w
    return float(0.5 * m * np.log(2 * np.pi * sigma2) + r @ r / sigma2)
""",
        "averages over samples instead of summing": """
def gaussian_nll(w, X, y, sigma2):
    r = y - X @ w
    return float(0.5 * np.log(2 * np.pi * sigma2) + np.mean(r**2) / (2 * sigma2))
""",
    },
    "noise_variance_mle": {
        "divides by m - d (the unbiased estimator, not the MLE)": """
def noise_variance_mle(w, X, y):
    r = y - X @ w
    return float(r @ r / (X.shape[0] - X.shape[1]))
""",
        "divides by m - 1": """
def noise_variance_mle(w, X, y):
    r = y - X @ w
    return float(r @ r / (y.shape[0] - 1))
""",
        "returns the standard deviation": """
def noise_variance_mle(w, X, y):
    r = y - X @ w
    return float(np.sqrt(r @ r / y.shape[0]))
""",
        "J / (2m)": """
def noise_variance_mle(w, X, y):
    r = y - X @ w
    return float(r @ r / (2 * y.shape[0]))
""",
    },
    "polynomial_features": {
        "np.vander with decreasing powers": """
def polynomial_features(x, degree):
    return np.vander(x, degree + 1)
""",
        "no column of ones (powers 1..p)": """
def polynomial_features(x, degree):
    return np.asarray(x, dtype=float)[:, None] ** np.arange(1, degree + 1)
""",
        "off by one: powers 0..p-1": """
def polynomial_features(x, degree):
    return np.asarray(x, dtype=float)[:, None] ** np.arange(degree)
""",
        "forgot the new axis (elementwise powers)": """
def polynomial_features(x, degree):
    return np.asarray(x, dtype=float) ** np.arange(degree + 1)
""",
    },
    "k_fold_indices": {
        "leaks: training rows include the validation fold": """
def k_fold_indices(m, k):
    blocks = np.array_split(np.arange(m), k)
    return [(np.arange(m), blocks[j]) for j in range(k)]
""",
        "drops the remainder (m // k rows per fold)": """
def k_fold_indices(m, k):
    size = m // k
    folds = []
    for j in range(k):
        val = np.arange(j * size, (j + 1) * size)
        folds.append((np.setdiff1d(np.arange(m), val), val))
    return folds
""",
        "ceil-sized blocks (uneven, the last fold can be empty)": """
def k_fold_indices(m, k):
    size = -(-m // k)
    folds = []
    for j in range(k):
        val = np.arange(j * size, min((j + 1) * size, m))
        folds.append((np.setdiff1d(np.arange(m), val), val))
    return folds
""",
        "off by one: the fold after the validation fold is left out of training": """
def k_fold_indices(m, k):
    blocks = np.array_split(np.arange(m), k)
    return [(np.concatenate(blocks[:j] + blocks[j + 2 :]), blocks[j]) for j in range(k)]
""",
    },
    "cross_validation_error": {
        "leaks: fits on all rows, validation rows included": """
def cross_validation_error(X, y, folds, fit):
    errors = []
    for train_idx, val_idx in folds:
        w = fit(X, y)
        errors.append(np.mean((y[val_idx] - X[val_idx] @ w) ** 2))
    return float(np.mean(errors))
""",
        "reports the training error": """
def cross_validation_error(X, y, folds, fit):
    errors = []
    for train_idx, val_idx in folds:
        w = fit(X[train_idx], y[train_idx])
        errors.append(np.mean((y[train_idx] - X[train_idx] @ w) ** 2))
    return float(np.mean(errors))
""",
        "fits on the validation rows and scores on the training rows": """
def cross_validation_error(X, y, folds, fit):
    errors = []
    for train_idx, val_idx in folds:
        w = fit(X[val_idx], y[val_idx])
        errors.append(np.mean((y[train_idx] - X[train_idx] @ w) ** 2))
    return float(np.mean(errors))
""",
        "sums the fold errors instead of averaging": """
def cross_validation_error(X, y, folds, fit):
    total = 0.0
    for train_idx, val_idx in folds:
        w = fit(X[train_idx], y[train_idx])
        total += np.mean((y[val_idx] - X[val_idx] @ w) ** 2)
    return float(total)
""",
        "sum of squared errors per fold instead of the mean": """
def cross_validation_error(X, y, folds, fit):
    errors = []
    for train_idx, val_idx in folds:
        w = fit(X[train_idx], y[train_idx])
        errors.append(np.sum((y[val_idx] - X[val_idx] @ w) ** 2))
    return float(np.mean(errors))
""",
    },
}


# Wrong answers of the kinds issue 15 found getting through elsewhere: in-place changes, one-row and int
# inputs, large magnitudes, unequal folds, procedures checked only by their end result.
MUTANTS["least_squares_loss"].update(
    {
        "accumulates in float32": """
def least_squares_loss(w, X, y):
    r = (y - X @ w).astype(np.float32)
    return float(np.sum(r * r))
""",
    }
)
MUTANTS["least_squares_gradient"].update(
    {
        "right values, but computes the residual in place in y": """
def least_squares_gradient(w, X, y):
    y -= X @ w
    return -2.0 * X.T @ y
""",
        "squeezes X (breaks one-row inputs)": """
def least_squares_gradient(w, X, y):
    Xs = np.squeeze(X)
    return -2.0 * Xs.T @ (y - Xs @ w)
""",
    }
)
MUTANTS["gram_condition_number"].update(
    {
        "np.linalg.cond of X^T X (finite garbage when m < d)": """
def gram_condition_number(X):
    return float(np.linalg.cond(X.T @ X))
""",
    }
)
MUTANTS["is_rank_deficient"].update(
    {
        "condition number of X above a threshold (misses m < d, where cond(X) is finite)": """
def is_rank_deficient(X):
    return bool(np.linalg.cond(X) > 1e10)
""",
    }
)
MUTANTS["lipschitz_constant"].update(
    {
        "Frobenius norm instead of the spectral norm": """
def lipschitz_constant(X):
    return 2.0 * float(np.linalg.norm(X)) ** 2
""",
    }
)
MUTANTS["gradient_descent"].update(
    {
        "ignores lr and uses the safe step 1/L": """
def gradient_descent(X, y, lr, num_steps):
    step = 1.0 / (2.0 * np.linalg.norm(X, 2) ** 2)
    w = np.zeros(X.shape[1])
    losses = [float(np.sum((y - X @ w) ** 2))]
    for _ in range(num_steps):
        w = w + 2.0 * step * X.T @ (y - X @ w)
        losses.append(float(np.sum((y - X @ w) ** 2)))
    return w, np.array(losses)
""",
        "mini-batches: one sample per step, in turn": """
def gradient_descent(X, y, lr, num_steps):
    m = X.shape[0]
    w = np.zeros(X.shape[1])
    losses = [float(np.sum((y - X @ w) ** 2))]
    for k in range(num_steps):
        i = k % m
        w = w + 2.0 * lr * X[i] * (y[i] - X[i] @ w)
        losses.append(float(np.sum((y - X @ w) ** 2)))
    return w, np.array(losses)
""",
        "records the loss after the step, then appends the final loss again": """
def gradient_descent(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    losses = []
    for _ in range(num_steps):
        w = w + 2.0 * lr * X.T @ (y - X @ w)
        losses.append(float(np.sum((y - X @ w) ** 2)))
    losses.append(float(np.sum((y - X @ w) ** 2)))
    return w, np.array(losses)
""",
        "float32 weights": """
def gradient_descent(X, y, lr, num_steps):
    w = np.zeros(X.shape[1], dtype=np.float32)
    losses = [float(np.sum((y - X @ w) ** 2))]
    for _ in range(num_steps):
        w = (w + 2.0 * lr * X.T @ (y - X @ w)).astype(np.float32)
        losses.append(float(np.sum((y - X @ w) ** 2)))
    return w, np.array(losses)
""",
    }
)
MUTANTS["gaussian_nll"].update(
    {
        "log of the density (underflows to log 0 for residuals many sigmas away)": """
def gaussian_nll(w, X, y, sigma2):
    r = y - X @ w
    p = np.exp(-(r**2) / (2 * sigma2)) / np.sqrt(2 * np.pi * sigma2)
    return float(-np.sum(np.log(p)))
""",
    }
)
MUTANTS["noise_variance_mle"].update(
    {
        "np.var of the residuals (subtracts their mean)": """
def noise_variance_mle(w, X, y):
    return float(np.var(y - X @ w))
""",
    }
)
MUTANTS["cross_validation_error"].update(
    {
        "pools all validation rows (wrong when the folds have unequal sizes)": """
def cross_validation_error(X, y, folds, fit):
    sq = []
    for train_idx, val_idx in folds:
        w = fit(X[train_idx], y[train_idx])
        sq.extend((y[val_idx] - X[val_idx] @ w) ** 2)
    return float(np.mean(sq))
""",
    }
)
MUTANTS["k_fold_indices"].update(
    {
        "training rows not sorted (the folds after the validation fold first)": """
def k_fold_indices(m, k):
    blocks = np.array_split(np.arange(m), k)
    return [(np.concatenate(blocks[j + 1 :] + blocks[:j]), blocks[j]) for j in range(k)]
""",
    }
)

# Mutants of the automatic run (tests/mutation.py) that compute the same thing on the whole declared domain.
EQUIVALENT = {
    "gram_condition_number: line 8: swapped with the next statement: `m, d = X.shape`": (
        "the two statements are independent (reading X.shape and computing the singular values), so their order "
        "cannot change the result"
    ),
    "gradient_descent: line 10: dropped the right operand: `y - X @ w`": (
        "this line records the loss at w_0 = 0, where X @ w is exactly 0, so sum(y ** 2) is the same number"
    ),
    "gradient_descent: line 10: operator Sub -> Add: `y - X @ w`": (
        "this line records the loss at w_0 = 0, where X @ w is exactly 0, so y + X @ w equals y - X @ w bit for bit"
    ),
    "gradient_descent: line 14: array -> asarray: `np.array(losses)`": (
        "losses is a Python list built in the function, so np.asarray makes a new float64 array exactly like "
        "np.array does"
    ),
    "gaussian_nll: line 9: constant 0 -> -1: `0`": (
        "y is 1-D by the docstring (shape (m,)), so y.shape[-1] and y.shape[0] are both m"
    ),
    "gaussian_nll: line 9: swapped with the next statement: `m = y.shape[0]`": (
        "the two statements are independent (m and the residuals), so their order cannot change the result"
    ),
    "noise_variance_mle: line 8: constant 0 -> -1: `0`": (
        "y is 1-D by the docstring (shape (m,)), so y.shape[-1] and y.shape[0] are both m"
    ),
}

# Other correct implementations the text allows: each must get full marks on every test cell of its function.
CORRECT = {
    "add_bias_column": {
        "np.hstack with a (m, 1) column of ones": """
def add_bias_column(X):
    return np.hstack([np.ones((X.shape[0], 1)), X])
""",
        "preallocated array of ones, X copied into columns 1..d": """
def add_bias_column(X):
    X1 = np.ones((X.shape[0], X.shape[1] + 1))
    X1[:, 1:] = X
    return X1
""",
        "np.insert (keeps an int X int)": """
def add_bias_column(X):
    return np.insert(X, 0, 1, axis=1)
""",
    },
    "least_squares_loss": {
        "squared norm of the residual": """
def least_squares_loss(w, X, y):
    return float(np.linalg.norm(y - X @ w) ** 2)
""",
        "a loop over samples": """
def least_squares_loss(w, X, y):
    total = 0.0
    for i in range(X.shape[0]):
        total += (y[i] - X[i] @ w) ** 2
    return total
""",
        "sum of (X w - y)^2": """
def least_squares_loss(w, X, y):
    return np.sum((X @ w - y) ** 2)
""",
    },
    "least_squares_gradient": {
        "expanded: 2 (X^T X w - X^T y)": """
def least_squares_gradient(w, X, y):
    return 2 * (X.T @ X @ w - X.T @ y)
""",
        "a loop over samples (chain rule per sample)": """
def least_squares_gradient(w, X, y):
    g = np.zeros(X.shape[1])
    for i in range(X.shape[0]):
        g += -2.0 * (y[i] - X[i] @ w) * X[i]
    return g
""",
    },
    "least_squares_closed_form": {
        "np.linalg.lstsq": """
def least_squares_closed_form(X, y):
    return np.linalg.lstsq(X, y, rcond=None)[0]
""",
        "QR factorisation: R w = Q^T y": """
def least_squares_closed_form(X, y):
    Q, R = np.linalg.qr(X)
    return np.linalg.solve(R, Q.T @ y)
""",
    },
    "gram_condition_number": {
        "eigenvalues of X^T X (guarding m < d and a zero eigenvalue)": """
def gram_condition_number(X):
    m, d = X.shape
    if m < d:
        return np.inf
    e = np.linalg.eigvalsh(X.T @ X)
    if e[0] <= 0.0:
        return np.inf
    return float(e[-1] / e[0])
""",
        "np.linalg.cond(X) squared, with the m < d case first": """
def gram_condition_number(X):
    if X.shape[0] < X.shape[1]:
        return np.inf
    return float(np.linalg.cond(X) ** 2)
""",
        "squares the singular values first, checks the minimum": """
def gram_condition_number(X):
    m, d = X.shape
    s2 = np.linalg.svd(X, compute_uv=False) ** 2
    if m < d or s2.min() == 0:
        return float("inf")
    return float(s2.max() / s2.min())
""",
    },
    "is_rank_deficient": {
        "singular values against a relative tolerance": """
def is_rank_deficient(X):
    m, d = X.shape
    if m < d:
        return True
    s = np.linalg.svd(X, compute_uv=False)
    return bool(s[-1] <= 1e-10 * s[0])
""",
        "rank of X^T X": """
def is_rank_deficient(X):
    return bool(np.linalg.matrix_rank(X.T @ X) < X.shape[1])
""",
    },
    "ridge_closed_form": {
        "least squares on the augmented system [X; sqrt(lam) I] w = [y; 0]": """
def ridge_closed_form(X, y, lam):
    d = X.shape[1]
    A = np.vstack([X, np.sqrt(lam) * np.eye(d)])
    b = np.concatenate([y, np.zeros(d)])
    return np.linalg.lstsq(A, b, rcond=None)[0]
""",
        "the dual form X^T (X X^T + lam I)^-1 y (an m x m solve)": """
def ridge_closed_form(X, y, lam):
    return X.T @ np.linalg.solve(X @ X.T + lam * np.eye(X.shape[0]), y)
""",
        "through the thin SVD": """
def ridge_closed_form(X, y, lam):
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    return Vt.T @ (s / (s**2 + lam) * (U.T @ y))
""",
    },
    "ridge_with_bias": {
        "centre features and targets, ridge without a bias, then w_0 = ybar - xbar^T w": """
def ridge_with_bias(X1, y, lam):
    Z = X1[:, 1:]
    z_mean, y_mean = Z.mean(axis=0), y.mean()
    Zc = Z - z_mean
    w = np.linalg.solve(Zc.T @ Zc + lam * np.eye(Z.shape[1]), Zc.T @ (y - y_mean))
    return np.concatenate([[y_mean - z_mean @ w], w])
""",
        "penalty matrix built with np.diag": """
def ridge_with_bias(X1, y, lam):
    d1 = X1.shape[1]
    penalty = np.diag(np.r_[0.0, lam * np.ones(d1 - 1)])
    return np.linalg.solve(X1.T @ X1 + penalty, X1.T @ y)
""",
    },
    "shrinkage_factors": {
        "1 - lam / (sigma^2 + lam)": """
def shrinkage_factors(sigma, lam):
    return 1.0 - lam / (np.square(sigma, dtype=float) + lam)
""",
        "np.square": """
def shrinkage_factors(sigma, lam):
    s2 = np.square(np.asarray(sigma, dtype=float))
    return s2 / (s2 + lam)
""",
    },
    "ridge_svd": {
        "full SVD, then the first k = min(m, d) columns and rows": """
def ridge_svd(X, y, lam):
    U, s, Vt = np.linalg.svd(X)
    k = s.shape[0]
    return Vt[:k].T @ (s / (s**2 + lam) * (U[:, :k].T @ y))
""",
        "a sum over the singular triplets": """
def ridge_svd(X, y, lam):
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    w = np.zeros(X.shape[1])
    for j in range(s.shape[0]):
        w = w + s[j] / (s[j] ** 2 + lam) * (U[:, j] @ y) * Vt[j]
    return w
""",
    },
    "lipschitz_constant": {
        "largest eigenvalue of X^T X (eigvalsh is ascending)": """
def lipschitz_constant(X):
    return 2.0 * float(np.linalg.eigvalsh(X.T @ X)[-1])
""",
        "largest singular value squared": """
def lipschitz_constant(X):
    return 2.0 * float(np.linalg.svd(X, compute_uv=False)[0] ** 2)
""",
        "largest eigenvalue of X X^T (the same nonzero eigenvalues)": """
def lipschitz_constant(X):
    return 2.0 * float(np.max(np.linalg.eigvalsh(X @ X.T)))
""",
    },
    "gradient_descent": {
        "calls least_squares_gradient and least_squares_loss": """
def gradient_descent(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    losses = [least_squares_loss(w, X, y)]
    for _ in range(num_steps):
        w = w - lr * least_squares_gradient(w, X, y)
        losses.append(least_squares_loss(w, X, y))
    return w, np.array(losses)
""",
        "preallocated losses, in-place update of its own w, expanded gradient": """
def gradient_descent(X, y, lr, num_steps):
    w = np.zeros(X.shape[1])
    losses = np.empty(num_steps + 1)
    losses[0] = np.sum((y - X @ w) ** 2)
    for k in range(num_steps):
        w -= lr * 2 * (X.T @ (X @ w) - X.T @ y)
        losses[k + 1] = np.sum((y - X @ w) ** 2)
    return w, losses
""",
    },
    "gaussian_nll": {
        "sum of the per-sample negative log densities": """
def gaussian_nll(w, X, y, sigma2):
    r = y - X @ w
    return float(-np.sum(-0.5 * np.log(2 * np.pi * sigma2) - r**2 / (2 * sigma2)))
""",
        "log(2 pi) and log(sigma^2) separately, J from least_squares_loss": """
def gaussian_nll(w, X, y, sigma2):
    m = len(y)
    return m / 2 * np.log(2 * np.pi) + m / 2 * np.log(sigma2) + least_squares_loss(w, X, y) / (2 * sigma2)
""",
    },
    "noise_variance_mle": {
        "mean of the squared residuals": """
def noise_variance_mle(w, X, y):
    return float(np.mean((y - X @ w) ** 2))
""",
        "least_squares_loss / m": """
def noise_variance_mle(w, X, y):
    return least_squares_loss(w, X, y) / len(y)
""",
    },
    "polynomial_features": {
        "np.vander with increasing=True": """
def polynomial_features(x, degree):
    return np.vander(x, degree + 1, increasing=True)
""",
        "columns x**j stacked": """
def polynomial_features(x, degree):
    return np.column_stack([x**j for j in range(degree + 1)])
""",
        "each column the previous one times x": """
def polynomial_features(x, degree):
    P = np.ones((x.shape[0], degree + 1))
    for j in range(1, degree + 1):
        P[:, j] = P[:, j - 1] * x
    return P
""",
    },
    "k_fold_indices": {
        "fold sizes by hand, training rows as two ranges": """
def k_fold_indices(m, k):
    folds, start = [], 0
    for j in range(k):
        size = m // k + (1 if j < m % k else 0)
        stop = start + size
        folds.append((np.concatenate([np.arange(0, start), np.arange(stop, m)]), np.arange(start, stop)))
        start = stop
    return folds
""",
        "np.setdiff1d for the training rows": """
def k_fold_indices(m, k):
    rows = np.arange(m)
    return [(np.setdiff1d(rows, val), val) for val in np.array_split(rows, k)]
""",
    },
    "cross_validation_error": {
        "sum of fold errors divided by the number of folds": """
def cross_validation_error(X, y, folds, fit):
    total = 0.0
    for train_idx, val_idx in folds:
        w = fit(X[train_idx], y[train_idx])
        total += np.sum((X[val_idx] @ w - y[val_idx]) ** 2) / len(val_idx)
    return total / len(folds)
""",
        "a list comprehension": """
def cross_validation_error(X, y, folds, fit):
    errs = [np.mean((y[v] - X[v] @ fit(X[t], y[t])) ** 2) for t, v in folds]
    return float(np.mean(errs))
""",
    },
}
