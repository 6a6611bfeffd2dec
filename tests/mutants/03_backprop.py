"""Plausible wrong answers for 03_backprop: each must lose points on its function's test cells."""

MUTANTS = {
    "dJ_dz3": {
        "missing 1/m": '''
def dJ_dz3(Z3, Y):
    return sigmoid(Z3) - Y
''',
        "sign flipped (y - y_hat, the gradient of the log-likelihood L)": '''
def dJ_dz3(Z3, Y):
    return (Y - sigmoid(Z3)) / Z3.shape[0]
''',
        "sigmoid derivative sigma(1 - sigma) evaluated at the wrong argument (y_hat instead of z3)": '''
def dJ_dz3(Z3, Y):
    y_hat = sigmoid(Z3)
    dJ_dyhat = (y_hat - Y) / (y_hat * (1 - y_hat)) / Z3.shape[0]
    return dJ_dyhat * sigmoid(y_hat) * (1 - sigmoid(y_hat))
''',
        "chain written with the division by y_hat (1 - y_hat): 0/0 at large logits": '''
def dJ_dz3(Z3, Y):
    y_hat = sigmoid(Z3)
    with np.errstate(all="ignore"):
        return (y_hat - Y) / (y_hat * (1 - y_hat)) * (y_hat * (1 - y_hat)) / Z3.shape[0]
''',
        "returns shape (m,) instead of (m, 1)": '''
def dJ_dz3(Z3, Y):
    return ((sigmoid(Z3) - Y) / Z3.shape[0])[:, 0]
''',
    },
    "dz3_da": {
        "column W2^T per example (shape (m, d_a, 1))": '''
def dz3_da(A, W2):
    return np.repeat(W2.T[None, :, :], A.shape[0], axis=0)
''',
        "confuses dz3/da with dz3/dW2 (returns a)": '''
def dz3_da(A, W2):
    return A[:, None, :]
''',
        "no batch axis (returns W2 once)": '''
def dz3_da(A, W2):
    return W2
''',
        "sums the Jacobian over the batch": '''
def dz3_da(A, W2):
    return np.repeat(A.shape[0] * W2[None, :, :], A.shape[0], axis=0)
''',
    },
    "da_dz": {
        "ReLU masks swapped (mask from the wrong input)": '''
def da_dz(Z1, Z2):
    eye = np.eye(Z1.shape[1])
    return (Z2 > 0)[:, :, None] * eye, -1.0 * (Z1 > 0)[:, :, None] * eye
''',
        "forgot the minus sign of a = a1 - a2": '''
def da_dz(Z1, Z2):
    eye = np.eye(Z1.shape[1])
    return (Z1 > 0)[:, :, None] * eye, (Z2 > 0)[:, :, None] * eye
''',
        "mask taken from a = a1 - a2 instead of from z1 and z2": '''
def da_dz(Z1, Z2):
    eye = np.eye(Z1.shape[1])
    on = (np.maximum(Z1, 0) - np.maximum(Z2, 0)) > 0
    return on[:, :, None] * eye, -1.0 * on[:, :, None] * eye
''',
        "mask broadcast over a full matrix instead of the diagonal": '''
def da_dz(Z1, Z2):
    d_a = Z1.shape[1]
    ones = np.ones((d_a, d_a))
    return (Z1 > 0)[:, :, None] * ones, -1.0 * (Z2 > 0)[:, :, None] * ones
''',
    },
    "dz_dW1": {
        "forgot the Kronecker delta (every unit sees every row of W1)": '''
def dz_dW1(X, W1):
    m, d_x = X.shape
    d_a = W1.shape[0]
    return np.broadcast_to(X[:, None, None, :], (m, d_a, d_a, d_x)).copy()
''',
        "returns dz/dx = W1 instead of dz/dW1": '''
def dz_dW1(X, W1):
    return np.repeat(W1[None, :, :], X.shape[0], axis=0)
''',
        "sums over the batch (no batch axis)": '''
def dz_dW1(X, W1):
    return np.einsum("jk,l->jkl", np.eye(W1.shape[0]), X.sum(axis=0))
''',
        "averages over the batch but keeps the axis": '''
def dz_dW1(X, W1):
    mean_x = np.repeat(X.mean(axis=0, keepdims=True), X.shape[0], axis=0)
    return np.einsum("jk,il->ijkl", np.eye(W1.shape[0]), mean_x)
''',
    },
    "syllabus_gradients": {
        "forgot the x' path into W1 and b1": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    f = syllabus_forward(W1, b1, W2, b2, X, Xp)
    g3 = (f["Y_hat"] - Y) / X.shape[0]
    d1 = (g3 @ W2) * (f["Z1"] > 0)
    return d1.T @ X, d1.sum(axis=0), g3.T @ f["A"], g3.sum(axis=0)
''',
        "forgot the x path into W1 and b1": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    f = syllabus_forward(W1, b1, W2, b2, X, Xp)
    g3 = (f["Y_hat"] - Y) / X.shape[0]
    d2 = -(g3 @ W2) * (f["Z2"] > 0)
    return d2.T @ Xp, d2.sum(axis=0), g3.T @ f["A"], g3.sum(axis=0)
''',
        "ReLU mask from the wrong input (z1 mask on the x' path and vice versa)": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    f = syllabus_forward(W1, b1, W2, b2, X, Xp)
    g3 = (f["Y_hat"] - Y) / X.shape[0]
    ga = g3 @ W2
    d1, d2 = ga * (f["Z2"] > 0), -ga * (f["Z1"] > 0)
    return d1.T @ X + d2.T @ Xp, d1.sum(axis=0) + d2.sum(axis=0), g3.T @ f["A"], g3.sum(axis=0)
''',
        "ReLU mask from a = a1 - a2 for both paths": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    f = syllabus_forward(W1, b1, W2, b2, X, Xp)
    g3 = (f["Y_hat"] - Y) / X.shape[0]
    ga = (g3 @ W2) * (f["A"] > 0)
    return ga.T @ X - ga.T @ Xp, ga.sum(axis=0) - ga.sum(axis=0), g3.T @ f["A"], g3.sum(axis=0)
''',
        "forgot the minus sign of the x' path": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    f = syllabus_forward(W1, b1, W2, b2, X, Xp)
    g3 = (f["Y_hat"] - Y) / X.shape[0]
    ga = g3 @ W2
    d1, d2 = ga * (f["Z1"] > 0), ga * (f["Z2"] > 0)
    return d1.T @ X + d2.T @ Xp, d1.sum(axis=0) + d2.sum(axis=0), g3.T @ f["A"], g3.sum(axis=0)
''',
        "missing 1/m": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    f = syllabus_forward(W1, b1, W2, b2, X, Xp)
    g3 = f["Y_hat"] - Y
    ga = g3 @ W2
    d1, d2 = ga * (f["Z1"] > 0), -ga * (f["Z2"] > 0)
    return d1.T @ X + d2.T @ Xp, d1.sum(axis=0) + d2.sum(axis=0), g3.T @ f["A"], g3.sum(axis=0)
''',
        "transposed outer product (X^T Delta instead of Delta^T X)": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    f = syllabus_forward(W1, b1, W2, b2, X, Xp)
    g3 = (f["Y_hat"] - Y) / X.shape[0]
    ga = g3 @ W2
    d1, d2 = ga * (f["Z1"] > 0), -ga * (f["Z2"] > 0)
    return X.T @ d1 + Xp.T @ d2, d1.sum(axis=0) + d2.sum(axis=0), f["A"].T @ g3, g3.sum(axis=0)
''',
        "sigmoid derivative sigma(1 - sigma) of the wrong argument (y_hat instead of z3)": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    f = syllabus_forward(W1, b1, W2, b2, X, Xp)
    y_hat = f["Y_hat"]
    g3 = (y_hat - Y) / (y_hat * (1 - y_hat)) * sigmoid(y_hat) * (1 - sigmoid(y_hat)) / X.shape[0]
    ga = g3 @ W2
    d1, d2 = ga * (f["Z1"] > 0), -ga * (f["Z2"] > 0)
    return d1.T @ X + d2.T @ Xp, d1.sum(axis=0) + d2.sum(axis=0), g3.T @ f["A"], g3.sum(axis=0)
''',
        "dW2 from a1 only (forgot a = a1 - a2)": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    f = syllabus_forward(W1, b1, W2, b2, X, Xp)
    g3 = (f["Y_hat"] - Y) / X.shape[0]
    ga = g3 @ W2
    d1, d2 = ga * (f["Z1"] > 0), -ga * (f["Z2"] > 0)
    return d1.T @ X + d2.T @ Xp, d1.sum(axis=0) + d2.sum(axis=0), g3.T @ f["A1"], g3.sum(axis=0)
''',
        "db1 from the x path only": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    f = syllabus_forward(W1, b1, W2, b2, X, Xp)
    g3 = (f["Y_hat"] - Y) / X.shape[0]
    ga = g3 @ W2
    d1, d2 = ga * (f["Z1"] > 0), -ga * (f["Z2"] > 0)
    return d1.T @ X + d2.T @ Xp, d1.sum(axis=0), g3.T @ f["A"], g3.sum(axis=0)
''',
        "db2 averaged over the batch a second time": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    f = syllabus_forward(W1, b1, W2, b2, X, Xp)
    g3 = (f["Y_hat"] - Y) / X.shape[0]
    ga = g3 @ W2
    d1, d2 = ga * (f["Z1"] > 0), -ga * (f["Z2"] > 0)
    return d1.T @ X + d2.T @ Xp, d1.sum(axis=0) + d2.sum(axis=0), g3.T @ f["A"], g3.mean(axis=0)
''',
    },
    "gd_step": {
        "gradient ascent (+ instead of -)": '''
def gd_step(params, grads, lr):
    return {k: v + lr * grads[k] for k, v in params.items()}
''',
        "forgot the learning rate": '''
def gd_step(params, grads, lr):
    return {k: v - grads[k] for k, v in params.items()}
''',
        "biases not updated": '''
def gd_step(params, grads, lr):
    return {k: (v - lr * grads[k] if k.startswith("W") else v) for k, v in params.items()}
''',
        "updates the old arrays in place": '''
def gd_step(params, grads, lr):
    for k in params:
        params[k] -= lr * grads[k]
    return params
''',
    },
    "train_pair_net": {
        "all weights initialised to zero (no symmetry breaking, ReLU never on)": '''
def train_pair_net(X, Xp, Y, d_a, lr, num_epochs, seed):
    names = ("W1", "b1", "W2", "b2")
    params = {"W1": np.zeros((d_a, X.shape[1])), "b1": np.zeros(d_a), "W2": np.zeros((1, d_a)), "b2": np.zeros(1)}
    losses = np.zeros(num_epochs)
    for epoch in range(num_epochs):
        current = [params[k] for k in names]
        losses[epoch] = syllabus_cost(*current, X, Xp, Y)
        params = gd_step(params, dict(zip(names, syllabus_gradients(*current, X, Xp, Y))), lr)
    return params, losses
''',
        "never keeps the updated parameters": '''
def train_pair_net(X, Xp, Y, d_a, lr, num_epochs, seed):
    gen = np.random.default_rng(seed)
    names = ("W1", "b1", "W2", "b2")
    params = {"W1": gen.standard_normal((d_a, X.shape[1])), "b1": np.zeros(d_a),
              "W2": gen.standard_normal((1, d_a)) / np.sqrt(d_a), "b2": np.zeros(1)}
    losses = np.zeros(num_epochs)
    for epoch in range(num_epochs):
        current = [params[k] for k in names]
        losses[epoch] = syllabus_cost(*current, X, Xp, Y)
        gd_step(params, dict(zip(names, syllabus_gradients(*current, X, Xp, Y))), lr)
    return params, losses
''',
        "uses x for both inputs (a = 0)": '''
def train_pair_net(X, Xp, Y, d_a, lr, num_epochs, seed):
    gen = np.random.default_rng(seed)
    names = ("W1", "b1", "W2", "b2")
    params = {"W1": gen.standard_normal((d_a, X.shape[1])), "b1": np.zeros(d_a),
              "W2": gen.standard_normal((1, d_a)) / np.sqrt(d_a), "b2": np.zeros(1)}
    losses = np.zeros(num_epochs)
    for epoch in range(num_epochs):
        current = [params[k] for k in names]
        losses[epoch] = syllabus_cost(*current, X, X, Y)
        params = gd_step(params, dict(zip(names, syllabus_gradients(*current, X, X, Y))), lr)
    return params, losses
''',
        "ignores the seed (global random state)": '''
def train_pair_net(X, Xp, Y, d_a, lr, num_epochs, seed):
    names = ("W1", "b1", "W2", "b2")
    params = {"W1": np.random.randn(d_a, X.shape[1]), "b1": np.zeros(d_a),
              "W2": np.random.randn(1, d_a) / np.sqrt(d_a), "b2": np.zeros(1)}
    losses = np.zeros(num_epochs)
    for epoch in range(num_epochs):
        current = [params[k] for k in names]
        losses[epoch] = syllabus_cost(*current, X, Xp, Y)
        params = gd_step(params, dict(zip(names, syllabus_gradients(*current, X, Xp, Y))), lr)
    return params, losses
''',
        "gradient ascent": '''
def train_pair_net(X, Xp, Y, d_a, lr, num_epochs, seed):
    gen = np.random.default_rng(seed)
    names = ("W1", "b1", "W2", "b2")
    params = {"W1": gen.standard_normal((d_a, X.shape[1])), "b1": np.zeros(d_a),
              "W2": gen.standard_normal((1, d_a)) / np.sqrt(d_a), "b2": np.zeros(1)}
    losses = np.zeros(num_epochs)
    for epoch in range(num_epochs):
        current = [params[k] for k in names]
        losses[epoch] = syllabus_cost(*current, X, Xp, Y)
        params = gd_step(params, dict(zip(names, syllabus_gradients(*current, X, Xp, Y))), -lr)
    return params, losses
''',
    },
    "affine_forward": {
        "x @ W (the cs231n weight layout)": '''
def affine_forward(x, W, b):
    return x @ W + b, (x, W)
''',
        "forgot the bias": '''
def affine_forward(x, W, b):
    return x @ W.T, (x, W)
''',
        "bias subtracted": '''
def affine_forward(x, W, b):
    return x @ W.T - b, (x, W)
''',
    },
    "affine_backward": {
        "dW transposed (x^T dout)": '''
def affine_backward(dout, cache):
    x, W = cache
    return dout @ W, x.T @ dout, dout.sum(axis=0)
''',
        "dx with W^T": '''
def affine_backward(dout, cache):
    x, W = cache
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)
''',
        "db averaged instead of summed": '''
def affine_backward(dout, cache):
    x, W = cache
    return dout @ W, dout.T @ x, dout.mean(axis=0)
''',
        "db not summed over the batch": '''
def affine_backward(dout, cache):
    x, W = cache
    return dout @ W, dout.T @ x, dout
''',
    },
    "relu_forward": {
        "absolute value": '''
def relu_forward(x):
    return np.abs(x), x
''',
        "min instead of max": '''
def relu_forward(x):
    return np.minimum(x, 0.0), x
''',
        "leaky ReLU": '''
def relu_forward(x):
    return np.where(x > 0, x, 0.01 * x), x
''',
    },
    "relu_backward": {
        "seed 004's bug: np.maximum(dout, 0)": '''
def relu_backward(dout, cache):
    return np.maximum(dout, 0)
''',
        "mask inverted": '''
def relu_backward(dout, cache):
    return dout * (cache < 0)
''',
        "no mask": '''
def relu_backward(dout, cache):
    return dout
''',
        "mask by the sign of the upstream gradient and the input": '''
def relu_backward(dout, cache):
    return dout * (cache > 0) * (dout > 0)
''',
    },
    "sigmoid_bce_forward": {
        "unstable: log of sigmoid": '''
def sigmoid_bce_forward(z, y):
    p = sigmoid(z)
    with np.errstate(all="ignore"):
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))), (z, y)
''',
        "clipped probabilities (wrong for confident mistakes)": '''
