"""Sanity checks to run before a long training run (lesson 06; the training doctor uses them).

Each check returns a :class:`CheckResult` (``name``, ``passed``, ``value``, ``expected``,
``message``) and leaves the model exactly as it found it: checks that train work on a copy,
the others only run forward/backward passes that store nothing in the model.

The checks follow CS231n's notes and Karpathy's "A Recipe for Training Neural Networks":

- :func:`check_initial_loss`: at initialization the softmax loss is about ``ln(C)``;
- :func:`check_regularization_raises_loss`: a stronger L2 penalty raises the loss;
- :func:`check_loss_decreases`: a few steps on one batch lower its loss;
- :func:`overfit_small_batch`: a correct model memorizes a handful of examples;
- :func:`input_independent_baseline`: with the inputs zeroed the model must do worse;
- :func:`check_batch_independence`: output i depends on input i only;
- :func:`check_gradients`: backprop agrees with centered differences.

:func:`run_sanity_checks` runs them all on subsets of the data and returns a report that
prints as text and shows as a table in Jupyter.
"""

from __future__ import annotations

import copy
import functools
import html
import math
from dataclasses import dataclass

import numpy as np

from ._validate import _describe, check_number, check_rng
from .gradcheck import gradient_check
from .layers import softmax_cross_entropy
from .model import Network
from .optim import make_optimizer

# The loss at initialization may differ from ln(C) by at most this many nats. With logits
# of small std s the expected loss is about ln(C) + (1 - 1/C) s^2 / 2, so 0.5 nats means
# logits with std about 1: the network already makes confident (random) guesses, which
# costs the first part of training ("hockey stick" loss, Karpathy). A network with the
# default small output layer (output_scale=0.1) is within 0.03 of ln(10) on MNIST; plain He
# init on every layer (output_scale=1.0) gives about 3.1, 0.8 above, and fails on purpose.
INITIAL_LOSS_TOLERANCE = 0.5
# "Memorized" means 100% accuracy and a data loss below this fraction of ln(C) (0.23 for 10
# classes). With the defaults (full-batch Adam at lr 1e-2 on 20 examples, stopping early)
# healthy MNIST networks get there in 10-50 steps, 2-D spirals in 60-630 (a one-layer
# sigmoid net is the slowest), hence the 1000-step budget; lr 3e-3 needs 1000+ steps on
# spirals, and 3e-2 diverges for deep tanh nets. Broken setups end far above the limit:
# all-zero weights, a dead first layer and ten sigmoid layers at 1.96 (the entropy of the
# 20 labels: they learn the label frequencies only), reg=1.0 at 0.78.
OVERFIT_LOSS_FRACTION = 0.1
# The zero-input copy of the baseline trains as long as the real one, at most this long:
# it can only learn the label frequencies (biases), which takes well under 100 Adam steps.
BASELINE_MAX_STEPS = 200
# Above this relative error the analytic gradient is wrong (CS231n). Correct float64
# networks give 1e-9 to 1e-6; a deep sigmoid net whose gradients have vanished reaches
# ~4e-3 from round-off on tiny coordinates, which is why the stricter 1e-4 is not used.
GRADIENT_ERROR_THRESHOLD = 1e-2


@dataclass
class CheckResult:
    """The outcome of one sanity check.

    Attributes:
        name: what was checked, e.g. ``'initial loss'``.
        passed: whether the model passed.
        value: the measured number (e.g. the loss).
        expected: what a healthy model gives, in words and numbers.
        message: a sentence that explains the outcome and, on failure, what to do.
    """

    name: str
    passed: bool
    value: float
    expected: str
    message: str

    def __str__(self) -> str:
        return f"[{'PASS' if self.passed else 'FAIL'}] {self.name}: {self.message}"


class SanityReport(list):
    """A list of :class:`CheckResult`; prints as text, shows as a table in Jupyter."""

    @property
    def passed(self) -> bool:
        """True when every check passed."""
        return all(r.passed for r in self)

    def __str__(self) -> str:
        failed = sum(not r.passed for r in self)
        head = f"Sanity checks: {len(self) - failed} passed, {failed} failed"
        return "\n".join([head, *(str(r) for r in self)])

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{'PASS' if r.passed else '<b>FAIL</b>'}</td><td>{html.escape(r.name)}</td>"
            f"<td>{r.value:.4g}</td><td>{html.escape(r.expected)}</td>"
            f"<td style='text-align:left'>{html.escape(r.message)}</td></tr>"
            for r in self
        )
        return (
            "<table><thead><tr><th>result</th><th>check</th><th>value</th><th>expected</th>"
            f"<th>explanation</th></tr></thead><tbody>{rows}</tbody></table>"
        )


