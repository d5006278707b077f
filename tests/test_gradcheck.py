"""numerical_gradient, relative_error and gradient_check against formulas and planted bugs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import layers
from helpers.gradcheck import gradient_check, numerical_gradient, relative_error
from helpers.model import Network


def test_numerical_gradient_of_cubic_matches_derivative():
    x = np.array([[0.5, -1.2], [2.0, 0.1]])
    g = numerical_gradient(lambda: float(np.sum(x**3)), x, h=1e-5)
    # centered difference of x^3 is exactly 3x^2 + h^2 (the O(h^2) term)
    np.testing.assert_allclose(g, 3 * x**2 + 1e-10, rtol=1e-8, atol=1e-9)


def test_numerical_gradient_is_centered_second_order():
    # error of (f(x+h) - f(x-h))/2h for sin at 1 is ~ h^2/6 cos(1): 100x smaller per 10x h;
    # a one-sided quotient would only be 10x smaller.
    x = np.array([1.0])
    errs = [
        abs(numerical_gradient(lambda: math.sin(x[0]), x, h=h)[0] - math.cos(1.0))
        for h in (1e-2, 1e-3)
    ]
    assert errs[0] == pytest.approx(1e-4 / 6 * math.cos(1.0), rel=0.01)
    assert errs[0] / errs[1] == pytest.approx(100, rel=0.01)


def test_numerical_gradient_restores_x_and_respects_indices():
    x = np.random.default_rng(0).standard_normal((3, 4))
    before = x.copy()
    g = numerical_gradient(lambda: float(np.sum(x * x)), x, indices=[(0, 1), (2, 3)])
    np.testing.assert_array_equal(x, before)  # bit-identical afterwards
    assert np.count_nonzero(g) == 2
    assert g[0, 1] == pytest.approx(2 * x[0, 1]) and g[2, 3] == pytest.approx(2 * x[2, 3])


def test_relative_error_definition():
    assert relative_error(np.array([1.0]), np.array([1.0])) == 0.0
    assert relative_error(np.array([2.0]), np.array([1.0])) == pytest.approx(0.5)  # |1| / 2
    assert relative_error(np.array([1.0, -3.0]), np.array([1.0, 3.0])) == pytest.approx(2.0)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0  # guarded: no 0/0
    # scale-free: the same relative mismatch at any magnitude
    assert relative_error(np.array([1e-3]), np.array([1.001e-3])) == pytest.approx(
        relative_error(np.array([1e3]), np.array([1.001e3]))
    )
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.zeros(2), np.zeros(3))


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu"])
def test_gradient_check_passes_for_correct_models(activation):
    rng = np.random.default_rng(1)
    model = Network([12, 10, 8, 4], activation, reg=0.01, dropout=0.2, seed=0)
    X, y = rng.standard_normal((6, 12)), rng.integers(0, 4, 6)
    before = model.get_params()
    errors = gradient_check(model, X, y, num_checks=15)
    assert set(errors) == set(model.params)
    assert max(errors.values()) < 1e-5, errors  # CS231n: < 1e-4 is fine even near kinks
    for k in before:  # the model itself is untouched
        np.testing.assert_array_equal(before[k], model.params[k])


def test_gradient_check_works_on_float32_models():
    rng = np.random.default_rng(2)
    model = Network([8, 6, 3], "tanh", dtype=np.float32, seed=0)
    X = rng.standard_normal((5, 8)).astype(np.float32)
    errors = gradient_check(model, X, rng.integers(0, 3, 5))
    assert max(errors.values()) < 1e-6  # done in float64 internally
    assert model.params["W1"].dtype == np.float32


def test_gradient_check_catches_a_wrong_backward(monkeypatch):
    # plant CS231n's classic bug: the tanh derivative written as 1 - tanh (not squared)
    monkeypatch.setattr(layers, "tanh_backward", lambda dout, out: dout * (1 - out))
    rng = np.random.default_rng(3)
    model = Network([8, 6, 3], "tanh", output_scale=1.0, seed=0)
    errors = gradient_check(model, rng.standard_normal((5, 8)), rng.integers(0, 3, 5))
    assert errors["W1"] > 1e-2 and errors["b1"] > 1e-2  # broken below the bug
    assert errors["W2"] < 1e-6  # fine above it


def test_gradient_check_catches_a_missing_regularization_gradient(monkeypatch):
    model = Network([8, 6, 3], reg=0.5, seed=0)
    rng = np.random.default_rng(4)
    X, y = rng.standard_normal((5, 8)), rng.integers(0, 3, 5)
    real_loss = Network._loss

    def loss_without_reg_grad(self, X, y, train=True):
        loss, grads = real_loss(self, X, y, train)
        for i in range(1, self.num_layers + 1):
            grads[f"W{i}"] -= self.reg * self.params[f"W{i}"]
        return loss, grads

    monkeypatch.setattr(Network, "_loss", loss_without_reg_grad)
    errors = gradient_check(model, X, y)
    assert errors["W1"] > 1e-2 and errors["b1"] < 1e-6


def test_gradient_check_skips_coordinates_that_cross_a_relu_kink():
    # one hidden ReLU unit whose input for the first example is 2e-6: b1 +- 1e-5 crosses 0
    model = Network([1, 1, 2], output_scale=1.0, seed=0)
    model.params["W1"][:] = 1.0
    model.params["b1"][:] = 0.0
    model.params["W2"][:] = [[1.0, -1.0]]
    X, y = np.array([[2e-6], [1.0]]), np.array([0, 1])
    _, grads = model.loss(X, y)
    raw = numerical_gradient(lambda: model.loss(X, y)[0], model.params["b1"], h=1e-5)
    assert relative_error(grads["b1"], raw) > 1e-2  # the raw quotient is fooled by the kink
    errors = gradient_check(model, X, y, num_checks=5, h=1e-5)
    assert math.isnan(errors["b1"])  # its only coordinate was skipped, not misreported
    assert errors["W1"] < 1e-7 and errors["W2"] < 1e-7


def test_gradient_check_with_dropout_and_relu_is_not_fooled_by_kinks():
    # this setup has a layer-2 unit 2.4e-6 from its kink under the fixed dropout mask
    rng = np.random.default_rng(1)
    model = Network([12, 10, 8, 4], "relu", reg=0.01, dropout=0.2, seed=0)
    X, y = rng.standard_normal((6, 12)), rng.integers(0, 4, 6)
    errors = gradient_check(model, X, y, num_checks=15)
    assert max(errors.values()) < 1e-5, errors
