"""The training doctor: a bug zoo diagnosed with the right codes, healthy setups with none.

Each zoo entry builds one deliberately broken setup and names the code it must produce and
the other codes it may also produce (consequences of the same bug, e.g. dead units after a
too-high learning rate). Healthy setups, with and without a training history, must come
out with no findings at all, and with a margin to every threshold.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from broken_models import BatchCentering
from broken_models import BuggyBackward as ScaledBackward
from conftest import assert_clear_error

from helpers import Network, layers, load_mnist, make_spirals, train
from helpers import doctor as dr
from helpers.data import train_val_split
from helpers.doctor import CODES, Finding, Report, diagnose, signal_propagation


@pytest.fixture(scope="module")
def split(mnist_sample):
    X, y, *_ = mnist_sample
    X_tr, X_val, y_tr, y_val = train_val_split(X, y, 0.1, seed=0)
    return X_tr, y_tr, X_val, y_val


def fit(model, split, n=2000, **kw):
    X_tr, y_tr, X_val, y_val = split
    args = {"learning_rate": 0.1, "epochs": 4, "batch_size": 64, "progress": False}
    args.update(kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the divergence warning
        return train(model, X_tr[:n], y_tr[:n], X_val, y_val, **args)


# --- the bug zoo: name -> (setup, expected code, codes it may also produce) -----------------------
def lr_1e6(split, mp):
    model = Network([784, 100, 10], seed=0)
    # the loss reaches ~1e300 within a few epochs; train() stops at the first inf/NaN
    history = fit(model, split, learning_rate=1e6, epochs=20, batch_size=100)
    assert history["diverged"]
    return model, {"history": history}


def nan_weights(split, mp):
    model = Network([784, 100, 10], seed=0)
    model.params["W1"][3, 7] = np.nan
    return model, {}


def sgd_lr_1(split, mp):
    model = Network([784, 100, 10], seed=0)
    return model, {"history": fit(model, split, learning_rate=1.0, epochs=2)}


def sgd_lr_1e_4(split, mp):
    model = Network([784, 100, 10], seed=0)
    return model, {"history": fit(model, split, learning_rate=1e-4, epochs=2)}


def dead_bias(split, mp):
    model = Network([784, 100, 10], seed=0)
    model.params["b1"][:] = -10.0  # He pre-activations have std ~1.4: never above 10
    return model, {}


def wrong_relu_backward(split, mp):
    mp.setattr(layers, "relu_backward", lambda dout, cache: dout)  # forgets the mask
    return Network([784, 50, 10], seed=0), {}


def memorize_300(split, mp):
    model = Network([784, 100, 10], seed=0)
    history = fit(model, split, n=300, optimizer="momentum", epochs=30, batch_size=50)
    return model, {"history": history, "optimizer": "momentum"}


def raw_pixels(activation):
    def setup(split, mp):
        X, y, *_ = load_mnist("sample", normalize=None, verbose=False)
        return Network([784, 100, 10], activation, seed=0), {"X": X, "y": y}

    return setup


def plain(*args, **kwargs):
    return lambda split, mp: (Network(*args, **kwargs), {})


CONSEQUENCES_OF_A_HUGE_RATE = {
    "lr_too_high",
    "dead_relus",
    "exploding_gradients",
    "bad_initial_loss",
    "cannot_overfit",
}
ZOO = {
    "lr 1e6 diverges to NaN": (lr_1e6, "nan_loss", CONSEQUENCES_OF_A_HUGE_RATE),
    "NaN in the weights": (nan_weights, "nan_loss", set()),
    "SGD at lr 1 (history)": (sgd_lr_1, "lr_too_high", CONSEQUENCES_OF_A_HUGE_RATE),
    "lr 1 (update ratios)": (
        lambda split, mp: (Network([784, 100, 10], seed=0), {"learning_rate": 1.0}),
        "lr_too_high",
        set(),
    ),
    "SGD at lr 1e-4 (history)": (sgd_lr_1e_4, "lr_too_low", set()),
    "lr 1e-4 (update ratios)": (
        lambda split, mp: (Network([784, 100, 10], seed=0), {"learning_rate": 1e-4}),
        "lr_too_low",
        set(),
    ),
    "Adam 1e-6 (update ratios)": (
        lambda split, mp: (
            Network([784, 100, 10], seed=0),
            {"learning_rate": 1e-6, "optimizer": "adam"},
        ),
        "lr_too_low",
        set(),
    ),
    "hidden biases -10": (dead_bias, "dead_relus", {"cannot_overfit"}),
    "8 ReLU layers, weight_scale 1e-3": (
        plain([784] + [100] * 8 + [10], weight_scale=1e-3, seed=0),
        "vanishing_gradients",
        {"cannot_overfit"},
    ),
    "6 sigmoid layers": (
        plain([784] + [100] * 6 + [10], "sigmoid", seed=0),
        "vanishing_gradients",
        {"cannot_overfit"},
    ),
    "tanh with weights of std 1": (
        plain([784, 100, 10], "tanh", weight_scale=1.0, seed=0),
        "vanishing_gradients",
        {"bad_initial_loss", "cannot_overfit"},
    ),
    "6 ReLU layers, weight_scale 0.5": (
        plain([784] + [100] * 6 + [10], weight_scale=0.5, seed=0),
        "exploding_gradients",
        {"bad_initial_loss", "cannot_overfit"},
    ),
    # decision: He init on the output layer too (initial loss ~3.1, facts.md) is reported,
    # mildly: the net starts confidently wrong and wastes its first steps ("init well")
    "output_scale 1.0": (
        plain([784, 256, 10], output_scale=1.0, seed=0),
        "bad_initial_loss",
        set(),
    ),
    "reg = 1.0": (plain([784, 100, 10], reg=1.0, seed=0), "cannot_overfit", set()),
    "dW1 1.5x too large": (
        lambda split, mp: (ScaledBackward([784, 50, 10], seed=0), {}),
        "gradient_check_failed",
        set(),
    ),
    "relu_backward without its mask": (
        wrong_relu_backward,
        "gradient_check_failed",
        {"cannot_overfit"},
    ),
    "batch statistics in the forward pass": (
        lambda split, mp: (BatchCentering([784, 50, 10], seed=0), {}),
        "gradient_check_failed",
        set(),
    ),
    "all-zero ReLU weights": (
        plain([784, 100, 10], init="zeros"),
        "symmetric_weights",
        {"cannot_overfit"},
    ),
    "all-zero tanh weights": (
        plain([784, 100, 50, 10], "tanh", init="zeros"),
        "symmetric_weights",
        {"cannot_overfit"},
    ),
    "memorizing 300 examples": (memorize_300, "overfitting", set()),
    "raw 0..255 pixels, ReLU": (
        raw_pixels("relu"),
        "unscaled_inputs",
        {"bad_initial_loss", "cannot_overfit"},
    ),
    "raw 0..255 pixels, tanh": (raw_pixels("tanh"), "unscaled_inputs", {"vanishing_gradients"}),
}


def test_the_zoo_covers_every_code():
    assert {code for _, code, _ in ZOO.values()} == set(CODES)
    assert sorted(dr.ORDER) == sorted(CODES) == sorted(dr.ADVICE)


def test_root_causes_come_first(split):
    X, y, *_ = split
    report = diagnose(Network([784, 30, 10], init="zeros"), X, y, num_examples=64)
    assert report.codes == ["symmetric_weights", "cannot_overfit"]  # the cause, then the symptom


@pytest.mark.parametrize("name", list(ZOO))
def test_bug_zoo_is_diagnosed_with_its_code(split, monkeypatch, name):
    setup, code, may_also = ZOO[name]
    model, kw = setup(split, monkeypatch)
    X, y = kw.pop("X", split[0]), kw.pop("y", split[1])
    report = diagnose(model, X, y, **kw)
    assert code in report.codes, str(report)
    assert set(report.codes) <= {code} | may_also, str(report)
    finding = next(f for f in report if f.code == code)
    assert finding.message and finding.advice and finding.evidence
    assert all(isinstance(v, (int, float)) for v in finding.evidence.values())


# --- healthy setups: no findings at all, with a margin -------------------------------------------
HEALTHY = [
    ([784, 100, 10], "relu"),
    ([784, 256, 128, 10], "relu"),
    ([784, 100, 10], "tanh"),
    ([784, 100, 10], "leaky_relu"),
    ([784, 128, 64, 10], "tanh"),
]


def assert_margins(report):
    """Healthy numbers are well inside every threshold (not just under it)."""
    s = report.stats
    assert 0.3 < s["input_rms"] < 3  # threshold [0.1, 10]
    assert s["initial_loss"] - math.log(10) < dr.INITIAL_LOSS_TOLERANCE / 2
    assert np.nanmax(np.append(s["activations"]["dead"], 0)) < dr.DEAD_FRACTION / 2
    assert abs(s.get("backward_orders_first_vs_last", 0)) < dr.SIGNAL_ORDERS / 2
    if "update_ratio_median" in s:
        low, high = dr.UPDATE_RATIO_RANGE
        assert low + 0.5 < s["update_ratio_median"] < high - 0.5


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("dims, activation", HEALTHY)
def test_healthy_untrained_models_have_no_findings(split, dims, activation, seed):
    X, y, *_ = split
    report = diagnose(Network(dims, activation, seed=seed), X, y, seed=seed)
    assert report.findings == [], str(report)
    assert_margins(report)
    assert all(c.passed for c in report.checks)
    assert report.notes == ["the learning rate (give history= or learning_rate=)"]


@pytest.mark.parametrize("dims, activation", HEALTHY)
def test_healthy_rate_and_healthy_history_have_no_findings(split, dims, activation):
    X, y, *_ = split
    model = Network(dims, activation, seed=0)
    report = diagnose(model, X, y, learning_rate=0.1)  # SGD at 0.1, before training
    assert report.findings == [], str(report)
    assert_margins(report)
    history = fit(model, split, learning_rate=0.1)
    report = diagnose(model, X, y, history)
    assert report.findings == [], str(report)
    assert_margins(report)
    assert report.notes == []


@pytest.mark.parametrize("optimizer, lr", [("momentum", 0.05), ("adam", 1e-3)])
def test_other_optimizers_at_good_rates_have_no_findings(split, optimizer, lr):
    X, y, *_ = split
    model = Network([784, 100, 100, 10], "leaky_relu", seed=1)
    history = fit(model, split, learning_rate=lr, optimizer=optimizer, epochs=3)
    report = diagnose(model, X, y, history, optimizer=optimizer)
    assert report.findings == [], str(report)
    assert_margins(report)


def test_healthy_models_on_other_data_have_no_findings():
    X, y = make_spirals(seed=0)  # 2-D, 3 classes, sorted by class: the subset is shuffled
    for model in (Network([2, 100, 3], seed=0), Network([2, 100, 100, 3], "tanh", seed=1)):
        report = diagnose(model, X, y)
        assert report.findings == [], str(report)
    X_unit, y_unit, *_ = load_mnist("sample", normalize="unit", verbose=False)  # x / 255
    assert diagnose(Network([784, 100, 10], seed=0), X_unit, y_unit).findings == []


def test_softmax_regression_is_healthy_and_its_rate_is_judged_by_the_history(split):
    X, y, *_ = split
    model = Network([784, 10], seed=0)
    report = diagnose(model, X, y, learning_rate=0.1)
    assert report.findings == [] and "no hidden layer" in report.notes[0]
    assert diagnose(model, X, y, fit(model, split, learning_rate=0.1)).findings == []


# --- the history rules on hand-made histories -----------------------------------------------------
def history_of(loss, grad=None, val=None, train_acc=None, val_acc=None):
    n = len(loss)
    return {
        "loss_history": list(loss),
        "lr_history": [0.1] * n,
        "grad_norm_history": list(grad if grad is not None else np.ones(n)),
        "train_loss_history": [],
        "train_acc_history": list(train_acc or []),
        "val_loss_history": list(val or []),
        "val_acc_history": list(val_acc or []),
        "diverged": False,
    }


def codes_for(split, history):
    X, y, *_ = split
    return diagnose(Network([784, 30, 10], seed=0), X, y, history, num_examples=128).codes


def test_history_rules(split):
    steps = np.arange(100)
    falling = 2.3 * np.exp(-steps / 30) + 0.2
    noise = 1 + 0.05 * np.random.default_rng(0).standard_normal(100)
    assert codes_for(split, history_of(falling * noise)) == []
    # rising to 2x the first loss: the steps overshoot
    assert codes_for(split, history_of(2.3 * (1 + steps / 100))) == ["lr_too_high"]
    # flat near chance: too low; flat near zero (fine-tuning a trained model): fine
    assert codes_for(split, history_of(2.3 - 0.001 * steps)) == ["lr_too_low"]
    assert codes_for(split, history_of(0.1 * noise)) == []
    # flat at chance with noise that ends a hair above the first loss: too low, not too high
    flat = np.log(10) * (1 + 0.01 * np.random.default_rng(1).standard_normal(100))
    flat[0] = flat[1:].min()
    assert codes_for(split, history_of(flat)) == ["lr_too_low"]
    # the gradient norm jumps 20x its running average at one step
    grad = np.ones(100)
    grad[60] = 20.0
    assert codes_for(split, history_of(falling, grad)) == ["exploding_gradients"]
    # one bad epoch at a high rate is not overfitting; a sustained rise with a gap is
    one_bump = history_of(falling, val=[0.6, 0.4, 0.3, 0.4], train_acc=[0.8, 0.9, 0.92, 0.93],
                          val_acc=[0.8, 0.86, 0.9, 0.86])  # fmt: skip
    assert codes_for(split, one_bump) == []
    rising = history_of(falling, val=[0.6, 0.5, 0.55, 0.6], train_acc=[0.9, 0.98, 1.0, 1.0],
                        val_acc=[0.85, 0.86, 0.86, 0.85])  # fmt: skip
    assert codes_for(split, rising) == ["overfitting"]
    # a NaN: nan_loss and (the usual cause) lr_too_high
    assert codes_for(split, history_of([2.3, 5.0, float("nan")])) == ["nan_loss", "lr_too_high"]


def test_a_structural_cause_takes_the_blame_for_a_flat_loss(split):
    X, y, *_ = split
    model = Network([784] + [100] * 8 + [10], weight_scale=1e-3, seed=0)
    history = fit(model, split, learning_rate=0.1, epochs=1)  # vanishing: the loss stays flat
    report = diagnose(model, X, y, history)
    assert "vanishing_gradients" in report and "lr_too_low" not in report


# --- the measurements -----------------------------------------------------------------------------
def test_signal_propagation_matches_a_hand_written_backward(split):
    X, y, *_ = split
    model = Network([784, 40, 10], seed=0)
    Xb, yb = X[:64].astype(np.float64), y[:64]
    a = Xb @ model.params["W1"] + model.params["b1"]
    h = np.maximum(a, 0)
    s = h @ model.params["W2"] + model.params["b2"]
    p = np.exp(s - s.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(64), yb] -= 1  # d(per-example loss)/d(scores)
    da = (p @ model.params["W2"].T) * (a > 0)
    rms = lambda v: np.sqrt(np.mean(np.sum(v**2, axis=1)))  # noqa: E731
    sig = signal_propagation(model, Xb, yb)
    assert sig["backward"] == pytest.approx([rms(da)], rel=1e-9)
    assert sig["forward"] == pytest.approx([rms(h)], rel=1e-9)


def test_he_init_keeps_the_backward_signal_across_widths(split):
    """He et al. 2015 (fan_in): the per-example gradient norm is about constant by layer."""
    X, y, *_ = split
    back = signal_propagation(Network([784, 400, 200, 100, 50, 10], seed=0), X[:256], y[:256])
    orders = np.log10(back["backward"] / back["backward"][-1])
    assert np.all(np.abs(orders) < 0.5), orders
    tiny = signal_propagation(
        Network([784, 100, 100, 100, 10], weight_scale=1e-3, seed=0), X[:256], y[:256]
    )
    assert np.log10(tiny["backward"][0] / tiny["backward"][-1]) < -4  # 2 layers of ~1e-2


# --- the model is left bit-identical, and it takes seconds ----------------------------------------
@pytest.mark.parametrize("broken", [False, True])
def test_diagnose_leaves_the_model_bit_identical_and_is_fast(split, broken):
    X, y, *_ = split
    model = Network([784, 100, 10], reg=1e-4, dropout=0.2, seed=0)
    history = fit(model, split, epochs=1)
    if broken:
        model.params["b1"][:] = -10.0  # dead: the overfitting check uses its whole budget
    model.loss(X[:32], y[:32])
    params = {k: v.copy() for k, v in model.params.items()}
    acts = [a.copy() for a in model.activations]
    rng_state = model._dropout_rng.bit_generator.state
    report = diagnose(model, X, y, history)
    assert ("dead_relus" in report) == broken
    for k, v in params.items():
        assert np.array_equal(model.params[k], v), k
    assert all(np.array_equal(a, b) for a, b in zip(acts, model.activations, strict=True))
    assert model._dropout_rng.bit_generator.state == rng_state
    assert (model.reg, model.dropout) == (1e-4, 0.2)


# --- the report -----------------------------------------------------------------------------------
def test_report_text_and_html():
    empty = Report()
    assert "no findings" in str(empty) and "no findings" in empty._repr_html_()
    report = Report(
        findings=[Finding("dead_relus", "93% of layer 1 <dead>", "Lower the rate.", {"x": 0.9})],
        notes=["the learning rate"],
    )
    text = str(report)
    assert "1 finding" in text and "dead_relus: 93% of layer 1" in text
    assert "advice: Lower the rate." in text and "not checked: the learning rate" in text
    html = report._repr_html_()
    assert "<table>" in html and "<code>dead_relus</code>" in html
    assert "&lt;dead&gt;" in html  # escaped
    assert "dead_relus" in report and "nan_loss" not in report and len(report) == 1


# --- bad input ------------------------------------------------------------------------------------
m = Network([5, 4, 3], seed=0)
Xb = np.random.default_rng(0).standard_normal((8, 5))
yb = np.array([0, 1, 2, 0, 1, 2, 0, 1])
CASES = [
    (lambda: diagnose("model", Xb, yb), TypeError, ["model", "Network", "str"]),
    (lambda: diagnose(m, Xb[:, :3], yb), ValueError, ["X", "size 5", "(8, 3)"]),
    (lambda: diagnose(m, Xb, yb[:4]), ValueError, ["y", "length 8", "4"]),
    (lambda: diagnose(m, Xb[:1], yb[:1]), ValueError, ["X", "at least 2", "(1, 5)"]),
    (lambda: diagnose(m, Xb, yb, history=[1.0]), TypeError, ["history", "dict", "list"]),
    (lambda: diagnose(m, Xb, yb, history={"loss": []}), ValueError, ["history", "loss_history"]),
    (
        lambda: diagnose(m, Xb, yb, history={"loss_history": ["2.3"]}),
        TypeError,
        ["history['loss_history']", "numbers", "str"],
    ),
    (
        lambda: diagnose(m, Xb, yb, history={"loss_history": 2.3}),
        TypeError,
        ["history['loss_history']", "list", "float"],
    ),
    (lambda: diagnose(m, Xb, yb, learning_rate=-1.0), ValueError, ["learning_rate", "positive"]),
    (lambda: diagnose(m, Xb, yb, optimizer="rmsprop"), ValueError, ["optimizer", "'rmsprop'"]),
    (lambda: diagnose(m, Xb, yb, num_examples=1), ValueError, ["num_examples", "at least 2"]),
    (lambda: diagnose(m, Xb, yb, seed=1.5), TypeError, ["seed", "1.5"]),
    (lambda: signal_propagation(m, Xb.astype(np.float16)[:, :2], yb), ValueError, ["X", "(8, 2)"]),
    (lambda: signal_propagation(None, Xb, yb), TypeError, ["model", "NoneType"]),
]


@pytest.mark.parametrize("call, error, words", CASES, ids=[str(i) for i in range(len(CASES))])
def test_bad_input_raises_clear_error(call, error, words):
    assert_clear_error(call, error, words)
