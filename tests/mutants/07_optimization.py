"""Plausible wrong answers for 07_optimization: each must lose points on its function's test cells.

CORRECT: other correct implementations the text allows (they must get full marks, for every seed:
tests/test_seeds_07.py). EQUIVALENT: mutants of tests/mutation.py that compute the same thing on the
whole declared domain, with the reason.
"""

MUTANTS = {
    "gd_step_sizes": {
        "largest stable step 1/lambda_max (forgot the 2)": """
def gd_step_sizes(A):
    lam = np.linalg.eigvalsh(A)
    return 1.0 / lam[-1], 2.0 / (lam[-1] + lam[0]), (lam[-1] - lam[0]) / (lam[-1] + lam[0])
""",
        "rate 1 - 1/kappa (the rate of the step 1/lambda_max, not of the best step)": """
def gd_step_sizes(A):
    lam = np.linalg.eigvalsh(A)
    return 2.0 / lam[-1], 2.0 / (lam[-1] + lam[0]), 1.0 - lam[0] / lam[-1]
""",
        "diagonal of A instead of its eigenvalues": """
def gd_step_sizes(A):
    lam = np.sort(np.diag(A))
    return 2.0 / lam[-1], 2.0 / (lam[-1] + lam[0]), (lam[-1] - lam[0]) / (lam[-1] + lam[0])
""",
        "eigenvalues taken as descending (largest and smallest swapped)": """
def gd_step_sizes(A):
    lam = np.linalg.eigvalsh(A)
    lam_max, lam_min = lam[0], lam[-1]
    return 2.0 / lam_max, 2.0 / (lam_max + lam_min), (lam_max - lam_min) / (lam_max + lam_min)
""",
        "best step 1/(lambda_max + lambda_min) (a factor 2 lost)": """
def gd_step_sizes(A):
    lam = np.linalg.eigvalsh(A)
    return 2.0 / lam[-1], 1.0 / (lam[-1] + lam[0]), (lam[-1] - lam[0]) / (lam[-1] + lam[0])
""",
    },
    "gradient_descent_quadratic": {
        "gradient with the wrong sign of b (A w + b)": """
def gradient_descent_quadratic(A, b, w0, lr, num_steps):
    W = [np.array(w0, dtype=float)]
    for _ in range(num_steps):
        W.append(W[-1] - lr * (A @ W[-1] + b))
    return np.array(W)
""",
        "w0 left out: only the num_steps new iterates": """
def gradient_descent_quadratic(A, b, w0, lr, num_steps):
    W, w = [], np.array(w0, dtype=float)
    for _ in range(num_steps):
        w = w - lr * (A @ w - b)
        W.append(w)
    return np.array(W).reshape(num_steps, len(w0))
""",
        "one step too many": """
def gradient_descent_quadratic(A, b, w0, lr, num_steps):
    W = [np.array(w0, dtype=float)]
    for _ in range(num_steps + 1):
        W.append(W[-1] - lr * (A @ W[-1] - b))
    return np.array(W)
""",
        "row 0 is the first step, not w0 (step before recording)": """
def gradient_descent_quadratic(A, b, w0, lr, num_steps):
    W, w = [], np.array(w0, dtype=float)
    for _ in range(num_steps + 1):
        w = w - lr * (A @ w - b)
        W.append(w)
    return np.array(W)
""",
        "every row is the same array (appends w updated in place)": """
def gradient_descent_quadratic(A, b, w0, lr, num_steps):
    w = np.array(w0, dtype=float)
    W = [w]
    for _ in range(num_steps):
        w -= lr * (A @ w - b)
        W.append(w)
    return np.array(W)
""",
    },
    "minibatch_gradient": {
        "sum over the batch instead of the mean": """
def minibatch_gradient(w, X, y, idx):
    Xb, yb = X[idx], y[idx]
    return Xb.T @ (Xb @ w - yb)
""",
        "divides by n (the data size) instead of B": """
def minibatch_gradient(w, X, y, idx):
    Xb, yb = X[idx], y[idx]
    return Xb.T @ (Xb @ w - yb) / len(y)
""",
        "sign flipped (y - X w)": """
def minibatch_gradient(w, X, y, idx):
    Xb, yb = X[idx], y[idx]
    return Xb.T @ (yb - Xb @ w) / len(idx)
""",
        "drops repeated indices (np.unique)": """
def minibatch_gradient(w, X, y, idx):
    idx = np.unique(idx)
    Xb, yb = X[idx], y[idx]
    return Xb.T @ (Xb @ w - yb) / len(idx)
""",
        "full-batch gradient whatever idx says": """
def minibatch_gradient(w, X, y, idx):
    return X.T @ (X @ w - y) / len(y)
""",
    },
    "minibatch_variance": {
        "forgot the 1/B": """
def minibatch_variance(w, X, y, batch_size):
    G = X * (X @ w - y)[:, None]
    return float(np.sum((G - G.mean(axis=0)) ** 2) / len(y))
""",
        "1/B^2 instead of 1/B": """
def minibatch_variance(w, X, y, batch_size):
    G = X * (X @ w - y)[:, None]
    return float(np.sum((G - G.mean(axis=0)) ** 2) / len(y) / batch_size**2)
""",
        "second moment, not variance (no mean subtracted)": """
def minibatch_variance(w, X, y, batch_size):
    G = X * (X @ w - y)[:, None]
    return float(np.sum(G**2) / len(y) / batch_size)
""",
        "without-replacement formula (n - B)/(n - 1) applied": """
def minibatch_variance(w, X, y, batch_size):
    n = len(y)
    G = X * (X @ w - y)[:, None]
    return float(np.sum((G - G.mean(axis=0)) ** 2) / n / batch_size * (n - batch_size) / max(n - 1, 1))
""",
        "unbiased sample variance (divides by n - 1)": """
def minibatch_variance(w, X, y, batch_size):
    G = X * (X @ w - y)[:, None]
    return float(np.sum((G - G.mean(axis=0)) ** 2) / max(len(y) - 1, 1) / batch_size)
""",
    },
    "sgd_step": {
        "the notes' velocity sign: buf = momentum * buf - g, w + lr * buf": """
def sgd_step(w, g, buf, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
    d_p = g + weight_decay * w
    buf_new = momentum * buf - d_p
    step = -d_p + momentum * buf_new if nesterov else buf_new
    return w + lr * step, buf_new
""",
        "dampening: buf = momentum * buf + (1 - momentum) * g": """
def sgd_step(w, g, buf, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
    d_p = g + weight_decay * w
    buf_new = momentum * buf + (1 - momentum) * d_p
    step = d_p + momentum * buf_new if nesterov else buf_new
    return w - lr * step, buf_new
""",
        "Nesterov with the old buffer (g + momentum * buf)": """
def sgd_step(w, g, buf, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
    d_p = g + weight_decay * w
    buf_new = momentum * buf + d_p
    step = d_p + momentum * buf if nesterov else buf_new
    return w - lr * step, buf_new
""",
        "weight decay applied after the buffer (not inside it)": """
def sgd_step(w, g, buf, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
    buf_new = momentum * buf + g
    step = g + momentum * buf_new if nesterov else buf_new
    return w - lr * (step + weight_decay * w), buf_new
""",
        "buffer updated in place": """
def sgd_step(w, g, buf, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
    d_p = g + weight_decay * w
    buf *= momentum
    buf += d_p
    step = d_p + momentum * buf if nesterov else buf
    return w - lr * step, buf
""",
    },
    "heavy_ball_parameters": {
        "momentum = rate (not its square)": """
def heavy_ball_parameters(lam_min, lam_max):
    s_min, s_max = np.sqrt(lam_min), np.sqrt(lam_max)
    rate = (s_max - s_min) / (s_max + s_min)
    return 4.0 / (s_max + s_min) ** 2, rate, rate
""",
        "gradient descent's best step 2/(lam_max + lam_min) as lr": """
def heavy_ball_parameters(lam_min, lam_max):
    s_min, s_max = np.sqrt(lam_min), np.sqrt(lam_max)
    rate = (s_max - s_min) / (s_max + s_min)
    return 2.0 / (lam_max + lam_min), rate**2, rate
""",
        "rate (kappa - 1)/(kappa + 1) without square roots": """
def heavy_ball_parameters(lam_min, lam_max):
    rate = (lam_max - lam_min) / (lam_max + lam_min)
    return 4.0 / (np.sqrt(lam_max) + np.sqrt(lam_min)) ** 2, rate**2, rate
""",
        "lr = 4 / (lam_max + lam_min) (square of the sum forgotten)": """
def heavy_ball_parameters(lam_min, lam_max):
    s_min, s_max = np.sqrt(lam_min), np.sqrt(lam_max)
    rate = (s_max - s_min) / (s_max + s_min)
    return 4.0 / (lam_max + lam_min), rate**2, rate
""",
    },
    "rmsprop_step": {
        "eps inside the square root (the notes' first formula, Keras)": """
def rmsprop_step(w, g, square_avg, lr=0.01, alpha=0.99, eps=1e-8):
    s = alpha * square_avg + (1 - alpha) * g * g
    return w - lr * g / np.sqrt(s + eps), s
""",
        "alpha and 1 - alpha swapped": """
def rmsprop_step(w, g, square_avg, lr=0.01, alpha=0.99, eps=1e-8):
    s = (1 - alpha) * square_avg + alpha * g * g
    return w - lr * g / (np.sqrt(s) + eps), s
""",
        "old average in the denominator (update after the step)": """
def rmsprop_step(w, g, square_avg, lr=0.01, alpha=0.99, eps=1e-8):
    w_new = w - lr * g / (np.sqrt(square_avg) + eps)
    return w_new, alpha * square_avg + (1 - alpha) * g * g
""",
        "squared norm of the whole gradient (the notes' 'size of gradient')": """
def rmsprop_step(w, g, square_avg, lr=0.01, alpha=0.99, eps=1e-8):
    s = alpha * square_avg + (1 - alpha) * np.sum(g) ** 2
    return w - lr * g / (np.sqrt(s) + eps), s
""",
        "bias-corrected like Adam (divides by 1 - alpha)": """
def rmsprop_step(w, g, square_avg, lr=0.01, alpha=0.99, eps=1e-8):
    s = alpha * square_avg + (1 - alpha) * g * g
    return w - lr * g / (np.sqrt(s / (1 - alpha)) + eps), s
""",
    },
    "adam_step": {
        "no bias correction": """
def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    g = g + weight_decay * w
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g * g
    return w - lr * m_new / (np.sqrt(v_new) + eps), m_new, v_new
""",
        "eps inside the square root": """
def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    g = g + weight_decay * w
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g * g
    return w - lr * (m_new / (1 - beta1**t)) / np.sqrt(v_new / (1 - beta2**t) + eps), m_new, v_new
""",
        "step count off by one (beta^(t + 1), the notes' k + 1 with k = t)": """
def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    g = g + weight_decay * w
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m_new / (1 - beta1 ** (t + 1)), v_new / (1 - beta2 ** (t + 1))
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new
""",
        "decoupled decay (AdamW) instead of the L2 gradient": """
def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return w * (1 - lr * weight_decay) - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new
""",
        "returns the bias-corrected moments as the new state": """
def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    g = g + weight_decay * w
    m_hat = (beta1 * m + (1 - beta1) * g) / (1 - beta1**t)
    v_hat = (beta2 * v + (1 - beta2) * g * g) / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_hat, v_hat
""",
    },
    "uncorrected_step_ratio": {
        "the inverse ratio (corrected / uncorrected)": """
def uncorrected_step_ratio(t, beta1=0.9, beta2=0.999):
    t = np.asarray(t, dtype=float)
    return np.sqrt(1 - beta2**t) / (1 - beta1**t)
""",
        "no square root on the second moment": """
def uncorrected_step_ratio(t, beta1=0.9, beta2=0.999):
    t = np.asarray(t, dtype=float)
    return (1 - beta1**t) / (1 - beta2**t)
""",
        "only the first moment's factor": """
def uncorrected_step_ratio(t, beta1=0.9, beta2=0.999):
    t = np.asarray(t, dtype=float)
    return 1 - beta1**t
""",
        "betas swapped": """
def uncorrected_step_ratio(t, beta1=0.9, beta2=0.999):
    t = np.asarray(t, dtype=float)
    return (1 - beta2**t) / np.sqrt(1 - beta1**t)
""",
    },
    "adamw_step": {
        "L2 gradient (that is Adam, not AdamW)": """
def adamw_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    g = g + weight_decay * w
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new
""",
        "decay not scaled by lr (w * (1 - weight_decay))": """
def adamw_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return w * (1 - weight_decay) - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new
""",
        "the notes' decay term: lambda/2 instead of lr * lambda": """
def adamw_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return w - weight_decay / 2 * w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new
""",
        "no weight decay at all": """
def adamw_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g * g
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new
""",
    },
    "step_lr": {
        "decays at every step (ignores step_size)": """
def step_lr(lr0, t, step_size, gamma):
    return lr0 * gamma ** np.asarray(t, dtype=float)
""",
        "true division instead of floor (a smooth exponential)": """
def step_lr(lr0, t, step_size, gamma):
    return lr0 * gamma ** (np.asarray(t, dtype=float) / step_size)
""",
        "decays one step early (ceil)": """
def step_lr(lr0, t, step_size, gamma):
    return lr0 * gamma ** np.ceil(np.asarray(t, dtype=float) / step_size)
""",
        "the notes' subtraction: lr0 * (1 - gamma) ** k": """
def step_lr(lr0, t, step_size, gamma):
    return lr0 * (1 - gamma) ** (np.asarray(t) // step_size).astype(float)
""",
    },
    "cosine_lr": {
        "clamped at eta_min after T_max (PyTorch continues the cosine)": """
def cosine_lr(lr0, t, T_max, eta_min=0.0):
    t = np.minimum(np.asarray(t, dtype=float), T_max)
    return eta_min + (lr0 - eta_min) * (1 + np.cos(np.pi * t / T_max)) / 2
""",
        "no 1/2 (a cosine from 2 lr0 to eta_min)": """
def cosine_lr(lr0, t, T_max, eta_min=0.0):
    t = np.asarray(t, dtype=float)
    return eta_min + (lr0 - eta_min) * (1 + np.cos(np.pi * t / T_max))
""",
        "eta_min forgotten in the amplitude (lr0 instead of lr0 - eta_min)": """
def cosine_lr(lr0, t, T_max, eta_min=0.0):
    t = np.asarray(t, dtype=float)
    return eta_min + lr0 * (1 + np.cos(np.pi * t / T_max)) / 2
""",
        "period T_max instead of 2 T_max (2 pi t / T_max)": """
def cosine_lr(lr0, t, T_max, eta_min=0.0):
    t = np.asarray(t, dtype=float)
    return eta_min + (lr0 - eta_min) * (1 + np.cos(2 * np.pi * t / T_max)) / 2
""",
    },
    "linear_warmup_lr": {
        "starts at 0, not at start_factor * lr0": """
def linear_warmup_lr(lr0, t, warmup_steps, start_factor=1 / 3):
    return lr0 * np.minimum(np.asarray(t, dtype=float), warmup_steps) / warmup_steps
""",
        "keeps rising after warm-up (no min)": """
def linear_warmup_lr(lr0, t, warmup_steps, start_factor=1 / 3):
    return lr0 * (start_factor + (1 - start_factor) * np.asarray(t, dtype=float) / warmup_steps)
""",
        "reaches lr0 one step late (divides by warmup_steps + 1)": """
def linear_warmup_lr(lr0, t, warmup_steps, start_factor=1 / 3):
    progress = np.minimum(np.asarray(t, dtype=float), warmup_steps + 1) / (warmup_steps + 1)
    return lr0 * (start_factor + (1 - start_factor) * progress)
""",
        "integer division of t by warmup_steps (a jump, not a ramp)": """
def linear_warmup_lr(lr0, t, warmup_steps, start_factor=1 / 3):
    progress = np.minimum(np.asarray(t), warmup_steps) // warmup_steps
    return lr0 * (start_factor + (1 - start_factor) * progress)
""",
    },
    "newton_step": {
        "gradient step with H instead of its inverse (w - H g)": """
def newton_step(w, g, H):
    return w - H @ g
""",
        "sign flipped (w + H^{-1} g)": """
def newton_step(w, g, H):
    return w + np.linalg.solve(H, g)
""",
        "only the diagonal of H": """
def newton_step(w, g, H):
    return w - g / np.diag(H)
""",
        "returns the step, not the new weights": """
def newton_step(w, g, H):
    return np.linalg.solve(H, g)
""",
    },
}

