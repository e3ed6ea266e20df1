/**
 * Gaussian quadrature rules used by the mean-field theory and the free-probability solver
 * (theory/04-light-tailed.md section 4.6).
 *
 * - Gauss-Hermite for the standard normal weight: sum_k w_k f(z_k) ~ E[f(z)], z ~ N(0, 1),
 *   exact for polynomials of degree <= 2n - 1 (theory/04-light-tailed.md (4.20)).
 * - Gauss-Legendre on [-1, 1] (theory/04-light-tailed.md (4.21)).
 * Nodes are the roots of the orthonormal polynomials, found by Newton's method from classical
 * asymptotic starting values; weights from the derivative of the orthonormal polynomial.
 */
import { requireInteger } from '../errors.ts';

export interface QuadratureRule {
  nodes: Float64Array;
  weights: Float64Array;
}

const hermiteCache = new Map<number, QuadratureRule>();
const legendreCache = new Map<number, QuadratureRule>();

/**
 * n-point Gauss-Hermite rule for E[f(z)], z ~ N(0,1) (probabilists' normalisation: weights sum
 * to 1). Computed for the physicists' weight e^{-t^2} (orthonormal recurrence
 * p_j = t sqrt(2/j) p_{j-1} - sqrt((j-1)/j) p_{j-2}) and rescaled z = sqrt(2) t, w -> w / sqrt(pi).
 */
export function gaussHermite(n: number): QuadratureRule {
  requireInteger('quadrature points', n, 1, 400);
  const hit = hermiteCache.get(n);
  if (hit) return hit;
  const t = new Float64Array(n);
  const w = new Float64Array(n);
  const m = Math.floor((n + 1) / 2);
  let guess = 0;
  for (let i = 0; i < m; i++) {
    // Starting values for the largest roots (Szego-type asymptotics), then from the previous roots.
    if (i === 0) guess = Math.sqrt(2 * n + 1) - 1.85575 * Math.pow(2 * n + 1, -1 / 6);
    else if (i === 1) guess -= (1.14 * Math.pow(n, 0.426)) / guess;
    else if (i === 2) guess = 1.86 * guess - 0.86 * t[0]!;
    else if (i === 3) guess = 1.91 * guess - 0.91 * t[1]!;
    else guess = 2 * guess - t[i - 2]!;
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = Math.pow(Math.PI, -0.25);
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = guess * Math.sqrt(2 / j) * p2 - Math.sqrt((j - 1) / j) * p3;
      }
      dp = Math.sqrt(2 * n) * p2;
      const step = p1 / dp;
      guess -= step;
      if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(guess))) break;
    }
    t[i] = guess;
    t[n - 1 - i] = -guess;
    w[i] = 2 / (dp * dp);
    w[n - 1 - i] = w[i]!;
  }
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  // Ascending order, probabilists' scaling.
  for (let i = 0; i < n; i++) {
    nodes[i] = Math.SQRT2 * t[n - 1 - i]!;
    weights[i] = w[n - 1 - i]! / Math.sqrt(Math.PI);
  }
  const rule = { nodes, weights };
  hermiteCache.set(n, rule);
  return rule;
}

/** n-point Gauss-Legendre rule on [-1, 1]. */
export function gaussLegendre(n: number): QuadratureRule {
  requireInteger('quadrature points', n, 1, 1000);
  const hit = legendreCache.get(n);
  if (hit) return hit;
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const m = Math.floor((n + 1) / 2);
  for (let i = 0; i < m; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * x * p2 - (j - 1) * p3) / j;
      }
      dp = (n * (x * p1 - p2)) / (x * x - 1);
      const step = p1 / dp;
      x -= step;
      if (Math.abs(step) <= 1e-16) break;
    }
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = 2 / ((1 - x * x) * dp * dp);
    weights[n - 1 - i] = weights[i]!;
  }
  const rule = { nodes, weights };
  legendreCache.set(n, rule);
  return rule;
}

/** E[f(z)], z ~ N(0, 1), by n-point Gauss-Hermite. */
export function gaussianExpectation(f: (z: number) => number, n = 96): number {
  const { nodes, weights } = gaussHermite(n);
  let s = 0;
  for (let i = 0; i < n; i++) s += weights[i]! * f(nodes[i]!);
  return s;
}

