"""Peak memory (resident set size) while training on 60,000 float32 images.

Each measurement runs in a fresh Python process and reads the process's peak RSS
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) at three points:

1. the interpreter with NumPy imported (the baseline every course process pays);
2. after ``import helpers`` and making the data: 60,000 random float32 images of 784 pixels
   (MNIST-sized, 188 MB; the full MNIST is not available offline) with int64 labels, plus a
   10,000-image validation set (31 MB);
3. after ``train(model, X, y, X_val, y_val, epochs=..., batch_size=128, progress=False)``
   with ``Network([784, 256, 256, 10], dtype=np.float32)``: the peak while training.

For comparison the same is done for a PyTorch ``nn.Module`` loop on the same arrays (when
PyTorch is installed); its baseline includes ``import torch``.

Run: ``python benchmarks/bench_memory.py`` (option: ``--epochs 2``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

MB = 1e6
N_TRAIN, N_VAL, BATCH = 60_000, 10_000, 128


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MB (ru_maxrss is in KiB on Linux)."""
    scale = 1 if sys.platform == "darwin" else 1024  # macOS reports bytes
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / MB


def helpers_side(epochs: int) -> dict:
    import numpy as np

    out = {"baseline": peak_rss_mb()}
    from bench_epoch import make_data

    from helpers import Network, train

    X, y = make_data(N_TRAIN, seed=0)
    X_val, y_val = make_data(N_VAL, seed=1)
    out["data_mb"] = (X.nbytes + y.nbytes + X_val.nbytes + y_val.nbytes) / MB
    out["with_data"] = peak_rss_mb()
    model = Network([784, 256, 256, 10], dtype=np.float32, seed=0)
    h = train(model, X, y, X_val, y_val, epochs=epochs, batch_size=BATCH, progress=False)
    out["peak"] = peak_rss_mb()
    out["val_acc"] = h["val_acc_history"][-1]
    return out


def torch_side(epochs: int) -> dict:
    import numpy as np

    try:
        import torch
    except ImportError:
        return {}
    out = {"baseline": peak_rss_mb()}
    from bench_epoch import make_data
    from bench_step import DIMS, torch_model

    from helpers import Network

    X, y = make_data(N_TRAIN, seed=0)
    X_val, y_val = make_data(N_VAL, seed=1)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    out["data_mb"] = (X.nbytes + y.nbytes + X_val.nbytes + y_val.nbytes) / MB
    out["with_data"] = peak_rss_mb()
    net = torch_model(torch, Network(DIMS, dtype=np.float32, seed=0).params)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(epochs):
        perm = torch.randperm(len(yt))
        for start in range(0, len(yt), BATCH):
            idx = perm[start : start + BATCH]
            opt.zero_grad()
            loss = loss_fn(net(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            loss.item()
        with torch.no_grad():  # validation, like train() does per epoch
            net(torch.from_numpy(X_val)).argmax(1)
    out["peak"] = peak_rss_mb()
    return out


def run(role: str, epochs: int) -> dict:
    cmd = [sys.executable, __file__, "--serve", role, "--epochs", str(epochs)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--json", help="also write the raw results to this file")
    p.add_argument("--serve", choices=["helpers", "torch"], help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve:
        side = helpers_side if args.serve == "helpers" else torch_side
        print(json.dumps(side(args.epochs)))
        return

    from _common import TORCH_MISSING, table

    results = {"helpers": run("helpers", args.epochs), "torch": run("torch", args.epochs)}
    rows = []
    for name, label in (("helpers", "helpers train()"), ("torch", "PyTorch loop")):
        r = results[name]
        if not r:
            continue
        rows.append(
            [
                label,
                f"{r['baseline']:.0f}",
                f"{r['data_mb']:.0f}",
                f"{r['with_data']:.0f}",
                f"{r['peak']:.0f}",
                f"{r['peak'] - r['with_data']:.0f}",
            ]
        )
    headers = ["", "baseline MB", "data MB", "RSS with data MB", "peak RSS MB", "training adds MB"]
    print(table(headers, rows))
    print(
        f"\nPeak resident memory (ru_maxrss) of a fresh process; baseline = Python with NumPy "
        f"(and PyTorch for its row) imported. Data: {N_TRAIN:,} + {N_VAL:,} float32 images of "
        f"784 pixels; {args.epochs} epoch(s) at batch size {BATCH}, 784-256-256-10 ReLU."
    )
    if not results["torch"]:
        print(TORCH_MISSING)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