def sigmoid_bce_forward(z, y):
    p = np.clip(sigmoid(z), 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))), (z, y)
''',
        "sum instead of mean": '''
def sigmoid_bce_forward(z, y):
    return float(np.sum(np.logaddexp(0.0, z) - y * z)), (z, y)
''',
        "returns the log-likelihood (sign of the syllabus's L)": '''
def sigmoid_bce_forward(z, y):
    return float(np.mean(y * z - np.logaddexp(0.0, z))), (z, y)
''',
    },
    "sigmoid_bce_backward": {
        "missing 1/N": '''
def sigmoid_bce_backward(cache):
    z, y = cache
    return sigmoid(z) - y
''',
        "sign flipped": '''
def sigmoid_bce_backward(cache):
    z, y = cache
    return (y - sigmoid(z)) / z.shape[0]
''',
        "extra sigmoid derivative of the wrong argument": '''
def sigmoid_bce_backward(cache):
    z, y = cache
    p = sigmoid(z)
    return (p - y) * sigmoid(p) * (1 - sigmoid(p)) / z.shape[0]
''',
    },
    "two_layer_loss": {
        "skipped the ReLU in the backward pass": '''
def two_layer_loss(params, X, y):
    h, c1 = affine_forward(X, params["W1"], params["b1"])
    a, _ = relu_forward(h)
    z, c2 = affine_forward(a, params["W2"], params["b2"])
    J, cl = sigmoid_bce_forward(z, y)
    da, dW2, db2 = affine_backward(sigmoid_bce_backward(cl), c2)
    _, dW1, db1 = affine_backward(da, c1)
    return J, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
