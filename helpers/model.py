"""Fully connected softmax classifiers built from the layers in :mod:`helpers.layers`.

``Network([D, H1, ..., C])`` computes, for each hidden layer ``l``,
``h_l = dropout(activation(h_{l-1} @ W_l + b_l))`` and then ``scores = h_{L-1} @ W_L + b_L``,
with a softmax cross-entropy loss plus ``0.5 * reg * sum(W_l ** 2)`` over the weights.

The API is the one of the course notes: ``model.params['W1']``, ``model.loss(X)`` returns
scores ``(N, C)``, ``model.loss(X, y)`` returns ``(loss, grads)``, ``model.predict(X)``
returns class indices ``(N,)``.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import layers
from ._validate import check_array, check_choice, check_labels, check_number
from .init import SCHEMES, init_weight

DEFAULT_INIT = {"relu": "he", "leaky_relu": "he", "tanh": "glorot", "sigmoid": "glorot"}


class Network:
    """A fully connected network for classification.

    Args:
        layer_dims: ``[input_dim, hidden_1, ..., num_classes]``, at least two sizes.
        activation: ``'relu'``, ``'leaky_relu'``, ``'tanh'`` or ``'sigmoid'``.
        init: weight scheme (see :data:`helpers.init.SCHEMES`). Default: ``'he'`` for the
            ReLU family, ``'glorot'`` for tanh and sigmoid.
        weight_scale: instead of a scheme, draw every weight from ``N(0, weight_scale^2)``
            (CS231n's ``weight_scale``).
        gain: override the scheme's gain (e.g. ``calculate_gain('tanh')`` with Glorot).
        output_scale: multiplies the last layer's weights. The default 0.1 makes the initial
            logits small, so the initial loss is close to ``ln(C)`` ("init the last layer
            well", Karpathy); use 1.0 to get the plain scheme everywhere.
        reg: L2 regularization strength (the loss adds ``0.5 * reg * sum(W**2)``).
        dropout: probability of dropping each hidden unit during training (inverted
            dropout); 0 disables it.
        batchnorm: put batch normalization between each hidden affine layer and its
            activation (Ioffe & Szegedy 2015); adds ``gamma{i}``/``beta{i}`` parameters and
            ``running_stats`` (``mean{i}``, ``var{i}``) used in eval mode.
        leaky_slope: negative slope of ``'leaky_relu'``.
        dtype: ``np.float64`` (default, needed for gradient checks) or ``np.float32``.
        seed: seeds the weights and the dropout masks.

    Attributes:
        params: ``{'W1': (D, H1), 'b1': (H1,), ..., 'WL': (H_{L-1}, C), 'bL': (C,)}``.
        activations: the hidden layers' outputs ``[(N, H1), ...]`` (after the nonlinearity,
            before dropout) from the last call of :meth:`loss`, for monitoring.
        dropout_seed: set to an int to reuse one fixed dropout mask on every call (for
            gradient checks); ``None`` draws fresh masks.
        running_stats: batch norm's running mean and variance per hidden layer (empty
            without batch norm), updated by every training-mode forward pass.

    Example:
        >>> model = Network([784, 100, 10], seed=0)
        >>> loss, grads = model.loss(X_batch, y_batch)
    """

    def __init__(
        self,
        layer_dims,
        activation: str = "relu",
        *,
        init: str | None = None,
        weight_scale: float | None = None,
        gain: float | None = None,
        output_scale: float = 0.1,
        reg: float = 0.0,
        dropout: float = 0.0,
        batchnorm: bool = False,
        leaky_slope: float = 0.01,
        dtype=np.float64,
        seed: int | None = None,
    ) -> None:
        if not isinstance(layer_dims, (list, tuple)):
            raise TypeError(
                f"layer_dims must be a list of layer sizes like [784, 100, 10]; "
                f"got {type(layer_dims).__name__}"
            )
        if len(layer_dims) < 2:
            raise ValueError(
                f"layer_dims must hold at least an input and an output size; got {layer_dims}"
            )
        for i, n in enumerate(layer_dims):
            check_number(f"layer_dims[{i}]", n, integer=True, positive=True)
        check_choice("activation", activation, layers.ACTIVATIONS)
        if init is not None and weight_scale is not None:
            raise ValueError(
                f"give either init or weight_scale, not both; got init={init!r} and "
                f"weight_scale={weight_scale}"
            )
        if weight_scale is not None:
            check_number("weight_scale", weight_scale, positive=True)
            init = "normal"
        elif init is None:
            init = DEFAULT_INIT[activation]
        check_choice("init", init, SCHEMES)
        if gain is not None:
            check_number("gain", gain, positive=True)
        check_number("output_scale", output_scale, nonnegative=True)
        check_number("leaky_slope", leaky_slope, nonnegative=True, high=1.0)
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise TypeError(f"dtype must be np.float32 or np.float64; got {np.dtype(dtype)}")
        if seed is not None and not isinstance(seed, numbers.Integral):
            raise TypeError(f"seed must be None or an integer; got {seed!r}")
        if not isinstance(batchnorm, bool):
            raise TypeError(f"batchnorm must be True or False; got {batchnorm!r}")

        self.layer_dims = [int(n) for n in layer_dims]
        self.activation = activation
        self.init = init
        self.weight_scale = weight_scale
        self.gain = gain
        self.output_scale = output_scale
        self.leaky_slope = leaky_slope
        self.dtype = np.dtype(dtype)
        self.seed = seed
        self.reg = reg
        self.dropout = dropout
        self.dropout_seed: int | None = None
        self.batchnorm = batchnorm
        self.bn_momentum = 0.9
        self.running_stats: dict[str, np.ndarray] = {}
        self.activations: list[np.ndarray] = []

        init_seq, dropout_seq = np.random.SeedSequence(seed).spawn(2)
        rng = np.random.default_rng(init_seq)
        self._dropout_rng = np.random.default_rng(dropout_seq)
        self.params: dict[str, np.ndarray] = {}
        for i in range(1, len(self.layer_dims)):
            shape = (self.layer_dims[i - 1], self.layer_dims[i])
            W = init_weight(
                init,
                shape,
                activation,
                rng,
                self.dtype,
                std=weight_scale if weight_scale is not None else 0.01,
                gain=gain,
                slope=leaky_slope,
            )
            if i == self.num_layers:
                W *= self.dtype.type(output_scale)
            self.params[f"W{i}"] = W
            self.params[f"b{i}"] = np.zeros(self.layer_dims[i], dtype=self.dtype)
            if batchnorm and i < self.num_layers:
                width = self.layer_dims[i]
                self.params[f"gamma{i}"] = np.ones(width, dtype=self.dtype)
                self.params[f"beta{i}"] = np.zeros(width, dtype=self.dtype)
                self.running_stats[f"mean{i}"] = np.zeros(width, dtype=self.dtype)
                self.running_stats[f"var{i}"] = np.ones(width, dtype=self.dtype)

    # --- properties ---------------------------------------------------------------------
    @property
    def num_layers(self) -> int:
        """Number of weight layers (hidden layers + the output layer)."""
        return len(self.layer_dims) - 1

    @property
    def num_classes(self) -> int:
        return self.layer_dims[-1]

    @property
    def reg(self) -> float:
        return self._reg

    @reg.setter
    def reg(self, value: float) -> None:
        self._reg = check_number("reg", value, nonnegative=True)

    @property
    def dropout(self) -> float:
        return self._dropout

    @dropout.setter
    def dropout(self, value: float) -> None:
        self._dropout = check_number("dropout", value, low=0.0, high=1.0, high_inclusive=False)

    def __repr__(self) -> str:
        extra = (
            f", weight_scale={self.weight_scale}" if self.weight_scale else f", init={self.init!r}"
        )
        bn = ", batchnorm=True" if self.batchnorm else ""
        return (
            f"{type(self).__name__}({self.layer_dims}, activation={self.activation!r}{extra}, "
            f"reg={self.reg}, dropout={self.dropout}{bn}, dtype={self.dtype.name})"
        )

    # --- checks ---------------------------------------------------------------------------
    def _check_X(self, X) -> np.ndarray:
        return check_array(
            "X", X, ndim=2, kind="float", shape=(None, self.layer_dims[0]), shape_hint="(N, D)"
        )

    def _check_y(self, y, n: int) -> np.ndarray:
        return check_labels("y", y, n=n, num_classes=self.num_classes)

    # --- forward and backward ---------------------------------------------------------------
    def _forward(self, X: np.ndarray, train: bool, keep_activations: bool):
        """Scores (N, C) and the caches for backward; no input checks."""
        use_dropout = train and self.dropout > 0
        if use_dropout:
            rng = (
                self._dropout_rng
                if self.dropout_seed is None
                else np.random.default_rng(self.dropout_seed)
            )
        caches, acts = [], []
        h = X
        for i in range(1, self.num_layers):
            a, affine_cache = layers.affine_forward(h, self.params[f"W{i}"], self.params[f"b{i}"])
            bn_cache = None
            if self.batchnorm:
                a, bn_cache = layers.batchnorm_forward(
                    a, self.params[f"gamma{i}"], self.params[f"beta{i}"], self._bn_param(i, train)
                )
            h, act_cache = layers.activation_forward(a, self.activation, self.leaky_slope)
            if keep_activations:
                acts.append(h)
            drop_cache = None
            if use_dropout:
                h, drop_cache = layers.dropout_forward(h, self.dropout, rng)
            caches.append((affine_cache, act_cache, drop_cache, bn_cache))
        L = self.num_layers
        scores, affine_cache = layers.affine_forward(h, self.params[f"W{L}"], self.params[f"b{L}"])
        caches.append(affine_cache)
        if keep_activations:
            self.activations = acts
        return scores, caches

    def _backward(self, dscores: np.ndarray, caches: list, need_dx: bool = False):
        """Gradients of the data loss for every parameter (no regularization), and dX."""
        grads = dict.fromkeys(self.params)
        L = self.num_layers
        dh, grads[f"W{L}"], grads[f"b{L}"] = layers.affine_backward(
            dscores, caches[-1], need_dx=need_dx or L > 1
        )
        for i in range(L - 1, 0, -1):
            affine_cache, act_cache, drop_cache, bn_cache = caches[i - 1]
            dh = layers.dropout_backward(dh, drop_cache)
            da = layers.activation_backward(dh, act_cache, self.activation)
            if bn_cache is not None:
                da, grads[f"gamma{i}"], grads[f"beta{i}"] = layers.batchnorm_backward(da, bn_cache)
            dh, grads[f"W{i}"], grads[f"b{i}"] = layers.affine_backward(
                da, affine_cache, need_dx=need_dx or i > 1
            )
        return grads, dh

    def _bn_param(self, i: int, train: bool) -> dict:
        """Layer i's batch-norm settings; its running averages are updated in place."""
        return {
            "mode": "train" if train else "eval",
            "momentum": self.bn_momentum,
            "running_mean": self.running_stats[f"mean{i}"],
            "running_var": self.running_stats[f"var{i}"],
        }

    def _regularization(self) -> float:
        if self.reg == 0:
            return 0.0
        # np.vdot(W, W) is sum(W ** 2) without the temporary array W ** 2 (3-4x faster)
        weights = (self.params[f"W{i}"] for i in range(1, self.num_layers + 1))
        return 0.5 * self.reg * sum(float(np.vdot(W, W)) for W in weights)

    def _loss(self, X: np.ndarray, y: np.ndarray, train: bool = True):
        """``(loss, grads)`` without input checks (used by ``train`` in its inner loop)."""
        scores, caches = self._forward(X, train=train, keep_activations=True)
        data_loss, dscores = layers.softmax_cross_entropy(scores, y)
        grads, _ = self._backward(dscores, caches)
        if self.reg:
            reg = float(self.reg)  # a NumPy float64 reg would make float64 temporaries
            for i in range(1, self.num_layers + 1):
                grads[f"W{i}"] += reg * self.params[f"W{i}"]
        return data_loss + self._regularization(), grads

    def _loss_value(self, X: np.ndarray, y: np.ndarray, train: bool = True) -> float:
        """The loss alone (forward pass only), for numerical gradients."""
        scores, _ = self._forward(X, train=train, keep_activations=False)
        return layers.softmax_cross_entropy(scores, y)[0] + self._regularization()

    # --- public API -----------------------------------------------------------------------
    def loss(self, X: np.ndarray, y: np.ndarray | None = None, *, mode: str | None = None):
        """Scores, or loss and gradients.

        Args:
            X: inputs, shape (N, D), floating point.
            y: labels, shape (N,), integers in [0, C). If ``None``, return the scores.
            mode: ``'train'`` (dropout on) or ``'eval'`` (dropout off). Default: ``'train'``
                when ``y`` is given, ``'eval'`` when it is not.

        Returns:
            ``scores`` of shape (N, C) when ``y`` is None, else ``(loss, grads)`` where
            ``loss`` is a float (data loss + L2 term) and ``grads[k]`` has the shape of
            ``params[k]``.
        """
        self._check_X(X)
        if mode is None:
            mode = "eval" if y is None else "train"
        check_choice("mode", mode, ("train", "eval"))
        if y is None:
            scores, _ = self._forward(X, train=mode == "train", keep_activations=True)
            return scores
        self._check_y(y, X.shape[0])
        return self._loss(X, y, train=mode == "train")

    def scores(self, X: np.ndarray, batch_size: int = 4096) -> np.ndarray:
        """Scores (N, C) in eval mode, computed in chunks to bound memory; keeps no state."""
        self._check_X(X)
        check_number("batch_size", batch_size, integer=True, positive=True)
        out = [
            self._forward(X[i : i + batch_size], train=False, keep_activations=False)[0]
            for i in range(0, X.shape[0], batch_size)
        ]
        return np.concatenate(out)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted classes, shape (N,), int64 (dropout off)."""
        return np.argmax(self.scores(X), axis=1)

    def input_gradient(self, X: np.ndarray, dscores: np.ndarray) -> np.ndarray:
        """Gradient with respect to the inputs, shape (N, D), given ``dscores`` (N, C) = the
        gradient of some function of the scores (eval mode). Used to check that examples in
        a batch do not mix: row i of the result is zero unless row i of dscores is nonzero.
        """
        self._check_X(X)
        check_array("dscores", dscores, ndim=2, shape=(X.shape[0], self.num_classes))
        _, caches = self._forward(X, train=False, keep_activations=False)
        _, dX = self._backward(dscores, caches, need_dx=True)
        return dX

    def get_params(self) -> dict[str, np.ndarray]:
        """A copy of the parameters (to restore later with :meth:`set_params`)."""
        return {k: v.copy() for k, v in self.params.items()}

    def set_params(self, params: dict[str, np.ndarray]) -> None:
        """Copy ``params`` into the model's arrays in place (same keys and shapes)."""
        if not isinstance(params, dict) or set(params) != set(self.params):
            got = sorted(params) if isinstance(params, dict) else type(params).__name__
            raise ValueError(f"params must be a dict with keys {sorted(self.params)}; got {got}")
        for k, v in params.items():
            check_array(f"params[{k!r}]", v, shape=self.params[k].shape, finite=False)
            if v.shape != self.params[k].shape:
                raise ValueError(
                    f"params[{k!r}] must have shape {self.params[k].shape}; got {v.shape}"
                )
        for k, v in params.items():
            np.copyto(self.params[k], v)


class TwoLayerNet(Network):
    """``Network([input_dim, hidden_dim, output_dim], ...)``: one hidden layer.

    Example:
        >>> model = TwoLayerNet(784, 100, 10, reg=1e-4, seed=0)
    """

    def __init__(
        self,
        input_dim: int = 784,
        hidden_dim: int = 100,
        output_dim: int = 10,
        activation: str = "relu",
        **kwargs,
    ) -> None:
        super().__init__([input_dim, hidden_dim, output_dim], activation, **kwargs)
