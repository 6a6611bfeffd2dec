"""Plausible wrong answers for 04_cnn_shapes: each must lose points on its function's test cells."""

_CONV_BACKWARD_TEMPLATE = """
def conv2d_backward(dout, X, W, stride=1, pad=0):
    N, C, H, Wd = X.shape
    n_filters, _, kh, kw = W.shape
    _, _, Ho, Wo = dout.shape
    db = {db}
    dilated = np.zeros((N, n_filters, {dil_h}, {dil_w}))
    dilated[:, :, ::{step}, ::{step}] = dout
    Xp = {xp}
    dW = conv2d_forward(Xp.transpose(1, 0, 2, 3), dilated.transpose(1, 0, 2, 3), np.zeros(n_filters))
    dW = dW[:, :, :kh, :kw].transpose(1, 0, 2, 3)
    full = np.pad(dilated, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    W_flipped = {w_flipped}
    dXp_part = conv2d_forward(full, W_flipped, np.zeros(C))
    dXp = np.zeros((N, C, H + 2 * pad, Wd + 2 * pad))
    dXp[:, :, : dXp_part.shape[2], : dXp_part.shape[3]] = dXp_part[:, :, : H + 2 * pad, : Wd + 2 * pad]
    dX = {dx}
    return dX, dW, db
"""
_CONV_BACKWARD_OK = dict(
    db="dout.sum(axis=(0, 2, 3))",
    dil_h="stride * (Ho - 1) + 1",
    dil_w="stride * (Wo - 1) + 1",
    step="stride",
    xp="np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))",
    w_flipped="W[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)",
    dx="dXp[:, :, pad : pad + H, pad : pad + Wd]",
)


def _conv_backward(**changes):
    return _CONV_BACKWARD_TEMPLATE.format(**{**_CONV_BACKWARD_OK, **changes})


