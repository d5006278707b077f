"""The learning-rate range test (Smith 2017) and rules that read a rate off its curve.

Train one model on successive minibatches while the learning rate grows exponentially from
``min_lr`` to ``max_lr``; record the loss at every step; stop when the loss blows up; put the
model (and the optimizer) back exactly as they were. The loss first stays flat (rate too
small), then falls (useful rates), then shoots up (too large). A rule such as
:func:`suggest_lr` reads a rate off that curve; check it with a short sweep before trusting it.

    lrs, losses = learning_rate_range_test(model, X_train, y_train)
    lr = suggest_lr(lrs, losses)
    plot_lr_finder(lrs, losses, suggestion=lr)

Sources: Smith, "Cyclical Learning Rates for Training Neural Networks" (2017, arXiv
1506.01186); fastai's ``LRFinder`` / ``lr_find`` (bias-corrected EMA with beta 0.98, stop at 4x
the minimum, the ``valley``, ``steep`` and ``minimum`` rules); PyTorch Lightning's and
``torch-lr-finder``'s LR finders (restore the weights and optimizer state afterwards).
"""

from __future__ import annotations

import copy
import math
from typing import TYPE_CHECKING

import numpy as np

from ._validate import check_array, check_choice, check_labels, check_number, check_rng
from .optim import make_optimizer

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .model import Network
    from .optim import SGD, Adam, Momentum

METHODS = ("smith", "minimum", "steep", "valley")
DEFAULT_METHOD = "smith"  # chosen against a sweep on the MNIST sample, see suggest_lr


class RangeTestResult(tuple):
    """``(learning_rates, losses)`` of a range test, with the details as attributes.

    It unpacks like a pair (``lrs, losses = result``) and also has:

    - ``learning_rates`` (K,): the rates at which a finite loss was measured, in order.
    - ``losses`` (K,): the bias-corrected EMA of the loss (what the rules and plots use).
    - ``raw_losses`` (K,): the minibatch loss at each of those rates, before smoothing.
    - ``schedule`` (num_steps,): every rate the test planned; ``K <= num_steps``.
    - ``stop_reason``: ``'completed'`` (all planned rates tested), ``'diverged'`` (the last
      point's smoothed loss exceeded ``diverge_factor`` times the minimum; that point is
      included) or ``'non-finite'`` (the loss at ``stop_lr`` was NaN or inf; that point is
      *not* in the arrays).
    - ``stop_lr``: the rate at which the test stopped early, ``None`` if it completed.
    """

    def __new__(cls, learning_rates, losses, raw_losses, schedule, stop_reason, stop_lr):
        self = super().__new__(cls, (learning_rates, losses))
        self.learning_rates = learning_rates
        self.losses = losses
        self.raw_losses = raw_losses
        self.schedule = schedule
        self.stop_reason = stop_reason
        self.stop_lr = stop_lr
        return self

    def __repr__(self) -> str:
        k, n = len(self.learning_rates), len(self.schedule)
        text = f"RangeTestResult: {k} of {n} planned rates tested"
        if k:
            text += f" ({self.learning_rates[0]:.3g} to {self.learning_rates[-1]:.3g})"
            i = int(np.argmin(self.losses))
            text += f", lowest smoothed loss {self.losses[i]:.4g}"
            text += f" at lr {self.learning_rates[i]:.3g}"
        if self.stop_reason == "diverged":
            text += f"; stopped: the smoothed loss diverged at lr {self.stop_lr:.3g}"
        elif self.stop_reason == "non-finite":
            text += f"; stopped: the loss was NaN or inf at lr {self.stop_lr:.3g} (not included)"
        return text

    def __reduce__(self):  # keep the attributes when pickled or deep-copied
        return (
            RangeTestResult,
            (
                self.learning_rates,
                self.losses,
                self.raw_losses,
                self.schedule,
                self.stop_reason,
                self.stop_lr,
            ),
        )