''',
        "second layer fed the pre-activation in the backward cache": '''
def two_layer_loss(params, X, y):
    h, c1 = affine_forward(X, params["W1"], params["b1"])
    a, cr = relu_forward(h)
    z, _ = affine_forward(a, params["W2"], params["b2"])
    J, cl = sigmoid_bce_forward(z, y)
    da, dW2, db2 = affine_backward(sigmoid_bce_backward(cl), (h, params["W2"]))
    _, dW1, db1 = affine_backward(relu_backward(da, cr), c1)
    return J, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
''',
        "sum of errors instead of the mean (dz not divided by N)": '''
def two_layer_loss(params, X, y):
    h, c1 = affine_forward(X, params["W1"], params["b1"])
    a, cr = relu_forward(h)
    z, c2 = affine_forward(a, params["W2"], params["b2"])
    J, cl = sigmoid_bce_forward(z, y)
    da, dW2, db2 = affine_backward(sigmoid_bce_backward(cl) * X.shape[0], c2)
    _, dW1, db1 = affine_backward(relu_backward(da, cr), c1)
    return J, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
''',
        "gradients of the two layers swapped in the dict": '''
def two_layer_loss(params, X, y):
    h, c1 = affine_forward(X, params["W1"], params["b1"])
    a, cr = relu_forward(h)
    z, c2 = affine_forward(a, params["W2"], params["b2"])
    J, cl = sigmoid_bce_forward(z, y)
    da, dW2, db2 = affine_backward(sigmoid_bce_backward(cl), c2)
    _, dW1, db1 = affine_backward(relu_backward(da, cr), c1)
    return J, {"W1": dW1, "b1": db2, "W2": dW2, "b2": db1}
''',
    },
    "gradient_check": {
        "one-sided (forward) difference": '''
def gradient_check(cost, backward, x, y, w1, w2, h=1e-5):
    analytic = backward(x, y, w1, w2)
    weights = [np.array(w1, dtype=float), np.array(w2, dtype=float)]
    errors = []
    base = cost(x, y, *weights)
    for which in range(2):
        numeric = np.zeros_like(weights[which])
        flat, nflat = weights[which].reshape(-1), numeric.reshape(-1)
        for k in range(flat.size):
            old = flat[k]
            flat[k] = old + h
            nflat[k] = (cost(x, y, *weights) - base) / h
            flat[k] = old
        a = np.asarray(analytic[which], dtype=float)
        errors.append(float(np.max(np.abs(a - numeric) / np.maximum(1e-8, np.abs(a) + np.abs(numeric)))))
    return errors[0], errors[1]
''',
        "seed 002's reversed one-sided difference (J - J') / h": '''
def gradient_check(cost, backward, x, y, w1, w2, h=1e-5):
    analytic = backward(x, y, w1, w2)
    weights = [np.array(w1, dtype=float), np.array(w2, dtype=float)]
    errors = []
    base = cost(x, y, *weights)
    for which in range(2):
        numeric = np.zeros_like(weights[which])
        flat, nflat = weights[which].reshape(-1), numeric.reshape(-1)
        for k in range(flat.size):
            old = flat[k]
            flat[k] = old + h
            nflat[k] = (base - cost(x, y, *weights)) / h
            flat[k] = old
        a = np.asarray(analytic[which], dtype=float)
        errors.append(float(np.max(np.abs(a - numeric) / np.maximum(1e-8, np.abs(a) + np.abs(numeric)))))
    return errors[0], errors[1]
''',
        "forgets to restore the perturbed entry": '''
def gradient_check(cost, backward, x, y, w1, w2, h=1e-5):
    analytic = backward(x, y, w1, w2)
    weights = [np.array(w1, dtype=float), np.array(w2, dtype=float)]
    errors = []
    for which in range(2):
        numeric = np.zeros_like(weights[which])
        flat, nflat = weights[which].reshape(-1), numeric.reshape(-1)
        for k in range(flat.size):
            flat[k] += h
            up = cost(x, y, *weights)
            flat[k] -= 2 * h
            down = cost(x, y, *weights)
            nflat[k] = (up - down) / (2 * h)
        a = np.asarray(analytic[which], dtype=float)
        errors.append(float(np.max(np.abs(a - numeric) / np.maximum(1e-8, np.abs(a) + np.abs(numeric)))))
    return errors[0], errors[1]
''',
        "mean relative error instead of the max": '''
def gradient_check(cost, backward, x, y, w1, w2, h=1e-5):
    analytic = backward(x, y, w1, w2)
    weights = [np.array(w1, dtype=float), np.array(w2, dtype=float)]
    errors = []
    for which in range(2):
        numeric = np.zeros_like(weights[which])
        flat, nflat = weights[which].reshape(-1), numeric.reshape(-1)
        for k in range(flat.size):
            old = flat[k]
            flat[k] = old + h
            up = cost(x, y, *weights)
            flat[k] = old - h
            down = cost(x, y, *weights)
            flat[k] = old
            nflat[k] = (up - down) / (2 * h)
        a = np.asarray(analytic[which], dtype=float)
        errors.append(float(np.mean(np.abs(a - numeric) / np.maximum(1e-8, np.abs(a) + np.abs(numeric)))))
    return errors[0], errors[1]
''',
        "denominator max(|a|, |n|) instead of |a| + |n|": '''
def gradient_check(cost, backward, x, y, w1, w2, h=1e-5):
    analytic = backward(x, y, w1, w2)
    weights = [np.array(w1, dtype=float), np.array(w2, dtype=float)]
    errors = []
    for which in range(2):
        numeric = np.zeros_like(weights[which])
        flat, nflat = weights[which].reshape(-1), numeric.reshape(-1)
        for k in range(flat.size):
            old = flat[k]
            flat[k] = old + h
            up = cost(x, y, *weights)
            flat[k] = old - h
            down = cost(x, y, *weights)
            flat[k] = old
            nflat[k] = (up - down) / (2 * h)
        a = np.asarray(analytic[which], dtype=float)
        errors.append(float(np.max(np.abs(a - numeric) / np.maximum(1e-8, np.maximum(np.abs(a), np.abs(numeric))))))
    return errors[0], errors[1]
''',
    },
    "fixed_backward": {
        "seed 004's bug left in (np.maximum(grad, 0))": '''
def fixed_backward(x, y, w1, w2):
    h = x @ w1
    hr = np.maximum(h, 0)
    g = 2.0 * (hr @ w2 - y)
    return x.T @ np.maximum(g @ w2.T, 0), hr.T @ g
''',
        "masked by the gradient's sign and the input": '''
def fixed_backward(x, y, w1, w2):
    h = x @ w1
    hr = np.maximum(h, 0)
    g = 2.0 * (hr @ w2 - y)
    gh = g @ w2.T
    return x.T @ (gh * (h > 0) * (gh > 0)), hr.T @ g
''',
        "forgot the factor 2 of the square": '''
def fixed_backward(x, y, w1, w2):
    h = x @ w1
    hr = np.maximum(h, 0)
    g = hr @ w2 - y
    return x.T @ ((g @ w2.T) * (h > 0)), hr.T @ g
''',
        "grad_w2 from the pre-activation": '''
def fixed_backward(x, y, w1, w2):
    h = x @ w1
    hr = np.maximum(h, 0)
    g = 2.0 * (hr @ w2 - y)
    return x.T @ ((g @ w2.T) * (h > 0)), h.T @ g
''',
    },
    "xavier_init": {
        "variance 1 / fan_in (seed 003's 'Xavier')": '''
def xavier_init(fan_in, fan_out, rng, gain=1.0):
    return gain * np.sqrt(1.0 / fan_in) * rng.standard_normal((fan_out, fan_in))
''',
        "ignores the gain": '''
