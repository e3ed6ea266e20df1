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