CORRECT = {
    "gd_step_sizes": {
        "singular values (A is symmetric positive definite)": """
def gd_step_sizes(A):
    s = np.linalg.svd(A, compute_uv=False)
    kappa = s[0] / s[-1]
    return 2 / s[0], 2 / (s[0] + s[-1]), (kappa - 1) / (kappa + 1)
""",
        "np.linalg.eigvals, min and max": """
def gd_step_sizes(A):
    lam = np.real(np.linalg.eigvals(A))
    lo, hi = lam.min(), lam.max()
    return float(2 / hi), float(2 / (hi + lo)), float((hi - lo) / (hi + lo))
""",
    },
    "gradient_descent_quadratic": {
        "a list of rows, stacked at the end": """
def gradient_descent_quadratic(A, b, w0, lr, num_steps):
    w = np.array(w0, dtype=float)
    rows = [w]
    for _ in range(num_steps):
        w = w - lr * (A @ w - b)
        rows.append(w)
    return np.vstack(rows)
""",
        "a preallocated array, the update written with b - A w": """
def gradient_descent_quadratic(A, b, w0, lr, num_steps):
    W = np.empty((num_steps + 1, len(w0)))
    W[0] = w0
    for k in range(1, num_steps + 1):
        W[k] = W[k - 1] + lr * (b - A @ W[k - 1])
    return W
""",
    },
    "minibatch_gradient": {
        "a loop over the batch": """
def minibatch_gradient(w, X, y, idx):
    total = np.zeros(X.shape[1])
    for i in idx:
        total = total + X[i] * (X[i] @ w - y[i])
    return total / len(idx)
""",
        "per-example gradients, then the mean over axis 0": """
def minibatch_gradient(w, X, y, idx):
    G = X[idx] * (X[idx] @ w - y[idx])[:, None]
    return G.mean(axis=0)
""",
    },
    "minibatch_variance": {
        "trace of the covariance with np.var": """
def minibatch_variance(w, X, y, batch_size):
    G = X * (X @ w - y)[:, None]
    return float(np.var(G, axis=0).sum() / batch_size)
""",
        "mean squared norm minus squared norm of the mean": """
def minibatch_variance(w, X, y, batch_size):
    G = X * (X @ w - y)[:, None]
    mean = G.mean(axis=0)
    return float(np.sum((G - mean) ** 2, axis=1).mean() / batch_size)
""",
    },
    "sgd_step": {
        "PyTorch's branches written out": """
def sgd_step(w, g, buf, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
    d_p = g + weight_decay * w if weight_decay != 0 else g + 0.0
    if momentum != 0:
        buf_new = momentum * buf + d_p
        d_p = d_p + momentum * buf_new if nesterov else buf_new
    else:
        buf_new = d_p
    return w - lr * d_p, np.array(buf_new, dtype=float)
""",
    },
    "heavy_ball_parameters": {
        "through kappa": """
def heavy_ball_parameters(lam_min, lam_max):
    q = np.sqrt(lam_max / lam_min)
    rate = (q - 1) / (q + 1)
    return 4 / (lam_min * (q + 1) ** 2), rate * rate, rate
""",
    },
    "rmsprop_step": {
        "sqrt of the new average computed first, np.square": """
def rmsprop_step(w, g, square_avg, lr=0.01, alpha=0.99, eps=1e-8):
    s = alpha * square_avg + (1 - alpha) * np.square(g)
    denom = np.sqrt(s) + eps
    return w - lr * (g / denom), s
""",
    },
    "adam_step": {
        "PyTorch's own arrangement: step size lr / bc1, denominator sqrt(v) / sqrt(bc2) + eps": """
def adam_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
    g = g + weight_decay * w
    m_new = m * beta1 + g * (1 - beta1)
    v_new = v * beta2 + g * g * (1 - beta2)
    bc1, bc2 = 1 - beta1**t, 1 - beta2**t
    denom = np.sqrt(v_new) / np.sqrt(bc2) + eps
    return w - (lr / bc1) * m_new / denom, m_new, v_new
""",
    },
    "uncorrected_step_ratio": {
        "np.power and np.sqrt on a float array": """
def uncorrected_step_ratio(t, beta1=0.9, beta2=0.999):
    t = np.array(t, dtype=np.float64)
    return (1 - np.power(beta1, t)) / np.sqrt(1 - np.power(beta2, t))
""",
    },
    "adamw_step": {
        "calls adam_step with weight_decay = 0 on the decayed weights": """
def adamw_step(w, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return adam_step(w * (1 - lr * weight_decay), g, m, v, t, lr, beta1, beta2, eps, 0.0)
""",
    },
    "step_lr": {
        "np.floor of a float division": """
def step_lr(lr0, t, step_size, gamma):
    return lr0 * np.power(gamma, np.floor(np.asarray(t, dtype=float) / step_size))
""",
    },
    "cosine_lr": {
        "half-amplitude form with cos^2": """
def cosine_lr(lr0, t, T_max, eta_min=0.0):
    t = np.asarray(t, dtype=float)
    return eta_min + (lr0 - eta_min) * np.cos(np.pi * t / (2 * T_max)) ** 2
""",
    },
    "linear_warmup_lr": {
        "np.clip of the progress and np.interp-style blend": """
def linear_warmup_lr(lr0, t, warmup_steps, start_factor=1 / 3):
    progress = np.clip(np.asarray(t, dtype=float) / warmup_steps, 0.0, 1.0)
    return lr0 * ((1 - progress) * start_factor + progress)
""",
    },
    "newton_step": {
        "Cholesky factorisation and two triangular solves": """
def newton_step(w, g, H):
    L = np.linalg.cholesky(H)
    z = np.linalg.solve(L, g)
    return w - np.linalg.solve(L.T, z)
""",
        "lstsq": """
def newton_step(w, g, H):
    return w - np.linalg.lstsq(H, g, rcond=None)[0]
""",
    },
}