def xavier_init(fan_in, fan_out, rng, gain=1.0):
    return np.sqrt(2.0 / (fan_in + fan_out)) * rng.standard_normal((fan_out, fan_in))
''',
        "uses the variance as the standard deviation": '''
def xavier_init(fan_in, fan_out, rng, gain=1.0):
    return gain * (2.0 / (fan_in + fan_out)) * rng.standard_normal((fan_out, fan_in))
''',
        "shape (fan_in, fan_out)": '''
def xavier_init(fan_in, fan_out, rng, gain=1.0):
    return gain * np.sqrt(2.0 / (fan_in + fan_out)) * rng.standard_normal((fan_in, fan_out))
''',
        "global random state instead of rng": '''
def xavier_init(fan_in, fan_out, rng, gain=1.0):
    return gain * np.sqrt(2.0 / (fan_in + fan_out)) * np.random.randn(fan_out, fan_in)
''',
    },
    "kaiming_init": {
        "variance 1 / fan_in (Xavier for ReLU)": '''
def kaiming_init(fan_in, fan_out, rng):
    return np.sqrt(1.0 / fan_in) * rng.standard_normal((fan_out, fan_in))
''',
        "fan_out instead of fan_in": '''
def kaiming_init(fan_in, fan_out, rng):
    return np.sqrt(2.0 / fan_out) * rng.standard_normal((fan_out, fan_in))
''',
        "forgot the square root": '''
def kaiming_init(fan_in, fan_out, rng):
    return (2.0 / fan_in) * rng.standard_normal((fan_out, fan_in))
''',
        "uniform on [-sqrt(2/n), sqrt(2/n)] (variance 3 times too small)": '''
def kaiming_init(fan_in, fan_out, rng):
    bound = np.sqrt(2.0 / fan_in)
    return rng.uniform(-bound, bound, (fan_out, fan_in))
''',
    },
    "mlp_backward": {
        "sigmoid derivative sigma(1 - sigma) of the wrong argument (the output h)": '''
def mlp_backward(X, Ws, activation, dout):
    phi = {"relu": relu, "sigmoid": sigmoid, "tanh": np.tanh}[activation]
    hs, zs = [X], []
    for W in Ws:
        zs.append(hs[-1] @ W.T)
        hs.append(phi(zs[-1]))
    grads, g = [None] * len(Ws), dout
    for l in reversed(range(len(Ws))):
        h = hs[l + 1]
        slope = {"relu": (zs[l] > 0) * 1.0, "sigmoid": sigmoid(h) * (1 - sigmoid(h)), "tanh": 1 - h**2}[activation]
        gz = g * slope
        grads[l] = gz.T @ hs[l]
        g = gz @ Ws[l]
    return grads
''',
        "tanh derivative 1 - z^2 (wrong argument)": '''
def mlp_backward(X, Ws, activation, dout):
    phi = {"relu": relu, "sigmoid": sigmoid, "tanh": np.tanh}[activation]
    hs, zs = [X], []
    for W in Ws:
        zs.append(hs[-1] @ W.T)
        hs.append(phi(zs[-1]))
    grads, g = [None] * len(Ws), dout
    for l in reversed(range(len(Ws))):
        h = hs[l + 1]
        slope = {"relu": (zs[l] > 0) * 1.0, "sigmoid": h * (1 - h), "tanh": 1 - zs[l]**2}[activation]
        gz = g * slope
        grads[l] = gz.T @ hs[l]
        g = gz @ Ws[l]
    return grads
''',
        "seed 004's ReLU backward: np.maximum(upstream, 0) instead of the mask of z_l": '''
def mlp_backward(X, Ws, activation, dout):
    phi = {"relu": relu, "sigmoid": sigmoid, "tanh": np.tanh}[activation]
    hs = [X]
    for W in Ws:
        hs.append(phi(hs[-1] @ W.T))
    grads, g = [None] * len(Ws), dout
    for l in reversed(range(len(Ws))):
        h = hs[l + 1]
        if activation == "relu":
            gz = np.maximum(g, 0)
        else:
            gz = g * (h * (1 - h) if activation == "sigmoid" else 1 - h**2)
        grads[l] = gz.T @ hs[l]
        g = gz @ Ws[l]
    return grads
''',
        "forgot to multiply by W when going down a layer": '''
def mlp_backward(X, Ws, activation, dout):
    phi = {"relu": relu, "sigmoid": sigmoid, "tanh": np.tanh}[activation]
    hs, zs = [X], []
    for W in Ws:
        zs.append(hs[-1] @ W.T)
        hs.append(phi(zs[-1]))
    grads, g = [None] * len(Ws), dout
    for l in reversed(range(len(Ws))):
        h = hs[l + 1]
        gz = g * {"relu": (zs[l] > 0) * 1.0, "sigmoid": h * (1 - h), "tanh": 1 - h**2}[activation]
        grads[l] = gz.T @ hs[l]
        g = gz
    return grads
''',
        "dW transposed (h^T dz)": '''
def mlp_backward(X, Ws, activation, dout):
    phi = {"relu": relu, "sigmoid": sigmoid, "tanh": np.tanh}[activation]
    hs, zs = [X], []
    for W in Ws:
        zs.append(hs[-1] @ W.T)
        hs.append(phi(zs[-1]))
    grads, g = [None] * len(Ws), dout
    for l in reversed(range(len(Ws))):
        h = hs[l + 1]
        gz = g * {"relu": (zs[l] > 0) * 1.0, "sigmoid": h * (1 - h), "tanh": 1 - h**2}[activation]
        grads[l] = hs[l].T @ gz
        g = gz @ Ws[l]
    return grads
''',
    },
}

# -- wrong answers of the kinds independent authors write (issue 15): in place, dtypes, shapes, kinks, procedures --
EXTRA_MUTANTS = {
    "dJ_dz3": {
        "naive sigmoid exp(z) / (1 + exp(z)): NaN at large logits": '''
def dJ_dz3(Z3, Y):
    with np.errstate(all="ignore"):
        return (np.exp(Z3) / (1 + np.exp(Z3)) - Y) / Z3.shape[0]
''',
        "in place: Z3 turned into y_hat": '''
def dJ_dz3(Z3, Y):
    Z3[...] = sigmoid(Z3)
    return (Z3 - Y) / Z3.shape[0]
''',
        "float32 result": '''
def dJ_dz3(Z3, Y):
    return ((sigmoid(Z3) - Y) / Z3.shape[0]).astype(np.float32)
''',
        "divides by the number of entries of Y computed as len(Y.T) (1, not m)": '''
def dJ_dz3(Z3, Y):
    return (sigmoid(Z3) - Y) / len(Y.T)
''',
    },
    "dz3_da": {
        "returns a broadcast view of W2 (aliases its argument)": '''
def dz3_da(A, W2):
    return np.broadcast_to(W2, (A.shape[0],) + W2.shape)
''',
        "number of examples taken from A.shape[1] (right only for square A)": '''
def dz3_da(A, W2):
    return np.repeat(W2[None, :, :], A.shape[1], axis=0)
''',
    },
    "da_dz": {
        "slope 1 at exactly 0 (z >= 0)": '''
def da_dz(Z1, Z2):
    eye = np.eye(Z1.shape[1])
    return (Z1 >= 0)[:, :, None] * eye, -1.0 * (Z2 >= 0)[:, :, None] * eye
''',
        "identity size from the number of examples (right only for square inputs)": '''
def da_dz(Z1, Z2):
    eye = np.eye(Z1.shape[0])
    return (Z1 > 0)[:, :, None] * eye, -1.0 * (Z2 > 0)[:, :, None] * eye
''',
    },
    "dz_dW1": {
        "d_a taken from X.shape[1] (right only when d_a = d_x)": '''
def dz_dW1(X, W1):
    return np.einsum("jk,il->ijkl", np.eye(X.shape[1]), X)
''',
        "integer inputs give an integer Jacobian built with np.zeros_like(X)": '''
def dz_dW1(X, W1):
    out = np.zeros((X.shape[0], W1.shape[0], W1.shape[0], X.shape[1]), dtype=X.dtype)
    for j in range(W1.shape[0]):
        out[:, j, j, :] = X
    return out.astype(np.float32)
