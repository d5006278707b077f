"""Weight initializers, NumPy versions of ``torch.nn.init``.

Weights here are shaped ``(fan_in, fan_out)`` = ``(n_in, n_out)`` because a layer computes
``x @ W`` (PyTorch stores ``(out, in)``: its fan_in is ``size(1)``). Every initializer takes
``rng`` (a ``numpy.random.Generator`` or an int seed) and ``dtype`` and returns a new array.

Which to use: He (Kaiming) for ReLU-family layers, Glorot (Xavier) for tanh and sigmoid,
LeCun for linear layers or SELU. Note that ``randn(n_in, n_out) / sqrt(n_in)`` is **LeCun**
initialization, not Glorot: Glorot's variance is ``2 / (fan_in + fan_out)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ._validate import check_choice, check_number, check_rng

NONLINEARITIES = ("linear", "identity", "sigmoid", "tanh", "relu", "leaky_relu", "selu")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """Recommended gain for an initializer followed by ``nonlinearity``.

    ============  =============================
    linear        1
    sigmoid       1
    tanh          5/3
    relu          sqrt(2)
    leaky_relu    sqrt(2 / (1 + slope^2)), slope ``param`` (default 0.01)
    selu          3/4
    ============  =============================

    Same values as ``torch.nn.init.calculate_gain``. Example: ``calculate_gain('relu')``
    returns 1.4142...
    """
    check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    if nonlinearity in ("linear", "identity", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4.0
    slope = 0.01 if param is None else check_number("param", param)
    return math.sqrt(2.0 / (1.0 + slope**2))


def compute_fans(shape: Sequence[int]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of shape ``(n_in, n_out)``."""
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise ValueError(f"shape must be a pair (n_in, n_out); got {shape!r}")
    for i, n in enumerate(shape):
        check_number(f"shape[{i}]", n, integer=True, positive=True)
    return int(shape[0]), int(shape[1])


def _new(shape, rng, dtype):
    compute_fans(shape)
    if np.dtype(dtype).kind != "f":
        raise TypeError(f"dtype must be a floating-point dtype; got {np.dtype(dtype)}")
    return check_rng("rng", rng)


def zeros(shape: Sequence[int], rng=None, dtype=np.float64) -> np.ndarray:
    """All zeros. Fine for biases; for weights it makes every unit of a layer identical
    (same output, same gradient, same update) so they never learn different features.

    Example: ``b = zeros((1, 100))[0]``; for weights see the symmetry demo in lesson 01.
    """
    _new(shape, rng, dtype)
    return np.zeros(shape, dtype=dtype)


def normal(shape: Sequence[int], std: float = 0.01, rng=None, dtype=np.float64) -> np.ndarray:
    """``N(0, std^2)`` with a fixed ``std`` that ignores the layer's size (CS231n's
    ``weight_scale``). Too small: the signal vanishes with depth; too large: it explodes.

    Example: ``W = normal((784, 100), std=0.01, rng=0)``.
    """
    rng = _new(shape, rng, dtype)
    check_number("std", std, nonnegative=True)
    return (rng.standard_normal(shape) * std).astype(dtype, copy=False)


def standard_uniform(shape: Sequence[int], rng=None, dtype=np.float64) -> np.ndarray:
    """The "standard" heuristic ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))``, so ``Var = 1/(3 fan_in)``.

    Glorot & Bengio (2010), eq. 1: with it, tanh activations shrink layer after layer.
    It is also PyTorch's default for ``nn.Linear``.

    Example: ``W = standard_uniform((1000, 1000), rng=0)``.
    """
    rng = _new(shape, rng, dtype)
    bound = 1.0 / math.sqrt(compute_fans(shape)[0])
    return rng.uniform(-bound, bound, size=shape).astype(dtype, copy=False)


def lecun_normal(shape: Sequence[int], gain: float = 1.0, rng=None, dtype=np.float64) -> np.ndarray:
    """LeCun: ``N(0, std^2)`` with ``std = gain / sqrt(fan_in)``, so ``Var = gain^2 / fan_in``.

    LeCun, Bottou, Orr & Mueller, "Efficient BackProp" (1998). Keeps the variance of a
    linear layer's output equal to its input's. This is what ``randn(n_in, n_out) /
    sqrt(n_in)`` computes (often mislabelled "Xavier").

    Example: ``W = lecun_normal((784, 100), rng=0)``.
    """
    rng = _new(shape, rng, dtype)
    fan_in, _ = compute_fans(shape)
    std = check_number("gain", gain, positive=True) / math.sqrt(fan_in)
    return (rng.standard_normal(shape) * std).astype(dtype, copy=False)


def glorot_uniform(
    shape: Sequence[int], gain: float = 1.0, rng=None, dtype=np.float64
) -> np.ndarray:
    """Glorot/Xavier uniform: ``U(-a, a)`` with ``a = gain * sqrt(6 / (fan_in + fan_out))``.

    Glorot & Bengio, "Understanding the difficulty of training deep feedforward neural
    networks" (AISTATS 2010), eq. 16: ``Var = gain^2 * 2 / (fan_in + fan_out)``, a
    compromise between keeping the forward (fan_in) and backward (fan_out) variance.

    Example: ``W = glorot_uniform((256, 128), gain=calculate_gain('tanh'), rng=0)``.
    """
    rng = _new(shape, rng, dtype)
    fan_in, fan_out = compute_fans(shape)
    a = check_number("gain", gain, positive=True) * math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a, size=shape).astype(dtype, copy=False)


