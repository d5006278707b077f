"""Sanity checks: each passes on healthy models, fails on the bug it targets, and leaves the
model bit-identical."""

from __future__ import annotations

import math

import numpy as np
import pytest
from broken_models import AscendingNet, BatchCentering, BlindNet, BuggyBackward, NoL2Net
from conftest import assert_clear_error

from helpers import Network, train
from helpers.sanity import (
    CheckResult,
    SanityReport,
    check_batch_independence,
    check_gradients,
    check_initial_loss,
    check_loss_decreases,
    check_regularization_raises_loss,
    data_loss,
    input_independent_baseline,
    overfit_small_batch,
    run_sanity_checks,
)


@pytest.fixture(scope="module")
def data(mnist_sample):
    X, y, *_ = mnist_sample
    return X[:1000], y[:1000]


def own_loss(model, X, y):
    """The mean cross-entropy of the model's scores, computed here from its definition."""
    s = model.scores(X).astype(np.float64)
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return -float(logp[np.arange(len(y)), y].mean())


# --- initial loss -------------------------------------------------------------------------------
def test_initial_loss_is_ln_c_with_a_small_output_layer(data):
    X, y = data
    model = Network([784, 100, 10], seed=0)
    r = check_initial_loss(model, X[:500], y[:500])
    assert r.passed and r.value == pytest.approx(own_loss(model, X[:500], y[:500]))
    assert abs(r.value - math.log(10)) < 0.05  # facts.md: 2.3026 for 10 classes
    assert "ln(10) = 2.3026" in r.expected
    assert data_loss(model, X[:500], y[:500]) == pytest.approx(r.value)
    # the notes' snippet compares model.loss(X, y) itself, which is a (loss, grads) tuple
    assert isinstance(model.loss(X[:10], y[:10]), tuple)


def test_initial_loss_with_he_init_everywhere_fails(data):
    X, y = data
    r = check_initial_loss(Network([784, 256, 10], output_scale=1.0, seed=0), X[:500], y[:500])
    # facts.md: He init on every layer gives about 3.1 on standardized MNIST
    assert not r.passed and 2.8 < r.value < 3.4 and "above ln(10)" in r.message


def test_initial_loss_of_a_trained_model_is_below_chance(data):
    X, y = data
    model = Network([784, 50, 10], seed=0)
    train(model, X, y, learning_rate=0.1, epochs=2, batch_size=50, progress=False)
    r = check_initial_loss(model, X[:500], y[:500])
    assert not r.passed and r.value < 1.0 and "below" in r.message


# --- regularization, loss decrease -----------------------------------------------------------
def test_regularization_raises_the_loss_by_half_reg_sum_w2(data):
    X, y = data
    model = Network([784, 30, 10], seed=0)
    r = check_regularization_raises_loss(model, X[:64], y[:64], reg=0.5)
    expected = 0.5 * 0.5 * sum(np.sum(model.params[k] ** 2) for k in ("W1", "W2"))
    assert r.passed and r.value == pytest.approx(expected, rel=1e-9)


def test_regularization_check_catches_a_missing_l2_term(data):
    X, y = data
    r = check_regularization_raises_loss(NoL2Net([784, 30, 10], seed=0), X[:64], y[:64])
    assert not r.passed and "missing" in r.message
    r = check_regularization_raises_loss(Network([784, 30, 10], init="zeros"), X[:64], y[:64])
    assert not r.passed and "zero" in r.message  # zero weights: no rise, and it says why


def test_loss_decreases_and_catches_uphill_steps(data):
    X, y = data
    good = check_loss_decreases(Network([784, 30, 10], seed=0), X[:64], y[:64])
    assert good.passed and good.value < own_loss(Network([784, 30, 10], seed=0), X[:64], y[:64])
    bad = check_loss_decreases(AscendingNet([784, 30, 10], seed=0), X[:64], y[:64])
    assert not bad.passed and "did not decrease" in bad.message


# --- overfitting a small batch, input-independent baseline -------------------------------------
@pytest.mark.parametrize(
    "dims, activation",
    [([784, 100, 10], "relu"), ([784, 64, 64, 10], "tanh"), ([784, 100, 10], "leaky_relu")],
)
def test_healthy_models_memorize_20_examples(data, dims, activation):
    X, y = data
    r = overfit_small_batch(Network(dims, activation, seed=0), X, y)
    assert r.passed and r.value < 0.1 * math.log(10)
    assert "memorized 20 examples" in r.message


