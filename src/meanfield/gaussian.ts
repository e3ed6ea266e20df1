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
import { erf } from '../numerics/special.ts';
import { InvalidSpecError, NonConvergenceError, requireFinite, requireInteger, requirePositive } from '../errors.ts';
import { getActivation } from '../laws/activations.ts';
import { ACTIVATIONS, type ActivationName } from '../spec/networkSpec.ts';
import type { SolverResult } from '../types.ts';
import { adaptiveIntegral, gaussHermite, gaussLegendre } from '../numerics/quadrature.ts';

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

/**
 * Breakpoints in z for E[f(sqrt(q) z)]: the activation's features sit at |h| of order 1, i.e. at
 * |z| ~ 1/sqrt(q), and the Gaussian weight at |z| of order 1 (theory/04-light-tailed.md (4.21)).
 */
function gaussianBreakpoints(q: number): number[] {
  const sq = Math.sqrt(q);
  const out = new Set<number>([0]);
  for (const h of [0.25, 0.5, 1, 2, 4, 8, 16, 32]) { const z = h / sq; if (z < Z_MAX) { out.add(z); out.add(-z); } }
  for (const z of [1, 2, 4, 8, 16]) { out.add(z); out.add(-z); }
  return [...out].sort((a, b) => a - b);
}

/** Relative level below which an atom of the quantised D^2 law is put at 0 (4.25). */
export const D2_ZERO_FLOOR = 1e-12;

/** |z| beyond which the standard Gaussian density underflows (e^{-40^2/2} = 0 in doubles). */
const Z_MAX = 40;

/**
 * E[f(sqrt(q) z)], z ~ N(0, 1), by adaptive Gauss-Kronrod on z in [-40, 40] with breakpoints at the
 * activation's scale (theory (4.21)-(4.22)): accurate at any q, including q >> 1 where phi'(sqrt(q) z)
 * is a spike of width 1/sqrt(q). Throws NonConvergenceError if the relative tolerance is not met.
 */
export function gaussianImageExpectation(f: (h: number) => number, q: number, relTol = 1e-12): { value: number; error: number } {
  const sq = Math.sqrt(q);
  const g = (z: number) => Math.exp(-0.5 * z * z) * f(sq * z);
  const r = adaptiveIntegral(g, -Z_MAX, Z_MAX, { breakpoints: gaussianBreakpoints(q), relTol, absTol: 1e-300 });
  const value = r.value / Math.sqrt(2 * Math.PI), error = r.error / Math.sqrt(2 * Math.PI);
  if (!Number.isFinite(value) || !(r.error <= Math.max(1e-300, relTol * r.absIntegral))) {
    throw new NonConvergenceError(`a Gaussian expectation at pre-activation variance q = ${q} could not be computed to relative accuracy ${relTol} (estimate ${value}, error ${error})`, { q, value, error });
  }
  return { value, error };
}

