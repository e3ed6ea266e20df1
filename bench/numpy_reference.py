#!/usr/bin/env python3
"""NumPy reference timings for bench/linalg.bench.ts and bench/network.bench.ts (issue 6).

Usage: python3 bench/numpy_reference.py [--sizes 100,400,1000] [--network-sizes 100,400] [--train-step N,L,P]
Prints one JSON object: per-kernel best-of-repeats milliseconds at each N, and network-level
throughputs (batched forward passes per second; Jacobian + singular values per second) for
L = 10, sigmoid, Gaussian weights sigma_w / sqrt(N) with sigma_w = 1, Gaussian biases, batch 256.
The kernels are the same operations as the TypeScript bench: GEMM (A B), matvec, LU solve,
symmetric eigenvalues (eigvalsh), singular values (svd, compute_uv=False), eigenvalues (eigvals).
"""
import argparse
import json
import os
import sys
import time

import numpy as np


def best_ms(fn, budget=0.4, max_reps=25):
    fn()  # warm-up
    best = float("inf")
    spent = 0.0
    reps = 0
    while reps < max_reps and (reps < 2 or spent < budget):
        t = time.perf_counter()
        fn()
        dt = time.perf_counter() - t
        best = min(best, dt)
        spent += dt
        reps += 1
        if dt > 2.0:
            break
    return best * 1e3


# Repetitions of a dense kernel at most (within best_ms's 400 ms budget): the same rule as
# bench/linalg.bench.ts TIMING.
KERNEL_MAX_REPS = 200


def kernels(sizes):
    rng = np.random.default_rng(20261123)
    out = {}
    for n in sizes:
        a = rng.standard_normal((n, n))
        b = rng.standard_normal((n, n))
        s = 0.5 * (a + a.T)
        x = rng.standard_normal(n)
        out[str(n)] = {
            "gemm": best_ms(lambda: a @ b, max_reps=KERNEL_MAX_REPS),
            "matvec": best_ms(lambda: a @ x, max_reps=KERNEL_MAX_REPS),
            "luSolve": best_ms(lambda: np.linalg.solve(a, x), max_reps=KERNEL_MAX_REPS),
            "symmetricEigenvalues": best_ms(lambda: np.linalg.eigvalsh(s), max_reps=KERNEL_MAX_REPS),
            "singularValues": best_ms(lambda: np.linalg.svd(a, compute_uv=False), max_reps=KERNEL_MAX_REPS),
            "eigenvalues": best_ms(lambda: np.linalg.eigvals(a), max_reps=KERNEL_MAX_REPS),
        }
    return out


def sigmoid(h):
    return 1.0 / (1.0 + np.exp(-h))


def network(sizes, depth=10, batch=256):
    rng = np.random.default_rng(7)
    out = {}
    for n in sizes:
        ws = [rng.standard_normal((n, n)) / np.sqrt(n) for _ in range(depth)]
        wts = [w.T.copy() for w in ws]
        bs = [rng.standard_normal(n) for _ in range(depth)]
        X = rng.uniform(size=(batch, n))

        def fwd():
            h = X
            for wt, b in zip(wts, bs):
                h = sigmoid(h @ wt + b)
            return h

        x0 = rng.uniform(size=n)

        def jac_svd():
            x = x0
            J = None
            for w, b in zip(ws, bs):
                h = w @ x + b
                x = sigmoid(h)
                d = x * (1 - x)  # sigmoid'(h)
                M = w if J is None else w @ J
                J = d[:, None] * M
            return np.linalg.svd(J, compute_uv=False)

        t_fwd = best_ms(fwd)
        t_js = best_ms(jac_svd)
        out[str(n)] = {
            "forwardBatchMs": t_fwd,
            "forwardPassesPerSecond": batch / (t_fwd / 1e3),
            "jacobianSvdMs": t_js,
            "jacobianSvdPerSecond": 1e3 / t_js,
        }
    return out


