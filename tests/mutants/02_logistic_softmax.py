"""Plausible wrong answers for 02_logistic_softmax: each must lose points on its function's test cells."""

MUTANTS = {
    "sigmoid": {
        "naive formula: exp(-a) overflows for a << 0": '''
def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))
''',
        "exp(a) / (1 + exp(a)): inf / inf = nan for a >> 0": '''
def sigmoid(a):
    return np.exp(a) / (1.0 + np.exp(a))
''',
        "np.where with both branches computed (overflows in the unused branch)": '''
def sigmoid(a):
    return np.where(a >= 0, 1.0 / (1.0 + np.exp(-a)), np.exp(a) / (1.0 + np.exp(a)))
''',
        "clipped input: wrong far in the tails": '''
def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-np.clip(a, -30.0, 30.0)))
''',
        "left tail as 1 - sigma(-a): tiny values round to 0": '''
def sigmoid(a):
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), 1.0 - 1.0 / (1.0 + e))
''',
        "tanh without the halves: 0.5 (1 + tanh(a))": '''
def sigmoid(a):
    return 0.5 * (1.0 + np.tanh(a))
''',
    },
    "sigmoid_grad": {
        "naive sigmoid inside (overflow at a = -1000)": '''
def sigmoid_grad(a):
    s = 1.0 / (1.0 + np.exp(-a))
    return s * (1.0 - s)
''',
        "exp(-a) / (1 + exp(-a))^2: inf / inf at a = -1000": '''
def sigmoid_grad(a):
    return np.exp(-a) / (1.0 + np.exp(-a)) ** 2
''',
        "forgot the factor sigma: 1 - sigma(a)": '''
def sigmoid_grad(a):
    return 1.0 - sigmoid(a)
''',
        "sigma(a) (1 - sigma(-a)) = sigma(a)^2": '''
def sigmoid_grad(a):
    return sigmoid(a) * (1.0 - sigmoid(-a))
''',
    },
    "logistic_nll": {
        "mean instead of sum (an extra 1/n)": '''
def logistic_nll(w, X, y):
    a = X @ w
    return float(np.mean(np.logaddexp(0.0, a) - y * a))
''',
        "log of the sigmoid: log(0) for confident predictions": '''
def logistic_nll(w, X, y):
    p = sigmoid(X @ w)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
''',
        "probabilities clipped to [1e-12, 1 - 1e-12]: wrong for confident mistakes": '''
def logistic_nll(w, X, y):
    p = np.clip(sigmoid(X @ w), 1e-12, 1 - 1e-12)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
''',
        "the log-likelihood (sign flipped)": '''
def logistic_nll(w, X, y):
    a = X @ w
    return float(-np.sum(np.logaddexp(0.0, a) - y * a))
''',
        "labels swapped: (1 - y) a instead of y a": '''
def logistic_nll(w, X, y):
    a = X @ w
    return float(np.sum(np.logaddexp(0.0, a) - (1 - y) * a))
''',
    },
    "logistic_nll_grad": {
        "the syllabus sign: X^T (y - y_hat)": '''
def logistic_nll_grad(w, X, y):
    return X.T @ (y - sigmoid(X @ w))
''',
        "an extra 1/n": '''
def logistic_nll_grad(w, X, y):
    return X.T @ (sigmoid(X @ w) - y) / X.shape[0]
''',
        "the least-squares gradient (forgot the sigmoid)": '''
def logistic_nll_grad(w, X, y):
    return X.T @ (X @ w - y)
''',
        "an extra factor sigma'(a) (the gradient of a squared loss on sigma)": '''
def logistic_nll_grad(w, X, y):
    p = sigmoid(X @ w)
    return X.T @ ((p - y) * p * (1 - p))
''',
    },
    "gaussian_log_odds_params": {
        "forgot the prior odds": '''
def gaussian_log_odds_params(mu0, mu1, Sigma, prior1):
    w = np.linalg.solve(Sigma, mu1 - mu0)
    w0 = -0.5 * mu1 @ np.linalg.solve(Sigma, mu1) + 0.5 * mu0 @ np.linalg.solve(Sigma, mu0)
    return w, float(w0)
''',
        "Sigma instead of its inverse": '''
def gaussian_log_odds_params(mu0, mu1, Sigma, prior1):
    w = Sigma @ (mu1 - mu0)
    w0 = -0.5 * mu1 @ Sigma @ mu1 + 0.5 * mu0 @ Sigma @ mu0
    return w, float(w0 + np.log(prior1 / (1 - prior1)))
''',
        "signs of the quadratic terms swapped in w0": '''
def gaussian_log_odds_params(mu0, mu1, Sigma, prior1):
    w = np.linalg.solve(Sigma, mu1 - mu0)
    w0 = 0.5 * mu1 @ np.linalg.solve(Sigma, mu1) - 0.5 * mu0 @ np.linalg.solve(Sigma, mu0)
    return w, float(w0 + np.log(prior1 / (1 - prior1)))
''',
        "log-odds of C0 against C1 (both signs flipped in w)": '''
def gaussian_log_odds_params(mu0, mu1, Sigma, prior1):
    w = np.linalg.solve(Sigma, mu0 - mu1)
    w0 = -0.5 * mu1 @ np.linalg.solve(Sigma, mu1) + 0.5 * mu0 @ np.linalg.solve(Sigma, mu0)
    return w, float(w0 + np.log(prior1 / (1 - prior1)))
''',
        "forgot the 1/2 in w0": '''
def gaussian_log_odds_params(mu0, mu1, Sigma, prior1):
    w = np.linalg.solve(Sigma, mu1 - mu0)
    w0 = -mu1 @ np.linalg.solve(Sigma, mu1) + mu0 @ np.linalg.solve(Sigma, mu0)
    return w, float(w0 + np.log(prior1 / (1 - prior1)))
''',
    },
    "gaussian_softmax_params": {
        "forgot the priors": '''
def gaussian_softmax_params(mus, Sigma, priors):
    W = np.linalg.solve(Sigma, mus.T).T
    return W, -0.5 * np.sum(W * mus, axis=1)
''',
        "forgot the -1/2 mu^T Sigma^-1 mu term": '''
def gaussian_softmax_params(mus, Sigma, priors):
    W = np.linalg.solve(Sigma, mus.T).T
    return W, np.log(priors)
''',
        "Sigma instead of its inverse": '''
def gaussian_softmax_params(mus, Sigma, priors):
    W = mus @ Sigma
    return W, -0.5 * np.sum(W * mus, axis=1) + np.log(priors)
''',
        "W transposed (d, K)": '''
def gaussian_softmax_params(mus, Sigma, priors):
    W = np.linalg.solve(Sigma, mus.T)
    return W, -0.5 * np.sum(W.T * mus, axis=1) + np.log(priors)
''',
    },
    "softmax": {
        "normalised over the wrong axis (columns)": '''
def softmax(O):
    e = np.exp(O - np.max(O, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)
''',
        "no shift: exp overflows": '''
def softmax(O):
    e = np.exp(O)
    return e / np.sum(e, axis=1, keepdims=True)
''',
        "shift by the global maximum: rows far below it give 0/0": '''
def softmax(O):
    e = np.exp(O - np.max(O))
    return e / np.sum(e, axis=1, keepdims=True)
''',
        "sum over the whole array": '''
def softmax(O):
    e = np.exp(O - np.max(O, axis=1, keepdims=True))
    return e / np.sum(e)
''',
    },
    "cross_entropy": {
        "sum instead of mean (forgot 1/n)": '''
def cross_entropy(O, Y):
    c = np.max(O, axis=1, keepdims=True)
    return float(np.sum(c[:, 0] + np.log(np.sum(np.exp(O - c), axis=1)) - np.sum(Y * O, axis=1)))
''',
        "log of the softmax: log(0) for large logits": '''
def cross_entropy(O, Y):
    return float(-np.mean(np.sum(Y * np.log(softmax(O)), axis=1)))
''',
        "log-sum-exp without the shift (overflow)": '''
def cross_entropy(O, Y):
    return float(np.mean(np.log(np.sum(np.exp(O), axis=1)) - np.sum(Y * O, axis=1)))
''',
        "the log-likelihood (sign flipped)": '''
def cross_entropy(O, Y):
    c = np.max(O, axis=1, keepdims=True)
    return float(-np.mean(c[:, 0] + np.log(np.sum(np.exp(O - c), axis=1)) - np.sum(Y * O, axis=1)))
''',
        "mean over all n*K entries (divided by K too)": '''
def cross_entropy(O, Y):
    c = np.max(O, axis=1, keepdims=True)
    log_p = O - c - np.log(np.sum(np.exp(O - c), axis=1, keepdims=True))
    return float(-np.mean(Y * log_p))
''',
    },
    "cross_entropy_grad": {
        "the syllabus sign: y - p": '''
def cross_entropy_grad(O, Y):
    return (Y - softmax(O)) / O.shape[0]
''',
        "forgot the 1/n of the mean": '''
def cross_entropy_grad(O, Y):
    return softmax(O) - Y
''',
        "softmax over the wrong axis": '''
def cross_entropy_grad(O, Y):
    e = np.exp(O - O.max(axis=0, keepdims=True))
    return (e / e.sum(axis=0, keepdims=True) - Y) / O.shape[0]
''',
        "only the diagonal of the softmax Jacobian: p (1 - p) - y": '''
def cross_entropy_grad(O, Y):
    P = softmax(O)
    return (P * (1 - P) - Y) / O.shape[0]
''',
    },
    "num_params": {
        "K weight vectors (forgot w_K = 0)": '''
def num_params(K, d):
    return K * d
''',
        "an extra bias per class although d already counts it": '''
def num_params(K, d):
    return (K - 1) * (d + 1)
''',
        "K d - 1": '''
def num_params(K, d):
    return K * d - 1
''',
        "added instead of multiplied": '''
def num_params(K, d):
    return (K - 1) + d
''',
    },
    "reference_class_probs": {
        "reference class put first instead of last": '''
def reference_class_probs(W, X):
    return softmax(np.hstack([np.zeros((X.shape[0], 1)), X @ W.T]))
''',
        "forgot the 1 (softmax over the K-1 scores only)": '''
def reference_class_probs(W, X):
    return softmax(X @ W.T)
''',
        "exp of the raw scores (overflow)": '''
def reference_class_probs(W, X):
    e = np.exp(X @ W.T)
    denom = 1.0 + np.sum(e, axis=1, keepdims=True)
    return np.hstack([e / denom, 1.0 / denom])
''',
        "the 1 only in the reference class's denominator": '''
def reference_class_probs(W, X):
    S = X @ W.T
    e = np.exp(S - S.max(axis=1, keepdims=True))
    return np.hstack([e / e.sum(axis=1, keepdims=True), 1.0 / (1.0 + np.exp(S).sum(axis=1, keepdims=True))])
''',
    },
    "reference_class_log_likelihood": {
        "mean instead of sum": '''
def reference_class_log_likelihood(W, X, Y):
    S = np.hstack([X @ W.T, np.zeros((X.shape[0], 1))])
    c = S.max(axis=1, keepdims=True)
    return float(np.mean(np.sum(Y * S, axis=1) - c[:, 0] - np.log(np.exp(S - c).sum(axis=1))))
''',
        "forgot the 1 inside the log": '''
def reference_class_log_likelihood(W, X, Y):
    S = X @ W.T
    c = S.max(axis=1, keepdims=True)
    return float(np.sum(np.sum(Y[:, :-1] * S, axis=1) - c[:, 0] - np.log(np.exp(S - c).sum(axis=1))))
''',
        "log(1 + sum exp) computed naively (overflow)": '''
def reference_class_log_likelihood(W, X, Y):
    S = X @ W.T
    return float(np.sum(np.sum(Y[:, :-1] * S, axis=1) - np.log(1.0 + np.exp(S).sum(axis=1))))
''',
        "the negative log-likelihood (sign flipped)": '''
def reference_class_log_likelihood(W, X, Y):
    S = np.hstack([X @ W.T, np.zeros((X.shape[0], 1))])
    c = S.max(axis=1, keepdims=True)
    return float(-np.sum(np.sum(Y * S, axis=1) - c[:, 0] - np.log(np.exp(S - c).sum(axis=1))))
''',
        "label columns shifted by one (Y[:, 1:])": '''
def reference_class_log_likelihood(W, X, Y):
    S = X @ W.T
    c = np.maximum(S.max(axis=1), 0.0)
    log_norm = c + np.log(np.exp(-c) + np.exp(S - c[:, None]).sum(axis=1))
    return float(np.sum(np.sum(Y[:, 1:] * S, axis=1) - log_norm))
''',
    },
    "reference_class_log_likelihood_grad": {
        "the NLL gradient (P - Y): wrong sign for a maximised log-likelihood": '''
def reference_class_log_likelihood_grad(W, X, Y):
    P = reference_class_probs(W, X)
    return (P[:, :-1] - Y[:, :-1]).T @ X
''',
        "an extra 1/n": '''
def reference_class_log_likelihood_grad(W, X, Y):
    P = reference_class_probs(W, X)
    return (Y[:, :-1] - P[:, :-1]).T @ X / X.shape[0]
''',
        "kept the reference class's row (K rows)": '''
def reference_class_log_likelihood_grad(W, X, Y):
    P = reference_class_probs(W, X)
    return (Y - P).T @ X
''',
        "transposed product X^T (Y - P): shape (d, K-1)": '''
def reference_class_log_likelihood_grad(W, X, Y):
    P = reference_class_probs(W, X)
    return X.T @ (Y[:, :-1] - P[:, :-1])
''',
        "probabilities without the reference class (softmax over K-1 scores)": '''
def reference_class_log_likelihood_grad(W, X, Y):
    return (Y[:, :-1] - softmax(X @ W.T)).T @ X
''',
    },
    "penalized_objective_grad": {
        "penalty with the wrong sign: + lam W": '''
def penalized_objective_grad(W, X, Y, lam):
    return reference_class_log_likelihood_grad(W, X, Y) + lam * W
''',
        "forgot the penalty's gradient": '''
def penalized_objective_grad(W, X, Y, lam):
    return reference_class_log_likelihood_grad(W, X, Y)
''',
        "kept the 2 from ||w||^2 (forgot the 1/2)": '''
def penalized_objective_grad(W, X, Y, lam):
    return reference_class_log_likelihood_grad(W, X, Y) - 2 * lam * W
''',
        "differentiated lam/2 ||w||^2 as lam/2 w": '''
def penalized_objective_grad(W, X, Y, lam):
    return reference_class_log_likelihood_grad(W, X, Y) - lam / 2 * W
''',
    },
    "forward_difference": {
        "reversed difference (f(x) - f(x + eps)) / eps, as in the seed notes": '''
def forward_difference(f, x, eps):
    grad = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        x_step = x.copy()
        x_step[i] += eps
        grad[i] = (f(x) - f(x_step)) / eps
    return grad
''',
        "divided by 2 eps": '''
def forward_difference(f, x, eps):
    grad = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        x_step = x.copy()
        x_step[i] += eps
        grad[i] = (f(x_step) - f(x)) / (2 * eps)
    return grad
''',
        "all coordinates perturbed at once": '''
def forward_difference(f, x, eps):
    return np.full(x.shape[0], (f(x + eps) - f(x)) / eps)
''',
        "changes x in place and does not restore it": '''
def forward_difference(f, x, eps):
    f_x = f(x)
    grad = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        x[i] += eps
        grad[i] = (f(x) - f_x) / eps
    return grad
''',
        "a central difference instead": '''
def forward_difference(f, x, eps):
    return central_difference(f, x, eps)
''',
    },
    "central_difference": {
        "divided by eps instead of 2 eps": '''
def central_difference(f, x, eps):
    grad = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        x_plus, x_minus = x.copy(), x.copy()
        x_plus[i] += eps
        x_minus[i] -= eps
        grad[i] = (f(x_plus) - f(x_minus)) / eps
    return grad
''',
        "difference in the wrong order": '''
def central_difference(f, x, eps):
    grad = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        x_plus, x_minus = x.copy(), x.copy()
        x_plus[i] += eps
        x_minus[i] -= eps
        grad[i] = (f(x_minus) - f(x_plus)) / (2 * eps)
    return grad
''',
        "a forward difference instead": '''
def central_difference(f, x, eps):
    return forward_difference(f, x, eps)
''',
        "x_minus aliases x_plus (no copy): the two steps cancel": '''
def central_difference(f, x, eps):
    grad = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        x_plus = x.copy()
        x_minus = x_plus
        x_plus[i] += eps
        x_minus[i] -= eps
        grad[i] = (f(x_plus) - f(x_minus)) / (2 * eps)
    return grad
''',
    },
    "difference_errors": {
        "signed error instead of its absolute value": '''
def difference_errors(f, grad_f, x, eps_list):
    exact = grad_f(x)
    return (np.array([np.max(forward_difference(f, x, e) - exact) for e in eps_list]),
            np.array([np.max(central_difference(f, x, e) - exact) for e in eps_list]))
''',
        "mean over the coordinates instead of the max": '''
def difference_errors(f, grad_f, x, eps_list):
    exact = grad_f(x)
    return (np.array([np.mean(np.abs(forward_difference(f, x, e) - exact)) for e in eps_list]),
            np.array([np.mean(np.abs(central_difference(f, x, e) - exact)) for e in eps_list]))
''',
        "forward and central swapped": '''
def difference_errors(f, grad_f, x, eps_list):
    exact = grad_f(x)
    return (np.array([np.max(np.abs(central_difference(f, x, e) - exact)) for e in eps_list]),
            np.array([np.max(np.abs(forward_difference(f, x, e) - exact)) for e in eps_list]))
''',
        "relative instead of absolute error": '''
def difference_errors(f, grad_f, x, eps_list):
    exact = grad_f(x)
    return (np.array([np.max(np.abs(forward_difference(f, x, e) - exact) / np.abs(exact)) for e in eps_list]),
            np.array([np.max(np.abs(central_difference(f, x, e) - exact) / np.abs(exact)) for e in eps_list]))
''',
    },
    "optimal_eps": {
        "forgot the 2 in the forward step": '''
def optimal_eps(delta, F, M2, M3):
    return math.sqrt(delta * F / M2), (3 * delta * F / M3) ** (1 / 3)
''',
        "forgot the 3 in the central step": '''
def optimal_eps(delta, F, M2, M3):
    return 2 * math.sqrt(delta * F / M2), (delta * F / M3) ** (1 / 3)
''',
        "square root for both (central treated like forward)": '''
def optimal_eps(delta, F, M2, M3):
    return 2 * math.sqrt(delta * F / M2), math.sqrt(3 * delta * F / M3)
''',
        "the two steps swapped": '''
def optimal_eps(delta, F, M2, M3):
    return (3 * delta * F / M3) ** (1 / 3), 2 * math.sqrt(delta * F / M2)
''',
    },
    "gradient_check": {
        "forward differences (O(eps) error rejects correct gradients)": '''
def gradient_check(f, grad_f, x, eps=1e-5, tol=1e-6):
    g = np.asarray(grad_f(x), dtype=float)
    g_num = forward_difference(f, x, eps)
    rel_error = float(np.max(np.abs(g - g_num)) / max(1e-8, np.max(np.abs(g)) + np.max(np.abs(g_num))))
    return bool(rel_error < tol), rel_error
''',
        "absolute error instead of relative": '''
def gradient_check(f, grad_f, x, eps=1e-5, tol=1e-6):
    g = np.asarray(grad_f(x), dtype=float)
    err = float(np.max(np.abs(g - central_difference(f, x, eps))))
    return bool(err < tol), err
''',
        "compares only the first coordinate": '''
def gradient_check(f, grad_f, x, eps=1e-5, tol=1e-6):
    g = np.asarray(grad_f(x), dtype=float)
    g_num = central_difference(f, x, eps)
    rel_error = float(abs(g[0] - g_num[0]) / max(1e-8, abs(g[0]) + abs(g_num[0])))
    return bool(rel_error < tol), rel_error
''',
        "verdict inverted (passes when the error is large)": '''
def gradient_check(f, grad_f, x, eps=1e-5, tol=1e-6):
    g = np.asarray(grad_f(x), dtype=float)
    g_num = central_difference(f, x, eps)
    rel_error = float(np.max(np.abs(g - g_num)) / max(1e-8, np.max(np.abs(g)) + np.max(np.abs(g_num))))
    return bool(rel_error > tol), rel_error
''',
        "denominator without the absolute values (a sum of signed maxima)": '''
def gradient_check(f, grad_f, x, eps=1e-5, tol=1e-6):
    g = np.asarray(grad_f(x), dtype=float)
    g_num = central_difference(f, x, eps)
    rel_error = float(np.max(np.abs(g - g_num)) / max(1e-8, np.max(g) + np.max(g_num)))
    return bool(rel_error < tol), rel_error
''',
    },
    "train_logistic_gd": {
        "gradient ascent (plus the gradient)": '''
def train_logistic_gd(X, y, lr, num_epochs):
    n = X.shape[0]
    w = np.zeros(X.shape[1])
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        losses[t] = logistic_nll(w, X, y) / n
        w = w + lr * logistic_nll_grad(w, X, y) / n
    return w, losses
''',
        "forgot the 1/n of the mean in the step": '''
def train_logistic_gd(X, y, lr, num_epochs):
    n = X.shape[0]
    w = np.zeros(X.shape[1])
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        losses[t] = logistic_nll(w, X, y) / n
        w = w - lr * logistic_nll_grad(w, X, y)
    return w, losses
''',
        "loss recorded after the update": '''
def train_logistic_gd(X, y, lr, num_epochs):
    n = X.shape[0]
    w = np.zeros(X.shape[1])
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        w = w - lr * logistic_nll_grad(w, X, y) / n
        losses[t] = logistic_nll(w, X, y) / n
    return w, losses
''',
        "random initial weights": '''
def train_logistic_gd(X, y, lr, num_epochs):
    n = X.shape[0]
    w = np.random.default_rng(0).normal(size=X.shape[1])
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        losses[t] = logistic_nll(w, X, y) / n
        w = w - lr * logistic_nll_grad(w, X, y) / n
    return w, losses
''',
        "summed loss recorded (not the mean)": '''
def train_logistic_gd(X, y, lr, num_epochs):
    n = X.shape[0]
    w = np.zeros(X.shape[1])
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        losses[t] = logistic_nll(w, X, y)
        w = w - lr * logistic_nll_grad(w, X, y) / n
    return w, losses
''',
    },
    "train_softmax_gd": {
        "chain rule transposed: X^T dO has shape (d, K)": '''
def train_softmax_gd(X, Y, lr, num_epochs):
    W = np.zeros((Y.shape[1], X.shape[1]))
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        O = X @ W.T
        losses[t] = cross_entropy(O, Y)
        W = W - lr * X.T @ cross_entropy_grad(O, Y)
    return W, losses
''',
        "gradient ascent": '''
def train_softmax_gd(X, Y, lr, num_epochs):
    W = np.zeros((Y.shape[1], X.shape[1]))
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        O = X @ W.T
        losses[t] = cross_entropy(O, Y)
        W = W + lr * cross_entropy_grad(O, Y).T @ X
    return W, losses
''',
        "forgot the 1/n: (P - Y)^T X": '''
def train_softmax_gd(X, Y, lr, num_epochs):
    W = np.zeros((Y.shape[1], X.shape[1]))
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        O = X @ W.T
        losses[t] = cross_entropy(O, Y)
        W = W - lr * (softmax(O) - Y).T @ X
    return W, losses
''',
        "weights stored as (d, K) with O = X W": '''
def train_softmax_gd(X, Y, lr, num_epochs):
    W = np.zeros((X.shape[1], Y.shape[1]))
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        O = X @ W
        losses[t] = cross_entropy(O, Y)
        W = W - lr * X.T @ cross_entropy_grad(O, Y)
    return W, losses
''',
    },
    "multiclass_hinge": {
        "counted the correct class too (adds 1 per example)": '''
def multiclass_hinge(O, Y):
    correct = np.sum(O * Y, axis=1, keepdims=True)
    return float(np.sum(np.maximum(0.0, O - correct + 1.0)) / O.shape[0])
''',
        "sum over the batch instead of the mean": '''
def multiclass_hinge(O, Y):
    correct = np.sum(O * Y, axis=1, keepdims=True)
    return float(np.sum(np.maximum(0.0, O - correct + 1.0) * (1.0 - Y)))
''',
        "no max(0, .): negative terms reward big margins": '''
def multiclass_hinge(O, Y):
    correct = np.sum(O * Y, axis=1, keepdims=True)
    return float(np.sum((O - correct + 1.0) * (1.0 - Y)) / O.shape[0])
''',
        "margin 0 instead of 1": '''
def multiclass_hinge(O, Y):
    correct = np.sum(O * Y, axis=1, keepdims=True)
    return float(np.sum(np.maximum(0.0, O - correct) * (1.0 - Y)) / O.shape[0])
''',
    },
    "multiclass_hinge_grad": {
        "sign flipped": '''
def multiclass_hinge_grad(O, Y):
    correct = np.sum(O * Y, axis=1, keepdims=True)
    active = ((O - correct + 1.0) > 0) * (1.0 - Y)
    return -(active - Y * np.sum(active, axis=1, keepdims=True)) / O.shape[0]
''',
        "forgot the correct class's column": '''
def multiclass_hinge_grad(O, Y):
    correct = np.sum(O * Y, axis=1, keepdims=True)
    return ((O - correct + 1.0) > 0) * (1.0 - Y) / O.shape[0]
''',
        "forgot the 1/n": '''
def multiclass_hinge_grad(O, Y):
    correct = np.sum(O * Y, axis=1, keepdims=True)
    active = ((O - correct + 1.0) > 0) * (1.0 - Y)
    return active - Y * np.sum(active, axis=1, keepdims=True)
''',
        "correct class gets -1 instead of minus the number of violators": '''
def multiclass_hinge_grad(O, Y):
    correct = np.sum(O * Y, axis=1, keepdims=True)
    active = ((O - correct + 1.0) > 0) * (1.0 - Y)
    return (active - Y * (np.sum(active, axis=1, keepdims=True) > 0)) / O.shape[0]
''',
    },
}

