"""One epoch over 60,000 float32 images at batch size 128: helpers vs a PyTorch loop.

The network is the 784-256-256-10 ReLU MLP, plain SGD (lr 0.01). The data are 60,000
random standard-normal "images" with random labels: the full MNIST is not available offline,
and the timing of a step does not depend on the pixel values.

* ``helpers.train``: ``train(model, X, y, learning_rate=0.01, epochs=1, batch_size=128,
  progress=False)``, with everything it does per step (loss, global gradient norm, the copy
  of the weights kept for a NaN rollback, histories) and per epoch (input checks, training
  accuracy on 1,000 examples);
* helpers bare loop: shuffle, ``X[idx]``, ``model._loss``, ``SGD().step``;
* PyTorch: the usual ``nn.Module`` loop: ``perm = torch.randperm(n)``, index the data
  tensors per batch, ``zero_grad``, forward, ``CrossEntropyLoss``, ``backward``, ``step``,
  ``loss.item()`` (no DataLoader, no worker processes).

Each library runs in its own process (one pair per thread count); they take turns, epoch by
epoch, so that background load of the machine hits both alike.

Run: ``python benchmarks/bench_epoch.py`` (options: ``--threads 1 2 --rounds 5``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    TORCH_MISSING,
    Worker,
    alternate,
    describe_machine,
    fmt_ms,
    import_torch,
    machine_info,
    serve,
    summary,
    table,
)
from bench_step import DIMS, torch_model  # noqa: E402

N, BATCH, LR = 60_000, 128, 0.01


def make_data(n: int = N, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random float32 images (n, 784) and labels (n,) int64 in [0, 10)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, DIMS[0]), dtype=np.float32), rng.integers(0, 10, size=n)


def numpy_side(threads: int) -> tuple[dict, dict]:
    """helpers' ``train`` and bare loop, each with its own model, as epoch functions."""
    from helpers import Network, train
    from helpers.optim import SGD

    X, y = make_data()
    n = X.shape[0]
    model_t = Network(DIMS, dtype=np.float32, seed=0)

    def helpers_train():
        train(model_t, X, y, learning_rate=LR, epochs=1, batch_size=BATCH, progress=False)

    model_b, opt_b = Network(DIMS, dtype=np.float32, seed=0), SGD()
    rng = np.random.default_rng(0)

    def helpers_bare():
        order = rng.permutation(n)
        losses = []
        for start in range(0, n, BATCH):
            idx = order[start : start + BATCH]
            loss, grads = model_b._loss(X[idx], y[idx])
            opt_b.step(model_b.params, grads, LR)
            losses.append(loss)

    return {"machine": machine_info()}, {"train": helpers_train, "bare": helpers_bare}


def torch_side(threads: int) -> tuple[dict, dict]:
    """The usual PyTorch ``nn.Module`` training loop over the same data, as an epoch function."""
    from helpers import Network

    torch = import_torch(threads)
    if torch is None:
        return {"machine": machine_info()}, {}
    X, y = make_data()
    n = X.shape[0]
    net = torch_model(torch, Network(DIMS, dtype=np.float32, seed=0).params)
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    torch.manual_seed(0)

    def torch_loop():
        perm = torch.randperm(n)
        losses = []
        for start in range(0, n, BATCH):
            idx = perm[start : start + BATCH]
            xb, yb = Xt[idx], yt[idx]
            opt.zero_grad()
            loss = loss_fn(net(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())

    return {"machine": machine_info(torch)}, {"torch": torch_loop}


def measure(threads: int, rounds: int) -> dict:
    """Time the three epoch loops with ``threads`` threads, the libraries taking turns."""
    workers = {role: Worker(__file__, role, threads, []) for role in ("numpy", "torch")}
    has_torch = workers["torch"].info["machine"]["torch"] is not None
    jobs = {"numpy": ["train", "bare"], **({"torch": ["torch"]} if has_torch else {})}
    for role, names in jobs.items():  # warm-up: one untimed epoch each
        for name in names:
            workers[role].time(name, per_round=0, warmup=1)
    times, kept = alternate(workers, jobs, rounds=rounds, per_round=1, warmup=0)
    for w in workers.values():
        w.close()
    out = {"threads": threads, "machine": workers["torch"].info["machine"], "rounds": kept}
    out.update({name: summary(t.ravel(), scale=1.0) for name, t in times.items()})
    if has_torch:  # ratios within each round (the same background load)
        out["round_ratios"] = {
            k: [float(r) for r in np.sort(times[k].ravel() / times["torch"].ravel())]
            for k in ("train", "bare")
        }
    return out


def report(results: list[dict]) -> str:
    lines = [f"Machine: {describe_machine(results[0]['machine'])}", ""]
    has_torch = results[0]["machine"]["torch"] is not None
    if not has_torch:
        lines += [TORCH_MISSING, ""]
    headers = ["threads", "helpers train() s", "helpers bare loop s", "torch loop s"]
    headers += ["train()/torch", "bare/torch", "rounds kept"]
    rows = []
    for r in results:
        ratios = r.get("round_ratios")
        k = r["rounds"]
        rows.append(
            [
                r["threads"],
                fmt_ms(r["train"], 3),
                fmt_ms(r["bare"], 3),
                fmt_ms(r.get("torch"), 3),
                f"{np.median(ratios['train']):.2f}x" if ratios else "-",
                f"{np.median(ratios['bare']):.2f}x" if ratios else "-",
                f"{k['kept']} of {k['rounds']} (load <= {max(k['background']):.2f})",
            ]
        )
    lines.append(table(headers, rows))
    lines += [
        "",
        f"One epoch = {N:,} random float32 images (MNIST-sized; the full MNIST is not available "
        f"offline) at batch size {BATCH}, {-(-N // BATCH)} steps, 784-256-256-10 ReLU, SGD.",
        "Times: median [25th-75th percentile] over the rounds kept (those in which other "
        "processes used few cores; 'load' = their cores), in seconds; ratios: median of the "
        "per-round ratios.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--rounds", type=int, default=8, help="timed epochs of each loop")
    p.add_argument("--json", help="also write the raw results to this file")
    p.add_argument("--serve", choices=["numpy", "torch"], help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve:
        serve(*(numpy_side if args.serve == "numpy" else torch_side)(args.threads[0]))
        return
    results = [measure(t, args.rounds) for t in args.threads]
    print(report(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
