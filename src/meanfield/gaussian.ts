/**
 * Mean-field theory of pre-activations for finite-variance weights (theory/04-light-tailed.md
 * sections 4.1-4.2; Poole et al. 2016 arXiv 1606.05340, Pennington-Schoenholz-Ganguli 2017
 * arXiv 1711.04735).
 *
 * Length map  q_{l+1} = sigma_w^2 E[phi(sqrt(q_l) z)^2] + sigma_b^2, z ~ N(0,1)      (4.1)
 * (the raw second moment, not the variance: phi need not be centred, e.g. sigmoid),
 * susceptibility chi(q) = sigma_w^2 E[phi'(sqrt(q) z)^2]                              (4.3)
 * and the law of D^2 = phi'(h)^2 for h ~ N(0, q)                                       (4.4).
 *
 * Activation convention here: erf means phi(x) = erf(sqrt(pi) x / 2) (slope 1 at 0), as in the
 * issue and in Pennington et al.; the other activations are those of src/laws/activations.ts.
 */
import { InvalidSpecError, NonConvergenceError, requireFinite, requireInteger, requirePositive } from '../errors.ts';
import { erf, getActivation } from '../laws/activations.ts';
import { ACTIVATIONS, type ActivationName } from '../network/spec.ts';
import type { SolverResult } from '../types.ts';
import { gaussHermite, gaussLegendre } from './quadrature.ts';

export interface MeanFieldActivation {
  name: ActivationName;
  phi(x: number): number;
  dphi(x: number): number;
  /** phi phi'' + phi'^2 = (phi^2)''/2, used for d/dq of the length map (4.2). */
  halfSecondOfSquare(x: number): number;
  /** sup phi^2 (Infinity for unbounded activations). */
  supSquare: number;
}


export function meanFieldActivation(name: ActivationName): MeanFieldActivation {
  if (!(ACTIVATIONS as readonly string[]).includes(name)) throw new InvalidSpecError('activation', `must be one of ${ACTIVATIONS.join('|')}, got ${JSON.stringify(name)}`);
  // erf is phi(x) = erf(sqrt(pi) x/2) (4.5), as defined in src/laws/activations.ts.
  const a = getActivation(name);
  return {
    name,
    phi: a.phi,
    dphi: a.dphi,
    halfSecondOfSquare: (x) => a.phi(x) * a.d2phi(x) + a.dphi(x) ** 2,
    supSquare: name === 'relu' || name === 'linear' ? Infinity : 1,
  };
}

/** E[f(sqrt(q) z)] by composite Gauss-Legendre on z in [-12, 12] (robust for large q; theory (4.21)). */
function expectation(f: (h: number) => number, q: number): number {
  const gl = gaussLegendre(16);
  const panels = 48;
  const sq = Math.sqrt(q);
  let s = 0;
  for (let p = 0; p < panels; p++) {
    const a = -12 + (24 * p) / panels, b = a + 24 / panels;
    for (let k = 0; k < gl.nodes.length; k++) {
      const z = 0.5 * (a + b) + 0.5 * (b - a) * gl.nodes[k]!;
      s += 0.5 * (b - a) * gl.weights[k]! * Math.exp(-0.5 * z * z) * f(sq * z);
    }
  }
  return s / Math.sqrt(2 * Math.PI);
}

function checkArgs(sigmaW: number, sigmaB: number, q?: number): void {
  requirePositive('sigmaW', sigmaW);
  requireFinite('sigmaB', sigmaB);
  if (sigmaB < 0) throw new InvalidSpecError('sigmaB', `must be >= 0, got ${sigmaB}`);
  if (q !== undefined) { requireFinite('q', q); if (q < 0) throw new InvalidSpecError('q', `must be >= 0, got ${q}`); }
}

/** E[phi(sqrt(q) z)^2], closed form where one exists (theory/04-light-tailed.md (4.6)-(4.8)). */
export function secondMoment(activation: ActivationName, q: number): number {
  if (q === 0) { const v = meanFieldActivation(activation).phi(0); return v * v; }
  switch (activation) {
    case 'linear': return q;
    case 'relu': return q / 2; // (4.6)
    case 'erf': { const t = (Math.PI * q) / 2; return (2 / Math.PI) * Math.asin(t / (1 + t)); } // (4.7)
    case 'hardtanh': {
      // (4.8): q E[z^2; |z| < a] + P(|z| > a), a = 1/sqrt(q)
      const a = 1 / Math.sqrt(q);
      const inside = erf(a / Math.SQRT2);
      const pdf = Math.exp(-0.5 * a * a) / Math.sqrt(2 * Math.PI);
      return q * (inside - 2 * a * pdf) + (1 - inside);
    }
    default: {
      const act = meanFieldActivation(activation);
      return expectation((h) => act.phi(h) ** 2, q);
    }
  }
}

