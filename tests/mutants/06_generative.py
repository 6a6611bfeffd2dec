"""Plausible wrong answers for 06_generative: each must lose points on its function's test cells."""

MUTANTS = {
    "pca_fit": {
        "no centring (SVD of X itself)": """
def pca_fit(X, k):
    mu = X.mean(axis=0)
    _, _, Vt = np.linalg.svd(X, full_matrices=False)
    return mu, Vt[:k].T
""",
        "left singular vectors instead of right": """
def pca_fit(X, k):
    mu = X.mean(axis=0)
    U, _, _ = np.linalg.svd(X - mu, full_matrices=False)
    return mu, U[:, :k]
""",
        "eigh order: the k smallest directions": """
def pca_fit(X, k):
    mu = X.mean(axis=0)
    Xc = X - mu
    _, vecs = np.linalg.eigh(Xc.T @ Xc)
    return mu, vecs[:, :k]
""",
        "rows of Vt returned without transposing": """
def pca_fit(X, k):
    mu = X.mean(axis=0)
    _, _, Vt = np.linalg.svd(X - mu, full_matrices=False)
    return mu, Vt[:k]
""",
        "eigh columns kept in ascending order": """
def pca_fit(X, k):
    mu = X.mean(axis=0)
    Xc = X - mu
    _, vecs = np.linalg.eigh(Xc.T @ Xc)
    return mu, vecs[:, vecs.shape[1] - k:]
""",
    },
    "reconstruction_error": {
        "mean not added back (x_hat = V V^T (x - mu))": """
def reconstruction_error(X, mu, V):
    Xc = X - mu
    return float(np.mean(np.sum((X - (Xc @ V) @ V.T) ** 2, axis=1)))
""",
        "projects X without centring": """
def reconstruction_error(X, mu, V):
    X_hat = mu + (X @ V) @ V.T
    return float(np.mean(np.sum((X - X_hat) ** 2, axis=1)))
""",
        "mean over every entry (divides by D too)": """
def reconstruction_error(X, mu, V):
    Xc = X - mu
    return float(np.mean((Xc - (Xc @ V) @ V.T) ** 2))
""",
        "sum over samples instead of the mean": """
def reconstruction_error(X, mu, V):
    Xc = X - mu
    return float(np.sum((Xc - (Xc @ V) @ V.T) ** 2))
""",
    },
    "max_useful_latent_size": {
        "forgets that centring removes one dimension": """
def max_useful_latent_size(n, D):
    return min(n, D)
""",
        "n - 1 regardless of D": """
def max_useful_latent_size(n, D):
    return n - 1
""",
        "the input dimension D": """
def max_useful_latent_size(n, D):
    return D
""",
        "subtracts one from the minimum": """
def max_useful_latent_size(n, D):
    return min(n, D) - 1
""",
    },
    "principal_angles": {
        "no orthonormalisation (SVD of A^T B)": """
def principal_angles(A, B):
    cosines = np.linalg.svd(A.T @ B, compute_uv=False)
    return np.arccos(np.clip(cosines, 0.0, 1.0))
""",
        "columns normalised but not orthogonalised": """
def principal_angles(A, B):
    A = A / np.linalg.norm(A, axis=0)
    B = B / np.linalg.norm(B, axis=0)
    cosines = np.linalg.svd(A.T @ B, compute_uv=False)
    return np.arccos(np.clip(cosines, 0.0, 1.0))
""",
        "arccos without clipping (nan when a cosine rounds above 1)": """
def principal_angles(A, B):
    Q_A, _ = np.linalg.qr(A)
    Q_B, _ = np.linalg.qr(B)
    with np.errstate(invalid="ignore"):
        return np.arccos(np.linalg.svd(Q_A.T @ Q_B, compute_uv=False))
""",
        "returns the cosines": """
def principal_angles(A, B):
    Q_A, _ = np.linalg.qr(A)
    Q_B, _ = np.linalg.qr(B)
    return np.linalg.svd(Q_A.T @ Q_B, compute_uv=False)
""",
        "degrees instead of radians": """
def principal_angles(A, B):
    Q_A, _ = np.linalg.qr(A)
    Q_B, _ = np.linalg.qr(B)
    return np.degrees(np.arccos(np.clip(np.linalg.svd(Q_A.T @ Q_B, compute_uv=False), 0.0, 1.0)))
""",
        "largest angle first": """
def principal_angles(A, B):
    Q_A, _ = np.linalg.qr(A)
    Q_B, _ = np.linalg.qr(B)
    return np.arccos(np.clip(np.linalg.svd(Q_A.T @ Q_B, compute_uv=False), 0.0, 1.0))[::-1]
""",
    },
    "train_linear_autoencoder": {
        "data not centred": """
def train_linear_autoencoder(X, k, num_steps=400, lr=0.05, seed=0):
    torch.manual_seed(seed)
    Xt = torch.tensor(X, dtype=torch.float64)
    W_enc = (0.1 * torch.randn(k, X.shape[1], dtype=torch.float64)).requires_grad_()
    W_dec = (0.1 * torch.randn(X.shape[1], k, dtype=torch.float64)).requires_grad_()
    opt = torch.optim.Adam([W_enc, W_dec], lr=lr)
    losses = np.zeros(num_steps)
    for step in range(num_steps):
        loss = ((Xt - Xt @ W_enc.T @ W_dec.T) ** 2).sum(dim=1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses[step] = loss.item()
    return W_enc.detach().numpy(), W_dec.detach().numpy(), losses
""",
        "forgets zero_grad (gradients accumulate)": """
def train_linear_autoencoder(X, k, num_steps=400, lr=0.05, seed=0):
    torch.manual_seed(seed)
    Xt = torch.tensor(X - X.mean(axis=0), dtype=torch.float64)
    W_enc = (0.1 * torch.randn(k, X.shape[1], dtype=torch.float64)).requires_grad_()
    W_dec = (0.1 * torch.randn(X.shape[1], k, dtype=torch.float64)).requires_grad_()
    opt = torch.optim.Adam([W_enc, W_dec], lr=lr)
    losses = np.zeros(num_steps)
    for step in range(num_steps):
        loss = ((Xt - Xt @ W_enc.T @ W_dec.T) ** 2).sum(dim=1).mean()
        loss.backward()
        opt.step()
        losses[step] = loss.item()
    return W_enc.detach().numpy(), W_dec.detach().numpy(), losses
""",
        "loss averaged over every entry (D times too small)": """
def train_linear_autoencoder(X, k, num_steps=400, lr=0.05, seed=0):
    torch.manual_seed(seed)
    Xt = torch.tensor(X - X.mean(axis=0), dtype=torch.float64)
    W_enc = (0.1 * torch.randn(k, X.shape[1], dtype=torch.float64)).requires_grad_()
    W_dec = (0.1 * torch.randn(X.shape[1], k, dtype=torch.float64)).requires_grad_()
    opt = torch.optim.Adam([W_enc, W_dec], lr=lr)
    losses = np.zeros(num_steps)
    for step in range(num_steps):
        loss = ((Xt - Xt @ W_enc.T @ W_dec.T) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses[step] = loss.item()
    return W_enc.detach().numpy(), W_dec.detach().numpy(), losses
""",
        "only the decoder is trained": """
def train_linear_autoencoder(X, k, num_steps=400, lr=0.05, seed=0):
    torch.manual_seed(seed)
    Xt = torch.tensor(X - X.mean(axis=0), dtype=torch.float64)
    W_enc = 0.1 * torch.randn(k, X.shape[1], dtype=torch.float64)
    W_dec = (0.1 * torch.randn(X.shape[1], k, dtype=torch.float64)).requires_grad_()
    opt = torch.optim.Adam([W_dec], lr=lr)
    losses = np.zeros(num_steps)
    for step in range(num_steps):
        loss = ((Xt - Xt @ W_enc.T @ W_dec.T) ** 2).sum(dim=1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses[step] = loss.item()
    return W_enc.numpy(), W_dec.detach().numpy(), losses
""",
    },
    "denoising_loss": {
        "target is the noisy input (rewards copying)": """
def denoising_loss(reconstruct, X, noise):
    X_noisy = X + noise
    return float(np.mean(np.sum((reconstruct(X_noisy) - X_noisy) ** 2, axis=1)))
""",
        "autoencoder fed the clean input": """
def denoising_loss(reconstruct, X, noise):
    return float(np.mean(np.sum((reconstruct(X) - X) ** 2, axis=1)))
""",
        "mean over every entry": """
def denoising_loss(reconstruct, X, noise):
    return float(np.mean((reconstruct(X + noise) - X) ** 2))
""",
        "sum over samples": """
def denoising_loss(reconstruct, X, noise):
    return float(np.sum((reconstruct(X + noise) - X) ** 2))
""",
    },
    "kl_diag_gaussian": {
        "missing the -1": """
def kl_diag_gaussian(mu, sigma):
    return 0.5 * np.sum(sigma**2 + mu**2 - np.log(sigma**2), axis=1)
""",
        "missing the log term": """
def kl_diag_gaussian(mu, sigma):
    return 0.5 * np.sum(sigma**2 + mu**2 - 1.0, axis=1)
""",
        "sigma used where sigma^2 belongs": """
def kl_diag_gaussian(mu, sigma):
    return 0.5 * np.sum(sigma + mu**2 - 1.0 - np.log(sigma**2), axis=1)
""",
        "log sigma instead of log sigma^2": """
def kl_diag_gaussian(mu, sigma):
    return 0.5 * np.sum(sigma**2 + mu**2 - 1.0 - np.log(sigma), axis=1)
""",
        "missing the 1/2": """
def kl_diag_gaussian(mu, sigma):
    return np.sum(sigma**2 + mu**2 - 1.0 - np.log(sigma**2), axis=1)
""",
        "summed over the batch too": """
def kl_diag_gaussian(mu, sigma):
    return 0.5 * np.sum(sigma**2 + mu**2 - 1.0 - np.log(sigma**2))
""",
    },
    "kl_diag_gaussian_grad": {
        "dsigma forgets the chain rule of log sigma^2": """
def kl_diag_gaussian_grad(mu, sigma):
    return mu.copy(), sigma - 1.0 / (2 * sigma)
""",
        "dsigma = sigma - 1 (derivative taken w.r.t. sigma^2 in one term)": """
def kl_diag_gaussian_grad(mu, sigma):
    return mu.copy(), sigma - 1.0
""",
        "missing the 1/2 (gradients twice too large)": """
def kl_diag_gaussian_grad(mu, sigma):
    return 2 * mu, 2 * sigma - 2.0 / sigma
""",
        "sign flipped on the log term": """
def kl_diag_gaussian_grad(mu, sigma):
    return mu.copy(), sigma + 1.0 / sigma
""",
    },
    "reparam_gradients": {
        "reparameterised sample without the noise (z = mu)": """
def reparam_gradients(grad_f, mu, sigma, eps):
    grads = grad_f(np.tile(mu, (eps.shape[0], 1)))
    return grads.mean(axis=0), (grads * eps).mean(axis=0)
""",
        "g_sigma without the factor eps": """
def reparam_gradients(grad_f, mu, sigma, eps):
    grads = grad_f(mu + sigma * eps)
    return grads.mean(axis=0), grads.mean(axis=0)
""",
        "sample uses the variance: z = mu + sigma^2 eps": """
def reparam_gradients(grad_f, mu, sigma, eps):
    grads = grad_f(mu + sigma**2 * eps)
    return grads.mean(axis=0), (grads * eps).mean(axis=0)
""",
        "sum over draws instead of the mean": """
def reparam_gradients(grad_f, mu, sigma, eps):
    grads = grad_f(mu + sigma * eps)
    return grads.sum(axis=0), (grads * eps).sum(axis=0)
""",
        "g_sigma multiplied by sigma instead of eps": """
def reparam_gradients(grad_f, mu, sigma, eps):
    grads = grad_f(mu + sigma * eps)
    return grads.mean(axis=0), (grads * sigma).mean(axis=0)
""",
    },
    "bernoulli_log_likelihood": {
        "naive log(sigmoid) (nan for large logits)": """
def bernoulli_log_likelihood(x, logits):
    p = 1.0 / (1.0 + np.exp(-logits))
    return np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=1)
""",
        "sign flipped (returns the cross-entropy)": """
def bernoulli_log_likelihood(x, logits):
    return -np.sum(x * logits - np.logaddexp(0.0, logits), axis=1)
""",
        "missing the (1 - x) term": """
def bernoulli_log_likelihood(x, logits):
    return np.sum(-x * np.logaddexp(0.0, -logits), axis=1)
""",
        "mean over pixels instead of the sum": """
def bernoulli_log_likelihood(x, logits):
    return np.mean(x * logits - np.logaddexp(0.0, logits), axis=1)
""",
        "clipped probabilities (finite but wrong at large logits)": """
def bernoulli_log_likelihood(x, logits):
    p = np.clip(sigmoid(logits), 1e-7, 1 - 1e-7)
    return np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=1)
""",
    },
    "elbo": {
        "adds the KL instead of subtracting it": """
def elbo(x, logits, mu, sigma):
    return bernoulli_log_likelihood(x, logits) + kl_diag_gaussian(mu, sigma)
""",
        "forgets the KL term": """
def elbo(x, logits, mu, sigma):
    return bernoulli_log_likelihood(x, logits)
""",
        "averages over the batch": """
def elbo(x, logits, mu, sigma):
    return np.mean(bernoulli_log_likelihood(x, logits) - kl_diag_gaussian(mu, sigma))
""",
        "negative ELBO (the loss)": """
def elbo(x, logits, mu, sigma):
    return kl_diag_gaussian(mu, sigma) - bernoulli_log_likelihood(x, logits)
""",
    },
    "gan_logit_gradients": {
        "sign flipped (gradient of -L)": """
def gan_logit_gradients(a_real, a_fake):
    return sigmoid(a_real) - 1.0, sigmoid(a_fake)
""",
        "fake gradient treated like a real one": """
def gan_logit_gradients(a_real, a_fake):
    return 1.0 - sigmoid(a_real), 1.0 - sigmoid(a_fake)
""",
        "the sigmoid derivative D(1 - D), forgetting the log": """
def gan_logit_gradients(a_real, a_fake):
    d_real, d_fake = sigmoid(a_real), sigmoid(a_fake)
    return d_real * (1 - d_real), -d_fake * (1 - d_fake)
""",
        "derivative w.r.t. D instead of the logit": """
def gan_logit_gradients(a_real, a_fake):
    return 1.0 / sigmoid(a_real), -1.0 / (1.0 - sigmoid(a_fake))
""",
        "fake sign flipped only": """
def gan_logit_gradients(a_real, a_fake):
    return 1.0 - sigmoid(a_real), sigmoid(a_fake)
""",
    },
    "logistic_discriminator_gradients": {
        "sign flipped (gradient of -L)": """
def logistic_discriminator_gradients(w, b, X_real, X_fake):
    d_real, d_fake = sigmoid(X_real @ w + b), sigmoid(X_fake @ w + b)
    return X_real.T @ (d_real - 1.0) + X_fake.T @ d_fake, float(np.sum(d_real - 1.0) + np.sum(d_fake))
""",
        "means instead of sums": """
def logistic_discriminator_gradients(w, b, X_real, X_fake):
    g_real, g_fake = 1.0 - sigmoid(X_real @ w + b), -sigmoid(X_fake @ w + b)
    return (X_real.T @ g_real / len(X_real) + X_fake.T @ g_fake / len(X_fake),
            float(g_real.mean() + g_fake.mean()))
""",
        "fake term added with the wrong sign": """
def logistic_discriminator_gradients(w, b, X_real, X_fake):
    g_real, g_fake = 1.0 - sigmoid(X_real @ w + b), sigmoid(X_fake @ w + b)
    return X_real.T @ g_real + X_fake.T @ g_fake, float(g_real.sum() + g_fake.sum())
""",
        "bias gradient misses the fake samples": """
def logistic_discriminator_gradients(w, b, X_real, X_fake):
    g_real, g_fake = 1.0 - sigmoid(X_real @ w + b), -sigmoid(X_fake @ w + b)
    return X_real.T @ g_real + X_fake.T @ g_fake, float(g_real.sum())
""",
    },
    "optimal_discriminator": {
        "probability of fake instead of real": """
def optimal_discriminator(p_data, p_g):
    return p_g / (p_data + p_g)
""",
        "likelihood ratio p_data / p_g": """
def optimal_discriminator(p_data, p_g):
    return p_data / p_g
""",
        "always 1/2": """
def optimal_discriminator(p_data, p_g):
    return np.full_like(p_data, 0.5)
""",
        "normalised over points instead of per point": """
def optimal_discriminator(p_data, p_g):
    return p_data / np.sum(p_data + p_g)
""",
    },
    "js_divergence": {
        "without the 1/2 (sum of the two KLs)": """
def js_divergence(p, q):
    m = 0.5 * (p + q)
    on_p, on_q = p > 0, q > 0
    return float(np.sum(p[on_p] * np.log(p[on_p] / m[on_p])) + np.sum(q[on_q] * np.log(q[on_q] / m[on_q])))
""",
        "no 0 log 0 convention (nan with zeros)": """
def js_divergence(p, q):
    m = 0.5 * (p + q)
    with np.errstate(all="ignore"):
        return float(0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m)))
""",
        "log base 2 (bits instead of nats)": """
def js_divergence(p, q):
    m = 0.5 * (p + q)
    on_p, on_q = p > 0, q > 0
    kl_pm = np.sum(p[on_p] * np.log2(p[on_p] / m[on_p]))
    kl_qm = np.sum(q[on_q] * np.log2(q[on_q] / m[on_q]))
    return float(0.5 * kl_pm + 0.5 * kl_qm)
""",
        "mixture not halved (m = p + q)": """
def js_divergence(p, q):
    m = p + q
    on_p, on_q = p > 0, q > 0
    return float(0.5 * np.sum(p[on_p] * np.log(p[on_p] / m[on_p])) + 0.5 * np.sum(q[on_q] * np.log(q[on_q] / m[on_q])))
""",
        "symmetrised KL(p || q) instead of the mixture": """
def js_divergence(p, q):
    both = (p > 0) & (q > 0)
    return float(0.5 * np.sum(p[both] * np.log(p[both] / q[both])) + 0.5 * np.sum(q[both] * np.log(q[both] / p[both])))
""",
    },
    "generator_logit_gradients": {
        "both signs flipped": """
def generator_logit_gradients(a_fake):
    d = sigmoid(a_fake)
    return d, 1.0 - d
""",
        "the two losses swapped": """
def generator_logit_gradients(a_fake):
    d = sigmoid(a_fake)
    return d - 1.0, -d
""",
        "derivatives w.r.t. D instead of the logit": """
def generator_logit_gradients(a_fake):
    d = sigmoid(a_fake)
    return -1.0 / (1.0 - d), -1.0 / d
""",
        "non-saturating without the chain rule through the sigmoid": """
def generator_logit_gradients(a_fake):
    d = sigmoid(a_fake)
    return -d, -1.0 / d
""",
    },
    "count_modes_covered": {
        "strict > min_count": """
def count_modes_covered(samples, centers, radius, min_count):
    dist = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=2)
    return int(np.sum(np.sum(dist <= radius, axis=0) > min_count))
""",
        "counts samples instead of modes": """
def count_modes_covered(samples, centers, radius, min_count):
    dist = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=2)
    return int(np.sum(dist <= radius))
""",
        "ignores min_count (any sample covers a mode)": """
def count_modes_covered(samples, centers, radius, min_count):
    dist = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=2)
    return int(np.sum(np.any(dist <= radius, axis=0)))
""",
        "nearest centre without the radius check": """
def count_modes_covered(samples, centers, radius, min_count):
    dist = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=2)
    counts = np.bincount(np.argmin(dist, axis=1), minlength=len(centers))
    return int(np.sum(counts >= min_count))
""",
        "squared distance compared with the radius": """
def count_modes_covered(samples, centers, radius, min_count):
    sq = np.sum((samples[:, None, :] - centers[None, :, :]) ** 2, axis=2)
    return int(np.sum(np.sum(sq <= radius, axis=0) >= min_count))
""",
    },
    "critic_input_gradient": {
        "forgets the tanh derivative": """
def critic_input_gradient(X, W, c, v):
    return np.tile(v @ W, (X.shape[0], 1))
""",
        "1 - tanh instead of 1 - tanh^2": """
def critic_input_gradient(X, W, c, v):
    hidden = np.tanh(X @ W.T + c)
    return ((1.0 - hidden) * v) @ W
""",
        "tanh' written as the derivative of the sigmoid": """
def critic_input_gradient(X, W, c, v):
    hidden = np.tanh(X @ W.T + c)
    return (hidden * (1.0 - hidden) * v) @ W
""",
        "sign flipped": """
def critic_input_gradient(X, W, c, v):
    hidden = np.tanh(X @ W.T + c)
    return -((1.0 - hidden**2) * v) @ W
""",
    },
    "wgan_critic_loss": {
        "sign flipped (the W1 estimate itself)": """
def wgan_critic_loss(f_real, f_fake):
    return float(np.mean(f_real) - np.mean(f_fake))
""",
        "sums instead of means": """
def wgan_critic_loss(f_real, f_fake):
    return float(np.sum(f_fake) - np.sum(f_real))
""",
        "log of scores, as in the original GAN": """
def wgan_critic_loss(f_real, f_fake):
    return float(-np.mean(np.log(sigmoid(f_real))) - np.mean(np.log(1 - sigmoid(f_fake))))
""",
        "pooled mean over both sets": """
def wgan_critic_loss(f_real, f_fake):
    return float(np.mean(np.concatenate([f_fake, -f_real])))
""",
    },
    "gradient_penalty": {
        "squared norm instead of the norm": """
def gradient_penalty(X_real, X_fake, t, W, c, v, lam):
    X_hat = t[:, None] * X_real + (1.0 - t[:, None]) * X_fake
    sq = np.sum(critic_input_gradient(X_hat, W, c, v) ** 2, axis=1)
    return float(lam * np.mean((sq - 1.0) ** 2))
""",
        "penalises the norm itself, without the - 1": """
def gradient_penalty(X_real, X_fake, t, W, c, v, lam):
    X_hat = t[:, None] * X_real + (1.0 - t[:, None]) * X_fake
    norms = np.linalg.norm(critic_input_gradient(X_hat, W, c, v), axis=1)
    return float(lam * np.mean(norms**2))
""",
        "interpolation weights swapped": """
def gradient_penalty(X_real, X_fake, t, W, c, v, lam):
    X_hat = (1.0 - t[:, None]) * X_real + t[:, None] * X_fake
    norms = np.linalg.norm(critic_input_gradient(X_hat, W, c, v), axis=1)
    return float(lam * np.mean((norms - 1.0) ** 2))
""",
        "penalty at the real samples only": """
def gradient_penalty(X_real, X_fake, t, W, c, v, lam):
    norms = np.linalg.norm(critic_input_gradient(X_real, W, c, v), axis=1)
    return float(lam * np.mean((norms - 1.0) ** 2))
""",
        "norm over the batch axis": """
def gradient_penalty(X_real, X_fake, t, W, c, v, lam):
    X_hat = t[:, None] * X_real + (1.0 - t[:, None]) * X_fake
    norms = np.linalg.norm(critic_input_gradient(X_hat, W, c, v), axis=0)
    return float(lam * np.mean((norms - 1.0) ** 2))
""",
        "lambda forgotten": """
def gradient_penalty(X_real, X_fake, t, W, c, v, lam):
    X_hat = t[:, None] * X_real + (1.0 - t[:, None]) * X_fake
    norms = np.linalg.norm(critic_input_gradient(X_hat, W, c, v), axis=1)
    return float(np.mean((norms - 1.0) ** 2))
""",
    },
}