def _restore_state(live: dict, saved: dict) -> None:
    """Put ``saved`` (a deep copy taken earlier) back into the dict ``live``, in place:
    arrays that still exist get their values copied back, so references stay valid."""
    for key in [k for k in live if k not in saved]:
        del live[key]
    for key, value in saved.items():
        old = live.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            _restore_state(old, value)
        elif (
            isinstance(value, np.ndarray)
            and isinstance(old, np.ndarray)
            and old.shape == value.shape
            and old.dtype == value.dtype
        ):
            np.copyto(old, value)
        else:
            live[key] = copy.deepcopy(value)


def learning_rate_range_test(
    model: Network,
    X: np.ndarray,
    y: np.ndarray,
    min_lr: float = 1e-6,
    max_lr: float = 10.0,
    num_steps: int = 100,
    *,
    batch_size: int = 64,
    optimizer: str | SGD | Momentum | Adam = "sgd",
    beta: float = 0.98,
    diverge_factor: float = 4.0,
    seed: int | None = 0,
) -> RangeTestResult:
    """Run the learning-rate range test; return ``(learning_rates, losses)``.

    Step ``i`` (from 0) computes the loss and gradients on the next minibatch and then takes
    one optimizer step with ``lr_i = min_lr * (max_lr / min_lr) ** (i / (num_steps - 1))``,
    one continuous run on one model (Smith 2017). So ``loss_i``, recorded next to ``lr_i``, is
    measured before the step with ``lr_i`` (as in fastai). The loss is smoothed with a
    bias-corrected exponential moving average (fastai):
    ``avg_i = beta * avg_{i-1} + (1 - beta) * loss_i``, ``smooth_i = avg_i / (1 - beta**(i+1))``.
    The test stops after the first step whose smoothed loss exceeds ``diverge_factor`` times
    the lowest smoothed loss so far (that point is kept), or at the first NaN/inf loss (that
    point is dropped). Afterwards the model's parameters are restored bit for bit, in place
    (the same array objects), and so are the optimizer's ``state``, the dropout random
    generator, ``model.activations`` and batch norm's running averages, even if the test is
    interrupted.

    Args:
        model: a :class:`~helpers.model.Network`.
        X: inputs, shape (N, D), floating point. A single small batch works (the notes'
            ``learning_rate_range_test(model, X_batch, y_batch)``): if ``N <= batch_size``
            every step uses all of it.
        y: labels, shape (N,), integers in [0, C).
        min_lr, max_lr: first and last rate of the schedule, ``0 < min_lr < max_lr``.
        num_steps: number of rates (minibatches), at least 2.
        batch_size: examples per step; batches are drawn without replacement from a
            reshuffled epoch, and every batch has ``min(batch_size, N)`` examples.
        optimizer: ``'sgd'``, ``'momentum'``, ``'adam'`` or an optimizer object, used as it is
            (with its current state) and restored afterwards. Test with the optimizer you
            will train with; a fast test with momentum or Adam still bottoms out near plain
            SGD's rate (their velocities have no time to build up), so ``suggest_lr``'s
            default is then 10-20x too high (lesson 09 measures it): use a longer test or
            ``method='minimum'``.
        beta: smoothing factor in [0, 1); 0 means no smoothing.
        diverge_factor: stop once the smoothed loss exceeds this multiple of its minimum
            (fastai and Lightning: 4; torch-lr-finder: 5). Must be > 1.
        seed: seeds the minibatch order.

    Returns:
        A :class:`RangeTestResult`: unpacks as ``learning_rates, losses``, float64 arrays of
        shape (K,) with ``K <= num_steps``, ``losses`` smoothed; ``.raw_losses`` (K,),
        ``.schedule`` (num_steps,), ``.stop_reason`` and ``.stop_lr`` tell what was tested.

    Example:
        >>> lrs, losses = learning_rate_range_test(Network([784, 100, 10], seed=0), X, y)
    """
    if not isinstance(getattr(model, "params", None), dict) or not callable(
        getattr(model, "_loss", None)
    ):
        raise TypeError(
            f"model must be a helpers Network (with .params and .loss); got {type(model).__name__}"
        )
    check_array("X", X, ndim=2, kind="float", shape_hint="(N, D)")
    model._check_X(X)
    check_labels("y", y, n=X.shape[0], num_classes=model.num_classes)
    check_number("min_lr", min_lr, positive=True)
    check_number("max_lr", max_lr, positive=True)
    if not min_lr < max_lr:
        raise ValueError(
            f"min_lr must be smaller than max_lr; got min_lr={min_lr} and max_lr={max_lr}"
        )
    check_number("num_steps", num_steps, integer=True, low=2)
    check_number("batch_size", batch_size, integer=True, positive=True)
    check_number("beta", beta, low=0.0, high=1.0, high_inclusive=False)
    check_number("diverge_factor", diverge_factor)
    if not diverge_factor > 1:
        raise ValueError(f"diverge_factor must be greater than 1; got {diverge_factor}")
    optimizer = make_optimizer(optimizer)
    rng = check_rng("seed", seed)

    steps = np.arange(num_steps)
    schedule = min_lr * (max_lr / min_lr) ** (steps / (num_steps - 1))

    # everything the test changes, saved to be put back in the `finally` below
    params = model.params
    originals = dict(params)
    saved_params = {k: v.copy() for k, v in params.items()}
    opt_state = optimizer.state
    saved_opt = copy.deepcopy(opt_state)
    dropout_rng = getattr(model, "_dropout_rng", None)
    saved_rng = None if dropout_rng is None else copy.deepcopy(dropout_rng.bit_generator.state)
    saved_activations = getattr(model, "activations", None)
    running_stats = getattr(model, "running_stats", {})  # batch norm's running averages
    saved_stats = {k: v.copy() for k, v in running_stats.items()}

    n = X.shape[0]
    b = min(batch_size, n)
    batches_per_epoch = n // b
    tested, raw, smooth = [], [], []
    avg, best = 0.0, math.inf
    stop_reason, stop_lr = "completed", None
    try:
        # the divergence at the end is expected: keep numpy's overflow warnings quiet
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for i, lr in enumerate(schedule):
                j = i % batches_per_epoch
                if j == 0:
                    order = rng.permutation(n)
                idx = order[j * b : (j + 1) * b]
                loss, grads = model._loss(X[idx], y[idx])
                loss = float(loss)
                avg = beta * avg + (1 - beta) * loss
                smoothed = avg / (1 - beta ** (i + 1))
                if not (math.isfinite(loss) and math.isfinite(smoothed)):
                    stop_reason, stop_lr = "non-finite", float(lr)
                    break
                tested.append(float(lr))
                raw.append(loss)
                smooth.append(smoothed)
                best = min(best, smoothed)
                if smoothed > diverge_factor * best:
                    stop_reason, stop_lr = "diverged", float(lr)
                    break
                optimizer.step(params, grads, float(lr))
    finally:
        for k, arr in originals.items():
            np.copyto(arr, saved_params[k])
            params[k] = arr
        for k in [k for k in params if k not in originals]:
            del params[k]
        optimizer.state = opt_state
        _restore_state(opt_state, saved_opt)
        if dropout_rng is not None:
            dropout_rng.bit_generator.state = saved_rng
        if saved_activations is not None:
            model.activations = saved_activations
        for k, arr in running_stats.items():
            np.copyto(arr, saved_stats[k])

    return RangeTestResult(
        np.array(tested, dtype=np.float64),
        np.array(smooth, dtype=np.float64),
        np.array(raw, dtype=np.float64),
        schedule,
        stop_reason,
        stop_lr,
    )