def test_overfit_fails_with_strong_l2_and_with_zero_weights(data):
    X, y = data
    strong = overfit_small_batch(Network([784, 50, 10], reg=1.0, seed=0), X, y)
    assert not strong.passed and "reg=1.0" in strong.message
    zeros = overfit_small_batch(Network([784, 50, 10], init="zeros"), X, y, steps=200)
    # all-zero weights: only the output bias learns, so the loss stays near the labels'
    # entropy (about 2.2 nats for 20 MNIST labels)
    assert not zeros.passed and zeros.value > 1.5


def test_input_independent_baseline(data):
    X, y = data
    good = input_independent_baseline(Network([784, 50, 10], seed=0), X, y)
    assert good.passed
    zero_loss = float(good.expected.split("x ")[1].split(" ")[0])
    counts = np.bincount(y[:20], minlength=10) / 20
    entropy = -sum(p * math.log(p) for p in counts if p > 0)
    assert zero_loss >= entropy - 1e-6  # zeroed inputs cannot beat the label frequencies
    blind = input_independent_baseline(BlindNet([784, 50, 10], seed=0), X, y, steps=200)
    assert not blind.passed and "does not use its input" in blind.message


# --- batch independence, gradients --------------------------------------------------------------
def test_batch_independence(data):
    X, _ = data
    good = check_batch_independence(Network([784, 30, 10], seed=0), X[:8], index=3)
    assert good.passed and good.value == 0.0
    mixing = check_batch_independence(BatchCentering([784, 30, 10], seed=0), X[:8], index=3)
    assert not mixing.passed and mixing.value > 0 and "mixes examples" in mixing.message
    dead = Network([784, 30, 10], seed=0)
    dead.params["b1"][:] = -100.0
    blind = check_batch_independence(dead, X[:8])
    assert blind.passed and "saw nothing" in blind.message


def test_gradient_check_passes_correct_and_measures_a_wrong_backward(data):
    X, y = data
    good = check_gradients(Network([784, 20, 10], seed=0), X[:8].astype(np.float64), y[:8])
    assert good.passed and good.value < 1e-6
    bad = check_gradients(BuggyBackward([784, 20, 10], seed=0), X[:8].astype(np.float64), y[:8])
    assert not bad.passed and bad.value == pytest.approx(1 / 3, rel=1e-4)
    assert "W1" in bad.message
    # mixing the batch consistently is invisible to the gradient check: why both checks exist
    assert check_gradients(BatchCentering([784, 20, 10], seed=0), X[:8], y[:8]).passed


# --- the whole list -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "dims, activation, seed",
    [([784, 100, 10], "relu", 0), ([784, 128, 64, 10], "relu", 1), ([784, 100, 10], "tanh", 2)],
)
def test_run_sanity_checks_all_pass_on_healthy_models(data, dims, activation, seed):
    X, y = data
    report = run_sanity_checks(Network(dims, activation, seed=seed), X, y, seed=seed)
    assert isinstance(report, SanityReport) and len(report) == 7
    assert report.passed, str(report)
    assert str(report).startswith("Sanity checks: 7 passed, 0 failed")
    html = report._repr_html_()
    assert html.count("<tr>") == 8 and "<b>FAIL</b>" not in html


def test_report_shows_failures():
    r = CheckResult("initial loss", False, 3.1, "ln(10) = 2.3026 +- 0.5", "too high <b>")
    report = SanityReport([r])
    assert not report.passed and "[FAIL] initial loss: too high" in str(report)
    assert "too high &lt;b&gt;" in report._repr_html_()  # escaped


# --- the model is left bit-identical ------------------------------------------------------------
def snapshot(model):
    return (
        {k: v.copy() for k, v in model.params.items()},
        [a.copy() for a in model.activations],
        model._dropout_rng.bit_generator.state,
        (model.reg, model.dropout, model.dropout_seed),
    )


def assert_same(model, snap):
    params, acts, rng_state, settings = snap
    assert set(params) == set(model.params)
    for k, v in params.items():
        assert np.array_equal(model.params[k], v), k
    assert len(acts) == len(model.activations)
    assert all(np.array_equal(a, b) for a, b in zip(acts, model.activations, strict=True))
    assert model._dropout_rng.bit_generator.state == rng_state
    assert (model.reg, model.dropout, model.dropout_seed) == settings


