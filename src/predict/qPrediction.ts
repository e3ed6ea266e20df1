/**
 * Q_pred(N0, L): the spectral prediction of the number of stable fixed points
 * (theory/06-fixed-points.md (6.4)-(6.6)).
 *
 * Link (6.5): Q_pred(N0, L) = 1 + N0 * p_{>1}(N0, L), where p_{>1} is the fraction of squared
 * singular values of J above 1 in the population-dynamics spectrum of J J^T at the study's
 * configuration (theory/05-heavy-tailed.md (5.48)). N0 enters through the width scaling (raw
 * scaling makes the weight law depend on N0) and through the count of expanding directions.
 * This is the project's link, stated as a hypothesis: the study's own link could not be recovered
 * (docs/study-configuration.md); theory/06 section 6.3 lists where it is expected to fail.
 */
import { InvalidSpecError, requireInteger } from '../errors.ts';
import { buildLayeredPopulation, populationStieltjes, type CavityState, type PopulationOptions, type PopulationSpec } from '../jacobian/heavyPopulation.ts';

export interface QPredictionOptions extends PopulationOptions {
  /** Points of the log grid on [1, gridTo] used for p_{>1} (default 33). */
  gridPoints?: number;
  /** Top of the grid (default 1e8). */
  gridTo?: number;
  /** Relative broadening Im z = eta x (default 0.03). */
  eta?: number;
}

export interface QPrediction {
  N0: number;
  L: number;
  predictedQ: number;
  /** p_{>1}: fraction of squared singular values above 1 (6.4). */
  fractionAboveOne: number;
  diagnostics: { converged: boolean; maxResidual: number; iterations: number; populationSize: number; lepageTerms: number };
}

/** p_{>1} = int_1^infinity rho(x) dx by Stieltjes inversion on a log grid (theory (5.48), (6.4)). */
export function fractionAboveOne(spec: PopulationSpec, opts: QPredictionOptions = {}): { value: number; maxResidual: number; iterations: number; P: number; K: number } {
  const n = requireInteger('gridPoints', opts.gridPoints ?? 33, 4, 10_000);
  const to = opts.gridTo ?? 1e8;
  if (!(to > 1)) throw new InvalidSpecError('gridTo', `must be > 1, got ${to}`);
  const eta = opts.eta ?? 0.03;
  const pop = buildLayeredPopulation(spec, { ...opts, coupling: 'joint' });
  let state: CavityState | undefined;
  const xs: number[] = [], rho: number[] = [];
  let maxResidual = 0, iterations = 0;
  for (let i = n - 1; i >= 0; i--) {
    const x = Math.exp((Math.log(to) * i) / (n - 1));
    const sweeps = state === undefined ? (opts.sweeps ?? 60) * 2 : (opts.sweeps ?? 60);
    const { value, state: st } = populationStieltjes(pop, x, eta * x, { ...opts, sweeps }, state);
    state = st;
    maxResidual = Math.max(maxResidual, value.relativeSpread);
    iterations += value.sweeps;
    xs.unshift(x);
    // rho(x) minus the far field eta/(pi x) of the broadening (theory (5.49)), floored at 0
    rho.unshift(Math.max(0, -value.im / Math.PI - eta / (Math.PI * x)));
  }
  let p = 0;
  for (let i = 1; i < n; i++) p += 0.5 * Math.log(xs[i]! / xs[i - 1]!) * (rho[i]! * xs[i]! + rho[i - 1]! * xs[i - 1]!);
  return { value: Math.min(1, Math.max(0, p)), maxResidual, iterations, P: pop.P, K: pop.K };
}

/** Q_pred(N0, L) of (6.5) with diagnostics. */
export function predictQ(spec: PopulationSpec, opts: QPredictionOptions = {}): QPrediction {
  const f = fractionAboveOne(spec, opts);
  return {
    N0: spec.N, L: spec.L,
    predictedQ: 1 + spec.N * f.value,
    fractionAboveOne: f.value,
    diagnostics: { converged: f.maxResidual < 0.2, maxResidual: f.maxResidual, iterations: f.iterations, populationSize: f.P, lepageTerms: f.K },
  };
}
