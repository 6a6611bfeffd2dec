# ruff: noqa: E501  (mutant ids and reasons are long strings)
"""Plausible wrong answers for 05_rnn: each must lose points on its function's test cells."""

MUTANTS = {
    "step_rnn_forward": {
        "carry never reset: the hidden state persists from one call (sequence) to the next": """
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
""",
        "bits read most-significant first (the sequence is processed backwards)": """
def step_rnn_forward(params, X):
    W_xh, W_hh = np.asarray(params["W_xh"], float), np.asarray(params["W_hh"], float)
    b_h, w_hy, b_y = np.asarray(params["b_h"], float), np.asarray(params["w_hy"], float), float(params["b_y"])
    h = np.zeros(W_hh.shape[0])
    y = np.zeros(len(X), dtype=np.int64)
    for t in range(len(X) - 1, -1, -1):
        h = step(W_xh @ np.asarray(X[t], float) + W_hh @ h + b_h)
        y[t] = step(w_hy @ h + b_y)
    return y
""",
        "output read from the previous hidden state h_{t-1}": """
def step_rnn_forward(params, X):
    W_xh, W_hh = np.asarray(params["W_xh"], float), np.asarray(params["W_hh"], float)
    b_h, w_hy, b_y = np.asarray(params["b_h"], float), np.asarray(params["w_hy"], float), float(params["b_y"])
    h = np.zeros(W_hh.shape[0])
    y = np.zeros(len(X), dtype=np.int64)
    for t, x_t in enumerate(np.asarray(X, float)):
        y[t] = step(w_hy @ h + b_y)
        h = step(W_xh @ x_t + W_hh @ h + b_h)
    return y
""",
        "threshold unit fires at 0 (g(0) = 1, z >= 0)": """
def step_rnn_forward(params, X):
    W_xh, W_hh = np.asarray(params["W_xh"], float), np.asarray(params["W_hh"], float)
    b_h, w_hy, b_y = np.asarray(params["b_h"], float), np.asarray(params["w_hy"], float), float(params["b_y"])
    h = np.zeros(W_hh.shape[0])
    y = np.zeros(len(X), dtype=np.int64)
    for t, x_t in enumerate(np.asarray(X, float)):
        h = (W_xh @ x_t + W_hh @ h + b_h >= 0).astype(float)
        y[t] = int(w_hy @ h + b_y >= 0)
    return y
""",
        "initial state h_0 = 1 instead of 0": """
def step_rnn_forward(params, X):
    W_xh, W_hh = np.asarray(params["W_xh"], float), np.asarray(params["W_hh"], float)
    b_h, w_hy, b_y = np.asarray(params["b_h"], float), np.asarray(params["w_hy"], float), float(params["b_y"])
    h = np.ones(W_hh.shape[0])
    y = np.zeros(len(X), dtype=np.int64)
    for t, x_t in enumerate(np.asarray(X, float)):
        h = step(W_xh @ x_t + W_hh @ h + b_h)
        y[t] = step(w_hy @ h + b_y)
    return y
""",
    },
    "adder_weights": {
        "wrong thresholds: integer biases -1, -2, -3 (with g(0) = 0 they test k >= 2, 3, 4)": """
def adder_weights():
    return {"W_xh": np.ones((3, 2)), "W_hh": np.array([[0.0, 1.0, 0.0]] * 3),
            "b_h": np.array([-1.0, -2.0, -3.0]), "w_hy": np.array([1.0, -1.0, 1.0]), "b_y": -0.5}
""",
        "carry taken from the 'at least one' unit instead of the 'at least two' unit": """
def adder_weights():
    return {"W_xh": np.ones((3, 2)), "W_hh": np.array([[1.0, 0.0, 0.0]] * 3),
            "b_h": np.array([-0.5, -1.5, -2.5]), "w_hy": np.array([1.0, -1.0, 1.0]), "b_y": -0.5}
""",
        "no carry fed back (computes x1 XOR x2 bitwise)": """
def adder_weights():
    return {"W_xh": np.ones((3, 2)), "W_hh": np.zeros((3, 3)),
            "b_h": np.array([-0.5, -1.5, -2.5]), "w_hy": np.array([1.0, -1.0, 1.0]), "b_y": -0.5}
""",
        "output ignores the 'all three' unit (1 + 1 + carry gives 0)": """
def adder_weights():
    return {"W_xh": np.ones((3, 2)), "W_hh": np.array([[0.0, 1.0, 0.0]] * 3),
            "b_h": np.array([-0.5, -1.5, -2.5]), "w_hy": np.array([1.0, -1.0, 0.0]), "b_y": -0.5}
""",
        "carry fed back with weight 2 (counted twice)": """
def adder_weights():
    return {"W_xh": np.ones((3, 2)), "W_hh": np.array([[0.0, 2.0, 0.0]] * 3),
            "b_h": np.array([-0.5, -1.5, -2.5]), "w_hy": np.array([1.0, -1.0, 1.0]), "b_y": -0.5}
""",
    },
    "equality_counterexample": {
        "truth is 'bits equal at step t' instead of 'equal on all steps so far'": """
def equality_counterexample(params, max_length):
    for T in range(1, max_length + 1):
        for bits in itertools.product((0, 1), repeat=2 * T):
            X = np.array(bits).reshape(T, 2)
            truth = (X[:, 0] == X[:, 1]).astype(int)
            if not np.array_equal(equality_forward(params, X), truth):
                return X[:, 0].copy(), X[:, 1].copy()
    return None
""",
        "only tries sequences of length max_length (not the shortest)": """
def equality_counterexample(params, max_length):
    T = max_length
    for bits in itertools.product((0, 1), repeat=2 * T):
        X = np.array(bits).reshape(T, 2)
        truth = np.cumprod(X[:, 0] == X[:, 1])
        if not np.array_equal(equality_forward(params, X), truth):
            return X[:, 0].copy(), X[:, 1].copy()
    return None
""",
        "off by one: lengths 1 .. max_length - 1": """
def equality_counterexample(params, max_length):
    for T in range(1, max_length):
        for bits in itertools.product((0, 1), repeat=2 * T):
            X = np.array(bits).reshape(T, 2)
            truth = np.cumprod(X[:, 0] == X[:, 1])
            if not np.array_equal(equality_forward(params, X), truth):
                return X[:, 0].copy(), X[:, 1].copy()
    return None
""",
        "only tries pairs of equal sequences": """
def equality_counterexample(params, max_length):
    for T in range(1, max_length + 1):
        for bits in itertools.product((0, 1), repeat=T):
            X = np.stack([bits, bits], axis=1)
            truth = np.ones(T, dtype=int)
            if not np.array_equal(equality_forward(params, X), truth):
                return X[:, 0].copy(), X[:, 1].copy()
    return None
""",
        "returns the stacked (T, 2) array instead of a pair": """
def equality_counterexample(params, max_length):
    for T in range(1, max_length + 1):
        for bits in itertools.product((0, 1), repeat=2 * T):
            X = np.array(bits).reshape(T, 2)
            truth = np.cumprod(X[:, 0] == X[:, 1])
            if not np.array_equal(equality_forward(params, X), truth):
                return X
    return None
""",
    },
    "equality_weights": {
        "the weights of the notes": """
def equality_weights():
    return {"W": np.array([[1.0, 1.0], [-1.0, -1.0]]), "b": np.array([-0.5, 1.1]), "v": np.array([1.0, 1.0]),
            "r": 3.25, "C": -3.0}
""",
        "AND and NOR fixed but the recurrence of the notes (r + C = 0.25 > 0)": """
def equality_weights():
    return {"W": np.array([[1.0, 1.0], [-1.0, -1.0]]), "b": np.array([-1.5, 0.5]), "v": np.array([1.0, 1.0]),
            "r": 3.25, "C": -3.0}
""",
        "recurrence fixed but the hidden layer of the notes (OR and NAND)": """
def equality_weights():
    return {"W": np.array([[1.0, 1.0], [-1.0, -1.0]]), "b": np.array([-0.5, 1.1]), "v": np.array([1.0, 1.0]),
            "r": 1.0, "C": -1.5}
""",
        "only the AND unit fixed (unit 2 is still a NAND)": """
def equality_weights():
    return {"W": np.array([[1.0, 1.0], [-1.0, -1.0]]), "b": np.array([-1.5, 1.1]), "v": np.array([1.0, 1.0]),
            "r": 1.0, "C": -1.5}
""",
        "output threshold too high (never fires)": """
def equality_weights():
    return {"W": np.array([[1.0, 1.0], [-1.0, -1.0]]), "b": np.array([-1.5, 0.5]), "v": np.array([1.0, 1.0]),
            "r": 1.0, "C": -2.5}
""",
    },
    "addition_batch": {
        "targets computed most-significant bit first (carry runs backwards)": """
def addition_batch(rng, batch_size, length):
    X = rng.integers(0, 2, size=(batch_size, length, 2))
    Y = np.zeros((batch_size, length), dtype=np.int64)
    carry = np.zeros(batch_size, dtype=np.int64)
    for t in range(length - 1, -1, -1):
        k = X[:, t, 0] + X[:, t, 1] + carry
        Y[:, t] = k % 2
        carry = k // 2
    return X.astype(np.float64), Y
""",
        "no carry: targets are x1 XOR x2": """
def addition_batch(rng, batch_size, length):
    X = rng.integers(0, 2, size=(batch_size, length, 2))
    return X.astype(np.float64), (X[:, :, 0] ^ X[:, :, 1]).astype(np.int64)
""",
        "carry never reset: it passes from one sequence of the batch to the next": """
def addition_batch(rng, batch_size, length):
    X = rng.integers(0, 2, size=(batch_size, length, 2))
    Y = np.zeros((batch_size, length), dtype=np.int64)
    carry = 0
    for i in range(batch_size):
        for t in range(length):
            k = X[i, t, 0] + X[i, t, 1] + carry
            Y[i, t] = k % 2
            carry = k // 2
    return X.astype(np.float64), Y
""",
        "final carry appended: T + 1 target bits": """
def addition_batch(rng, batch_size, length):
    X = rng.integers(0, 2, size=(batch_size, length, 2))
    Y = np.zeros((batch_size, length + 1), dtype=np.int64)
    carry = np.zeros(batch_size, dtype=np.int64)
    for t in range(length):
        k = X[:, t, 0] + X[:, t, 1] + carry
        Y[:, t] = k % 2
        carry = k // 2
    Y[:, length] = carry
    return X.astype(np.float64), Y
""",
        "X returned in float32 (the float64 model cannot take it)": """
def addition_batch(rng, batch_size, length):
    X = rng.integers(0, 2, size=(batch_size, length, 2))
    Y = np.zeros((batch_size, length), dtype=np.int64)
    carry = np.zeros(batch_size, dtype=np.int64)
    for t in range(length):
        k = X[:, t, 0] + X[:, t, 1] + carry
        Y[:, t] = k % 2
        carry = k // 2
    return X.astype(np.float32), Y
""",
        "its own generator of seed 0 instead of rng": """
def addition_batch(rng, batch_size, length):
    X = np.random.default_rng(0).integers(0, 2, size=(batch_size, length, 2))
    Y = np.zeros((batch_size, length), dtype=np.int64)
    carry = np.zeros(batch_size, dtype=np.int64)
    for t in range(length):
        k = X[:, t, 0] + X[:, t, 1] + carry
        Y[:, t] = k % 2
        carry = k // 2
    return X.astype(np.float64), Y
""",
        "input 2 is a copy of input 1 (not independent)": """
def addition_batch(rng, batch_size, length):
    A = rng.integers(0, 2, size=(batch_size, length))
    X = np.stack([A, A], axis=-1)
    Y = np.zeros((batch_size, length), dtype=np.int64)
    carry = np.zeros(batch_size, dtype=np.int64)
    for t in range(length):
        k = X[:, t, 0] + X[:, t, 1] + carry
        Y[:, t] = k % 2
        carry = k // 2
    return X.astype(np.float64), Y
""",
        "ignores the generator it is given (global np.random)": """
def addition_batch(rng, batch_size, length):
    X = np.random.randint(0, 2, size=(batch_size, length, 2))
    Y = np.zeros((batch_size, length), dtype=np.int64)
    carry = np.zeros(batch_size, dtype=np.int64)
    for t in range(length):
        k = X[:, t, 0] + X[:, t, 1] + carry
        Y[:, t] = k % 2
        carry = k // 2
    return X.astype(np.float64), Y
""",
    },
    "train_adder_rnn": {
        "trains on sequences read most-significant bit first (time reversed)": """
def train_adder_rnn(num_steps=800, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    model = AdderRNN(hidden_size)
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(num_steps):
        X, Y = addition_batch(rng, 64, int(rng.integers(1, 9)))
        X, Y = X[:, ::-1].copy(), Y[:, ::-1].copy()
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y, dtype=torch.float64))
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model, np.array(losses)
""",
        "no carry in the targets (learns XOR)": """
def train_adder_rnn(num_steps=800, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    model = AdderRNN(hidden_size)
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(num_steps):
        X, _ = addition_batch(rng, 64, int(rng.integers(1, 9)))
        Y = (X[:, :, 0] != X[:, :, 1]).astype(np.float64)
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y))
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model, np.array(losses)
""",
        "forgets optimizer.zero_grad() (gradients accumulate)": """
def train_adder_rnn(num_steps=800, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    model = AdderRNN(hidden_size)
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(num_steps):
        X, Y = addition_batch(rng, 64, int(rng.integers(1, 9)))
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y, dtype=torch.float64))
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    return model, np.array(losses)
""",
        "far too few steps (num_steps ignored, 30 steps)": """
def train_adder_rnn(num_steps=800, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    model = AdderRNN(hidden_size)
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(30):
        X, Y = addition_batch(rng, 64, int(rng.integers(1, 9)))
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y, dtype=torch.float64))
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model, np.array(losses)
""",
        "num_steps ignored (always the default 800)": """
def train_adder_rnn(num_steps=800, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    model = AdderRNN(hidden_size)
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(800):
        X, Y = addition_batch(rng, 64, int(rng.integers(1, 9)))
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y, dtype=torch.float64))
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model, np.array(losses)
""",
        "hidden_size ignored (always 8 units)": """
def train_adder_rnn(num_steps=800, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    model = AdderRNN()
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(num_steps):
        X, Y = addition_batch(rng, 64, int(rng.integers(1, 9)))
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y, dtype=torch.float64))
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model, np.array(losses)
""",
        "seed ignored for the weights (no torch.manual_seed)": """
def train_adder_rnn(num_steps=800, hidden_size=8, lr=0.02, seed=0):
    model = AdderRNN(hidden_size)
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(num_steps):
        X, Y = addition_batch(rng, 64, int(rng.integers(1, 9)))
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y, dtype=torch.float64))
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model, np.array(losses)
""",
        "data generator seeded with 0 whatever the seed": """
def train_adder_rnn(num_steps=800, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    model = AdderRNN(hidden_size)
    rng = np.random.default_rng(0)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(num_steps):
        X, Y = addition_batch(rng, 64, int(rng.integers(1, 9)))
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y, dtype=torch.float64))
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model, np.array(losses)
""",
        "losses recorded after the step (off by one: at the updated weights)": """
def train_adder_rnn(num_steps=800, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    model = AdderRNN(hidden_size)
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(num_steps):
        X, Y = addition_batch(rng, 64, int(rng.integers(1, 9)))
        X_t, Y_t = torch.as_tensor(X), torch.as_tensor(Y, dtype=torch.float64)
        loss = loss_fn(model(X_t), Y_t)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            losses.append(loss_fn(model(X_t), Y_t).item())
    return model, np.array(losses)
""",
        "runs in float32 (model and data converted)": """
def train_adder_rnn(num_steps=800, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    model = AdderRNN(hidden_size).float()
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(num_steps):
        X, Y = addition_batch(rng, 64, int(rng.integers(1, 9)))
        loss = loss_fn(model(torch.as_tensor(X, dtype=torch.float32)), torch.as_tensor(Y, dtype=torch.float32))
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model, np.array(losses)
""",
        "learning rate ignored (Adam's default 0.001)": """
def train_adder_rnn(num_steps=800, hidden_size=8, lr=0.02, seed=0):
    torch.manual_seed(seed)
    model = AdderRNN(hidden_size)
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters())
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(num_steps):
        X, Y = addition_batch(rng, 64, int(rng.integers(1, 9)))
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y, dtype=torch.float64))
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model, np.array(losses)
""",
    },
    "rnn_forward": {
        "W_hh transposed": """
def rnn_forward(X, h0, W_hh, W_xh, b):
    H = np.zeros((X.shape[0], h0.shape[0]))
    h = h0
    for t in range(X.shape[0]):
        h = np.tanh(W_hh.T @ h + W_xh @ X[t] + b)
        H[t] = h
    return H
""",
        "ignores h0 (starts from zeros)": """
def rnn_forward(X, h0, W_hh, W_xh, b):
    H = np.zeros((X.shape[0], h0.shape[0]))
    h = np.zeros_like(h0)
    for t in range(X.shape[0]):
        h = np.tanh(W_hh @ h + W_xh @ X[t] + b)
        H[t] = h
    return H
""",
        "off by one: returns h_0 .. h_{T-1}": """
def rnn_forward(X, h0, W_hh, W_xh, b):
    H = np.zeros((X.shape[0], h0.shape[0]))
    h = h0
    for t in range(X.shape[0]):
        H[t] = h
        h = np.tanh(W_hh @ h + W_xh @ X[t] + b)
    return H
""",
        "sigmoid instead of tanh": """
def rnn_forward(X, h0, W_hh, W_xh, b):
    H = np.zeros((X.shape[0], h0.shape[0]))
    h = h0
    for t in range(X.shape[0]):
        h = 1.0 / (1.0 + np.exp(-(W_hh @ h + W_xh @ X[t] + b)))
        H[t] = h
    return H
""",
    },
    "rnn_backward": {
        "missing the tanh derivative (1 - h^2)": """
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
""",
        "missing the sum over time (the weight gradients keep only one step)": """
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
""",
        "no gradient through time (delta_t = G_t only)": """
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
""",
        "dW_hh uses h_t instead of h_{t-1}": """
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
""",
        "W_hh instead of W_hh^T in the backward recursion": """
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
""",
        "dh0 is eps_1, missing the final W_hh^T": """
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
""",
    },
    "state_jacobian": {
        "missing the tanh derivative (returns W_hh^T)": """
def state_jacobian(X, h0, W_hh, W_xh, b):
    return np.linalg.matrix_power(W_hh, X.shape[0])
""",
        "step Jacobians multiplied in the wrong order": """
def state_jacobian(X, h0, W_hh, W_xh, b):
    J = np.eye(h0.shape[0])
    h = h0
    for t in range(X.shape[0]):
        h = np.tanh(W_hh @ h + W_xh @ X[t] + b)
        J = J @ ((1.0 - h ** 2)[:, None] * W_hh)
    return J
""",
        "tanh derivative taken at the previous state h_{t-1}": """
def state_jacobian(X, h0, W_hh, W_xh, b):
    J = np.eye(h0.shape[0])
    h = h0
    for t in range(X.shape[0]):
        J = ((1.0 - h ** 2)[:, None] * W_hh) @ J
        h = np.tanh(W_hh @ h + W_xh @ X[t] + b)
    return J
""",
        "diag(1 - h^2) applied on the wrong side (W_hh diag)": """
def state_jacobian(X, h0, W_hh, W_xh, b):
    J = np.eye(h0.shape[0])
    h = h0
    for t in range(X.shape[0]):
        h = np.tanh(W_hh @ h + W_xh @ X[t] + b)
        J = (W_hh * (1.0 - h ** 2)[None, :]) @ J
    return J
""",
        "returns the transpose dh_0/dh_T layout": """
def state_jacobian(X, h0, W_hh, W_xh, b):
    J = np.eye(h0.shape[0])
    h = h0
    for t in range(X.shape[0]):
        h = np.tanh(W_hh @ h + W_xh @ X[t] + b)
        J = ((1.0 - h ** 2)[:, None] * W_hh) @ J
    return J.T
""",
    },
    "clip_grad_norm": {
        "per-element clipping (np.clip) instead of by the norm": """
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads)))
    return [np.clip(np.asarray(g, float), -max_norm, max_norm) for g in grads], total
""",
        "each array clipped by its own norm": """
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads)))
    out = []
    for g in grads:
        g = np.asarray(g, float)
        out.append(g * min(1.0, max_norm / (np.linalg.norm(g) + 1e-6)))
    return out, total
""",
        "always rescales to max_norm (small gradients are scaled up)": """
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads)))
    return [np.asarray(g, float) * (max_norm / (total + 1e-6)) for g in grads], total
""",
        "norm without the square root": """
def clip_grad_norm(grads, max_norm):
    total = float(sum(np.sum(np.asarray(g, float) ** 2) for g in grads))
    scale = min(1.0, max_norm / (total + 1e-6))
    return [np.asarray(g, float) * scale for g in grads], total
""",
        "returns the norm after clipping": """
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads)))
    scale = min(1.0, max_norm / (total + 1e-6))
    return [np.asarray(g, float) * scale for g in grads], total * scale
""",
        "clips in place (modifies the caller's arrays)": """
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads)))
    scale = min(1.0, max_norm / (total + 1e-6))
    for g in grads:
        g *= scale
    return grads, total
""",
    },
    "lstm_cell_forward": {
        "wrong gate order i, f, o, g": """
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    i, f, o, g = sig(a[:, :n]), sig(a[:, n:2 * n]), sig(a[:, 2 * n:3 * n]), np.tanh(a[:, 3 * n:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
""",
        "input and forget gates swapped (f, i, g, o)": """
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    f, i, g, o = sig(a[:, :n]), sig(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sig(a[:, 3 * n:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
""",
        "h = o * c (missing the tanh of the cell state)": """
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    i, f, g, o = sig(a[:, :n]), sig(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sig(a[:, 3 * n:])
    c = f * c_prev + i * g
    return o * c, c
""",
        "sigmoid for the candidate g": """
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    i, f, g, o = sig(a[:, :n]), sig(a[:, n:2 * n]), sig(a[:, 2 * n:3 * n]), sig(a[:, 3 * n:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
""",
        "forgets bias_hh": """
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    i, f, g, o = sig(a[:, :n]), sig(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sig(a[:, 3 * n:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
""",
    },
    "sequence_log_prob": {
        "forgets the first-token term log p0": """
def sequence_log_prob(seq, log_p0, log_P):
    return float(sum(log_P[a, b] for a, b in zip(seq[:-1], seq[1:])))
""",
        "transition table read transposed (log_P[next, previous])": """
def sequence_log_prob(seq, log_p0, log_P):
    return float(log_p0[seq[0]] + sum(log_P[b, a] for a, b in zip(seq[:-1], seq[1:])))
""",
        "skips the last transition": """
def sequence_log_prob(seq, log_p0, log_P):
    return float(log_p0[seq[0]] + sum(log_P[a, b] for a, b in zip(seq[:-2], seq[1:-1])))
""",
        "returns the probability instead of its log": """
def sequence_log_prob(seq, log_p0, log_P):
    return float(np.exp(log_p0[seq[0]] + sum(log_P[a, b] for a, b in zip(seq[:-1], seq[1:]))))
""",
    },
    "beam_search": {
        "sequences as lists, not tuples (red team)": """
def beam_search(log_p0, log_P, length, beam_width):
    beam = [([], 0.0)]
    for t in range(length):
        candidates = []
        for seq, score in beam:
            log_next = log_p0 if t == 0 else log_P[seq[-1]]
            for token, lp in enumerate(log_next):
                candidates.append((seq + [token], score + float(lp)))
        candidates.sort(key=lambda pair: pair[1], reverse=True)
        beam = candidates[:beam_width]
    return beam
""",
        "greedy whatever the beam width": """
def beam_search(log_p0, log_P, length, beam_width):
    seq, score = (), 0.0
    for t in range(length):
        log_next = log_p0 if t == 0 else log_P[seq[-1]]
        v = int(np.argmax(log_next))
        seq, score = seq + (v,), score + float(log_next[v])
    return [(seq, score)]
""",
        "ranks extensions by the last token's log-probability only (not the total)": """
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
""",
        "no global pruning: keeps the K best extensions of every hypothesis": """
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
""",
        "sorted ascending: keeps the worst hypotheses": """
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
""",
        "scores are probabilities multiplied, returned without the log": """
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
""",
    },
}

