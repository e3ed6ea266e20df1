/**
 * Mean-field theory of heavy-tailed (alpha-stable) pre-activations, theory/05-heavy-tailed.md
 * sections 5.1-5.2:
 *
 *   q_l = kappa sigma_w^alpha E|phi(q_{l-1}^{1/alpha} Z)|^alpha + sigma_b^alpha               (5.2)
 *
 * Z standard SaS(alpha) (E exp(itZ) = exp(-|t|^alpha)); q_l is the alpha-th power of the SaS scale
 * of the layer-l pre-activations h_l; kappa = N / a_N^alpha depends on the width normalisation a_N:
 *   'natural'    a_N = (C_alpha N)^{1/alpha}, N P(|X| > a_N) -> 1 (the project's natural scaling,
 *                src/laws/weightLaws.ts naturalConstant, and the Levy-matrix convention):  kappa = 1/C_alpha;
 *   'sum-stable' a_N = N^{1/alpha} (a row sum of unit SaS is again unit SaS):        kappa = 1.
 * Only bounded activations (sigmoid, tanh, erf, hardtanh): E|phi(...)|^alpha is infinite for relu
 * and linear since E|Z|^alpha = infinity. Biases: SaS(alpha) of scale sigma_b (or none: sigma_b = 0).
 * The law of D^2 = phi'(h)^2 with h = q*^{1/alpha} Z is returned as a quadrature measure (5.7).
 */
import { InvalidSpecError, NonConvergenceError, requireFinite, requireInRange, requirePositive } from '../errors.ts';
import { getActivation } from '../laws/activations.ts';
import type { ActivationName } from '../spec/networkSpec.ts';
import type { Diagnostics, SolverResult } from '../types.ts';
import { stableTailConstant } from '../freeprob/levy.ts';
import type { QuadratureMeasure } from '../freeprob/levy.ts';
import { gaussLegendre } from '../numerics/quadrature.ts';
import { stableCdf, stableDensity } from './stableDensity.ts';

export type StableConvention = 'natural' | 'sum-stable';

export interface StableMeanFieldSpec {
  alpha: number;
  activation: ActivationName;
  sigmaW: number;
  /** Scale of SaS(alpha) biases; 0 for no biases. */
  sigmaB: number;
  convention: StableConvention;
}

const BOUNDED: readonly ActivationName[] = ['sigmoid', 'tanh', 'erf', 'hardtanh'];

function validate(spec: StableMeanFieldSpec): void {
  requireInRange('alpha', spec.alpha, 0.1, 2);
  if (!BOUNDED.includes(spec.activation)) {
    throw new InvalidSpecError('activation', `the stable scale recursion needs a bounded activation (${BOUNDED.join('|')}), got ${spec.activation}: E|phi(h)|^alpha diverges otherwise`);
  }
  requirePositive('sigmaW', spec.sigmaW);
  requireFinite('sigmaB', spec.sigmaB);
  if (spec.sigmaB < 0) throw new InvalidSpecError('sigmaB', `must be >= 0, got ${spec.sigmaB}`);
  if (spec.convention !== 'natural' && spec.convention !== 'sum-stable') {
    throw new InvalidSpecError('convention', `must be natural|sum-stable, got ${String(spec.convention)}`);
  }
  if (spec.convention === 'natural' && spec.alpha === 2) {
    throw new InvalidSpecError('convention', "'natural' (a_N = (C_alpha N)^{1/alpha}) needs alpha < 2; use 'sum-stable' at alpha = 2");
  }
}

/** kappa = N / a_N^alpha of (5.2) for the convention. */
export function preactivationFactor(alpha: number, convention: StableConvention): number {
  if (convention === 'sum-stable') return 1;
  return 1 / stableTailConstant(alpha);
}

// ---------------------------------------------------------------------------------------------
// Quadrature against the SaS law, theory (5.6): exp-sinh nodes z_k in (0, inf), f_alpha(z_k)
// tabulated once per alpha; E g(Z) = sum_k w_k f(z_k) (g(z_k) + g(-z_k)).

interface StableRule { z: Float64Array; wf: Float64Array }
const ruleCache = new Map<number, StableRule>();

function stableRule(alpha: number): StableRule {
  const hit = ruleCache.get(alpha);
  if (hit) return hit;
  const h = 1 / 16;
  const z: number[] = [];
  const wf: number[] = [];
  for (let k = -120; k <= 120; k++) {
    const tau = k * h;
    const zz = Math.exp((Math.PI / 2) * Math.sinh(tau));
    if (!Number.isFinite(zz) || zz === 0) continue;
    const w = h * (Math.PI / 2) * Math.cosh(tau) * zz;
    const f = stableDensity(alpha, zz);
    const c = w * f;
    // Drop nodes whose total weight is negligible (tails beyond ~1e-16 of the mass).
    if (c < 1e-18) continue;
    z.push(zz);
    wf.push(c);
  }
  const rule = { z: Float64Array.from(z), wf: Float64Array.from(wf) };
  ruleCache.set(alpha, rule);
  return rule;
}

/**
 * E g(gamma Z) for Z ~ SaS(alpha), g bounded and smooth (5.6). Returns the value and the raw mass
 * of the rule (2 sum w f, which should be 1: a run-time check).
 */
export function stableExpectation(alpha: number, g: (h: number) => number, gamma: number): { value: number; mass: number } {
  requireInRange('alpha', alpha, 0.1, 2);
  requirePositive('gamma', gamma);
  const { z, wf } = stableRule(alpha);
  let s = 0;
  let m = 0;
  for (let k = 0; k < z.length; k++) {
    s += wf[k]! * (g(gamma * z[k]!) + g(-gamma * z[k]!));
    m += 2 * wf[k]!;
  }
  return { value: s, mass: m };
}

