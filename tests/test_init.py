"""Initializers against their formulas, and the depth experiments of the papers (facts.md)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import init
from helpers.model import Network

SHAPE = (1000, 500)  # fan_in 1000, fan_out 500; 500,000 draws: std estimates within ~0.2%


@pytest.mark.parametrize(
    "name, param, expected",
    [
        ("linear", None, 1.0),
        ("sigmoid", None, 1.0),
        ("tanh", None, 5 / 3),
        ("relu", None, math.sqrt(2)),
        ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
        ("leaky_relu", 0.2, math.sqrt(2 / 1.04)),
        ("selu", None, 0.75),
    ],
)
def test_gains_match_torch_table(name, param, expected):
    assert init.calculate_gain(name, param) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize(
    "make, expected_std",
    [
        (lambda: init.normal(SHAPE, std=0.05, rng=0), 0.05),
        (lambda: init.standard_uniform(SHAPE, rng=0), 1 / math.sqrt(3 * 1000)),
        (lambda: init.lecun_normal(SHAPE, rng=0), 1 / math.sqrt(1000)),
        (lambda: init.glorot_normal(SHAPE, rng=0), math.sqrt(2 / 1500)),
        (lambda: init.glorot_uniform(SHAPE, rng=0), math.sqrt(2 / 1500)),
        (lambda: init.glorot_uniform(SHAPE, gain=5 / 3, rng=0), 5 / 3 * math.sqrt(2 / 1500)),
        (lambda: init.he_normal(SHAPE, rng=0), math.sqrt(2 / 1000)),
        (lambda: init.he_uniform(SHAPE, rng=0), math.sqrt(2 / 1000)),
        (lambda: init.he_normal(SHAPE, mode="fan_out", rng=0), math.sqrt(2 / 500)),
        (lambda: init.he_uniform(SHAPE, mode="fan_out", rng=0), math.sqrt(2 / 500)),
        (
            lambda: init.he_normal(SHAPE, nonlinearity="leaky_relu", a=0.2, rng=0),
            math.sqrt(2 / 1.04) / math.sqrt(1000),
        ),
    ],
)
def test_std_matches_formula(make, expected_std):
    W = make()
    assert W.shape == SHAPE
    assert abs(W.mean()) < 4 * expected_std / math.sqrt(W.size)
    assert W.std() == pytest.approx(expected_std, rel=0.01)


def test_uniform_bounds_match_formulas():
    a = math.sqrt(6 / 1500)  # Glorot eq. 16
    W = init.glorot_uniform(SHAPE, rng=0)
    assert W.max() <= a and W.min() >= -a and W.max() > 0.999 * a
    b = math.sqrt(2) * math.sqrt(3 / 1000)  # He uniform bound = gain * sqrt(3 / fan_in)
    W = init.he_uniform(SHAPE, rng=0)
    assert W.max() <= b and W.max() > 0.999 * b


def test_notes_xavier_is_lecun_not_glorot():
    # The notes' "Xavier": randn(n_in, n_out) / sqrt(n_in). Var = 1/fan_in, LeCun's.
    notes = np.random.default_rng(0).standard_normal(SHAPE) / math.sqrt(SHAPE[0])
    lecun = init.lecun_normal(SHAPE, rng=0)
    np.testing.assert_allclose(notes, lecun)  # same formula, same draws
    assert init.glorot_normal(SHAPE, rng=0).std() / notes.std() == pytest.approx(
        math.sqrt(1000 * 2 / 1500), rel=0.01
    )


def test_zeros_and_seeding():
    assert not init.zeros((3, 4)).any()
    np.testing.assert_array_equal(init.he_normal((5, 5), rng=3), init.he_normal((5, 5), rng=3))
    assert not np.array_equal(init.he_normal((5, 5), rng=3), init.he_normal((5, 5), rng=4))
    assert init.he_normal((5, 5), rng=0, dtype=np.float32).dtype == np.float32


def test_pytorch_aliases():
    assert init.xavier_uniform is init.glorot_uniform
    assert init.kaiming_normal is init.he_normal


def _relu_depth_ratio(scheme: str, depth: int = 30, width: int = 1000) -> float:
    """std of the last layer's pre-activation over the input's std, for unit-variance input."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, width))
    h = x
    for _ in range(depth):
        W = init.init_weight(scheme, (width, width), "relu", rng)
        y = h @ W
        h = np.maximum(y, 0)
    return float(y.std() / x.std())


