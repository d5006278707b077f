"""helpers: the NumPy library of the Practical Neural-Network Training course.

One module per idea, mirroring the lessons:

- :mod:`helpers.data`: MNIST (offline sample or full set), spirals, splits, minibatches
- :mod:`helpers.layers`: forward/backward pairs (affine, activations, dropout, softmax loss)
- :mod:`helpers.init`: weight initializers (zeros, normal, LeCun, Glorot, He)
- :mod:`helpers.model`: ``Network`` and ``TwoLayerNet``
- :mod:`helpers.optim`: SGD, momentum, Adam, schedules, gradient clipping
- :mod:`helpers.train`: the training loop
- :mod:`helpers.gradcheck`: numerical gradients and gradient checking
"""

from .data import iterate_minibatches, load_mnist, make_spirals, train_val_split
from .gradcheck import gradient_check, numerical_gradient, relative_error
from .init import calculate_gain
from .model import Network, TwoLayerNet
from .optim import SGD, Adam, Momentum, clip_grad_norm, clip_grad_value
from .train import accuracy, evaluate, train

__all__ = [
    "SGD",
    "Adam",
    "Momentum",
    "Network",
    "TwoLayerNet",
    "accuracy",
    "calculate_gain",
    "clip_grad_norm",
    "clip_grad_value",
    "evaluate",
    "gradient_check",
    "iterate_minibatches",
    "load_mnist",
    "make_spirals",
    "numerical_gradient",
    "relative_error",
    "train",
    "train_val_split",
]