def train_step(spec):
    """One full-batch Adam step (forward, MSE autoencoder loss, backprop, Adam update with bias
    correction, beta1 0.9, beta2 0.999, eps 1e-8, lr 0.01) of an N -> N sigmoid network, depth L,
    P patterns in {0.1, 0.9}^N, Gaussian weights 4 g / sqrt(N), zero biases: the arithmetic of
    src/training/backprop.ts lossAndGradient + train.ts applyUpdate (theory/07 (7.1)-(7.8))."""
    n, depth, P = spec
    rng = np.random.default_rng(11)
    ws = [4 * rng.standard_normal((n, n)) / np.sqrt(n) for _ in range(depth)]
    bs = [np.zeros(n) for _ in range(depth)]
    X = np.where(rng.uniform(size=(P, n)) < 0.5, 0.1, 0.9)
    params = ws + bs
    m = [np.zeros_like(q) for q in params]
    v = [np.zeros_like(q) for q in params]
    state = {"t": 0}

    def step():
        xs = [X]
        for w, b in zip(ws, bs):
            xs.append(sigmoid(xs[-1] @ w.T + b))
        Y = xs[-1]
        G = 2.0 * (Y - X) / Y.size
        gw = [None] * depth
        gb = [None] * depth
        for l in range(depth - 1, -1, -1):
            D = G * xs[l + 1] * (1 - xs[l + 1])
            gw[l] = D.T @ xs[l]
            gb[l] = D.sum(axis=0)
            if l > 0:
                G = D @ ws[l]
        state["t"] += 1
        t = state["t"]
        c1 = 1 - 0.9 ** t
        c2 = 1 - 0.999 ** t
        for k, g in enumerate(gw + gb):
            m[k] *= 0.9
            m[k] += 0.1 * g
            v[k] *= 0.999
            v[k] += 0.001 * g * g
            params[k] -= 0.01 * (m[k] / c1) / (np.sqrt(v[k] / c2) + 1e-8)

    return {"adamStepMs": best_ms(step, budget=1.0, max_reps=50), "N": n, "L": depth, "P": P}


def landscape_gd(spec):
    """Full-batch GD on the one-hidden-layer ReLU network of arXiv 2402.05626's 5-point experiment
    (inputs (x, 1), width r, init 50^-3 N(0, 1), lr 1e-3): the arithmetic of
    src/landscape/gd.ts gradientDescent (theory/09 (9.3)-(9.4)), timed over `steps` steps."""
    r, steps = spec
    X = np.array([[-1, 1], [-0.6, 1], [-0.1, 1], [0.3, 1], [0.7, 1]], dtype=float)
    Y = np.array([[0.28], [-0.1], [0.03], [0.23], [-0.22]])
    rng = np.random.default_rng(0)
    W = 50.0 ** -3 * rng.standard_normal((r, 2))
    H = 50.0 ** -3 * rng.standard_normal((r, 1))
    c = 2.0 / Y.size

    def run():
        nonlocal W, H
        for _ in range(steps):
            Z = X @ W.T
            S = (Z > 0).astype(float)
            A = S * Z
            E = A @ H - Y
            gH = c * A.T @ E
            gW = c * ((E @ H.T) * S).T @ X
            W -= 1e-3 * gW
            H -= 1e-3 * gH

    ms = best_ms(run, budget=1.0, max_reps=3)
    return {"stepUs": ms * 1e3 / steps, "r": r, "steps": steps}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="100,400,1000")
    p.add_argument("--network-sizes", default="100,400")
    p.add_argument("--depth", type=int, default=10)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--train-step", default="", help="N,L,P of a full-batch Adam step to time (empty: none)")
    p.add_argument("--landscape-gd", default="", help="R,STEPS: GD steps of the 5-point landscape experiment at width R (empty: none)")
    args = p.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    nsizes = [int(s) for s in args.network_sizes.split(",") if s]
    cfg = np.show_config(mode="dicts") if hasattr(np, "show_config") else {}
    blas = ""
    try:
        blas = cfg["Build Dependencies"]["blas"]["name"] + " " + cfg["Build Dependencies"]["blas"].get("version", "")
    except Exception:
        pass
    result = {
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "blas": blas,
        "cpus": os.cpu_count(),
        "kernels": kernels(sizes) if sizes else {},
        "network": network(nsizes, args.depth, args.batch) if nsizes else {},
        "depth": args.depth,
        "batch": args.batch,
        "train": train_step([int(s) for s in args.train_step.split(",")]) if args.train_step else None,
        "landscape": landscape_gd([int(s) for s in args.landscape_gd.split(",")]) if args.landscape_gd else None,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