# The checks look at broken models on purpose: NumPy's overflow warnings would only bury
# the result, which says what went wrong.
def _quiet(func):
    """Run ``func`` with NumPy's overflow/invalid/divide warnings off (a fresh errstate per
    call, so that nested checks restore the caller's settings on any NumPy version)."""

    @functools.wraps(func)
    def quiet(*args, **kwargs):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return func(*args, **kwargs)

    return quiet


# --- shared pieces ------------------------------------------------------------------------------
def _check_model(model: object) -> Network:
    if not isinstance(model, Network):
        raise TypeError(
            f"model must be a helpers.model.Network (or TwoLayerNet); got {_describe(model)}"
        )
    return model


def _check_data(model: Network, X: object, y: object) -> None:
    model._check_X(X)
    model._check_y(y, X.shape[0])


def _check_n(n: object, X: np.ndarray, name: str = "n", low: int = 1) -> int:
    check_number(name, n, integer=True, low=low)
    if n > X.shape[0]:
        raise ValueError(f"{name} must be at most the number of examples, {X.shape[0]}; got {n}")
    return int(n)


@_quiet
def data_loss(model: Network, X: np.ndarray, y: np.ndarray) -> float:
    """Mean softmax cross-entropy of ``model`` on ``X`` (N, D), ``y`` (N,): eval mode (no
    dropout), without the L2 term; stores nothing in the model.

    Example: ``data_loss(Network([784, 100, 10], seed=0), X[:500], y[:500])`` is about 2.30.
    """
    _check_model(model)
    _check_data(model, X, y)
    return _data_loss(model, X, y)


def _data_loss(model: Network, X: np.ndarray, y: np.ndarray) -> float:
    scores, _ = model._forward(X, train=False, keep_activations=False)
    return float(softmax_cross_entropy(scores, y)[0])


def _accuracy(model: Network, X: np.ndarray, y: np.ndarray) -> float:
    scores, _ = model._forward(X, train=False, keep_activations=False)
    return float(np.mean(np.argmax(scores, axis=1) == y))


def _trained_copy(model, X, y, steps: int, learning_rate: float, optimizer, target=None):
    """A copy of ``model`` (dropout off) after up to ``steps`` full-batch steps on ``X``,
    ``y``, and the number of steps taken. With a ``target``, stop (checked every 10 steps)
    once the copy has memorized the batch: 100% accuracy and data loss below ``target``."""
    clone = copy.deepcopy(model)
    clone.dropout = 0.0
    opt = copy.deepcopy(make_optimizer(optimizer))  # never advance the caller's optimizer
    for step in range(1, steps + 1):
        _, grads = clone._loss(X, y)
        opt.step(clone.params, grads, learning_rate)
        if target is not None and step % 10 == 0:
            if _data_loss(clone, X, y) < target and _accuracy(clone, X, y) == 1.0:
                return clone, step
    return clone, steps


def _check_training_args(steps, learning_rate, optimizer) -> None:
    check_number("steps", steps, integer=True, positive=True)
    check_number("learning_rate", learning_rate, positive=True)
    make_optimizer(optimizer)  # raises on a bad name or object


# --- the checks ---------------------------------------------------------------------------------
@_quiet
def check_initial_loss(
    model: Network, X: np.ndarray, y: np.ndarray, *, tol: float = INITIAL_LOSS_TOLERANCE
) -> CheckResult:
    """The loss of an untrained model should be close to ``ln(C)``.

    With small logits the softmax is nearly uniform, so every example costs about
    ``-ln(1/C) = ln(C)`` (2.3026 for 10 classes; CS231n). The data loss is measured in eval
    mode without the L2 term. (The course notes' snippet compares ``model.loss(X, y)``
    itself, but that returns ``(loss, grads)``.)

    Args:
        model: a :class:`~helpers.model.Network`, freshly initialized.
        X, y: a batch, (N, D) and (N,); a few hundred examples give a stable mean.
        tol: allowed ``|loss - ln(C)|`` in nats (see ``INITIAL_LOSS_TOLERANCE``).

    Example:
        >>> check_initial_loss(Network([784, 100, 10], seed=0), X[:500], y[:500]).passed
        True
    """
    _check_model(model)
    _check_data(model, X, y)
    check_number("tol", tol, positive=True)
    C = model.num_classes
    expected = math.log(C)
    scores, _ = model._forward(X, train=False, keep_activations=False)
    loss = float(softmax_cross_entropy(scores, y)[0])
    logit_std = float(np.std(scores))
    gap = loss - expected
    passed = bool(abs(gap) <= tol)
    if passed:
        message = f"loss {loss:.4f} is within {tol} of ln({C}) = {expected:.4f}."
    elif gap > 0:
        message = (
            f"loss {loss:.4f} is {gap:.2f} above ln({C}) = {expected:.4f}: the initial logits "
            f"are large (std {logit_std:.2f}), so the network starts with confident random "
            "guesses. Initialize the last layer small (e.g. output_scale=0.1)."
        )
    else:
        message = (
            f"loss {loss:.4f} is {-gap:.2f} below ln({C}) = {expected:.4f}: an untrained model "
            "cannot beat chance. Is the model already trained, or do the labels leak into "
            "the inputs?"
        )
    return CheckResult("initial loss", passed, loss, f"ln({C}) = {expected:.4f} +- {tol}", message)


