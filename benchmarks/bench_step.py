"""One training step of a 784-256-256-10 ReLU MLP in float32: helpers vs PyTorch vs the GEMMs.

A step is forward + backward + plain SGD update on one minibatch:

* helpers: ``loss, grads = model._loss(X, y); SGD().step(model.params, grads, lr)`` with
  ``Network([784, 256, 256, 10], dtype=np.float32)``;
* PyTorch: ``nn.Sequential(Linear, ReLU, Linear, ReLU, Linear)``, ``CrossEntropyLoss``,
  ``optim.SGD``: ``zero_grad(); loss_fn(net(X), y).backward(); opt.step()``, same weights;
* matmul only: the step's 8 matrix products alone, into preallocated outputs (forward 3,
  backward dW 3 and dX 2: the first layer's input gradient is not needed), in NumPy and in
  PyTorch. This is the floor for a step built on the same BLAS.

The machine's SGEMM peak is the best of several large square ``float32`` products. Each
thread count runs in a fresh process (NumPy fixes its BLAS threads at import);
``torch.set_num_threads`` gets the same count.

Run: ``python benchmarks/bench_step.py`` (options: ``--threads 1 2 --batch-sizes 64 256 1024``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

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

DIMS = [784, 256, 256, 10]
LR = 0.01
PER_ROUND = {64: 100, 256: 30, 1024: 8}  # calls timed per round: about 0.1 s each


def step_flops(batch: int, dims: list[int] = DIMS) -> int:
    """Floating-point operations of the step's GEMMs: 2*B*din*dout per product."""
    layers = list(zip(dims[:-1], dims[1:], strict=True))
    forward = sum(2 * batch * i * o for i, o in layers)
    grad_w = forward
    grad_x = sum(2 * batch * i * o for i, o in layers[1:])  # no dX for the data
    return forward + grad_w + grad_x


def sgemm_peak(n: int = 3072, repeats: int = 6) -> float:
    """Best GFLOP/s of ``A @ B`` for random ``float32`` (n, n) matrices."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    c = np.empty_like(a)
    np.matmul(a, b, out=c)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b, out=c)
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def numpy_matmuls(X: np.ndarray, params: dict, dims: list[int] = DIMS):
    """A function doing the step's GEMMs alone (into preallocated buffers)."""
    B, L = X.shape[0], len(dims) - 1
    W = [params[f"W{i}"] for i in range(1, L + 1)]
    h = [X] + [np.ones((B, d), np.float32) for d in dims[1:]]  # layer inputs/outputs
    dh = [None] + [np.ones((B, d), np.float32) for d in dims[1:]]
    dW = [np.empty_like(w) for w in W]

    def run():
        for i in range(L):  # forward: h[i+1] = h[i] @ W[i]
            np.matmul(h[i], W[i], out=h[i + 1])
        for i in reversed(range(L)):  # backward: dW = h.T @ dout, dh = dout @ W.T
            np.matmul(h[i].T, dh[i + 1], out=dW[i])
            if i > 0:
                np.matmul(dh[i + 1], W[i].T, out=dh[i])

    return run


def torch_model(torch, params: dict, dims: list[int] = DIMS):
    """``nn.Sequential`` of Linear/ReLU with the same weights (PyTorch stores W transposed)."""
    nn = torch.nn
    mods = []
    for i in range(1, len(dims)):
        lin = nn.Linear(dims[i - 1], dims[i])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(params[f"W{i}"].T.copy()))
            lin.bias.copy_(torch.from_numpy(params[f"b{i}"]))
        mods += [lin, nn.ReLU()]
    return nn.Sequential(*mods[:-1])