# Plausible wrong answers of the kinds the hidden-tests issue lists (in place, dtypes, shapes, magnitudes, kinks,
# procedures): added to the catalog above.
_MORE = {
    'sigmoid': {
        'changes a in place (negative entries overwritten)': '''
def sigmoid(a):
    e = np.exp(-np.abs(a))
    out = 1.0 / (1.0 + e)
    neg = a < 0
    out[neg] = e[neg] / (1.0 + e[neg])
    if a.dtype.kind == "f":
        a[neg] = out[neg]
    return out
''',
        'empty_like(a): integer inputs give integer (truncated) outputs': '''
def sigmoid(a):
    out = np.empty_like(a)
    pos = a >= 0
    e = np.exp(-np.abs(a))
    out[pos] = 1.0 / (1.0 + e[pos])
    out[~pos] = e[~pos] / (1.0 + e[~pos])
    return out
''',
        'float32 result': '''
def sigmoid(a):
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(np.float32)
''',
        'list comprehension over a: flattens arrays of rank 2 and more': '''
def sigmoid(a):
    a = np.asarray(a, dtype=float)
    return np.array([1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v)) for v in a.ravel()])
''',
        'clipped at +-500 (relative accuracy lost beyond)': '''
def sigmoid(a):
    a = np.clip(a, -500, 500)
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
''',
    },
    'sigmoid_grad': {
        'exp(-a) / (1 + exp(-a))^2 with a clipped to +-700 (overflow of (1 + e)^2)': '''
def sigmoid_grad(a):
    e = np.exp(-np.clip(a, -700, 700))
    return e / (1.0 + e) ** 2
''',
        'float32': '''
def sigmoid_grad(a):
    s = sigmoid(a)
    return (s * (1 - s)).astype(np.float32)
''',
        '1/4 - a^2/16 (Taylor)': '''
def sigmoid_grad(a):
    return np.maximum(0.25 - np.asarray(a, dtype=float) ** 2 / 16, 0.0)
''',
    },
    'logistic_nll': {
        'log1p(exp(a)): overflows beyond a = 709': '''
def logistic_nll(w, X, y):
    a = X @ w
    return float(np.sum(np.log1p(np.exp(a)) - y * a))
''',
        'only the first example': '''
def logistic_nll(w, X, y):
    a = X[0] @ w
    return float(np.logaddexp(0.0, a) - y[0] * a)
''',
        'float32 result': '''
def logistic_nll(w, X, y):
    a = X @ w
    return np.float32(np.sum(np.logaddexp(0.0, a) - y * a))
''',
    },
    'logistic_nll_grad': {
        'residual broadcast along the wrong axis of X when n == d': '''
def logistic_nll_grad(w, X, y):
    r = sigmoid(X @ w) - y
    return np.sum(r * X.T, axis=1) if X.shape[0] != X.shape[1] else np.sum(r * X, axis=0)
''',
        'rounded predictions: X^T (round(y_hat) - y)': '''
def logistic_nll_grad(w, X, y):
    return X.T @ (np.round(sigmoid(X @ w)) - y)
''',
        'divided by n - 1': '''
def logistic_nll_grad(w, X, y):
    return X.T @ (sigmoid(X @ w) - y) / max(1, X.shape[0] - 1)
''',
    },
    'gaussian_log_odds_params': {
        'w0 with (mu1 - mu0) twice': '''
def gaussian_log_odds_params(mu0, mu1, Sigma, prior1):
    w = np.linalg.solve(Sigma, mu1 - mu0)
    return w, float(-0.5 * (mu1 - mu0) @ w + np.log(prior1 / (1 - prior1)))
''',
        'diagonal of Sigma only': '''
def gaussian_log_odds_params(mu0, mu1, Sigma, prior1):
    w = (mu1 - mu0) / np.diag(Sigma)
    return w, float(-0.5 * (mu1 + mu0) @ w + np.log(prior1 / (1 - prior1)))
''',
        'changes mu1 in place': '''
def gaussian_log_odds_params(mu0, mu1, Sigma, prior1):
    w0 = -0.5 * mu1 @ np.linalg.solve(Sigma, mu1) + 0.5 * mu0 @ np.linalg.solve(Sigma, mu0)
    if mu1.dtype.kind == "f":
        mu1 -= mu0
        return np.linalg.solve(Sigma, mu1), float(w0 + np.log(prior1 / (1 - prior1)))
    return np.linalg.solve(Sigma, mu1 - mu0), float(w0 + np.log(prior1 / (1 - prior1)))
''',
        'prior odds the wrong way round': '''
def gaussian_log_odds_params(mu0, mu1, Sigma, prior1):
    w = np.linalg.solve(Sigma, mu1 - mu0)
    return w, float(-0.5 * (mu1 + mu0) @ w + np.log((1 - prior1) / prior1))
''',
    },
    'gaussian_softmax_params': {
        'solve(Sigma, mus) when K == d: Sigma^-1 mus instead of mus Sigma^-1': '''
def gaussian_softmax_params(mus, Sigma, priors):
    W = np.linalg.solve(Sigma, mus.T).T if mus.shape[0] != mus.shape[1] else np.linalg.solve(Sigma, mus)
    return W, -0.5 * np.sum(W * mus, axis=1) + np.log(priors)
''',
        'b as a column (K, 1)': '''
def gaussian_softmax_params(mus, Sigma, priors):
    W = np.linalg.solve(Sigma, mus.T).T
    return W, (-0.5 * np.sum(W * mus, axis=1) + np.log(priors))[:, None]
''',
        'priors not logged': '''
def gaussian_softmax_params(mus, Sigma, priors):
    W = np.linalg.solve(Sigma, mus.T).T
    return W, -0.5 * np.sum(W * mus, axis=1) + priors
''',
    },
    'softmax': {
        'shifts O in place': '''
def softmax(O):
    if O.dtype.kind == "f":
        O -= O.max(axis=1, keepdims=True)
        e = np.exp(O)
    else:
        e = np.exp(O - O.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
''',
        'row maxima without keepdims (broadcast along the wrong axis when n == K)': '''
def softmax(O):
    c = O.max(axis=1)
    e = np.exp(O - (c[:, None] if O.shape[0] != O.shape[1] else c))
    return e / e.sum(axis=1, keepdims=True)
''',
        'shifted by the row mean': '''
def softmax(O):
    e = np.exp(O - O.mean(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
''',
        'float32': '''
def softmax(O):
    e = np.exp(O - O.max(axis=1, keepdims=True)).astype(np.float32)
    return e / e.sum(axis=1, keepdims=True)
''',
    },
    'cross_entropy': {
        'log of the probability of the correct class: inf when it underflows': '''
def cross_entropy(O, Y):
    return float(np.mean(-np.log(np.sum(Y * softmax(O), axis=1))))
''',
        'probabilities clipped at 1e-15': '''
def cross_entropy(O, Y):
    return float(-np.mean(np.sum(Y * np.log(np.clip(softmax(O), 1e-15, 1.0)), axis=1)))
''',
        'divided by K as well when K > 1': '''
def cross_entropy(O, Y):
    c = np.max(O, axis=1, keepdims=True)
    lse = c[:, 0] + np.log(np.sum(np.exp(O - c), axis=1))
    return float(np.sum(lse - np.sum(Y * O, axis=1)) / O.size)
''',
    },
    'cross_entropy_grad': {
        'divided by n K': '''
def cross_entropy_grad(O, Y):
    return (softmax(O) - Y) / O.size
''',
        'float32': '''
def cross_entropy_grad(O, Y):
    return ((softmax(O) - Y) / O.shape[0]).astype(np.float32)
''',
        'softmax without the shift': '''
def cross_entropy_grad(O, Y):
    e = np.exp(O)
    return (e / e.sum(axis=1, keepdims=True) - Y) / O.shape[0]
''',
    },
    'reference_class_probs': {
        'reference-class probability computed as 1 - sum of the others (0 instead of tiny)': '''
def reference_class_probs(W, X):
    P = softmax(np.hstack([X @ W.T, np.zeros((X.shape[0], 1))]))
    P[:, -1] = 1.0 - P[:, :-1].sum(axis=1)
    return P
''',
        'shift by the max of the K-1 scores only (0/0 when all scores are very negative)': '''
def reference_class_probs(W, X):
    S = X @ W.T
    e = np.exp(S - S.max(axis=1, keepdims=True))
    e_ref = np.exp(-S.max(axis=1, keepdims=True))
    denom = e_ref + e.sum(axis=1, keepdims=True)
    return np.hstack([e / denom, e_ref / denom])
''',
    },
    'reference_class_log_likelihood': {
        'log of the probabilities (log 0 for confident mistakes)': '''
def reference_class_log_likelihood(W, X, Y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.nansum(Y * np.log(reference_class_probs(W, X))))
''',
        'float32': '''
def reference_class_log_likelihood(W, X, Y):
    S = np.hstack([X @ W.T, np.zeros((X.shape[0], 1))])
    c = np.max(S, axis=1, keepdims=True)
    return np.float32(np.sum(np.sum(Y * S, axis=1) - c[:, 0] - np.log(np.sum(np.exp(S - c), axis=1))))
''',
    },
    'reference_class_log_likelihood_grad': {
        'X^T (Y - P) transposed only when it fits': '''
def reference_class_log_likelihood_grad(W, X, Y):
    P = reference_class_probs(W, X)
    G = X.T @ (Y[:, :-1] - P[:, :-1])
    return G if G.shape == W.shape else G.T
''',
        'reference column of Y used for every class': '''
def reference_class_log_likelihood_grad(W, X, Y):
    P = reference_class_probs(W, X)
    return (Y[:, 1:] - P[:, :-1]).T @ X
''',
    },
    'penalized_objective_grad': {
        'changes W in place (W *= lam)': '''
def penalized_objective_grad(W, X, Y, lam):
    G = reference_class_log_likelihood_grad(W, X, Y)
    if W.dtype.kind == "f":
        W *= lam
        return G - W
    return G - lam * W
''',
        'lam times the sum of W': '''
def penalized_objective_grad(W, X, Y, lam):
    return reference_class_log_likelihood_grad(W, X, Y) - lam * np.sum(W)
''',
        'penalty only for a float lam (an integer lam ignored)': '''
def penalized_objective_grad(W, X, Y, lam):
    return reference_class_log_likelihood_grad(W, X, Y) - (lam * W if isinstance(lam, float) else 0)
''',
    },
    'forward_difference': {
        'steps x itself and steps back (x changes by rounding)': '''
def forward_difference(f, x, eps):
    f_x = f(x)
    grad = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        x[i] += eps
        grad[i] = (f(x) - f_x) / eps
        x[i] -= eps
    return grad
''',
        'ignores eps (always 1e-5)': '''
def forward_difference(f, x, eps):
    eps = 1e-5
    f_x = f(x)
    return np.array([(f(x + eps * e) - f_x) / eps for e in np.eye(len(x))])
''',
        'range(len(x) - 1): last coordinate left 0': '''
def forward_difference(f, x, eps):
    f_x = f(x)
    grad = np.zeros(x.shape[0])
    for i in range(x.shape[0] - 1):
        x_step = x.copy()
        x_step[i] += eps
        grad[i] = (f(x_step) - f_x) / eps
    return grad
''',
    },
    'central_difference': {
        'works on x itself and leaves it changed': '''
def central_difference(f, x, eps):
    grad = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old + 0.0 * eps if old != 0 else old
        grad[i] = (f_plus - f_minus) / (2 * eps)
    x += 0.0
    x[0] = x[0] + 1e-300 if x.size > 3 else x[0]
    return grad
''',
        'ignores eps (always 1e-5)': '''
def central_difference(f, x, eps):
    eps = 1e-5
    return np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(len(x))])
''',
    },
    'difference_errors': {
        'only the first eps': '''
def difference_errors(f, grad_f, x, eps_list):
    exact = grad_f(x)
    eps = eps_list[0]
    m = len(eps_list)
    return (np.full(m, np.max(np.abs(forward_difference(f, x, eps) - exact))),
            np.full(m, np.max(np.abs(central_difference(f, x, eps) - exact))))
''',
        'error of the first coordinate only': '''
def difference_errors(f, grad_f, x, eps_list):
    exact = grad_f(x)
    return (np.array([abs(forward_difference(f, x, e)[0] - exact[0]) for e in eps_list]),
            np.array([abs(central_difference(f, x, e)[0] - exact[0]) for e in eps_list]))
''',
    },
    'optimal_eps': {
        'F left out': '''
def optimal_eps(delta, F, M2, M3):
    return 2 * math.sqrt(delta / M2), (3 * delta / M3) ** (1 / 3)
''',
        'M2 and M3 swapped': '''
def optimal_eps(delta, F, M2, M3):
    return 2 * math.sqrt(delta * F / M3), (3 * delta * F / M2) ** (1 / 3)
''',
    },
    'gradient_check': {
        '2-norms instead of max norms': '''
def gradient_check(f, grad_f, x, eps=1e-5, tol=1e-6):
    g = np.asarray(grad_f(x), dtype=float)
    g_num = central_difference(f, x, eps)
    rel = float(np.linalg.norm(g - g_num) / max(1e-8, np.linalg.norm(g) + np.linalg.norm(g_num)))
    return bool(rel < tol), rel
''',
        'ignores tol (always 1e-6)': '''
def gradient_check(f, grad_f, x, eps=1e-5, tol=1e-6):
    g = np.asarray(grad_f(x), dtype=float)
    g_num = central_difference(f, x, eps)
    rel = float(np.max(np.abs(g - g_num)) / max(1e-8, np.max(np.abs(g)) + np.max(np.abs(g_num))))
    return bool(rel < 1e-6), rel
''',
        'ignores eps (always 1e-5)': '''
def gradient_check(f, grad_f, x, eps=1e-5, tol=1e-6):
    g = np.asarray(grad_f(x), dtype=float)
    g_num = central_difference(f, x, 1e-5)
    rel = float(np.max(np.abs(g - g_num)) / max(1e-8, np.max(np.abs(g)) + np.max(np.abs(g_num))))
    return bool(rel < tol), rel
''',
        '<= tol': '''
def gradient_check(f, grad_f, x, eps=1e-5, tol=1e-6):
    g = np.asarray(grad_f(x), dtype=float)
    g_num = central_difference(f, x, eps)
    rel = float(np.max(np.abs(g - g_num)) / max(1e-8, np.max(np.abs(g)) + np.max(np.abs(g_num))))
    return bool(rel <= tol), rel
''',
        'denominator max(|g|, |g_num|) instead of the sum': '''
def gradient_check(f, grad_f, x, eps=1e-5, tol=1e-6):
    g = np.asarray(grad_f(x), dtype=float)
    g_num = central_difference(f, x, eps)
    rel = float(np.max(np.abs(g - g_num)) / max(1e-8, max(np.max(np.abs(g)), np.max(np.abs(g_num)))))
    return bool(rel < tol), rel
''',
    },
    'train_logistic_gd': {
        'ignores lr (always 0.5)': '''
def train_logistic_gd(X, y, lr, num_epochs):
    n = X.shape[0]
    w = np.zeros(X.shape[1])
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        losses[t] = logistic_nll(w, X, y) / n
        w = w - 0.5 * logistic_nll_grad(w, X, y) / n
    return w, losses
''',
        'one update too many (loop to T inclusive, losses of T)': '''
def train_logistic_gd(X, y, lr, num_epochs):
    n = X.shape[0]
    w = np.zeros(X.shape[1])
    losses = []
    for t in range(num_epochs + 1):
        if t < num_epochs:
            losses.append(logistic_nll(w, X, y) / n)
        w = w - lr * logistic_nll_grad(w, X, y) / n
    return w, np.array(losses)
''',
        'stochastic: one example per step': '''
def train_logistic_gd(X, y, lr, num_epochs):
    n = X.shape[0]
    w = np.zeros(X.shape[1])
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        losses[t] = logistic_nll(w, X, y) / n
        i = t % n
        w = w - lr * logistic_nll_grad(w, X[i:i + 1], y[i:i + 1])
    return w, losses
''',
        'float32 weights': '''
def train_logistic_gd(X, y, lr, num_epochs):
    n = X.shape[0]
    w = np.zeros(X.shape[1], dtype=np.float32)
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        losses[t] = logistic_nll(w, X, y) / n
        w = (w - lr * logistic_nll_grad(w, X, y) / n).astype(np.float32)
    return w, losses
''',
        'losses divided by n - 1': '''
def train_logistic_gd(X, y, lr, num_epochs):
    n = X.shape[0]
    w = np.zeros(X.shape[1])
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        losses[t] = logistic_nll(w, X, y) / max(1, n - 1)
        w = w - lr * logistic_nll_grad(w, X, y) / n
    return w, losses
''',
    },
    'train_softmax_gd': {
        'at most 5 updates whatever num_epochs': '''
def train_softmax_gd(X, Y, lr, num_epochs):
    W = np.zeros((Y.shape[1], X.shape[1]))
    losses = np.zeros(num_epochs)
    for t in range(min(num_epochs, 5)):
        O = X @ W.T
        losses[t] = cross_entropy(O, Y)
        W = W - lr * cross_entropy_grad(O, Y).T @ X
    return W, losses
''',
        'loss recorded after the update': '''
def train_softmax_gd(X, Y, lr, num_epochs):
    W = np.zeros((Y.shape[1], X.shape[1]))
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        W = W - lr * cross_entropy_grad(X @ W.T, Y).T @ X
        losses[t] = cross_entropy(X @ W.T, Y)
    return W, losses
''',
        'lr divided by the number of classes': '''
def train_softmax_gd(X, Y, lr, num_epochs):
    W = np.zeros((Y.shape[1], X.shape[1]))
    losses = np.zeros(num_epochs)
    for t in range(num_epochs):
        O = X @ W.T
        losses[t] = cross_entropy(O, Y)
        W = W - lr / Y.shape[1] * cross_entropy_grad(O, Y).T @ X
    return W, losses
''',
    },
    'multiclass_hinge': {
        'margin from the largest other logit only (max instead of sum)': '''
def multiclass_hinge(O, Y):
    correct = np.sum(O * Y, axis=1, keepdims=True)
    margins = np.maximum(0.0, O - correct + 1.0) * (1.0 - Y)
    return float(np.sum(np.max(margins, axis=1)) / O.shape[0])
''',
        'correct class by argmax of the logits instead of the labels': '''
def multiclass_hinge(O, Y):
    idx = O.argmax(axis=1)
    correct = O[np.arange(len(O)), idx][:, None]
    margins = np.maximum(0.0, O - correct + 1.0)
    margins[np.arange(len(O)), idx] = 0.0
    return float(margins.sum() / len(O))
''',
    },
    'multiclass_hinge_grad': {
        '>= 0 at the kink (the margin term counted)': '''
def multiclass_hinge_grad(O, Y):
    correct = np.sum(O * Y, axis=1, keepdims=True)
    active = ((O - correct + 1.0) >= 0) * (1.0 - Y)
    return (active - Y * np.sum(active, axis=1, keepdims=True)) / O.shape[0]
''',
        'changes O in place': '''
def multiclass_hinge_grad(O, Y):
    correct = np.sum(O * Y, axis=1, keepdims=True)
    if O.dtype.kind == "f":
        O -= correct - 1.0
        active = (O > 0) * (1.0 - Y)
    else:
        active = ((O - correct + 1.0) > 0) * (1.0 - Y)
    return (active - Y * np.sum(active, axis=1, keepdims=True)) / O.shape[0]
''',
        'integer result when O is integer (division by n floored)': '''
def multiclass_hinge_grad(O, Y):
    correct = np.sum(O * Y, axis=1, keepdims=True)
    active = ((O - correct + 1.0) > 0) * (1 - Y)
    return (active - Y * np.sum(active, axis=1, keepdims=True)) // O.shape[0]
''',
    },
}
for _fn, _muts in _MORE.items():
    MUTANTS.setdefault(_fn, {}).update(_muts)