# Mutants of tests/mutation.py that compute the same thing on the whole declared domain (each with the reason).
EQUIVALENT = {
    "pca_fit: line 9: False -> True: `False`": (
        "full_matrices=True only adds rows of V^T beyond min(n, D); Vt[:k] with k <= min(n, D) keeps the same top-k "
        "right singular vectors (up to a sign, or a basis of a repeated singular value, which the text allows)"
    ),
    "max_useful_latent_size: line 7: swapped the first two arguments of min: `min(n - 1, D)`": (
        "min is symmetric: min(D, n - 1) == min(n - 1, D)"
    ),
    "principal_angles: line 10: swapped the first two arguments of clip: `np.clip(cosines, 0.0, 1.0)`": (
        "np.clip(a, lo, hi) is minimum(maximum(a, lo), hi): np.clip(0.0, cosines, 1.0) = minimum(maximum(0, cosines), "
        "1), the same values in the same shape"
    ),
    "principal_angles: line 7: swapped with the next statement: `Q_A, _ = np.linalg.qr(A)`": (
        "the two QR factorisations are independent: their order does not matter"
    ),
    "train_linear_autoencoder: line 17: zeros -> ones: `np.zeros(num_steps)`": (
        "every entry of losses is overwritten by the loop (num_steps steps), so its initial value is never seen"
    ),
    "train_linear_autoencoder: line 12: swapped with the next statement: `torch.manual_seed(seed)`": (
        "centring X draws no random number: the seed still comes right before the two torch.randn draws"
    ),
    "train_linear_autoencoder: line 13: swapped with the next statement: "
    "`X_centred = torch.tensor(X - X.mean(axis=0), dtype=torch.flo`": (
        "centring X draws no random number, so W_enc is drawn first after the seed either way"
    ),
    "train_linear_autoencoder: line 16: swapped with the next statement: "
    "`adam = torch.optim.Adam([W_enc, W_dec], lr=lr)`": (
        "creating the optimiser and allocating the losses array are independent"
    ),
    "train_linear_autoencoder: line 20: swapped with the next statement: `loss = (residual ** 2).sum(dim=1).mean()`": (
        "zero_grad clears the previous step's gradients before backward either way; computing the loss reads no .grad"
    ),
    "train_linear_autoencoder: line 23: swapped with the next statement: `adam.step()`": (
        "loss.item() reads the loss computed before the step (a separate tensor the step does not change), so it is "
        "recorded before the update either way"
    ),
    "bernoulli_log_likelihood: line 7: swapped the first two arguments of logaddexp: `np.logaddexp(0.0, logits)`": (
        "logaddexp is symmetric: log(e^l + e^0) == log(e^0 + e^l)"
    ),
    "logistic_discriminator_gradients: line 7: swapped with the next statement: "
    "`delta_real = 1.0 - sigmoid(X_real @ w + b)`": (
        "delta_real and delta_fake are computed independently of each other"
    ),
    "js_divergence: line 6: swapped with the next statement: `m = 0.5 * (p + q)`": (
        "m and the support masks are computed independently of each other"
    ),
    "js_divergence: line 8: swapped with the next statement: `kl_pm = np.sum(p[on_p] * np.log(p[on_p] / m[on_p]))`": (
        "KL(p || m) and KL(q || m) are computed independently of each other"
    ),
}

