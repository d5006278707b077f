"""Network and TwoLayerNet: gradients against numerical ones, and the model's behaviour."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import numeric_grad, rel_err_norm
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers.model import Network, TwoLayerNet

TOL = 1e-7


def grad_errors(model: Network, X: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Relative error of each parameter's gradient against centered differences, and
    (under the key 'all') of the whole gradient, all parameters concatenated."""
    _, grads = model.loss(X, y)
    errors, analytic, numeric = {}, [], []
    for name, p in model.params.items():
        num = numeric_grad(lambda: model.loss(X, y)[0], p, h=1e-5)
        errors[name] = rel_err_norm(grads[name], num)
        analytic.append(grads[name].ravel())
        numeric.append(num.ravel())
    errors["all"] = rel_err_norm(np.concatenate(analytic), np.concatenate(numeric))
    return errors


def assert_gradients_correct(errors: dict[str, float]) -> None:
    # the whole gradient to 1e-7; each part to 1e-5, since a part whose true gradient is
    # nearly zero (e.g. a bias whose examples cancel) is dominated by round-off
    assert errors["all"] < TOL, errors
    assert max(errors.values()) < 1e-5, errors


def min_abs_preactivation(model: Network, X: np.ndarray) -> float:
    """Distance of the closest hidden pre-activation to ReLU's kink at 0."""
    h, closest = X, np.inf
    for i in range(1, model.num_layers):
        a = h @ model.params[f"W{i}"] + model.params[f"b{i}"]
        closest = min(closest, float(np.abs(a).min()))
        h = np.maximum(a, 0)
    return closest


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    hidden=st.lists(st.integers(1, 7), min_size=0, max_size=3),
    n_in=st.integers(1, 6),
    n_classes=st.integers(2, 5),
    batch=st.integers(1, 9),
    activation=st.sampled_from(["relu", "leaky_relu", "tanh", "sigmoid"]),
    reg=st.sampled_from([0.0, 0.1]),
    seed=st.integers(0, 2**16),
)
def test_gradients_match_numerical_for_random_architectures(
    hidden, n_in, n_classes, batch, activation, reg, seed
):
    rng = np.random.default_rng(seed)
    model = Network([n_in, *hidden, n_classes], activation, reg=reg, output_scale=1.0, seed=seed)
    for name in model.params:
        if name.startswith("b"):  # nonzero biases: no unit sits exactly on a kink
            model.params[name][:] = 0.1 * rng.standard_normal(model.params[name].shape)
    X = rng.standard_normal((batch, n_in))
    y = rng.integers(0, n_classes, size=batch)
    if activation in ("relu", "leaky_relu"):
        # +-h must not cross a kink, or the difference quotient measures the jump in slope
        assume(min_abs_preactivation(model, X) > 1e-3)
    assert_gradients_correct(grad_errors(model, X, y))


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_dropout_with_fixed_mask_matches_numerical(activation):
    rng = np.random.default_rng(0)
    model = Network([6, 8, 7, 4], activation, dropout=0.3, reg=0.05, output_scale=1.0, seed=1)
    model.dropout_seed = 42  # the same mask on every call
    X, y = rng.standard_normal((5, 6)), rng.integers(0, 4, size=5)
    assert_gradients_correct(grad_errors(model, X, y))
    # and dropout really is active in training mode: the training loss differs from eval
    loss_train, _ = model.loss(X, y)
    loss_eval, _ = model.loss(X, y, mode="eval")
    assert loss_train != loss_eval


def test_regularization_term_and_gradient():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((4, 3)), np.array([0, 1, 1, 0])
    plain = Network([3, 5, 2], seed=0)
    regd = Network([3, 5, 2], reg=0.7, seed=0)
    l0, g0 = plain.loss(X, y)
    l1, g1 = regd.loss(X, y)
    w2 = sum(np.sum(regd.params[k] ** 2) for k in ("W1", "W2"))
    assert l1 - l0 == pytest.approx(0.5 * 0.7 * w2, rel=1e-12)
    np.testing.assert_allclose(g1["W1"] - g0["W1"], 0.7 * regd.params["W1"], atol=1e-15)
    np.testing.assert_array_equal(g1["b1"], g0["b1"])  # biases are not regularized


def test_scores_mode_and_predict():
    rng = np.random.default_rng(2)
    model = Network([4, 6, 3], seed=0)
    X = rng.standard_normal((7, 4))
    scores = model.loss(X)
    # independent forward pass written out by hand
    h = np.maximum(X @ model.params["W1"] + model.params["b1"], 0)
    np.testing.assert_allclose(scores, h @ model.params["W2"] + model.params["b2"])
    np.testing.assert_array_equal(model.predict(X), scores.argmax(axis=1))
    assert model.predict(X).dtype == np.int64