''',
    },
    "syllabus_gradients": {
        "ReLU slope 1 at exactly 0 (masks z >= 0)": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    fwd = syllabus_forward(W1, b1, W2, b2, X, Xp)
    g = (fwd["Y_hat"] - Y) / X.shape[0]
    g_a = g @ W2
    d1, d2 = g_a * (fwd["Z1"] >= 0), -g_a * (fwd["Z2"] >= 0)
    return d1.T @ X + d2.T @ Xp, d1.sum(axis=0) + d2.sum(axis=0), g.T @ fwd["A"], g.sum(axis=0)
''',
        "ReLU mask from the activation difference A > 0": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    fwd = syllabus_forward(W1, b1, W2, b2, X, Xp)
    g = (fwd["Y_hat"] - Y) / X.shape[0]
    g_a = g @ W2
    d1, d2 = g_a * (fwd["A1"] > 0), -g_a * (fwd["A"] < 0)
    return d1.T @ X + d2.T @ Xp, d1.sum(axis=0) + d2.sum(axis=0), g.T @ fwd["A"], g.sum(axis=0)
''',
        "db1 of shape (1, d_a) (keepdims)": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    fwd = syllabus_forward(W1, b1, W2, b2, X, Xp)
    g = (fwd["Y_hat"] - Y) / X.shape[0]
    g_a = g @ W2
    d1, d2 = g_a * (fwd["Z1"] > 0), -g_a * (fwd["Z2"] > 0)
    return d1.T @ X + d2.T @ Xp, (d1 + d2).sum(axis=0, keepdims=True), g.T @ fwd["A"], g.sum(axis=0)
''',
    },
    "gd_step": {
        "updates the arrays in place and returns them": '''
def gd_step(params, grads, lr):
    for name in params:
        params[name] -= lr * grads[name]
    return dict(params)
''',
        "looks gradients up by position, not by name": '''
def gd_step(params, grads, lr):
    return {name: value - lr * g for (name, value), g in zip(params.items(), grads.values())}
''',
        "returns float32 arrays": '''
def gd_step(params, grads, lr):
    return {name: (value - lr * grads[name]).astype(np.float32) for name, value in params.items()}
''',
    },
    "train_pair_net": {
        "records the cost after each step": '''
def train_pair_net(X, Xp, Y, d_a, lr, num_epochs, seed):
    rng = np.random.default_rng(seed)
    d_x = X.shape[1]
    params = {"W1": rng.standard_normal((d_a, d_x)) * np.sqrt(2.0 / d_x), "b1": np.zeros(d_a),
              "W2": rng.standard_normal((1, d_a)) * np.sqrt(1.0 / d_a), "b2": np.zeros(1)}
    names = ("W1", "b1", "W2", "b2")
    losses = []
    for _ in range(num_epochs):
        grads = syllabus_gradients(*[params[k] for k in names], X, Xp, Y)
        params = gd_step(params, dict(zip(names, grads)), lr)
        losses.append(syllabus_cost(*[params[k] for k in names], X, Xp, Y))
    return params, np.array(losses)
''',
        "ignores lr (a fixed step of 0.5)": '''
def train_pair_net(X, Xp, Y, d_a, lr, num_epochs, seed):
    rng = np.random.default_rng(seed)
    d_x = X.shape[1]
    params = {"W1": rng.standard_normal((d_a, d_x)) * np.sqrt(2.0 / d_x), "b1": np.zeros(d_a),
              "W2": rng.standard_normal((1, d_a)) * np.sqrt(1.0 / d_a), "b2": np.zeros(1)}
    names = ("W1", "b1", "W2", "b2")
    losses = []
    for _ in range(num_epochs):
        current = [params[k] for k in names]
        losses.append(syllabus_cost(*current, X, Xp, Y))
        params = gd_step(params, dict(zip(names, syllabus_gradients(*current, X, Xp, Y))), 0.5)
    return params, np.array(losses)
''',
        "mini-batches of 64 pairs instead of the full batch": '''
def train_pair_net(X, Xp, Y, d_a, lr, num_epochs, seed):
    rng = np.random.default_rng(seed)
    d_x = X.shape[1]
    params = {"W1": rng.standard_normal((d_a, d_x)) * np.sqrt(2.0 / d_x), "b1": np.zeros(d_a),
              "W2": rng.standard_normal((1, d_a)) * np.sqrt(1.0 / d_a), "b2": np.zeros(1)}
    names = ("W1", "b1", "W2", "b2")
    losses = []
    for _ in range(num_epochs):
        current = [params[k] for k in names]
        losses.append(syllabus_cost(*current, X, Xp, Y))
        idx = rng.choice(X.shape[0], size=min(64, X.shape[0]), replace=False)
        grads = syllabus_gradients(*current, X[idx], Xp[idx], Y[idx])
        params = gd_step(params, dict(zip(names, grads)), lr)
    return params, np.array(losses)
''',
        "initialises from the global np.random (ignores seed)": '''
def train_pair_net(X, Xp, Y, d_a, lr, num_epochs, seed):
    d_x = X.shape[1]
    params = {"W1": np.random.standard_normal((d_a, d_x)) * np.sqrt(2.0 / d_x), "b1": np.zeros(d_a),
              "W2": np.random.standard_normal((1, d_a)) * np.sqrt(1.0 / d_a), "b2": np.zeros(1)}
    names = ("W1", "b1", "W2", "b2")
    losses = []
    for _ in range(num_epochs):
        current = [params[k] for k in names]
        losses.append(syllabus_cost(*current, X, Xp, Y))
        params = gd_step(params, dict(zip(names, syllabus_gradients(*current, X, Xp, Y))), lr)
    return params, np.array(losses)
''',
        "hidden width fixed at 16 (ignores d_a)": '''
def train_pair_net(X, Xp, Y, d_a, lr, num_epochs, seed):
    rng = np.random.default_rng(seed)
    d_x, d_a = X.shape[1], 16
    params = {"W1": rng.standard_normal((d_a, d_x)) * np.sqrt(2.0 / d_x), "b1": np.zeros(d_a),
              "W2": rng.standard_normal((1, d_a)) * np.sqrt(1.0 / d_a), "b2": np.zeros(1)}
    names = ("W1", "b1", "W2", "b2")
    losses = []
    for _ in range(num_epochs):
        current = [params[k] for k in names]
        losses.append(syllabus_cost(*current, X, Xp, Y))
        params = gd_step(params, dict(zip(names, syllabus_gradients(*current, X, Xp, Y))), lr)
    return params, np.array(losses)
''',
        "float32 parameters and losses": '''
def train_pair_net(X, Xp, Y, d_a, lr, num_epochs, seed):
    rng = np.random.default_rng(seed)
    d_x = X.shape[1]
    params = {"W1": (rng.standard_normal((d_a, d_x)) * np.sqrt(2.0 / d_x)).astype(np.float32),
              "b1": np.zeros(d_a, np.float32),
              "W2": (rng.standard_normal((1, d_a)) * np.sqrt(1.0 / d_a)).astype(np.float32),
              "b2": np.zeros(1, np.float32)}
    names = ("W1", "b1", "W2", "b2")
    losses = np.zeros(num_epochs, np.float32)
    for epoch in range(num_epochs):
        current = [params[k] for k in names]
        losses[epoch] = syllabus_cost(*current, X, Xp, Y)
        grads = syllabus_gradients(*current, X, Xp, Y)
        params = {k: (params[k] - lr * g).astype(np.float32) for k, g in zip(names, grads)}
    return params, losses
''',
    },
    "affine_forward": {
        "adds the bias into x @ W.T in place, then returns x's buffer when D = M": '''
def affine_forward(x, W, b):
    out = x @ W.T
    out += b
    if out.shape == x.shape:
        x[...] = out
        return x, (x, W)
    return out, (x, W)
''',
    },
    "affine_backward": {
        "db summed over the wrong axis when N = M": '''
def affine_backward(dout, cache):
    x_in, W_in = cache
    axis = 1 if dout.shape[0] == dout.shape[1] else 0
    return dout @ W_in, dout.T @ x_in, dout.sum(axis=axis)
''',
        "dx = dout @ W.T (the right shape only when M = D)": '''
def affine_backward(dout, cache):
    x_in, W_in = cache
    return dout @ W_in.T, dout.T @ x_in, dout.sum(axis=0)
''',

    },
    "relu_forward": {
        "in place: x[x < 0] = 0": '''
def relu_forward(x):
    x[x < 0] = 0
    return x.copy(), x
''',
        "returns x itself where nothing is negative": '''
def relu_forward(x):
    if np.all(x >= 0):
        return x, x
    return np.maximum(x, 0.0), x
''',
    },
    "relu_backward": {
        "slope 1 at exactly 0 (x >= 0)": '''
def relu_backward(dout, cache):
    return dout * (cache >= 0)
''',
        "in place on dout": '''
def relu_backward(dout, cache):
    dout[cache <= 0] = 0
    return dout.copy()
''',
    },
    "sigmoid_bce_forward": {
        "log of sigmoid with a clip at 1e-12: wrong at large logits": '''
def sigmoid_bce_forward(z, y):
    p = np.clip(sigmoid(z), 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))), (z, y)
''',
        "sum instead of mean": '''
def sigmoid_bce_forward(z, y):
    return float(np.sum(np.logaddexp(0.0, z) - y * z)), (z, y)
''',
    },
    "sigmoid_bce_backward": {
        "float32 result": '''
def sigmoid_bce_backward(cache):
    z, y = cache
    return ((sigmoid(z) - y) / z.shape[0]).astype(np.float32)
''',
    },
    "two_layer_loss": {
        "updates the params dict in place with the gradients": '''
def two_layer_loss(params, X, y):
    hidden, c1 = affine_forward(X, params["W1"], params["b1"])
    active, cr = relu_forward(hidden)
    logits, c2 = affine_forward(active, params["W2"], params["b2"])
    cost, cl = sigmoid_bce_forward(logits, y)
    d_active, g_W2, g_b2 = affine_backward(sigmoid_bce_backward(cl), c2)
    _, g_W1, g_b1 = affine_backward(relu_backward(d_active, cr), c1)
    grads = {"W1": g_W1, "b1": g_b1, "W2": g_W2, "b2": g_b2}
    params["grads"] = grads
    return cost, grads
''',
    },
    "gradient_check": {
        "one-sided differences (J(w + h) - J(w)) / h": '''
def gradient_check(cost, backward, x, y, w1, w2, h=1e-5):
    analytic = backward(x, y, w1, w2)
    weights = [np.array(w1, dtype=float), np.array(w2, dtype=float)]
    errors = []
    base = cost(x, y, *weights)
    for which in range(2):
        w = weights[which]
        numeric = np.zeros(w.shape)
        for idx in np.ndindex(*w.shape):
            saved = w[idx]
            w[idx] = saved + h
            numeric[idx] = (cost(x, y, *weights) - base) / h
            w[idx] = saved
        a = np.asarray(analytic[which], dtype=float)
        errors.append(float(np.max(np.abs(a - numeric) / np.maximum(1e-8, np.abs(a) + np.abs(numeric)))))
    return errors[0], errors[1]
''',
        "ignores h (always 1e-5)": '''
def gradient_check(cost, backward, x, y, w1, w2, h=1e-5):
    h = 1e-5
    analytic = backward(x, y, w1, w2)
    weights = [np.array(w1, dtype=float), np.array(w2, dtype=float)]
    errors = []
    for which in range(2):
        w = weights[which]
        numeric = np.zeros(w.shape)
        for idx in np.ndindex(*w.shape):
            saved = w[idx]
            w[idx] = saved + h
            up = cost(x, y, *weights)
            w[idx] = saved - h
            down = cost(x, y, *weights)
            w[idx] = saved
            numeric[idx] = (up - down) / (2 * h)
        a = np.asarray(analytic[which], dtype=float)
        errors.append(float(np.max(np.abs(a - numeric) / np.maximum(1e-8, np.abs(a) + np.abs(numeric)))))
    return errors[0], errors[1]
''',
        "no 1e-8 guard (0/0 = NaN where both gradients are 0)": '''
def gradient_check(cost, backward, x, y, w1, w2, h=1e-5):
    analytic = backward(x, y, w1, w2)
    weights = [np.array(w1, dtype=float), np.array(w2, dtype=float)]
    errors = []
    for which in range(2):
        w = weights[which]
        numeric = np.zeros(w.shape)
        for idx in np.ndindex(*w.shape):
            saved = w[idx]
            w[idx] = saved + h
            up = cost(x, y, *weights)
            w[idx] = saved - h
            down = cost(x, y, *weights)
            w[idx] = saved
            numeric[idx] = (up - down) / (2 * h)
        a = np.asarray(analytic[which], dtype=float)
        with np.errstate(all="ignore"):
            errors.append(float(np.max(np.abs(a - numeric) / (np.abs(a) + np.abs(numeric)))))
    return errors[0], errors[1]
''',

    },
    "fixed_backward": {
        "ReLU slope 1 at exactly 0 (pre >= 0)": '''
def fixed_backward(x, y, w1, w2):
    pre = x @ w1
    post = np.maximum(pre, 0)
    g = 2.0 * (post @ w2 - y)
    return x.T @ ((g @ w2.T) * (pre >= 0)), post.T @ g
''',
        "grad_w1 in float32": '''
def fixed_backward(x, y, w1, w2):
    pre = x @ w1
    post = np.maximum(pre, 0)
    g = 2.0 * (post @ w2 - y)
    return (x.T @ ((g @ w2.T) * (pre > 0))).astype(np.float32), post.T @ g
''',
    },
    "xavier_init": {
        "uniform entries with the right variance": '''
def xavier_init(fan_in, fan_out, rng, gain=1.0):
    limit = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_out, fan_in))
''',
        "float32 weights": '''
def xavier_init(fan_in, fan_out, rng, gain=1.0):
    return (gain * np.sqrt(2.0 / (fan_in + fan_out)) * rng.standard_normal((fan_out, fan_in))).astype(np.float32)
''',
    },
    "kaiming_init": {
        "uniform entries with the right variance": '''
def kaiming_init(fan_in, fan_out, rng):
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, (fan_out, fan_in))
''',
    },
    "mlp_backward": {
        "ReLU slope 1 at exactly 0 (z >= 0)": '''
def mlp_backward(X, Ws, activation, dout):
    phi = {"relu": relu, "sigmoid": sigmoid, "tanh": np.tanh}[activation]
    hs, zs = [X], []
    for W in Ws:
        zs.append(hs[-1] @ W.T)
        hs.append(phi(zs[-1]))
    grads, g = [None] * len(Ws), dout
    for l in reversed(range(len(Ws))):
        h = hs[l + 1]
        gz = g * {"relu": (zs[l] >= 0) * 1.0, "sigmoid": h * (1 - h), "tanh": 1 - h**2}[activation]
        grads[l] = gz.T @ hs[l]
        g = gz @ Ws[l]
    return grads
''',
        "in place on dout (g *= slope)": '''
def mlp_backward(X, Ws, activation, dout):
    phi = {"relu": relu, "sigmoid": sigmoid, "tanh": np.tanh}[activation]
    hs, zs = [X], []
    for W in Ws:
        zs.append(hs[-1] @ W.T)
        hs.append(phi(zs[-1]))
    grads, g = [None] * len(Ws), dout
    for l in reversed(range(len(Ws))):
        h = hs[l + 1]
        g *= {"relu": (zs[l] > 0) * 1.0, "sigmoid": h * (1 - h), "tanh": 1 - h**2}[activation]
        grads[l] = g.T @ hs[l]
        g = g @ Ws[l]
    return grads
''',
        "assumes exactly 3 layers": '''
def mlp_backward(X, Ws, activation, dout):
    phi = {"relu": relu, "sigmoid": sigmoid, "tanh": np.tanh}[activation]
    hs, zs = [X], []
    for W in Ws:
        zs.append(hs[-1] @ W.T)
        hs.append(phi(zs[-1]))
    grads, g = [None] * 3, dout
    for l in (2, 1, 0):
        h = hs[l + 1]
        gz = g * {"relu": (zs[l] > 0) * 1.0, "sigmoid": h * (1 - h), "tanh": 1 - h**2}[activation]
        grads[l] = gz.T @ hs[l]
        g = gz @ Ws[l]
    return grads
''',
    },
}
for _function, _extra in EXTRA_MUTANTS.items():
    MUTANTS[_function].update(_extra)

