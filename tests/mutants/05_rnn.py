"""Plausible wrong answers for 05_rnn: each must lose points on its function's test cells."""

MUTANTS = {
    "step_rnn_forward": {
        "carry never reset: the hidden state persists from one call (sequence) to the next": '''
_persistent = {}


def step_rnn_forward(params, X):
    W_xh, W_hh = np.asarray(params["W_xh"], float), np.asarray(params["W_hh"], float)
    b_h, w_hy, b_y = np.asarray(params["b_h"], float), np.asarray(params["w_hy"], float), float(params["b_y"])
    h = _persistent.get("h")
    if h is None or h.shape != (W_hh.shape[0],):
        h = np.zeros(W_hh.shape[0])
    y = np.zeros(len(X), dtype=np.int64)
    for t, x_t in enumerate(np.asarray(X, float)):
        h = step(W_xh @ x_t + W_hh @ h + b_h)
        y[t] = step(w_hy @ h + b_y)
    _persistent["h"] = h
    return y
''',
        "bits read most-significant first (the sequence is processed backwards)": '''
def step_rnn_forward(params, X):
    W_xh, W_hh = np.asarray(params["W_xh"], float), np.asarray(params["W_hh"], float)
    b_h, w_hy, b_y = np.asarray(params["b_h"], float), np.asarray(params["w_hy"], float), float(params["b_y"])
    h = np.zeros(W_hh.shape[0])
    y = np.zeros(len(X), dtype=np.int64)
    for t in range(len(X) - 1, -1, -1):
        h = step(W_xh @ np.asarray(X[t], float) + W_hh @ h + b_h)
        y[t] = step(w_hy @ h + b_y)
    return y
''',
        "output read from the previous hidden state h_{t-1}": '''
def step_rnn_forward(params, X):
    W_xh, W_hh = np.asarray(params["W_xh"], float), np.asarray(params["W_hh"], float)
    b_h, w_hy, b_y = np.asarray(params["b_h"], float), np.asarray(params["w_hy"], float), float(params["b_y"])
    h = np.zeros(W_hh.shape[0])
    y = np.zeros(len(X), dtype=np.int64)
    for t, x_t in enumerate(np.asarray(X, float)):
        y[t] = step(w_hy @ h + b_y)
        h = step(W_xh @ x_t + W_hh @ h + b_h)
    return y
''',
        "threshold unit fires at 0 (g(0) = 1, z >= 0)": '''
def step_rnn_forward(params, X):
    W_xh, W_hh = np.asarray(params["W_xh"], float), np.asarray(params["W_hh"], float)
    b_h, w_hy, b_y = np.asarray(params["b_h"], float), np.asarray(params["w_hy"], float), float(params["b_y"])
    h = np.zeros(W_hh.shape[0])
    y = np.zeros(len(X), dtype=np.int64)
    for t, x_t in enumerate(np.asarray(X, float)):
        h = (W_xh @ x_t + W_hh @ h + b_h >= 0).astype(float)
        y[t] = int(w_hy @ h + b_y >= 0)
    return y
''',
        "initial state h_0 = 1 instead of 0": '''
def step_rnn_forward(params, X):
    W_xh, W_hh = np.asarray(params["W_xh"], float), np.asarray(params["W_hh"], float)
    b_h, w_hy, b_y = np.asarray(params["b_h"], float), np.asarray(params["w_hy"], float), float(params["b_y"])
    h = np.ones(W_hh.shape[0])
    y = np.zeros(len(X), dtype=np.int64)
    for t, x_t in enumerate(np.asarray(X, float)):
        h = step(W_xh @ x_t + W_hh @ h + b_h)
        y[t] = step(w_hy @ h + b_y)
    return y
''',
    },
    "adder_weights": {
        "wrong thresholds: integer biases -1, -2, -3 (with g(0) = 0 they test k >= 2, 3, 4)": '''
def adder_weights():
    return {"W_xh": np.ones((3, 2)), "W_hh": np.array([[0.0, 1.0, 0.0]] * 3),
            "b_h": np.array([-1.0, -2.0, -3.0]), "w_hy": np.array([1.0, -1.0, 1.0]), "b_y": -0.5}
''',
        "carry taken from the 'at least one' unit instead of the 'at least two' unit": '''
def adder_weights():
    return {"W_xh": np.ones((3, 2)), "W_hh": np.array([[1.0, 0.0, 0.0]] * 3),
            "b_h": np.array([-0.5, -1.5, -2.5]), "w_hy": np.array([1.0, -1.0, 1.0]), "b_y": -0.5}
''',
        "no carry fed back (computes x1 XOR x2 bitwise)": '''
def adder_weights():
    return {"W_xh": np.ones((3, 2)), "W_hh": np.zeros((3, 3)),
            "b_h": np.array([-0.5, -1.5, -2.5]), "w_hy": np.array([1.0, -1.0, 1.0]), "b_y": -0.5}
''',
        "output ignores the 'all three' unit (1 + 1 + carry gives 0)": '''
def adder_weights():
    return {"W_xh": np.ones((3, 2)), "W_hh": np.array([[0.0, 1.0, 0.0]] * 3),
            "b_h": np.array([-0.5, -1.5, -2.5]), "w_hy": np.array([1.0, -1.0, 0.0]), "b_y": -0.5}
''',
        "carry fed back with weight 2 (counted twice)": '''
def adder_weights():
    return {"W_xh": np.ones((3, 2)), "W_hh": np.array([[0.0, 2.0, 0.0]] * 3),
            "b_h": np.array([-0.5, -1.5, -2.5]), "w_hy": np.array([1.0, -1.0, 1.0]), "b_y": -0.5}
''',
    },
    "equality_counterexample": {
        "truth is 'bits equal at step t' instead of 'equal on all steps so far'": '''
def equality_counterexample(params, max_length):
    for T in range(1, max_length + 1):
        for bits in itertools.product((0, 1), repeat=2 * T):
            X = np.array(bits).reshape(T, 2)
            truth = (X[:, 0] == X[:, 1]).astype(int)
            if not np.array_equal(equality_forward(params, X), truth):
                return X[:, 0].copy(), X[:, 1].copy()
    return None
''',
        "only tries sequences of length max_length (not the shortest)": '''
def equality_counterexample(params, max_length):
    T = max_length
    for bits in itertools.product((0, 1), repeat=2 * T):
        X = np.array(bits).reshape(T, 2)
        truth = np.cumprod(X[:, 0] == X[:, 1])
        if not np.array_equal(equality_forward(params, X), truth):
            return X[:, 0].copy(), X[:, 1].copy()
    return None
''',
        "off by one: lengths 1 .. max_length - 1": '''
def equality_counterexample(params, max_length):
    for T in range(1, max_length):
        for bits in itertools.product((0, 1), repeat=2 * T):
            X = np.array(bits).reshape(T, 2)
            truth = np.cumprod(X[:, 0] == X[:, 1])
            if not np.array_equal(equality_forward(params, X), truth):
                return X[:, 0].copy(), X[:, 1].copy()
    return None
''',
        "only tries pairs of equal sequences": '''
def equality_counterexample(params, max_length):
    for T in range(1, max_length + 1):
        for bits in itertools.product((0, 1), repeat=T):
            X = np.stack([bits, bits], axis=1)
            truth = np.ones(T, dtype=int)
            if not np.array_equal(equality_forward(params, X), truth):
                return X[:, 0].copy(), X[:, 1].copy()
    return None
''',
        "returns the stacked (T, 2) array instead of a pair": '''
def equality_counterexample(params, max_length):
    for T in range(1, max_length + 1):
        for bits in itertools.product((0, 1), repeat=2 * T):
            X = np.array(bits).reshape(T, 2)
            truth = np.cumprod(X[:, 0] == X[:, 1])
            if not np.array_equal(equality_forward(params, X), truth):
                return X
    return None
''',
    },
    "equality_weights": {
        "the weights of the notes": '''
def equality_weights():
    return {"W": np.array([[1.0, 1.0], [-1.0, -1.0]]), "b": np.array([-0.5, 1.1]), "v": np.array([1.0, 1.0]),
            "r": 3.25, "C": -3.0}
''',
        "AND and NOR fixed but the recurrence of the notes (r + C = 0.25 > 0)": '''
def equality_weights():
    return {"W": np.array([[1.0, 1.0], [-1.0, -1.0]]), "b": np.array([-1.5, 0.5]), "v": np.array([1.0, 1.0]),
            "r": 3.25, "C": -3.0}
''',
        "recurrence fixed but the hidden layer of the notes (OR and NAND)": '''
def equality_weights():
    return {"W": np.array([[1.0, 1.0], [-1.0, -1.0]]), "b": np.array([-0.5, 1.1]), "v": np.array([1.0, 1.0]),
            "r": 1.0, "C": -1.5}
''',
        "only the AND unit fixed (unit 2 is still a NAND)": '''
def equality_weights():
    return {"W": np.array([[1.0, 1.0], [-1.0, -1.0]]), "b": np.array([-1.5, 1.1]), "v": np.array([1.0, 1.0]),
            "r": 1.0, "C": -1.5}
''',
        "output threshold too high (never fires)": '''
def equality_weights():
    return {"W": np.array([[1.0, 1.0], [-1.0, -1.0]]), "b": np.array([-1.5, 0.5]), "v": np.array([1.0, 1.0]),
            "r": 1.0, "C": -2.5}
''',
    },
    "addition_batch": {
        "targets computed most-significant bit first (carry runs backwards)": '''
def addition_batch(rng, batch_size, length):
    X = rng.integers(0, 2, size=(batch_size, length, 2))
    Y = np.zeros((batch_size, length), dtype=np.int64)
    carry = np.zeros(batch_size, dtype=np.int64)
    for t in range(length - 1, -1, -1):
        k = X[:, t, 0] + X[:, t, 1] + carry
        Y[:, t] = k % 2
        carry = k // 2
    return X.astype(np.float32), Y
''',
        "no carry: targets are x1 XOR x2": '''
def addition_batch(rng, batch_size, length):
    X = rng.integers(0, 2, size=(batch_size, length, 2))
    return X.astype(np.float32), (X[:, :, 0] ^ X[:, :, 1]).astype(np.int64)
''',
        "carry never reset: it passes from one sequence of the batch to the next": '''
def addition_batch(rng, batch_size, length):
    X = rng.integers(0, 2, size=(batch_size, length, 2))
    Y = np.zeros((batch_size, length), dtype=np.int64)
    carry = 0
    for i in range(batch_size):
        for t in range(length):
            k = X[i, t, 0] + X[i, t, 1] + carry
            Y[i, t] = k % 2
            carry = k // 2
    return X.astype(np.float32), Y
''',
        "final carry appended: T + 1 target bits": '''
def addition_batch(rng, batch_size, length):
    X = rng.integers(0, 2, size=(batch_size, length, 2))
    Y = np.zeros((batch_size, length + 1), dtype=np.int64)
    carry = np.zeros(batch_size, dtype=np.int64)
    for t in range(length):
        k = X[:, t, 0] + X[:, t, 1] + carry
        Y[:, t] = k % 2
        carry = k // 2
    Y[:, length] = carry
    return X.astype(np.float32), Y
''',
        "ignores the generator it is given (global np.random)": '''
def addition_batch(rng, batch_size, length):
    X = np.random.randint(0, 2, size=(batch_size, length, 2))
    Y = np.zeros((batch_size, length), dtype=np.int64)
    carry = np.zeros(batch_size, dtype=np.int64)
    for t in range(length):
        k = X[:, t, 0] + X[:, t, 1] + carry
        Y[:, t] = k % 2
        carry = k // 2
    return X.astype(np.float32), Y
''',
    },
    "train_adder_rnn": {
        "trains on sequences read most-significant bit first (time reversed)": '''
def train_adder_rnn(num_steps=500, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = AdderRNN(hidden_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(num_steps):
        X, Y = addition_batch(rng, 64, int(rng.integers(1, 9)))
        X, Y = X[:, ::-1].copy(), Y[:, ::-1].copy()
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y, dtype=torch.float32))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model
''',
        "no carry in the targets (learns XOR)": '''
def train_adder_rnn(num_steps=500, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = AdderRNN(hidden_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(num_steps):
        X, _ = addition_batch(rng, 64, int(rng.integers(1, 9)))
        Y = (X[:, :, 0] != X[:, :, 1]).astype(np.float32)
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model
''',
        "forgets optimizer.zero_grad() (gradients accumulate)": '''
def train_adder_rnn(num_steps=500, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = AdderRNN(hidden_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(num_steps):
        X, Y = addition_batch(rng, 64, int(rng.integers(1, 9)))
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y, dtype=torch.float32))
        loss.backward()
        optimizer.step()
    return model
''',
        "zero_grad called between backward() and step() (every step is zero)": '''
def train_adder_rnn(num_steps=500, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = AdderRNN(hidden_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(num_steps):
        X, Y = addition_batch(rng, 64, int(rng.integers(1, 9)))
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y, dtype=torch.float32))
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
    return model
''',
        "far too few steps (num_steps ignored, 30 steps)": '''
def train_adder_rnn(num_steps=500, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = AdderRNN(hidden_size)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(30):
        X, Y = addition_batch(rng, 64, int(rng.integers(1, 9)))
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y, dtype=torch.float32))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model
''',
    },
    "rnn_forward": {
        "W_hh transposed": '''
def rnn_forward(X, h0, W_hh, W_xh, b):
    H = np.zeros((X.shape[0], h0.shape[0]))
    h = h0
    for t in range(X.shape[0]):
        h = np.tanh(W_hh.T @ h + W_xh @ X[t] + b)
        H[t] = h
    return H
''',
        "ignores h0 (starts from zeros)": '''
def rnn_forward(X, h0, W_hh, W_xh, b):
    H = np.zeros((X.shape[0], h0.shape[0]))
    h = np.zeros_like(h0)
    for t in range(X.shape[0]):
        h = np.tanh(W_hh @ h + W_xh @ X[t] + b)
        H[t] = h
    return H
''',
        "off by one: returns h_0 .. h_{T-1}": '''
def rnn_forward(X, h0, W_hh, W_xh, b):
    H = np.zeros((X.shape[0], h0.shape[0]))
    h = h0
    for t in range(X.shape[0]):
        H[t] = h
        h = np.tanh(W_hh @ h + W_xh @ X[t] + b)
    return H
''',
        "sigmoid instead of tanh": '''
def rnn_forward(X, h0, W_hh, W_xh, b):
    H = np.zeros((X.shape[0], h0.shape[0]))
    h = h0
    for t in range(X.shape[0]):
        h = 1.0 / (1.0 + np.exp(-(W_hh @ h + W_xh @ X[t] + b)))
        H[t] = h
    return H
''',
    },
    "rnn_backward": {
        "missing the tanh derivative (1 - h^2)": '''
def rnn_backward(dH, X, h0, W_hh, W_xh, b):
    H = rnn_forward(X, h0, W_hh, W_xh, b)
    H_prev = np.vstack([h0[None, :], H[:-1]])
    dW_hh, dW_xh, db = np.zeros_like(W_hh), np.zeros_like(W_xh), np.zeros_like(b)
    later = np.zeros_like(h0)
    for t in range(X.shape[0] - 1, -1, -1):
        eps = dH[t] + later
        dW_hh += np.outer(eps, H_prev[t])
        dW_xh += np.outer(eps, X[t])
        db += eps
        later = W_hh.T @ eps
    return dW_hh, dW_xh, db, later
''',
        "missing the sum over time (the weight gradients keep only one step)": '''
def rnn_backward(dH, X, h0, W_hh, W_xh, b):
    H = rnn_forward(X, h0, W_hh, W_xh, b)
    H_prev = np.vstack([h0[None, :], H[:-1]])
    later = np.zeros_like(h0)
    for t in range(X.shape[0] - 1, -1, -1):
        eps = (1.0 - H[t] ** 2) * (dH[t] + later)
        dW_hh = np.outer(eps, H_prev[t])
        dW_xh = np.outer(eps, X[t])
        db = eps
        later = W_hh.T @ eps
    return dW_hh, dW_xh, db, later
''',
        "no gradient through time (delta_t = G_t only)": '''
def rnn_backward(dH, X, h0, W_hh, W_xh, b):
    H = rnn_forward(X, h0, W_hh, W_xh, b)
    H_prev = np.vstack([h0[None, :], H[:-1]])
    dW_hh, dW_xh, db = np.zeros_like(W_hh), np.zeros_like(W_xh), np.zeros_like(b)
    eps = np.zeros_like(h0)
    for t in range(X.shape[0] - 1, -1, -1):
        eps = (1.0 - H[t] ** 2) * dH[t]
        dW_hh += np.outer(eps, H_prev[t])
        dW_xh += np.outer(eps, X[t])
        db += eps
    return dW_hh, dW_xh, db, W_hh.T @ eps
''',
        "dW_hh uses h_t instead of h_{t-1}": '''
def rnn_backward(dH, X, h0, W_hh, W_xh, b):
    H = rnn_forward(X, h0, W_hh, W_xh, b)
    dW_hh, dW_xh, db = np.zeros_like(W_hh), np.zeros_like(W_xh), np.zeros_like(b)
    later = np.zeros_like(h0)
    for t in range(X.shape[0] - 1, -1, -1):
        eps = (1.0 - H[t] ** 2) * (dH[t] + later)
        dW_hh += np.outer(eps, H[t])
        dW_xh += np.outer(eps, X[t])
        db += eps
        later = W_hh.T @ eps
    return dW_hh, dW_xh, db, later
''',
        "W_hh instead of W_hh^T in the backward recursion": '''
def rnn_backward(dH, X, h0, W_hh, W_xh, b):
    H = rnn_forward(X, h0, W_hh, W_xh, b)
    H_prev = np.vstack([h0[None, :], H[:-1]])
    dW_hh, dW_xh, db = np.zeros_like(W_hh), np.zeros_like(W_xh), np.zeros_like(b)
    later = np.zeros_like(h0)
    for t in range(X.shape[0] - 1, -1, -1):
        eps = (1.0 - H[t] ** 2) * (dH[t] + later)
        dW_hh += np.outer(eps, H_prev[t])
        dW_xh += np.outer(eps, X[t])
        db += eps
        later = W_hh @ eps
    return dW_hh, dW_xh, db, later
''',
        "dh0 is eps_1, missing the final W_hh^T": '''
def rnn_backward(dH, X, h0, W_hh, W_xh, b):
    H = rnn_forward(X, h0, W_hh, W_xh, b)
    H_prev = np.vstack([h0[None, :], H[:-1]])
    dW_hh, dW_xh, db = np.zeros_like(W_hh), np.zeros_like(W_xh), np.zeros_like(b)
    later, eps = np.zeros_like(h0), np.zeros_like(h0)
    for t in range(X.shape[0] - 1, -1, -1):
        eps = (1.0 - H[t] ** 2) * (dH[t] + later)
        dW_hh += np.outer(eps, H_prev[t])
        dW_xh += np.outer(eps, X[t])
        db += eps
        later = W_hh.T @ eps
    return dW_hh, dW_xh, db, eps
''',
    },
    "state_jacobian": {
        "missing the tanh derivative (returns W_hh^T)": '''
def state_jacobian(X, h0, W_hh, W_xh, b):
    return np.linalg.matrix_power(W_hh, X.shape[0])
''',
        "step Jacobians multiplied in the wrong order": '''
def state_jacobian(X, h0, W_hh, W_xh, b):
    J = np.eye(h0.shape[0])
    h = h0
    for t in range(X.shape[0]):
        h = np.tanh(W_hh @ h + W_xh @ X[t] + b)
        J = J @ ((1.0 - h ** 2)[:, None] * W_hh)
    return J
''',
        "tanh derivative taken at the previous state h_{t-1}": '''
def state_jacobian(X, h0, W_hh, W_xh, b):
    J = np.eye(h0.shape[0])
    h = h0
    for t in range(X.shape[0]):
        J = ((1.0 - h ** 2)[:, None] * W_hh) @ J
        h = np.tanh(W_hh @ h + W_xh @ X[t] + b)
    return J
''',
        "diag(1 - h^2) applied on the wrong side (W_hh diag)": '''
def state_jacobian(X, h0, W_hh, W_xh, b):
    J = np.eye(h0.shape[0])
    h = h0
    for t in range(X.shape[0]):
        h = np.tanh(W_hh @ h + W_xh @ X[t] + b)
        J = (W_hh * (1.0 - h ** 2)[None, :]) @ J
    return J
''',
        "returns the transpose dh_0/dh_T layout": '''
def state_jacobian(X, h0, W_hh, W_xh, b):
    J = np.eye(h0.shape[0])
    h = h0
    for t in range(X.shape[0]):
        h = np.tanh(W_hh @ h + W_xh @ X[t] + b)
        J = ((1.0 - h ** 2)[:, None] * W_hh) @ J
    return J.T
''',
    },
    "clip_grad_norm": {
        "per-element clipping (np.clip) instead of by the norm": '''
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads)))
    return [np.clip(np.asarray(g, float), -max_norm, max_norm) for g in grads], total
''',
        "each array clipped by its own norm": '''
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads)))
    out = []
    for g in grads:
        g = np.asarray(g, float)
        out.append(g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)))
    return out, total
''',
        "always rescales to max_norm (small gradients are scaled up)": '''
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads)))
    return [np.asarray(g, float) * (max_norm / (total + 1e-6)) for g in grads], total
''',
        "norm without the square root": '''
def clip_grad_norm(grads, max_norm):
    total = float(sum(np.sum(np.asarray(g, float) ** 2) for g in grads))
    scale = min(1.0, max_norm / (total + 1e-6))
    return [np.asarray(g, float) * scale for g in grads], total
''',
        "returns the norm after clipping": '''
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads)))
    scale = min(1.0, max_norm / (total + 1e-6))
    return [np.asarray(g, float) * scale for g in grads], total * scale
''',
        "clips in place (modifies the caller's arrays)": '''
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads)))
    scale = min(1.0, max_norm / (total + 1e-6))
    for g in grads:
        g *= scale
    return grads, total
''',
    },
    "lstm_cell_forward": {
        "wrong gate order i, f, o, g": '''
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    i, f, o, g = sig(a[:, :n]), sig(a[:, n:2 * n]), sig(a[:, 2 * n:3 * n]), np.tanh(a[:, 3 * n:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
''',
        "input and forget gates swapped (f, i, g, o)": '''
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    f, i, g, o = sig(a[:, :n]), sig(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sig(a[:, 3 * n:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
''',
        "h = o * c (missing the tanh of the cell state)": '''
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    i, f, g, o = sig(a[:, :n]), sig(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sig(a[:, 3 * n:])
    c = f * c_prev + i * g
    return o * c, c
''',
        "sigmoid for the candidate g": '''
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    i, f, g, o = sig(a[:, :n]), sig(a[:, n:2 * n]), sig(a[:, 2 * n:3 * n]), sig(a[:, 3 * n:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
''',
        "forgets bias_hh": '''
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    i, f, g, o = sig(a[:, :n]), sig(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sig(a[:, 3 * n:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
''',
    },
    "sequence_log_prob": {
        "forgets the first-token term log p0": '''
def sequence_log_prob(seq, log_p0, log_P):
    return float(sum(log_P[a, b] for a, b in zip(seq[:-1], seq[1:])))
''',
        "transition table read transposed (log_P[next, previous])": '''
def sequence_log_prob(seq, log_p0, log_P):
    return float(log_p0[seq[0]] + sum(log_P[b, a] for a, b in zip(seq[:-1], seq[1:])))
''',
        "skips the last transition": '''
def sequence_log_prob(seq, log_p0, log_P):
    return float(log_p0[seq[0]] + sum(log_P[a, b] for a, b in zip(seq[:-2], seq[1:-1])))
''',
        "returns the probability instead of its log": '''
def sequence_log_prob(seq, log_p0, log_P):
    return float(np.exp(log_p0[seq[0]] + sum(log_P[a, b] for a, b in zip(seq[:-1], seq[1:]))))
''',
    },
    "beam_search": {
        "greedy whatever the beam width": '''
def beam_search(log_p0, log_P, length, beam_width):
    seq, score = (), 0.0
    for t in range(length):
        log_next = log_p0 if t == 0 else log_P[seq[-1]]
        v = int(np.argmax(log_next))
        seq, score = seq + (v,), score + float(log_next[v])
    return [(seq, score)]
''',
        "ranks extensions by the last token's log-probability only (not the total)": '''
def beam_search(log_p0, log_P, length, beam_width):
    beam = [((), 0.0, 0.0)]
    for t in range(length):
        cand = []
        for seq, score, _ in beam:
            log_next = log_p0 if t == 0 else log_P[seq[-1]]
            for v, lp in enumerate(log_next):
                cand.append((seq + (v,), score + float(lp), float(lp)))
        cand.sort(key=lambda c: c[2], reverse=True)
        beam = cand[:beam_width]
    beam.sort(key=lambda c: c[1], reverse=True)
    return [(s, sc) for s, sc, _ in beam]
''',
        "no global pruning: keeps the K best extensions of every hypothesis": '''
def beam_search(log_p0, log_P, length, beam_width):
    beam = [((), 0.0)]
    for t in range(length):
        new = []
        for seq, score in beam:
            log_next = log_p0 if t == 0 else log_P[seq[-1]]
            ext = sorted(((seq + (v,), score + float(lp)) for v, lp in enumerate(log_next)), key=lambda c: -c[1])
            new.extend(ext[:beam_width])
        beam = sorted(new, key=lambda c: -c[1])
    return beam
''',
        "sorted ascending: keeps the worst hypotheses": '''
def beam_search(log_p0, log_P, length, beam_width):
    beam = [((), 0.0)]
    for t in range(length):
        cand = []
        for seq, score in beam:
            log_next = log_p0 if t == 0 else log_P[seq[-1]]
            for v, lp in enumerate(log_next):
                cand.append((seq + (v,), score + float(lp)))
        cand.sort(key=lambda c: c[1])
        beam = cand[:beam_width]
    return beam
''',
        "scores are probabilities multiplied, returned without the log": '''
def beam_search(log_p0, log_P, length, beam_width):
    beam = [((), 1.0)]
    for t in range(length):
        cand = []
        for seq, p in beam:
            log_next = log_p0 if t == 0 else log_P[seq[-1]]
            for v, lp in enumerate(log_next):
                cand.append((seq + (v,), p * float(np.exp(lp))))
        cand.sort(key=lambda c: c[1], reverse=True)
        beam = cand[:beam_width]
    return beam
''',
    },
}
