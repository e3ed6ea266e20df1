/**
 * Q_pred(N0, L): the spectral prediction of the number of stable fixed points
 * (theory/06-fixed-points.md (6.4)-(6.6)).
 *
 * Link (6.5): Q_pred(N0, L) = 1 + N0 * p_{>1}(N0, L), where p_{>1} is the fraction of squared
 * singular values of J above 1 in the population-dynamics spectrum of J J^T at the study's
 * configuration (theory/05-heavy-tailed.md (5.48)-(5.53)). N0 enters through the width scaling (raw
 * scaling makes the weight law depend on N0) and through the count of expanding directions.
 * This is the project's link, stated as a hypothesis: the study's own link could not be recovered
 * (docs/study-configuration.md); theory/06 section 6.3 lists where it is expected to fail.
 */
import { InvalidSpecError } from '../errors.ts';
import { solveHeavySpectrum, type HeavySpectrum, type HeavySpectrumOptions } from '../jacobian/heavy.ts';
import type { PopulationSpec } from '../jacobian/heavyPopulation.ts';

export type QPredictionOptions = Omit<HeavySpectrumOptions, 'route'>;

export interface QPrediction {
  N0: number;
  L: number;
  predictedQ: number;
  /** p_{>1}: fraction of squared singular values above 1 (6.4). */
  fractionAboveOne: number;
  diagnostics: { converged: boolean; maxResidual: number; iterations: number; populationSize: number; lepageTerms: number };
  /** The solved law of J J^T behind p_{>1} (reused by the annealed complexity, src/counting/annealed.ts). */
  spectrum: HeavySpectrum;
}

/**
 * p_{>1} = 1 - F(1) from the deconvolved law of theory (5.51)-(5.53) on the radii 1e-2 .. 1e6
 * (everything below 1e-2 is one underflow bin: it cannot move p_{>1}).
 */
export function fractionAboveOne(spec: PopulationSpec, opts: QPredictionOptions = {}): { value: number; maxResidual: number; iterations: number; P: number; K: number; spectrum: HeavySpectrum } {
  const from = opts.gridFrom ?? 1e-2, to = opts.gridTo ?? 1e6;
  if (!(from < 1 && to > 1)) throw new InvalidSpecError('gridFrom', `the radii must straddle 1, got ${from}..${to}`);
  const s = solveHeavySpectrum(spec, { ...opts, gridFrom: from, gridTo: to, route: 'population' });
  return { value: Math.min(1, Math.max(0, s.fractionAboveOne)), maxResidual: s.diagnostics.maxResidual, iterations: s.diagnostics.iterations, P: s.diagnostics.populationSize, K: s.diagnostics.lepageTerms, spectrum: s };
}

/** Q_pred(N0, L) of (6.5) with diagnostics. */
export function predictQ(spec: PopulationSpec & { N: number }, opts: QPredictionOptions = {}): QPrediction {
  const f = fractionAboveOne(spec, opts);
  return {
    N0: spec.N, L: spec.L,
    predictedQ: 1 + spec.N * f.value,
    fractionAboveOne: f.value,
    diagnostics: { converged: f.maxResidual < 0.05, maxResidual: f.maxResidual, iterations: f.iterations, populationSize: f.P, lepageTerms: f.K },
    spectrum: f.spectrum,
  };
}
