"""Batch normalization: the layer pair against its definition and numerical gradients, and
inside Network (training vs evaluation statistics, initialization sensitivity)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import numeric_grad, rel_err_norm

from helpers import layers
from helpers.lr_finder import learning_rate_range_test
from helpers.model import Network


def bn_param(d: int, mode: str = "train", momentum: float = 0.9) -> dict:
    return {
        "mode": mode,
        "momentum": momentum,
        "running_mean": np.zeros(d),
        "running_var": np.ones(d),
    }


def test_train_mode_normalizes_each_feature_then_scales_and_shifts():
    rng = np.random.default_rng(0)
    x = 5 + 3 * rng.standard_normal((200, 4))
    gamma, beta = np.array([1.0, 2.0, 0.5, 3.0]), np.array([0.0, -1.0, 4.0, 2.0])
    out, _ = layers.batchnorm_forward(x, gamma, beta, bn_param(4))
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-12)
    # std of gamma * (x - mean) / sqrt(var + eps) is gamma * sqrt(var / (var + eps))
    var = x.var(axis=0)
    np.testing.assert_allclose(out.std(axis=0), gamma * np.sqrt(var / (var + 1e-5)), rtol=1e-12)


def test_running_averages_follow_the_momentum_formula():
    rng = np.random.default_rng(1)
    p = bn_param(3, momentum=0.8)
    batches = [rng.standard_normal((50, 3)) * (i + 1) + i for i in range(4)]
    mean, var = np.zeros(3), np.ones(3)
    for x in batches:
        layers.batchnorm_forward(x, np.ones(3), np.zeros(3), p)
        mean = 0.8 * mean + 0.2 * x.mean(axis=0)
        var = 0.8 * var + 0.2 * x.var(axis=0)
    np.testing.assert_allclose(p["running_mean"], mean)
    np.testing.assert_allclose(p["running_var"], var)


def test_eval_mode_uses_running_statistics_per_example():
    rng = np.random.default_rng(2)
    p = bn_param(3, mode="eval")
    p["running_mean"][:] = [1.0, 2.0, 3.0]
    p["running_var"][:] = [4.0, 9.0, 16.0]
    x = rng.standard_normal((6, 3))
    out, _ = layers.batchnorm_forward(x, np.ones(3), np.zeros(3), p)
    np.testing.assert_allclose(out, (x - [1, 2, 3]) / np.sqrt(np.array([4, 9, 16]) + 1e-5))
    one, _ = layers.batchnorm_forward(x[:1], np.ones(3), np.zeros(3), p)
    np.testing.assert_allclose(one, out[:1])  # an example's output ignores the others


@pytest.mark.parametrize("mode", ["train", "eval"])
def test_backward_matches_numerical_gradients(mode):
    rng = np.random.default_rng(3)
    x = 2 + rng.standard_normal((7, 5))
    gamma, beta = 1 + 0.3 * rng.standard_normal(5), rng.standard_normal(5)
    dout = rng.standard_normal((7, 5))

    def f():
        p = bn_param(5, mode)
        if mode == "eval":
            p["running_mean"][:] = 0.5
            p["running_var"][:] = 2.0
        return float(np.sum(layers.batchnorm_forward(x, gamma, beta, p)[0] * dout))

    p = bn_param(5, mode)
    if mode == "eval":
        p["running_mean"][:] = 0.5
        p["running_var"][:] = 2.0
    _, cache = layers.batchnorm_forward(x, gamma, beta, p)
    dx, dgamma, dbeta = layers.batchnorm_backward(dout, cache)
    assert rel_err_norm(dx, numeric_grad(f, x, h=1e-5)) < 1e-7
    assert rel_err_norm(dgamma, numeric_grad(f, gamma, h=1e-5)) < 1e-7
    assert rel_err_norm(dbeta, numeric_grad(f, beta, h=1e-5)) < 1e-7


def test_network_with_batchnorm_has_gradient_checked_gamma_and_beta():
    rng = np.random.default_rng(4)
    model = Network([6, 8, 7, 3], "tanh", batchnorm=True, reg=0.05, output_scale=1.0, seed=0)
    assert [k for k in model.params] == [
        "W1", "b1", "gamma1", "beta1", "W2", "b2", "gamma2", "beta2", "W3", "b3",
    ]  # fmt: skip
    for k in ("gamma1", "beta2"):  # move them off their initial values
        model.params[k] += 0.3 * rng.standard_normal(model.params[k].shape)
    X, y = rng.standard_normal((9, 6)), rng.integers(0, 3, 9)
    _, grads = model.loss(X, y)
    analytic, numeric = [], []
    for name, p in model.params.items():
        num = numeric_grad(lambda: model.loss(X, y)[0], p, h=1e-5)
        analytic.append(grads[name].ravel())
        numeric.append(num.ravel())
        if name.startswith(("gamma", "beta", "W")):
            assert rel_err_norm(grads[name], num) < 1e-6, name
    assert rel_err_norm(np.concatenate(analytic), np.concatenate(numeric)) < 1e-7


def test_batchnorm_removes_the_sensitivity_to_the_weight_scale():
    # lesson 01: N(0, 0.01^2) weights make a deep net's activations vanish; with batch norm
    # every layer is renormalized, whatever the scale
    X = np.random.default_rng(5).standard_normal((256, 100))
    stds = {}
    for bn in (False, True):
        model = Network([100] * 9 + [10], "tanh", weight_scale=0.01, batchnorm=bn, seed=0)
        model.loss(X, mode="train")
        stds[bn] = [float(a.std()) for a in model.activations]
    assert stds[False][-1] < 1e-6  # (100 * 0.01**2)**(8/2) ~ 1e-8
    assert all(0.4 < s < 0.8 for s in stds[True])  # tanh of unit-variance inputs: ~0.63


def test_training_with_batchnorm_learns_and_eval_mode_is_used_for_predictions(mnist_sample):
    from helpers import train

    X, y, X_test, y_test = mnist_sample
    model = Network([784, 100, 10], batchnorm=True, dtype=np.float32, seed=0)
    before = {k: v.copy() for k, v in model.running_stats.items()}
    train(model, X[:2000], y[:2000], learning_rate=0.1, epochs=2, batch_size=64, progress=False)
    assert not np.array_equal(before["mean1"], model.running_stats["mean1"])
    acc = float(np.mean(model.predict(X_test[:2000]) == y_test[:2000]))
    assert acc > 0.75  # a plain net gets about 0.81 with this short budget
    # the running averages stand in for the batch statistics: same accuracy within 2 points
    batch_stats = model.loss(X_test[:2000], mode="train").argmax(axis=1)
    assert abs(acc - float(np.mean(batch_stats == y_test[:2000]))) < 0.02
    # eval predictions of one example do not depend on its batch
    s_all = model.scores(X_test[:50])
    s_one = model.scores(X_test[:1])
    np.testing.assert_allclose(s_all[:1], s_one, rtol=1e-4, atol=1e-5)  # float32 rounding


def test_range_test_restores_the_running_statistics(mnist_sample):
    X, y, *_ = mnist_sample
    model = Network([784, 30, 10], batchnorm=True, seed=0)
    model.loss(X[:64], mode="train")  # some non-trivial running statistics
    before = {k: v.copy() for k, v in model.running_stats.items()}
    learning_rate_range_test(model, X[:500], y[:500], num_steps=30)
    for k, v in before.items():
        np.testing.assert_array_equal(model.running_stats[k], v)


def test_bad_batchnorm_arguments():
    with pytest.raises(TypeError, match="batchnorm must be True or False; got 1"):
        Network([4, 3, 2], batchnorm=1)
    with pytest.raises(ValueError, match="mode.*'train' or 'eval'.*'test'"):
        layers.batchnorm_forward(np.ones((2, 3)), np.ones(3), np.zeros(3), bn_param(3, "test"))
