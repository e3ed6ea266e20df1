/**
 * Core integrals of the heavy-tailed (Levy) resolvent equations, theory/05-heavy-tailed.md
 * section 5.3, equations (5.12)-(5.14):
 *
 *   Phi(u, y) = (1/Gamma(beta)) int_0^inf t^{beta-1} exp(-t u - c_beta y t^beta) dt      (5.12)
 *   Psi(u, y) = int_0^inf exp(-t u - c_beta y t^beta) dt                                  (5.13)
 *   dPhi/dy   = -(c_beta/Gamma(beta)) int_0^inf t^{2 beta-1} exp(-t u - c_beta y t^beta) dt
 *
 * with beta = alpha/2, c_beta = Gamma(1 - beta), u = -i z (Re u = Im z >= 0) and y in the sector
 * |arg y| < beta pi/2. The integrals are evaluated along a rotated ray t = r e^{i theta} (5.15), on
 * which both exponents have positive real part, by exp-sinh (double-exponential) quadrature
 * r = r0 exp((pi/2) sinh tau) with a trapezoid rule in tau (Takahasi-Mori).
 *
 * Complex numbers are plain pairs {re, im} from ./complex.ts; everything is scalar and allocation-light.
 */


import { logGamma } from '../numerics/special.ts';
import { abs as cabs, arg as carg, cis, mul as cmul, scale as cscale, type Complex } from './complex.ts';

export const gamma = (x: number): number => Math.exp(logGamma(x));

/**
 * Exp-sinh quadrature of int_0^inf r^{p_k} exp(-A r - B r^g) dr for several powers p_k at once
 * (each p_k > -1), requiring Re A >= 0 and Re B > 0 (or Re A > 0). Returns the sums and the
 * number of nodes. `h` is the trapezoid step in tau; the rule converges double-exponentially.
 */
export function rayIntegrals(A: Complex, B: Complex, g: number, powers: readonly number[], h: number): { values: Complex[]; nodes: number; errorEstimate: number } {
  // Natural scale: where |A| r + |B| r^g ~ 1.
  const r0 = 1 / (cabs(A) + Math.pow(cabs(B), 1 / g));
  const K = powers.length;
  const sre = new Float64Array(K);
  const sim = new Float64Array(K);
  // Sums over even k only: the trapezoid rule with step 2h is twice these (error estimate).
  const ere2 = new Float64Array(K);
  const eim2 = new Float64Array(K);
  const minP = Math.min(...powers);
  const HALF_PI = Math.PI / 2;
  let nodes = 0;
  for (const dir of [1, -1]) {
    for (let k = dir === 1 ? 0 : 1; k < 4000; k++) {
      const tau = dir * k * h;
      const sh = Math.sinh(tau);
      const r = r0 * Math.exp(HALF_PI * sh);
      const w = h * HALF_PI * Math.cosh(tau) * r;
      const rg = Math.pow(r, g);
      const ere = A.re * r + B.re * rg;
      const eim = A.im * r + B.im * rg;
      nodes++;
      if (dir === 1 && ere > 50) break;
      const mag = Math.exp(-ere);
      const c = Math.cos(eim);
      const s = -Math.sin(eim);
      const lr = Math.log(r);
      for (let i = 0; i < K; i++) {
        const f = w * mag * Math.exp(powers[i]! * lr);
        sre[i] += f * c;
        sim[i] += f * s;
        if (k % 2 === 0) { ere2[i] += f * c; eim2[i] += f * s; }
      }
      // Leftward: the smallest power dominates; stop once its weight is negligible.
      if (dir === -1 && w * Math.exp(minP * lr) < 1e-18 * r0 ** (minP + 1)) break;
      if (!Number.isFinite(r) || r === 0) break;
    }
  }
  const values: Complex[] = [];
  let errorEstimate = 0;
  for (let i = 0; i < K; i++) {
    values.push({ re: sre[i]!, im: sim[i]! });
    const d = Math.hypot(sre[i]! - 2 * ere2[i]!, sim[i]! - 2 * eim2[i]!) / Math.max(Math.hypot(sre[i]!, sim[i]!), 1e-300);
    errorEstimate = Math.max(errorEstimate, d);
  }
  return { values, nodes, errorEstimate };
}

/** Quadrature step used by the solvers; DEFAULT_STEP/2 is used for the certificate. */
export const DEFAULT_STEP = 1 / 32;

export interface PhiPsi {
  phi: Complex;
  dphi: Complex;
  psi: Complex;
  nodes: number;
}

/**
 * Phi(u, y), dPhi/dy(u, y), Psi(u, y) of (5.12)-(5.13) for beta in (0, 1).
 * The ray angle theta is chosen by (5.15): see the comment in the body.
 */