/** The length map (4.1): q -> sigma_w^2 E[phi(sqrt(q) z)^2] + sigma_b^2. */
export function lengthMap(activation: ActivationName, sigmaW: number, sigmaB: number, q: number): number {
  checkArgs(sigmaW, sigmaB, q);
  return sigmaW * sigmaW * secondMoment(activation, q) + sigmaB * sigmaB;
}

/** d/dq of the length map: sigma_w^2 E[(phi^2)''(sqrt(q) z)]/2 (Gaussian integration by parts, (4.2)). */
export function lengthMapSlope(activation: ActivationName, sigmaW: number, q: number): number {
  const act = meanFieldActivation(activation);
  if (activation === 'relu') return (sigmaW * sigmaW) / 2;
  if (activation === 'linear') return sigmaW * sigmaW;
  if (activation === 'hardtanh') {
    // (phi^2)'' = 2 on |h| < 1 and -2 delta(h -+ 1) at the kinks (4.2): P(|h|<1) - 2 p_h(1).
    if (q === 0) return sigmaW * sigmaW;
    const kink = Math.exp(-1 / (2 * q)) / Math.sqrt(2 * Math.PI * q);
    return sigmaW * sigmaW * (derivativeSquaredMean(activation, q) - 2 * kink);
  }
  return sigmaW * sigmaW * expectation(act.halfSecondOfSquare, q);
}

/** q_1, ..., q_L from q_1 (4.1). */
export function lengthTrajectory(activation: ActivationName, sigmaW: number, sigmaB: number, q1: number, L: number): Float64Array {
  checkArgs(sigmaW, sigmaB, q1);
  requireInteger('depth', L, 1);
  const out = new Float64Array(L);
  out[0] = q1;
  for (let l = 1; l < L; l++) out[l] = lengthMap(activation, sigmaW, sigmaB, out[l - 1]!);
  return out;
}

/**
 * The fixed point q* of the length map (4.9): for bounded phi the largest one, reached by the
 * monotone iteration from q_hi = sigma_w^2 sup phi^2 + sigma_b^2 and polished by Newton;
 * relu and linear in closed form where it exists (else NonConvergenceError).
 */
export function lengthFixedPoint(activation: ActivationName, sigmaW: number, sigmaB: number): SolverResult<number> {
  checkArgs(sigmaW, sigmaB);
  const w2 = sigmaW * sigmaW, b2 = sigmaB * sigmaB;
  if (activation === 'relu' || activation === 'linear') {
    const slope = activation === 'relu' ? w2 / 2 : w2;
    if (slope < 1) return { value: b2 / (1 - slope), diagnostics: { iterations: 0, residual: 0, converged: true, slope } };
    if (slope === 1 && b2 === 0) throw new NonConvergenceError(`${activation}: every q is a fixed point at sigma_w^2 = ${w2}, sigma_b = 0 (marginal); give q explicitly`, { slope });
    throw new NonConvergenceError(`${activation}: the length map has no finite fixed point (slope ${slope} >= 1, sigma_b^2 = ${b2})`, { slope });
  }
  const F = (q: number) => lengthMap(activation, sigmaW, sigmaB, q) - q;
  let q = w2 * meanFieldActivation(activation).supSquare + b2;
  let iterations = 0;
  // Monotone descent to the largest fixed point (the map is increasing in q).
  for (; iterations < 200; iterations++) {
    const next = lengthMap(activation, sigmaW, sigmaB, q);
    if (Math.abs(next - q) <= 1e-15 * Math.max(1, q)) { q = next; break; }
    q = next;
  }
  // Newton polish, kept inside [0, q] (the iterate is an upper bound of q*).
  for (let k = 0; k < 100 && Math.abs(F(q)) > 1e-15 * Math.max(1, q); k++, iterations++) {
    const d = lengthMapSlope(activation, sigmaW, q) - 1;
    let next = d !== 0 ? q - F(q) / d : q;
    if (!(next >= 0 && next <= q + 1e-12)) next = lengthMap(activation, sigmaW, sigmaB, q);
    if (next === q) break;
    q = next;
  }
  const residual = Math.abs(F(q));
  const converged = residual <= 1e-12 * Math.max(1, q);
  const slope = lengthMapSlope(activation, sigmaW, q);
  if (!converged) throw new NonConvergenceError(`length-map fixed point did not converge (residual ${residual})`, { iterations, residual, q });
  return { value: q, diagnostics: { iterations, residual, converged, slope } };
}