# Issue 16: the kinds of mistakes that got through the earlier hidden tests (in-place changes of arguments,
# overflowing exp, products of probabilities, inputs that do not play the same role).
MUTANTS["adder_weights"].update(
    {
        "third unit tests x1 + carry only (not symmetric in the two inputs; right on the syllabus table)": """
def adder_weights():
    return {"W_xh": np.array([[1.0, 1.0], [1.0, 1.0], [1.0, 0.0]]), "W_hh": np.array([[0.0, 1.0, 0.0]] * 3),
            "b_h": np.array([-0.5, -1.5, -1.5]), "w_hy": np.array([1.0, -1.0, 1.0]), "b_y": -0.5}
""",
    }
)
MUTANTS["equality_weights"].update(
    {
        "unit 1 tests x1 only (wrong on (1, 0), right on every visible pair)": """
def equality_weights():
    return {"W": np.array([[1.0, 0.0], [-1.0, -1.0]]), "b": np.array([-0.5, 0.5]), "v": np.array([1.0, 1.0]),
            "r": 1.0, "C": -1.5}
""",
    }
)
MUTANTS["rnn_forward"].update(
    {
        "updates h0 in place (the caller's initial state is overwritten)": """
def rnn_forward(X, h0, W_hh, W_xh, b):
    H = np.zeros((X.shape[0], h0.shape[0]))
    h = h0
    for t in range(X.shape[0]):
        h[:] = np.tanh(W_hh @ h + W_xh @ X[t] + b)
        H[t] = h
    return H
""",
        "H allocated with the dtype of X (integer inputs truncate the states)": """
def rnn_forward(X, h0, W_hh, W_xh, b):
    H = np.zeros((X.shape[0], h0.shape[0]), dtype=X.dtype)
    h = h0
    for t in range(X.shape[0]):
        h = np.tanh(W_hh @ h + W_xh @ X[t] + b)
        H[t] = h
    return H
""",
    }
)
MUTANTS["rnn_backward"].update(
    {
        "adds the gradient from later steps into dH in place": """
def rnn_backward(dH, X, h0, W_hh, W_xh, b):
    H = rnn_forward(X, h0, W_hh, W_xh, b)
    H_prev = np.vstack([h0[None, :], H[:-1]])
    dW_hh, dW_xh, db = np.zeros(W_hh.shape), np.zeros(W_xh.shape), np.zeros(b.shape)
    later = np.zeros(h0.shape)
    for t in range(X.shape[0] - 1, -1, -1):
        dH[t] += later
        eps = (1.0 - H[t] ** 2) * dH[t]
        dW_hh += np.outer(eps, H_prev[t])
        dW_xh += np.outer(eps, X[t])
        db += eps
        later = W_hh.T @ eps
    return dW_hh, dW_xh, db, later
""",
        "accumulators shaped and typed like the weights (integer weights: int gradients)": """
def rnn_backward(dH, X, h0, W_hh, W_xh, b):
    H = rnn_forward(X, h0, W_hh, W_xh, b)
    H_prev = np.vstack([h0[None, :], H[:-1]])
    dW_hh, dW_xh, db = np.zeros_like(W_hh), np.zeros_like(W_xh), np.zeros_like(b)
    later = np.zeros_like(h0)
    for t in range(X.shape[0] - 1, -1, -1):
        eps = (1.0 - H[t] ** 2) * (dH[t] + later)
        dW_hh = dW_hh + np.outer(eps, H_prev[t]).astype(dW_hh.dtype)
        dW_xh = dW_xh + np.outer(eps, X[t]).astype(dW_xh.dtype)
        db = db + eps.astype(db.dtype)
        later = W_hh.T @ eps
    return dW_hh, dW_xh, db, later
""",
    }
)
MUTANTS["lstm_cell_forward"].update(
    {
        "plain sigmoid 1 / (1 + exp(-a)) (overflows for a < -709)": """
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh
    sig = lambda z: 1.0 / (1.0 + np.exp(-z))
    i, f, g, o = sig(a[:, :n]), sig(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sig(a[:, 3 * n:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
""",
        "sigmoid exp(a) / (1 + exp(a)) (nan for large a)": """
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh
    with np.errstate(all="ignore"):
        sig = lambda z: np.exp(z) / (1.0 + np.exp(z))
        i, f, g, o = sig(a[:, :n]), sig(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sig(a[:, 3 * n:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
""",
        "np.where of the two formulas (both branches computed: overflow)": """
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh
    sig = lambda z: np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))
    i, f, g, o = sig(a[:, :n]), sig(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sig(a[:, 3 * n:])
    c = f * c_prev + i * g
    return o * np.tanh(c), c
""",
        "updates c_prev in place": """
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh
    sig = lambda z: np.exp(-np.logaddexp(0.0, -z))
    i, f, g, o = sig(a[:, :n]), sig(a[:, n:2 * n]), np.tanh(a[:, 2 * n:3 * n]), sig(a[:, 3 * n:])
    c_prev *= f
    c_prev += i * g
    return o * np.tanh(c_prev), c_prev.copy()
""",
    }
)
MUTANTS["sequence_log_prob"].update(
    {
        "product of probabilities, log taken at the end (underflows on long sequences)": """
def sequence_log_prob(seq, log_p0, log_P):
    p = float(np.exp(log_p0[seq[0]]))
    for a, b in zip(seq[:-1], seq[1:]):
        p *= float(np.exp(log_P[a, b]))
    with np.errstate(divide="ignore"):
        return float(np.log(p))
""",
    }
)
MUTANTS["beam_search"].update(
    {
        "ranks by products of probabilities and returns their log (underflow: ties at 0)": """
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
    with np.errstate(divide="ignore"):
        return [(seq, float(np.log(p))) for seq, p in beam]
""",
    }
)
MUTANTS["clip_grad_norm"].update(
    {
        "clips only when the norm exceeds max_norm (at norm == max_norm the documented factor is c / (c + 1e-6))": """
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads)))
    scale = max_norm / (total + 1e-6) if total > max_norm else 1.0
    return [np.asarray(g, float) * scale for g in grads], total
""",
        "returns the input arrays themselves when no clipping is needed": """
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(np.asarray(g, float) ** 2) for g in grads)))
    scale = min(1.0, max_norm / (total + 1e-6))
    if scale == 1.0:
        return list(grads), total
    return [np.asarray(g, float) * scale for g in grads], total
""",
    }
)