EQUIVALENT = {
    "gradient_descent_quadratic: line 8: zeros -> ones: `np.zeros((num_steps + 1, len(w0)))`": (
        "every row of W is overwritten before it is returned (row 0 by w0, row k + 1 by the update), so the "
        "initial fill value never reaches the result"
    ),
    "adam_step: line 9: swapped with the next statement: `m_new = beta1 * m + (1.0 - beta1) * g`": (
        "m_new and v_new are computed from m, v and g only, neither from the other: their order does not matter"
    ),
    "adam_step: line 10: swapped with the next statement: `v_new = beta2 * v + (1.0 - beta2) * g * g`": (
        "v_new and m_hat do not depend on each other (m_hat needs m_new, computed two lines above)"
    ),
    "adam_step: line 11: swapped with the next statement: `m_hat = m_new / (1.0 - beta1 ** t)`": (
        "m_hat and v_hat are independent (one reads m_new, the other v_new, both already computed)"
    ),
    "adamw_step: line 6: swapped with the next statement: `w_decayed = w * (1.0 - lr * weight_decay)`": (
        "w_decayed depends on w only and m_new on m and g only: independent statements, either order"
    ),
    "adamw_step: line 7: swapped with the next statement: `m_new = beta1 * m + (1.0 - beta1) * g`": (
        "m_new and v_new are computed from m, v and g only, neither from the other: their order does not matter"
    ),
    "adamw_step: line 8: swapped with the next statement: `v_new = beta2 * v + (1.0 - beta2) * g * g`": (
        "v_new and m_hat do not depend on each other (m_hat needs m_new, computed two lines above)"
    ),
    "adamw_step: line 9: swapped with the next statement: `m_hat = m_new / (1.0 - beta1 ** t)`": (
        "m_hat and v_hat are independent (one reads m_new, the other v_new, both already computed)"
    ),
    "linear_warmup_lr: line 7: swapped the first two arguments of minimum: "
    "`np.minimum(np.asarray(t, dtype=float), warmup_steps)`": (
        "np.minimum is symmetric in its two arguments (same values, same broadcast shape, float64 either way)"
    ),
}