# --- suggestion rules -------------------------------------------------------------------
def _valley_index(losses: np.ndarray) -> int:
    """fastai's ``valley``: the middle of the longest strictly decreasing subsequence."""
    n = len(losses)
    lds = np.ones(n, dtype=int)  # lds[i]: longest decreasing subsequence ending at i
    for i in range(1, n):
        higher = losses[:i] > losses[i]
        if higher.any():
            lds[i] = lds[:i][higher].max() + 1
    end = int(np.argmax(lds))  # the first longest one
    start = end - int(lds[end])
    sections = lds[end] / 3
    return max(0, start + int(sections) + int(sections / 2))


def suggest_lr(
    learning_rates: np.ndarray,
    losses: np.ndarray,
    method: str = DEFAULT_METHOD,
    *,
    skip_start: int | None = None,
    skip_end: int = 5,
) -> float:
    """A learning rate read off a range-test curve.

    Like fastai's ``lr_find``, the first ``skip_start`` points (default: 10% of them) and the
    last ``skip_end`` (default 5) are ignored, and the curve is cut at its first NaN/inf
    loss. On what is left (``lr`` and smoothed ``loss``, both (K,)):

    - ``'smith'`` (default): ``lr[argmin(loss)] / 2``, named after the range test's author
      (Smith 2017). The best rate is usually within 2x of the largest rate that still
      converges (Bengio 2012, sec. 3.1.1); the lowest point of the smoothed curve is where
      the loss stops falling (a little past it, as the average lags).
    - ``'minimum'``: ``lr[argmin(loss)] / 10`` (fastai's ``minimum``), a cautious choice.
    - ``'steep'``: ``lr[i]`` with the most negative slope ``(loss[i+1] - loss[i]) /
      (log lr[i+1] - log lr[i])`` (fastai's ``steep``); noisy, hence the trimming.
    - ``'valley'``: the middle of the longest strictly decreasing subsequence of the loss
      (fastai's default, from ESRI).

    Why ``'smith'``: measured on the MNIST sample (4,000 training and 1,000 validation
    images; 784-100-10, 784-256-128-10 and 784-100-100-100-10 ReLU nets and a 784-100-10 tanh
    net, seeds 0 to 2, plain SGD, batch 64, 3 epochs), against the best rate of the sweep
    1e-3, 3e-3, ..., 1 in validation accuracy over those 12 runs:

    ========= ======================= ============ ====================
    method    median gap (points)     worst gap    within 1.5 points
    ========= ======================= ============ ====================
    smith     0.5 better              2.2 worse    11 of 12
    steep     0.3 worse               3.2 worse    11 of 12
    minimum   2.6 worse               5.5 worse    4 of 12
    valley    8.4 worse               21.9 worse   0 of 12
    ========= ======================= ============ ====================

    ``'valley'`` picked rates 12x to 63x below the sweep's best; ``'minimum'`` is too cautious
    for a short run. Check any rule with a short sweep before trusting it
    (``tests/test_lr_finder.py`` does, for two of these nets). The calibration is for plain
    SGD: with momentum 0.9 (whose effective step is about 10x the rate) the range test of
    lesson 07's net suggested about 0.27 while a sweep's best was 0.03 to 0.1.

    Args:
        learning_rates: the tested rates, shape (K,), positive, increasing.
        losses: the (smoothed) losses, shape (K,); NaN/inf allowed (cut there).
        method: ``'smith'``, ``'minimum'``, ``'steep'`` or ``'valley'``.
        skip_start, skip_end: points to ignore at the start and the end.

    Returns:
        The suggested learning rate (float).

    Example:
        >>> lr = suggest_lr(*learning_rate_range_test(model, X, y))  # method="smith"
    """
    check_array("learning_rates", learning_rates, ndim=1, shape_hint="(K,)")
    check_array("losses", losses, ndim=1, finite=False, shape_hint="(K,)")
    if losses.shape != learning_rates.shape:
        raise ValueError(
            "learning_rates and losses must have the same length; "
            f"got {learning_rates.shape[0]} and {losses.shape[0]}"
        )
    if not (learning_rates > 0).all():
        raise ValueError(f"learning_rates must be positive; got minimum {learning_rates.min():.3g}")
    if not (np.diff(learning_rates) > 0).all():
        raise ValueError("learning_rates must be strictly increasing (the order of the test)")
    check_choice("method", method, METHODS)
    n = len(losses)
    if skip_start is None:
        skip_start = n // 10
    check_number("skip_start", skip_start, integer=True, nonnegative=True)
    check_number("skip_end", skip_end, integer=True, nonnegative=True)

    lrs, loss = learning_rates[skip_start : n - skip_end], losses[skip_start : n - skip_end]
    bad = np.flatnonzero(~np.isfinite(loss))
    if bad.size:
        lrs, loss = lrs[: bad[0]], loss[: bad[0]]
    if len(loss) < 3:
        raise ValueError(
            f"suggest_lr needs at least 3 finite points after skipping {skip_start} at the "
            f"start and {skip_end} at the end; got {len(loss)} of {n}. The range test stopped "
            "too early: lower min_lr, raise num_steps, or pass smaller skip_start/skip_end."
        )
    if method == "smith":
        return float(lrs[np.argmin(loss)] / 2)
    if method == "minimum":
        return float(lrs[np.argmin(loss)] / 10)
    if method == "steep":
        slopes = np.diff(loss) / np.diff(np.log(lrs))
        return float(lrs[np.argmin(slopes)])
    return float(lrs[_valley_index(loss)])