# Other correct implementations the text allows: tests/test_seeds_06.py runs each through its property checks.
CORRECT = {
    "pca_fit": {
        "eigh of the covariance, columns reversed": """
def pca_fit(X, k):
    mu = np.mean(X, axis=0)
    Xc = X - mu
    _, vecs = np.linalg.eigh(Xc.T @ Xc / len(X))
    return mu, vecs[:, ::-1][:, :k].copy()
""",
        "full SVD, the first k rows of V^T": """
def pca_fit(X, k):
    mu = X.sum(axis=0) / X.shape[0]
    _, _, Vt = np.linalg.svd(X - mu)
    return mu, Vt[:k, :].T.copy()
""",
    },
    "reconstruction_error": {
        "Pythagoras: ||r||^2 - ||V^T r||^2": """
def reconstruction_error(X, mu, V):
    R = X - mu
    return float(np.mean(np.sum(R**2, axis=1) - np.sum((R @ V) ** 2, axis=1)))
""",
        "a loop over samples with the projector V V^T": """
def reconstruction_error(X, mu, V):
    P = V @ V.T
    total = 0.0
    for x in X:
        x_hat = mu + P @ (x - mu)
        total += float(np.sum((x - x_hat) ** 2))
    return total / len(X)
""",
    },
    "max_useful_latent_size": {
        "a conditional": """
def max_useful_latent_size(n, D):
    return n - 1 if n - 1 < D else D
""",
        "the smaller of two numbers, with numpy": """
def max_useful_latent_size(n, D):
    return int(np.minimum(n - 1, D))
""",
    },
    "principal_angles": {
        "orthonormal bases from the SVD, clipped with minimum": """
def principal_angles(A, B):
    U_A = np.linalg.svd(A, full_matrices=False)[0]
    U_B = np.linalg.svd(B, full_matrices=False)[0]
    cosines = np.linalg.svd(U_A.T @ U_B, compute_uv=False)
    return np.arccos(np.minimum(cosines, 1.0))
""",
        "QR, then sorted angles": """
def principal_angles(A, B):
    Q_A = np.linalg.qr(A)[0]
    Q_B = np.linalg.qr(B)[0]
    s = np.linalg.svd(Q_B.T @ Q_A, compute_uv=False)
    return np.sort(np.arccos(np.clip(s, -1.0, 1.0)))
""",
    },
    "train_linear_autoencoder": {
        "centred in torch, loss as a sum divided by n, explicit tensors": """
def train_linear_autoencoder(X, k, num_steps=400, lr=0.05, seed=0):
    torch.manual_seed(seed)
    W_enc = 0.1 * torch.randn(k, X.shape[1], dtype=torch.float64)
    W_dec = 0.1 * torch.randn(X.shape[1], k, dtype=torch.float64)
    W_enc.requires_grad_(True)
    W_dec.requires_grad_(True)
    Xt = torch.from_numpy(np.asarray(X, dtype=np.float64))
    Xc = Xt - Xt.mean(dim=0)
    opt = torch.optim.Adam([W_enc, W_dec], lr=lr)
    losses = []
    for _ in range(num_steps):
        opt.zero_grad()
        loss = torch.sum((Xc - (W_dec @ (W_enc @ Xc.T)).T) ** 2) / Xc.shape[0]
        losses.append(loss.item())
        loss.backward()
        opt.step()
    return W_enc.detach().numpy().copy(), W_dec.detach().numpy().copy(), np.array(losses)
""",
        "mse_loss times D": """
def train_linear_autoencoder(X, k, num_steps=400, lr=0.05, seed=0):
    torch.manual_seed(seed)
    n, D = X.shape
    W_enc = (0.1 * torch.randn(k, D, dtype=torch.float64)).requires_grad_()
    W_dec = (0.1 * torch.randn(D, k, dtype=torch.float64)).requires_grad_()
    Xc = torch.tensor(X - X.mean(axis=0), dtype=torch.float64)
    adam = torch.optim.Adam([W_enc, W_dec], lr=lr)
    losses = np.empty(num_steps)
    for step in range(num_steps):
        loss = torch.nn.functional.mse_loss(Xc @ W_enc.T @ W_dec.T, Xc) * D
        losses[step] = loss.item()
        adam.zero_grad()
        loss.backward()
        adam.step()
    return W_enc.detach().numpy(), W_dec.detach().numpy(), losses
""",
    },
    "denoising_loss": {
        "a loop over samples": """
def denoising_loss(reconstruct, X, noise):
    out = reconstruct(X + noise)
    return sum(float(np.sum((out[i] - X[i]) ** 2)) for i in range(len(X))) / len(X)
""",
        "squared Frobenius norm divided by n": """
def denoising_loss(reconstruct, X, noise):
    return float(np.linalg.norm(reconstruct(noise + X) - X) ** 2 / X.shape[0])
""",
    },
    "kl_diag_gaussian": {
        "with the variance": """
def kl_diag_gaussian(mu, sigma):
    var = sigma**2
    return 0.5 * np.sum(var + mu**2 - 1.0 - np.log(var), axis=1)
""",
        "per coordinate, then summed": """
def kl_diag_gaussian(mu, sigma):
    per_coordinate = -np.log(sigma) + (sigma * sigma + mu * mu - 1.0) / 2.0
    return per_coordinate.sum(axis=-1)
""",
    },
    "kl_diag_gaussian_grad": {
        "as float arrays": """
def kl_diag_gaussian_grad(mu, sigma):
    return np.array(mu, dtype=float), sigma - sigma**-1.0
""",
        "(sigma^2 - 1) / sigma": """
def kl_diag_gaussian_grad(mu, sigma):
    return 1.0 * mu, (sigma**2 - 1.0) / sigma
""",
    },
    "reparam_gradients": {
        "a loop over the draws' gradients": """
def reparam_gradients(grad_f, mu, sigma, eps):
    g_mu = np.zeros(len(mu))
    g_sigma = np.zeros(len(mu))
    G = grad_f(mu + sigma * eps)  # one call: grad_f maps every draw at once
    for g, e in zip(G, eps):
        g_mu += g
        g_sigma += g * e
    return g_mu / len(eps), g_sigma / len(eps)
""",
        "sums divided by S": """
def reparam_gradients(grad_f, mu, sigma, eps):
    S = eps.shape[0]
    G = grad_f(sigma * eps + mu)
    return G.sum(axis=0) / S, np.sum(G * eps, axis=0) / S
""",
    },
    "bernoulli_log_likelihood": {
        "both terms with logaddexp": """
def bernoulli_log_likelihood(x, logits):
    return -np.sum(x * np.logaddexp(0.0, -logits) + (1 - x) * np.logaddexp(0.0, logits), axis=1)
""",
        "max(l, 0) + log1p(exp(-|l|))": """
def bernoulli_log_likelihood(x, logits):
    softplus = np.maximum(logits, 0.0) + np.log1p(np.exp(-np.abs(logits)))
    return np.sum(x * logits - softplus, axis=-1)
""",
    },
    "elbo": {
        "written out in full": """
def elbo(x, logits, mu, sigma):
    recon = np.sum(x * logits - np.logaddexp(0.0, logits), axis=1)
    kl = 0.5 * np.sum(sigma**2 + mu**2 - 1.0 - np.log(sigma**2), axis=1)
    return recon - kl
""",
    },
    "gan_logit_gradients": {
        "sigmoid(-a) for the real logits": """
def gan_logit_gradients(a_real, a_fake):
    return sigmoid(-a_real), -sigmoid(a_fake)
""",
        "exp-based stable sigmoid": """
def gan_logit_gradients(a_real, a_fake):
    def sig(a):
        return np.exp(-np.logaddexp(0.0, -a))
    return 1.0 - sig(a_real), -sig(a_fake)
""",
    },
    "logistic_discriminator_gradients": {
        "a loop over samples": """
def logistic_discriminator_gradients(w, b, X_real, X_fake):
    dw = np.zeros(len(w))
    db = 0.0
    for x in X_real:
        g = 1.0 - sigmoid(x @ w + b)
        dw += g * x
        db += g
    for x in X_fake:
        g = -sigmoid(x @ w + b)
        dw += g * x
        db += g
    return dw, float(db)
""",
        "stacked samples and logit gradients": """
def logistic_discriminator_gradients(w, b, X_real, X_fake):
    X = np.vstack([X_real, X_fake])
    a = X @ w + b
    g = np.concatenate([sigmoid(-a[: len(X_real)]), -sigmoid(a[len(X_real):])])
    return g @ X, float(g.sum())
""",
    },
    "optimal_discriminator": {
        "one minus the fake share": """
def optimal_discriminator(p_data, p_g):
    return 1.0 - p_g / (p_data + p_g)
""",
    },
    "js_divergence": {
        "entropies: H(m) - (H(p) + H(q)) / 2": """
def js_divergence(p, q):
    def H(r):
        r = r[r > 0]
        return -np.sum(r * np.log(r))
    return float(H(0.5 * (p + q)) - 0.5 * H(p) - 0.5 * H(q))
""",
        "np.where with the 0 log 0 convention": """
def js_divergence(p, q):
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(p > 0, p * np.log(p / m), 0.0)
        b = np.where(q > 0, q * np.log(q / m), 0.0)
    return float(0.5 * a.sum() + 0.5 * b.sum())
""",
    },
    "generator_logit_gradients": {
        "1 - D written as sigmoid(-a)": """
def generator_logit_gradients(a_fake):
    return -sigmoid(a_fake), -sigmoid(-a_fake)
""",
    },
    "count_modes_covered": {
        "a loop over centres, squared distances": """
def count_modes_covered(samples, centers, radius, min_count):
    covered = 0
    for c in centers:
        inside = np.sum(np.sum((samples - c) ** 2, axis=1) <= radius**2)
        if inside >= min_count:
            covered += 1
    return covered
""",
        "np.linalg.norm per centre": """
def count_modes_covered(samples, centers, radius, min_count):
    return sum(int(np.count_nonzero(np.linalg.norm(samples - c, axis=1) <= radius) >= min_count) for c in centers)
""",
    },
    "critic_input_gradient": {
        "a loop over samples": """
def critic_input_gradient(X, W, c, v):
    out = np.zeros((X.shape[0], W.shape[1]))
    for i, x in enumerate(X):
        h = np.tanh(W @ x + c)
        out[i] = W.T @ (v * (1.0 - h**2))
    return out
""",
        "einsum": """
def critic_input_gradient(X, W, c, v):
    d = 1.0 - np.tanh(X @ W.T + c) ** 2
    return np.einsum("nh,h,hd->nd", d, v, W)
""",
    },
    "wgan_critic_loss": {
        "sums divided by the counts": """
def wgan_critic_loss(f_real, f_fake):
    return float(np.sum(f_fake) / len(f_fake) - np.sum(f_real) / len(f_real))
""",
    },
    "gradient_penalty": {
        "a loop over samples": """
def gradient_penalty(X_real, X_fake, t, W, c, v, lam):
    total = 0.0
    for i in range(len(t)):
        x_hat = t[i] * X_real[i] + (1 - t[i]) * X_fake[i]
        g = critic_input_gradient(x_hat[None, :], W, c, v)[0]
        total += (np.sqrt(np.sum(g**2)) - 1.0) ** 2
    return float(lam * total / len(t))
""",
        "x_fake + t (x_real - x_fake)": """
def gradient_penalty(X_real, X_fake, t, W, c, v, lam):
    X_hat = X_fake + t[:, None] * (X_real - X_fake)
    G = critic_input_gradient(X_hat, W, c, v)
    return float(lam * np.mean((np.sqrt(np.einsum("nd,nd->n", G, G)) - 1.0) ** 2))
""",
    },
}
