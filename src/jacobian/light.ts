/**
 * Limiting spectrum of J J^T for a deep network with finite-variance (Gaussian) or orthogonal
 * weights (theory/04-light-tailed.md section 4.3):
 *   S_{JJ^T} = prod_{l=1}^L S_{W_l^T W_l} S_{D_l^2}                                   (4.14)
 * with W^T W ~ MP(1, sigma_w^2) (Gaussian, entries of variance sigma_w^2/N) or delta_{sigma_w^2}
 * (orthogonal), and D_l^2 ~ phi'(sqrt(q_l) z)^2 along the length map (4.1).
 * (Pennington-Schoenholz-Ganguli arXiv 1711.04735 and 1802.09979; asymptotic freeness:
 * Pastur arXiv 2001.06188, Pastur-Slavin arXiv 2011.11439.)
 */
import { InvalidSpecError, NonConvergenceError, requireFinite, requireInteger, requirePositive } from '../errors.ts';
import type { LawReport } from '../freeprob/lawReport.ts';
import { bernoulliFactor, diracFactor, discreteFactor, marchenkoPasturFactor } from '../freeprob/closedFormLaws.ts';
import type { FactorPower, FreeFactor } from '../freeprob/multiplicative.ts';
import { cdfFromTable, expectedLogFromTable, freeMultiplicativeConvolution, type ProgressStep, type SpectralTable } from '../freeprob/spectrum.ts';
import { quantileOfCdf } from '../spectra/tabulatedLaw.ts';
import {
  derivativeSquaredLaw, derivativeSquaredMeanByQuadrature, derivativeSquaredMoment, lengthFixedPoint, lengthTrajectory, susceptibility,
  type DerivativeSquaredLaw,
} from '../meanfield/gaussian.ts';
import { linalg } from '../linalg/index.ts';
import { jacobian, sampleNetwork } from '../network/network.ts';
import { ACTIVATIONS, type ActivationName, type NetworkSpec } from '../spec/networkSpec.ts';
import { STREAM, stream } from '../random/rng.ts';

export type WeightEnsemble = 'gaussian' | 'orthogonal';

export interface LightJacobianSpec {
  activation: ActivationName;
  /** Weight scale: entries of variance sigma_w^2 / N (Gaussian) or sigma_w times a Haar orthogonal matrix. */
  sigmaW: number;
  /** Bias standard deviation (0 = no bias). */
  sigmaB: number;
  L: number;
  ensemble?: WeightEnsemble;
  /**
   * Second moment of the first layer's pre-activations, q_1 = sigma_w^2 |x_0|^2/N + sigma_b^2.
   * Default: the fixed point q* (the network is in its mean-field steady state).
   */
  q1?: number;
  /** Gauss-Hermite points for the D^2 law of smooth activations (default 64). */
  quadraturePoints?: number;
}

export interface LightJacobianOptions {
  /** Number of moments to report (default 4). */
  moments?: number;
  /** Relative tolerance for merging layers with (almost) equal q_l into one factor (default 1e-12). */
  mergeTolerance?: number;
  /** Progress of a long grid (freeMultiplicativeConvolution's onStep). */
  onStep?: ProgressStep;
}

export interface LightJacobianReport extends LawReport {
  /** Quantiles of lambda; a value is null when it could not be computed (reason in `unavailable`). */
  quantiles: { '0.1': number | null; '0.5': number | null; '0.9': number | null };
  /** Mass of squared singular values > 1; null when it could not be computed (reason in `unavailable`). */
  fractionAboveOne: number | null;
  /** E[ln lambda]; null when an atom sits at 0 (then it is -infinity) or it could not be computed. */
  expectedLog: number | null;
  /** For each derived field reported as null: why. */
  unavailable: Record<string, string>;
  /** q_1..q_L and chi_l = sigma_w^2 E[phi'(sqrt(q_l) z)^2]. */
  layers: { q: number[]; chi: number[] };
  /** The mean-field fixed point q* when it exists. */
  qStar: number | null;
}