def test_he_et_al_30_layer_relu_signal():
    # He et al. 2015, Var[y_l] = 1/2 n Var[w] Var[y_(l-1)]: std 1/sqrt(n) halves the
    # variance at each of the 29 ReLUs between layer 1 and layer 30, a factor 2**-14.5 =
    # 4.3e-5 in std (the first layer sees the raw, unrectified input, Var[y_1] = Var[x]).
    lecun = _relu_depth_ratio("lecun")
    assert abs(math.log2(lecun) - (-14.5)) < 0.5, f"LeCun ratio {lecun:.2e}, expected 2^-14.5"
    # sqrt(2/n) keeps it: only the first layer doubles the variance of the unrectified input
    he = _relu_depth_ratio("he")
    assert he == pytest.approx(math.sqrt(2), rel=0.15), f"He ratio {he:.3f}, expected sqrt(2)"


def test_network_uses_the_schemes_through_depth():
    X = np.random.default_rng(1).standard_normal((100, 1000))
    ratios = {}
    for scheme in ("lecun", "he"):  # 30 hidden ReLU layers: 29 halvings between 1 and 30
        model = Network([1000] * 31 + [10], init=scheme, seed=0)
        model.loss(X)
        ratios[scheme] = model.activations[-1].std() / model.activations[0].std()
    assert abs(math.log2(ratios["lecun"]) + 14.5) < 0.6
    assert 0.7 < ratios["he"] < 1.4


def test_glorot_bengio_tanh_activations():
    # facts.md: 5 tanh layers of 1000 units on N(0,1) inputs. Standard init
    # U(+-1/sqrt(n)) shrinks the std 0.46 -> 0.046; Glorot's normalized init 0.63 -> 0.32.
    def stds(scheme):
        rng = np.random.default_rng(0)
        h = rng.standard_normal((500, 1000))
        out = []
        for _ in range(5):
            h = np.tanh(h @ init.init_weight(scheme, (1000, 1000), "tanh", rng))
            out.append(h.std())
        return out

    standard = stds("standard")
    assert standard[0] == pytest.approx(0.46, abs=0.01)
    assert standard[-1] == pytest.approx(0.046, abs=0.005)
    glorot = stds("glorot_uniform")
    assert glorot[0] == pytest.approx(0.63, abs=0.01)
    assert glorot[-1] == pytest.approx(0.32, abs=0.01)


def test_default_scheme_follows_activation():
    assert Network([10, 5, 3], "relu").init == "he"
    assert Network([10, 5, 3], "leaky_relu").init == "he"
    assert Network([10, 5, 3], "tanh").init == "glorot"
    assert Network([10, 5, 3], "sigmoid").init == "glorot"
    assert Network([10, 5, 3], weight_scale=1e-3).init == "normal"


def test_network_weight_scale_and_biases():
    model = Network([400, 300, 10], weight_scale=0.02, output_scale=1.0, seed=0)
    assert model.params["W1"].std() == pytest.approx(0.02, rel=0.01)
    assert not model.params["b1"].any() and not model.params["b2"].any()
    he = Network([400, 300, 10], seed=0, output_scale=0.1)
    assert he.params["W1"].std() == pytest.approx(math.sqrt(2 / 400), rel=0.01)
    # output layer: He times output_scale
    assert he.params["W2"].std() == pytest.approx(0.1 * math.sqrt(2 / 300), rel=0.05)