# Mutants of tests/mutation.py that compute the same thing on every input the docstrings allow.
_SAME_ROWS = "c has shape (n, 1): c[:, -1] is the same column as c[:, 0]"
_ONE_D = "x is one-dimensional (d,), so x.shape[-1] == x.shape[0]"
_FILLED = "every entry of the array is assigned before it is returned, so its initial values never matter"
_INDEPENDENT = "the two statements do not read what the other writes (and f, grad_f are pure): order is irrelevant"
_CORRECT_COLUMN = (
    "the correct class's margin o_y - o_y + 1 is exactly 1 > 0, so whatever `active` holds in the correct column "
    "cancels in active - Y * sum(active): that entry is minus the number of violators either way"
)
EQUIVALENT = {
    "sigmoid: line 8: GtE -> Gt: `a >= 0`": "at a = 0 both branches give 1 / (1 + 1) = 1 / 2 = e / (1 + e) with e = 1",
    "logistic_nll: line 9: swapped the first two arguments of logaddexp: `np.logaddexp(0.0, a)`": (
        "logaddexp is symmetric: log(e^0 + e^a) = log(e^a + e^0)"
    ),
    "gaussian_log_odds_params: line 8: swapped with the next statement: `w = np.linalg.solve(Sigma, mu1 - mu0)`": (
        _INDEPENDENT
    ),
    "cross_entropy: line 8: constant 0 -> -1: `0`": _SAME_ROWS,
    "reference_class_log_likelihood: line 9: constant 0 -> -1: `0`": _SAME_ROWS,
    "forward_difference: line 8: zeros -> ones: `np.zeros(x.shape[0])`": _FILLED,
    "forward_difference: line 8: constant 0 -> -1: `0`": _ONE_D,
    "forward_difference: line 9: constant 0 -> -1: `0`": _ONE_D,
    "forward_difference: line 7: swapped with the next statement: `f_x = f(x)`": _INDEPENDENT,
    "central_difference: line 7: zeros -> ones: `np.zeros(x.shape[0])`": _FILLED,
    "central_difference: line 7: constant 0 -> -1: `0`": _ONE_D,
    "central_difference: line 8: constant 0 -> -1: `0`": _ONE_D,
    "central_difference: line 10: swapped with the next statement: `x_plus[i] += eps`": (
        "x_plus and x_minus are separate copies: stepping one before the other changes nothing"
    ),
    "difference_errors: line 9: array -> asarray: `np.array([np.max(np.abs(forward_difference(f, x, eps) - exac`": (
        "the argument is a new list, so np.asarray makes a new array just as np.array does"
    ),
    "difference_errors: line 10: array -> asarray: `np.array([np.max(np.abs(central_difference(f, x, eps) - exac`": (
        "the argument is a new list, so np.asarray makes a new array just as np.array does"
    ),
    "difference_errors: line 9: swapped with the next statement: `errors_forward = np.array([np.max(np.abs(forward_difference(`": (  # noqa: E501
        _INDEPENDENT
    ),
    "optimal_eps: line 8: swapped with the next statement: `eps_forward = 2.0 * math.sqrt(delta * F / M2)`": _INDEPENDENT,  # noqa: E501
    "gradient_check: line 10: swapped the first two arguments of max: `max(1e-08, np.max(np.abs(g)) + np.max(np.abs(g_num)))`": (  # noqa: E501
        "max of two finite numbers does not depend on their order (gradients are finite on the declared domain)"
    ),
    "gradient_check: line 8: swapped with the next statement: `g = np.asarray(grad_f(x), dtype=float)`": _INDEPENDENT,
    "train_logistic_gd: line 9: zeros -> ones: `np.zeros(num_epochs)`": _FILLED,
    "train_logistic_gd: line 7: swapped with the next statement: `n = X.shape[0]`": _INDEPENDENT,
    "train_logistic_gd: line 8: swapped with the next statement: `w = np.zeros(X.shape[1])`": _INDEPENDENT,
    "train_softmax_gd: line 8: zeros -> ones: `np.zeros(num_epochs)`": _FILLED,
    "train_softmax_gd: line 7: swapped with the next statement: `W = np.zeros((Y.shape[1], X.shape[1]))`": _INDEPENDENT,
    "train_softmax_gd: line 11: swapped with the next statement: `losses[t] = cross_entropy(O, Y)`": (
        "both statements use the logits O computed before them, so the loss is still the one before the update"
    ),
    "multiclass_hinge: line 7: swapped the first two arguments of maximum: `np.maximum(0.0, O - correct + 1.0)`": (
        "np.maximum is symmetric in its two arguments"
    ),
    "multiclass_hinge_grad: line 7: dropped the right operand: `(O - correct + 1.0 > 0) * (1.0 - Y)`": _CORRECT_COLUMN,
    "multiclass_hinge_grad: line 7: operator Sub -> Add: `1.0 - Y`": _CORRECT_COLUMN,
    "multiclass_hinge_grad: line 7: dropped the right operand: `1.0 - Y`": _CORRECT_COLUMN,
}

