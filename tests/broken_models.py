"""Networks with one deliberate bug each, for the sanity-check and doctor tests."""

from __future__ import annotations

import numpy as np

from helpers.model import Network


class BuggyBackward(Network):
    """dW1 is 1.5x too large: the relative error must be |1.5 - 1| / 1.5 = 1/3."""

    def _backward(self, dscores, caches, need_dx=False):
        grads, dh = super()._backward(dscores, caches, need_dx)
        grads["W1"] = 1.5 * grads["W1"]
        return grads, dh


class AscendingNet(Network):
    """The gradient's sign is flipped: every step goes uphill."""

    def _loss(self, X, y, train=True):
        loss, grads = super()._loss(X, y, train)
        return loss, {k: -g for k, g in grads.items()}


class NoL2Net(Network):
    """Forgets the L2 term in the loss."""

    def _regularization(self):
        return 0.0


class BatchCentering(Network):
    """Subtracts the batch mean from the inputs (forward and backward consistent): the
    gradient check passes, but outputs depend on other examples of the batch."""

    def _forward(self, X, train, keep_activations):
        return super()._forward(X - X.mean(axis=0), train, keep_activations)

    def _backward(self, dscores, caches, need_dx=False):
        grads, dh = super()._backward(dscores, caches, need_dx)
        return grads, (None if dh is None else dh - dh.mean(axis=0))


class BlindNet(Network):
    """A data-pipeline bug: the inputs never reach the network."""

    def _forward(self, X, train, keep_activations):
        return super()._forward(np.zeros_like(X), train, keep_activations)
