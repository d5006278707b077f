"""Typical wrong answers for lesson 10 (batch normalization), used by tests/test_grading.py.

Each entry replaces the whole answer cell. The lesson's setup cell has already imported
``numpy as np`` and ``helpers.layers``.
"""

# answer cell grade_id -> the grade_ids of the test cells that grade it
TESTS = {
    "batchnorm_forward": ["batchnorm_forward_tests"],
    "batchnorm_backward": ["batchnorm_backward_tests"],
}

# answer cell grade_id -> {what the mistake is: the cell's source with that mistake}
MISTAKES = {
    "batchnorm_forward": {
        "normalizes each example over its features (axis=1) instead of over the batch": """
def my_batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    if bn_param["mode"] == "train":
        mean = x.mean(axis=1, keepdims=True)
        var = x.var(axis=1, keepdims=True)
        m = bn_param.get("momentum", 0.9)
        bn_param["running_mean"] = m * bn_param["running_mean"] + (1 - m) * x.mean(axis=0)
        bn_param["running_var"] = m * bn_param["running_var"] + (1 - m) * x.var(axis=0)
    else:
        mean, var = bn_param["running_mean"], bn_param["running_var"]
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
""",
        "eps outside the square root: std + eps": """
def my_batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    if bn_param["mode"] == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        m = bn_param.get("momentum", 0.9)
        bn_param["running_mean"] = m * bn_param["running_mean"] + (1 - m) * mean
        bn_param["running_var"] = m * bn_param["running_var"] + (1 - m) * var
    else:
        mean, var = bn_param["running_mean"], bn_param["running_var"]
    return gamma * (x - mean) / (np.sqrt(var) + eps) + beta
""",
        "unbiased variance (ddof=1) instead of the biased one": """
def my_batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    if bn_param["mode"] == "train":
        mean, var = x.mean(axis=0), x.var(axis=0, ddof=1)
        m = bn_param.get("momentum", 0.9)
        bn_param["running_mean"] = m * bn_param["running_mean"] + (1 - m) * mean
        bn_param["running_var"] = m * bn_param["running_var"] + (1 - m) * var
    else:
        mean, var = bn_param["running_mean"], bn_param["running_var"]
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
""",
        "momentum weights swapped (PyTorch's convention)": """
def my_batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    if bn_param["mode"] == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        m = bn_param.get("momentum", 0.9)
        bn_param["running_mean"] = (1 - m) * bn_param["running_mean"] + m * mean
        bn_param["running_var"] = (1 - m) * bn_param["running_var"] + m * var
    else:
        mean, var = bn_param["running_mean"], bn_param["running_var"]
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
""",
        "updates the running averages in eval mode too": """
def my_batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    m = bn_param.get("momentum", 0.9)
    rm, rv = bn_param["running_mean"], bn_param["running_var"]
    if bn_param["mode"] == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
    else:
        mean, var = rm, rv
    bn_param["running_mean"] = m * rm + (1 - m) * x.mean(axis=0)
    bn_param["running_var"] = m * rv + (1 - m) * x.var(axis=0)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
""",
        "gamma and beta applied before normalizing": """
def my_batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    z = gamma * x + beta
    if bn_param["mode"] == "train":
        mean, var = z.mean(axis=0), z.var(axis=0)
        m = bn_param.get("momentum", 0.9)
        bn_param["running_mean"] = m * bn_param["running_mean"] + (1 - m) * mean
        bn_param["running_var"] = m * bn_param["running_var"] + (1 - m) * var
    else:
        mean, var = bn_param["running_mean"], bn_param["running_var"]
    return (z - mean) / np.sqrt(var + eps)
""",
        "eval mode normalizes with the batch statistics": """
def my_batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    mean, var = x.mean(axis=0), x.var(axis=0)
    if bn_param["mode"] == "train":
        m = bn_param.get("momentum", 0.9)
        bn_param["running_mean"] = m * bn_param["running_mean"] + (1 - m) * mean
        bn_param["running_var"] = m * bn_param["running_var"] + (1 - m) * var
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
""",
        "ignores bn_param's eps (always 1e-5)": """
def my_batchnorm_forward(x, gamma, beta, bn_param):
    eps = 1e-5
    if bn_param["mode"] == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        m = bn_param.get("momentum", 0.9)
        bn_param["running_mean"] = m * bn_param["running_mean"] + (1 - m) * mean
        bn_param["running_var"] = m * bn_param["running_var"] + (1 - m) * var
    else:
        mean, var = bn_param["running_mean"], bn_param["running_var"]
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
""",
        "ignores bn_param's momentum (always 0.9)": """
def my_batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    if bn_param["mode"] == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        bn_param["running_mean"] = 0.9 * bn_param["running_mean"] + 0.1 * mean
        bn_param["running_var"] = 0.9 * bn_param["running_var"] + 0.1 * var
    else:
        mean, var = bn_param["running_mean"], bn_param["running_var"]
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
""",
        "running_var averages the std instead of the variance": """
def my_batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    if bn_param["mode"] == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        m = bn_param.get("momentum", 0.9)
        bn_param["running_mean"] = m * bn_param["running_mean"] + (1 - m) * mean
        bn_param["running_var"] = m * bn_param["running_var"] + (1 - m) * np.sqrt(var)
    else:
        mean, var = bn_param["running_mean"], bn_param["running_var"]
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
""",
        "no eps in eval mode": """
def my_batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    if bn_param["mode"] == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        m = bn_param.get("momentum", 0.9)
        bn_param["running_mean"] = m * bn_param["running_mean"] + (1 - m) * mean
        bn_param["running_var"] = m * bn_param["running_var"] + (1 - m) * var
        return gamma * (x - mean) / np.sqrt(var + eps) + beta
    mean, var = bn_param["running_mean"], bn_param["running_var"]
    return gamma * (x - mean) / np.sqrt(var) + beta
""",
        "running averages kept in local variables, never stored": """
def my_batchnorm_forward(x, gamma, beta, bn_param):
    eps = bn_param.get("eps", 1e-5)
    running_mean, running_var = bn_param["running_mean"], bn_param["running_var"]
    if bn_param["mode"] == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        m = bn_param.get("momentum", 0.9)
        running_mean = m * running_mean + (1 - m) * mean
        running_var = m * running_var + (1 - m) * var
    else:
        mean, var = running_mean, running_var
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
""",
    },
    "batchnorm_backward": {
        "mean and variance treated as constants in train mode (the eval-mode gradient)": """
def my_batchnorm_backward(dout, cache):
    mode, xhat, gamma, inv_std = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    return dout * gamma * inv_std, dgamma, dbeta
""",
        "dgamma and dbeta swapped": """
def my_batchnorm_backward(dout, cache):
    mode, xhat, gamma, inv_std = cache
    dgamma = dout.sum(axis=0)
    dbeta = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    if mode == "eval":
        return dxhat * inv_std, dgamma, dbeta
    n = dout.shape[0]
    dx = inv_std / n * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, dgamma, dbeta
""",
        "no sum over the batch for dgamma and dbeta": """
def my_batchnorm_backward(dout, cache):
    mode, xhat, gamma, inv_std = cache
    dbeta = dout
    dgamma = dout * xhat
    dxhat = dout * gamma
    if mode == "eval":
        return dxhat * inv_std, dgamma, dbeta
    n = dout.shape[0]
    dx = inv_std / n * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, dgamma, dbeta
""",
        "sums over the features (axis=1) instead of the batch": """
def my_batchnorm_backward(dout, cache):
    mode, xhat, gamma, inv_std = cache
    dbeta = dout.sum(axis=1)
    dgamma = (dout * xhat).sum(axis=1)
    dxhat = dout * gamma
    if mode == "eval":
        return dxhat * inv_std, dgamma, dbeta
    n = dout.shape[0]
    s1 = dxhat.sum(axis=1, keepdims=True)
    s2 = (dxhat * xhat).sum(axis=1, keepdims=True)
    dx = inv_std / n * (n * dxhat - s1 - xhat * s2)
    return dx, dgamma, dbeta
""",
        "sign error in the xhat (variance) term": """
def my_batchnorm_backward(dout, cache):
    mode, xhat, gamma, inv_std = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    if mode == "eval":
        return dxhat * inv_std, dgamma, dbeta
    n = dout.shape[0]
    dx = inv_std / n * (n * dxhat - dxhat.sum(axis=0) + xhat * (dxhat * xhat).sum(axis=0))
    return dx, dgamma, dbeta
""",
        "forgets gamma in dx": """
def my_batchnorm_backward(dout, cache):
    mode, xhat, gamma, inv_std = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout
    if mode == "eval":
        return dxhat * inv_std, dgamma, dbeta
    n = dout.shape[0]
    dx = inv_std / n * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, dgamma, dbeta
""",
        "the train-mode formula in eval mode too (ignores the mode)": """
def my_batchnorm_backward(dout, cache):
    mode, xhat, gamma, inv_std = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    n = dout.shape[0]
    dx = inv_std / n * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, dgamma, dbeta
""",
        "forgets the term through the mean": """
def my_batchnorm_backward(dout, cache):
    mode, xhat, gamma, inv_std = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    if mode == "eval":
        return dxhat * inv_std, dgamma, dbeta
    n = dout.shape[0]
    dx = inv_std / n * (n * dxhat - xhat * (dxhat * xhat).sum(axis=0))
    return dx, dgamma, dbeta
""",
        "divides by N - 1 instead of N": """
def my_batchnorm_backward(dout, cache):
    mode, xhat, gamma, inv_std = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    if mode == "eval":
        return dxhat * inv_std, dgamma, dbeta
    n = dout.shape[0]
    dx = inv_std / (n - 1) * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, dgamma, dbeta
""",
    },
}