export function levyPhiPsi(beta: number, u: Complex, y: Complex, h = DEFAULT_STEP): PhiPsi {
  const cb = gamma(1 - beta);
  const gb = gamma(beta);
  const au = carg(u);
  const ay = carg(y);
  const HALF_PI = Math.PI / 2;
  const mu = cabs(u);
  const my = cabs(y) * cb;
  // Ray angle (5.15). Rotating t -> r e^{i theta} is allowed when the integrand decays on the arc:
  // Re(u e^{i phi}) > 0 for phi between 0 and theta (the linear term beats r^beta), or, where
  // Re(u e^{i phi}) = 0, Re(y e^{i beta phi}) > 0. When Re(y e^{i beta theta}) < 0 the integrand first
  // grows like exp(|Re B| r^beta - Re A r); we accept such rays only if that growth stays below e^2
  // (bounded cancellation). Among admissible candidates, take the one with the least phase
  // accumulated before the integrand has decayed by e^{-30} (fewest oscillations for the trapezoid rule).
  // Pass 1: rays with Re(u e^{i theta}) >= 0 and Re(y e^{i beta theta}) > 0 (no growth). Pass 2 (only
  // if pass 1 leaves a phase above 60, ~10 oscillations): rays with Re(u e^{i theta}) > 0 and bounded growth.
  const safeLo = Math.max(-HALF_PI - au, (-HALF_PI - ay) / beta);
  const safeHi = Math.min(HALF_PI - au, (HALF_PI - ay) / beta);
  const cost = (t: number): number => {
    const aRe = mu * Math.cos(au + t), aIm = Math.abs(mu * Math.sin(au + t));
    const bRe = my * Math.cos(ay + beta * t), bIm = Math.abs(my * Math.sin(ay + beta * t));
    if (bRe <= 0) {
      if (!(aRe > 0)) return Infinity;
      // max_r (|bRe| r^beta - aRe r) at r* = (beta |bRe| / aRe)^{1/(1-beta)}.
      const rs = Math.pow((beta * -bRe) / aRe, 1 / (1 - beta));
      if (-bRe * Math.pow(rs, beta) - aRe * rs > 2) return Infinity;
    }
    // r30 with aRe r + bRe r^beta = 30 (the set where it exceeds 30 is a half-line): bisection on log r.
    let l = -50, r = 50;
    for (let k = 0; k < 24; k++) {
      const m = (l + r) / 2;
      const rr = Math.exp(m);
      if (aRe * rr + bRe * Math.pow(rr, beta) > 30) r = m; else l = m;
    }
    const r30 = Math.exp(r);
    return aIm * r30 + bIm * Math.pow(r30, beta);
  };
  const search = (lo: number, hi: number): [number, number][] => {
    const out: [number, number][] = [];
    const cands = [-au];
    for (let j = 0; j < 12; j++) cands.push(lo + ((hi - lo) * (j + 0.5)) / 12);
    for (const t of cands) {
      if (!(t > lo && t < hi)) continue;
      const c = cost(t);
      if (Number.isFinite(c)) out.push([c, t]);
    }
    return out.sort((p, q) => p[0] - q[0]);
  };
  // Try order: the best safe ray, the best ray with bounded growth, then the rest by cost.
  const safe = safeHi > safeLo ? search(safeLo, safeHi) : [];
  const grow = mu > 0 ? search(-HALF_PI - au, HALF_PI - au) : [];
  const rest = [...safe.slice(1), ...grow.slice(1)].sort((p, q) => p[0] - q[0]);
  const scored = [...safe.slice(0, 1), ...grow.slice(0, 1), ...rest];
  if (scored.length === 0) throw new RangeError(`levyPhiPsi: no admissible ray (arg u=${au}, arg y=${ay}, beta=${beta})`);
  // Self-check: accept the first ray (in cost order) whose step-h and step-2h rules agree to 1e-7
  // relative (the step-h error is then far smaller: double-exponential convergence); otherwise keep
  // the best-agreeing one (the solvers' certificate at h/2 decides).
  let theta = scored[0]![1];
  let quad: ReturnType<typeof rayIntegrals> | null = null;
  for (let k = 0; k < Math.min(8, scored.length); k++) {
    const t = scored[k]![1];
    const A = cmul(u, cis(t));
    const B = cmul(cscale(y, cb), cis(beta * t));
    const q = rayIntegrals(A, B, beta, [beta - 1, 2 * beta - 1, 0], h);
    if (quad === null || q.errorEstimate < quad.errorEstimate) { quad = q; theta = t; }
    if (q.errorEstimate < 1e-7) break;
  }
  const { values, nodes } = quad!;
  const phi = cscale(cmul(cis(beta * theta), values[0]!), 1 / gb);
  const dphi = cscale(cmul(cis(2 * beta * theta), values[1]!), -cb / gb);
  const psi = cmul(cis(theta), values[2]!);
  return { phi, dphi, psi, nodes };
}