// Gauss-Kronrod 7-15 nodes and weights on [-1, 1] (theory/04-light-tailed.md (4.22)).
const GK15_X = [0.991455371120812639, 0.949107912342758525, 0.864864423359769073, 0.741531185599394440, 0.586087235467691130, 0.405845151377397167, 0.207784955007898468, 0];
const GK15_WK = [0.022935322010529225, 0.063092092629978553, 0.104790010322250184, 0.140653259715525919, 0.169004726639267903, 0.190350578064785410, 0.204432940075298892, 0.209482141084727828];
const GK15_WG = [0, 0.129484966168869693, 0, 0.279705391489276668, 0, 0.381830050505118945, 0, 0.417959183673469388];

function gk15(f: (x: number) => number, a: number, b: number): { value: number; error: number; abs: number } {
  const c = 0.5 * (a + b), h = 0.5 * (b - a);
  let k = 0, g = 0, ab = 0;
  for (let i = 0; i < 8; i++) {
    const x = GK15_X[i]!;
    const f1 = i === 7 ? f(c) : f(c - h * x), f2 = i === 7 ? 0 : f(c + h * x);
    const s = f1 + f2;
    k += GK15_WK[i]! * s;
    g += GK15_WG[i]! * s;
    ab += GK15_WK[i]! * (Math.abs(f1) + Math.abs(f2));
  }
  return { value: k * h, error: Math.abs((k - g) * h), abs: ab * h };
}

/**
 * Adaptive Gauss-Kronrod (7-15) integral of f over [a, b] with the given interior breakpoints (which
 * must mark the scale of any feature narrower than an initial interval: a spike that no initial node
 * sees has error estimate 0 and is missed, as in every adaptive rule):
 * intervals are bisected, largest error first, until the summed error estimate is at most
 * max(absTol, relTol integral of |f|) (theory/04-light-tailed.md (4.22)). The returned `error` is the
 * summed Kronrod-Gauss estimate, `absIntegral` the integral of |f| (the scale that relTol refers to, so a
 * signed integrand with cancellation is judged against its size, not its small result); (Infinity if f was not finite); when the budget of `maxIntervals`
 * runs out first it is above the tolerance, and the caller decides.
 */
export function adaptiveIntegral(
  f: (x: number) => number, a: number, b: number,
  opts: { breakpoints?: readonly number[]; relTol?: number; absTol?: number; maxIntervals?: number } = {},
): { value: number; error: number; absIntegral: number; intervals: number } {
  const relTol = opts.relTol ?? 1e-12, absTol = opts.absTol ?? 0, maxIntervals = opts.maxIntervals ?? 4000;
  const cuts = [a, ...(opts.breakpoints ?? []).filter((x) => x > a && x < b), b].sort((x, y) => x - y);
  type Iv = { a: number; b: number; value: number; error: number; abs: number };
  const ivs: Iv[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) if (cuts[i + 1]! > cuts[i]!) ivs.push({ a: cuts[i]!, b: cuts[i + 1]!, ...gk15(f, cuts[i]!, cuts[i + 1]!) });
  const total = () => { let v = 0, e = 0, s = 0; for (const iv of ivs) { v += iv.value; e += iv.error; s += iv.abs; } return { v, e, s }; };
  let t = total();
  while (ivs.length < maxIntervals) {
    if (!Number.isFinite(t.v) || !Number.isFinite(t.e)) break;
    if (t.e <= Math.max(absTol, relTol * t.s)) return { value: t.v, error: t.e, absIntegral: t.s, intervals: ivs.length };
    let worst = 0;
    for (let i = 1; i < ivs.length; i++) if (ivs[i]!.error > ivs[worst]!.error) worst = i;
    const w = ivs[worst]!, m = 0.5 * (w.a + w.b);
    if (!(m > w.a && m < w.b)) break; // interval at floating-point resolution
    ivs.splice(worst, 1, { a: w.a, b: m, ...gk15(f, w.a, m) }, { a: m, b: w.b, ...gk15(f, m, w.b) });
    t = total();
  }
  return { value: t.v, error: Number.isFinite(t.e) ? t.e : Infinity, absIntegral: t.s, intervals: ivs.length };
}