/** mu_k = E[phi'(sqrt(q) z)^{2k}] (4.10); closed form for erf, relu, linear, hardtanh. */
export function derivativeSquaredMoment(activation: ActivationName, q: number, k = 1): number {
  requireFinite('q', q);
  if (q < 0) throw new InvalidSpecError('q', `must be >= 0, got ${q}`);
  switch (activation) {
    case 'linear': return 1;
    case 'relu': return 0.5;
    case 'hardtanh': return q === 0 ? 1 : erf(1 / Math.sqrt(2 * q));
    case 'erf': return 1 / Math.sqrt(1 + Math.PI * k * q); // E[exp(-pi k q z^2/2)]  (4.11)
    default: { const act = meanFieldActivation(activation); return expectation((h) => act.dphi(h) ** (2 * k), q); }
  }
}

export function derivativeSquaredMean(activation: ActivationName, q: number): number {
  return derivativeSquaredMoment(activation, q, 1);
}

/** Susceptibility chi = sigma_w^2 E[phi'(sqrt(q) z)^2]  (4.3). */
export function susceptibility(activation: ActivationName, sigmaW: number, q: number): number {
  checkArgs(sigmaW, 0, q);
  return sigmaW * sigmaW * derivativeSquaredMean(activation, q);
}

/** The law of D^2 = phi'(sqrt(q) z)^2 (4.4). */
export type DerivativeSquaredLaw =
  | { kind: 'dirac'; at: number }
  | { kind: 'bernoulli'; p: number; at: number }
  | { kind: 'discrete'; points: Float64Array; weights: Float64Array };

/**
 * D^2 law at q: linear -> delta_1; relu -> Bernoulli(1/2); hardtanh -> Bernoulli(P(|h| < 1));
 * smooth activations -> the n-point Gauss-Hermite image measure sum_k w_k delta_{phi'(sqrt(q) z_k)^2}
 * (symmetric nodes merged: phi'^2 is even for sigmoid, tanh, erf)  (4.12).
 */
export function derivativeSquaredLaw(activation: ActivationName, q: number, points = 64): DerivativeSquaredLaw {
  requireFinite('q', q);
  if (q < 0) throw new InvalidSpecError('q', `must be >= 0, got ${q}`);
  requireInteger('quadraturePoints', points, 2, 400);
  if (activation === 'linear') return { kind: 'dirac', at: 1 };
  if (activation === 'relu') return { kind: 'bernoulli', p: 0.5, at: 1 };
  if (activation === 'hardtanh') {
    const p = derivativeSquaredMean('hardtanh', q);
    return p >= 1 ? { kind: 'dirac', at: 1 } : { kind: 'bernoulli', p, at: 1 };
  }
  const act = meanFieldActivation(activation);
  if (q === 0) return { kind: 'dirac', at: act.dphi(0) ** 2 };
  const { nodes, weights } = gaussHermite(points);
  const merged = new Map<number, number>();
  const sq = Math.sqrt(q);
  for (let k = 0; k < nodes.length; k++) {
    const z = Math.abs(nodes[k]!);
    const d = act.dphi(sq * z) ** 2;
    merged.set(d, (merged.get(d) ?? 0) + weights[k]!);
  }
  // Atoms of weight < 1e-18 (far Gauss-Hermite tails) are dropped: they change no moment or density
  // beyond rounding, and keep the inner solves of theory/03-free-multiplicative.md (3.6) short.
  const keys = [...merged.keys()].filter((d) => d > 0 && merged.get(d)! >= 1e-18).sort((a, b) => a - b);
  let total = 0;
  for (const d of keys) total += merged.get(d)!;
  return { kind: 'discrete', points: Float64Array.from(keys), weights: Float64Array.from(keys.map((d) => merged.get(d)! / total)) };
}

/**
 * Criticality at a prescribed fixed point q*: sigma_w^2 = 1 / E[phi'(sqrt(q*) z)^2] (chi = 1) and
 * sigma_b^2 = q* - sigma_w^2 E[phi(sqrt(q*) z)^2]  (4.13). Throws if sigma_b^2 < 0.
 */
export function criticalParameters(activation: ActivationName, qStar: number): { sigmaW: number; sigmaB: number } {
  requirePositive('q', qStar);
  const w2 = 1 / derivativeSquaredMean(activation, qStar);
  const b2 = qStar - w2 * secondMoment(activation, qStar);
  if (b2 < -1e-15) throw new InvalidSpecError('q', `no critical point with fixed point q* = ${qStar} for ${activation}: it needs sigma_b^2 = ${b2} < 0`);
  return { sigmaW: Math.sqrt(w2), sigmaB: Math.sqrt(Math.max(0, b2)) };
}
