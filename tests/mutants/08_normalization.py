"""Plausible wrong answers for 08_normalization: each must lose points on its function's test cells.

CORRECT holds other implementations the text allows (they must get full marks), EQUIVALENT the
automatic mutants (tests/mutation.py) that compute the same thing on the whole declared domain.
"""

MUTANTS = {
    "l2_penalty": {
        "no 1/2 in the value (notebook 01's lambda ||w||^2)": """
def l2_penalty(w, lam):
    return lam * float(np.sum(np.square(w))), lam * np.asarray(w, dtype=float)
""",
        "gradient 2 lam w (the derivative of lam ||w||^2, not of lam/2 ||w||^2)": """
def l2_penalty(w, lam):
    return 0.5 * lam * float(np.sum(np.square(w))), 2 * lam * np.asarray(w, dtype=float)
""",
        "value is the norm, not its square": """
def l2_penalty(w, lam):
    return 0.5 * lam * float(np.sqrt(np.sum(np.square(w)))), lam * np.asarray(w, dtype=float)
""",
        "the lecture notes' decay lam/2 * w as the gradient": """
def l2_penalty(w, lam):
    return 0.5 * lam * float(np.sum(np.square(w))), lam / 2 * np.asarray(w, dtype=float)
""",
        "returns w itself scaled in place": """
def l2_penalty(w, lam):
    value = 0.5 * lam * float(np.sum(np.square(w)))
    w *= lam
    return value, w
""",
        "an int gradient for an int w and an int lam (red team)": """
def l2_penalty(w, lam):
    return 0.5 * lam * float(np.sum(np.square(w))), lam * np.asarray(w)
""",
    },
    "l1_penalty": {
        "an int subgradient for an int w and an int lam (red team)": """
def l1_penalty(w, lam):
    return lam * float(np.sum(np.abs(w))), lam * np.sign(w)
""",
        "lam * w / |w| (0/0 = NaN at w = 0)": """
def l1_penalty(w, lam):
    with np.errstate(invalid="ignore"):
        return lam * float(np.sum(np.abs(w))), lam * w / np.abs(w)
""",
        "subgradient +lam at 0 (w >= 0 counted as positive)": """
def l1_penalty(w, lam):
    return lam * float(np.sum(np.abs(w))), np.where(w >= 0, lam, -lam).astype(float)
""",
        "L2's gradient lam * w": """
def l1_penalty(w, lam):
    return lam * float(np.sum(np.abs(w))), lam * np.asarray(w, dtype=float)
""",
        "value is the sum of w, not of |w|": """
def l1_penalty(w, lam):
    return lam * float(np.sum(w)), lam * np.sign(w).astype(float)
""",
        "forgot lam in the subgradient": """
def l1_penalty(w, lam):
    return lam * float(np.sum(np.abs(w))), np.sign(w).astype(float)
""",
    },
    "soft_threshold": {
        "max(v - t, 0): the negative side is lost": """
def soft_threshold(v, t):
    return np.maximum(v - t, 0.0)
""",
        "hard thresholding: v where |v| > t": """
def soft_threshold(v, t):
    return np.where(np.abs(v) > t, v, 0.0)
""",
        "shifts by t without stopping at 0": """
def soft_threshold(v, t):
    return v - t * np.sign(v)
""",
        "clips into [-t, t] instead": """
def soft_threshold(v, t):
    return np.clip(v, -t, t).astype(float)
""",
        "the L2 prox v / (1 + t)": """
def soft_threshold(v, t):
    return v / (1.0 + t)
""",
    },
    "dropout_forward": {
        "no 1/(1 - p) scaling in training": """
def dropout_forward(x, mask, p, train):
    if not train:
        return np.array(x, dtype=float)
    return x * mask * 1.0
""",
        "scales by 1/p instead of 1/(1 - p)": """
def dropout_forward(x, mask, p, train):
    if not train:
        return np.array(x, dtype=float)
    return x * mask / p
""",
        "scales at evaluation too": """
def dropout_forward(x, mask, p, train):
    return x * mask / (1.0 - p)
""",
        "multiplies by the keep probability at evaluation (the notes' rule on top of inverted dropout)": """
def dropout_forward(x, mask, p, train):
    if not train:
        return (1.0 - p) * np.array(x, dtype=float)
    return x * mask / (1.0 - p)
""",
        "returns x itself at evaluation": """
def dropout_forward(x, mask, p, train):
    if not train:
        return x
    return x * mask / (1.0 - p)
""",
        "keeps where the mask is False": """
def dropout_forward(x, mask, p, train):
    if not train:
        return np.array(x, dtype=float)
    return x * ~mask / (1.0 - p)
""",
    },
    "dropout_backward": {
        "no scaling of the gradient": """
def dropout_backward(dout, mask, p, train):
    if not train:
        return np.array(dout, dtype=float)
    return dout * mask * 1.0
""",
        "masks at evaluation too": """
def dropout_backward(dout, mask, p, train):
    return dout * mask / (1.0 - p)
""",
        "multiplies by (1 - p) instead of dividing": """
def dropout_backward(dout, mask, p, train):
    if not train:
        return np.array(dout, dtype=float)
    return dout * mask * (1.0 - p)
""",
        "returns dout itself at evaluation": """
def dropout_backward(dout, mask, p, train):
    if not train:
        return dout
    return dout * mask / (1.0 - p)
""",
    },
    "batchnorm_forward": {
        "statistics over the features (axis 1) instead of the batch": """
def batchnorm_forward(x, gamma, beta, eps):
    mu = x.mean(axis=1, keepdims=True)
    sigma = np.sqrt(x.var(axis=1, keepdims=True) + eps)
    x_hat = (x - mu) / sigma
    return gamma * x_hat + beta, (x_hat, sigma, gamma)
""",
        "unbiased variance (ddof=1) to normalise": """
def batchnorm_forward(x, gamma, beta, eps):
    mu = x.mean(axis=0)
    sigma = np.sqrt(x.var(axis=0, ddof=1) + eps)
    x_hat = (x - mu) / sigma
    return gamma * x_hat + beta, (x_hat, sigma, gamma)
""",
        "eps outside the square root": """
def batchnorm_forward(x, gamma, beta, eps):
    mu = x.mean(axis=0)
    sigma = np.sqrt(x.var(axis=0)) + eps
    x_hat = (x - mu) / sigma
    return gamma * x_hat + beta, (x_hat, sigma, gamma)
""",
        "divides by the variance, not the standard deviation": """
def batchnorm_forward(x, gamma, beta, eps):
    mu = x.mean(axis=0)
    sigma = x.var(axis=0) + eps
    x_hat = (x - mu) / sigma
    return gamma * x_hat + beta, (x_hat, sigma, gamma)
""",
        "no eps (0/0 on a constant feature)": """
def batchnorm_forward(x, gamma, beta, eps):
    mu = x.mean(axis=0)
    sigma = np.sqrt(x.var(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        x_hat = (x - mu) / sigma
    return gamma * x_hat + beta, (x_hat, sigma, gamma)
""",
        "variance as E[x^2] - E[x]^2 (loses its digits for large means)": """
def batchnorm_forward(x, gamma, beta, eps):
    mu = x.mean(axis=0)
    var = np.maximum((x * x).mean(axis=0) - mu * mu, 0.0)
    sigma = np.sqrt(var + eps)
    x_hat = (x - mu) / sigma
    return gamma * x_hat + beta, (x_hat, sigma, gamma)
""",
    },
    "running_stats_update": {
        "the notes' beta convention: momentum weighs the old value": """
def running_stats_update(running_mean, running_var, x, momentum):
    axes = (0,) + tuple(range(2, x.ndim))
    return (momentum * running_mean + (1 - momentum) * x.mean(axis=axes),
            momentum * running_var + (1 - momentum) * x.var(axis=axes, ddof=1))
""",
        "biased batch variance": """
def running_stats_update(running_mean, running_var, x, momentum):
    axes = (0,) + tuple(range(2, x.ndim))
    return ((1 - momentum) * running_mean + momentum * x.mean(axis=axes),
            (1 - momentum) * running_var + momentum * x.var(axis=axes))
""",
        "images: statistics over N only (per pixel), then averaged": """
def running_stats_update(running_mean, running_var, x, momentum):
    mean = x.mean(axis=0)
    var = x.var(axis=0, ddof=1)
    if x.ndim == 4:
        mean, var = mean.mean(axis=(1, 2)), var.mean(axis=(1, 2))
    return (1 - momentum) * running_mean + momentum * mean, (1 - momentum) * running_var + momentum * var
""",
        "unbiased with n = N (the batch size) instead of N H W": """
def running_stats_update(running_mean, running_var, x, momentum):
    axes = (0,) + tuple(range(2, x.ndim))
    count = x.size // x.shape[1]
    n = x.shape[0]
    var = x.var(axis=axes) * n / (n - 1) if n > 1 else x.var(axis=axes) * count / (count - 1)
    return (1 - momentum) * running_mean + momentum * x.mean(axis=axes), (1 - momentum) * running_var + momentum * var
""",
        "updates the running statistics in place": """
def running_stats_update(running_mean, running_var, x, momentum):
    axes = (0,) + tuple(range(2, x.ndim))
    running_mean *= 1 - momentum
    running_mean += momentum * x.mean(axis=axes)
    running_var *= 1 - momentum
    running_var += momentum * x.var(axis=axes, ddof=1)
    return running_mean, running_var
""",
    },
    "batchnorm_eval": {
        "normalises with the batch's own statistics (training mode at evaluation)": """
def batchnorm_eval(x, gamma, beta, running_mean, running_var, eps):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    x_hat = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    return x_hat * gamma.reshape(shape) + beta.reshape(shape)
""",
        "divides by the running variance, not its square root": """
def batchnorm_eval(x, gamma, beta, running_mean, running_var, eps):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    return (x - running_mean.reshape(shape)) * (gamma / (running_var + eps)).reshape(shape) + beta.reshape(shape)
""",
        "images: parameters broadcast over the last axis instead of the channels": """
def batchnorm_eval(x, gamma, beta, running_mean, running_var, eps):
    return (x - running_mean) * gamma / np.sqrt(running_var + eps) + beta
""",
        "forgot eps": """
def batchnorm_eval(x, gamma, beta, running_mean, running_var, eps):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = gamma / np.sqrt(running_var)
    return (x - running_mean.reshape(shape)) * scale.reshape(shape) + beta.reshape(shape)
""",
    },
    "batchnorm_backward": {
        "treats mu and sigma as constants: dx = gamma dout / sigma": """
def batchnorm_backward(dout, cache):
    x_hat, sigma, gamma = cache
    return dout * gamma / sigma, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""",
        "forgot the projection term on x_hat": """
def batchnorm_backward(dout, cache):
    x_hat, sigma, gamma = cache
    g = dout * gamma
    return (g - g.mean(axis=0)) / sigma, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""",
        "forgot the mean term": """
def batchnorm_backward(dout, cache):
    x_hat, sigma, gamma = cache
    g = dout * gamma
    return (g - x_hat * (g * x_hat).mean(axis=0)) / sigma, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""",
        "sums instead of means in dx (a factor N on the corrections)": """
def batchnorm_backward(dout, cache):
    x_hat, sigma, gamma = cache
    g = dout * gamma
    dx = (g - g.sum(axis=0) - x_hat * (g * x_hat).sum(axis=0)) / sigma
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""",
        "dgamma and dbeta averaged over the batch instead of summed": """
def batchnorm_backward(dout, cache):
    x_hat, sigma, gamma = cache
    g = dout * gamma
    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / sigma
    return dx, (dout * x_hat).mean(axis=0), dout.mean(axis=0)
""",
        "forgot gamma in dx": """
def batchnorm_backward(dout, cache):
    x_hat, sigma, gamma = cache
    g = dout
    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / sigma
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""",
    },
    "layernorm_forward": {
        "statistics over the batch (batch norm)": """
def layernorm_forward(x, gamma, beta, eps):
    mu = x.mean(axis=0)
    sigma = np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - mu) / sigma
    return gamma * x_hat + beta, (x_hat, sigma, gamma)
""",
        "keepdims forgotten: the row statistics broadcast along the wrong axis": """
def layernorm_forward(x, gamma, beta, eps):
    mu = x.mean(axis=1)
    sigma = np.sqrt(x.var(axis=1) + eps)
    x_hat = (x - mu) / sigma
    return gamma * x_hat + beta, (x_hat, sigma, gamma)
""",
        "eps outside the square root": """
def layernorm_forward(x, gamma, beta, eps):
    mu = x.mean(axis=1, keepdims=True)
    sigma = np.sqrt(x.var(axis=1, keepdims=True)) + eps
    x_hat = (x - mu) / sigma
    return gamma * x_hat + beta, (x_hat, sigma, gamma)
""",
        "unbiased variance over the features": """
def layernorm_forward(x, gamma, beta, eps):
    d = x.shape[1]
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True) * (d / (d - 1) if d > 1 else 1.0)
    sigma = np.sqrt(var + eps)
    x_hat = (x - mu) / sigma
    return gamma * x_hat + beta, (x_hat, sigma, gamma)
""",
    },
    "layernorm_backward": {
        "batch norm's backward (means over the batch)": """
def layernorm_backward(dout, cache):
    x_hat, sigma, gamma = cache
    g = dout * gamma
    dx = (g - g.mean(axis=0) - x_hat * (g * x_hat).mean(axis=0)) / sigma
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""",
        "dgamma and dbeta summed over the features (per example)": """
def layernorm_backward(dout, cache):
    x_hat, sigma, gamma = cache
    g = dout * gamma
    dx = (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True)) / sigma
    return dx, (dout * x_hat).sum(axis=1), dout.sum(axis=1)
""",
        "treats the statistics as constants": """
def layernorm_backward(dout, cache):
    x_hat, sigma, gamma = cache
    return dout * gamma / sigma, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""",
        "forgot the projection term": """
def layernorm_backward(dout, cache):
    x_hat, sigma, gamma = cache
    g = dout * gamma
    return (g - g.mean(axis=1, keepdims=True)) / sigma, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
""",
    },
    "spatial_batchnorm_forward": {
        "reshape(-1, C) without moving the channel axis": """
def spatial_batchnorm_forward(x, gamma, beta, eps):
    N, C, H, W = x.shape
    out, cache = batchnorm_forward(x.reshape(-1, C), gamma, beta, eps)
    return out.reshape(N, C, H, W), cache
""",
        "statistics over N only (one mean per pixel and channel)": """
def spatial_batchnorm_forward(x, gamma, beta, eps):
    mu = x.mean(axis=0, keepdims=True)
    sigma = np.sqrt(x.var(axis=0, keepdims=True) + eps)
    x_hat = (x - mu) / sigma
    return gamma[:, None, None] * x_hat + beta[:, None, None], (x_hat, sigma, gamma)
""",
        "moves the channels last but back with the wrong transpose": """
def spatial_batchnorm_forward(x, gamma, beta, eps):
    N, C, H, W = x.shape
    out, cache = batchnorm_forward(x.transpose(0, 2, 3, 1).reshape(-1, C), gamma, beta, eps)
    return out.reshape(N, H, W, C).transpose(0, 3, 2, 1).reshape(N, C, H, W), cache
""",
        "per-example statistics over H and W (instance norm)": """
def spatial_batchnorm_forward(x, gamma, beta, eps):
    mu = x.mean(axis=(2, 3), keepdims=True)
    sigma = np.sqrt(x.var(axis=(2, 3), keepdims=True) + eps)
    x_hat = (x - mu) / sigma
    return gamma[:, None, None] * x_hat + beta[:, None, None], (x_hat, sigma, gamma)
""",
    },
    "spatial_batchnorm_backward": {
        "reshape(-1, C) without moving the channel axis": """
def spatial_batchnorm_backward(dout, cache):
    N, C, H, W = dout.shape
    dx, dgamma, dbeta = batchnorm_backward(dout.reshape(-1, C), cache)
    return dx.reshape(N, C, H, W), dgamma, dbeta
""",
        "treats the statistics as constants": """
def spatial_batchnorm_backward(dout, cache):
    N, C, H, W = dout.shape
    x_hat, sigma, gamma = cache
    flat = dout.transpose(0, 2, 3, 1).reshape(-1, C)
    dx = flat * gamma / sigma
    return dx.reshape(N, H, W, C).transpose(0, 3, 1, 2), (flat * x_hat).sum(axis=0), flat.sum(axis=0)
""",
        "dgamma and dbeta averaged over the N H W positions": """
def spatial_batchnorm_backward(dout, cache):
    N, C, H, W = dout.shape
    dx, dgamma, dbeta = batchnorm_backward(dout.transpose(0, 2, 3, 1).reshape(-1, C), cache)
    count = N * H * W
    return dx.reshape(N, H, W, C).transpose(0, 3, 1, 2), dgamma / count, dbeta / count
""",
    },
}