@_quiet
def check_regularization_raises_loss(
    model: Network, X: np.ndarray, y: np.ndarray, *, reg: float = 1.0
) -> CheckResult:
    """Raising the L2 strength from 0 to ``reg`` must raise the loss (CS231n).

    Both losses are computed on a copy, in eval mode. ``value`` is the rise, which for this
    library's L2 term is ``0.5 * reg * sum(W ** 2)``.

    Example:
        >>> check_regularization_raises_loss(model, X[:64], y[:64]).passed
        True
    """
    _check_model(model)
    _check_data(model, X, y)
    check_number("reg", reg, positive=True)
    clone = copy.deepcopy(model)
    losses = []
    for strength in (0.0, reg):
        clone.reg = strength
        losses.append(_data_loss(clone, X, y) + clone._regularization())
    rise = losses[1] - losses[0]
    passed = bool(rise > 0)
    if passed:
        message = f"the loss rose by {rise:.4g} when reg went from 0 to {reg}."
    elif all(not np.any(model.params[f"W{i}"]) for i in range(1, model.num_layers + 1)):
        message = "the loss did not rise because every weight is zero (zero initialization)."
    else:
        message = (
            f"the loss changed by {rise:.4g} when reg went from 0 to {reg}: the L2 term is "
            "missing from the loss (or has the wrong sign)."
        )
    return CheckResult("regularization raises the loss", passed, rise, "> 0", message)


@_quiet
def check_loss_decreases(
    model: Network,
    X: np.ndarray,
    y: np.ndarray,
    *,
    steps: int = 10,
    learning_rate: float = 1e-3,
    optimizer="adam",
) -> CheckResult:
    """A few optimizer steps on one batch must lower that batch's loss (on a copy).

    The loss (data + L2, eval mode) before and after ``steps`` steps are compared; ``value``
    is the loss after.

    Example:
        >>> check_loss_decreases(model, X[:64], y[:64]).passed
        True
    """
    _check_model(model)
    _check_data(model, X, y)
    _check_training_args(steps, learning_rate, optimizer)
    before = _data_loss(model, X, y) + model._regularization()
    clone, _ = _trained_copy(model, X, y, steps, learning_rate, optimizer)
    after = _data_loss(clone, X, y) + clone._regularization()
    passed = bool(after < before)
    message = (
        f"the loss went from {before:.4g} to {after:.4g} in {steps} steps."
        if passed
        else f"the loss did not decrease in {steps} steps ({before:.4g} -> {after:.4g}): check "
        "the gradient's sign and the update, then the learning rate."
    )
    return CheckResult(
        "loss decreases", passed, after, f"< {before:.4g} (the loss before)", message
    )


def _overfit(model, Xs, ys, steps, learning_rate, optimizer) -> tuple[CheckResult, int]:
    n = Xs.shape[0]
    limit = OVERFIT_LOSS_FRACTION * math.log(model.num_classes)
    clone, used = _trained_copy(model, Xs, ys, steps, learning_rate, optimizer, limit)
    loss, acc = _data_loss(clone, Xs, ys), _accuracy(clone, Xs, ys)
    passed = bool(acc == 1.0 and loss < limit)
    if passed:
        message = f"memorized {n} examples in {used} steps: loss {loss:.4g}, accuracy 100%."
    else:
        reg = f" The L2 strength reg={model.reg} may be too strong for this." if model.reg else ""
        message = (
            f"could not memorize {n} examples in {steps} steps: loss {loss:.4g}, accuracy "
            f"{acc:.0%}. A healthy model gets there; suspect a bug, dead or saturated units, "
            f"vanishing gradients, or too little capacity.{reg}"
        )
    expected = f"< {limit:.3g} and 100% accuracy within {steps} steps"
    return CheckResult("overfit a small batch", passed, loss, expected, message), used