# Other correct implementations the text allows: each must get full marks (tests/test_mutants.py) for every
# seed of the property draws (tests/test_seeds_05.py).
CORRECT = {
    "step_rnn_forward": {
        "row vectors and np.heaviside (float outputs 0.0 / 1.0)": """
def step_rnn_forward(params, X):
    W_xh, W_hh = np.asarray(params["W_xh"]), np.asarray(params["W_hh"])
    h = np.zeros(W_hh.shape[0])
    out = []
    for x in np.asarray(X):
        h = np.heaviside(x @ W_xh.T + h @ W_hh.T + np.asarray(params["b_h"]), 0.0)
        out.append(np.heaviside(h @ np.asarray(params["w_hy"]) + params["b_y"], 0.0))
    return np.array(out)
""",
    },
    "adder_weights": {
        "all weights and biases scaled by 10 (the same thresholds)": """
def adder_weights():
    return {"W_xh": 10 * np.ones((3, 2)), "W_hh": 10 * np.array([[0, 1, 0], [0, 1, 0], [0, 1, 0]]),
            "b_h": np.array([-5, -15, -25]), "w_hy": np.array([10, -10, 10]), "b_y": -5}
""",
        "four units: a copy of the carry unit that nothing reads": """
def adder_weights():
    return {"W_xh": np.ones((4, 2)), "W_hh": np.array([[0.0, 1, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0]]),
            "b_h": np.array([-0.5, -1.5, -2.5, -1.5]), "w_hy": np.array([1.0, -1.0, 1.0, 0.0]), "b_y": -0.5}
""",
    },
    "equality_counterexample": {
        "pairs of sequences enumerated as (x1, x2) products, other order within a length": """
def equality_counterexample(params, max_length):
    for T in range(1, max_length + 1):
        for x1, x2 in itertools.product(itertools.product((1, 0), repeat=T), repeat=2):
            X = np.stack([np.array(x1), np.array(x2)], axis=1)
            truth = np.cumprod(X[:, 0] == X[:, 1])
            if np.any(equality_forward(params, X) != truth):
                return np.array(x1), np.array(x2)
    return None
""",
    },
    "equality_weights": {
        "other thresholds and recurrence (r = 2, C = -2.5)": """
def equality_weights():
    return {"W": np.array([[1, 1], [-1, -1]]), "b": np.array([-1.2, 0.8]), "v": np.array([1, 1]), "r": 2, "C": -2.5}
""",
    },
    "addition_batch": {
        "two independent draws for a and b, targets from Python integers": """
def addition_batch(rng, batch_size, length):
    A = rng.integers(0, 2, (batch_size, length))
    B = rng.integers(0, 2, (batch_size, length))
    Y = np.zeros((batch_size, length), dtype=np.int64)
    for i in range(batch_size):
        s = sum(int(A[i, t]) << t for t in range(length)) + sum(int(B[i, t]) << t for t in range(length))
        Y[i] = [(s >> t) & 1 for t in range(length)]
    return np.stack([A, B], axis=-1).astype(float), Y
""",
        "uniform floats thresholded at 1/2": """
def addition_batch(rng, batch_size, length):
    X = (rng.random((batch_size, length, 2)) < 0.5).astype(np.float64)
    Y = np.zeros((batch_size, length), dtype=np.int64)
    carry = np.zeros(batch_size)
    for t in range(length):
        k = X[:, t, 0] + X[:, t, 1] + carry
        Y[:, t] = k % 2
        carry = (k >= 2).astype(float)
    return X, Y
""",
    },
    "train_adder_rnn": {
        "functional BCE on flattened tensors, losses in a list, the generator made first": """
def train_adder_rnn(num_steps=800, hidden_size=8, lr=0.02, seed=0):
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    model = AdderRNN(hidden_size=hidden_size)
    opt = torch.optim.Adam(model.parameters(), lr)
    losses = []
    for _ in range(num_steps):
        T = int(rng.integers(1, 9))
        X, Y = addition_batch(rng, 64, T)
        logits = model(torch.from_numpy(X))
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits.reshape(-1),
                                                                    torch.from_numpy(Y).double().reshape(-1))
        losses.append(float(loss))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model, np.array(losses, dtype=np.float64)
""",
    },
    "rnn_forward": {
        "row vectors (PyTorch's layout), states collected in a list": """
def rnn_forward(X, h0, W_hh, W_xh, b):
    h, states = np.asarray(h0, dtype=float), []
    for x in np.asarray(X, dtype=float):
        h = np.tanh(h @ W_hh.T + x @ W_xh.T + b)
        states.append(h)
    return np.array(states)
""",
    },
    "rnn_backward": {
        "all eps_t first, then the weight gradients as matrix products": """
def rnn_backward(dH, X, h0, W_hh, W_xh, b):
    H = rnn_forward(X, h0, W_hh, W_xh, b)
    T = H.shape[0]
    E = np.zeros(H.shape)
    delta_next = np.zeros(H.shape[1])
    for t in reversed(range(T)):
        E[t] = (1 - H[t]) * (1 + H[t]) * (dH[t] + delta_next)
        delta_next = E[t] @ W_hh
    H_prev = np.concatenate([np.asarray(h0, dtype=float)[None], H[:-1]])
    return E.T @ H_prev, E.T @ np.asarray(X, dtype=float), E.sum(axis=0), W_hh.T @ E[0]
""",
    },
    "state_jacobian": {
        "step Jacobians collected, multiplied at the end (latest on the left)": """
def state_jacobian(X, h0, W_hh, W_xh, b):
    steps, h = [], np.asarray(h0, dtype=float)
    for x in X:
        h = np.tanh(W_hh @ h + W_xh @ x + b)
        steps.append(np.diag(1 - h * h) @ W_hh)
    J = np.eye(len(h))
    for step_J in steps:
        J = step_J @ J
    return J
""",
    },
    "clip_grad_norm": {
        "norm of the concatenated entries with np.linalg.norm": """
def clip_grad_norm(grads, max_norm):
    flat = np.concatenate([np.ravel(np.asarray(g, dtype=float)) for g in grads])
    total = float(np.linalg.norm(flat))
    factor = min(1.0, max_norm / (total + 1e-6))
    return [factor * np.asarray(g, dtype=float) for g in grads], total
""",
        "as PyTorch: the norm of the per-array norms": """
def clip_grad_norm(grads, max_norm):
    norms = [np.sqrt(np.sum(np.square(np.asarray(g, dtype=float)))) for g in grads]
    total = float(np.sqrt(np.sum(np.square(norms))))
    clip = np.clip(max_norm / (total + 1e-6), None, 1.0)
    return [np.asarray(g, dtype=float) * clip for g in grads], total
""",
    },
    "lstm_cell_forward": {
        "sigmoid as (1 + tanh(a / 2)) / 2, gates split with np.split": """
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    a = x @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    sig = lambda z: 0.5 * (1.0 + np.tanh(0.5 * z))
    c = sig(a_f) * c_prev + sig(a_i) * np.tanh(a_g)
    return sig(a_o) * np.tanh(c), c
""",
        "sigmoid by sign, exp of -|a| only": """
def lstm_cell_forward(x, h_prev, c_prev, W_ih, W_hh, b_ih, b_hh):
    n = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b_ih + b_hh
    e = np.exp(-np.abs(a))
    s = np.where(a >= 0, 1 / (1 + e), e / (1 + e))
    c = s[:, n:2 * n] * c_prev + s[:, :n] * np.tanh(a[:, 2 * n:3 * n])
    return s[:, 3 * n:] * np.tanh(c), c
""",
    },
    "sequence_log_prob": {
        "fancy indexing and np.sum": """
def sequence_log_prob(seq, log_p0, log_P):
    s = np.asarray(seq, dtype=int)
    return float(log_p0[s[0]] + np.sum(log_P[s[:-1], s[1:]]))
""",
    },
    "beam_search": {
        "vectorised scores, np.argsort over the flattened (K, V) table": """
def beam_search(log_p0, log_P, length, beam_width):
    seqs, scores = [()], np.zeros(1)
    for t in range(length):
        nxt = log_p0[None, :] if t == 0 else log_P[[s[-1] for s in seqs]]
        table = scores[:, None] + nxt
        order = np.argsort(-table, axis=None, kind="stable")[:beam_width]
        rows, cols = np.unravel_index(order, table.shape)
        seqs = [seqs[r] + (int(c),) for r, c in zip(rows, cols)]
        scores = table[rows, cols]
    return [(s, float(v)) for s, v in zip(seqs, scores)]
""",
        "heapq.nlargest over all extensions": """
def beam_search(log_p0, log_P, length, beam_width):
    import heapq

    beam = [((), 0.0)]
    for t in range(length):
        ext = [(seq + (v,), score + float((log_p0 if t == 0 else log_P[seq[-1]])[v]))
               for seq, score in beam for v in range(len(log_p0))]
        beam = heapq.nlargest(beam_width, ext, key=lambda p: p[1])
    return beam
""",
    },
}

