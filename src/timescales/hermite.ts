/**
 * Normalised Hermite coefficients of an activation or a target function (theory/10-timescales.md
 * (10.3)): f_k = E[f(G) He_k(G)] / sqrt(k!), G ~ N(0, 1), so that E f(G)^2 = sum_k f_k^2 and
 * E f(G) g(G_s) = sum_k f_k g_k s^k for unit Gaussians with correlation s (10.4).
 * The expectation uses the project's Gauss-Hermite rule (src/meanfield/quadrature.ts).
 */
import { requireInteger } from '../errors.ts';
import { gaussHermite } from '../meanfield/quadrature.ts';

/**
 * f_0 .. f_degree of (10.3) by an n-point Gauss-Hermite rule; the normalised polynomials
 * h_k = He_k / sqrt(k!) follow h_{k+1} = (z h_k - sqrt(k) h_{k-1}) / sqrt(k+1).
 * Exact for polynomial f of degree <= 2n - 1 - degree; for a kink (relu) the error decays like
 * n^{-3/2} (2e-5 at the default 160 points).
 */
export function hermiteCoefficients(f: (x: number) => number, degree: number, points = 160): number[] {
  requireInteger('degree', degree, 0, 60);
  requireInteger('quadrature points', points, degree + 1, 400);
  const { nodes, weights } = gaussHermite(points);
  const out = new Array<number>(degree + 1).fill(0);
  for (let j = 0; j < points; j++) {
    const z = nodes[j]!;
    const fw = f(z) * weights[j]!;
    let hPrev = 0;
    let h = 1;
    for (let k = 0; k <= degree; k++) {
      out[k]! += fw * h;
      const next = (z * h - Math.sqrt(k) * hPrev) / Math.sqrt(k + 1);
      hPrev = h;
      h = next;
    }
  }
  return out;
}
