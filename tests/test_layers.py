"""Each layer's forward against its formula and its backward against numerical gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import numeric_grad, rel_err

from helpers import layers

TOL = 1e-7


def away_from_zero(rng, shape, margin=1e-3):
    """Inputs whose entries avoid the kink at 0 by more than any finite-difference step."""
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < margin, margin * np.sign(x + 1e-12) * 2, x)


def check_backward(forward, backward, x, *, seed=0):
    """Compare backward(dout) with numeric d/dx sum(forward(x) * dout)."""
    rng = np.random.default_rng(seed)
    out, cache = forward(x)
    dout = rng.standard_normal(out.shape)
    dx = backward(dout, cache)
    num = numeric_grad(lambda: float(np.sum(forward(x)[0] * dout)), x, h=1e-5)
    return rel_err(dx, num)


def test_affine_forward_is_matrix_product_plus_bias():
    rng = np.random.default_rng(0)
    x, W, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal(5)
    out, _ = layers.affine_forward(x, W, b)
    expected = [
        [sum(x[i, k] * W[k, j] for k in range(3)) + b[j] for j in range(5)] for i in range(4)
    ]
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_affine_backward_matches_numerical_gradients():
    rng = np.random.default_rng(1)
    x, W, b = rng.standard_normal((6, 4)), rng.standard_normal((4, 3)), rng.standard_normal(3)
    dout = rng.standard_normal((6, 3))
    _, cache = layers.affine_forward(x, W, b)
    dx, dW, db = layers.affine_backward(dout, cache)

    def f():
        return float(np.sum(layers.affine_forward(x, W, b)[0] * dout))

    assert rel_err(dx, numeric_grad(f, x)) < TOL
    assert rel_err(dW, numeric_grad(f, W)) < TOL
    assert rel_err(db, numeric_grad(f, b)) < TOL
    # the first layer skips dx but its weight gradients are the same
    none_dx, dW2, db2 = layers.affine_backward(dout, cache, need_dx=False)
    assert none_dx is None
    np.testing.assert_array_equal(dW2, dW)
    np.testing.assert_array_equal(db2, db)


@pytest.mark.parametrize(
    "name, formula",
    [
        ("relu", lambda x: max(x, 0.0)),
        ("leaky_relu", lambda x: x if x > 0 else 0.01 * x),
        ("tanh", math.tanh),
        ("sigmoid", lambda x: 1 / (1 + math.exp(-x))),
    ],
)
def test_activation_forward_matches_scalar_formula(name, formula):
    x = np.linspace(-5, 5, 41)
    out, _ = layers.activation_forward(x, name)
    np.testing.assert_allclose(out, [formula(v) for v in x], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "tanh", "sigmoid"])
def test_activation_backward_matches_numerical_gradient(name):
    x = away_from_zero(np.random.default_rng(2), (5, 7))
    err = check_backward(
        lambda z: layers.activation_forward(z, name),
        lambda d, c: layers.activation_backward(d, c, name),
        x,
    )
    assert err < TOL, f"{name}: relative error {err:.2e}"


def test_leaky_relu_slope_is_used_in_both_directions():
    x = np.array([-2.0, 3.0])
    out, cache = layers.leaky_relu_forward(x, slope=0.2)
    np.testing.assert_allclose(out, [-0.4, 3.0])
    np.testing.assert_allclose(layers.leaky_relu_backward(np.ones(2), cache), [0.2, 1.0])


def test_sigmoid_is_stable_for_huge_inputs():
    with np.errstate(
        over="raise", invalid="raise", divide="raise"
    ):  # no overflow warning may occur
        out, _ = layers.sigmoid_forward(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(out, [0.0, 0.5, 1.0])


def test_dropout_with_fixed_mask_matches_numerical_gradient():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((8, 6))
    _, mask = layers.dropout_forward(x, 0.4, np.random.default_rng(7))
    err = check_backward(
        lambda z: layers.dropout_forward(z, 0.4, mask=mask), layers.dropout_backward, x
    )
    assert err < TOL


def test_inverted_dropout_keeps_the_expected_value_and_drop_rate():
    x = np.ones((2000, 500))
    out, mask = layers.dropout_forward(x, 0.3, np.random.default_rng(0))
    dropped = np.mean(out == 0)
    assert abs(dropped - 0.3) < 0.005  # binomial std is 0.0002
    assert abs(out.mean() - 1.0) < 0.005  # E[out] = x thanks to the 1/(1-p) scaling
    np.testing.assert_allclose(np.unique(out), [0.0, 1 / 0.7])


def test_dropout_zero_is_identity():
    x = np.arange(6.0).reshape(2, 3)
    out, cache = layers.dropout_forward(x, 0.0)
    assert out is x and cache is None


def test_softmax_cross_entropy_value_and_gradient():
    rng = np.random.default_rng(4)
    scores = rng.standard_normal((5, 4))
    y = np.array([0, 3, 1, 1, 2])
    loss, dscores = layers.softmax_cross_entropy(scores, y)
    # the textbook formula, one example at a time
    expected = np.mean(
        [
            -math.log(math.exp(s[c]) / sum(math.exp(v) for v in s))
            for s, c in zip(scores, y, strict=True)
        ]
    )
    assert loss == pytest.approx(expected, rel=1e-12)
    num = numeric_grad(lambda: layers.softmax_cross_entropy(scores, y)[0], scores)
    assert rel_err(dscores, num) < TOL


def test_softmax_cross_entropy_is_finite_and_exact_for_logits_of_1e4():
    scores = np.array([[1e4, 0.0, -1e4], [1e4, 0.0, -1e4], [-1e4, -1e4, 1e4]])
    y = np.array([0, 1, 0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, dscores = layers.softmax_cross_entropy(scores, y)
    # by hand: -log softmax = logsumexp - s_y; logsumexp = 1e4 (+ e^-1e4, negligible)
    assert loss == pytest.approx((0.0 + 1e4 + 2e4) / 3, rel=1e-12)
    assert np.isfinite(dscores).all()
    # gradient (softmax - onehot) / N: softmax is (1, 0, 0) in row 0/1 and (0, 0, 1) in row 2
    np.testing.assert_allclose(dscores, np.array([[0, 0, 0], [1, -1, 0], [-1, 0, 1]]) / 3)


def test_softmax_of_equal_logits_gives_log_c():
    loss, _ = layers.softmax_cross_entropy(np.zeros((3, 10)), np.array([0, 5, 9]))
    assert loss == pytest.approx(math.log(10), rel=1e-15)


def test_float32_stays_float32():
    x = np.ones((2, 3), dtype=np.float32)
    W = np.ones((3, 4), dtype=np.float32)
    b = np.zeros(4, dtype=np.float32)
    out, _ = layers.affine_forward(x, W, b)
    for name in layers.ACTIVATIONS:
        assert layers.activation_forward(out, name)[0].dtype == np.float32, name
    _, d = layers.softmax_cross_entropy(out, np.array([0, 1]))
    assert d.dtype == np.float32