EQUIVALENT = {
    "step_rnn_forward: line 11: constant 0 -> -1: `0`": (
        "W_hh is square (n_h, n_h), so W_hh.shape[-1] is W_hh.shape[0]"
    ),
    "step_rnn_forward: line 12: zeros -> ones: `np.zeros(len(X), dtype=np.int64)`": (
        "every entry of outputs is assigned in the loop (t = 0 .. T - 1) before it is returned, so its initial value is never seen"
    ),
    "step_rnn_forward: line 16: float32 result: `return outputs`": (
        "the outputs are the numbers 0 and 1, exactly representable in float32: the same values (the docstring asks for the values 0/1, and the tests compare them as integers)"
    ),
    "equality_counterexample: line 11: array -> asarray: `np.array(bits, dtype=np.int64)`": (
        "bits is a tuple of Python ints, so np.asarray makes a new int64 array exactly as np.array does"
    ),
    "equality_counterexample: line 13: swapped the first two arguments of array_equal: `np.array_equal(equality_forward(params, X), truth)`": (
        "np.array_equal is symmetric in its two arguments"
    ),
    "equality_counterexample: line 14: dropped .copy(): `X[:, 0].copy()`": (
        "X is a new array made inside the function: the returned views share memory only with each other and with nothing the caller holds, and they hold the same bits"
    ),
    "equality_counterexample: line 14: dropped .copy(): `X[:, 1].copy()`": (
        "X is a new array made inside the function: the returned views share memory only with each other and with nothing the caller holds, and they hold the same bits"
    ),
    "addition_batch: line 9: zeros -> ones: `np.zeros((batch_size, length), dtype=np.int64)`": (
        "every column Y[:, t], t = 0 .. T - 1, is assigned in the loop before Y is returned"
    ),
    "addition_batch: line 14: operator FloorDiv -> Div: `k // 2`": (
        "not strictly equivalent, but no test of a random batch can see it: with carry = k / 2 the carry becomes the exact fraction (sum of the lower bits) / 2**t, and k % 2 truncated into the int64 Y gives the same bit; float64 rounding can only change a bit after a run of more than 52 consecutive steps with exactly one input bit 1, which the uniform draws the function must make produce with probability about 2**-52 per position"
    ),
    "addition_batch: line 8: swapped with the next statement: `X = rng.integers(0, 2, size=(batch_size, length, 2))`": (
        "the two statements are independent (neither reads what the other assigns), so their order cannot change the result"
    ),
    "addition_batch: line 9: swapped with the next statement: `Y = np.zeros((batch_size, length), dtype=np.int64)`": (
        "the two statements are independent (neither reads what the other assigns), so their order cannot change the result"
    ),
    "addition_batch: line 13: swapped with the next statement: `Y[:, t] = k % 2`": (
        "both statements only read k: Y[:, t] and carry are computed from the same k in either order"
    ),
    "train_adder_rnn: line 20: array -> asarray: `np.array(losses, dtype=np.float64)`": (
        "losses is a Python list built in the function, so np.asarray makes a new float64 array exactly as np.array does"
    ),
    "train_adder_rnn: line 15: swapped with the next statement: `loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(Y,`": (
        "zeroing the gradients before or after the forward pass is the same: the forward pass neither reads nor writes .grad"
    ),
    "train_adder_rnn: line 18: swapped with the next statement: `optimizer.step()`": (
        "loss.item() is the value computed in the forward pass, before the step; the step changes the weights, not that number"
    ),
    "rnn_forward: line 8: zeros -> ones: `np.zeros((X.shape[0], h0.shape[0]))`": (
        "every row H[t], t = 0 .. T - 1, is assigned in the loop before H is returned"
    ),
    "rnn_forward: line 8: constant 0 -> -1: `0` (2)": ("h0 is 1-D, so h0.shape[-1] is h0.shape[0]"),
    "rnn_forward: line 8: swapped with the next statement: `H = np.zeros((X.shape[0], h0.shape[0]))`": (
        "the two statements are independent (neither reads what the other assigns), so their order cannot change the result"
    ),
    "rnn_backward: line 9: swapped with the next statement: `H_prev = np.vstack([h0[None, :], H[:-1]])`": (
        "the two statements are independent (neither reads what the other assigns), so their order cannot change the result"
    ),
    "rnn_backward: line 10: swapped with the next statement: `dW_hh, dW_xh, db = (np.zeros(W_hh.shape), np.zeros(W_xh.shap`": (
        "the two statements are independent (neither reads what the other assigns), so their order cannot change the result"
    ),
    "rnn_backward: line 15: swapped with the next statement: `dW_hh += np.outer(eps, H_prev[t])`": (
        "the two statements are independent (neither reads what the other assigns), so their order cannot change the result"
    ),
    "rnn_backward: line 16: swapped with the next statement: `dW_xh += np.outer(eps, X[t])`": (
        "the two statements are independent (neither reads what the other assigns), so their order cannot change the result"
    ),
    "rnn_backward: line 17: swapped with the next statement: `db += eps`": (
        "db += eps does not change eps, which the next statement reads: the order cannot change the result"
    ),
    "state_jacobian: line 7: constant 0 -> -1: `0`": ("h0 is 1-D, so h0.shape[-1] is h0.shape[0]"),
    "state_jacobian: line 7: swapped with the next statement: `J = np.eye(h0.shape[0])`": (
        "the two statements are independent (neither reads what the other assigns), so their order cannot change the result"
    ),
    "clip_grad_norm: line 9: swapped the first two arguments of min: `min(1.0, max_norm / (total_norm + 1e-06))`": (
        "min of two numbers is the same number whichever comes first (when they are equal, both are 1.0)"
    ),
    "lstm_cell_forward: line 11: swapped the first two arguments of logaddexp: `np.logaddexp(0.0, -a)`": (
        "np.logaddexp is symmetric: log(e**x + e**y) = log(e**y + e**x), computed the same way"
    ),
    "lstm_cell_forward: line 7: swapped with the next statement: `n_h = h_prev.shape[1]`": (
        "the two statements are independent (neither reads what the other assigns), so their order cannot change the result"
    ),
    "sequence_log_prob: line 9: True -> False: `True`": (
        "zip(seq[:-1], seq[1:]) always has two arguments of the same length T - 1, so strict=True never raises"
    ),
    "step_rnn_forward: line 11: constant 0 -> 1: `0`": ("W_hh is square (n_h, n_h), so W_hh.shape[1] is W_hh.shape[0]"),
    "step_rnn_forward: line 11: swapped with the next statement: `h = np.zeros(W_hh.shape[0])`": (
        "the two statements are independent (neither reads what the other assigns), so their order cannot change the result"
    ),
    "adder_weights: line 11: array -> asarray: `np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]`": (
        "the argument is a new nested list, so np.asarray makes a new float array exactly as np.array does"
    ),
    "adder_weights: line 12: array -> asarray: `np.array([-0.5, -1.5, -2.5])`": (
        "the argument is a new list, so np.asarray makes a new float array exactly as np.array does"
    ),
    "adder_weights: line 14: array -> asarray: `np.array([1.0, -1.0, 1.0])`": (
        "the argument is a new list, so np.asarray makes a new float array exactly as np.array does"
    ),
    "adder_weights: line 11: constant 1.0 -> 2.0: `1.0`": (
        "the network still adds exactly on every input of every length (the hidden check explores every state it can reach, with the true carry, for every input pair, and finds no error): unit 1 (k >= 1) reads the carry with weight 2; with a carry of 1 it fires anyway, so it tests k >= 1 as before"
    ),
    "adder_weights: line 11: constant 0.0 -> 1.0: `0.0` (2)": (
        "the network still adds exactly on every input of every length (the hidden check explores every state it can reach, with the true carry, for every input pair, and finds no error): unit 1 also reads unit 3 (k >= 3); unit 3 fires only when the carry unit fires, and then unit 1 fires anyway"
    ),
    "adder_weights: line 12: constant 0.5 -> 0.0: `0.5`": (
        "the network still adds exactly on every input of every length (the hidden check explores every state it can reach, with the true carry, for every input pair, and finds no error): unit 1 fires when k > 0 instead of k > 0.5, the same for the integer count k"
    ),
    "adder_weights: line 14: constant 1.0 -> 2.0: `1.0` (3)": (
        "the network still adds exactly on every input of every length (the hidden check explores every state it can reach, with the true carry, for every input pair, and finds no error): with weight 2 on unit 3 the output pre-activation for k = 3 is 1 - 1 + 2 - 0.5 > 0, and for k < 3 it is unchanged"
    ),
    "adder_weights: line 15: constant 0.5 -> 0.0: `0.5`": (
        "the network still adds exactly on every input of every length (the hidden check explores every state it can reach, with the true carry, for every input pair, and finds no error): the output fires when w_hy . h > 0 instead of > 0.5; w_hy . h is 0 or 1, so the output is the same"
    ),
    "equality_counterexample: line 9: range argument 1 -1: `range(1, max_length + 1)`": (
        "the search also tries T = 0 first: empty sequences, on which the network's output and the truth are both empty, so it goes on to T = 1 as before"
    ),
    "equality_counterexample: line 9: constant 1 -> 0: `1`": (
        "the search also tries T = 0 first: empty sequences, on which the network's output and the truth are both empty, so it goes on to T = 1 as before"
    ),
    "equality_weights: line 7: array -> asarray: `np.array([[1.0, 1.0], [-1.0, -1.0]])`": (
        "the argument is a new nested list, so np.asarray makes a new float array exactly as np.array does"
    ),
    "equality_weights: line 8: array -> asarray: `np.array([-1.5, 0.5])`": (
        "the argument is a new list, so np.asarray makes a new float array exactly as np.array does"
    ),
    "equality_weights: line 9: array -> asarray: `np.array([1.0, 1.0])`": (
        "the argument is a new list, so np.asarray makes a new float array exactly as np.array does"
    ),
    "equality_weights: line 7: constant 1.0 -> 2.0: `1.0` (3)": (
        "the network is still right on every input of every length (the hidden check explores every reachable (y, truth) state for every input pair): unit 2 becomes g(0.5 - 2 x1 - x2), still 1 only for the input (0, 0): a NOR"
    ),
    "equality_weights: line 7: constant 1.0 -> 2.0: `1.0` (4)": (
        "the network is still right on every input of every length (the hidden check explores every reachable (y, truth) state for every input pair): unit 2 becomes g(0.5 - x1 - 2 x2), still 1 only for the input (0, 0): a NOR"
    ),
    "equality_weights: line 8: constant 0.5 -> 1.0: `0.5`": (
        "the network is still right on every input of every length (the hidden check explores every reachable (y, truth) state for every input pair): unit 2 becomes g(1 - x1 - x2), 1 only for (0, 0) because g(0) = 0: still a NOR"
    ),
    "train_adder_rnn: line 11: swapped with the next statement: `optimizer, loss_fn = (torch.optim.Adam(model.parameters(), l`": (
        "the two statements are independent (neither reads what the other assigns), so their order cannot change the result"
    ),
}
