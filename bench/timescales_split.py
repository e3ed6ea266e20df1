#!/usr/bin/env python3
"""Why jacobian-esd does not integrate the time-scale ODE by splitting (theory/10-timescales.md 10.4).

Strang splitting of (10.6)-(10.7): the linear a-block solved exactly for frozen s (its exponential,
through the eigenvectors of H (10.8)), then s advanced by one RK4 step with a frozen, then the
a-block again. Fixed steps on a log grid from t = 1e-8 to 1, N per decade (no error estimate).
Prints one JSON line per (eps, N): the t_1, t_2 it finds (first grid time with |r_l| < 1/2, so
quantised to the grid) or the time at which it overflowed.
Usage: python3 bench/timescales_split.py [EPS,EPS,..] [N,N,..]   (defaults 1e-8,1e-10 and 100,400)
Run by bench/timescales.bench.ts at the bench's eps (numpy + scipy; a few seconds per line).
"""
import json
import sys
import warnings

import numpy as np
from scipy.stats import norm

warnings.filterwarnings("ignore")
sig = np.array([0.0, 1.0, 1.0])
phi = np.array([0.0, 1.0, 1.0])
m = 200
ks = np.arange(3)
a0 = norm.ppf((np.arange(1, m + 1) - 0.5) / m)


def resid(a, s):
    P = s[None, :] ** ks[:, None]
    return phi - sig * (P * a[None, :]).mean(1), P


def a_step(a, s, h, eps):
    r, P = resid(a, s)
    B = sig[:, None] * P
    lam, Q = np.linalg.eigh(B @ B.T / m)
    x = h * np.maximum(lam, 0) / eps
    f = np.where(x > 1e-12, -np.expm1(-x) / np.where(lam > 0, lam, 1), h / eps)
    return a + B.T @ (Q @ (f * (Q.T @ r)))


def s_dot(a, s):
    r, P = resid(a, s)
    dP = np.zeros_like(P)
    dP[1:] = ks[1:, None] * s[None, :] ** (ks[1:, None] - 1)
    return (1 - s * s) * a * ((sig * r) @ dP)


def run(eps, per_decade):
    a, s, t = a0.copy(), np.zeros(m), 0.0
    found = [None, None]
    for tn in np.logspace(-8, 0, 8 * per_decade + 1):
        h = tn - t
        try:
            a = a_step(a, s, h / 2, eps)
            k1 = s_dot(a, s); k2 = s_dot(a, s + h / 2 * k1); k3 = s_dot(a, s + h / 2 * k2); k4 = s_dot(a, s + h * k3)
            s = s + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            a = a_step(a, s, h / 2, eps)
        except np.linalg.LinAlgError:
            return {"eps": eps, "perDecade": per_decade, "overflowAt": tn}
        t = tn
        r, _ = resid(a, s)
        if not np.all(np.isfinite(r)) or not np.all(np.isfinite(s)):
            return {"eps": eps, "perDecade": per_decade, "overflowAt": t}
        for l in (1, 2):
            if found[l - 1] is None and abs(r[l]) < 0.5:
                found[l - 1] = t
    return {"eps": eps, "perDecade": per_decade, "t1": found[0], "t2": found[1]}


if __name__ == "__main__":
    eps_list = [float(e) for e in (sys.argv[1] if len(sys.argv) > 1 else "1e-8,1e-10").split(",")]
    steps = [int(n) for n in (sys.argv[2] if len(sys.argv) > 2 else "100,400").split(",")]
    for eps in eps_list:
        for n in steps:
            print(json.dumps(run(eps, n)), flush=True)
