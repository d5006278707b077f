"""Wrong calls get a clear error: the argument's name, what was expected, what came."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import assert_clear_error

from helpers import Network, TwoLayerNet, gradient_check, train
from helpers.init import he_normal, init_weight
from helpers.optim import (
    Adam,
    Momentum,
    clip_grad_norm,
    clip_grad_value,
    one_cycle_schedule,
    warmup_schedule,
)

rng = np.random.default_rng(0)
X = rng.standard_normal((8, 5))
y = np.array([0, 1, 2, 0, 1, 2, 0, 1])
model = Network([5, 4, 3], seed=0)
X_nan = X.copy()
X_nan[2, 3] = np.nan
X_inf = X.copy()
X_inf[0, 0] = np.inf


def fit(**kw):
    args = {"learning_rate": 0.1, "epochs": 1, "batch_size": 4, "progress": False}
    args.update(kw)
    Xt, yt = args.pop("X", X), args.pop("y", y)
    return train(Network([5, 4, 3], seed=0), Xt, yt, **args)


CASES = [
    # (call, error type, words the message must contain)
    (lambda: model.loss(X[0]), ValueError, ["X", "2-D", "(5,)"]),
    (lambda: model.loss(X[:, :4]), ValueError, ["X", "size 5", "(8, 4)"]),
    (lambda: model.loss(X.tolist()), TypeError, ["X", "NumPy array", "list"]),
    (lambda: model.loss((X * 255).astype(np.uint8)), TypeError, ["X", "floating", "uint8"]),
    (lambda: model.loss(X_nan, y), ValueError, ["X", "finite", "1 NaN"]),
    (lambda: model.loss(X_inf), ValueError, ["X", "finite"]),
    (lambda: model.loss(X, y[:5]), ValueError, ["y", "length 8", "5"]),
    (lambda: model.loss(X, y + 1), ValueError, ["y", "[0, 2]", "from 1 to 3"]),
    (lambda: model.loss(X, y - 1), ValueError, ["y", "[0, 2]", "-1"]),
    (lambda: model.loss(X, y.astype(float)), TypeError, ["y", "integer", "float64"]),
    (lambda: model.loss(X[:0], y[:0]), ValueError, ["X", "empty", "(0, 5)"]),
    (lambda: model.loss(X, y.reshape(4, 2)), ValueError, ["y", "1-D", "(4, 2)"]),
    (lambda: model.loss(X, y, mode="test"), ValueError, ["mode", "train", "'test'"]),
    (lambda: Network([5, 4, 3], activation="swish"), ValueError, ["activation", "relu", "swish"]),
    (
        lambda: Network([5, 4, 3], init="xavier_magic"),
        ValueError,
        ["init", "glorot", "xavier_magic"],
    ),
    (lambda: Network([5, 0, 3]), ValueError, ["layer_dims[1]", "positive", "0"]),
    (lambda: Network([5, 4.5, 3]), TypeError, ["layer_dims[1]", "integer", "4.5"]),
    (lambda: Network([5]), ValueError, ["layer_dims", "at least", "[5]"]),
    (lambda: Network(784), TypeError, ["layer_dims", "list", "int"]),
    (lambda: Network([5, 3], dtype=np.int32), TypeError, ["dtype", "float32", "int32"]),
    (lambda: Network([5, 3], dropout=1.0), ValueError, ["dropout", "less than 1", "1.0"]),
    (lambda: Network([5, 3], reg=-1e-3), ValueError, ["reg", "non-negative", "-0.001"]),
    (lambda: Network([5, 3], init="he", weight_scale=0.1), ValueError, ["init", "weight_scale"]),
    (lambda: TwoLayerNet(5, -4, 3), ValueError, ["layer_dims[1]", "positive", "-4"]),
    (lambda: fit(learning_rate=0.0), ValueError, ["learning_rate", "positive", "0.0"]),
    (lambda: fit(learning_rate=-0.1), ValueError, ["learning_rate", "positive", "-0.1"]),
    (lambda: fit(learning_rate="0.1"), TypeError, ["learning_rate", "number", "str"]),
    (lambda: fit(batch_size=0), ValueError, ["batch_size", "positive", "0"]),
    (lambda: fit(batch_size=32.0), TypeError, ["batch_size", "integer", "32.0"]),
    (lambda: fit(epochs=0), ValueError, ["epochs", "positive", "0"]),
    (lambda: fit(y=y[:6]), ValueError, ["y_train", "length 8", "6"]),
    (lambda: fit(X=X_nan), ValueError, ["X", "finite"]),
    (lambda: fit(optimizer="rmsprop"), ValueError, ["optimizer", "adam", "rmsprop"]),
    (lambda: fit(lr_schedule="linear"), ValueError, ["lr_schedule", "cosine", "linear"]),
    (lambda: fit(clip_norm=-1.0), ValueError, ["clip_norm", "positive", "-1.0"]),
    (lambda: fit(callbacks=[1]), TypeError, ["callbacks", "int"]),
    (lambda: train(model, X, y, X, None), ValueError, ["X_val", "y_val", "together"]),
    (lambda: he_normal((5, 4), mode="fan_avg"), ValueError, ["mode", "fan_in", "fan_avg"]),
    (lambda: he_normal((5,)), ValueError, ["shape", "(n_in, n_out)", "(5,)"]),
    (lambda: init_weight("kaiming", (3, 3)), ValueError, ["scheme", "he", "kaiming"]),
    (lambda: Momentum(momentum=1.5), ValueError, ["momentum", "less than 1", "1.5"]),
    (lambda: Adam(eps=0), ValueError, ["eps", "positive", "0"]),
    (lambda: clip_grad_norm({"W": np.ones(2)}, 0), ValueError, ["max_norm", "positive", "0"]),
    (lambda: clip_grad_norm([np.ones(2)], 1.0), TypeError, ["grads", "dict", "list"]),
    (lambda: clip_grad_value({"W": np.ones(2)}, -5), ValueError, ["clip_value", "positive"]),
    (lambda: gradient_check(model, X, y, num_checks=0), ValueError, ["num_checks", "positive"]),
    (lambda: warmup_schedule(0), ValueError, ["warmup_steps", "positive", "0"]),
    (lambda: one_cycle_schedule(100, pct_start=1.0), ValueError, ["pct_start", "less than 1"]),
    (lambda: Network([5, 3], batchnorm="yes"), TypeError, ["batchnorm", "True or False", "yes"]),
]


@pytest.mark.parametrize("call, error, words", CASES, ids=[str(i) for i in range(len(CASES))])
def test_bad_input_raises_clear_error(call, error, words):
    assert_clear_error(call, error, words, also=("got", "not both", "together"))
