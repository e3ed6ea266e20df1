/**
 * `solveJacobianSpectrum`: the limiting spectrum of J J^T for a network spec, dispatched on the
 * weight law (theory/04-light-tailed.md section 4.3 for finite variance). `jesd solve` calls it.
 */
import { InvalidSpecError } from '../errors.ts';
import type { LawReport } from '../freeprob/lawReport.ts';
import { unitVariance } from '../laws/weightLaws.ts';
import type { NetworkSpec } from '../spec/networkSpec.ts';
import { lightJacobianSpecOf, solveLightJacobian, type LightJacobianOptions, type WeightEnsemble } from './light.ts';
import { heavyLawReport } from './heavy.ts';

export interface JacobianSolveOptions extends LightJacobianOptions {
  /** Weight ensemble for finite-variance laws (default gaussian; orthogonal = sigma_w times Haar). */
  ensemble?: WeightEnsemble;
  /** First-layer pre-activation second moment q_1 (default: the fixed point q*). */
  q1?: number;
  quadraturePoints?: number;
}

/**
 * Whether a weight law takes the finite-variance (free multiplicative convolution) route: Gaussian,
 * and Student-t / Pareto with index > 2. Everything else (Cauchy, SaS of any alpha) goes to the
 * heavy-tailed population route. One predicate for `jesd solve`, the reproduce report and the dispatch.
 */
export function takesLightRoute(w: NetworkSpec['weights']): boolean {
  return w.name === 'gaussian' || ((w.name === 'student' || w.name === 'pareto') && (w.alpha ?? 0) > 2);
}

export function solveJacobianSpectrum(spec: Omit<NetworkSpec, 'N' | 'seed'> & { seed?: number }, at: number[], opts: JacobianSolveOptions = {}): LawReport {
  const w = spec.weights;
  if (!takesLightRoute(w)) {
    // Heavy tails: population dynamics on the layered graph, no freeness (theory/05-heavy-tailed.md 5.6-5.8).
    if (spec.scaling !== 'natural') throw new InvalidSpecError('--scaling', 'the limiting spectrum needs natural scaling (1/a_N); got raw');
    return heavyLawReport(spec, at, opts.onStep ? { onStep: opts.onStep } : {});
  }
  if (spec.scaling !== 'natural') throw new InvalidSpecError('--scaling', 'the limiting spectrum needs natural scaling (entries of variance sigma_w^2/N); got raw');
  if (spec.bias !== null && spec.bias.name !== 'gaussian') throw new InvalidSpecError('--bias', `light-tailed solve supports gaussian|none biases, got ${spec.bias.name}`);
  // Natural scaling divides by sqrt(N * Var(unit law)), so every finite-variance law gives entries of
  // variance sigma_w^2/N and W^T W -> MP(1, sigma_w^2) (theory/04-light-tailed.md (4.15)).
  if (!Number.isFinite(unitVariance(w))) throw new InvalidSpecError('--weights', 'infinite variance');
  return solveLightJacobian({
    ...lightJacobianSpecOf(spec, opts),
    ...(opts.quadraturePoints !== undefined ? { quadraturePoints: opts.quadraturePoints } : {}),
  }, at, opts);
}