def _baseline(model, Xs, ys, real: float, steps: int, learning_rate, optimizer) -> CheckResult:
    Z = np.zeros_like(Xs)
    clone, _ = _trained_copy(model, Z, ys, min(steps, BASELINE_MAX_STEPS), learning_rate, optimizer)
    zero = _data_loss(clone, Z, ys)
    passed = bool(real < 0.5 * zero)
    message = (
        f"real inputs reach loss {real:.4g}, zeroed inputs {zero:.4g}."
        if passed
        else f"real inputs reach loss {real:.4g}, no better than zeroed inputs ({zero:.4g}): "
        "the model does not use its input (check the data pipeline, dead first-layer units, "
        "symmetric weights)."
    )
    expected = f"< 0.5 x {zero:.4g} (zeroed inputs)"
    return CheckResult("input-independent baseline", passed, real, expected, message)


@_quiet
def _overfit_and_baseline(
    model: Network, X: np.ndarray, y: np.ndarray
) -> tuple[CheckResult, CheckResult]:
    """:func:`overfit_small_batch` and :func:`input_independent_baseline` on all of ``X``
    (a handful of examples) with their defaults, sharing the real-input training run (no
    input checks: for run_sanity_checks and the doctor)."""
    overfit, used = _overfit(model, X, y, 1000, 1e-2, "adam")
    return overfit, _baseline(model, X, y, overfit.value, used, 1e-2, "adam")


@_quiet
def overfit_small_batch(
    model: Network,
    X: np.ndarray,
    y: np.ndarray,
    *,
    n: int = 20,
    steps: int = 1000,
    learning_rate: float = 1e-2,
    optimizer="adam",
) -> CheckResult:
    """A correct model memorizes a handful of examples (CS231n: 20; Karpathy: even 2).

    Trains a copy of ``model`` (dropout off, L2 as configured) on the first ``n`` examples
    with full-batch steps until it reaches 100% accuracy and a data loss below
    ``0.1 * ln(C)``, or for at most ``steps`` steps. ``value`` is the final data loss.
    Pass shuffled data: the first ``n`` rows should hold several classes.

    Example:
        >>> overfit_small_batch(Network([784, 100, 10], seed=0), X, y).passed
        True
    """
    _check_model(model)
    _check_data(model, X, y)
    n = _check_n(n, X)
    _check_training_args(steps, learning_rate, optimizer)
    return _overfit(model, X[:n], y[:n], steps, learning_rate, optimizer)[0]


@_quiet
def input_independent_baseline(
    model: Network,
    X: np.ndarray,
    y: np.ndarray,
    *,
    n: int = 20,
    steps: int = 1000,
    learning_rate: float = 1e-2,
    optimizer="adam",
) -> CheckResult:
    """With its inputs set to zero a model must do worse than with the real inputs (Karpathy).

    A copy is trained on the first ``n`` examples as in :func:`overfit_small_batch`, and
    another on the same labels with all inputs zero, for as many steps (at most 200). With
    zeros the model can only learn the label frequencies (its loss cannot go below their
    entropy), so the real inputs must reach at most half that loss. ``value`` is the real
    inputs' final data loss. If the two are alike, the model ignores its input.

    Example:
        >>> input_independent_baseline(model, X, y).passed
        True
    """
    _check_model(model)
    _check_data(model, X, y)
    n = _check_n(n, X)
    _check_training_args(steps, learning_rate, optimizer)
    Xs, ys = X[:n], y[:n]
    overfit, used = _overfit(model, Xs, ys, steps, learning_rate, optimizer)
    return _baseline(model, Xs, ys, overfit.value, used, learning_rate, optimizer)