# -- mutants of the reference (tests/mutation.py) that compute the same thing on the whole declared domain --
_INDEPENDENT = "swaps two assignments that do not read each other's result: the same values, in another order"
EQUIVALENT = {
    "da_dz: line 9: swapped with the next statement: `on1 = (Z1 > 0).astype(float)`": _INDEPENDENT,
    "da_dz: line 8: swapped with the next statement: `eye = np.eye(Z1.shape[1])`": _INDEPENDENT,
    "syllabus_gradients: line 12: operator MatMult -> Mult: `g_z3 @ W2`": (
        "g_z3 has shape (m, 1) and W2 (1, d_a): the matrix product of a column and a row is their outer product, "
        "each entry the single product g_i * w_j, exactly what broadcasting g_z3 * W2 computes"
    ),
    "syllabus_gradients: line 10: swapped with the next statement: `g_w2 = g_z3.T @ fwd['A']`": _INDEPENDENT,
    "syllabus_gradients: line 11: swapped with the next statement: `g_b2 = g_z3.sum(axis=0)`": _INDEPENDENT,
    "syllabus_gradients: line 13: swapped with the next statement: `delta1 = g_a * (fwd['Z1'] > 0)`": _INDEPENDENT,
    "syllabus_gradients: line 15: swapped with the next statement: `g_w1 = delta1.T @ X + delta2.T @ Xp`": _INDEPENDENT,
    "train_pair_net: line 18: zeros -> ones: `np.zeros(num_epochs)`": (
        "losses is preallocated and every entry is overwritten in the loop (epoch runs over range(num_epochs)), "
        "so its initial value never shows"
    ),
    "train_pair_net: line 22: True -> False: `True`": (
        "zip(names, syllabus_gradients(...), strict=...) zips 4 names with the 4 gradients: strict only matters "
        "when the lengths differ, which a syllabus_gradients that keeps its docstring never makes happen"
    ),
    "train_pair_net: line 9: swapped with the next statement: `init_rng = np.random.default_rng(seed)`": _INDEPENDENT,
    "train_pair_net: line 17: swapped with the next statement: `names = ('W1', 'b1', 'W2', 'b2')`": _INDEPENDENT,
    "train_pair_net: line 11: swapped with the next statement: "
    "`params = {'W1': init_rng.standard_normal((d_a, d_x)) * np.sq`": _INDEPENDENT,
    "train_pair_net: line 21: swapped with the next statement: `losses[epoch] = syllabus_cost(*current, X, Xp, Y)`": (
        "the cost is computed from `current`, the list of the old parameter arrays taken before the step, and "
        "gd_step returns new arrays without touching the old ones: the recorded cost is J before the step either way"
    ),
    "relu_forward: line 6: swapped the first two arguments of maximum: `np.maximum(x, 0.0)`": (
        "np.maximum is symmetric (NaN propagates from either side; -0.0 and 0.0 compare equal)"
    ),
    "sigmoid_bce_forward: line 7: swapped the first two arguments of logaddexp: `np.logaddexp(0.0, z)`": (
        "np.logaddexp is symmetric: log(e^a + e^b)"
    ),
    "gradient_check: line 10: array -> asarray: `np.array(w1, dtype=float)`": (
        "for a float64 w1 np.asarray returns the caller's array, which is then perturbed and restored exactly "
        "(the saved entry is written back), so the cost sees the same values and the caller gets its array back "
        "unchanged; for other dtypes both make a float copy. It would differ only if w1 and w2 were the same "
        "array object, which the docstring excludes (two distinct arrays)"
    ),
    "gradient_check: line 10: array -> asarray: `np.array(w2, dtype=float)`": (
        "as for w1: a float64 w2 is perturbed in place and restored exactly; w1 and w2 are distinct arrays"
    ),
    "gradient_check: line 14: zeros -> ones: `np.zeros(w.shape)`": (
        "the loop over np.ndindex(*w.shape) writes every entry of numeric, so its initial value never shows"
    ),
    "gradient_check: line 24: swapped the first two arguments of maximum: "
    "`np.maximum(1e-08, np.abs(a) + np.abs(numeric))`": "np.maximum is symmetric",
    "gradient_check: line 9: swapped with the next statement: `analytic = backward(x, y, w1, w2)`": (
        "backward is called on the caller's w1 and w2 either way (the copies are separate arrays) and leaves its "
        "inputs unchanged, as every function of the course must"
    ),
    "gradient_check: line 10: swapped with the next statement: "
    "`weights = [np.array(w1, dtype=float), np.array(w2, dtype=flo`": _INDEPENDENT,
    "gradient_check: line 21: swapped with the next statement: `w[idx] = saved`": _INDEPENDENT,
    "fixed_backward: line 8: swapped the first two arguments of maximum: `np.maximum(pre_act, 0)`": (
        "np.maximum is symmetric"
    ),
    "mlp_backward: line 17: operator Mult -> Div: `(pre[layer] > 0) * 1.0`": (
        "a 0/1 mask divided by 1.0 is the same 0.0/1.0 array as the mask times 1.0"
    ),
    "mlp_backward: line 17: dropped the right operand: `(pre[layer] > 0) * 1.0`": (
        "the boolean mask multiplies g_out as 0/1, the same values as the float mask"
    ),
    "mlp_backward: line 8: swapped with the next statement: "
    "`phi = {'relu': relu, 'sigmoid': sigmoid, 'tanh': np.tanh}[ac`": _INDEPENDENT,
    "mlp_backward: line 13: swapped with the next statement: `grads = [None] * len(Ws)`": _INDEPENDENT,
    "mlp_backward: line 19: swapped with the next statement: `grads[layer] = g_pre.T @ outputs[layer]`": _INDEPENDENT,
}

