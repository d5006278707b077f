"""Minibatch training loop with validation, schedules, clipping and callbacks.

``history = train(model, X_train, y_train, X_val, y_val, learning_rate=0.1, epochs=5)``
returns per-step lists (``loss_history``, ``lr_history``, ``grad_norm_history``) and
per-epoch lists (``train_loss_history``, ``train_acc_history``, ``val_loss_history``,
``val_acc_history``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np

from ._validate import (
    check_array,
    check_labels,
    check_number,
    check_rng,
    check_same_length,
)
from .layers import log_softmax
from .optim import (
    clip_grad_norm,
    cosine_schedule,
    global_norm,
    make_optimizer,
    one_cycle_schedule,
    step_schedule,
    warmup_schedule,
)


def evaluate(model, X: np.ndarray, y: np.ndarray, batch_size: int = 4096) -> tuple[float, float]:
    """``(loss, accuracy)`` of ``model`` on ``X`` (N, D), ``y`` (N,) with dropout off.

    The loss is the mean cross-entropy plus the model's L2 term, like the training loss.
    """
    model._check_X(X)
    model._check_y(y, X.shape[0])
    scores = model.scores(X, batch_size)
    logp = log_softmax(scores)
    data_loss = -float(logp[np.arange(len(y)), y].mean())
    accuracy = float(np.mean(np.argmax(scores, axis=1) == y))
    return data_loss + model._regularization(), accuracy


def accuracy(model, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of examples whose predicted class equals the label."""
    model._check_X(X)
    model._check_y(y, X.shape[0])
    return float(np.mean(model.predict(X) == y))