function validate(spec: LightJacobianSpec): Required<Omit<LightJacobianSpec, 'q1'>> & { q1?: number } {
  if (!(ACTIVATIONS as readonly string[]).includes(spec.activation)) throw new InvalidSpecError('activation', `must be one of ${ACTIVATIONS.join('|')}, got ${JSON.stringify(spec.activation)}`);
  requirePositive('sigmaW', spec.sigmaW);
  requireFinite('sigmaB', spec.sigmaB);
  if (spec.sigmaB < 0) throw new InvalidSpecError('sigmaB', `must be >= 0, got ${spec.sigmaB}`);
  requireInteger('depth', spec.L, 1, 100_000);
  const ensemble = spec.ensemble ?? 'gaussian';
  if (ensemble !== 'gaussian' && ensemble !== 'orthogonal') throw new InvalidSpecError('ensemble', `must be gaussian|orthogonal, got ${JSON.stringify(ensemble)}`);
  if (spec.q1 !== undefined) { requireFinite('q1', spec.q1); if (spec.q1 < 0) throw new InvalidSpecError('q1', `must be >= 0, got ${spec.q1}`); }
  const quadraturePoints = requireInteger('quadraturePoints', spec.quadraturePoints ?? 64, 2, 400);
  return { ...spec, ensemble, quadraturePoints };
}

function factorOf(law: DerivativeSquaredLaw, name: string): FreeFactor {
  if (law.kind === 'dirac') return diracFactor(law.at);
  if (law.kind === 'bernoulli') return bernoulliFactor(law.p, law.at);
  return discreteFactor(law.points, law.weights, name);
}

/** The factors of (4.14): one weight factor of power L and the D_l^2 laws (equal layers merged). */
/**
 * The light-tailed theory's parameters of a network spec (natural scaling): sigma_w the weights'
 * scale, sigma_b the biases' (0 without biases), and the depth. The one conversion from the spec
 * shape every other stage uses; `extra` adds the ensemble and q_1 where a caller chooses them.
 */
export function lightJacobianSpecOf(spec: Pick<NetworkSpec, 'activation' | 'weights' | 'bias' | 'L'>, extra: { ensemble?: WeightEnsemble; q1?: number } = {}): LightJacobianSpec {
  return {
    activation: spec.activation, sigmaW: spec.weights.scale, sigmaB: spec.bias === null ? 0 : spec.bias.scale, L: spec.L,
    ...(extra.ensemble ? { ensemble: extra.ensemble } : {}), ...(extra.q1 !== undefined ? { q1: extra.q1 } : {}),
  };
}

/** Quantile of the solved law from its table (theory/03-free-multiplicative.md (3.16)), by bisection on [0, upper edge]. */
function tableQuantile(table: SpectralTable, p: number): number {
  return quantileOfCdf((x) => cdfFromTable(table, x), p, 0, Math.max(table.edges[1], ...table.atoms.map((a) => a.at)));
}

export function jacobianFactors(spec: LightJacobianSpec, opts: LightJacobianOptions = {}): { factors: FactorPower[]; q: Float64Array; qStar: number | null } {
  const s = validate(spec);
  const qDependent = s.activation !== 'relu' && s.activation !== 'linear';
  let qStar: number | null = null;
  try { qStar = lengthFixedPoint(s.activation, s.sigmaW, s.sigmaB).value; } catch { qStar = null; }
  let q1 = s.q1;
  if (q1 === undefined) {
    if (qDependent) {
      if (qStar === null) throw new InvalidSpecError('q1', 'the length map has no fixed point here; give q1 (the input second moment)');
      q1 = qStar;
    } else q1 = qStar ?? 1; // D^2 does not depend on q for relu/linear
  }
  const q = qStar !== null && q1 === qStar ? new Float64Array(s.L).fill(qStar) : lengthTrajectory(s.activation, s.sigmaW, s.sigmaB, q1, s.L);
  const weightFactor = s.ensemble === 'gaussian' ? marchenkoPasturFactor(1, s.sigmaW * s.sigmaW) : diracFactor(s.sigmaW * s.sigmaW);
  const factors: FactorPower[] = [{ factor: weightFactor, power: s.L }];
  const tol = opts.mergeTolerance ?? 1e-12;
  if (!qDependent) {
    factors.push({ factor: factorOf(derivativeSquaredLaw(s.activation, q1, s.quadraturePoints), 'D^2'), power: s.L });
    return { factors, q, qStar };
  }
  let l = 0;
  while (l < s.L) {
    let k = l + 1;
    while (k < s.L && Math.abs(q[k]! - q[l]!) <= tol * Math.max(1e-300, q[l]!)) k++;
    factors.push({ factor: factorOf(derivativeSquaredLaw(s.activation, q[l]!, s.quadraturePoints), `D^2(q=${q[l]})`), power: k - l });
    l = k;
  }
  return { factors, q, qStar };
}