def test_initial_loss_is_ln10_for_a_fresh_10_class_network(mnist_sample):
    X, y = mnist_sample[0][:500], mnist_sample[1][:500]
    for dims, activation in [([784, 100, 10], "relu"), ([784, 256, 128, 10], "tanh")]:
        loss, _ = Network(dims, activation, seed=0).loss(X, y)
        assert abs(loss - math.log(10)) < 0.1, (dims, activation, loss)


def test_initial_loss_with_plain_he_output_is_too_high(mnist_sample):
    # facts.md: He on every layer, 784-256-10 on standardized inputs: logits std ~1.3 and
    # initial loss ~3.1, so the ln(C) check needs a small output layer.
    X, y = mnist_sample[0][:1000], mnist_sample[1][:1000]
    model = Network([784, 256, 10], output_scale=1.0, seed=0)
    assert model.loss(X).std() == pytest.approx(1.3, abs=0.2)
    assert model.loss(X, y)[0] == pytest.approx(3.1, abs=0.25)


def test_activations_of_last_forward_pass_are_kept():
    rng = np.random.default_rng(3)
    model = Network([5, 8, 6, 3], seed=0)
    X = rng.standard_normal((11, 5))
    model.loss(X, rng.integers(0, 3, 11))
    assert [a.shape for a in model.activations] == [(11, 8), (11, 6)]
    h1 = np.maximum(X @ model.params["W1"] + model.params["b1"], 0)
    np.testing.assert_allclose(model.activations[0], h1)
    model.predict(X[:2])  # predict keeps no state
    assert model.activations[0].shape == (11, 8)


def test_input_gradient_does_not_mix_examples():
    # Karpathy: the gradient of output i w.r.t. the inputs is zero for every other example.
    rng = np.random.default_rng(4)
    model = Network([6, 9, 4], "tanh", seed=0)
    X = rng.standard_normal((5, 6))
    d = np.zeros((5, 4))
    d[2] = rng.standard_normal(4)
    dX = model.input_gradient(X, d)
    assert np.abs(dX[[0, 1, 3, 4]]).max() == 0 and np.abs(dX[2]).max() > 0
    num = numeric_grad(lambda: float(np.sum(model.loss(X) * d)), X)
    assert rel_err_norm(dX, num) < TOL


def test_two_layer_net_is_a_network():
    model = TwoLayerNet(20, 15, 4, reg=0.1, seed=0)
    assert model.layer_dims == [20, 15, 4]
    assert set(model.params) == {"W1", "b1", "W2", "b2"}
    assert model.params["W1"].shape == (20, 15) and model.params["b2"].shape == (4,)
    assert model.reg == 0.1


def test_seed_makes_weights_reproducible_and_float32_supported():
    a, b = Network([8, 4, 3], seed=5), Network([8, 4, 3], seed=5)
    np.testing.assert_array_equal(a.params["W1"], b.params["W1"])
    c = Network([8, 4, 3], seed=6)
    assert not np.array_equal(a.params["W1"], c.params["W1"])
    m32 = Network([8, 4, 3], dtype=np.float32, seed=0)
    X = np.random.default_rng(0).standard_normal((3, 8)).astype(np.float32)
    loss, grads = m32.loss(X, np.array([0, 1, 2]))
    assert all(g.dtype == np.float32 for g in grads.values())
    assert isinstance(loss, float)


def test_get_and_set_params_round_trip():
    model = Network([3, 4, 2], seed=0)
    saved = model.get_params()
    w1 = model.params["W1"]
    w1 += 1.0
    model.set_params(saved)
    assert model.params["W1"] is w1  # restored in place
    np.testing.assert_array_equal(model.params["W1"], saved["W1"])
    with pytest.raises(ValueError, match="params"):
        model.set_params({"W1": saved["W1"]})


def test_zero_init_gives_identical_hidden_units():
    # all-zero weights: every hidden unit computes the same thing and gets the same gradient
    rng = np.random.default_rng(5)
    model = Network([4, 5, 3], "tanh", init="zeros", seed=0)
    X, y = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    model.params["W2"][:] = 0.3  # even with a nonzero output layer
    _, grads = model.loss(X, y)
    assert np.allclose(grads["W1"], grads["W1"][:, :1])  # every column (unit) identical
