"""Layers as forward/backward pairs with an explicit cache (CS231n style).

Each ``*_forward`` returns ``(out, cache)``; the matching ``*_backward`` takes the upstream
gradient ``dout`` (same shape as ``out``) and that cache and returns the gradients of the
inputs. Shapes: ``x`` is ``(N, D)`` (a minibatch of N rows), ``W`` is ``(D, M)``, ``b`` is
``(M,)``. The backward functions do not modify their arguments.
"""

from __future__ import annotations

import numpy as np

ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid")


# --- affine: out = x @ W + b -------------------------------------------------------------
def affine_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, tuple]:
    """``out = x @ W + b``: ``x`` (N, D), ``W`` (D, M), ``b`` (M,) -> ``out`` (N, M)."""
    out = x @ W
    out += b
    return out, (x, W)


def affine_backward(
    dout: np.ndarray, cache: tuple, need_dx: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients ``(dx, dW, db)`` of ``x @ W + b`` given ``dout`` (N, M).

    ``dx`` is skipped (``None``) when ``need_dx`` is False, as for the first layer, whose
    input is data: that saves a third of the layer's backward work.
    """
    x, W = cache
    dW = x.T @ dout
    db = dout.sum(axis=0)
    dx = dout @ W.T if need_dx else None
    return dx, dW, db


# --- activations -------------------------------------------------------------------------
def relu_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``max(0, x)``, elementwise. The cache is the output (its sign is the mask)."""
    out = np.maximum(x, 0)
    return out, out


def relu_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """``dout * 1[x > 0]``. At exactly 0 the (sub)gradient 0 is used, like PyTorch.

    (Multiplying by the boolean mask is several times faster than ``np.where``, whose
    data-dependent branch the CPU cannot predict for a random sign pattern.)
    """
    return dout * (cache > 0)


def leaky_relu_forward(x: np.ndarray, slope: float = 0.01) -> tuple[np.ndarray, tuple]:
    """``x`` where positive, ``slope * x`` elsewhere (Maas et al. 2013)."""
    slope = float(slope)  # a NumPy float64 slope would turn float32 activations into float64
    out = np.where(x > 0, x, slope * x)
    return out, (x, slope)


def leaky_relu_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """``dout`` where ``x > 0``, ``slope * dout`` elsewhere."""
    x, slope = cache
    return np.where(x > 0, dout, slope * dout)


def tanh_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``tanh(x)``; the cache is the output, since tanh' = 1 - tanh^2."""
    out = np.tanh(x)
    return out, out


def tanh_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """``dout * (1 - tanh(x)^2)``."""
    return dout * (1 - cache * cache)


def sigmoid_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``1 / (1 + exp(-x))``, computed without overflow for large ``|x|``."""
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return out, out


def sigmoid_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """``dout * s * (1 - s)`` with ``s = sigmoid(x)``."""
    return dout * cache * (1 - cache)


def activation_forward(x: np.ndarray, name: str, slope: float = 0.01) -> tuple[np.ndarray, object]:
    """Apply the activation called ``name`` (one of ``ACTIVATIONS``)."""
    if name == "relu":
        return relu_forward(x)
    if name == "leaky_relu":
        return leaky_relu_forward(x, slope)
    if name == "tanh":
        return tanh_forward(x)
    if name == "sigmoid":
        return sigmoid_forward(x)
    raise ValueError(f"activation must be one of {list(ACTIVATIONS)}; got {name!r}")


def activation_backward(dout: np.ndarray, cache: object, name: str) -> np.ndarray:
    """Backward pass of the activation called ``name``."""
    backward = {
        "relu": relu_backward,
        "leaky_relu": leaky_relu_backward,
        "tanh": tanh_backward,
        "sigmoid": sigmoid_backward,
    }
    return backward[name](dout, cache)


# --- batch normalization ----------------------------------------------------------------
def batchnorm_forward(
    x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, bn_param: dict
) -> tuple[np.ndarray, tuple]:
    """Batch normalization (Ioffe & Szegedy 2015, Algorithm 1) of ``x`` (N, D).

    Training (``bn_param['mode'] == 'train'``): normalize each feature with the minibatch's
    mean and variance, ``xhat = (x - mean) / sqrt(var + eps)``, output ``gamma * xhat +
    beta``, and update the running averages in ``bn_param`` in place:
    ``running = momentum * running + (1 - momentum) * batch_stat``. Evaluation
    (``'eval'``): use the running averages instead, so each example's output depends only
    on itself.

    ``bn_param`` holds ``mode``, ``eps`` (default 1e-5), ``momentum`` (default 0.9),
    ``running_mean`` and ``running_var`` (both (D,), updated in place in training).

    Example: ``out, cache = batchnorm_forward(x, np.ones(D), np.zeros(D), {"mode": "train",
    "running_mean": np.zeros(D), "running_var": np.ones(D)})``.
    """
    mode = bn_param.get("mode", "train")
    eps = float(bn_param.get("eps", 1e-5))
    if mode == "train":
        mean = x.mean(axis=0)
        var = x.var(axis=0)
        momentum = float(bn_param.get("momentum", 0.9))
        for key, stat in (("running_mean", mean), ("running_var", var)):
            running = bn_param[key]
            running *= momentum
            running += (1 - momentum) * stat
    elif mode == "eval":
        mean, var = bn_param["running_mean"], bn_param["running_var"]
    else:
        raise ValueError(f"bn_param['mode'] must be 'train' or 'eval'; got {mode!r}")
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mean) * inv_std
    return gamma * xhat + beta, (mode, xhat, gamma, inv_std)


def batchnorm_backward(dout: np.ndarray, cache: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients ``(dx, dgamma, dbeta)`` of batch normalization, given ``dout`` (N, D).

    In training mode the batch's mean and variance depend on every example, which gives
    ``dx = inv_std / N * (N * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat))`` with
    ``dxhat = dout * gamma`` (sums over the batch); in evaluation mode the statistics are
    constants and ``dx = dout * gamma * inv_std``.
    """
    mode, xhat, gamma, inv_std = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    if mode == "eval":
        return dxhat * inv_std, dgamma, dbeta
    n = dout.shape[0]
    dx = (inv_std / n) * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, dgamma, dbeta


# --- inverted dropout --------------------------------------------------------------------
def dropout_forward(
    x: np.ndarray, p: float, rng: np.random.Generator | None = None, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Inverted dropout for training: zero each unit with probability ``p``, scale by 1/(1-p).

    The scaling keeps ``E[out] = x``, so nothing changes at test time (just skip dropout).
    Pass ``mask`` (same shape as ``x``, already scaled) to reuse a fixed mask, e.g. in a
    gradient check. ``p = 0`` returns ``x`` unchanged with a ``None`` cache.

    Example: ``out, mask = dropout_forward(x, 0.5, np.random.default_rng(0))``.
    """
    if p == 0:
        return x, None
    if mask is None:
        if rng is None:
            raise ValueError("dropout_forward needs rng (a numpy Generator) or a fixed mask")
        keep = rng.random(x.shape) >= p
        mask = keep.astype(x.dtype) / x.dtype.type(1 - p)
    return x * mask, mask


def dropout_backward(dout: np.ndarray, cache: np.ndarray | None) -> np.ndarray:
    """Gradient of inverted dropout: the upstream gradient times the same scaled mask."""
    return dout if cache is None else dout * cache


# --- loss ------------------------------------------------------------------------------
def log_softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise ``log(softmax(scores))`` for ``scores`` (N, C), stable for any magnitude.

    Subtracting each row's maximum first changes nothing mathematically and keeps every
    ``exp`` in (0, 1], so logits of 1e4 neither overflow nor produce ``log(0)``.
    """
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax_cross_entropy(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean softmax cross-entropy loss and its gradient.

    ``scores`` (N, C) are logits, ``y`` (N,) integer classes. Returns ``(loss, dscores)``
    with ``dscores = (softmax(scores) - onehot(y)) / N`` of shape (N, C).

    Example: a fresh classifier with tiny logits gives ``loss ~= log(C)``.
    """
    n = scores.shape[0]
    logp = log_softmax(scores)
    rows = np.arange(n)
    loss = -float(logp[rows, y].mean())
    dscores = np.exp(logp)
    dscores[rows, y] -= 1
    dscores /= n
    return loss, dscores
