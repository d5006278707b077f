"""Shared test fixtures.

``numeric_grad`` is the tests' own finite-difference gradient, written independently of
``helpers.gradcheck`` so that the library is checked against something it did not compute.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

# Tests never touch the network: the MNIST loader must use the committed sample.
os.environ.setdefault("PRACTICAL_TRAINING_OFFLINE", "1")
# One BLAS thread for reproducible numbers, here and in the kernels the tests start.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("MPLBACKEND", "Agg")


def numeric_grad(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Centered differences of the scalar f() w.r.t. every entry of x (float64)."""
    assert x.dtype == np.float64
    g = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        keep = x[i]
        x[i] = keep + h
        fp = f()
        x[i] = keep - h
        fm = f()
        x[i] = keep
        g[i] = (fp - fm) / (2 * h)
    return g


def rel_err(a: np.ndarray, b: np.ndarray) -> float:
    """CS231n's relative error, max |a-b| / max(1e-8, |a|+|b|)."""
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


@pytest.fixture(scope="session")
def mnist_sample():
    """The committed MNIST sample, standardized float32, flattened."""
    from helpers.data import load_mnist

    return load_mnist("sample", verbose=False)


def rel_err_norm(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / max(||a||, ||b||): relative error of a whole gradient array, which does not
    blow up on coordinates whose true gradient is near zero (where round-off dominates)."""
    denom = max(np.linalg.norm(a), np.linalg.norm(b), 1e-300)
    return float(np.linalg.norm(a - b) / denom)


def assert_clear_error(call, error, words, also=("got",)) -> None:
    """``call()`` raises ``error`` whose message holds every word of ``words`` and one of
    ``also`` (by default "got": what came)."""
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"
    assert any(word in message for word in also), message
