"""The training doctor: run the checks a practitioner would run and say what is wrong.

``report = diagnose(model, X, y, history)`` looks at

- the inputs' scale;
- the model before (or after) training: the loss against ``ln(C)``, identical hidden units,
  dead or saturated units, how the gradient signal grows or shrinks through the layers;
- the sanity checks of :mod:`helpers.sanity` (overfit a small batch, input-independent
  baseline, gradient check, batch independence, regularization);
- the update-to-data ratios at the learning rate, if one is known;
- a training history from :func:`helpers.train.train`, if given.

Each problem becomes a :class:`Finding` with a ``code`` (one of :data:`CODES`), a message
with the numbers behind it, and advice. ``print(report)`` shows them as text; in Jupyter
the report shows as a table. The model is not changed (everything runs on a copy).

The thresholds are relative, never "gradient norm > 1" (the raw norm depends on the loss's
reduction and the parameter count; facts.md). Each one is documented below with the
measurements it was calibrated on: healthy networks must come out clean with a margin,
because a doctor that cries wolf is worse than none.
"""

from __future__ import annotations

import copy
import html
import math
from dataclasses import dataclass, field

import numpy as np

from . import layers
from ._validate import _describe, check_choice, check_number, check_rng
from .monitor import _activation_stats, _update_ratios
from .optim import make_optimizer
from .sanity import (
    INITIAL_LOSS_TOLERANCE,
    SanityReport,
    _check_data,
    _check_model,
    _overfit_and_baseline,
    _quiet,
    check_batch_independence,
    check_gradients,
    check_loss_decreases,
    check_regularization_raises_loss,
)

CODES = (
    "nan_loss",
    "lr_too_high",
    "lr_too_low",
    "dead_relus",
    "vanishing_gradients",
    "exploding_gradients",
    "bad_initial_loss",
    "cannot_overfit",
    "gradient_check_failed",
    "symmetric_weights",
    "overfitting",
    "unscaled_inputs",
)

# Findings are listed root causes first: broken numbers and code, then the data and the
# initialization, then the training dynamics, then symptoms that those explain.
ORDER = (
    "nan_loss",
    "gradient_check_failed",
    "unscaled_inputs",
    "symmetric_weights",
    "bad_initial_loss",
    "exploding_gradients",
    "vanishing_gradients",
    "dead_relus",
    "lr_too_high",
    "lr_too_low",
    "cannot_overfit",
    "overfitting",
)