def glorot_normal(
    shape: Sequence[int], gain: float = 1.0, rng=None, dtype=np.float64
) -> np.ndarray:
    """Glorot/Xavier normal: ``N(0, std^2)`` with ``std = gain * sqrt(2 / (fan_in + fan_out))``.

    Same variance as :func:`glorot_uniform` (Glorot & Bengio 2010, eq. 12), Gaussian shape.

    Example: ``W = glorot_normal((256, 128), rng=0)``.
    """
    rng = _new(shape, rng, dtype)
    fan_in, fan_out = compute_fans(shape)
    std = check_number("gain", gain, positive=True) * math.sqrt(2.0 / (fan_in + fan_out))
    return (rng.standard_normal(shape) * std).astype(dtype, copy=False)


def _he_std(shape, mode, nonlinearity, a):
    check_choice("mode", mode, ("fan_in", "fan_out"))
    fan_in, fan_out = compute_fans(shape)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def he_normal(
    shape: Sequence[int],
    mode: str = "fan_in",
    nonlinearity: str = "relu",
    a: float | None = None,
    rng=None,
    dtype=np.float64,
) -> np.ndarray:
    """He/Kaiming normal: ``N(0, std^2)`` with ``std = gain / sqrt(fan)``, ``gain = sqrt(2)``
    for ReLU (``sqrt(2 / (1 + a^2))`` for leaky ReLU with slope ``a``).

    He, Zhang, Ren & Sun, "Delving Deep into Rectifiers" (ICCV 2015), eq. 10: ReLU zeroes
    half its inputs, halving the second moment, so the weights need twice LeCun's variance.
    ``mode='fan_in'`` keeps the forward signal's variance, ``'fan_out'`` the gradients'.

    Example: ``W = he_normal((784, 256), rng=0)`` has std ``sqrt(2/784) = 0.0505``.
    """
    rng = _new(shape, rng, dtype)
    std = _he_std(shape, mode, nonlinearity, a)
    return (rng.standard_normal(shape) * std).astype(dtype, copy=False)


def he_uniform(
    shape: Sequence[int],
    mode: str = "fan_in",
    nonlinearity: str = "relu",
    a: float | None = None,
    rng=None,
    dtype=np.float64,
) -> np.ndarray:
    """He/Kaiming uniform: ``U(-b, b)`` with ``b = gain * sqrt(3 / fan)`` (same variance as
    :func:`he_normal`; He et al. 2015).

    Example: ``W = he_uniform((784, 256), rng=0)``.
    """
    rng = _new(shape, rng, dtype)
    bound = math.sqrt(3.0) * _he_std(shape, mode, nonlinearity, a)
    return rng.uniform(-bound, bound, size=shape).astype(dtype, copy=False)


# PyTorch's names for the same things
xavier_uniform = glorot_uniform
xavier_normal = glorot_normal
kaiming_normal = he_normal
kaiming_uniform = he_uniform

SCHEMES = ("zeros", "normal", "standard", "lecun", "glorot", "glorot_uniform", "he", "he_uniform")


def init_weight(
    scheme: str,
    shape: Sequence[int],
    activation: str = "relu",
    rng=None,
    dtype=np.float64,
    *,
    std: float = 0.01,
    gain: float | None = None,
    slope: float = 0.01,
) -> np.ndarray:
    """Initialize one weight matrix by scheme name.

    ``scheme`` is one of ``SCHEMES``: ``'he'`` (normal, fan_in), ``'he_uniform'``,
    ``'glorot'`` (normal), ``'glorot_uniform'``, ``'lecun'`` (normal), ``'standard'``
    (``U(+-1/sqrt(fan_in))``), ``'normal'`` (fixed ``std``) or ``'zeros'``.
    ``gain=None`` means each scheme's own default: He uses
    ``calculate_gain(activation)`` (sqrt(2) for ReLU, as derived in the paper); LeCun and
    Glorot use 1, as in their papers (pass ``gain=calculate_gain('tanh')`` to follow
    PyTorch's recommendation for tanh).

    Example: ``W = init_weight('he', (784, 256), 'relu', rng=0)``.
    """
    check_choice("scheme", scheme, SCHEMES)
    if scheme == "zeros":
        return zeros(shape, rng, dtype)
    if scheme == "normal":
        return normal(shape, std, rng, dtype)
    if scheme == "standard":
        return standard_uniform(shape, rng, dtype)
    if gain is None:
        if scheme in ("he", "he_uniform"):
            gain = calculate_gain(activation, slope if activation == "leaky_relu" else None)
        else:
            gain = 1.0
    if scheme == "he":
        # He-normal with fan_in is LeCun's formula times the nonlinearity's gain
        return lecun_normal(shape, gain, rng, dtype)
    if scheme == "he_uniform":
        rng = _new(shape, rng, dtype)
        bound = check_number("gain", gain, positive=True) * math.sqrt(3.0 / shape[0])
        return rng.uniform(-bound, bound, size=shape).astype(dtype, copy=False)
    if scheme == "lecun":
        return lecun_normal(shape, gain, rng, dtype)
    fn = glorot_normal if scheme == "glorot" else glorot_uniform
    return fn(shape, gain, rng, dtype)
