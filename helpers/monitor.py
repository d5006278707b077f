"""Watch a network train: losses, accuracies, gradient norms, update ratios, activations.

``TrainingMonitor`` keeps the course notes' API (``record(...)`` once per epoch, then
``plot()``) and is also a callback for :func:`helpers.train.train`::

    monitor = TrainingMonitor(every=10)
    history = train(model, X_train, y_train, X_val, y_val, callbacks=monitor)
    monitor.plot()

What it records is what practitioners look at (CS231n "Neural Networks Part 3"; Karpathy,
makemore part 3; fastai's ``ActivationStats``):

- the loss and the learning rate at every step, the global gradient norm;
- per layer: the gradient norm, the weight norm and the **update-to-data ratio**
  ``log10(std(update) / std(W))``, healthy around -3 (much lower: the layer barely learns;
  much higher: the updates are large compared with the weights);
- per hidden layer: the activations' mean and std, the fraction of **dead** ReLU units
  (output 0 for every example of the batch), of **saturated** tanh/sigmoid outputs and of
  outputs near zero.

The helper functions :func:`activation_stats`, :func:`update_ratios`,
:func:`layer_grad_norms` and :func:`weight_norms` are public: the training doctor and the
lessons use them on their own.
"""

from __future__ import annotations

import io
import math
import numbers
import sys
import time
from collections.abc import Sequence

import numpy as np

from ._validate import _describe, check_array, check_choice, check_number
from .layers import ACTIVATIONS
from .optim import global_norm

# An output of tanh is "saturated" when |t| > 0.97 (facts.md; CS231n): there the slope
# 1 - t^2 is below 6% of its maximum, so almost no gradient flows back through the unit.
TANH_SATURATION = 0.97
# The same criterion for the sigmoid through sigmoid(x) = (1 + tanh(x / 2)) / 2:
# |2s - 1| > 0.97, i.e. s < 0.015 or s > 0.985 (slope s(1 - s) below 6% of its maximum 1/4).
SIGMOID_SATURATION = (1 + TANH_SATURATION) / 2
# fastai's ActivationStats counts outputs with |h| <= 0.05 as "near zero".
NEAR_ZERO = 0.05
# Karpathy's rule of thumb for the update-to-data ratio (drawn as a guide line).
HEALTHY_UPDATE_RATIO = -3.0

STAT_NAMES = ("mean", "std", "dead", "saturated", "near_zero")


# --- input checks shared by the helpers -------------------------------------------------------
def _check_array_dict(name: str, d: object) -> dict:
    if not isinstance(d, dict):
        raise TypeError(
            f"{name} must be a dict of NumPy arrays like model.params; got {_describe(d)}"
        )
    if not d:
        raise ValueError(f"{name} must not be empty; got {{}}")
    for k, v in d.items():
        check_array(f"{name}[{k!r}]", v, kind="float", finite=False, allow_empty=True)
    return d


