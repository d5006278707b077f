"""Where the time of a training step goes: the pieces of ``train()`` at batch size 128.

Times each piece of a helpers training step and of the bookkeeping ``train()`` adds, in
microseconds per step, next to the alternatives that were considered (marked "alt"), on
MNIST-sized data (60,000 random float32 images) and the 784-256-256-10 ReLU network:

* the minibatch gather ``X[idx]`` against ``np.take`` (with and without ``out=``) and
  against slicing a shuffled copy of the data made once per epoch (amortised per step;
  that copy also costs 188 MB);
* forward + backward (``model._loss``) and its GEMMs alone; ReLU backward with
  ``np.where`` against the boolean-mask product; the L2 term with ``sum(W ** 2)`` against
  ``np.vdot(W, W)``;
* what ``train()`` adds per step: the copy of the weights kept for the NaN rollback, the
  global gradient norm, the SGD update; per epoch (amortised per step): the training
  accuracy on 1,000 examples, validation on 10,000, and the one-off NaN check of X_train.

Run: ``python benchmarks/bench_parts.py`` (options: ``--threads 1 2``, ``--batch-size``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import blas_info, table, thread_env  # noqa: E402
from bench_epoch import make_data  # noqa: E402
from bench_step import DIMS, numpy_matmuls  # noqa: E402


def per_call_us(fn, calls: int = 300, warmup: int = 20) -> float:
    """Median microseconds of ``fn(i)`` over ``calls`` calls (``i`` = call number)."""
    for i in range(warmup):
        fn(i)
    times = []
    for i in range(calls):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
    return float(np.median(times) * 1e6)


def measure(batch: int) -> list[tuple[str, float, str]]:
    from helpers import Network, evaluate
    from helpers._validate import check_array
    from helpers.optim import SGD, global_norm

    X, y = make_data()
    X_val, y_val = make_data(10_000, seed=1)
    n = X.shape[0]
    steps = -(-n // batch)
    rng = np.random.default_rng(0)
    order = rng.permutation(n)

    def rows(i: int) -> np.ndarray:  # a different random minibatch at every call
        start = (i * batch) % (n - batch)
        return order[start : start + batch]

    model = Network(DIMS, dtype=np.float32, seed=0)
    params, opt = model.params, SGD()
    Xb, yb = X[rows(0)], y[rows(0)]
    _, grads = model._loss(Xb, yb)
    previous = {k: np.empty_like(v) for k, v in params.items()}
    buf = np.empty_like(Xb)
    scores, caches = model._forward(Xb, train=True, keep_activations=False)
    h = caches[-1][0]  # the last ReLU's output, and an upstream gradient for it
    dh = rng.standard_normal(h.shape, dtype=np.float32)
    acc_rows = rng.choice(n, 1000, replace=False)
    reg_model = Network(DIMS, dtype=np.float32, seed=0, reg=1e-4)
    weights = [params[f"W{i}"] for i in range(1, len(DIMS))]

    def step(i):
        loss, g = model._loss(X[rows(i)], y[rows(i)])
        opt.step(params, g, 0.01)

    def copy_prev(i):
        for k, p in params.items():
            np.copyto(previous[k], p)

    from helpers import layers

    relu_backward = layers.relu_backward
    layers.relu_backward = lambda dout, cache: np.where(cache > 0, dout, 0)  # the old version
    loss_where = per_call_us(lambda i: model._loss(Xb, yb))
    layers.relu_backward = relu_backward

    out = [
        ("step: gather + _loss + SGD update", per_call_us(step), "the reference (100%)"),
        ("gather X[idx], y[idx]", per_call_us(lambda i: (X[rows(i)], y[rows(i)])), "used"),
        ("alt: np.take(X, idx, axis=0)", per_call_us(lambda i: np.take(X, rows(i), axis=0)), ""),
        (
            "alt: np.take(..., out=buffer)",
            per_call_us(lambda i: np.take(X, rows(i), axis=0, out=buf)),
            "",
        ),
        (
            "alt: shuffled copy X[perm] per epoch",
            per_call_us(lambda i: X[order], calls=5, warmup=1) / steps,
            "amortised; +188 MB",
        ),
        ("forward + backward (_loss)", per_call_us(lambda i: model._loss(Xb, yb)), ""),
        ("alt: _loss with np.where ReLU backward", loss_where, "before"),
        ("  its 8 GEMMs alone", per_call_us(lambda i: numpy_matmuls(Xb, params)()), ""),
        ("  ReLU backward: dout * (h > 0)", per_call_us(lambda i: dh * (h > 0)), "used, x2"),
        (
            "  alt: np.where(h > 0, dout, 0)",
            per_call_us(lambda i: np.where(h > 0, dh, 0)),
            "x2; alone",
        ),
        ("  softmax cross-entropy", per_call_us(lambda i: _softmax(scores, yb)), ""),
        ("  L2 term: np.vdot(W, W)", per_call_us(lambda i: reg_model._regularization()), "reg>0"),
        (
            "  alt: np.sum(W ** 2)",
            per_call_us(lambda i: sum(float(np.sum(W**2)) for W in weights)),
            "reg>0",
        ),
        ("train(): copy of weights for rollback", per_call_us(copy_prev), "per step"),
        ("train(): global gradient norm", per_call_us(lambda i: global_norm(grads)), "per step"),
        ("SGD update", per_call_us(lambda i: opt.step(params, grads, 0.0)), "per step"),
        (
            "train(): accuracy on 1,000 train rows",
            per_call_us(lambda i: evaluate(model, X[acc_rows], y[acc_rows]), calls=20) / steps,
            "amortised",
        ),
        (
            "train(): validation on 10,000",
            per_call_us(lambda i: evaluate(model, X_val, y_val), calls=10) / steps,
            "amortised",
        ),
        (
            "train(): NaN/inf check of X_train",
            per_call_us(lambda i: check_array("X_train", X), calls=5, warmup=1) / steps,
            "amortised, 1 epoch",
        ),
    ]
    return out


def dtype_audit() -> str:
    """Check that a float32 network stays float32 with NumPy float64 hyperparameters.

    ``10 ** np.random.uniform(...)`` gives NumPy float64 scalars; multiplied with a float32
    array they would make float64 results. Runs every activation, dropout, L2, the three
    optimizers and both clippings, and lists any array that is not float32.
    """
    from helpers import Network
    from helpers.optim import OPTIMIZERS, clip_grad_norm, clip_grad_value

    f64 = np.float64
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((16, 20), dtype=np.float32), rng.integers(0, 5, 16)
    bad = []
    for act in ("relu", "leaky_relu", "tanh", "sigmoid"):
        for name, make in OPTIMIZERS.items():
            model = Network(
                [20, 16, 5], act, dtype=np.float32, reg=f64(1e-3), dropout=f64(0.2), seed=0
            )
            model.leaky_slope = f64(0.1)
            _, grads = model._loss(X, y)
            clip_grad_norm(grads, f64(1e-3))
            clip_grad_value(grads, f64(1e-4))
            make().step(model.params, grads, f64(0.01))
            arrays = {**grads, **model.params, "activations": model.activations[0]}
            bad += [f"{act}/{name}: {k}" for k, v in arrays.items() if v.dtype != np.float32]
    return "float32 throughout" if not bad else "float64 found in " + ", ".join(bad)


def _softmax(scores, y):
    from helpers.layers import softmax_cross_entropy

    return softmax_cross_entropy(scores, y)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        parts = measure(args.batch_size)
        step = parts[0][1]
        blas = blas_info()
        print(f"{args.threads[0]} thread(s) ({blas['name']} {blas['version']}, {blas['core']}):")
        rows = [[name, f"{us:.1f}", f"{100 * us / step:.1f}%", note] for name, us, note in parts]
        print(table([f"piece (batch {args.batch_size})", "us", "of step", ""], rows))
        print(f"dtype audit with NumPy float64 hyperparameters: {dtype_audit()}\n")
        return
    for t in args.threads:
        cmd = [sys.executable, __file__, "--worker", "--threads", str(t)]
        cmd += ["--batch-size", str(args.batch_size)]
        subprocess.run(cmd, env=thread_env(t), check=True)
    print("Median microseconds per call; 'amortised' = per-epoch cost divided by the steps.")


if __name__ == "__main__":
    main()
