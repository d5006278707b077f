"""Optimizers, learning-rate schedules and gradient clipping.

An optimizer updates ``params`` in place from ``grads`` (both dicts of arrays with the same
keys and shapes): ``optimizer.step(params, grads, lr)``. Everything it remembers between
steps (velocities, moment estimates, the step count) lives in ``optimizer.state``, so a
caller can save it with ``copy.deepcopy(optimizer.state)`` and put it back later.

A schedule is a function ``step -> factor`` (``step`` counts from 0); the learning rate at a
step is ``base_lr * factor``.

Scalars (``lr``, momentum, betas, clipping bounds) are turned into Python floats before they
touch an array: NumPy keeps ``float * float32 array`` in float32, but a NumPy float64 scalar
(e.g. ``lr = 10 ** np.random.uniform(-5, -2)``) would turn every update into float64
temporaries, 2-5x slower.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._validate import check_choice, check_number

Schedule = Callable[[int], float]


class SGD:
    """Plain stochastic gradient descent: ``p -= lr * g``.

    Example: ``SGD().step(model.params, grads, lr=0.1)``.
    """

    def __init__(self) -> None:
        self.state: dict = {}

    def step(self, params: dict, grads: dict, lr: float) -> None:
        lr = float(lr)
        for k, p in params.items():
            p -= lr * grads[k]

    def __repr__(self) -> str:
        return "SGD()"


class Momentum:
    """SGD with (heavy-ball) momentum: ``v = mu * v - lr * g; p += v`` (Polyak 1964).

    With ``nesterov=True`` the update looks ahead: ``p += mu * v - lr * g`` (Sutskever et
    al. 2013, in the form used by CS231n).

    Example: ``opt = Momentum(0.9); opt.step(model.params, grads, lr=0.05)``.
    """

    def __init__(self, momentum: float = 0.9, nesterov: bool = False) -> None:
        self.momentum = float(
            check_number("momentum", momentum, low=0.0, high=1.0, high_inclusive=False)
        )
        self.nesterov = bool(nesterov)
        self.state: dict = {"velocity": {}}

    def step(self, params: dict, grads: dict, lr: float) -> None:
        lr = float(lr)
        velocity = self.state["velocity"]
        for k, p in params.items():
            v = velocity.get(k)
            if v is None:
                v = velocity[k] = np.zeros_like(p)
            v *= self.momentum
            v -= lr * grads[k]
            if self.nesterov:
                p += self.momentum * v - lr * grads[k]
            else:
                p += v

    def __repr__(self) -> str:
        return f"Momentum(momentum={self.momentum}, nesterov={self.nesterov})"


class Adam:
    """Adam (Kingma & Ba 2015) with bias-corrected first and second moment estimates:

    ``m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;``
    ``p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)``

    Example: ``opt = Adam(); opt.step(model.params, grads, lr=1e-3)``.
    """

    def __init__(self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> None:
        self.beta1 = float(check_number("beta1", beta1, low=0.0, high=1.0, high_inclusive=False))
        self.beta2 = float(check_number("beta2", beta2, low=0.0, high=1.0, high_inclusive=False))
        self.eps = float(check_number("eps", eps, positive=True))
        self.state: dict = {"t": 0, "m": {}, "v": {}}

    def step(self, params: dict, grads: dict, lr: float) -> None:
        lr = float(lr)
        s = self.state
        s["t"] += 1
        t = s["t"]
        correction1 = 1 - self.beta1**t
        correction2 = 1 - self.beta2**t
        for k, p in params.items():
            g = grads[k]
            if k not in s["m"]:
                s["m"][k] = np.zeros_like(p)
                s["v"][k] = np.zeros_like(p)
            m, v = s["m"][k], s["v"][k]
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * (g * g)
            # p -= (lr / correction1) * m / (sqrt(v / correction2) + eps), computing the
            # denominator in place in one buffer instead of three temporaries
            denom = v / correction2
            np.sqrt(denom, out=denom)
            denom += self.eps
            p -= (lr / correction1) * m / denom

    def __repr__(self) -> str:
        return f"Adam(beta1={self.beta1}, beta2={self.beta2}, eps={self.eps})"


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(optimizer) -> SGD | Momentum | Adam:
    """An optimizer from a name (``'sgd'``, ``'momentum'``, ``'adam'``) or pass one through."""
    if isinstance(optimizer, str):
        check_choice("optimizer", optimizer, tuple(OPTIMIZERS))
        return OPTIMIZERS[optimizer]()
    if not callable(getattr(optimizer, "step", None)) or not hasattr(optimizer, "state"):
        raise TypeError(
            f"optimizer must be one of {list(OPTIMIZERS)} or an object with .step(params, "
            f"grads, lr) and .state; got {type(optimizer).__name__}"
        )
    return optimizer


# --- schedules ---------------------------------------------------------------------------
def constant_schedule() -> Schedule:
    """Factor 1 at every step."""
    return lambda step: 1.0


def step_schedule(step_size: int, gamma: float = 0.1) -> Schedule:
    """Multiply the rate by ``gamma`` every ``step_size`` steps: ``gamma ** (step // step_size)``.

    Example: ``step_schedule(1000, 0.5)(2500) == 0.25``.
    """
    check_number("step_size", step_size, integer=True, positive=True)
    check_number("gamma", gamma, positive=True)
    return lambda step: gamma ** (step // step_size)


def cosine_schedule(total_steps: int, final_factor: float = 0.0) -> Schedule:
    """Cosine annealing (Loshchilov & Hutter 2017) from 1 to ``final_factor`` over
    ``total_steps``: ``f + (1 - f) * (1 + cos(pi * step / total)) / 2``, then ``f``.

    Example: ``cosine_schedule(100)(50) == 0.5``.
    """
    check_number("total_steps", total_steps, integer=True, positive=True)
    check_number("final_factor", final_factor, nonnegative=True)

    def schedule(step: int) -> float:
        t = min(step, total_steps) / total_steps
        return final_factor + (1 - final_factor) * 0.5 * (1 + math.cos(math.pi * t))

    return schedule


def warmup_schedule(
    warmup_steps: int, after: Schedule | None = None, start_factor: float = 0.0
) -> Schedule:
    """Linear warm-up (Goyal et al. 2017): the factor rises from ``start_factor`` to 1 over
    ``warmup_steps`` steps, ``start + (1 - start) * step / warmup_steps``; afterwards it is
    ``after(step - warmup_steps)`` (or 1 if ``after`` is None).

    Large rates are unstable while the weights are still random (and, for Adam, while its
    moment estimates are based on few steps); a short warm-up lets them be used.

    Example: ``warmup_schedule(100, cosine_schedule(900))`` warms up, then anneals.
    """
    check_number("warmup_steps", warmup_steps, integer=True, positive=True)
    check_number("start_factor", start_factor, low=0.0, high=1.0)
    if after is not None and not callable(after):
        raise TypeError(f"after must be a schedule (a function step -> factor); got {after!r}")

    def schedule(step: int) -> float:
        if step < warmup_steps:
            return start_factor + (1 - start_factor) * step / warmup_steps
        return 1.0 if after is None else after(step - warmup_steps)

    return schedule


def one_cycle_schedule(
    total_steps: int,
    pct_start: float = 0.3,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
) -> Schedule:
    """Smith's one-cycle policy (Smith & Topin 2019) as in ``torch.optim.lr_scheduler.
    OneCycleLR`` (cosine annealing, two phases), as a factor of the peak rate:

    from ``1 / div_factor`` up to 1 over the first ``pct_start`` of the steps, then down to
    ``1 / (div_factor * final_div_factor)`` at the last step, each half following
    ``end + (start - end) * (1 + cos(pi * t)) / 2`` with ``t`` going from 0 to 1.

    Use the range test to choose the peak (``learning_rate`` in :func:`~helpers.train.train`):
    the one-cycle paper takes a rate near the largest that still converges. (PyTorch also
    cycles momentum; this schedule is for the learning rate only.)

    Example: ``one_cycle_schedule(1000)(300) == 1.0``.
    """
    check_number("total_steps", total_steps, integer=True, low=2)
    check_number("pct_start", pct_start, positive=True, high=1.0, high_inclusive=False)
    check_number("div_factor", div_factor, positive=True)
    check_number("final_div_factor", final_div_factor, positive=True)
    start, peak = 1.0 / div_factor, 1.0
    final = start / final_div_factor
    up_end = float(pct_start * total_steps) - 1  # PyTorch's phase boundaries
    down_end = float(total_steps - 1)

    def anneal(begin: float, end: float, t: float) -> float:
        return end + (begin - end) * 0.5 * (1 + math.cos(math.pi * t))

    def schedule(step: int) -> float:
        step = min(step, total_steps - 1)
        if step <= up_end:
            return anneal(start, peak, step / up_end if up_end > 0 else 1.0)
        return anneal(peak, final, (step - up_end) / (down_end - up_end))

    return schedule


# --- gradient clipping -------------------------------------------------------------------
def global_norm(grads: dict) -> float:
    """L2 norm of all gradients together: ``sqrt(sum_k sum(grads[k] ** 2))``."""
    return math.sqrt(sum(float(np.vdot(g, g)) for g in grads.values()))


def clip_grad_norm(grads: dict, max_norm: float) -> float:
    """Clip by norm, in place: if the global L2 norm over *all* gradients exceeds
    ``max_norm``, multiply every gradient by ``max_norm / (norm + 1e-6)``.

    This keeps the direction of the update and only shortens it (Pascanu, Mikolov & Bengio
    2013, Algorithm 1; ``torch.nn.utils.clip_grad_norm_``). Returns the norm *before*
    clipping, which is worth logging.

    Example: for ``{'W': [3, 4]}`` and ``max_norm=1`` the gradient becomes ``[0.6, 0.8]``
    (approximately) and 5.0 is returned.
    """
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of arrays; got {type(grads).__name__}")
    check_number("max_norm", max_norm, positive=True)
    total = global_norm(grads)
    if total > max_norm:
        scale = float(max_norm / (total + 1e-6))
        for g in grads.values():
            g *= scale
    return total


def clip_grad_value(grads: dict, clip_value: float) -> None:
    """Clip by value, in place: each entry to ``[-clip_value, clip_value]``.

    Unlike :func:`clip_grad_norm` this changes the gradient's *direction*
    (``[3, 4, 0.5]`` with ``clip_value=1`` becomes ``[1, 1, 0.5]``). It is what
    ``np.clip(grads, -c, c)`` does (``torch.nn.utils.clip_grad_value_``).
    """
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of arrays; got {type(grads).__name__}")
    clip_value = float(check_number("clip_value", clip_value, positive=True))
    for g in grads.values():
        np.clip(g, -clip_value, clip_value, out=g)