@_quiet
def check_batch_independence(model: Network, X: np.ndarray, *, index: int = 0) -> CheckResult:
    """Only example ``index`` may influence output ``index`` (Karpathy's recipe).

    Backpropagates a random gradient from row ``index`` of the scores alone
    (``model.input_gradient``, eval mode): every other row of the input gradient must be
    exactly zero. A nonzero row means the forward pass mixes examples of the batch (e.g. a
    reduction or a reshape over the wrong axis). ``value`` is the largest such entry.

    Example:
        >>> check_batch_independence(model, X[:8]).passed
        True
    """
    _check_model(model)
    model._check_X(X)
    if X.shape[0] < 2:
        raise ValueError(f"X must hold at least 2 examples; got shape {X.shape}")
    check_number("index", index, integer=True, low=0, high=X.shape[0] - 1)
    dscores = np.zeros((X.shape[0], model.num_classes), dtype=model.dtype)
    dscores[index] = np.random.default_rng(0).standard_normal(model.num_classes)
    dX = model.input_gradient(X, dscores)
    others = np.delete(dX, index, axis=0)
    leak = float(np.max(np.abs(others)))
    own = float(np.max(np.abs(dX[index])))
    passed = bool(leak == 0.0)
    if not passed:
        message = (
            f"output {index} has a gradient up to {leak:.3g} on other examples' inputs: the "
            "model mixes examples of the batch."
        )
    elif own == 0.0:
        message = (
            f"no leak, but the gradient on example {index}'s own input is zero too, so the "
            "check saw nothing (are the units dead?)."
        )
    else:
        message = f"output {index} depends on input {index} only."
    return CheckResult("batch independence", passed, leak, "0 exactly", message)


@_quiet
def check_gradients(
    model: Network, X: np.ndarray, y: np.ndarray, *, num_checks: int = 5, seed: int | None = 0
) -> CheckResult:
    """Backprop against centered differences (:func:`helpers.gradcheck.gradient_check`).

    Checks ``num_checks`` random coordinates of every parameter on a float64 copy; passes
    when the worst relative error is below ``1e-2`` (CS231n: above it the gradient is
    wrong). Use a small batch (a few examples). ``value`` is the worst error; ``nan`` if
    every coordinate tried crossed a ReLU kink (then nothing could be checked).

    Example:
        >>> check_gradients(model, X[:8], y[:8]).value < 1e-6
        True
    """
    _check_model(model)
    _check_data(model, X, y)
    check_number("num_checks", num_checks, integer=True, positive=True)
    check_rng("seed", seed)
    errors = gradient_check(model, X, y, num_checks=num_checks, seed=seed)
    finite = {k: e for k, e in errors.items() if np.isfinite(e)}
    if not finite:
        return CheckResult(
            "gradient check",
            True,
            math.nan,
            f"< {GRADIENT_ERROR_THRESHOLD:g}",
            "nothing could be checked: every coordinate tried crossed a ReLU kink.",
        )
    worst_name = max(finite, key=finite.get)
    worst = finite[worst_name]
    passed = bool(worst < GRADIENT_ERROR_THRESHOLD)
    message = (
        f"worst relative error {worst:.2g} (in {worst_name})."
        if passed
        else f"relative error {worst:.2g} in {worst_name}: the backward pass does not match "
        "the loss; check that parameter's gradient code."
    )
    return CheckResult("gradient check", passed, worst, f"< {GRADIENT_ERROR_THRESHOLD:g}", message)


@_quiet
def run_sanity_checks(
    model: Network, X: np.ndarray, y: np.ndarray, *, n: int = 20, seed: int | None = 0
) -> SanityReport:
    """Run every check above on random subsets of ``X``, ``y``; the model is not changed.

    Subsets: up to 500 examples for the initial loss, 64 for the regularization and
    loss-decrease checks, ``n`` for overfitting and the baseline, 8 for the batch
    independence and gradient checks.

    Example:
        >>> print(run_sanity_checks(Network([784, 100, 10], seed=0), X_train, y_train))
        Sanity checks: 7 passed, 0 failed
        ...
    """
    _check_model(model)
    _check_data(model, X, y)
    rng = check_rng("seed", seed)
    order = rng.permutation(X.shape[0])
    n = _check_n(n, X, low=2)

    def subset(k: int):
        idx = order[: min(k, X.shape[0])]
        return X[idx], y[idx]

    X500, y500 = subset(500)
    X64, y64 = subset(64)
    Xn, yn = subset(n)
    X8, y8 = subset(8)
    return SanityReport(
        [
            check_initial_loss(model, X500, y500),
            check_regularization_raises_loss(model, X64, y64),
            check_loss_decreases(model, X64, y64),
            *_overfit_and_baseline(model, Xn, yn),
            check_batch_independence(model, X8),
            check_gradients(model, X8, y8),
        ]
    )
