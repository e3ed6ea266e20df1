"""Independent reference for the Kac-Rice estimator at N = 1, L = 1 (writes test/fixtures/kacrice-n1.json).

For one neuron x = phi(w x + b) the fixed points are the solutions u of c(u) = u - w phi(u) = b, x = phi(u).
For fixed w, c is piecewise monotone between the points where phi'(u) = 1/|w| (where c' = 1 - w phi'(u)
changes sign for w > 0, and where |w phi'(u)| = 1 changes the stability for w < 0). On each piece
[l, r] both the sign of c' and the stability (|w phi'(u)| < 1) are constant, and the expected number of
solutions in it over b ~ p_b is |F_b(c(r)) - F_b(c(l))| (F_b the bias CDF; c(+-inf) = +-inf). So
E[# | w] is a finite sum of CDF differences, and E[#] = int p_w(w) E[# | w] dw is one 1-D quadrature
(scipy.integrate.quad; Cauchy weights through w = s tan(theta)). Nothing here shares code with the
TypeScript estimator. Run: python3 scripts/gen_kacrice_n1_fixture.py (numpy, scipy).
"""
import json
import math
from pathlib import Path

import numpy as np
from scipy import integrate, special, stats

ACT = {
    # phi, phi', and u where phi'(u) = y (the u >= 0 solution; phi' is even)
    "sigmoid": (special.expit, lambda u: special.expit(u) * (1 - special.expit(u)),
                lambda y: special.logit((1 + math.sqrt(1 - 4 * y)) / 2) if y < 0.25 else None),
    "tanh": (np.tanh, lambda u: 1 - np.tanh(u) ** 2, lambda y: math.atanh(math.sqrt(1 - y)) if y < 1 else None),
}


def count_given_w(act, w, bias_cdf):
    phi, dphi, uof = ACT[act]
    breaks = []
    if w != 0:
        u0 = uof(1 / abs(w))
        if u0 is not None and u0 > 0:
            breaks = [-u0, u0]
    pts = [-math.inf] + breaks + [math.inf]
    c = lambda u: (-math.inf if u == -math.inf else math.inf if u == math.inf else u - w * phi(u))
    all_, stable = 0.0, 0.0
    for l, r in zip(pts[:-1], pts[1:]):
        mass = abs(bias_cdf(c(r)) - bias_cdf(c(l)))
        mid = 0.0 if (l == -math.inf and r == math.inf) else (l + 1 if r == math.inf else (r - 1 if l == -math.inf else 0.5 * (l + r)))
        all_ += mass
        if abs(w * dphi(mid)) < 1:
            stable += mass
    return all_, stable


def expected(act, wlaw, sw, blaw, sb):
    bias_cdf = (lambda x: stats.norm.cdf(x / sb)) if blaw == "gaussian" else (lambda x: stats.cauchy.cdf(x / sb))
    out = []
    for k in (0, 1):
        if wlaw == "gaussian":
            f = lambda w: stats.norm.pdf(w / sw) / sw * count_given_w(act, w, bias_cdf)[k]
            pts = [-4 / 1.0, 4.0] if act == "sigmoid" else [-1.0, 1.0]
            v, _ = integrate.quad(f, -12 * sw, 12 * sw, points=pts, limit=400, epsabs=1e-11, epsrel=1e-11)
        else:  # cauchy: w = sw tan(theta), density -> uniform on (-pi/2, pi/2) / pi
            f = lambda th: count_given_w(act, sw * math.tan(th), bias_cdf)[k] / math.pi
            thb = [math.atan(4 / sw), -math.atan(4 / sw)] if act == "sigmoid" else [math.atan(1 / sw), -math.atan(1 / sw)]
            v, _ = integrate.quad(f, -math.pi / 2, math.pi / 2, points=thb, limit=400, epsabs=1e-11, epsrel=1e-11)
        out.append(v)
    return out


CASES = [
    ("sigmoid", "gaussian", 1.0, "gaussian", 1.0),
    ("sigmoid", "gaussian", 8.0, "gaussian", 1.0),
    ("sigmoid", "cauchy", 1.0, "gaussian", 1.0),
    ("sigmoid", "cauchy", 10.0, "gaussian", 2.0),
    ("sigmoid", "gaussian", 10.0, "cauchy", 1.0),
    ("tanh", "gaussian", 3.0, "gaussian", 0.5),
]

cases = []
for act, wl, sw, bl, sb in CASES:
    a, s = expected(act, wl, sw, bl, sb)
    cases.append({"activation": act, "weights": wl, "sigmaW": sw, "bias": bl, "sigmaB": sb, "all": a, "stable": s})
    print(act, wl, sw, bl, sb, a, s)

doc = {
    "provenance": "scripts/gen_kacrice_n1_fixture.py: N = 1, L = 1, raw scaling; E[# fixed points] and E[# stable] by CDF differences over monotone pieces of c(u) = u - w phi(u) and 1-D quadrature over w (scipy.integrate.quad, tolerance 1e-11)",
    "cases": cases,
}
Path(__file__).resolve().parent.parent.joinpath("test/fixtures/kacrice-n1.json").write_text(json.dumps(doc, indent=1) + "\n")