/**
 * Solve the J J^T spectrum at the points `at` (all > 0). Edges, atoms, moments (series reversion,
 * theory/01-transforms.md (1.9)), quantiles, fraction above 1 and E[ln lambda] from the invariant
 * quadrature (theory/03-free-multiplicative.md (3.13)-(3.16)).
 */
export function solveLightJacobian(spec: LightJacobianSpec, at: readonly number[], opts: LightJacobianOptions = {}): LightJacobianReport {
  const s = validate(spec);
  const { factors, q, qStar } = jacobianFactors(s, opts);
  const { report, table } = freeMultiplicativeConvolution(factors, at, { moments: opts.moments ?? 4, ...(opts.onStep ? { onStep: opts.onStep } : {}) });
  const t = table!;
  report.diagnostics.momentCheck = firstMomentCheck(s, q, report.moments[0] ?? NaN, report.diagnostics);
  const unavailable: Record<string, string> = {};
  const moments = report.moments.map((m, k) => {
    if (Number.isFinite(m)) return m;
    unavailable[`moments.${k + 1}`] = 'beyond double precision (above 1.8e308)';
    return null;
  });
  const derived = (field: string, v: number, why: string): number | null => {
    if (Number.isFinite(v)) return v;
    unavailable[field] = why;
    return null;
  };
  const tableWhy = 'the integrated spectral table did not give a finite value (the law is too spread in scale for double precision)';
  const quantiles = {
    '0.1': derived('quantiles.0.1', tableQuantile(t, 0.1), tableWhy),
    '0.5': derived('quantiles.0.5', tableQuantile(t, 0.5), tableWhy),
    '0.9': derived('quantiles.0.9', tableQuantile(t, 0.9), tableWhy),
  };
  const fractionAboveOne = derived('fractionAboveOne', Math.max(0, 1 - cdfFromTable(t, 1)), tableWhy);
  const el = expectedLogFromTable(t);
  const expectedLog = derived('expectedLog', el, el === -Infinity ? 'an atom sits at 0, so E[ln lambda] = -infinity' : tableWhy);
  const chi = Array.from(q, (ql) => susceptibility(s.activation, s.sigmaW, ql));
  report.diagnostics.mu1 = derivativeSquaredMoment(s.activation, q[0]!, 1);
  report.diagnostics.mu2 = derivativeSquaredMoment(s.activation, q[0]!, 2);
  // theory/04-light-tailed.md (4.5): the mean-field erf is erf(sqrt(pi) x/2), slope 1 at 0.
  if (s.activation === 'erf') report.diagnostics.activationConvention = 'erf: phi(x) = erf(sqrt(pi) x / 2)';
  return {
    ...report,
    moments,
    quantiles,
    fractionAboveOne,
    expectedLog,
    unavailable,
    layers: { q: Array.from(q), chi },
    qStar,
  };
}

/** The first-moment self-check of a light-tailed solve (theory/04-light-tailed.md (4.26)). */
export interface MomentCheck {
  /** prod_l sigma_w^2 mu_1(q_l), mu_1 by adaptive quadrature (independent of the discretised D^2 laws). */
  expected: number;
  /** m_1 of the solved law (from the discretised factors). */
  got: number;
  /** m_1 integrated from the solved density and atoms. */
  integrated: number;
  /** Relative disagreement of `got` and of `integrated` with `expected`. */
  relativeError: number;
  integratedRelativeError: number;
  /** Tolerances: `got` is exact up to quadrature rounding; `integrated` carries the density quadrature error. */
  tolerance: number;
  integratedTolerance: number;
  passed: true;
}

/** Relative tolerance per layer for m_1 of the discretised law against (4.26). */
export const MOMENT_TOLERANCE_PER_LAYER = 1e-9;
/** Relative tolerance for m_1 and the mass integrated from the solved density (theory/03 (3.13)-(3.15)). */
export const INTEGRATED_TOLERANCE = 1e-3;

/**
 * Check the solved law against the exact first moment m_1 = prod_l sigma_w^2 E[phi'(sqrt(q_l) z)^2]
 * (4.26) and the integrated density against mass 1 and m_1. Throws NonConvergenceError (exit 3)
 * with a sentence naming the disagreement; returns the check for the diagnostics otherwise.
 */