CHECKS = {
    "initial_loss": lambda m, X, y: check_initial_loss(m, X, y),
    "regularization": lambda m, X, y: check_regularization_raises_loss(m, X, y),
    "loss_decreases": lambda m, X, y: check_loss_decreases(m, X, y),
    "overfit": lambda m, X, y: overfit_small_batch(m, X, y, steps=30),
    "baseline": lambda m, X, y: input_independent_baseline(m, X, y, steps=30),
    "batch_independence": lambda m, X, y: check_batch_independence(m, X[:8]),
    "gradients": lambda m, X, y: check_gradients(m, X[:8], y[:8]),
    "all": lambda m, X, y: run_sanity_checks(m, X, y),
}


@pytest.mark.parametrize("name", list(CHECKS))
def test_checks_leave_the_model_bit_identical(data, name):
    X, y = data
    model = Network([784, 40, 10], reg=1e-3, dropout=0.3, seed=0)
    model.loss(X[:50], y[:50])  # some activations and a used dropout generator to compare
    snap = snapshot(model)
    CHECKS[name](model, X[:100], y[:100])
    assert_same(model, snap)


# --- bad input ----------------------------------------------------------------------------------
m = Network([5, 4, 3], seed=0)
Xb = np.random.default_rng(0).standard_normal((8, 5))
yb = np.array([0, 1, 2, 0, 1, 2, 0, 1])
CASES = [
    (lambda: check_initial_loss("model", Xb, yb), TypeError, ["model", "Network", "str"]),
    (lambda: check_initial_loss(m, Xb[:, :4], yb), ValueError, ["X", "size 5", "(8, 4)"]),
    (lambda: check_initial_loss(m, Xb, yb[:5]), ValueError, ["y", "length 8", "5"]),
    (lambda: check_initial_loss(m, Xb, yb + 1), ValueError, ["y", "[0, 2]", "from 1 to 3"]),
    (lambda: check_initial_loss(m, Xb, yb, tol=0), ValueError, ["tol", "positive", "0"]),
    (lambda: check_regularization_raises_loss(m, Xb, yb, reg=-1.0), ValueError, ["reg", "-1.0"]),
    (lambda: check_loss_decreases(m, Xb, yb, steps=0), ValueError, ["steps", "positive", "0"]),
    (lambda: check_loss_decreases(m, Xb, yb, learning_rate="1"), TypeError, ["learning_rate"]),
    (lambda: check_loss_decreases(m, Xb, yb, optimizer="rms"), ValueError, ["optimizer", "rms"]),
    (lambda: overfit_small_batch(m, Xb, yb, n=9), ValueError, ["n", "at most", "8", "9"]),
    (lambda: overfit_small_batch(m, Xb, yb, n=2.0), TypeError, ["n", "integer", "2.0"]),
    (lambda: input_independent_baseline(m, Xb, yb, n=0), ValueError, ["n", "at least 1", "0"]),
    (lambda: check_batch_independence(m, Xb[:1]), ValueError, ["X", "at least 2", "(1, 5)"]),
    (lambda: check_batch_independence(m, Xb, index=8), ValueError, ["index", "at most 7", "8"]),
    (lambda: check_batch_independence(m, Xb.tolist()), TypeError, ["X", "NumPy array", "list"]),
    (lambda: check_gradients(m, Xb, yb, num_checks=0), ValueError, ["num_checks", "positive"]),
    (lambda: check_gradients(m, Xb, yb, seed=-1), ValueError, ["seed", "non-negative", "-1"]),
    (lambda: run_sanity_checks(m, Xb, yb, n=1), ValueError, ["n", "at least 2", "1"]),
    (lambda: run_sanity_checks(m, Xb, yb, seed="0"), TypeError, ["seed", "str"]),
    (lambda: data_loss(m, Xb.astype(np.int64), yb), TypeError, ["X", "floating", "int64"]),
]


@pytest.mark.parametrize("call, error, words", CASES, ids=[str(i) for i in range(len(CASES))])
def test_bad_input_raises_clear_error(call, error, words):
    assert_clear_error(call, error, words)
