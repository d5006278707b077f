"""The training loop: it learns, it is reproducible, it stops safely on NaN."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import Network, TwoLayerNet, evaluate, train
from helpers.data import train_val_split


@pytest.fixture(scope="module")
def split(mnist_sample):
    X, y, X_test, y_test = mnist_sample
    X_tr, X_val, y_tr, y_val = train_val_split(X, y, 0.1, seed=0)
    return X_tr, y_tr, X_val, y_val, X_test, y_test


def test_small_network_reaches_90_percent_on_mnist_sample(split):
    # (it takes about half a second: benchmarks/ measures it; no timed assertion here)
    X_tr, y_tr, X_val, y_val, X_test, y_test = split
    model = TwoLayerNet(784, 100, 10, seed=0)
    history = train(
        model,
        X_tr,
        y_tr,
        X_val,
        y_val,
        learning_rate=0.1,
        epochs=10,
        batch_size=64,
        optimizer="momentum",
        progress=False,
    )
    test_acc = float(np.mean(model.predict(X_test) == y_test))
    assert test_acc >= 0.90, f"test accuracy {test_acc:.3f}"
    assert history["val_acc_history"][-1] >= 0.88
    assert history["train_loss_history"][-1] < history["train_loss_history"][0]


def test_history_layout_and_lengths(split):
    X_tr, y_tr, X_val, y_val, *_ = split
    X_tr, y_tr = X_tr[:1000], y_tr[:1000]
    model = Network([784, 20, 10], seed=0)
    h = train(model, X_tr, y_tr, X_val, y_val, epochs=3, batch_size=300, progress=False)
    steps = 3 * math.ceil(1000 / 300)
    for key in ("loss_history", "lr_history", "grad_norm_history"):
        assert len(h[key]) == steps, key
    for key in ("train_loss_history", "train_acc_history", "val_loss_history", "val_acc_history"):
        assert len(h[key]) == 3, key
    assert h["diverged"] is False and h["message"] == ""
    # the epoch's validation numbers are those of the final model (independent evaluation)
    loss, acc = evaluate(model, X_val, y_val)
    assert h["val_acc_history"][-1] == acc and h["val_loss_history"][-1] == loss


def test_same_seed_same_history_and_weights(split):
    X_tr, y_tr, X_val, y_val, *_ = split
    runs = []
    for _ in range(2):
        model = Network([784, 30, 10], seed=3)
        h = train(model, X_tr[:800], y_tr[:800], X_val, y_val, epochs=2, progress=False, seed=7)
        runs.append((h["loss_history"], model.params["W1"].copy()))
    assert runs[0][0] == runs[1][0]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])


def test_schedule_callbacks_and_updates(split):
    X_tr, y_tr, X_val, y_val, *_ = split
    X_tr, y_tr = X_tr[:500], y_tr[:500]
    model = Network([784, 16, 10], seed=0)
    steps, epochs = [], []

    def record(info):
        if info["event"] == "step":
            # the update reported equals what was applied to the parameters
            steps.append((info["lr"], {k: v.copy() for k, v in info["updates"].items()}))
            params_after.append({k: v.copy() for k, v in info["model"].params.items()})
        else:
            epochs.append(info["val_acc"])

    params_after = [model.get_params()]
    h = train(
        model,
        X_tr,
        y_tr,
        X_val,
        y_val,
        learning_rate=0.2,
        epochs=2,
        batch_size=100,
        lr_schedule="cosine",
        callbacks=record,
        progress=False,
    )
    total = 10
    expected_lrs = [0.2 * 0.5 * (1 + math.cos(math.pi * t / total)) for t in range(total)]
    np.testing.assert_allclose(h["lr_history"], expected_lrs)
    assert [lr for lr, _ in steps] == h["lr_history"]
    assert epochs == h["val_acc_history"]
    for i, (_, updates) in enumerate(steps):
        for k in updates:
            np.testing.assert_allclose(updates[k], params_after[i + 1][k] - params_after[i][k])


def test_reg_and_dropout_arguments_set_the_model(split):
    X_tr, y_tr, X_val, y_val, *_ = split
    model = Network([784, 10, 10], seed=0)
    train(
        model,
        X_tr[:200],
        y_tr[:200],
        X_val,
        y_val,
        reg=1e-3,
        dropout=0.25,
        epochs=1,
        progress=False,
    )
    assert model.reg == 1e-3 and model.dropout == 0.25


def test_clip_norm_bounds_the_update(split):
    X_tr, y_tr, *_ = split
    model = Network([784, 50, 10], seed=0)
    sizes = []

    def record(info):
        if info["event"] == "step":
            sizes.append(math.sqrt(sum(float(np.sum(u * u)) for u in info["updates"].values())))

    train(
        model,
        X_tr[:640],
        y_tr[:640],
        learning_rate=0.5,
        clip_norm=0.01,
        epochs=1,
        batch_size=64,
        callbacks=record,
        progress=False,
    )
    # plain SGD: |update| = lr * |clipped grad| <= 0.5 * 0.01
    assert max(sizes) <= 0.5 * 0.01 * (1 + 1e-9)


def test_stops_at_first_nonfinite_loss_and_keeps_last_finite_weights(split):
    X_tr, y_tr, X_val, y_val, *_ = split
    model = Network([784, 100, 10], seed=0)
    snapshots = [model.get_params()]

    def record(info):
        if info["event"] == "step":
            snapshots.append(info["model"].get_params())

    with pytest.warns(RuntimeWarning, match=r"at step (\d+)") as warned:
        h = train(
            model,
            X_tr,
            y_tr,
            X_val,
            y_val,
            learning_rate=1e6,
            epochs=5,
            batch_size=64,
            callbacks=record,
            progress=False,
        )
    assert h["diverged"] is True
    bad_step = len(h["loss_history"]) - 1
    assert not math.isfinite(h["loss_history"][-1])
    assert all(math.isfinite(v) for v in h["loss_history"][:-1])
    message = str(warned[0].message)
    assert f"at step {bad_step}" in message and "learning rate" in message
    assert "Likely causes" in message and h["message"] == message
    # the weights that produced the last finite loss: those after the update of step bad-2
    kept = snapshots[bad_step - 1]
    for k, v in model.params.items():
        assert np.isfinite(v).all()
        np.testing.assert_array_equal(v, kept[k])
    assert len(h["loss_history"]) < 5 * math.ceil(len(y_tr) / 64)  # it stopped early


def test_progress_bar_can_be_switched_off(split, capsys):
    X_tr, y_tr, *_ = split
    train(Network([784, 8, 10], seed=0), X_tr[:100], y_tr[:100], epochs=1, progress=False)
    assert capsys.readouterr().err == ""
    train(Network([784, 8, 10], seed=0), X_tr[:100], y_tr[:100], epochs=1, progress=True)
    assert "training" in capsys.readouterr().err