MUTANTS = {
    "conv2d_forward": {
        "kernel flipped (a true convolution instead of PyTorch's cross-correlation)": """
def conv2d_forward(X, W, b, stride=1, pad=0):
    N, C, H, Wd = X.shape
    n_filters, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = (H + 2 * pad - kh) // stride + 1, (Wd + 2 * pad - kw) // stride + 1
    Wf = W[:, :, ::-1, ::-1]
    Z = np.zeros((N, n_filters, Ho, Wo))
    for u in range(kh):
        for v in range(kw):
            window = Xp[:, :, u : u + stride * (Ho - 1) + 1 : stride, v : v + stride * (Wo - 1) + 1 : stride]
            Z += np.einsum("nchw,fc->nfhw", window, Wf[:, :, u, v])
    return Z + b[None, :, None, None]
""",
        "bias forgotten": """
def conv2d_forward(X, W, b, stride=1, pad=0):
    N, C, H, Wd = X.shape
    n_filters, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = (H + 2 * pad - kh) // stride + 1, (Wd + 2 * pad - kw) // stride + 1
    Z = np.zeros((N, n_filters, Ho, Wo))
    for u in range(kh):
        for v in range(kw):
            window = Xp[:, :, u : u + stride * (Ho - 1) + 1 : stride, v : v + stride * (Wo - 1) + 1 : stride]
            Z += np.einsum("nchw,fc->nfhw", window, W[:, :, u, v])
    return Z
""",
        "padding added on one side only": """
def conv2d_forward(X, W, b, stride=1, pad=0):
    N, C, H, Wd = X.shape
    n_filters, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (pad, 0), (pad, 0)))
    Ho, Wo = (H + pad - kh) // stride + 1, (Wd + pad - kw) // stride + 1
    Z = np.zeros((N, n_filters, Ho, Wo))
    for u in range(kh):
        for v in range(kw):
            window = Xp[:, :, u : u + stride * (Ho - 1) + 1 : stride, v : v + stride * (Wo - 1) + 1 : stride]
            Z += np.einsum("nchw,fc->nfhw", window, W[:, :, u, v])
    return Z + b[None, :, None, None]
""",
        "stride ignored": """
def conv2d_forward(X, W, b, stride=1, pad=0):
    N, C, H, Wd = X.shape
    n_filters, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = H + 2 * pad - kh + 1, Wd + 2 * pad - kw + 1
    Z = np.zeros((N, n_filters, Ho, Wo))
    for u in range(kh):
        for v in range(kw):
            Z += np.einsum("nchw,fc->nfhw", Xp[:, :, u : u + Ho, v : v + Wo], W[:, :, u, v])
    return Z + b[None, :, None, None]
""",
        "channels not summed (uses channel 0 only)": """
def conv2d_forward(X, W, b, stride=1, pad=0):
    N, C, H, Wd = X.shape
    n_filters, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = (H + 2 * pad - kh) // stride + 1, (Wd + 2 * pad - kw) // stride + 1
    Z = np.zeros((N, n_filters, Ho, Wo))
    for u in range(kh):
        for v in range(kw):
            window = Xp[:, :1, u : u + stride * (Ho - 1) + 1 : stride, v : v + stride * (Wo - 1) + 1 : stride]
            Z += np.einsum("nchw,fc->nfhw", window, W[:, :1, u, v])
    return Z + b[None, :, None, None]
""",
    },
    "conv_output_size": {
        "ceil instead of floor": """
def conv_output_size(n, k, s=1, p=0):
    return math.ceil((n + 2 * p - k) / s) + 1
""",
        "padding counted once": """
def conv_output_size(n, k, s=1, p=0):
    return (n + p - k) // s + 1
""",
        "the +1 forgotten": """
def conv_output_size(n, k, s=1, p=0):
    return (n + 2 * p - k) // s
""",
        "true division (a float, no floor)": """
def conv_output_size(n, k, s=1, p=0):
    return (n + 2 * p - k) / s + 1
""",
        "stride divides the whole size": """
def conv_output_size(n, k, s=1, p=0):
    return (n + 2 * p) // s - k + 1
""",
    },
    "maxpool_forward": {
        "average instead of max": """
def maxpool_forward(X, k=2, s=2):
    N, C, H, W = X.shape
    Ho, Wo = (H - k) // s + 1, (W - k) // s + 1
    out = np.zeros((N, C, Ho, Wo))
    for u in range(k):
        for v in range(k):
            out += X[:, :, u : u + s * (Ho - 1) + 1 : s, v : v + s * (Wo - 1) + 1 : s] / (k * k)
    return out
""",
        "stride taken equal to the window": """
def maxpool_forward(X, k=2, s=2):
    s = k
    N, C, H, W = X.shape
    Ho, Wo = (H - k) // s + 1, (W - k) // s + 1
    out = np.full((N, C, Ho, Wo), -np.inf)
    for u in range(k):
        for v in range(k):
            out = np.maximum(out, X[:, :, u : u + s * (Ho - 1) + 1 : s, v : v + s * (Wo - 1) + 1 : s])
    return out
""",
        "ceil mode (a partial window at the end)": """
def maxpool_forward(X, k=2, s=2):
    N, C, H, W = X.shape
    Ho, Wo = -(-(H - k) // s) + 1, -(-(W - k) // s) + 1
    out = np.full((N, C, Ho, Wo), -np.inf)
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = X[:, :, i * s : i * s + k, j * s : j * s + k].max(axis=(2, 3))
    return out
""",
        "max over the channels too": """
def maxpool_forward(X, k=2, s=2):
    N, C, H, W = X.shape
    Ho, Wo = (H - k) // s + 1, (W - k) // s + 1
    out = np.zeros((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = X[:, :, i * s : i * s + k, j * s : j * s + k].max(axis=(1, 2, 3))[:, None]
    return out
""",
    },
    "conv_param_count": {
        "bias forgotten": """
def conv_param_count(c_in, c_out, kh, kw):
    return kh * kw * c_in * c_out
""",
        "one bias per input channel": """
def conv_param_count(c_in, c_out, kh, kw):
    return (kh * kw + 1) * c_in * c_out
""",
        "input channels forgotten": """
def conv_param_count(c_in, c_out, kh, kw):
    return (kh * kw + 1) * c_out
""",
        "square kernel assumed (kh * kh)": """
def conv_param_count(c_in, c_out, kh, kw):
    return (kh * kh * c_in + 1) * c_out
""",
    },
    "fc_param_count": {
        "bias forgotten": """
def fc_param_count(d_in, d_out):
    return d_in * d_out
""",
        "one bias per input": """
def fc_param_count(d_in, d_out):
    return d_in * (d_out + 1)
""",
        "bias added once": """
def fc_param_count(d_in, d_out):
    return d_in * d_out + 1
""",
    },
    "layer_table": {
        "bias forgotten in the conv rows": """
def layer_table(in_shape, layers):
    shape, rows = tuple(in_shape), []
    for layer in layers:
        if layer[0] == "conv":
            _, nf, k, s, p = layer
            c, h, w = shape
            shape = (nf, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1)
            n = k * k * c * nf
        elif layer[0] == "pool":
            _, k, s = layer
            c, h, w = shape
            shape, n = (c, (h - k) // s + 1, (w - k) // s + 1), 0
        else:
            n = (math.prod(shape) + 1) * layer[1]
            shape = (layer[1],)
        rows.append((shape, n))
    return rows
""",
        "ceil in the pooling layers": """
def layer_table(in_shape, layers):
    shape, rows = tuple(in_shape), []
    for layer in layers:
        if layer[0] == "conv":
            _, nf, k, s, p = layer
            c, h, w = shape
            shape = (nf, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1)
            n = (k * k * c + 1) * nf
        elif layer[0] == "pool":
            _, k, s = layer
            c, h, w = shape
            shape, n = (c, math.ceil((h - k) / s) + 1, math.ceil((w - k) / s) + 1), 0
        else:
            n = (math.prod(shape) + 1) * layer[1]
            shape = (layer[1],)
        rows.append((shape, n))
    return rows
""",
        "'padding 1 unless stated' applied to the pools too": """
def layer_table(in_shape, layers):
    shape, rows = tuple(in_shape), []
    for layer in layers:
        if layer[0] == "conv":
            _, nf, k, s, p = layer
            c, h, w = shape
            shape = (nf, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1)
            n = (k * k * c + 1) * nf
        elif layer[0] == "pool":
            _, k, s = layer
            c, h, w = shape
            shape, n = (c, (h + 2 - k) // s + 1, (w + 2 - k) // s + 1), 0
        else:
            n = (math.prod(shape) + 1) * layer[1]
            shape = (layer[1],)
        rows.append((shape, n))
    return rows
""",
        "fc input counted without the channels": """
def layer_table(in_shape, layers):
    shape, rows = tuple(in_shape), []
    for layer in layers:
        if layer[0] == "conv":
            _, nf, k, s, p = layer
            c, h, w = shape
            shape = (nf, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1)
            n = (k * k * c + 1) * nf
        elif layer[0] == "pool":
            _, k, s = layer
            c, h, w = shape
            shape, n = (c, (h - k) // s + 1, (w - k) // s + 1), 0
        else:
            d_in = math.prod(shape[1:]) if len(shape) == 3 else shape[0]
            n = (d_in + 1) * layer[1]
            shape = (layer[1],)
        rows.append((shape, n))
    return rows
""",
        "'same' padding assumed for every conv": """
def layer_table(in_shape, layers):
    shape, rows = tuple(in_shape), []
    for layer in layers:
        if layer[0] == "conv":
            _, nf, k, s, p = layer
            c, h, w = shape
            shape = (nf, (h - 1) // s + 1, (w - 1) // s + 1)
            n = (k * k * c + 1) * nf
        elif layer[0] == "pool":
            _, k, s = layer
            c, h, w = shape
            shape, n = (c, (h - k) // s + 1, (w - k) // s + 1), 0
        else:
            n = (math.prod(shape) + 1) * layer[1]
            shape = (layer[1],)
        rows.append((shape, n))
    return rows
""",
    },
    "fc_equivalent_param_count": {
        "bias forgotten": """
def fc_equivalent_param_count(in_shape, out_shape):
    return math.prod(in_shape) * math.prod(out_shape)
""",
        "channels forgotten (spatial sizes only)": """
def fc_equivalent_param_count(in_shape, out_shape):
    return (math.prod(in_shape[1:]) + 1) * math.prod(out_shape[1:] or out_shape)
""",
        "one bias per input": """
def fc_equivalent_param_count(in_shape, out_shape):
    return math.prod(in_shape) * (math.prod(out_shape) + 1)
""",
    },
    "activation_count": {
        "the input image forgotten": """
def activation_count(in_shape, layers):
    return sum(math.prod(shape) for shape, _ in layer_table(in_shape, layers))
""",
        "pooling outputs not counted": """
def activation_count(in_shape, layers):
    rows = layer_table(in_shape, layers)
    return math.prod(in_shape) + sum(math.prod(shape) for (shape, _), layer in zip(rows, layers) if layer[0] != "pool")
""",
        "parameters counted as activations": """
def activation_count(in_shape, layers):
    return math.prod(in_shape) + sum(math.prod(shape) + n for shape, n in layer_table(in_shape, layers))
""",
        "bytes instead of numbers": """
def activation_count(in_shape, layers):
    return 4 * (math.prod(in_shape) + sum(math.prod(shape) for shape, _ in layer_table(in_shape, layers)))
""",
    },
    "training_memory_bytes": {
        "bytes vs elements (numbers, not bytes)": """
def training_memory_bytes(in_shape, layers, batch_size):
    n_params = sum(n for _, n in layer_table(in_shape, layers))
    return batch_size * activation_count(in_shape, layers) + 2 * n_params
""",
        "gradients of the parameters forgotten": """
def training_memory_bytes(in_shape, layers, batch_size):
    n_params = sum(n for _, n in layer_table(in_shape, layers))
    return 4 * (batch_size * activation_count(in_shape, layers) + n_params)
""",
        "parameters multiplied by the batch size": """
def training_memory_bytes(in_shape, layers, batch_size):
    n_params = sum(n for _, n in layer_table(in_shape, layers))
    return 4 * batch_size * (activation_count(in_shape, layers) + 2 * n_params)
""",
        "8 bytes per number (float64)": """
def training_memory_bytes(in_shape, layers, batch_size):
    n_params = sum(n for _, n in layer_table(in_shape, layers))
    return 8 * (batch_size * activation_count(in_shape, layers) + 2 * n_params)
""",
    },
    "max_batch_size": {
        "rounded up instead of down": """
def max_batch_size(in_shape, layers, budget_bytes):
    fixed = training_memory_bytes(in_shape, layers, 0)
    per_image = training_memory_bytes(in_shape, layers, 1) - fixed
    return max(0, math.ceil((budget_bytes - fixed) / per_image))
""",
        "parameters ignored": """
def max_batch_size(in_shape, layers, budget_bytes):
    return budget_bytes // (4 * activation_count(in_shape, layers))
""",
        "bytes vs elements (budget compared with numbers)": """
def max_batch_size(in_shape, layers, budget_bytes):
    n_params = sum(n for _, n in layer_table(in_shape, layers))
    return max(0, (budget_bytes - 2 * n_params) // activation_count(in_shape, layers))
""",
        "negative when nothing fits": """
def max_batch_size(in_shape, layers, budget_bytes):
    fixed = training_memory_bytes(in_shape, layers, 0)
    per_image = training_memory_bytes(in_shape, layers, 1) - fixed
    return (budget_bytes - fixed) // per_image
""",
        "off by one (the first batch that does not fit)": """
def max_batch_size(in_shape, layers, budget_bytes):
    fixed = training_memory_bytes(in_shape, layers, 0)
    per_image = training_memory_bytes(in_shape, layers, 1) - fixed
    return max(0, (budget_bytes - fixed) // per_image + 1)
""",
    },
    "receptive_field": {
        "receptive field without the jump": """
def receptive_field(layers):
    r, jump, start = 1, 1, 0
    for layer in layers:
        k, s, p = (layer[2], layer[3], layer[4]) if layer[0] == "conv" else (layer[1], layer[2], 0)
        r, start, jump = r + (k - 1), start - p * jump, jump * s
    return r, jump, start
""",
        "jump updated before the size": """
def receptive_field(layers):
    r, jump, start = 1, 1, 0
    for layer in layers:
        k, s, p = (layer[2], layer[3], layer[4]) if layer[0] == "conv" else (layer[1], layer[2], 0)
        jump = jump * s
        r, start = r + (k - 1) * jump, start - p * jump
    return r, jump, start
""",
        "padding ignored in the start": """
def receptive_field(layers):
    r, jump, start = 1, 1, 0
    for layer in layers:
        k, s, p = (layer[2], layer[3], layer[4]) if layer[0] == "conv" else (layer[1], layer[2], 0)
        r, jump = r + (k - 1) * jump, jump * s
    return r, jump, start
""",
        "sizes of the layers added up": """
def receptive_field(layers):
    r, jump, start = 1, 1, 0
    for layer in layers:
        k, s, p = (layer[2], layer[3], layer[4]) if layer[0] == "conv" else (layer[1], layer[2], 0)
        r, start, jump = r + k - 1 if r > 1 else k, start - p * jump, jump * s
    return r, jump, start
""",
        "padding not scaled by the jump": """
def receptive_field(layers):
    r, jump, start = 1, 1, 0
    for layer in layers:
        k, s, p = (layer[2], layer[3], layer[4]) if layer[0] == "conv" else (layer[1], layer[2], 0)
        r, start, jump = r + (k - 1) * jump, start - p, jump * s
    return r, jump, start
""",
    },
    "receptive_region": {
        "not clipped to the image": """
def receptive_region(layers, i, j, in_hw):
    r, jump, start = receptive_field(layers)
    return start + i * jump, start + i * jump + r, start + j * jump, start + j * jump + r
""",
        "inclusive end instead of half-open": """
def receptive_region(layers, i, j, in_hw):
    r, jump, start = receptive_field(layers)
    H, W = in_hw
    top, left = start + i * jump, start + j * jump
    return max(top, 0), min(top + r - 1, H - 1), max(left, 0), min(left + r - 1, W - 1)
""",
        "start offset ignored": """
def receptive_region(layers, i, j, in_hw):
    r, jump, start = receptive_field(layers)
    H, W = in_hw
    top, left = i * jump, j * jump
    return max(top, 0), min(top + r, H), max(left, 0), min(left + r, W)
""",
        "centred on i * jump": """
def receptive_region(layers, i, j, in_hw):
    r, jump, start = receptive_field(layers)
    H, W = in_hw
    top, left = i * jump - r // 2, j * jump - r // 2
    return max(top, 0), min(top + r, H), max(left, 0), min(left + r, W)
""",
        "rows and columns swapped (clipped with W and H)": """
def receptive_region(layers, i, j, in_hw):
    r, jump, start = receptive_field(layers)
    W, H = in_hw
    top, left = start + i * jump, start + j * jump
    return max(top, 0), min(top + r, H), max(left, 0), min(left + r, W)
""",
    },
    "conv2d_backward": {
        "kernel not flipped in dX": _conv_backward(w_flipped="W.transpose(1, 0, 2, 3)"),
        "db summed over the batch only": _conv_backward(db="dout.sum(axis=0)"),
        "db summed over the positions but not the batch": _conv_backward(db="dout[0].sum(axis=(1, 2))"),
        "dW from the unpadded input": _conv_backward(xp="np.pad(X, ((0, 0), (0, 0), (0, 2 * pad), (0, 2 * pad)))"),
        "stride ignored (dout not dilated)": _conv_backward(dil_h="Ho", dil_w="Wo", step="1"),
        "padding not cropped from dX": _conv_backward(dx="dXp[:, :, :H, :Wd]"),
    },
    "maxpool_backward": {
        "gradient spread evenly over the window (average-pool backward)": """
def maxpool_backward(dout, X, k=2, s=2):
    dX = np.zeros_like(X, dtype=float)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dX[:, :, i * s : i * s + k, j * s : j * s + k] += dout[:, :, i, j][:, :, None, None] / (k * k)
    return dX
""",
        "overwrites instead of adding when windows overlap": """
def maxpool_backward(dout, X, k=2, s=2):
    N, C, H, W = X.shape
    dX = np.zeros_like(X, dtype=float)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = X[:, :, i * s : i * s + k, j * s : j * s + k]
            mask = window == window.max(axis=(2, 3), keepdims=True)
            region = dX[:, :, i * s : i * s + k, j * s : j * s + k]
            region[mask] = np.broadcast_to(dout[:, :, i, j][:, :, None, None], mask.shape)[mask]
    return dX
""",
        "argmax unravelled with the wrong axis order": """
def maxpool_backward(dout, X, k=2, s=2):
    N, C, H, W = X.shape
    dX = np.zeros_like(X, dtype=float)
    n_idx, c_idx = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = X[:, :, i * s : i * s + k, j * s : j * s + k].reshape(N, C, k * k)
            v, u = np.divmod(window.argmax(axis=2), k)
            np.add.at(dX, (n_idx, c_idx, i * s + u, j * s + v), dout[:, :, i, j])
    return dX
""",
        "stride taken equal to the window": """
def maxpool_backward(dout, X, k=2, s=2):
    s = k
    N, C, H, W = X.shape
    dX = np.zeros_like(X, dtype=float)
    n_idx, c_idx = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = X[:, :, i * s : i * s + k, j * s : j * s + k].reshape(N, C, -1)
            if window.shape[2] < k * k:
                continue
            u, v = np.divmod(window.argmax(axis=2), k)
            np.add.at(dX, (n_idx, c_idx, i * s + u, j * s + v), dout[:, :, i, j])
    return dX
""",
    },
    "depthwise_separable_param_count": {
        "biases forgotten": """
def depthwise_separable_param_count(c_in, c_out, k):
    return c_in * k * k + c_in * c_out
""",
        "depthwise part counted as a standard convolution": """
def depthwise_separable_param_count(c_in, c_out, k):
    return (k * k * c_in + 1) * c_in + (c_in + 1) * c_out
""",
        "pointwise bias forgotten": """
def depthwise_separable_param_count(c_in, c_out, k):
    return c_in * (k * k + 1) + c_in * c_out
""",
        "depthwise bias forgotten": """
def depthwise_separable_param_count(c_in, c_out, k):
    return c_in * k * k + (c_in + 1) * c_out
""",
    },
    "conv1x1_as_fc": {
        "bias forgotten": """
def conv1x1_as_fc(X, W, b):
    return np.einsum("fc,nchw->nfhw", W, X)
""",
        "reshaped without moving the channels last": """
def conv1x1_as_fc(X, W, b):
    N, C, H, Wd = X.shape
    out = X.reshape(N * H * Wd, C) @ W.T + b
    return out.reshape(N, W.shape[0], H, Wd)
""",
        "weights transposed": """
def conv1x1_as_fc(X, W, b):
    return np.einsum("cf,nchw->nfhw", W.reshape(W.shape[1], W.shape[0]), X) + b[None, :, None, None]
""",
        "output reshaped without moving the channels back": """
def conv1x1_as_fc(X, W, b):
    N, C, H, Wd = X.shape
    out = X.transpose(0, 2, 3, 1).reshape(-1, C) @ W.T + b
    return out.reshape(N, W.shape[0], H, Wd)
""",
    },
}