CORRECT = {
    "l2_penalty": {
        "np.sum(w * w) and a gradient by multiplication": """
def l2_penalty(w, lam):
    w = np.asarray(w, dtype=float)
    return lam / 2 * np.sum(w * w), lam * w
""",
        "the squared norm of the flattened array": """
def l2_penalty(w, lam):
    return 0.5 * lam * np.linalg.norm(np.ravel(w)) ** 2, lam * (w * 1.0)
""",
    },
    "l1_penalty": {
        "np.where for the subgradient": """
def l1_penalty(w, lam):
    grad = np.where(w > 0, lam, np.where(w < 0, -lam, 0.0)) * 1.0
    return lam * np.abs(w).sum(), grad
""",
        "a loop over the flattened entries": """
def l1_penalty(w, lam):
    flat = np.ravel(w).astype(float)
    grad = np.zeros(flat.size)
    value = 0.0
    for k, v in enumerate(flat):
        value += abs(v)
        grad[k] = lam if v > 0 else (-lam if v < 0 else 0.0)
    return lam * value, grad.reshape(np.shape(w))
""",
    },
    "soft_threshold": {
        "two np.where cases": """
def soft_threshold(v, t):
    v = np.asarray(v, dtype=float)
    return np.where(v > t, v - t, np.where(v < -t, v + t, 0.0))
""",
        "v minus its clip into [-t, t]": """
def soft_threshold(v, t):
    v = np.asarray(v, dtype=float)
    return v - np.clip(v, -t, t)
""",
    },
    "dropout_forward": {
        "np.where on the mask, copy at evaluation": """
def dropout_forward(x, mask, p, train):
    if train:
        return np.where(mask, x / (1 - p), 0.0)
    return x.astype(float, copy=True)
""",
    },
    "dropout_backward": {
        "np.where on the mask, x.copy() at evaluation": """
def dropout_backward(dout, mask, p, train):
    if train:
        return np.where(mask, dout / (1 - p), 0.0)
    return dout.copy() * 1.0
""",
    },
    "batchnorm_forward": {
        "sums divided by N, the same cache layout": """
def batchnorm_forward(x, gamma, beta, eps):
    n = x.shape[0]
    xc = x - np.sum(x, axis=0) / n
    sigma = np.sqrt(np.sum(xc * xc, axis=0) / n + eps)
    x_hat = xc / sigma
    return x_hat * gamma + beta, (x_hat, sigma, gamma)
""",
    },
    "batchnorm_backward": {
        "backpropagation through the graph from a long cache": """
def batchnorm_forward(x, gamma, beta, eps):
    x = x.astype(float)
    mu = np.mean(x, axis=0)
    xc = x - mu
    var = np.mean(xc**2, axis=0)
    out = gamma * xc / np.sqrt(var + eps) + beta
    return out, (x, mu, var, gamma, eps)


def batchnorm_backward(dout, cache):
    x, mu, var, gamma, eps = cache
    n = x.shape[0]
    xc = x - mu
    inv = 1.0 / np.sqrt(var + eps)
    dxh = dout * gamma
    dvar = np.sum(dxh * xc, axis=0) * -0.5 * inv**3
    dmu = -np.sum(dxh * inv, axis=0) + dvar * np.mean(-2.0 * xc, axis=0)
    dx = dxh * inv + dvar * 2.0 * xc / n + dmu / n
    return dx, np.sum(dout * xc * inv, axis=0), np.sum(dout, axis=0)
""",
    },
    "running_stats_update": {
        "reshaped to (channels, values) with an explicit n / (n - 1)": """
def running_stats_update(running_mean, running_var, x, momentum):
    c = x.shape[1]
    flat = np.moveaxis(x, 1, 0).reshape(c, -1)
    n = flat.shape[1]
    mean = flat.mean(axis=1)
    var = flat.var(axis=1) * n / (n - 1)
    return running_mean + momentum * (mean - running_mean), running_var + momentum * (var - running_var)
""",
    },
    "batchnorm_eval": {
        "channels moved last and back": """
def batchnorm_eval(x, gamma, beta, running_mean, running_var, eps):
    last = np.moveaxis(x, 1, -1)
    out = gamma * (last - running_mean) / np.sqrt(running_var + eps) + beta
    return np.moveaxis(out, -1, 1).copy()
""",
    },
    "layernorm_forward": {
        "the transpose of batch norm": """
def layernorm_forward(x, gamma, beta, eps):
    xt = x.T.astype(float)
    mu = xt.mean(axis=0)
    sigma = np.sqrt(xt.var(axis=0) + eps)
    x_hat = ((xt - mu) / sigma).T
    return gamma * x_hat + beta, (x_hat, sigma[:, None], gamma)
""",
    },
    "layernorm_backward": {
        "graph backpropagation along the features, from a long cache": """
def layernorm_forward(x, gamma, beta, eps):
    x = x.astype(float)
    mu = x.mean(axis=1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta, (x, mu, var, gamma, eps)


def layernorm_backward(dout, cache):
    x, mu, var, gamma, eps = cache
    d = x.shape[1]
    xc = x - mu
    inv = 1.0 / np.sqrt(var + eps)
    dxh = dout * gamma
    dvar = np.sum(dxh * xc, axis=1, keepdims=True) * -0.5 * inv**3
    dmu = -np.sum(dxh * inv, axis=1, keepdims=True) + dvar * np.mean(-2.0 * xc, axis=1, keepdims=True)
    return dxh * inv + dvar * 2.0 * xc / d + dmu / d, np.sum(dout * xc * inv, axis=0), dout.sum(axis=0)
""",
    },
    "spatial_batchnorm_forward": {
        "directly with axis=(0, 2, 3), the cache flattened as batchnorm_backward expects it": """
def spatial_batchnorm_forward(x, gamma, beta, eps):
    C = x.shape[1]
    mu = x.mean(axis=(0, 2, 3), keepdims=True)
    sigma = np.sqrt(x.var(axis=(0, 2, 3), keepdims=True) + eps)
    x_hat = (x - mu) / sigma
    out = gamma[None, :, None, None] * x_hat + beta[None, :, None, None]
    return out, (x_hat.transpose(0, 2, 3, 1).reshape(-1, C), sigma.reshape(C), gamma)
""",
    },
    "spatial_batchnorm_backward": {
        "directly with axis=(0, 2, 3) and keepdims": """
def spatial_batchnorm_forward(x, gamma, beta, eps):
    mu = x.mean(axis=(0, 2, 3), keepdims=True)
    sigma = np.sqrt(x.var(axis=(0, 2, 3), keepdims=True) + eps)
    x_hat = (x - mu) / sigma
    return gamma[None, :, None, None] * x_hat + beta[None, :, None, None], (x_hat, sigma, gamma)


def spatial_batchnorm_backward(dout, cache):
    x_hat, sigma, gamma = cache
    axes = (0, 2, 3)
    g = dout * gamma[None, :, None, None]
    dx = (g - g.mean(axis=axes, keepdims=True) - x_hat * (g * x_hat).mean(axis=axes, keepdims=True)) / sigma
    return dx, (dout * x_hat).sum(axis=axes), dout.sum(axis=axes)
""",
    },
}