def _make_schedule(lr_schedule, total_steps: int, steps_per_epoch: int):
    if lr_schedule is None or lr_schedule == "constant":
        return lambda step: 1.0
    if lr_schedule == "cosine":
        return cosine_schedule(total_steps)
    if lr_schedule == "step":  # divide by 10 at 50% and 75% of training, a common recipe
        return lambda step: (
            0.1 ** (int(step >= total_steps // 2) + int(step >= 3 * total_steps // 4))
        )
    if lr_schedule == "epoch_decay":  # CS231n: multiply by 0.95 after each epoch
        return step_schedule(steps_per_epoch, 0.95)
    if lr_schedule == "one_cycle":
        return one_cycle_schedule(max(total_steps, 2))
    if lr_schedule == "warmup_cosine":  # 5% linear warm-up, then cosine to 0
        warm = max(1, total_steps // 20)
        return warmup_schedule(warm, cosine_schedule(max(total_steps - warm, 1)))
    if callable(lr_schedule):
        return lr_schedule
    raise ValueError(
        "lr_schedule must be None, 'constant', 'cosine', 'step', 'epoch_decay', 'one_cycle', "
        "'warmup_cosine' or a function "
        f"step -> factor; got {lr_schedule!r}"
    )


NONFINITE_ADVICE = (
    "Likely causes: the learning rate is too high (try 10x lower), exploding gradients "
    "(try clip_norm=5), weights initialized too large, or inputs that are not normalized."
)


def train(
    model,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_val: np.ndarray | None = None,
    y_val: np.ndarray | None = None,
    *,
    learning_rate: float = 1e-2,
    reg: float | None = None,
    dropout: float | None = None,
    epochs: int = 10,
    batch_size: int = 100,
    optimizer="sgd",
    lr_schedule=None,
    clip_norm: float | None = None,
    num_train_samples: int = 1000,
    seed: int | None = 0,
    progress: bool = True,
    callbacks: Callable | list[Callable] | None = None,
) -> dict:
    """Train ``model`` with minibatch gradient descent; return the history.

    Args:
        model: a :class:`~helpers.model.Network` (anything with ``params`` and ``loss``).
        X_train, y_train: (N, D) floats and (N,) integer labels.
        X_val, y_val: validation data (M, D) and (M,), or ``None`` for no validation.
        learning_rate: the base rate (> 0).
        reg, dropout: if given, set ``model.reg`` / ``model.dropout`` before training.
        epochs, batch_size: how long, and examples per step (the last batch may be smaller).
        optimizer: ``'sgd'``, ``'momentum'``, ``'adam'`` or an optimizer object.
        lr_schedule: ``None``/``'constant'``, ``'cosine'``, ``'step'``, ``'epoch_decay'``,
            ``'one_cycle'`` (``learning_rate`` is the peak), ``'warmup_cosine'`` or a
            function ``step -> factor`` multiplying ``learning_rate`` (see
            :mod:`helpers.optim` for the formulas).
        clip_norm: if given, clip the global gradient norm to it at every step.
        num_train_samples: training accuracy is measured on this many training examples.
        seed: seeds the minibatch order and the subset used for the training accuracy (one
            stream: changing ``num_train_samples`` also changes the order).
        progress: show a ``tqdm`` progress bar.
        callbacks: functions called as ``cb(info)`` after every step (``info['event'] ==
            'step'``, with ``step``, ``epoch``, ``loss``, ``lr``, ``grads``, ``updates``
            (parameter changes), ``model``) and after every epoch (``'epoch'``, with the
            epoch's ``train_loss``, ``train_acc``, ``val_loss``, ``val_acc``).

    Returns:
        A dict with ``loss_history``, ``lr_history``, ``grad_norm_history`` (one entry per
        step), ``train_loss_history``, ``train_acc_history``, ``val_loss_history``,
        ``val_acc_history`` (one per epoch), ``diverged`` (bool) and ``message``.

    If the loss becomes NaN or infinite, training stops at that step with a warning that
    names the step and the likely causes; the model keeps the last weights whose loss was
    finite.
    """
    # One check of X_train (what model._check_X checks, named X_train): the scan for NaN and
    # inf is the costliest check, so it runs once over the largest array.
    check_array("X_train", X_train, ndim=2, shape=(None, model.layer_dims[0]), shape_hint="(N, D)")
    check_labels("y_train", y_train, n=X_train.shape[0], num_classes=model.num_classes)
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together (or both None)")
    if X_val is not None:
        check_array("X_val", X_val, ndim=2, shape=(None, X_train.shape[1]), shape_hint="(M, D)")
        check_labels("y_val", y_val, n=X_val.shape[0], num_classes=model.num_classes)
        check_same_length("X_val", X_val, "y_val", y_val)
    check_number("learning_rate", learning_rate, positive=True)
    check_number("epochs", epochs, integer=True, positive=True)
    check_number("batch_size", batch_size, integer=True, positive=True)
    check_number("num_train_samples", num_train_samples, integer=True, positive=True)
    if clip_norm is not None:
        check_number("clip_norm", clip_norm, positive=True)
    if reg is not None:
        model.reg = reg
    if dropout is not None:
        model.dropout = dropout
    optimizer = make_optimizer(optimizer)
    if callbacks is None:
        callbacks = []
    elif callable(callbacks):
        callbacks = [callbacks]
    for cb in callbacks:
        if not callable(cb):
            raise TypeError(f"callbacks must be functions cb(info); got {type(cb).__name__}")
    rng = check_rng("seed", seed)

    n = X_train.shape[0]
    steps_per_epoch = math.ceil(n / batch_size)
    total_steps = epochs * steps_per_epoch
    schedule = _make_schedule(lr_schedule, total_steps, steps_per_epoch)
    acc_rows = rng.choice(n, size=min(num_train_samples, n), replace=False)

    history = {
        "loss_history": [],
        "lr_history": [],
        "grad_norm_history": [],
        "train_loss_history": [],
        "train_acc_history": [],
        "val_loss_history": [],
        "val_acc_history": [],
        "diverged": False,
        "message": "",
    }
    params = model.params
    previous = {k: np.empty_like(v) for k, v in params.items()}
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=total_steps, desc="training", unit="step")

    step = 0
    # numpy's overflow warnings would bury the one clear message below
    quiet = np.errstate(over="ignore", invalid="ignore", divide="ignore")
    try:
        with quiet:
            for epoch in range(epochs):
                order = rng.permutation(n)
                epoch_losses = []
                for start in range(0, n, batch_size):
                    idx = order[start : start + batch_size]
                    loss, grads = model._loss(X_train[idx], y_train[idx])
                    if not math.isfinite(loss):
                        history["loss_history"].append(loss)
                        if step > 0:
                            for k, p in params.items():
                                np.copyto(p, previous[k])
                        history["diverged"] = True
                        history["message"] = (
                            f"Training stopped: the loss became {loss} at step {step} (epoch "
                            f"{epoch}, learning rate {learning_rate * schedule(step):.3g}); the "
                            f"model keeps the weights from step {max(step - 1, 0)}, the last with "
                            f"a finite loss. {NONFINITE_ADVICE}"
                        )
                        warnings.warn(history["message"], RuntimeWarning, stacklevel=2)
                        return history
                    lr = learning_rate * schedule(step)
                    if clip_norm is not None:
                        norm = clip_grad_norm(grads, clip_norm)  # the norm before clipping
                    else:
                        norm = global_norm(grads)
                    for k, p in params.items():
                        np.copyto(previous[k], p)
                    optimizer.step(params, grads, lr)

                    history["loss_history"].append(loss)
                    history["lr_history"].append(lr)
                    history["grad_norm_history"].append(norm)
                    epoch_losses.append(loss)
                    if callbacks:
                        info = {
                            "event": "step",
                            "step": step,
                            "epoch": epoch,
                            "loss": loss,
                            "lr": lr,
                            "grads": grads,
                            "updates": {k: params[k] - previous[k] for k in params},
                            "model": model,
                            "history": history,
                        }
                        for cb in callbacks:
                            cb(info)
                    step += 1
                    if bar is not None:
                        bar.update(1)
                        if step % 20 == 0 or step == total_steps:
                            bar.set_postfix(loss=f"{loss:.3f}", refresh=False)

                _, train_acc = evaluate(model, X_train[acc_rows], y_train[acc_rows])
                history["train_loss_history"].append(float(np.mean(epoch_losses)))
                history["train_acc_history"].append(train_acc)
                val_loss = val_acc = None
                if X_val is not None:
                    val_loss, val_acc = evaluate(model, X_val, y_val)
                    history["val_loss_history"].append(val_loss)
                    history["val_acc_history"].append(val_acc)
                if callbacks:
                    info = {
                        "event": "epoch",
                        "step": step,
                        "epoch": epoch,
                        "train_loss": history["train_loss_history"][-1],
                        "train_acc": train_acc,
                        "val_loss": val_loss,
                        "val_acc": val_acc,
                        "lr": history["lr_history"][-1],
                        "model": model,
                        "history": history,
                    }
                    for cb in callbacks:
                        cb(info)
    finally:
        if bar is not None:
            bar.close()
    return history