# Other correct implementations the text allows: each must get full marks on every test cell of its function.
CORRECT = {
    "conv2d_forward": {
        "a loop over output positions, one tensordot per window": """
def conv2d_forward(X, W, b, stride=1, pad=0):
    N, C, H, Wd = X.shape
    n_filters, _, kh, kw = W.shape
    Xp = np.zeros((N, C, H + 2 * pad, Wd + 2 * pad))
    Xp[:, :, pad : pad + H, pad : pad + Wd] = X
    Ho, Wo = (H + 2 * pad - kh) // stride + 1, (Wd + 2 * pad - kw) // stride + 1
    Z = np.empty((N, n_filters, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            window = Xp[:, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
            Z[:, :, i, j] = np.tensordot(window, W, axes=([1, 2, 3], [1, 2, 3])) + b
    return Z
""",
        "im2col: windows as rows of a matrix, one matrix product": """
def conv2d_forward(X, W, b, stride=1, pad=0):
    N, C, H, Wd = X.shape
    n_filters, _, kh, kw = W.shape
    Xp = np.pad(X.astype(float), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = (H + 2 * pad - kh) // stride + 1, (Wd + 2 * pad - kw) // stride + 1
    cols = np.lib.stride_tricks.sliding_window_view(Xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride][:, :, :Ho, :Wo]
    cols = cols.transpose(0, 2, 3, 1, 4, 5).reshape(N * Ho * Wo, C * kh * kw)
    Z = cols @ W.reshape(n_filters, -1).T + b
    return Z.reshape(N, Ho, Wo, n_filters).transpose(0, 3, 1, 2).copy()
""",
    },
    "conv_output_size": {
        "math.floor of a true division": """
def conv_output_size(n, k, s=1, p=0):
    return math.floor((n + 2 * p - k) / s) + 1
""",
        "counting the window positions in a loop": """
def conv_output_size(n, k, s=1, p=0):
    count, start = 0, 0
    while start + k <= n + 2 * p:
        count, start = count + 1, start + s
    return count
""",
    },
    "maxpool_forward": {
        "a loop over output positions, max over each window": """
def maxpool_forward(X, k=2, s=2):
    N, C, H, W = X.shape
    Ho, Wo = (H - k) // s + 1, (W - k) // s + 1
    out = np.empty((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = X[:, :, i * s : i * s + k, j * s : j * s + k].max(axis=(2, 3))
    return out
""",
        "sliding_window_view": """
def maxpool_forward(X, k=2, s=2):
    windows = np.lib.stride_tricks.sliding_window_view(X, (k, k), axis=(2, 3))[:, :, ::s, ::s]
    return windows.max(axis=(4, 5))
""",
    },
    "conv_param_count": {
        "weights plus biases, expanded": """
def conv_param_count(c_in, c_out, kh, kw):
    return kh * kw * c_in * c_out + c_out
""",
    },
    "fc_param_count": {
        "weights plus biases, expanded": """
def fc_param_count(d_in, d_out):
    return d_in * d_out + d_out
""",
    },
    "layer_table": {
        "explicit c, h, w and a flattened size, rows as lists": """
def layer_table(in_shape, layers):
    c, h, w = in_shape
    flat = None
    rows = []
    for layer in layers:
        if layer[0] == "conv":
            _, n_filters, k, s, p = layer
            params = (k * k * c + 1) * n_filters
            c, h, w = n_filters, (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
            rows.append([[c, h, w], params])
        elif layer[0] == "pool":
            _, k, s = layer
            h, w = (h - k) // s + 1, (w - k) // s + 1
            rows.append([[c, h, w], 0])
        else:
            d_in = c * h * w if flat is None else flat
            flat = layer[1]
            rows.append([[flat], (d_in + 1) * flat])
    return rows
""",
    },
    "fc_equivalent_param_count": {
        "np.prod of both shapes": """
def fc_equivalent_param_count(in_shape, out_shape):
    d_in, d_out = int(np.prod(in_shape)), int(np.prod(out_shape))
    return d_in * d_out + d_out
""",
    },
    "activation_count": {
        "a loop over the rows of the table": """
def activation_count(in_shape, layers):
    total = int(np.prod(in_shape))
    for shape, _ in layer_table(in_shape, layers):
        total += int(np.prod(shape))
    return total
""",
    },
    "training_memory_bytes": {
        "bytes of activations plus bytes of parameters and gradients": """
def training_memory_bytes(in_shape, layers, batch_size):
    n_params = 0
    for _, n in layer_table(in_shape, layers):
        n_params += n
    return 4 * batch_size * activation_count(in_shape, layers) + 8 * n_params
""",
    },
    "max_batch_size": {
        "count up while the next batch still fits": """
def max_batch_size(in_shape, layers, budget_bytes):
    B = 0
    while training_memory_bytes(in_shape, layers, B + 1) <= budget_bytes:
        B += 1
    return B
""",
        "bisection on the batch size": """
def max_batch_size(in_shape, layers, budget_bytes):
    if training_memory_bytes(in_shape, layers, 1) > budget_bytes:
        return 0
    lo, hi = 1, 2
    while training_memory_bytes(in_shape, layers, hi) <= budget_bytes:
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if training_memory_bytes(in_shape, layers, mid) <= budget_bytes:
            lo = mid
        else:
            hi = mid
    return lo
""",
    },
    "receptive_field": {
        "map the range of neuron 0 back through the layers": """
def receptive_field(layers):
    lo, hi, jump = 0, 0, 1
    for layer in reversed(layers):
        k, s, p = (layer[2], layer[3], layer[4]) if layer[0] == "conv" else (layer[1], layer[2], 0)
        lo, hi, jump = lo * s - p, hi * s - p + k - 1, jump * s
    return hi - lo + 1, jump, lo
""",
    },
    "receptive_region": {
        "np.clip of the field's first and last row": """
def receptive_region(layers, i, j, in_hw):
    r, jump, start = receptive_field(layers)
    H, W = in_hw
    top, left = start + i * jump, start + j * jump
    rows = np.clip([top, top + r], 0, H)
    cols = np.clip([left, left + r], 0, W)
    return int(rows[0]), int(rows[1]), int(cols[0]), int(cols[1])
""",
    },
    "conv2d_backward": {
        "scatter-add over the output positions": """
def conv2d_backward(dout, X, W, stride=1, pad=0):
    N, C, H, Wd = X.shape
    n_filters, _, kh, kw = W.shape
    _, _, Ho, Wo = dout.shape
    Xp = np.pad(X.astype(float), ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dXp = np.zeros(Xp.shape)
    dW = np.zeros(W.shape)
    for i in range(Ho):
        for j in range(Wo):
            rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
            dXp[:, :, rows, cols] += np.tensordot(dout[:, :, i, j], W, axes=(1, 0))
            dW += np.tensordot(dout[:, :, i, j], Xp[:, :, rows, cols], axes=(0, 0))
    return dXp[:, :, pad : pad + H, pad : pad + Wd].copy(), dW, dout.sum(axis=(0, 2, 3)).astype(float)
""",
    },
    "maxpool_backward": {
        "a mask of the window's maximum (no ties, as the docstring says)": """
def maxpool_backward(dout, X, k=2, s=2):
    N, C, H, W = X.shape
    _, _, Ho, Wo = dout.shape
    dX = np.zeros((N, C, H, W))
    for i in range(Ho):
        for j in range(Wo):
            window = X[:, :, i * s : i * s + k, j * s : j * s + k]
            mask = window == window.max(axis=(2, 3), keepdims=True)
            dX[:, :, i * s : i * s + k, j * s : j * s + k] += mask * dout[:, :, i, j][:, :, None, None]
    return dX
""",
    },
    "depthwise_separable_param_count": {
        "depthwise and pointwise counted as two convolutions": """
def depthwise_separable_param_count(c_in, c_out, k):
    depthwise = c_in * k * k + c_in
    pointwise = c_in * c_out + c_out
    return depthwise + pointwise
""",
    },
    "conv1x1_as_fc": {
        "channels last, a matrix product, channels back": """
def conv1x1_as_fc(X, W, b):
    return (X.transpose(0, 2, 3, 1) @ W.T + b).transpose(0, 3, 1, 2)
""",
    },
}

