"""Numerical gradients and gradient checking (CS231n's recipe).

Compare the analytic gradient from backprop with centered differences
``(f(x + h) - f(x - h)) / 2h`` in float64. Read the relative error like this
(CS231n): above 1e-2 the gradient is wrong; 1e-4 to 1e-2 suspicious; below 1e-4 fine
only near kinks such as ReLU's; 1e-7 and below correct.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from ._validate import check_array, check_number, check_rng
from .layers import softmax_cross_entropy


def numerical_gradient(
    f: Callable[[], float], x: np.ndarray, h: float = 1e-5, indices=None
) -> np.ndarray:
    """Centered-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``f`` takes no arguments and reads ``x``, which is perturbed in place (and restored)
    one coordinate at a time: ``(f(x + h e_i) - f(x - h e_i)) / (2h)``, with error
    ``O(h^2)`` (a one-sided difference has ``O(h)``).

    Args:
        f: function of no arguments returning a float.
        x: the array ``f`` depends on (any shape; float64 for meaningful results).
        h: step size.
        indices: an iterable of index tuples to evaluate; others stay 0. Default: all.

    Returns:
        An array with the shape of ``x``.

    Example: ``numerical_gradient(lambda: model.loss(X, y)[0], model.params['W1'])``.
    """
    check_array("x", x, kind="float", allow_empty=False)
    check_number("h", h, positive=True)
    grad = np.zeros_like(x)
    if indices is None:
        indices = np.ndindex(x.shape)
    for ix in indices:
        ix = tuple(ix)
        old = x[ix]
        x[ix] = old + h
        f_plus = f()
        x[ix] = old - h
        f_minus = f()
        x[ix] = old
        grad[ix] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(analytic, numeric, eps: float = 1e-8) -> float:
    """Largest elementwise ``|a - n| / max(|a|, |n|, eps)`` between two gradients.

    Dividing by the larger magnitude makes the error scale-free; ``eps`` guards the case
    where both are (numerically) zero, which would otherwise divide 0 by 0.

    Example: ``relative_error(np.array([1.0]), np.array([1.0 + 1e-9]))`` is about 1e-9.
    """
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(
            f"analytic and numeric must have the same shape; got {a.shape} and {n.shape}"
        )
    check_number("eps", eps, positive=True)
    if a.size == 0:
        raise ValueError("analytic and numeric must not be empty; got size 0")
    denom = np.maximum(np.maximum(np.abs(a), np.abs(n)), eps)
    return float(np.max(np.abs(a - n) / denom))


def gradient_check(
    model,
    X: np.ndarray,
    y: np.ndarray,
    num_checks: int = 10,
    h: float = 1e-5,
    seed: int | None = 0,
) -> dict[str, float]:
    """Worst relative error between backprop and centered differences, per parameter.

    Works on a float64 copy of ``model`` (the model itself is not touched), with dropout's
    mask fixed so that every evaluation sees the same network. For each parameter,
    ``num_checks`` random coordinates are compared (all of them if the parameter is
    smaller). With ReLU-family activations, a coordinate whose ``x +- h`` moves some unit
    across the kink at 0 is skipped and another one drawn, because there the difference
    quotient measures the jump in slope, not the gradient (CS231n, "kinks").

    Args:
        model: a :class:`~helpers.model.Network`.
        X, y: a small batch, (N, D) and (N,).

    Returns:
        ``{'W1': err, 'b1': err, ...}``. Read them as CS231n suggests: above 1e-2 wrong,
        1e-4 to 1e-2 suspicious, below 1e-7 certainly right. Correct float64 models give
        1e-9 to 1e-6 here; the larger values come from round-off on coordinates whose
        gradient is tiny. ``nan`` means every coordinate tried crossed a kink.

    Example: ``errors = gradient_check(TwoLayerNet(20, 10, 3, seed=0), X, y)``.
    """
    model._check_X(X)
    model._check_y(y, X.shape[0])
    check_number("num_checks", num_checks, integer=True, positive=True)
    check_number("h", h, positive=True)
    rng = check_rng("seed", seed)
    checked = copy.deepcopy(model)
    checked.dtype = np.dtype(np.float64)
    checked.params = {k: v.astype(np.float64) for k, v in model.params.items()}
    checked.dropout_seed = 12345 if model.dropout_seed is None else model.dropout_seed
    X64 = X.astype(np.float64)
    has_kinks = checked.activation in ("relu", "leaky_relu")

    def loss_and_pattern() -> tuple[float, list[np.ndarray]]:
        scores, _ = checked._forward(X64, train=True, keep_activations=True)
        loss = softmax_cross_entropy(scores, y)[0] + checked._regularization()
        return loss, [a > 0 for a in checked.activations] if has_kinks else []

    def same(p1, p2) -> bool:
        return all(np.array_equal(a, b) for a, b in zip(p1, p2, strict=True))

    _, grads = checked._loss(X64, y)
    _, base = loss_and_pattern()
    errors = {}
    for name, p in checked.params.items():
        wanted = min(num_checks, p.size)
        analytic, numeric = [], []
        for flat in rng.permutation(p.size)[: 3 * wanted]:
            ix = np.unravel_index(flat, p.shape)
            old = p[ix]
            p[ix] = old + h
            f_plus, pat_plus = loss_and_pattern()
            p[ix] = old - h
            f_minus, pat_minus = loss_and_pattern()
            p[ix] = old
            if not (same(base, pat_plus) and same(base, pat_minus)):
                continue  # crossed a kink: the quotient is meaningless here
            analytic.append(grads[name][ix])
            numeric.append((f_plus - f_minus) / (2 * h))
            if len(analytic) == wanted:
                break
        errors[name] = (
            relative_error(np.array(analytic), np.array(numeric)) if analytic else float("nan")
        )
    return errors
