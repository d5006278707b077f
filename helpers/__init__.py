"""helpers: the NumPy library of the Practical Neural-Network Training course.

One module per idea, mirroring the lessons:

- :mod:`helpers.data`: MNIST (offline sample or full set), spirals, splits, minibatches
- :mod:`helpers.layers`: forward/backward pairs (affine, activations, dropout, softmax loss)
- :mod:`helpers.init`: weight initializers (zeros, normal, LeCun, Glorot, He)
- :mod:`helpers.model`: ``Network`` and ``TwoLayerNet``
- :mod:`helpers.optim`: SGD, momentum, Adam, schedules, gradient clipping
- :mod:`helpers.train`: the training loop
- :mod:`helpers.gradcheck`: numerical gradients and gradient checking
- :mod:`helpers.lr_finder`: the learning-rate range test and its suggestion rules
- :mod:`helpers.monitor`: ``TrainingMonitor`` and per-layer training statistics
- :mod:`helpers.sanity`: the sanity checks to run before a long training run
- :mod:`helpers.doctor`: ``diagnose``, which runs the checks and names what is wrong
- :mod:`helpers.tuning`: random and grid search over hyperparameters
"""

from .data import iterate_minibatches, load_mnist, make_spirals, train_val_split
from .doctor import diagnose
from .gradcheck import gradient_check, numerical_gradient, relative_error
from .init import calculate_gain
from .lr_finder import learning_rate_range_test, plot_lr_finder, suggest_lr
from .model import Network, TwoLayerNet
from .monitor import TrainingMonitor
from .optim import SGD, Adam, Momentum, clip_grad_norm, clip_grad_value
from .sanity import run_sanity_checks
from .train import accuracy, evaluate, train
from .tuning import Choice, LogUniform, Uniform, grid_search, random_search

__all__ = [
    "SGD",
    "Adam",
    "Choice",
    "LogUniform",
    "Uniform",
    "Momentum",
    "Network",
    "TrainingMonitor",
    "TwoLayerNet",
    "accuracy",
    "calculate_gain",
    "diagnose",
    "clip_grad_norm",
    "clip_grad_value",
    "evaluate",
    "gradient_check",
    "grid_search",
    "learning_rate_range_test",
    "iterate_minibatches",
    "load_mnist",
    "make_spirals",
    "numerical_gradient",
    "plot_lr_finder",
    "random_search",
    "relative_error",
    "run_sanity_checks",
    "suggest_lr",
    "train",
    "train_val_split",
]