/**
 * E|phi(gamma Z)|^alpha, theory (5.2). Smooth activations use the tabulated rule (5.6); hardtanh
 * (kinks at |h| = 1) uses (5.6b): P(|Z| > b) + gamma^alpha E[|Z|^alpha; |Z| < b], b = 1/gamma, the
 * truncated moment by Gauss-Legendre in z = b s^2.
 */
export function stableActivationMoment(alpha: number, activation: ActivationName, gamma: number): number {
  requireInRange('alpha', alpha, 0.1, 2);
  requirePositive('gamma', gamma);
  const act = getActivation(activation);
  if (activation === 'hardtanh') {
    const b = 1 / gamma;
    // Gauss-Legendre on [-1, 1] mapped to s in [0, 1]: s = (1 + node)/2, weight/2.
    const { nodes, weights } = gaussLegendre(32);
    let trunc = 0;
    for (let i = 0; i < nodes.length; i++) {
      const s = (1 + nodes[i]!) / 2;
      const zz = b * s * s;
      trunc += (weights[i]! / 2) * Math.pow(zz, alpha) * stableDensity(alpha, zz) * 2 * b * s;
    }
    return 2 * (1 - stableCdf(alpha, b)) + Math.pow(gamma, alpha) * 2 * trunc;
  }
  return stableExpectation(alpha, (h) => Math.pow(Math.abs(act.phi(h)), alpha), gamma).value;
}

/** One step of the scale recursion (5.2): q -> kappa sigma_w^alpha E|phi(q^{1/alpha} Z)|^alpha + sigma_b^alpha. */
export function stableLengthMap(q: number, spec: StableMeanFieldSpec): number {
  validate(spec);
  requirePositive('q', q);
  const { alpha } = spec;
  const kappa = preactivationFactor(alpha, spec.convention);
  const m = stableActivationMoment(alpha, spec.activation, Math.pow(q, 1 / alpha));
  return kappa * Math.pow(spec.sigmaW, alpha) * m + Math.pow(spec.sigmaB, alpha);
}

export interface StableFixedPointDiagnostics extends Diagnostics {
  /** d q_{l}/d q_{l-1} at q* (finite difference): < 1 means the fixed point attracts. */
  slope: number;
}

/**
 * Fixed point q* of (5.2) by iteration from q0 (default 1), theory (5.2a). The map is increasing and
 * bounded (bounded phi), so the iteration is monotone and converges to a fixed point; we certify
 * |q - map(q)| < tol * q.
 */
export function stableScaleFixedPoint(spec: StableMeanFieldSpec, opts?: { q0?: number; tol?: number; maxIter?: number }): SolverResult<number, StableFixedPointDiagnostics> {
  validate(spec);
  const tol = opts?.tol ?? 1e-11;
  const maxIter = opts?.maxIter ?? 2000;
  let q = opts?.q0 ?? 1;
  requirePositive('q0', q);
  let res = Infinity;
  let it = 0;
  for (; it < maxIter; it++) {
    const qn = stableLengthMap(q, spec);
    res = Math.abs(qn - q) / q;
    q = qn;
    if (res < tol) break;
  }
  if (!(res < tol) || !Number.isFinite(q)) {
    throw new NonConvergenceError(`stable scale recursion did not converge in ${maxIter} iterations (residual ${res})`, { iterations: it, residual: res, q });
  }
  const dq = 1e-5 * q;
  const slope = (stableLengthMap(q + dq, spec) - stableLengthMap(q - dq, spec)) / (2 * dq);
  return { value: q, diagnostics: { iterations: it + 1, residual: res, converged: true, slope } };
}

/**
 * Law of D^2 = phi'(h)^2 with h = q^{1/alpha} Z, Z ~ SaS(alpha), as a quadrature measure (5.7):
 * points phi'(+-gamma z_k)^2 with weights w_k f(z_k), renormalised to total mass 1 (the raw mass is
 * returned as a check) and with equal points merged. hardtanh: two atoms, D^2 = 1 with probability
 * 2 F(1/gamma) - 1 and 0 otherwise (5.8).
 */
export function stableD2Law(alpha: number, activation: ActivationName, q: number): QuadratureMeasure & { rawMass: number } {
  requireInRange('alpha', alpha, 0.1, 2);
  requirePositive('q', q);
  if (!BOUNDED.includes(activation)) {
    throw new InvalidSpecError('activation', `must be one of ${BOUNDED.join('|')}, got ${activation}`);
  }
  const gamma = Math.pow(q, 1 / alpha);
  if (activation === 'hardtanh') {
    const p1 = 2 * stableCdf(alpha, 1 / gamma) - 1;
    return { points: Float64Array.of(0, 1), weights: Float64Array.of(1 - p1, p1), rawMass: 1 };
  }
  const act = getActivation(activation);
  const { z, wf } = stableRule(alpha);
  const acc = new Map<number, number>();
  let raw = 0;
  for (let k = 0; k < z.length; k++) {
    for (const s of [1, -1]) {
      const d = act.dphi(s * gamma * z[k]!);
      const p = d * d;
      acc.set(p, (acc.get(p) ?? 0) + wf[k]!);
      raw += wf[k]!;
    }
  }
  const entries = [...acc.entries()].sort((a, b) => a[0] - b[0]);
  return {
    points: Float64Array.from(entries.map((e) => e[0])),
    weights: Float64Array.from(entries.map((e) => e[1] / raw)),
    rawMass: raw,
  };
}