export function firstMomentCheck(s: { activation: ActivationName; sigmaW: number; L: number }, q: Float64Array, got: number, diagnostics: Record<string, unknown>): MomentCheck {
  let logExpected = 0;
  const memo = new Map<number, number>();
  for (const ql of q) {
    let mu = memo.get(ql);
    if (mu === undefined) { mu = derivativeSquaredMeanByQuadrature(s.activation, ql).value; memo.set(ql, mu); }
    logExpected += Math.log(s.sigmaW * s.sigmaW) + Math.log(mu);
  }
  const expected = Math.exp(logExpected);
  const integrated = typeof diagnostics.firstMoment === 'number' ? diagnostics.firstMoment : NaN;
  const mass = typeof diagnostics.totalMass === 'number' ? diagnostics.totalMass : NaN;
  if (!Number.isFinite(expected) || !(expected > 0) || !Number.isFinite(got)) {
    throw new NonConvergenceError(`the mean squared singular value is e^${logExpected.toFixed(1)}, outside double precision: this network's spectrum cannot be reported as numbers (use a smaller depth or sigma_w)`, { logExpected });
  }
  const tolerance = MOMENT_TOLERANCE_PER_LAYER * (s.L + 1);
  const relativeError = Math.abs(got - expected) / expected;
  const integratedRelativeError = Math.abs(integrated - expected) / expected;
  const massError = Math.abs(mass - 1);
  const check = { expected, got, integrated, relativeError, integratedRelativeError, tolerance, integratedTolerance: INTEGRATED_TOLERANCE };
  if (!(relativeError <= tolerance)) {
    throw new NonConvergenceError(`self-check failed: the solved mean squared singular value ${got.toPrecision(6)} differs from the exact ${expected.toPrecision(6)} by ${(100 * relativeError).toPrecision(3)}% (tolerance ${tolerance.toExponential(1)}); try more --quadrature-points`, check);
  }
  if (!(integratedRelativeError <= INTEGRATED_TOLERANCE) || !(massError <= INTEGRATED_TOLERANCE)) {
    throw new NonConvergenceError(`self-check failed: integrating the solved density gives mass ${mass.toPrecision(6)} and mean ${integrated.toPrecision(6)}, against 1 and the exact ${expected.toPrecision(6)} (tolerance ${INTEGRATED_TOLERANCE} relative): the density cannot be trusted here`, { ...check, mass });
  }
  return { ...check, passed: true };
}

/** CDF of the predicted law at each x (for Kolmogorov distances against Monte Carlo). */
export function lightJacobianCdf(spec: LightJacobianSpec, xs: readonly number[], opts: LightJacobianOptions = {}): number[] {
  const { factors } = jacobianFactors(spec, opts);
  const { table } = freeMultiplicativeConvolution(factors, [], {});
  return xs.map((x) => cdfFromTable(table!, x));
}

/**
 * The finite networks of the Monte Carlo check of (4.14): width-N networks with Gaussian weights,
 * natural scaling and Gaussian biases, probed at an input x_0 with |x_0|^2/N = (q_1 - sigma_b^2)/sigma_w^2
 * so that layer-1 pre-activations have second moment q_1 (theory/04-light-tailed.md (4.17)). The
 * sampling itself is src/compare/sampler.ts (sampleJacobianSquaredSingularValues).
 */
export function lightMonteCarloSetup(spec: LightJacobianSpec, N: number, seed = 1): { network: NetworkSpec; radius: number } {
  const s = validate(spec);
  requireInteger('width', N, 1, 100_000);
  if (s.ensemble !== 'gaussian') throw new InvalidSpecError('ensemble', 'Monte Carlo sampling supports gaussian weights only');
  const { q } = jacobianFactors(s);
  const r = (q[0]! - s.sigmaB * s.sigmaB) / (s.sigmaW * s.sigmaW);
  if (r < 0) throw new InvalidSpecError('q1', `q1 = ${q[0]} is below sigma_b^2 = ${s.sigmaB ** 2}: no input reaches it`);
  return {
    network: {
      N, L: s.L, activation: s.activation, weights: { name: 'gaussian', scale: s.sigmaW },
      bias: s.sigmaB > 0 ? { name: 'gaussian', scale: s.sigmaB } : null, scaling: 'natural', seed,
    },
    radius: r,
  };
}