# --- plot -------------------------------------------------------------------------------
def plot_lr_finder(
    learning_rates: np.ndarray,
    losses: np.ndarray,
    suggestion: float | str | dict[str, float] | None = None,
    ax: Axes | None = None,
    *,
    raw_losses: np.ndarray | None = None,
) -> Axes:
    """Plot a range test: smoothed loss against the learning rate on a log axis.

    Args:
        learning_rates, losses: the test's arrays, shape (K,).
        suggestion: a rate to mark (float), a :func:`suggest_lr` method name, or a dict
            ``{label: rate}`` to mark several; each is drawn as a point on the curve with a
            label.
        ax: a matplotlib Axes to draw on; by default a new figure is made.
        raw_losses: optionally the unsmoothed losses (K,), drawn faintly behind.

    The y-axis fits the smoothed curve without its last 5 points, so the final blow-up runs
    off the top of the plot rather than squashing the part where the loss falls.

    Returns:
        The matplotlib Axes.

    Example:
        >>> ax = plot_lr_finder(lrs, losses, suggestion="minimum")
    """
    import matplotlib.pyplot as plt

    check_array("learning_rates", learning_rates, ndim=1, shape_hint="(K,)")
    check_array("losses", losses, ndim=1, finite=False, shape_hint="(K,)")
    if losses.shape != learning_rates.shape:
        raise ValueError(
            "learning_rates and losses must have the same length; "
            f"got {learning_rates.shape[0]} and {losses.shape[0]}"
        )
    if raw_losses is not None:
        check_array("raw_losses", raw_losses, ndim=1, finite=False, shape=learning_rates.shape)
    if suggestion is None:
        marks = {}
    elif isinstance(suggestion, str):
        marks = {suggestion: suggest_lr(learning_rates, losses, suggestion)}
    elif isinstance(suggestion, dict):
        marks = suggestion
    else:
        marks = {"suggestion": suggestion}
    for label, lr in marks.items():
        check_number(f"suggestion[{label!r}]", lr, positive=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))

    if raw_losses is not None:
        ax.plot(learning_rates, raw_losses, color="0.75", lw=0.8, label="raw loss")
    ax.plot(learning_rates, losses, color="C0", label="smoothed loss")
    finite = np.isfinite(losses)
    for (label, lr), color in zip(marks.items(), ["C3", "C2", "C1", "C4", "C5"] * 4, strict=False):
        y = np.interp(np.log(lr), np.log(learning_rates[finite]), losses[finite])
        ax.plot([lr], [y], "o", color=color, ms=8, zorder=3, label=f"{label}: lr = {lr:.2g}")
    # fit the y-axis to the smoothed curve without its last 5 points (as fastai's plot does):
    # the blow-up at the end then runs off the top instead of flattening the useful part
    shown = losses[finite][: max(len(losses[finite]) - 5, 2)]
    if shown.size:
        low, high = float(shown.min()), float(shown.max())
        pad = 0.05 * (high - low) if high > low else 0.05 * abs(high) + 1e-3
        ax.set_ylim(low - pad, high + pad)
    ax.set_xscale("log")
    ax.set_xlabel("learning rate (log scale)")
    ax.set_ylabel("loss (smoothed)")
    ax.set_title("Learning-rate range test")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="best")
    return ax