def _check_loss(name: str, value: object) -> None:
    """A loss is a real number; NaN and inf are allowed (a monitor must show a divergence)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {_describe(value)}")


# --- the statistics -----------------------------------------------------------------------------
def activation_stats(activations: Sequence[np.ndarray], activation: str) -> dict[str, np.ndarray]:
    """Statistics of each hidden layer's outputs on one batch.

    Args:
        activations: the hidden layers' outputs ``[(N, H_1), ..., (N, H_L)]`` after the
            nonlinearity, e.g. ``model.activations`` after a forward pass.
        activation: the nonlinearity that produced them: ``'relu'``, ``'leaky_relu'``,
            ``'tanh'`` or ``'sigmoid'``.

    Returns:
        A dict of arrays of shape ``(L,)``, one entry per hidden layer:

        - ``'mean'``, ``'std'``: over all entries of the layer's output;
        - ``'dead'``: fraction of units that pass (almost) no gradient for *any* example of
          the batch: ReLU units that output 0 on every example; leaky ReLU units that are
          negative on every example (they only see the small slope); tanh/sigmoid units
          that are saturated (see below) on every example;
        - ``'saturated'``: fraction of entries with ``|t| > 0.97`` (tanh) or outside
          ``[0.015, 0.985]`` (sigmoid, the same slope criterion); ``nan`` for the ReLUs;
        - ``'near_zero'``: fraction of entries with ``|h| <= 0.05`` (fastai).

    Example:
        >>> model.loss(X_batch, y_batch)
        >>> activation_stats(model.activations, model.activation)["dead"]  # (L,)
    """
    if not isinstance(activations, (list, tuple)):
        raise TypeError(
            f"activations must be a list of (N, H) arrays like model.activations; "
            f"got {_describe(activations)}"
        )
    check_choice("activation", activation, ACTIVATIONS)
    for i, h in enumerate(activations):
        check_array(f"activations[{i}]", h, ndim=2, finite=False, shape_hint="(N, H)")
    return _activation_stats(activations, activation)


def _activation_stats(activations, activation: str) -> dict[str, np.ndarray]:
    stats = {name: np.full(len(activations), np.nan) for name in STAT_NAMES}
    for i, h in enumerate(activations):
        stats["mean"][i] = h.mean()
        stats["std"][i] = h.std()
        stats["near_zero"][i] = np.mean(np.abs(h) <= NEAR_ZERO)
        if activation in ("relu", "leaky_relu"):
            stats["dead"][i] = np.mean(np.all(h <= 0, axis=0))
        else:
            t = h if activation == "tanh" else 2 * h - 1  # sigmoid(x) = (1 + tanh(x/2)) / 2
            saturated = np.abs(t) > TANH_SATURATION
            stats["saturated"][i] = np.mean(saturated)
            stats["dead"][i] = np.mean(np.all(saturated, axis=0))
    return stats


def update_ratios(
    params: dict[str, np.ndarray], updates: dict[str, np.ndarray]
) -> dict[str, float]:
    """The update-to-data ratio ``log10(std(update) / std(W))`` of every weight matrix.

    Only 2-D parameters (the weights) are used, as in Karpathy's makemore: biases start at
    zero, so their ratio is meaningless early on. Healthy values are around -3: each step
    changes a weight by about a thousandth of the weights' spread.

    Args:
        params: ``{'W1': (D, H1), 'b1': (H1,), ...}``: the weights *before* (or after; the
            difference is one update) the step.
        updates: the change of each parameter in the step, same keys and shapes (``train``
            passes it as ``info['updates']``; for plain SGD it is ``-lr * grads``).

    Returns:
        ``{'W1': ratio, ...}``; ``-inf`` when the update is exactly zero, ``inf`` or ``nan``
        when ``std(W)`` is 0 (e.g. all-zero weights).

    Passing ``grads`` as ``updates`` gives the gradient-to-data ratio
    ``log10(std(grad) / std(W))``, which shows which layers learn (it is the update ratio
    of SGD minus ``log10(lr)``).

    Example:
        >>> update_ratios(model.params, {k: -0.1 * g for k, g in grads.items()})
        {'W1': -2.3, 'W2': -0.7}
    """
    _check_array_dict("params", params)
    _check_array_dict("updates", updates)
    for k, W in params.items():
        if W.ndim != 2:
            continue
        if k not in updates:
            raise ValueError(f"updates must have an entry for every weight; got no {k!r}")
        if updates[k].shape != W.shape:
            raise ValueError(
                f"updates[{k!r}] must have the shape of params[{k!r}], {W.shape}; "
                f"got {updates[k].shape}"
            )
    return _update_ratios(params, updates)


def _update_ratios(params: dict, updates: dict) -> dict[str, float]:
    out = {}
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for k, W in params.items():
            if W.ndim == 2:
                out[k] = float(np.log10(np.float64(_std(updates[k])) / _std(W)))
    return out


def _std(a: np.ndarray) -> float:
    """``np.std(a)`` in two fast passes, ``sqrt(E[a^2] - E[a]^2)`` (3x faster for a weight
    matrix); falls back to ``np.std`` when the mean dominates and the formula would cancel."""
    n = a.size
    mean = float(a.sum()) / n
    var = float(np.vdot(a, a)) / n - mean * mean
    if not var > 1e-6 * mean * mean:  # catastrophic cancellation possible (or nan): be exact
        return float(np.std(a))
    return math.sqrt(var)


def layer_grad_norms(grads: dict[str, np.ndarray]) -> dict[str, float]:
    """The L2 norm of each gradient array: ``{'W1': ||dW1||, 'b1': ||db1||, ...}``.

    The raw size depends on the layer's shape and the loss's reduction, so compare layers
    with each other and over time, not with a fixed threshold (facts.md).

    Example:
        >>> layer_grad_norms({"W": np.array([[3.0, 4.0]])})
        {'W': 5.0}
    """
    _check_array_dict("grads", grads)
    return _norms(grads)


def _norms(arrays: dict) -> dict[str, float]:
    return {k: math.sqrt(float(np.vdot(a, a))) for k, a in arrays.items()}


def weight_norms(params: dict[str, np.ndarray]) -> dict[str, float]:
    """The L2 (Frobenius) norm of each parameter array, ``{'W1': ||W1||, ...}``.

    Example:
        >>> weight_norms({"W": np.ones((2, 2))})
        {'W': 2.0}
    """
    _check_array_dict("params", params)
    return _norms(params)


# --- Jupyter detection ------------------------------------------------------------------------
def in_jupyter_kernel() -> bool:
    """True when running inside an IPython kernel (Jupyter), False in a plain script.

    Looks only at an IPython that is already imported, so a script never pays for importing
    it. A terminal IPython is not a kernel: it cannot update a displayed figure in place.

    Example: ``in_jupyter_kernel()`` is ``False`` in ``python script.py``, ``True`` in a
    notebook cell.
    """
    if "IPython" not in sys.modules:
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - a broken installation
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


# --- the monitor ------------------------------------------------------------------------------
class TrainingMonitor:
    """Record training statistics and draw them as a dashboard.

    Use it in one of two ways:

    - as in the course notes: call ``record(train_loss, val_loss, train_acc, val_acc,
      grads)`` yourself (once per epoch), then ``plot()``;
    - as a callback: ``train(..., callbacks=monitor)``. Every step records the loss, the
      learning rate and the global gradient norm; every ``every`` steps also the per-layer
      gradient norms, weight norms, update-to-data ratios and activation statistics (see
      :func:`activation_stats`); every epoch the train/validation loss and accuracy (which
      fill the same lists as ``record``).

    Args:
        every: record the per-layer statistics every ``every`` steps. Measured for a
            784-100-10 net with batch 64 (one BLAS thread): ``every=10`` adds about 4% to a
            training step, ``every=1`` about 27%.
        live: in Jupyter, redraw the dashboard in place (one output, updated) every
            ``refresh_every`` steps and at the end of every epoch while ``train`` runs, but
            not more often than every ``min_interval`` seconds. In a plain script (no
            IPython kernel) it does nothing. Call :meth:`refresh` after training to show
            the final state.
        refresh_every: steps between live redraws.
        min_interval: seconds between live redraws at least. A redraw takes about 0.4 s,
            so the default 2 s keeps the cost of watching under about 20% of the training
            time however fast the steps are.

    Attributes (lists grow as training runs):
        train_loss, val_loss, train_acc, val_acc: one entry per epoch (or ``record`` call);
            ``nan`` where no validation set was given.
        grad_norms: the global gradient norm, one per step (or per ``record`` with grads).
        epoch_steps: the step count at each epoch's end (x positions of the epoch curves).
        steps, losses, lrs: the step index, the minibatch loss and the learning rate.
        stat_steps: the steps at which per-layer statistics were recorded.
        layer_grad_norms, weight_norms, update_ratios: ``{'W1': [...], ...}``, one value
            per entry of ``stat_steps`` (``update_ratios`` for the weights only).
        act_stats: ``{'mean': [...], 'std': [...], 'dead': [...], 'saturated': [...],
            'near_zero': [...]}``, each a list of ``(L,)`` arrays (one per hidden layer).

    Use one monitor per training run: the step counts of a second ``train`` call start at
    0 again.

    Example:
        >>> monitor = TrainingMonitor(every=10, live=True)
        >>> train(model, X_train, y_train, X_val, y_val, callbacks=monitor)
        >>> monitor.plot()
    """

    def __init__(
        self,
        every: int = 10,
        live: bool = False,
        refresh_every: int = 100,
        min_interval: float = 2.0,
    ) -> None:
        self.every = check_number("every", every, integer=True, positive=True)
        if not isinstance(live, (bool, np.bool_)):
            raise TypeError(f"live must be True or False; got {_describe(live)}")
        self.live = bool(live)
        self.refresh_every = check_number(
            "refresh_every", refresh_every, integer=True, positive=True
        )
        self.min_interval = check_number("min_interval", min_interval, nonnegative=True)
        # the notes' lists
        self.train_loss: list[float] = []
        self.val_loss: list[float] = []
        self.train_acc: list[float] = []
        self.val_acc: list[float] = []
        self.grad_norms: list[float] = []
        self.epoch_steps: list[int] = []
        # per step
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.lrs: list[float] = []
        # every `every` steps
        self.stat_steps: list[int] = []
        self.layer_grad_norms: dict[str, list[float]] = {}
        self.weight_norms: dict[str, list[float]] = {}
        self.update_ratios: dict[str, list[float]] = {}
        self.act_stats: dict[str, list[np.ndarray]] = {name: [] for name in STAT_NAMES}
        self.activation: str | None = None
        # live display
        self.refreshes = 0
        self._figure = None
        self._display = None
        self._last_refresh = -math.inf

    def __repr__(self) -> str:
        return (
            f"TrainingMonitor(every={self.every}, live={self.live}, "
            f"refresh_every={self.refresh_every}): {len(self.steps)} steps, "
            f"{len(self.train_loss)} epochs recorded"
        )

    # --- the notes' API ---------------------------------------------------------------------
    def record(
        self,
        train_loss: float,
        val_loss: float | None,
        train_acc: float,
        val_acc: float | None,
        grads: dict[str, np.ndarray] | None = None,
    ) -> None:
        """Append one epoch's numbers (``None`` for a missing validation value).

        If ``grads`` (a dict of arrays) is given, its global L2 norm
        ``sqrt(sum_k sum(grads[k]**2))`` is appended to ``grad_norms``. (The notes test
        ``if grads:``, which is also false for an empty dict; here ``is not None`` decides.)

        Example: ``monitor.record(0.52, 0.61, 0.85, 0.82, grads)``.
        """
        _check_loss("train_loss", train_loss)
        check_number("train_acc", train_acc, low=0.0, high=1.0)
        if val_loss is not None:
            _check_loss("val_loss", val_loss)
        if val_acc is not None:
            check_number("val_acc", val_acc, low=0.0, high=1.0)
        if grads is not None:
            _check_array_dict("grads", grads)
        self._append_epoch(train_loss, val_loss, train_acc, val_acc, None)
        if grads is not None:
            self.grad_norms.append(global_norm(grads))

    def _append_epoch(self, train_loss, val_loss, train_acc, val_acc, step) -> None:
        self.train_loss.append(float(train_loss))
        self.val_loss.append(math.nan if val_loss is None else float(val_loss))
        self.train_acc.append(float(train_acc))
        self.val_acc.append(math.nan if val_acc is None else float(val_acc))
        if step is not None:
            self.epoch_steps.append(int(step))

    # --- the callback -----------------------------------------------------------------------
    def __call__(self, info: dict) -> None:
        """The ``train`` callback: ``info['event']`` is ``'step'`` or ``'epoch'``."""
        if not isinstance(info, dict) or "event" not in info:
            raise TypeError(
                f"info must be the dict that train() passes to callbacks, with an 'event' key; "
                f"got {_describe(info)}"
            )
        event = info["event"]
        if event == "step":
            self._on_step(info)
        elif event == "epoch":
            self._append_epoch(
                info["train_loss"],
                info["val_loss"],
                info["train_acc"],
                info["val_acc"],
                info["step"],
            )
            self._maybe_refresh()
        else:
            raise ValueError(f"info['event'] must be 'step' or 'epoch'; got {event!r}")

    def _on_step(self, info: dict) -> None:
        step = int(info["step"])
        if step == 0:  # a new train() call (e.g. the cell was run again): a new live output
            self._display = None
        grads = info["grads"]
        self.steps.append(step)
        self.losses.append(float(info["loss"]))
        self.lrs.append(float(info["lr"]))
        # train() logs the norm before clipping; the grads it passes may have been clipped
        norms = info.get("history", {}).get("grad_norm_history")
        self.grad_norms.append(float(norms[-1]) if norms else global_norm(grads))
        if step % self.every == 0:
            model = info["model"]
            self.stat_steps.append(step)
            for store, values in (
                (self.layer_grad_norms, _norms(grads)),
                (self.weight_norms, _norms(model.params)),
                (self.update_ratios, _update_ratios(model.params, info["updates"])),
            ):
                for k, v in values.items():
                    store.setdefault(k, []).append(v)
            self.activation = model.activation
            stats = _activation_stats(model.activations, model.activation)
            for name in STAT_NAMES:
                self.act_stats[name].append(stats[name])
        if self.live and (step + 1) % self.refresh_every == 0:
            self._maybe_refresh()

    # --- drawing ----------------------------------------------------------------------------
    def _maybe_refresh(self) -> None:
        if time.perf_counter() - self._last_refresh >= self.min_interval:
            self.refresh()

    def refresh(self) -> None:
        """Redraw the live dashboard in place now (Jupyter only; nothing in a script)."""
        if not self.live or not in_jupyter_kernel():
            return
        from IPython.display import Image, display

        if self._figure is None:
            import matplotlib.pyplot as plt

            self._figure = plt.figure(figsize=(16, 7.5))
            plt.close(self._figure)  # ours to redraw; pyplot must not show it again
        self._figure.clear()
        self._draw(self._figure)
        buffer = io.BytesIO()
        self._figure.savefig(buffer, format="png", dpi=72)
        image = Image(data=buffer.getvalue(), format="png")
        if self._display is None:
            self._display = display(image, display_id=True)
        else:
            self._display.update(image)
        self.refreshes += 1
        self._last_refresh = time.perf_counter()

    def plot(self):
        """Draw the dashboard and return the ``matplotlib.figure.Figure``.

        Panels: loss (per step and per epoch), accuracy, learning rate, weight norms,
        gradient norm per layer (log scale), update-to-data ratio per layer with the -3 guide
        line, activation std per hidden layer, fraction of dead (ReLU) or saturated
        (tanh/sigmoid) units per hidden layer. Panels without data say so.

        The figure is closed in pyplot before it is returned, so Jupyter shows it once (as
        the cell's value); in a script use ``monitor.plot().savefig('dashboard.png')``.

        Example: ``fig = monitor.plot(); fig.axes[5].get_title()`` is
        ``'Update-to-data ratio'``.
        """
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(16, 7.5))
        self._draw(fig)
        plt.close(fig)
        return fig

    def _draw(self, fig) -> None:
        axes = fig.subplots(2, 4)
        per_step = bool(self.epoch_steps) and len(self.epoch_steps) == len(self.train_loss)
        epoch_x = np.array(self.epoch_steps) if per_step else np.arange(1, len(self.train_loss) + 1)
        epoch_label = "step" if per_step else "epoch"

        ax = axes[0, 0]
        if self.losses:
            ax.plot(self.steps, self.losses, color="0.7", lw=0.8, label="minibatch")
        if self.train_loss:
            ax.plot(epoch_x, self.train_loss, "o-", label="train (epoch mean)")
            ax.plot(epoch_x, self.val_loss, "s-", label="validation")
        _finish(ax, "Loss", "step" if self.losses else epoch_label, "cross-entropy loss (nats)")

        ax = axes[0, 1]
        if self.train_acc:
            ax.plot(epoch_x, self.train_acc, "o-", label="train")
            ax.plot(epoch_x, self.val_acc, "s-", label="validation")
        _finish(ax, "Accuracy", epoch_label, "accuracy (fraction correct)")

        ax = axes[0, 2]
        if self.lrs:
            ax.plot(self.steps, self.lrs)
            ax.set_yscale("log")
        _finish(ax, "Learning rate", "step", "learning rate (log scale)", legend=False)

        ax = axes[0, 3]
        for k, values in self.weight_norms.items():
            if k.startswith("W"):
                ax.plot(self.stat_steps, values, label=k)
        _finish(ax, "Weight norm per layer", "step", "||W|| (Frobenius)")

        ax = axes[1, 0]
        weights = {k: v for k, v in self.layer_grad_norms.items() if k.startswith("W")}
        if weights:
            for k, values in weights.items():
                ax.plot(self.stat_steps, values, label=k)
        elif self.grad_norms:  # only record(..., grads): one global norm per call
            ax.plot(np.arange(1, len(self.grad_norms) + 1), self.grad_norms, label="all layers")
        if weights or self.grad_norms:
            ax.set_yscale("log")
        xlabel = "step" if weights or not self.grad_norms else "record() call with grads"
        _finish(ax, "Gradient norm per layer", xlabel, "||dL/dW|| (log scale)")

        ax = axes[1, 1]
        for k, values in self.update_ratios.items():
            ax.plot(self.stat_steps, values, label=k)
        if self.update_ratios:
            ax.axhline(HEALTHY_UPDATE_RATIO, color="k", ls="--", lw=1, label="-3 (rule of thumb)")
        _finish(ax, "Update-to-data ratio", "step", "log10(std(update) / std(W))")

        stds = np.array(self.act_stats["std"])
        ax = axes[1, 2]
        if stds.size:
            for i in range(stds.shape[1]):
                ax.plot(self.stat_steps, stds[:, i], label=f"layer {i + 1}")
        log = stds.size > 0 and bool((stds > 0).all())  # a vanishing signal shrinks by factors
        if log:
            ax.set_yscale("log")
        ylabel = "std of the outputs" + (" (log scale)" if log else "")
        _finish(ax, "Activation std per hidden layer", "step", ylabel)

        ax = axes[1, 3]
        dead = np.array(self.act_stats["dead"])
        saturated = np.array(self.act_stats["saturated"])
        for i in range(dead.shape[1] if dead.ndim == 2 else 0):
            (line,) = ax.plot(self.stat_steps, 100 * dead[:, i], label=f"layer {i + 1} dead")
            if np.isfinite(saturated[:, i]).any():
                ax.plot(
                    self.stat_steps,
                    100 * saturated[:, i],
                    ls="--",
                    color=line.get_color(),
                    label=f"layer {i + 1} saturated outputs",
                )
        if dead.size:
            ax.set_ylim(-2, 102)
        _finish(ax, "Dead units (no gradient on the whole batch)", "step", "% of units (outputs)")
        fig.suptitle("Training monitor")
        # fixed margins for the 16 x 7.5 inch figure: tight_layout would triple a redraw
        fig.subplots_adjust(left=0.06, right=0.99, bottom=0.08, top=0.9, wspace=0.4, hspace=0.4)


def _finish(ax, title: str, xlabel: str, ylabel: str, legend: bool = True) -> None:
    """Title and axis labels; a legend for labelled lines; a note instead of an empty panel."""
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if not ax.lines:
        ax.text(0.5, 0.5, "no data yet", ha="center", va="center", transform=ax.transAxes)
    elif legend:
        ax.legend(fontsize=7)