# --- thresholds, with the measurements behind them ---------------------------------------------
# Inputs: He/Glorot init assume inputs of unit scale. We flag a root-mean-square input value
# outside [0.1, 10], an order of magnitude either way. Standardized MNIST has RMS 1.0,
# MNIST / 255 (values in [0, 1], a common and harmless choice) 0.36, raw 0..255 pixels 85.
INPUT_RMS_RANGE = (0.1, 10.0)
# Dead ReLUs: fraction of a layer's units that output 0 on every one of the examples looked
# at. CS231n warns that "as much as 40%" can die with too high a learning rate. Healthy runs
# measured here: 0% with SGD at the best rates, up to 23% with Adam at lr 1e-2 (still the
# best validation accuracy of its sweep); too-high rates: 69% (Adam 3e-2), 87% (SGD lr 1).
DEAD_FRACTION = 0.5
# The same fraction for tanh/sigmoid units saturated (|t| > 0.97) on every example: they
# pass almost no gradient, and are reported as vanishing gradients. Trained healthy tanh
# nets measured here: 0% (Adam at lr 1e-2, too high for tanh: 13-22%).
# Saturation of a whole layer: its mean slope mean(1 - t^2) (1 for a unit in its linear
# range) below SLOPE_FLOOR while the loss is still above half of ln(C). Counting saturated
# outputs alone would cry wolf: trained healthy tanh nets have 40-80% of their outputs
# saturated (mean slope 0.09-0.3: the units become nearly binary once the data are fit),
# so the finding needs a model that has not learned. Glorot tanh at init: mean slope 0.5;
# weights of std 1: 0.03; raw 0..255 pixels: 0.007.
SLOPE_FLOOR = 0.1
# Vanishing / exploding: the per-example gradient norm at the first hidden layer divided
# by the one at the last hidden layer. With He (fan_in) init on ReLUs this ratio is 1 in
# expectation whatever the widths; healthy nets measured here (ReLU, leaky ReLU, tanh, up
# to 6 hidden layers, pyramids like 784-256-128-10) are within 10**0.4 of 1. We flag two
# orders of magnitude: eight ReLU layers with weight_scale 1e-3 give 1e-15, five sigmoid
# layers 10**-2.6, eight ReLU layers with weight_scale 0.3 give 10**+2.3.
SIGNAL_ORDERS = 2.0
# Learning rate from the update-to-data ratio (median over the hidden layers' weights, a few
# steps of the given optimizer from the current weights). Karpathy: about -3 is healthy.
# Measured on a 784-100-10 ReLU net and the MNIST sample: SGD's best rate of a sweep (0.3)
# gives -1.5, lr 1 (blows up, 87% dead units) -0.75, lr 1e-3 (33% accuracy after 4 epochs)
# -4.5; Adam's usual 1e-3 gives -2.0. So the band is [-4, -1], one order of magnitude
# around what works, not Karpathy's -3 itself.
UPDATE_RATIO_RANGE = (-4.0, -1.0)
# Finite differences resolve a gradient to about 1e-16 * loss / h (h = 1e-5): above this
# loss they are noise and the gradient check would blame a correct backward pass.
GRADCHECK_MAX_LOSS = 1e6
# History: the loss smoothed by a moving average over 5% of the steps (at least 5).
# lr_too_high when it rises above LOSS_SPIKE x its value at step 0 (healthy runs never go
# above the first loss; SGD at lr 1 reaches 10x, tanh at lr 1 2x) or ends above its start.
LOSS_SPIKE = 1.5
# "Ends above its start" needs a margin: a loss stuck at ln(C) (vanishing gradients, dead
# units) ends within minibatch noise of its first value, above it about half the time.
LOSS_END_RISE = 1.05
# lr_too_low when the smoothed loss at the end is still above LOSS_FLAT x the loss at step 0
# and above half of ln(C) (so a fine-tuning run that starts low is not flagged). Measured
# over 4 epochs of 32 steps: SGD lr 1e-4 ends at 0.995x, 1e-3 at 0.95x; the default 1e-2
# at 0.5x; Adam 1e-5 at 0.98x, 1e-4 at 0.67x.
LOSS_FLAT = 0.9
MIN_STEPS = 20  # fewer steps tell nothing about the trend
# Exploding (history): the gradient norm jumps to GRAD_JUMP x its running average (EMA,
# beta 0.9) of the previous steps (Pascanu et al. 2013: exploding is exponential growth).
# Healthy runs measured here jump at most 2.8x in a step; lr 1 with SGD 12x, Adam 3e-2 15x.
GRAD_JUMP = 10.0
# Overfitting: the training accuracy is at least ACC_GAP (10 points) above the validation
# accuracy, and the validation loss has stopped improving: its minimum lies at least 2
# epochs back and the last value is VAL_RISE (5%) above it. Measured on the MNIST sample:
# healthy runs of 3-6 epochs have gaps of 2-7 points (the validation loss of 500 examples
# is noisy: +-10% from epoch to epoch); memorizing 300-500 examples gives gaps of 14-15
# points with the validation loss 5-10% above its minimum.
ACC_GAP = 0.10
VAL_RISE = 1.05
MIN_EPOCHS_AFTER_BEST = 2

# Findings that explain a flat training loss better than a low learning rate does.
STRUCTURAL = frozenset(
    {
        "vanishing_gradients",
        "dead_relus",
        "symmetric_weights",
        "cannot_overfit",
        "gradient_check_failed",
    }
)

ADVICE = {
    "nan_loss": "Lower the learning rate 10x; clip the gradient norm (clip_norm=5); check the "
    "initialization scale and that the inputs are normalized.",
    "lr_too_high": "Lower the learning rate (try 3-10x lower, or run the LR range test); "
    "clip the gradient norm if single steps blow up.",
    "lr_too_low": "Raise the learning rate (try 3-10x higher, or run the LR range test).",
    "dead_relus": "Lower the learning rate, use He initialization, or try leaky_relu.",
    "vanishing_gradients": "Use ReLU with He initialization, or tanh/sigmoid with Glorot "
    "initialization (tiny weights shrink the signal, large ones saturate the units); "
    "normalize the inputs; use fewer layers or batch normalization.",
    "exploding_gradients": "Shrink the initialization (He: std sqrt(2/fan_in)); clip the "
    "gradient norm (clip_norm); lower the learning rate.",
    "bad_initial_loss": "Initialize the last layer small (output_scale=0.1, 'init well'); "
    "check the loss averages over the batch and the labels are right.",
    "cannot_overfit": "Fix this first: run the sanity checks one by one, lower reg, check "
    "for dead or saturated units and that the inputs reach the model.",
    "gradient_check_failed": "The backward pass is wrong: gradient-check each layer "
    "separately (helpers.gradcheck) and compare with the forward formulas.",
    "symmetric_weights": "Initialize the weights randomly (He for ReLU, Glorot for tanh); "
    "constant weights make every hidden unit compute the same thing forever.",
    "overfitting": "Stop earlier (the best validation epoch), add L2 (reg) or dropout, or "
    "use more training data.",
    "unscaled_inputs": "Standardize the inputs: subtract the training mean and divide by "
    "the standard deviation (load_mnist's normalize='standard').",
}