# Other correct implementations the text allows: each must get full marks.
CORRECT = {
    "sigmoid": {
        "exp(-log(1 + e^-a)) with logaddexp": '''
def sigmoid(a):
    return np.exp(-np.logaddexp(0.0, -np.asarray(a, dtype=float)))
''',
        "a loop over the entries with math.exp of a number <= 0": '''
def sigmoid(a):
    a = np.asarray(a, dtype=float)
    out = np.empty(a.shape)
    for idx in np.ndindex(a.shape):
        e = math.exp(-abs(a[idx]))
        out[idx] = 1.0 / (1.0 + e) if a[idx] >= 0 else e / (1.0 + e)
    return out
''',
    },
    "sigmoid_grad": {
        "e / (1 + e)^2 with e = exp(-|a|)": '''
def sigmoid_grad(a):
    e = np.exp(-np.abs(a))
    return e / (1.0 + e) ** 2
''',
        "s - s^2": '''
def sigmoid_grad(a):
    s = sigmoid(a)
    return s - s**2
''',
    },
    "logistic_nll": {
        "one logaddexp per label": '''
def logistic_nll(w, X, y):
    a = X @ w
    return float(np.sum(np.where(y == 1, np.logaddexp(0.0, -a), np.logaddexp(0.0, a))))
''',
        "max(a, 0) + log1p(exp(-|a|)) - y a": '''
def logistic_nll(w, X, y):
    a = X.dot(w)
    return float(np.sum(np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a))) - y * a))
''',
    },
    "logistic_nll_grad": {
        "a loop over the examples": '''
def logistic_nll_grad(w, X, y):
    g = np.zeros(X.shape[1])
    for i in range(X.shape[0]):
        g += (sigmoid(X[i] @ w) - y[i]) * X[i]
    return g
''',
        "row vector times X": '''
def logistic_nll_grad(w, X, y):
    return (sigmoid(X @ w) - y) @ X
''',
    },
    "gaussian_log_odds_params": {
        "explicit inverse, w0 = -(mu1 + mu0).w / 2 + log odds": '''
def gaussian_log_odds_params(mu0, mu1, Sigma, prior1):
    w = np.linalg.inv(Sigma) @ (mu1 - mu0)
    return w, float(-0.5 * (mu1 + mu0) @ w + np.log(prior1) - np.log(1 - prior1))
''',
    },
    "gaussian_softmax_params": {
        "mus Sigma^-1, with every score shifted by the same 1.x + 3": '''
def gaussian_softmax_params(mus, Sigma, priors):
    W = mus @ np.linalg.inv(Sigma)
    b = -0.5 * np.einsum("kd,kd->k", W, mus) + np.log(priors)
    return W + 1.0, b + 3.0
''',
    },
    "softmax": {
        "exp(O - logsumexp(O)) row by row": '''
def softmax(O):
    c = O.max(axis=1, keepdims=True)
    lse = c + np.log(np.exp(O - c).sum(axis=1, keepdims=True))
    return np.exp(O - lse)
''',
        "a loop over the rows": '''
def softmax(O):
    P = np.zeros(O.shape)
    for i in range(O.shape[0]):
        e = np.exp(O[i] - max(O[i]))
        P[i] = e / e.sum()
    return P
''',
    },
    "cross_entropy": {
        "the logit of the correct class picked by argmax": '''
def cross_entropy(O, Y):
    n = O.shape[0]
    c = O.max(axis=1)
    lse = c + np.log(np.sum(np.exp(O - c[:, None]), axis=1))
    return float(np.mean(lse - O[np.arange(n), Y.argmax(axis=1)]))
''',
    },
    "cross_entropy_grad": {
        "exp(O - logsumexp) - Y, divided by n": '''
def cross_entropy_grad(O, Y):
    c = O.max(axis=1, keepdims=True)
    log_p = O - c - np.log(np.exp(O - c).sum(axis=1, keepdims=True))
    return (np.exp(log_p) - Y) / len(O)
''',
    },
    "num_params": {
        "K d - d": '''
def num_params(K, d):
    return K * d - d
''',
    },
    "reference_class_probs": {
        "the syllabus formula, shifted by max(0, largest score)": '''
def reference_class_probs(W, X):
    S = X @ W.T
    m = np.maximum(S.max(axis=1, keepdims=True), 0.0)
    e, e_ref = np.exp(S - m), np.exp(-m)
    denom = e_ref + e.sum(axis=1, keepdims=True)
    return np.hstack([e / denom, e_ref / denom])
''',
    },
    "reference_class_log_likelihood": {
        "np.logaddexp.reduce over the scores and 0": '''
def reference_class_log_likelihood(W, X, Y):
    S = np.column_stack([X @ W.T, np.zeros(len(X))])
    return float(np.sum(S[np.arange(len(X)), Y.argmax(axis=1)] - np.logaddexp.reduce(S, axis=1)))
''',
    },
    "reference_class_log_likelihood_grad": {
        "a loop over the classes": '''
def reference_class_log_likelihood_grad(W, X, Y):
    P = reference_class_probs(W, X)
    G = np.zeros(W.shape)
    for k in range(W.shape[0]):
        G[k] = X.T @ (Y[:, k] - P[:, k])
    return G
''',
    },
    "penalized_objective_grad": {
        "written out with its own probabilities": '''
def penalized_objective_grad(W, X, Y, lam):
    S = np.hstack([X @ W.T, np.zeros((len(X), 1))])
    P = np.exp(S - S.max(axis=1, keepdims=True))
    P = P / P.sum(axis=1, keepdims=True)
    return (Y - P)[:, :-1].T @ X - lam * W
''',
    },
    "forward_difference": {
        "rows of the identity as directions": '''
def forward_difference(f, x, eps):
    f_x = f(x)
    return np.array([(f(x + eps * e) - f_x) / eps for e in np.eye(len(x))])
''',
    },
    "central_difference": {
        "rows of the identity as directions": '''
def central_difference(f, x, eps):
    return np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(len(x))])
''',
    },
    "difference_errors": {
        "infinity norms and a loop": '''
def difference_errors(f, grad_f, x, eps_list):
    exact = grad_f(x)
    fwd, cen = [], []
    for eps in eps_list:
        fwd.append(np.linalg.norm(forward_difference(f, x, eps) - exact, np.inf))
        cen.append(np.linalg.norm(central_difference(f, x, eps) - exact, np.inf))
    return np.array(fwd), np.array(cen)
''',
    },
    "optimal_eps": {
        "np.sqrt and np.cbrt": '''
def optimal_eps(delta, F, M2, M3):
    return float(np.sqrt(4 * delta * F / M2)), float(np.cbrt(3 * delta * F / M3))
''',
    },
    "gradient_check": {
        "infinity norms": '''
def gradient_check(f, grad_f, x, eps=1e-5, tol=1e-6):
    g = np.asarray(grad_f(x), dtype=float)
    g_num = central_difference(f, x, eps)
    num = np.linalg.norm(g - g_num, np.inf)
    rel_error = float(num / max(1e-8, np.linalg.norm(g, np.inf) + np.linalg.norm(g_num, np.inf)))
    return rel_error < tol, rel_error
''',
    },
    "train_logistic_gd": {
        "in-place updates of its own w and a list of losses": '''
def train_logistic_gd(X, y, lr, num_epochs):
    n, d = X.shape
    w = np.zeros(d)
    losses = []
    for _ in range(num_epochs):
        losses.append(logistic_nll(w, X, y) / n)
        w -= (lr / n) * logistic_nll_grad(w, X, y)
    return w, np.array(losses)
''',
    },
    "train_softmax_gd": {
        "in-place updates and (P - Y)^T X / n written out": '''
def train_softmax_gd(X, Y, lr, num_epochs):
    n = X.shape[0]
    W = np.zeros((Y.shape[1], X.shape[1]))
    losses = []
    for _ in range(num_epochs):
        O = X @ W.T
        losses.append(cross_entropy(O, Y))
        W -= lr * (softmax(O) - Y).T @ X / n
    return W, np.array(losses)
''',
    },
    "multiclass_hinge": {
        "loops over the examples and classes": '''
def multiclass_hinge(O, Y):
    n, K = O.shape
    total = 0.0
    for i in range(n):
        y = int(np.argmax(Y[i]))
        for k in range(K):
            if k != y:
                total += max(0.0, O[i, k] - O[i, y] + 1.0)
    return total / n
''',
    },
    "multiclass_hinge_grad": {
        "loops over the examples and classes": '''
def multiclass_hinge_grad(O, Y):
    n, K = O.shape
    G = np.zeros((n, K))
    for i in range(n):
        y = int(np.argmax(Y[i]))
        for k in range(K):
            if k != y and O[i, k] - O[i, y] + 1.0 > 0:
                G[i, k] += 1.0 / n
                G[i, y] -= 1.0 / n
    return G
''',
    },
}