# -- other correct implementations the text allows: each must get full marks --
CORRECT = {
    "dJ_dz3": {
        "stable sigmoid written by hand with np.where, m from len(Z3)": '''
def dJ_dz3(Z3, Y):
    e = np.exp(-np.abs(Z3))
    y_hat = np.where(Z3 >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return (y_hat - Y) / len(Z3)
''',
        "the plain sigmoid 1 / (1 + exp(-z)) (finite: it overflows to 1 / inf = 0)": '''
def dJ_dz3(Z3, Y):
    return (1.0 / (1.0 + np.exp(-Z3)) - Y) / Z3.shape[0]
''',
        "a loop over the examples": '''
def dJ_dz3(Z3, Y):
    out = np.zeros((Z3.shape[0], 1))
    for i in range(Z3.shape[0]):
        out[i, 0] = (sigmoid(Z3[i, 0]) - Y[i, 0]) / Z3.shape[0]
    return out
''',
    },
    "dz3_da": {
        "np.tile": '''
def dz3_da(A, W2):
    return np.tile(W2, (A.shape[0], 1, 1)).astype(float)
''',
        "ones times W2 (broadcast, a new array)": '''
def dz3_da(A, W2):
    return np.ones((A.shape[0], 1, 1)) * W2
''',
    },
    "da_dz": {
        "a loop with np.diag": '''
def da_dz(Z1, Z2):
    m, d_a = Z1.shape
    j1, j2 = np.zeros((m, d_a, d_a)), np.zeros((m, d_a, d_a))
    for i in range(m):
        j1[i] = np.diag(np.where(Z1[i] > 0, 1.0, 0.0))
        j2[i] = -np.diag(np.where(Z2[i] > 0, 1.0, 0.0))
    return j1, j2
''',
        "einsum with the identity and a Heaviside step (0 at 0)": '''
def da_dz(Z1, Z2):
    eye = np.eye(Z1.shape[1])
    return (np.einsum("ij,jk->ijk", np.heaviside(Z1, 0.0), eye),
            -np.einsum("ij,jk->ijk", np.heaviside(Z2, 0.0), eye))
''',
    },
    "dz_dW1": {
        "loops over units": '''
def dz_dW1(X, W1):
    m, d_x = X.shape
    d_a = W1.shape[0]
    out = np.zeros((m, d_a, d_a, d_x))
    for i in range(m):
        for j in range(d_a):
            out[i, j, j, :] = X[i]
    return out
''',
    },
    "syllabus_gradients": {
        "per-example outer products in a loop": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    fwd = syllabus_forward(W1, b1, W2, b2, X, Xp)
    m = X.shape[0]
    dW1, db1 = np.zeros(W1.shape), np.zeros(b1.shape)
    dW2, db2 = np.zeros(W2.shape), np.zeros(b2.shape)
    for i in range(m):
        g = (fwd["Y_hat"][i, 0] - Y[i, 0]) / m
        dW2 += g * fwd["A"][i][None, :]
        db2 += g
        d1 = g * W2[0] * (fwd["Z1"][i] > 0)
        d2 = -g * W2[0] * (fwd["Z2"][i] > 0)
        dW1 += np.outer(d1, X[i]) + np.outer(d2, Xp[i])
        db1 += d1 + d2
    return dW1, db1, dW2, db2
''',
        "y_hat computed by hand and masks from the activations (A1 > 0 iff Z1 > 0)": '''
def syllabus_gradients(W1, b1, W2, b2, X, Xp, Y):
    Z1, Z2 = X @ W1.T + b1, Xp @ W1.T + b1
    A1, A2 = np.maximum(Z1, 0), np.maximum(Z2, 0)
    Z3 = (A1 - A2) @ W2.T + b2
    y_hat = 0.5 * (1 + np.tanh(Z3 / 2))
    g = (y_hat - Y) / len(X)
    g_a = g * W2
    D1, D2 = g_a * (A1 > 0), -g_a * (A2 > 0)
    return D1.T @ X + D2.T @ Xp, np.sum(D1 + D2, axis=0), g.T @ (A1 - A2), np.sum(g, axis=0)
''',
    },
    "gd_step": {
        "copy, then subtract in place on the copy": '''
def gd_step(params, grads, lr):
    new = {}
    for name in params:
        new[name] = params[name].copy()
        new[name] -= lr * grads[name]
    return new
''',
    },
    "train_pair_net": {
        "W2 drawn before W1, rng.normal, losses in a list": '''
def train_pair_net(X, Xp, Y, d_a, lr, num_epochs, seed):
    rng = np.random.default_rng(seed)
    d_x = X.shape[1]
    W2 = rng.normal(0.0, np.sqrt(1.0 / d_a), size=(1, d_a))
    W1 = rng.normal(0.0, np.sqrt(2.0 / d_x), size=(d_x, d_a)).T.copy()
    params = {"W1": W1, "b1": np.zeros(d_a), "W2": W2, "b2": np.zeros(1)}
    losses = []
    for _ in range(num_epochs):
        losses.append(syllabus_cost(params["W1"], params["b1"], params["W2"], params["b2"], X, Xp, Y))
        g = syllabus_gradients(params["W1"], params["b1"], params["W2"], params["b2"], X, Xp, Y)
        params = gd_step(params, {"W1": g[0], "b1": g[1], "W2": g[2], "b2": g[3]}, lr)
    return params, np.array(losses)
''',
        "Kaiming init of W1 through kaiming_init (the same distribution)": '''
def train_pair_net(X, Xp, Y, d_a, lr, num_epochs, seed):
    rng = np.random.default_rng(seed)
    params = {"W1": kaiming_init(X.shape[1], d_a, rng), "b1": np.zeros(d_a),
              "W2": rng.standard_normal((1, d_a)) / np.sqrt(d_a), "b2": np.zeros(1)}
    losses = np.empty(num_epochs)
    for epoch in range(num_epochs):
        args = (params["W1"], params["b1"], params["W2"], params["b2"])
        losses[epoch] = syllabus_cost(*args, X, Xp, Y)
        params = gd_step(params, dict(zip(["W1", "b1", "W2", "b2"], syllabus_gradients(*args, X, Xp, Y))), lr)
    return params, losses
''',
    },
    "affine_forward": {
        "einsum, copies of the inputs in the cache": '''
def affine_forward(x, W, b):
    return np.einsum("nd,md->nm", x, W) + b, (x.copy(), W.copy())
''',
    },
    "affine_backward": {
        "einsum": '''
def affine_backward(dout, cache):
    x_in, W_in = cache
    return np.einsum("nm,md->nd", dout, W_in), np.einsum("nm,nd->md", dout, x_in), np.einsum("nm->m", dout)
''',
    },
    "relu_forward": {
        "x * (x > 0), the output kept as the cache": '''
def relu_forward(x):
    out = x * (x > 0)
    return out, out
''',
    },
    "relu_backward": {
        "np.where": '''
def relu_backward(dout, cache):
    return np.where(cache > 0, dout, 0.0)
''',
    },
    "sigmoid_bce_forward": {
        "max(z, 0) - y z + log1p(exp(-|z|)), copies in the cache": '''
def sigmoid_bce_forward(z, y):
    per_example = np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))
    return float(per_example.mean()), (z.copy(), y.copy())