def torch_matmuls(torch, X, net):
    """The same 8 GEMMs in PyTorch, into preallocated tensors."""
    W = [m.weight.detach() for m in net if isinstance(m, torch.nn.Linear)]  # (out, in)
    B, L = X.shape[0], len(W)
    h = [X] + [torch.ones(B, w.shape[0]) for w in W]
    dh = [None] + [torch.ones(B, w.shape[0]) for w in W]
    dW = [torch.empty_like(w) for w in W]

    def run():
        for i in range(L):
            torch.mm(h[i], W[i].T, out=h[i + 1])
        for i in reversed(range(L)):
            torch.mm(dh[i + 1].T, h[i], out=dW[i])  # PyTorch's dW is (out, in)
            if i > 0:
                torch.mm(dh[i + 1], W[i], out=dh[i])

    return run


def same_step_check(torch, model, net, X, y) -> float:
    """Largest relative error (norm-wise) between helpers' and PyTorch's loss and gradients."""
    loss, grads = model._loss(X, y)
    net.zero_grad()
    tl = torch.nn.functional.cross_entropy(net(torch.from_numpy(X)), torch.from_numpy(y))
    tl.backward()
    errs = [abs(loss - tl.item()) / abs(tl.item())]
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    for i, lin in enumerate(linears, start=1):
        for ours, theirs in ((grads[f"W{i}"].T, lin.weight.grad), (grads[f"b{i}"], lin.bias.grad)):
            t = theirs.numpy()
            errs.append(float(np.linalg.norm(ours - t) / np.linalg.norm(t)))
    return max(errs)


def numpy_side(threads: int, batch_sizes: list[int]) -> tuple[dict, dict]:
    """The helpers steps and NumPy GEMMs to time, and the machine info with the SGEMM peak."""
    from helpers import Network
    from helpers.optim import SGD

    info = {"machine": machine_info(), "peak_gflops": sgemm_peak()}
    fns = {}
    for B in batch_sizes:
        X, y = batch(B)
        model, opt = Network(DIMS, dtype=np.float32, seed=0), SGD()

        def helpers_step(model=model, opt=opt, X=X, y=y):
            loss, grads = model._loss(X, y)
            opt.step(model.params, grads, LR)

        fns[f"helpers {B}"] = helpers_step
        fns[f"numpy GEMMs {B}"] = numpy_matmuls(X, model.params)
    return info, fns


def torch_side(threads: int, batch_sizes: list[int]) -> tuple[dict, dict]:
    """The PyTorch steps and GEMMs to time, and how closely PyTorch's step matches helpers'."""
    from helpers import Network

    torch = import_torch(threads)
    info = {"machine": machine_info(torch), "check": {}}
    fns = {}
    if torch is None:
        return info, fns
    for B in batch_sizes:
        X, y = batch(B)
        model = Network(DIMS, dtype=np.float32, seed=0)
        net = torch_model(torch, model.params)
        info["check"][str(B)] = same_step_check(torch, model, net, X, y)
        opt = torch.optim.SGD(net.parameters(), lr=LR)
        loss_fn = torch.nn.CrossEntropyLoss()
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

        def torch_step(net=net, opt=opt, loss_fn=loss_fn, Xt=Xt, yt=yt):
            opt.zero_grad()
            loss_fn(net(Xt), yt).backward()
            opt.step()

        fns[f"torch {B}"] = torch_step
        fns[f"torch GEMMs {B}"] = torch_matmuls(torch, Xt, net)
    return info, fns


