"""TrainingMonitor and its statistics: right numbers, the notes' API, the dashboard, live mode."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import assert_clear_error

import helpers.monitor as monitor_module
from helpers import Network, train
from helpers.monitor import (
    TrainingMonitor,
    activation_stats,
    in_jupyter_kernel,
    layer_grad_norms,
    update_ratios,
    weight_norms,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small(mnist_sample):
    X, y, *_ = mnist_sample
    return X[:600], y[:600], X[600:800], y[600:800]


# --- the statistics against hand computations ---------------------------------------------------
def test_activation_stats_relu_counts_by_hand():
    h = np.array([[0.0, 1.0, 0.0, 0.04], [0.0, 2.0, 0.5, 0.0], [0.0, 0.0, 0.0, 0.2]])
    s = activation_stats([h, h[:, :2]], "relu")
    assert s["dead"].tolist() == [1 / 4, 1 / 2]  # column 0 is 0 on every row; column 2 is not
    assert s["near_zero"][0] == 8 / 12  # |h| <= 0.05: the seven zeros and 0.04
    assert s["mean"][0] == pytest.approx(h.mean()) and s["std"][0] == pytest.approx(h.std())
    assert np.isnan(s["saturated"]).all()  # not defined for ReLUs


def test_activation_stats_tanh_and_sigmoid_use_the_same_slope_criterion():
    x = np.random.default_rng(0).standard_normal((200, 30)) * 3
    x[:, 0] = 10.0  # a unit saturated on every example
    t = activation_stats([np.tanh(x)], "tanh")
    s = activation_stats([1 / (1 + np.exp(-2 * x))], "sigmoid")  # sigmoid(2x) = (1 + tanh x) / 2
    expected = np.mean(np.abs(np.tanh(x)) > 0.97)
    assert t["saturated"][0] == pytest.approx(expected)
    assert s["saturated"][0] == pytest.approx(expected)
    assert t["dead"][0] == pytest.approx(1 / 30)  # only the stuck unit
    assert s["dead"][0] == pytest.approx(1 / 30)


def test_activation_stats_on_a_network(mnist_sample):
    X, y, *_ = mnist_sample
    model = Network([784, 100, 50, 10], seed=0)
    model.loss(X[:256], y[:256])
    healthy = activation_stats(model.activations, "relu")
    assert healthy["dead"].shape == (2,) and healthy["dead"].max() < 0.05  # He init: alive
    model.params["b1"][:] = -100.0  # every first-layer unit below zero on every example
    model.loss(X[:256], y[:256])
    dead = activation_stats(model.activations, "relu")
    assert dead["dead"][0] == 1.0 and dead["mean"][0] == 0.0


def test_update_ratios_match_the_formula_and_skip_biases():
    rng = np.random.default_rng(1)
    params = {"W1": rng.standard_normal((50, 20)) * 0.1, "b1": np.zeros(20)}
    grads = {"W1": rng.standard_normal((50, 20)), "b1": rng.standard_normal(20)}
    lr = 0.01
    r = update_ratios(params, {k: -lr * g for k, g in grads.items()})
    assert list(r) == ["W1"]
    assert r["W1"] == pytest.approx(np.log10(np.std(lr * grads["W1"]) / np.std(params["W1"])))
    # SGD: the update ratio is log10(lr) plus the gradient-to-data ratio
    assert r["W1"] == pytest.approx(np.log10(lr) + update_ratios(params, grads)["W1"])
    # weights with a large mean: the fast two-pass std must not cancel catastrophically
    big = {"W": 1000.0 + 1e-4 * rng.standard_normal((30, 30))}
    ratio = update_ratios(big, {"W": 1e-7 * rng.standard_normal((30, 30))})["W"]
    assert ratio == pytest.approx(np.log10(1e-7 / 1e-4), abs=0.1)  # np.std would give -3 too


def test_update_ratio_of_zero_weights_is_inf_not_an_error():
    r = update_ratios({"W": np.zeros((3, 3))}, {"W": np.ones((3, 3))})
    assert math.isinf(r["W"]) or math.isnan(r["W"])


def test_norms_match_numpy():
    rng = np.random.default_rng(2)
    d = {"W1": rng.standard_normal((7, 3)), "b1": rng.standard_normal(3)}
    assert layer_grad_norms(d) == pytest.approx({k: np.linalg.norm(v) for k, v in d.items()})
    assert weight_norms(d) == pytest.approx({k: np.linalg.norm(v) for k, v in d.items()})
    assert layer_grad_norms({"W": np.array([[3.0, 4.0]])}) == {"W": 5.0}


# --- the notes' API ---------------------------------------------------------------------------
def test_record_keeps_the_notes_api():
    m = TrainingMonitor()
    m.record(1.0, 1.2, 0.5, 0.45)
    m.record(0.8, None, 0.6, None, grads={"W": np.array([3.0, 4.0]), "b": np.array([0.0])})
    assert m.train_loss == [1.0, 0.8] and m.train_acc == [0.5, 0.6]
    assert m.val_loss[0] == 1.2 and math.isnan(m.val_loss[1]) and math.isnan(m.val_acc[1])
    assert m.grad_norms == [5.0]  # only the call with grads; sqrt(3^2 + 4^2)
    m.record(float("nan"), 1.0, 0.1, 0.1)  # a diverged loss is recorded, not rejected
    assert math.isnan(m.train_loss[-1])
    fig = m.plot()  # a record()-only monitor plots per epoch
    loss_ax = fig.axes[0]
    assert loss_ax.get_xlabel() == "epoch"


# --- the callback -------------------------------------------------------------------------------
def test_callback_records_what_train_did(small):
    X, y, Xv, yv = small
    seen = []

    def independent(info):  # the test's own record of the same quantities
        if info["event"] == "step":
            model = info["model"]
            seen.append(
                (
                    np.log10(np.std(info["updates"]["W2"]) / np.std(model.params["W2"])),
                    np.mean(np.all(model.activations[0] <= 0, axis=0)),
                    np.linalg.norm(info["grads"]["W1"]),
                )
            )

    mon = TrainingMonitor(every=1)
    model = Network([784, 64, 32, 10], seed=0)
    h = train(
        model, X, y, Xv, yv, learning_rate=0.1, epochs=2, batch_size=100, progress=False,
        callbacks=[mon, independent],
    )  # fmt: skip
    steps = len(h["loss_history"])
    assert mon.steps == list(range(steps)) and mon.stat_steps == mon.steps
    assert mon.losses == h["loss_history"] and mon.lrs == h["lr_history"]
    assert mon.grad_norms == h["grad_norm_history"]
    assert mon.train_loss == h["train_loss_history"] and mon.val_acc == h["val_acc_history"]
    assert mon.train_acc == h["train_acc_history"] and mon.val_loss == h["val_loss_history"]
    assert mon.epoch_steps == [steps // 2, steps]
    ratios, dead, gnorm = map(np.array, zip(*seen, strict=True))
    np.testing.assert_allclose(mon.update_ratios["W2"], ratios, rtol=1e-9)
    np.testing.assert_allclose(mon.layer_grad_norms["W1"], gnorm, rtol=1e-9)
    np.testing.assert_array_equal(np.array(mon.act_stats["dead"])[:, 0], dead)
    assert set(mon.update_ratios) == {"W1", "W2", "W3"}
    assert np.array(mon.act_stats["std"]).shape == (steps, 2)
    # lr 0.1 on this net: the hidden layers' ratios sit within an order of magnitude of -2
    assert -4 < np.median(mon.update_ratios["W1"]) < -1


def test_every_thins_the_per_layer_statistics_only(small):
    X, y, *_ = small
    mon = TrainingMonitor(every=4)
    h = train(Network([784, 20, 10], seed=0), X, y, epochs=1, batch_size=50, progress=False,
              callbacks=mon)  # fmt: skip
    assert len(mon.losses) == len(h["loss_history"]) == 12
    assert mon.stat_steps == [0, 4, 8]
    assert all(len(v) == 3 for v in mon.layer_grad_norms.values())
    assert mon.val_loss == [] or math.isnan(mon.val_loss[0])  # no validation set given


# --- the dashboard ------------------------------------------------------------------------------
def test_plot_draws_a_labelled_dashboard_and_leaves_no_open_figure(small):
    X, y, Xv, yv = small
    mon = TrainingMonitor(every=2)
    train(Network([784, 30, 10], "tanh", seed=0), X, y, Xv, yv, learning_rate=0.1, epochs=2,
          batch_size=100, progress=False, callbacks=mon)  # fmt: skip
    before = plt.get_fignums()
    fig = mon.plot()
    assert plt.get_fignums() == before  # closed in pyplot: Jupyter shows it once
    assert len(fig.axes) == 8
    for ax in fig.axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    by_title = {ax.get_title(): ax for ax in fig.axes}
    assert by_title["Gradient norm per layer"].get_yscale() == "log"
    std_ax = by_title["Activation std per hidden layer"]  # positive stds: a log axis, said so
    assert std_ax.get_yscale() == "log" and "log scale" in std_ax.get_ylabel()
    ratio_ax = by_title["Update-to-data ratio"]
    assert any(np.allclose(line.get_ydata(), -3) for line in ratio_ax.lines)  # the guide line
    dead_ax = by_title["Dead units (no gradient on the whole batch)"]
    assert {line.get_label() for line in dead_ax.lines} >= {"layer 1 saturated outputs"}


def test_a_network_without_hidden_layers_is_monitored_too(small):
    X, y, *_ = small
    mon = TrainingMonitor(every=1)
    train(Network([784, 10], seed=0), X, y, epochs=1, batch_size=100, progress=False,
          callbacks=mon)  # fmt: skip
    assert list(mon.update_ratios) == ["W1"] and np.array(mon.act_stats["dead"]).shape == (6, 0)
    fig = mon.plot()
    by_title = {ax.get_title(): ax for ax in fig.axes}
    std_ax = by_title["Activation std per hidden layer"]
    assert std_ax.texts[0].get_text() == "no data yet"
    assert std_ax.get_yscale() == "linear" and "log" not in std_ax.get_ylabel()


def test_plot_of_an_empty_monitor_says_so():
    fig = TrainingMonitor().plot()
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert texts.count("no data yet") == 8


# --- live mode ------------------------------------------------------------------------------------
def test_live_mode_does_nothing_in_a_plain_script(small, monkeypatch):
    X, y, *_ = small
    assert in_jupyter_kernel() is False  # pytest is not a kernel
    drawn = []
    monkeypatch.setattr(TrainingMonitor, "_draw", lambda self, fig: drawn.append(fig))
    mon = TrainingMonitor(live=True, every=1, refresh_every=1)
    train(Network([784, 20, 10], seed=0), X, y, epochs=1, batch_size=100, progress=False,
          callbacks=mon)  # fmt: skip
    assert drawn == [] and mon.refreshes == 0 and mon._figure is None


def test_live_mode_updates_one_display_in_place(small, monkeypatch):
    """A fake kernel: the first refresh creates one display, later ones update it."""
    X, y, *_ = small
    import IPython.display

    calls = []

    class Handle:
        def update(self, obj):
            calls.append(("update", obj))

    def fake_display(obj, display_id=False):
        calls.append(("display", obj, display_id))
        return Handle()

    monkeypatch.setattr(monitor_module, "in_jupyter_kernel", lambda: True)
    monkeypatch.setattr(IPython.display, "display", fake_display)
    before = plt.get_fignums()
    mon = TrainingMonitor(live=True, every=5, refresh_every=4, min_interval=0)
    train(Network([784, 20, 10], seed=0), X, y, epochs=1, batch_size=75, progress=False,
          callbacks=mon)  # fmt: skip
    # 8 steps: refreshes after steps 4 and 8, and at the end of the epoch
    assert mon.refreshes == 3
    assert [c[0] for c in calls] == ["display", "update", "update"]
    assert calls[0][2] is True  # display_id=True: the handle can be updated in place
    assert all(c[1].data[:8] == b"\x89PNG\r\n\x1a\n" for c in calls)  # PNG images
    assert plt.get_fignums() == before  # the one figure it redraws is not left to pyplot


def test_live_refreshes_are_throttled_in_time(small, monkeypatch):
    X, y, *_ = small
    monkeypatch.setattr(monitor_module, "in_jupyter_kernel", lambda: True)
    drawn = []
    monkeypatch.setattr(TrainingMonitor, "refresh", lambda self: drawn.append(1) or setattr(
        self, "_last_refresh", monitor_module.time.perf_counter()))  # fmt: skip
    mon = TrainingMonitor(live=True, refresh_every=1, min_interval=3600)
    train(Network([784, 20, 10], seed=0), X, y, epochs=2, batch_size=100, progress=False,
          callbacks=mon)  # fmt: skip
    assert drawn == [1]  # 12 steps and 2 epochs asked for a redraw; an hour must pass between


@pytest.mark.slow
def test_live_mode_in_a_real_kernel_leaves_one_updated_output(tmp_path):
    """Execute a notebook cell in a real IPython kernel: one output, updated many times."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    code = (
        "from helpers import Network, load_mnist, train\n"
        "from helpers.monitor import TrainingMonitor\n"
        "X, y, *_ = load_mnist('sample', verbose=False)\n"
        "mon = TrainingMonitor(live=True, every=5, refresh_every=5, min_interval=0)\n"
        "train(Network([784, 20, 10], seed=0), X[:500], y[:500], epochs=1, batch_size=50,\n"
        "      progress=False, callbacks=mon)\n"
        "print('refreshes', mon.refreshes)"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PRACTICAL_TRAINING_OFFLINE="1")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    client.execute(env=env)
    outputs = nb.cells[0].outputs
    displays = [o for o in outputs if o.output_type == "display_data"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert len(displays) == 1 and "image/png" in displays[0].data  # one figure, not a flood
    assert "refreshes 3" in printed, printed  # 10 steps: after steps 5 and 10, epoch end


# --- bad input ----------------------------------------------------------------------------------
W = {"W1": np.ones((3, 2)), "b1": np.zeros(2)}
CASES = [
    (lambda: TrainingMonitor(every=0), ValueError, ["every", "positive", "0"]),
    (lambda: TrainingMonitor(every=2.5), TypeError, ["every", "integer", "2.5"]),
    (lambda: TrainingMonitor(live="yes"), TypeError, ["live", "True or False", "str"]),
    (lambda: TrainingMonitor(refresh_every=-1), ValueError, ["refresh_every", "positive", "-1"]),
    (lambda: TrainingMonitor().record("1.0", 1.0, 0.5, 0.5), TypeError, ["train_loss", "str"]),
    (lambda: TrainingMonitor().record(1.0, 1.0, 1.5, 0.5), ValueError, ["train_acc", "1.0", "1.5"]),
    (lambda: TrainingMonitor().record(1.0, 1.0, 0.5, -0.1), ValueError, ["val_acc", "0.0", "-0.1"]),
    (lambda: TrainingMonitor().record(1, 1, 0.5, 0.5, grads=[1.0]), TypeError, ["grads", "dict"]),
    (lambda: TrainingMonitor().record(1, 1, 0.5, 0.5, grads={}), ValueError, ["grads", "empty"]),
    (lambda: TrainingMonitor()({"step": 0}), TypeError, ["info", "event", "dict"]),
    (lambda: TrainingMonitor()({"event": "batch"}), ValueError, ["event", "step", "'batch'"]),
    (lambda: activation_stats(np.ones((2, 2)), "relu"), TypeError, ["activations", "list"]),
    (lambda: activation_stats([np.ones(3)], "relu"), ValueError, ["activations[0]", "2-D", "(3,)"]),
    (lambda: activation_stats([np.ones((2, 2))], "gelu"), ValueError, ["activation", "'gelu'"]),
    (
        lambda: activation_stats([np.ones((2, 2), int)], "relu"),
        TypeError,
        ["activations[0]", "int"],
    ),
    (lambda: update_ratios(W, {"W1": np.ones((2, 3))}), ValueError, ["updates['W1']", "(3, 2)"]),
    (lambda: update_ratios(W, {"b1": np.ones(2)}), ValueError, ["updates", "'W1'"]),
    (lambda: update_ratios([1.0], W), TypeError, ["params", "dict", "list"]),
    (lambda: layer_grad_norms({"W": [1.0, 2.0]}), TypeError, ["grads['W']", "NumPy array"]),
    (lambda: weight_norms(None), TypeError, ["params", "dict", "None"]),
]


@pytest.mark.parametrize("call, error, words", CASES, ids=[str(i) for i in range(len(CASES))])
def test_bad_input_raises_clear_error(call, error, words):
    assert_clear_error(call, error, words)