@dataclass
class Finding:
    """One diagnosed problem.

    Attributes:
        code: one of :data:`CODES`, e.g. ``'dead_relus'``.
        message: what was measured and why it is a problem.
        advice: what to try.
        evidence: the numbers behind the finding, e.g. ``{'dead_fraction_layer1': 0.93}``.
    """

    code: str
    message: str
    advice: str
    evidence: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}\n    advice: {self.advice}"


@dataclass
class Report:
    """What :func:`diagnose` found.

    Attributes:
        findings: the problems, as :class:`Finding` objects (empty for a healthy setup).
        checks: the sanity checks' results (:class:`helpers.sanity.SanityReport`).
        stats: the measurements: ``'input_rms'``, ``'input_mean'``, ``'initial_loss'``
            (data loss on the subset), ``'activations'`` (see
            :func:`helpers.monitor.activation_stats`), ``'forward_signal'`` and
            ``'backward_signal'`` (see :func:`signal_propagation`),
            ``'backward_orders_first_vs_last'``, ``'mean_slope'`` (tanh/sigmoid),
            ``'update_ratios'`` and ``'update_ratio_median'`` (when a rate is known).
        notes: what could not be checked and why.

    ``'dead_relus' in report`` tests for a code; ``report.codes`` lists them.
    """

    findings: list[Finding] = field(default_factory=list)
    checks: SanityReport = field(default_factory=SanityReport)
    stats: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        """The findings' codes, in order."""
        return [f.code for f in self.findings]

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __len__(self) -> int:
        return len(self.findings)

    def __iter__(self):
        return iter(self.findings)

    def __repr__(self) -> str:
        return str(self)

    def __str__(self) -> str:
        if not self.findings:
            lines = ["Training doctor: no findings. Everything checked looks healthy."]
        else:
            lines = [f"Training doctor: {len(self.findings)} finding(s)"]
            lines += [f"- {f}" for f in self.findings]
        lines += [f"(not checked: {note})" for note in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        if not self.findings:
            body = "<p><b>Training doctor: no findings.</b> Everything checked looks healthy.</p>"
        else:
            rows = "".join(
                f"<tr><td><code>{html.escape(f.code)}</code></td>"
                f"<td style='text-align:left'>{html.escape(f.message)}</td>"
                f"<td style='text-align:left'>{html.escape(f.advice)}</td></tr>"
                for f in self.findings
            )
            body = (
                f"<p><b>Training doctor: {len(self.findings)} finding(s)</b></p><table><thead>"
                "<tr><th>code</th><th>finding</th><th>advice</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>"
            )
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return body + (f"<p>Not checked:</p><ul>{notes}</ul>" if notes else "")


# --- measurements ---------------------------------------------------------------------------
@_quiet
def signal_propagation(model, X: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """How the signal's size changes through the hidden layers (eval mode).

    Args:
        model: a :class:`~helpers.model.Network`.
        X, y: a batch, (N, D) and (N,).

    Returns:
        ``{'forward': (L,), 'backward': (L,)}`` for the L hidden layers: the root mean
        square over the examples of the per-example L2 norm of the layer's output
        (forward) and of the loss gradient with respect to the layer's pre-activations
        (backward; per-example loss, i.e. not divided by N). With He init on ReLUs both stay
        about constant from layer to layer whatever the widths (He et al. 2015); if the
        backward one shrinks (grows) by orders of magnitude towards the first layer, the
        gradients vanish (explode).

    Example:
        >>> signal_propagation(Network([784, 100, 100, 10], seed=0), X[:256], y[:256])
        {'forward': array([...]), 'backward': array([...])}
    """
    _check_model(model)
    _check_data(model, X, y)
    return _signal_propagation(model, X, y)


def _per_example_rms(a: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.sum(np.square(a, dtype=np.float64), axis=1))))