_INDEPENDENT = "the two statements do not depend on each other, so their order does not change any value"
_ANY_NEGATIVE = (
    "NumPy's reshape takes any negative entry (not only -1) as the one dimension it infers from the size "
    "(checked with NumPy 2.4: np.arange(12.).reshape(-2, 3).shape == (4, 3)), so -2 gives the same shape as -1"
)

EQUIVALENT = {
    "soft_threshold: line 7: swapped the first two arguments of maximum: `np.maximum(np.abs(v) - t, 0.0)`": (
        "np.maximum is symmetric in its two arguments: max(a, 0) = max(0, a) entrywise, same dtype and shape"
    ),
    "batchnorm_forward: line 7: swapped with the next statement: `mu = x.mean(axis=0)`": _INDEPENDENT,
    "running_stats_update: line 9: swapped with the next statement: `batch_mean = x.mean(axis=axes)`": _INDEPENDENT,
    "running_stats_update: line 10: swapped with the next statement: `batch_var = x.var(axis=axes, ddof=1)`": (
        _INDEPENDENT
    ),
    "running_stats_update: line 11: swapped with the next statement: "
    "`new_mean = (1 - momentum) * running_mean + momentum * batch_`": _INDEPENDENT,
    "batchnorm_eval: line 7: constant 1 -> 2: `1` (2)": _ANY_NEGATIVE,
    "batchnorm_eval: line 7: swapped with the next statement: `shape = (1, -1) + (1,) * (x.ndim - 2)`": _INDEPENDENT,
    "layernorm_forward: line 7: swapped with the next statement: `mu = x.mean(axis=1, keepdims=True)`": _INDEPENDENT,
    "spatial_batchnorm_forward: line 8: constant 1 -> 2: `1` (2)": _ANY_NEGATIVE,
    "spatial_batchnorm_backward: line 8: constant 1 -> 2: `1` (2)": _ANY_NEGATIVE,
}