''',
    },
    "sigmoid_bce_backward": {
        "the plain sigmoid 1 / (1 + exp(-z))": '''
def sigmoid_bce_backward(cache):
    z, y = cache
    return (1.0 / (1.0 + np.exp(-z)) - y) / z.shape[0]
''',
        "stable sigmoid by hand": '''
def sigmoid_bce_backward(cache):
    z, y = cache
    e = np.exp(-np.abs(z))
    p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return (p - y) / len(z)
''',
    },
    "two_layer_loss": {
        "the formulas written out without the modules": '''
def two_layer_loss(params, X, y):
    Z1 = X @ params["W1"].T + params["b1"]
    H = np.maximum(Z1, 0)
    z = H @ params["W2"].T + params["b2"]
    cost = float(np.mean(np.logaddexp(0, z) - y * z))
    g = (sigmoid(z) - y) / len(X)
    D = (g @ params["W2"]) * (Z1 > 0)
    return cost, {"W1": D.T @ X, "b1": D.sum(0), "W2": g.T @ H, "b2": g.sum(0)}
''',
    },
    "gradient_check": {
        "perturbs the caller's arrays in place with np.nditer and restores each entry": '''
def gradient_check(cost, backward, x, y, w1, w2, h=1e-5):
    grads = backward(x, y, w1, w2)
    errs = []
    for w, a in ((w1, grads[0]), (w2, grads[1])):
        n = np.zeros(w.shape)
        it = np.nditer(w, flags=["multi_index"])
        while not it.finished:
            ix = it.multi_index
            old = w[ix]
            w[ix] = old + h
            plus = cost(x, y, w1, w2)
            w[ix] = old - h
            minus = cost(x, y, w1, w2)
            w[ix] = old
            n[ix] = (plus - minus) / (2 * h)
            it.iternext()
        a = np.asarray(a, dtype=float)
        errs.append(float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)))))
    return tuple(errs)
''',
        "perturbed copies built with a one-hot array": '''
def gradient_check(cost, backward, x, y, w1, w2, h=1e-5):
    a1, a2 = (np.asarray(g, dtype=float) for g in backward(x, y, w1, w2))
    def numeric(which):
        w = (w1, w2)[which]
        out = np.zeros(w.shape)
        for k in range(w.size):
            e = np.zeros(w.size)
            e[k] = h
            e = e.reshape(w.shape)
            up = [w1 + e, w2] if which == 0 else [w1, w2 + e]
            down = [w1 - e, w2] if which == 0 else [w1, w2 - e]
            out.flat[k] = (cost(x, y, *up) - cost(x, y, *down)) / 2 / h
        return out
    n1, n2 = numeric(0), numeric(1)
    rel = lambda a, n: float((np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-8)).max())
    return rel(a1, n1), rel(a2, n2)
''',
    },
    "fixed_backward": {
        "np.where and the mask from the ReLU's output": '''
def fixed_backward(x, y, w1, w2):
    hidden = np.maximum(x @ w1, 0)
    g = 2 * (hidden @ w2 - y)
    return x.T @ np.where(hidden > 0, g @ w2.T, 0.0), hidden.T @ g
''',
    },
    "xavier_init": {
        "rng.normal with a scale": '''
def xavier_init(fan_in, fan_out, rng, gain=1.0):
    return rng.normal(0.0, gain * np.sqrt(2.0 / (fan_in + fan_out)), size=(fan_out, fan_in))
''',
        "drawn as (fan_in, fan_out), then transposed": '''
def xavier_init(fan_in, fan_out, rng, gain=1.0):
    return (rng.standard_normal((fan_in, fan_out)) * gain * np.sqrt(2 / (fan_in + fan_out))).T
''',
    },
    "kaiming_init": {
        "rng.normal with a scale": '''
def kaiming_init(fan_in, fan_out, rng):
    return rng.normal(scale=np.sqrt(2 / fan_in), size=(fan_out, fan_in))
''',
    },
    "mlp_backward": {
        "slopes from z: exp(-z) / (1 + exp(-z))^2, 1 / cosh(z)^2, a Heaviside step": '''
def mlp_backward(X, Ws, activation, dout):
    phi = {"relu": relu, "sigmoid": sigmoid, "tanh": np.tanh}[activation]
    hs, zs = [X], []
    for W in Ws:
        zs.append(hs[-1] @ W.T)
        hs.append(phi(zs[-1]))
    grads, g = [], dout
    for l in range(len(Ws) - 1, -1, -1):
        z = zs[l]
        if activation == "relu":
            slope = np.heaviside(z, 0.0)
        elif activation == "sigmoid":
            e = np.exp(-np.abs(z))
            slope = e / (1 + e) ** 2
        else:
            slope = 1 / np.cosh(z) ** 2
        gz = g * slope
        grads.insert(0, gz.T @ hs[l])
        g = gz @ Ws[l]
    return grads
''',
    },
}