function expectation(f: (h: number) => number, q: number): number {
  return gaussianImageExpectation(f, q).value;
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

/**
 * mu_1(q) = E[phi'(sqrt(q) z)^2] by adaptive Gauss-Kronrod quadrature for every activation (no closed
 * form, no discretised law): the independent reference of the first-moment self-check (4.26).
 */
export function derivativeSquaredMeanByQuadrature(activation: ActivationName, q: number): { value: number; error: number } {
  requireFinite('q', q);
  if (q < 0) throw new InvalidSpecError('q', `must be >= 0, got ${q}`);
  const act = meanFieldActivation(activation);
  if (q === 0) return { value: act.dphi(0) ** 2, error: 0 };
  return gaussianImageExpectation((h) => act.dphi(h) ** 2, q, 1e-11);
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
 * D^2 law at q (4.12): linear -> delta_1; relu -> Bernoulli(1/2); hardtanh -> Bernoulli(P(|h| < 1));
 * smooth activations (sigmoid, tanh, erf: phi'^2 even and decreasing in |h|) -> the Gauss-Hermite image
 * measure where it reproduces mu_1 and mu_2 to 1e-10 (4.12), otherwise (saturating pre-activations,
 * q >> 1, where Gauss-Hermite nodes miss the spike of phi'^2 at h = 0) a quantisation in u = |z| adapted
 * to the law (4.23): [0, 40] is cut into `points` cells of equal measure
 * nu = (P + D^2 P / mu_1)/2 (half probability, half first moment, so the spike of phi'^2 at h = 0 is
 * resolved however large q is, and so is the bulk where D^2 ~ 0); each cell becomes one atom of its
 * exact probability at its conditional mean E[D^2 | cell]. Mass 1 and the first moment mu_1 are kept by
 * construction (4.24); a cell whose D^2 underflows is an atom at 0, never dropped.
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
  // Where the Gauss-Hermite image measure (4.12) reproduces mu_1 and mu_2 to 1e-10 (phi'(sqrt(q) .)^2
  // smooth on the scale of the nodes: q of order 1) it is kept: it also matches the higher moments.
  const gh = gaussHermiteLaw(act, q, points);
  const ghMoment = (k: number) => { let m = 0; for (let i = 0; i < gh.points.length; i++) m += gh.weights[i]! * gh.points[i]! ** k; return m; };
  const ref1 = gaussianImageExpectation((h) => act.dphi(h) ** 2, q).value;
  const ref2 = gaussianImageExpectation((h) => act.dphi(h) ** 4, q).value;
  if (Math.abs(ghMoment(1) - ref1) <= 1e-10 * ref1 && Math.abs(ghMoment(2) - ref2) <= 1e-10 * ref2) return { kind: 'discrete', ...gh };
  const sq = Math.sqrt(q);
  // Fine partition of u = |z| in [0, 40]: steps of 0.02 in z and of 0.05 in h = sqrt(q) u.
  const cutSet = new Set<number>();
  for (let i = 0; i <= 2000; i++) cutSet.add(i * 0.02);
  for (let i = 1; i <= 800; i++) { const u = (i * 0.05) / sq; if (u < Z_MAX) cutSet.add(u); }
  const cuts = [...cutSet].sort((x, y) => x - y);
  const gl = gaussLegendre(8);
  const n = cuts.length - 1;
  const P = new Float64Array(n), M = new Float64Array(n);
  let totalP = 0, totalM = 0;
  for (let j = 0; j < n; j++) {
    const a = cuts[j]!, b = cuts[j + 1]!, c = 0.5 * (a + b), h = 0.5 * (b - a);
    let p = 0, m = 0;
    for (let k = 0; k < gl.nodes.length; k++) {
      const u = c + h * gl.nodes[k]!;
      const w = h * gl.weights[k]! * 2 * Math.exp(-0.5 * u * u) / Math.sqrt(2 * Math.PI); // half-normal density
      p += w;
      m += w * act.dphi(sq * u) ** 2;
    }
    P[j] = p; M[j] = m; totalP += p; totalM += m;
  }
  // Cells of equal nu-measure (4.23).
  const outPts: number[] = [], outW: number[] = [];
  let cellP = 0, cellM = 0, acc = 0, next = 1;
  for (let j = 0; j < n; j++) {
    cellP += P[j]!; cellM += M[j]!;
    acc += 0.5 * P[j]! / totalP + (totalM > 0 ? 0.5 * M[j]! / totalM : 0.5 * P[j]! / totalP);
    // The last cell takes everything left (the far tail, where D^2 may underflow to an atom at 0).
    if ((next < points && acc >= next / points) || j === n - 1) {
      if (cellP > 0) { outPts.push(cellM / cellP); outW.push(cellP / totalP); }
      cellP = 0; cellM = 0;
      while (next < points && next / points <= acc) next++;
    }
  }
  // Near-atom at 0 (4.25): atoms below D2_ZERO_FLOOR times the largest become one atom at 0. This moves
  // the first moment by less than D2_ZERO_FLOOR relative (far inside the self-check tolerance (4.26)),
  // and keeps the free-convolution solve and its integrated table within range: the part of the law
  // that far below its scale is reported as the atom at 0.
  const top = Math.max(...outPts);
  for (let i = 0; i < outPts.length; i++) if (outPts[i]! < D2_ZERO_FLOOR * top) outPts[i] = 0;
  const order = outPts.map((_, i) => i).sort((x, y) => outPts[x]! - outPts[y]!);
  return { kind: 'discrete', points: Float64Array.from(order, (i) => outPts[i]!), weights: Float64Array.from(order, (i) => outW[i]!) };
}

/** The n-point Gauss-Hermite image measure of D^2 (4.12), symmetric nodes merged. */
function gaussHermiteLaw(act: MeanFieldActivation, q: number, n: number): { points: Float64Array; weights: Float64Array } {
  const { nodes, weights } = gaussHermite(n);
  const merged = new Map<number, number>();
  const sq = Math.sqrt(q);
  for (let k = 0; k < nodes.length; k++) {
    const d = act.dphi(sq * Math.abs(nodes[k]!)) ** 2;
    merged.set(d, (merged.get(d) ?? 0) + weights[k]!);
  }
  // Atoms of weight < 1e-18 (far Gauss-Hermite tails) are dropped: in the regime where this law is
  // used they change no moment beyond rounding, and keep the inner solves of theory/03 (3.6) short.
  const keys = [...merged.keys()].filter((d) => merged.get(d)! >= 1e-18).sort((a, b) => a - b);
  let total = 0;
  for (const d of keys) total += merged.get(d)!;
  return { points: Float64Array.from(keys), weights: Float64Array.from(keys.map((d) => merged.get(d)! / total)) };
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