def _signal_propagation(model, X, y) -> dict[str, np.ndarray]:
    scores, caches = model._forward(X, train=False, keep_activations=True)
    _, dscores = layers.softmax_cross_entropy(scores, y)
    forward = np.array([_per_example_rms(h) for h in model.activations])
    backward = []
    dh, _, _ = layers.affine_backward(dscores * X.shape[0], caches[-1])
    for i in range(model.num_layers - 1, 0, -1):
        affine_cache, act_cache, _, bn_cache = caches[i - 1]
        da = layers.activation_backward(dh, act_cache, model.activation)
        if bn_cache is not None:  # eval mode: a per-feature scale
            da, _, _ = layers.batchnorm_backward(da, bn_cache)
        backward.append(_per_example_rms(da))
        if i > 1:
            dh, _, _ = layers.affine_backward(da, affine_cache)
    return {"forward": forward, "backward": np.array(backward[::-1])}


def _duplicate_units(W: np.ndarray, b: np.ndarray) -> int:
    """How many hidden units repeat another unit (same incoming weights and bias, to 10
    significant digits of each unit's own norm; all-zero units are all alike)."""
    V = np.vstack([W, b[None, :]]).T.astype(np.float64)  # (H, D + 1), one row per unit
    norms = np.linalg.norm(V, axis=1, keepdims=True)
    direction = np.where(norms > 0, V / norms, 0.0)
    keys = np.hstack([np.round(direction, 10), np.round(np.log10(norms + 1e-300), 10)])
    return V.shape[0] - np.unique(keys, axis=0).shape[0]


# --- history --------------------------------------------------------------------------------
HISTORY_KEYS = (
    "loss_history",
    "lr_history",
    "grad_norm_history",
    "train_loss_history",
    "train_acc_history",
    "val_loss_history",
    "val_acc_history",
)


def _check_history(history: object) -> dict:
    if not isinstance(history, dict):
        raise TypeError(
            f"history must be the dict returned by train() or None; got {_describe(history)}"
        )
    if not any(k in history for k in HISTORY_KEYS):
        raise ValueError(
            "history must be the dict returned by train(), with keys like "
            f"{list(HISTORY_KEYS[:3])}; got keys {sorted(map(str, history))[:6]}"
        )
    for key in HISTORY_KEYS:
        values = history.get(key, [])
        if not isinstance(values, (list, tuple, np.ndarray)):
            raise TypeError(f"history[{key!r}] must be a list of numbers; got {_describe(values)}")
        for v in values:
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.number)):
                raise TypeError(f"history[{key!r}] must hold numbers; got {_describe(v)}")
    return history