def batch(B: int) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random minibatch: ``X`` (B, 784) float32 and ``y`` (B,) int64."""
    rng = np.random.default_rng(B)
    return rng.standard_normal((B, DIMS[0]), dtype=np.float32), rng.integers(0, DIMS[-1], B)


def measure(threads: int, batch_sizes: list[int], rounds: int) -> dict:
    """Time every contender with ``threads`` threads, the two libraries taking turns."""
    args = ["--batch-sizes", *map(str, batch_sizes)]
    workers = {role: Worker(__file__, role, threads, args) for role in ("numpy", "torch")}
    has_torch = workers["torch"].info["machine"]["torch"] is not None
    out = {"threads": threads, **workers["numpy"].info, "rows": []}
    out["machine"]["torch"] = workers["torch"].info["machine"]["torch"]
    for B in batch_sizes:
        jobs = {"numpy": [f"helpers {B}", f"numpy GEMMs {B}"]}
        if has_torch:
            jobs["torch"] = [f"torch {B}", f"torch GEMMs {B}"]
        times, kept = alternate(workers, jobs, rounds=rounds, per_round=PER_ROUND.get(B, 20))
        row = {"batch": B, "flops": step_flops(B), "rounds": kept}
        row.update({name.rsplit(" ", 1)[0]: summary(t.ravel()) for name, t in times.items()})
        if has_torch:  # ratio within each round (the same background load)
            ratios = np.median(times[f"helpers {B}"], axis=1) / np.median(
                times[f"torch {B}"], axis=1
            )
            row["round_ratios"] = [float(r) for r in np.sort(ratios)]
            row["check_rel_err"] = workers["torch"].info["check"][str(B)]
        out["rows"].append(row)
    for w in workers.values():
        w.close()
    return out


def percent_of_peak(flops: int, ms: float, peak_gflops: float) -> str:
    return f"{100 * flops / (ms / 1e3) / 1e9 / peak_gflops:.0f}%"


def report(results: list[dict]) -> str:
    lines = [f"Machine: {describe_machine(results[0]['machine'])}", ""]
    has_torch = results[0]["machine"]["torch"] is not None
    if not has_torch:
        lines += [TORCH_MISSING, ""]
    headers = ["threads", "B", "helpers ms", "torch ms", "NumPy GEMMs ms", "torch GEMMs ms"]
    headers += ["helpers/torch", "helpers/GEMMs", "helpers % peak", "torch % peak"]
    rows = []
    for res in results:
        peak = res["peak_gflops"]
        for r in res["rows"]:
            h, t, mm = r["helpers"], r.get("torch"), r["numpy GEMMs"]
            rows.append(
                [
                    res["threads"],
                    r["batch"],
                    fmt_ms(h),
                    fmt_ms(t),
                    fmt_ms(mm),
                    fmt_ms(r.get("torch GEMMs")),
                    f"{np.median(r['round_ratios']):.2f}x" if t else "-",
                    f"{h['median'] / mm['median']:.2f}x",
                    percent_of_peak(r["flops"], h["median"], peak),
                    percent_of_peak(r["flops"], t["median"], peak) if t else "-",
                ]
            )
    lines.append(table(headers, rows))
    lines += [
        "",
        "Times: median [25th-75th percentile] of single steps in ms, over the rounds in which "
        "other processes left the CPU alone; helpers/torch: median of the per-round ratios; "
        "% peak: the step's GEMM FLOPs per second over the SGEMM peak.",
    ]
    for res in results:
        lines.append(
            f"{res['threads']} thread(s): SGEMM peak {res['peak_gflops']:.0f} GFLOP/s (best "
            f"3072x3072 float32 product; OpenBLAS reports {res['machine']['blas']['threads']} "
            f"thread(s))"
        )
        for r in res["rows"]:
            k = r["rounds"]
            line = (
                f"  B={r['batch']}: {k['kept']} of {k['rounds']} rounds kept (other processes "
                f"used at most {max(k['background']):.2f} cores in them)"
            )
            if "check_rel_err" in r:
                q = np.percentile(r["round_ratios"], [0, 100])
                line += (
                    f"; helpers/torch per round {q[0]:.2f} to {q[1]:.2f}; same network: loss "
                    f"and gradients agree to {r['check_rel_err']:.1e}"
                )
            lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[64, 256, 1024])
    p.add_argument("--rounds", type=int, default=12, help="turns of each library")
    p.add_argument("--json", help="also write the raw results to this file")
    p.add_argument("--serve", choices=["numpy", "torch"], help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve:
        side = numpy_side if args.serve == "numpy" else torch_side
        serve(*side(args.threads[0], args.batch_sizes))
        return
    results = [measure(t, args.batch_sizes, args.rounds) for t in args.threads]
    print(report(results))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
