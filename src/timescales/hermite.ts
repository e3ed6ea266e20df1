/**
 * Normalised Hermite coefficients of an activation or a target function (theory/10-timescales.md
 * (10.3)): f_k = E[f(G) He_k(G)] / sqrt(k!), G ~ N(0, 1), so that E f(G)^2 = sum_k f_k^2 and
 * E f(G) g(G_s) = sum_k f_k g_k s^k for unit Gaussians with correlation s (10.4).
 * The expectation uses the project's quadrature rules (src/meanfield/quadrature.ts): Gauss-Hermite
 * for smooth f; for f with kinks (relu, hardtanh) Gauss-Legendre panels whose ends include the kinks,
 * because Gauss-Hermite converges only like n^{-3/2} across a kink (relu's f_0 is off by 1e-3 at
 * 160 nodes) while each smooth panel converges geometrically.
 */
import { requireFinite, requireInteger } from '../errors.ts';
import { gaussHermite, gaussLegendre } from '../numerics/quadrature.ts';
import type { ActivationName } from '../spec/networkSpec.ts';

/** Points where the project's activations are not differentiable. */
export const ACTIVATION_KINKS: Record<ActivationName, number[]> = {
  sigmoid: [], tanh: [], erf: [], linear: [], relu: [0], hardtanh: [-1, 1],
};

const TAIL = 10; // N(0,1) mass beyond |z| = 10 is 1.5e-23
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Accumulate w f(z) h_k(z) into out, h_k = He_k / sqrt(k!) by h_{k+1} = (z h_k - sqrt(k) h_{k-1}) / sqrt(k+1). */
function accumulate(out: number[], z: number, fw: number): void {
  let hPrev = 0;
  let h = 1;
  for (let k = 0; k < out.length; k++) {
    out[k]! += fw * h;
    const next = (z * h - Math.sqrt(k) * hPrev) / Math.sqrt(k + 1);
    hPrev = h;
    h = next;
  }
}

/**
 * f_0 .. f_degree of (10.3). Without kinks: an n-point Gauss-Hermite rule (exact for polynomial f of
 * degree <= 2n - 1 - degree). With kinks: `points`-node Gauss-Legendre panels on [-10, 10] with
 * the kinks and the integers as panel ends, against the N(0, 1) density.
 */
export function hermiteCoefficients(f: (x: number) => number, degree: number, opts: { points?: number; kinks?: readonly number[] } = {}): number[] {
  requireInteger('degree', degree, 0, 60);
  const kinks = (opts.kinks ?? []).map((v) => requireFinite('kinks', v));
  const out = new Array<number>(degree + 1).fill(0);
  if (kinks.length === 0) {
    const points = requireInteger('quadrature points', opts.points ?? 160, degree + 1, 400);
    const { nodes, weights } = gaussHermite(points);
    for (let j = 0; j < points; j++) accumulate(out, nodes[j]!, f(nodes[j]!) * weights[j]!);
    return out;
  }
  const points = requireInteger('quadrature points', opts.points ?? 24, 2, 400);
  const { nodes, weights } = gaussLegendre(points);
  const ends = [...new Set([...kinks.filter((v) => Math.abs(v) < TAIL), ...Array.from({ length: 2 * TAIL + 1 }, (_, i) => i - TAIL)])].sort((p, q) => p - q);
  for (let p = 0; p + 1 < ends.length; p++) {
    const lo = ends[p]!, hi = ends[p + 1]!;
    const half = (hi - lo) / 2, mid = (hi + lo) / 2;
    for (let j = 0; j < points; j++) {
      const z = mid + half * nodes[j]!;
      accumulate(out, z, f(z) * weights[j]! * half * INV_SQRT_2PI * Math.exp(-0.5 * z * z));
    }
  }
  return out;
}