_INDEPENDENT = (
    "the two statements are independent (neither reads what the other assigns), so their order cannot change the result"
)

# Mutants of the automatic run (tests/mutation.py) that compute the same thing on the whole declared domain.
EQUIVALENT = {
    "conv2d_forward: line 10: swapped with the next statement: `N, C, H, Wd = X.shape`": (
        "reading X.shape and W.shape: " + _INDEPENDENT
    ),
    "conv2d_forward: line 11: swapped with the next statement: `n_filters, _, kh, kw = W.shape`": (
        "unpacking W.shape and padding X: " + _INDEPENDENT
    ),
    "conv2d_forward: line 12: swapped with the next statement: `Xp = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))`": (  # noqa: E501
        "padding X and computing Ho from H, pad, kh and stride (all assigned earlier): " + _INDEPENDENT
    ),
    "conv2d_forward: line 13: swapped with the next statement: `Ho = (H + 2 * pad - kh) // stride + 1`": (
        "Ho and Wo are computed from different sizes: " + _INDEPENDENT
    ),
    "maxpool_forward: line 12: swapped the first two arguments of maximum: `np.maximum(out, X[:, :, u:u + s * (Ho - 1) + 1:s, v:v + s * `": (  # noqa: E501
        "np.maximum is symmetric entry by entry (NaN is not in the domain, and would propagate either way); "
        "out is reassigned, not updated in place, so the result is the same array of maxima"
    ),
    "layer_table: line 9: swapped with the next statement: `shape = tuple(in_shape)`": (
        "shape = tuple(in_shape) and rows = []: " + _INDEPENDENT
    ),
    "layer_table: line 13: swapped with the next statement: `n_filters, k, s, p = args`": (
        "unpacking args and unpacking shape: " + _INDEPENDENT
    ),
    "layer_table: line 15: swapped with the next statement: `shape = (n_filters, conv_output_size(h, k, s, p), conv_outpu`": (  # noqa: E501
        "the parameter count reads c_in (unpacked before), not shape: " + _INDEPENDENT
    ),
    "layer_table: line 18: swapped with the next statement: `k, s = args`": (
        "unpacking args and unpacking shape: " + _INDEPENDENT
    ),
    "layer_table: line 20: swapped with the next statement: `shape = (c_in, conv_output_size(h, k, s), conv_output_size(w`": (  # noqa: E501
        "shape = (...) and n_params = 0: " + _INDEPENDENT
    ),
    "max_batch_size: line 8: swapped the first two arguments of max: `max(0, (budget_bytes - fixed) // per_image)`": (
        "both arguments are Python ints (floor division of ints), so max(a, 0) and max(0, a) are the same "
        "number; when they tie both are 0"
    ),
    "receptive_field: line 11: swapped with the next statement: `k, s = args[1:3] if kind == 'conv' else args`": (
        "k, s and p are read from args separately: " + _INDEPENDENT
    ),
    "receptive_region: line 10: swapped the first two arguments of max: `max(top, 0)`": (
        "top is an int, so max(top, 0) and max(0, top) are the same number"
    ),
    "receptive_region: line 10: swapped the first two arguments of min: `min(top + r, H)`": (
        "top + r and H are ints, so min is the same number in either order"
    ),
    "receptive_region: line 10: swapped the first two arguments of max: `max(left, 0)`": (
        "left is an int, so max(left, 0) and max(0, left) are the same number"
    ),
    "receptive_region: line 10: swapped the first two arguments of min: `min(left + r, W)`": (
        "left + r and W are ints, so min is the same number in either order"
    ),
    "receptive_region: line 7: swapped with the next statement: `r, jump, start = receptive_field(layers)`": (
        "calling receptive_field and unpacking in_hw: " + _INDEPENDENT
    ),
    "receptive_region: line 8: swapped with the next statement: `H, W = in_hw`": (
        "unpacking in_hw and computing top, left from start, i, j, jump: " + _INDEPENDENT
    ),
    "conv2d_backward: line 10: swapped with the next statement: `N, C, H, Wd = X.shape`": (
        "reading X.shape and W.shape: " + _INDEPENDENT
    ),
    "conv2d_backward: line 11: swapped with the next statement: `n_filters, _, kh, kw = W.shape`": (
        "reading W.shape and dout.shape: " + _INDEPENDENT
    ),
    "conv2d_backward: line 12: swapped with the next statement: `_, _, Ho, Wo = dout.shape`": (
        "reading dout.shape and summing dout into db: " + _INDEPENDENT
    ),
    "conv2d_backward: line 13: swapped with the next statement: `db = dout.sum(axis=(0, 2, 3))`": (
        "db (a sum of dout) and the new zero array `dilated`: " + _INDEPENDENT
    ),
    "conv2d_backward: line 16: swapped with the next statement: `dilated[:, :, ::stride, ::stride] = dout`": (
        "filling `dilated` and padding X into Xp: " + _INDEPENDENT
    ),
    "conv2d_backward: line 20: swapped with the next statement: `dW = dW[:, :, :kh, :kw].transpose(1, 0, 2, 3)`": (
        "cropping dW and padding `dilated` into `full`: " + _INDEPENDENT
    ),
    "conv2d_backward: line 22: swapped with the next statement: `full = np.pad(dilated, ((0, 0), (0, 0), (kh - 1, kh - 1), (k`": (  # noqa: E501
        "padding `dilated` and flipping W: " + _INDEPENDENT
    ),
    "conv2d_backward: line 24: swapped with the next statement: `dXp_part = conv2d_forward(full, W_flipped, np.zeros(C))`": (  # noqa: E501
        "the correlation dXp_part and the new zero array dXp: " + _INDEPENDENT
    ),
    "conv2d_backward: line 26: swapped with the next statement: `dXp[:, :, :dXp_part.shape[2], :dXp_part.shape[3]] = dXp_part`": (  # noqa: E501
        "dX = dXp[:, :, pad:pad + H, pad:pad + Wd] is a basic slice, a view of dXp, so writing dXp_part into "
        "dXp after taking the view still fills dX with the same numbers"
    ),
    "maxpool_backward: line 9: swapped with the next statement: `N, C, H, W = X.shape`": (
        "reading X.shape and dout.shape: " + _INDEPENDENT
    ),
    "maxpool_backward: line 10: swapped with the next statement: `_, _, Ho, Wo = dout.shape`": (
        "reading dout.shape and making the zero array dX (from X): " + _INDEPENDENT
    ),
    "maxpool_backward: line 11: swapped with the next statement: `dX = np.zeros_like(X, dtype=float)`": (
        "making dX and the index grids n_idx, c_idx: " + _INDEPENDENT
    ),
}