def _smooth(x: np.ndarray) -> np.ndarray:
    w = max(5, len(x) // 20)
    return np.convolve(x, np.ones(w) / w, mode="valid")


def _read_history(history: dict, num_classes: int) -> list[Finding]:
    found = []
    loss = np.asarray(history.get("loss_history", []), dtype=np.float64)
    lrs = history.get("lr_history", [])
    bad = np.flatnonzero(~np.isfinite(loss))
    if history.get("diverged") or bad.size:
        step = int(bad[0]) if bad.size else len(loss)
        lr = f" (learning rate {lrs[min(step, len(lrs) - 1)]:.3g})" if lrs else ""
        ev = {"step": step}
        found.append(
            Finding(
                "nan_loss",
                f"The training loss became NaN or infinite at step {step}{lr}.",
                ADVICE["nan_loss"],
                ev,
            )
        )
        found.append(
            Finding(
                "lr_too_high",
                f"Training diverged at step {step}{lr}: the most common cause is a learning "
                "rate too high for this initialization and input scale.",
                ADVICE["lr_too_high"],
                ev,
            )
        )
    elif len(loss) >= 2:
        # a short history is judged on the raw minibatch losses (enough for a blow-up)
        smooth = _smooth(loss) if len(loss) >= MIN_STEPS else loss[1:]
        start, peak, end = loss[0], float(smooth.max()), float(smooth[-1])
        ev = {"loss_step0": float(start), "smoothed_peak": peak, "smoothed_end": end}
        if peak > LOSS_SPIKE * start or (len(loss) >= MIN_STEPS and end > LOSS_END_RISE * start):
            found.append(
                Finding(
                    "lr_too_high",
                    f"The training loss rose from {start:.3g} at step 0 to {peak:.3g} "
                    f"(smoothed) and ended at {end:.3g}: the steps overshoot.",
                    ADVICE["lr_too_high"],
                    ev,
                )
            )
        elif (
            len(loss) >= MIN_STEPS and end > LOSS_FLAT * start and end > 0.5 * math.log(num_classes)
        ):
            found.append(
                Finding(
                    "lr_too_low",
                    f"The training loss barely moved in {len(loss)} steps: {start:.3f} -> "
                    f"{end:.3f} (smoothed, {100 * (1 - end / start):.1f}% lower).",
                    ADVICE["lr_too_low"],
                    ev,
                )
            )

    norms = np.asarray(history.get("grad_norm_history", []), dtype=np.float64)
    norms = norms[np.isfinite(norms)]
    if len(norms) >= 10:
        ema, jumps = norms[0], []
        for t in range(1, len(norms)):
            jumps.append(norms[t] / ema if ema > 0 else 1.0)
            ema = 0.9 * ema + 0.1 * norms[t]
        t = int(np.argmax(jumps)) + 1
        if jumps[t - 1] >= GRAD_JUMP:
            found.append(
                Finding(
                    "exploding_gradients",
                    f"At step {t} the gradient norm jumped to {norms[t]:.3g}, "
                    f"{jumps[t - 1]:.0f}x its running average.",
                    ADVICE["exploding_gradients"],
                    {"step": t, "jump": float(jumps[t - 1])},
                )
            )

    vl = np.asarray(history.get("val_loss_history", []), dtype=np.float64)
    ta = history.get("train_acc_history", [])
    va = history.get("val_acc_history", [])
    if len(vl) >= 3 and np.all(np.isfinite(vl)) and len(ta) == len(va) == len(vl):
        best = int(np.argmin(vl))
        gap = float(ta[-1] - va[-1])
        rise = float(vl[-1] / vl[best])
        if len(vl) - 1 - best >= MIN_EPOCHS_AFTER_BEST and rise > VAL_RISE and gap >= ACC_GAP:
            found.append(
                Finding(
                    "overfitting",
                    f"The validation loss was lowest at epoch {best + 1} ({vl[best]:.3f}) and "
                    f"has risen to {vl[-1]:.3f} since, while training accuracy ({ta[-1]:.1%}) is "
                    f"{100 * gap:.1f} points above validation accuracy ({va[-1]:.1%}).",
                    ADVICE["overfitting"],
                    {"best_epoch": best + 1, "val_loss_rise": rise, "accuracy_gap": gap},
                )
            )
    return found


# --- the examinations -----------------------------------------------------------------------
# Each takes the working copy of the model (and a subset of the data) and returns findings.
def _examine_inputs(Xs: np.ndarray, stats: dict) -> list[Finding]:
    rms = float(np.sqrt(np.mean(np.square(Xs, dtype=np.float64))))
    mean = float(np.mean(Xs, dtype=np.float64))
    stats["input_rms"], stats["input_mean"] = rms, mean
    if INPUT_RMS_RANGE[0] <= rms <= INPUT_RMS_RANGE[1]:
        return []
    hint = " (raw 0..255 pixels?)" if rms > 10 else ""
    return [
        Finding(
            "unscaled_inputs",
            f"The inputs have root-mean-square {rms:.3g} (mean {mean:.3g}){hint}; the "
            "initializations assume inputs of about unit scale.",
            ADVICE["unscaled_inputs"],
            {"input_rms": rms, "input_mean": mean},
        )
    ]


def _examine_loss(scores: np.ndarray, loss: float, C: int) -> list[Finding]:
    """Only a loss far *above* ln(C) is flagged: a trained model is rightly below it."""
    excess = loss - math.log(C)
    if excess <= INITIAL_LOSS_TOLERANCE:
        return []
    logit_std = float(np.std(scores))
    return [
        Finding(
            "bad_initial_loss",
            f"The loss is {loss:.3g}, {excess:.3g} above ln({C}) = {math.log(C):.3f}, the loss "
            f"of a uniform guess: the logits are large (std {logit_std:.3g}), so the network "
            "starts confidently wrong.",
            ADVICE["bad_initial_loss"],
            {"loss": loss, "ln_C": math.log(C), "logit_std": logit_std},
        )
    ]


def _examine_symmetry(model) -> tuple[list[Finding], list[int]]:
    found, layers_hit = [], []
    for i in range(1, model.num_layers):
        dup = _duplicate_units(model.params[f"W{i}"], model.params[f"b{i}"])
        if dup > 0:
            layers_hit.append(i)
            found.append(
                Finding(
                    "symmetric_weights",
                    f"Hidden layer {i}: {dup} of its {model.layer_dims[i]} units repeat another "
                    "unit's weights exactly, so they compute the same output and get the same "
                    "gradient: they can never become different.",
                    ADVICE["symmetric_weights"],
                    {f"duplicate_units_layer{i}": dup},
                )
            )
    return found, layers_hit


def _examine_units(model, loss: float, stats: dict, symmetric: list[int]) -> list[Finding]:
    """Dead ReLUs; saturated tanh/sigmoid units (from the last forward pass's activations)."""
    act = _activation_stats(model.activations, model.activation)
    stats["activations"] = act
    n = model.activations[0].shape[0] if model.activations else 0
    hit = [
        (i + 1, float(f))
        for i, f in enumerate(act["dead"])
        if f >= DEAD_FRACTION and i + 1 not in symmetric
    ]
    where = ", ".join(f"{100 * f:.0f}% of layer {i}" for i, f in hit)
    if model.activation == "relu":
        if not hit:
            return []
        return [
            Finding(
                "dead_relus",
                f"Dead ReLUs (output 0 on all of the {n} examples): {where}. They get no "
                "gradient and stop learning.",
                ADVICE["dead_relus"],
                {f"dead_fraction_layer{i}": f for i, f in hit},
            )
        ]
    if model.activation == "leaky_relu":  # leaky units never stop learning
        return []
    # tanh and sigmoid: the mean slope 1 - t^2 (t = 2s - 1 for the sigmoid) is the share of
    # the gradient a layer passes back on average; it matters while the model has not learned
    t = [h if model.activation == "tanh" else 2 * h - 1 for h in model.activations]
    slopes = [float(np.mean(1 - np.square(a))) for a in t]
    stats["mean_slope"] = slopes
    unlearned = loss > 0.5 * math.log(model.num_classes)
    flat = [(i + 1, s) for i, s in enumerate(slopes) if s < SLOPE_FLOOR and unlearned]
    if not flat and not hit:
        return []
    parts = []
    if flat:
        parts.append(
            "Saturated layers pass back on average "
            + ", ".join(f"{100 * s:.1f}% of the gradient (layer {i})" for i, s in flat)
            + ", and the model has not learned yet."
        )
    if hit:
        parts.append(f"Units saturated on all of the {n} examples: {where}.")
    return [
        Finding(
            "vanishing_gradients",
            " ".join(parts) + " Little gradient flows back through them.",
            ADVICE["vanishing_gradients"],
            {f"mean_slope_layer{i}": s for i, s in flat} | {f"stuck_layer{i}": f for i, f in hit},
        )
    ]


def _examine_signal(model, Xs, ys, stats: dict) -> list[Finding]:
    """Vanishing/exploding: the backward signal at the first vs the last hidden layer."""
    signal = _signal_propagation(model, Xs, ys)
    stats["forward_signal"], stats["backward_signal"] = signal["forward"], signal["backward"]
    back = signal["backward"]
    if len(back) < 2:
        return []
    orders = float(np.log10(back[0] / back[-1]))
    stats["backward_orders_first_vs_last"] = orders
    profile = ", ".join(f"{b:.1e}" for b in back)
    if orders < -SIGNAL_ORDERS:
        return [
            Finding(
                "vanishing_gradients",
                f"The gradient reaching hidden layer 1 is 10^{orders:.1f} times the one at "
                f"hidden layer {len(back)} (per-example norms by layer: {profile}): the first "
                "layers hardly learn.",
                ADVICE["vanishing_gradients"],
                {"orders_of_magnitude": orders},
            )
        ]
    if orders > SIGNAL_ORDERS:
        return [
            Finding(
                "exploding_gradients",
                f"The gradient grows 10^{orders:.1f} times from hidden layer {len(back)} back "
                f"to hidden layer 1 (per-example norms by layer: {profile}).",
                ADVICE["exploding_gradients"],
                {"orders_of_magnitude": orders},
            )
        ]
    return []


def _examine_sanity(model, Xs, ys, loss: float, seed, report: Report) -> list[Finding]:
    """The sanity checks, grouped into two findings: the model cannot learn the data
    (overfit, baseline, loss decrease), or its loss/gradient code is wrong (gradient check,
    batch mixing, a missing L2 term)."""
    n = min(20, len(Xs))
    overfit, baseline = _overfit_and_baseline(model, Xs[:n], ys[:n])
    learn = [overfit, baseline, check_loss_decreases(model, Xs[:64], ys[:64])]
    code = [check_batch_independence(model, Xs[:8])]
    reg = check_regularization_raises_loss(model, Xs[:64], ys[:64])
    all_zero = not any(np.any(model.params[f"W{i}"]) for i in range(1, model.num_layers + 1))
    if not all_zero:  # all-zero weights fail the L2 check without any bug
        code.append(reg)
    if loss < GRADCHECK_MAX_LOSS:
        code.append(check_gradients(model, Xs[:8], ys[:8], seed=seed))
    else:
        report.notes.append(f"the gradients (the loss, {loss:.3g}, is too large to check)")
    report.checks = SanityReport(learn + code + ([reg] if all_zero else []))
    found = []
    for name, checks in (("cannot_overfit", learn), ("gradient_check_failed", code)):
        failed = [c for c in checks if not c.passed]
        if failed:
            found.append(
                Finding(
                    name,
                    " ".join(f"{c.name.capitalize()}: {c.message}" for c in failed),
                    ADVICE[name],
                    {c.name: c.value for c in failed},
                )
            )
    return found


def _examine_learning_rate(model, Xs, ys, lr: float, optimizer: str, stats: dict):
    """Update-to-data ratios of a few steps at ``lr``; findings when the hidden layers'
    median lies outside the healthy band (the output layer is left out: its small
    initialization, output_scale=0.1, inflates its ratio at first)."""
    ratios = _probe_update_ratios(model, Xs, ys, lr, optimizer)
    hidden = [f"W{i}" for i in range(1, model.num_layers)]
    median = float(np.median([ratios[k] for k in hidden]))
    stats["update_ratios"], stats["update_ratio_median"] = ratios, median
    where = f"With {optimizer} at learning rate {lr:g} the update-to-data ratio"
    if median > UPDATE_RATIO_RANGE[1]:
        return [
            Finding(
                "lr_too_high",
                f"{where} log10(std(update)/std(W)) of the hidden weights is {median:.2f}: each "
                f"step changes them by {100 * 10**median:.0f}% of their spread (healthy: about "
                "-3).",
                ADVICE["lr_too_high"],
                {"update_ratio": median},
            )
        ]
    if median < UPDATE_RATIO_RANGE[0]:
        return [
            Finding(
                "lr_too_low",
                f"{where} log10(std(update)/std(W)) of the hidden weights is {median:.2f} "
                "(healthy: about -3): the weights hardly move.",
                ADVICE["lr_too_low"],
                {"update_ratio": median},
            )
        ]
    return []


# --- the doctor -----------------------------------------------------------------------------
@_quiet  # broken models overflow: the findings say so, NumPy's warnings would bury them
def diagnose(
    model,
    X: np.ndarray,
    y: np.ndarray,
    history: dict | None = None,
    *,
    learning_rate: float | None = None,
    optimizer: str = "sgd",
    num_examples: int = 512,
    seed: int | None = 0,
) -> Report:
    """Diagnose a model, its data and (optionally) its training history.

    Args:
        model: a :class:`~helpers.model.Network`, before or after training. It is not
            changed: every check runs on a copy.
        X, y: training data, (N, D) and (N,), N >= 2. A random subset of ``num_examples``
            rows is used.
        history: the dict returned by :func:`helpers.train.train`, or ``None``. It is read
            for NaN losses, a rising or flat loss, gradient-norm jumps and overfitting.
        learning_rate: the rate to judge by the update-to-data ratios of a few
            ``optimizer`` steps on a copy; only without a history (which shows the rate's
            effect directly) do these ratios produce findings. Default: the history's
            first rate; without either, the rate is not judged.
        optimizer: ``'sgd'``, ``'momentum'`` or ``'adam'``, the one used with that rate
            (Adam's step size hardly depends on the gradient, so its ratios differ).
        num_examples: size of the random subset used for the statistics (at least 2).
        seed: seeds the subset and the gradient check.

    Returns:
        A :class:`Report`: ``report.findings`` (each with ``code``, ``message``, ``advice``,
        ``evidence``), ``report.checks``, ``report.stats``, ``report.notes``. It takes about
        0.1 s for a healthy 784-100-10 net and about a second for a broken one (the
        overfitting check then uses its whole budget of steps).

    Example:
        >>> report = diagnose(model, X_train, y_train, history)
        >>> print(report)
        Training doctor: no findings. Everything checked looks healthy.
    """
    _check_model(model)
    _check_data(model, X, y)
    if X.shape[0] < 2:
        raise ValueError(f"X must hold at least 2 examples; got shape {X.shape}")
    if history is not None:
        _check_history(history)
    if learning_rate is not None:
        check_number("learning_rate", learning_rate, positive=True)
    check_choice("optimizer", optimizer, ("sgd", "momentum", "adam"))
    check_number("num_examples", num_examples, integer=True, low=2)
    rng = check_rng("seed", seed)

    idx = rng.permutation(X.shape[0])[:num_examples]
    Xs, ys = X[idx], y[idx]
    work = copy.deepcopy(model)  # the model itself is never touched
    report = Report()
    stats = report.stats
    found = _examine_inputs(Xs, stats)
    history_found = _read_history(history, model.num_classes) if history is not None else []
    if learning_rate is None and history is not None and history.get("lr_history"):
        learning_rate = float(history["lr_history"][0])

    # parameters and loss must be finite before anything else means something
    finite = all(np.all(np.isfinite(p)) for p in work.params.values())
    scores, _ = work._forward(Xs, train=False, keep_activations=True)
    loss = float(layers.softmax_cross_entropy(scores, ys)[0]) if finite else math.nan
    stats["initial_loss"] = loss
    if not math.isfinite(loss):
        what = "parameters contain NaN or inf" if not finite else "loss overflows"
        found.append(
            Finding(
                "nan_loss",
                f"The model's {what}: its loss on the data is {loss}.",
                ADVICE["nan_loss"],
                {"finite_parameters": float(finite)},
            )
        )
        report.notes.append("the other model checks (the model's loss is not finite)")
        report.findings = _ordered(found + history_found)
        return report

    found += _examine_loss(scores, loss, model.num_classes)
    symmetry, symmetric_layers = _examine_symmetry(work)
    found += symmetry
    found += _examine_units(work, loss, stats, symmetric_layers)
    if not symmetric_layers:  # all-equal units make the layer comparison meaningless
        found += _examine_signal(work, Xs, ys, stats)
    found += _examine_sanity(work, Xs, ys, loss, seed, report)
    codes = {f.code for f in found}
    if learning_rate is None:
        report.notes.append("the learning rate (give history= or learning_rate=)")
    elif work.num_layers == 1 and history is None:
        report.notes.append(
            "the learning rate (no hidden layer: the output layer's update ratio mostly "
            "reflects its deliberately small initialization; give history=)"
        )
    elif not symmetric_layers and work.num_layers > 1:
        rate = _examine_learning_rate(work, Xs, ys, learning_rate, optimizer, stats)
        # a history shows the rate's effect directly; tiny ratios of vanishing layers are
        # not the rate's fault
        if history is None and "vanishing_gradients" not in codes:
            found += rate

    # a flat loss has a structural cause when one was found: do not blame the rate then
    if STRUCTURAL & codes:
        history_found = [f for f in history_found if f.code != "lr_too_low"]
    report.findings = _ordered(found + history_found)
    return report


def _probe_update_ratios(model, X, y, learning_rate, optimizer, steps: int = 5) -> dict:
    """Median update-to-data ratio per weight over ``steps`` minibatch steps on a copy."""
    clone = copy.deepcopy(model)
    clone.dropout = 0.0
    opt = make_optimizer(optimizer)
    batch = max(1, min(64, len(X) // steps))
    history: dict[str, list[float]] = {}
    for s in range(steps):
        rows = slice(s * batch, (s + 1) * batch)
        _, grads = clone._loss(X[rows], y[rows])
        before = {k: v.copy() for k, v in clone.params.items()}
        opt.step(clone.params, grads, learning_rate)
        updates = {k: clone.params[k] - before[k] for k in before}
        for k, r in _update_ratios(before, updates).items():
            history.setdefault(k, []).append(r)
    return {k: float(np.median(v)) for k, v in history.items()}


def _ordered(findings: list[Finding]) -> list[Finding]:
    """One finding per code, root causes first (:data:`ORDER`); findings with the same code
    (e.g. from the model and from the history) are merged."""
    merged: dict[str, Finding] = {}
    for f in findings:
        if f.code in merged:
            first = merged[f.code]
            merged[f.code] = Finding(
                f.code, f"{first.message} {f.message}", first.advice, first.evidence | f.evidence
            )
        else:
            merged[f.code] = f
    return [merged[code] for code in ORDER if code in merged]
