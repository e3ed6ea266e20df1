/**
 * The theory side of the reproduction: predicted ESD of J J^T (light tails: the free-probability
 * equation of src/jacobian/, theory/04-light-tailed.md; heavy tails: the population solver,
 * theory/05-heavy-tailed.md) and the Q(N0, L) curve predicted from the ESD (src/predict/).
 *
 * When a predictor fails or does not certify its answer, the reproduction reports the corresponding
 * claim as "not run" with the reason, and never substitutes a made-up curve.
 */
import { solveHeavySpectrum } from '../jacobian/heavy.ts';
import { solveJacobianSpectrum, takesLightRoute } from '../jacobian/index.ts';
import { lightJacobianCdf, lightJacobianSpecOf } from '../jacobian/light.ts';
import { naturalConstant } from '../laws/weightLaws.ts';
import type { NetworkSpec } from '../spec/networkSpec.ts';
import { predictQ } from '../predict/qPrediction.ts';

export type Availability<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Size of the population-dynamics solves (heavy tails), per reproduction scale. */
export interface PopulationBudget {
  populationSize: number;
  sweeps: number;
}

export interface PredictedLaw {
  /** Grid, density and distribution function F of the predicted law of the eigenvalues of J J^T. */
  x: number[];
  density: number[];
  F: number[];
  /** Mass captured by F on the grid (1 when nothing escapes it). */
  totalMass: number;
  method: string;
}

/**
 * Predicted law of the eigenvalues of J J^T for a spec.
 * Light tails: solveJacobianSpectrum (density on `grid`) and lightJacobianCdf (exact F on `grid`)
 * (theory/04-light-tailed.md section 4.3). Heavy tails: solveHeavySpectrum, the population
 * dynamics of theory/05-heavy-tailed.md sections 5.6-5.8, (5.41)-(5.53), on its own log grid (density and F).
 */
export async function predictedEsd(spec: NetworkSpec, grid: number[], budget: PopulationBudget): Promise<Availability<PredictedLaw>> {
  const light = takesLightRoute(spec.weights);
  try {
    if (light) {
      // Raw scaling multiplies unit draws by sigma_w; natural scaling by sigma_w / a_N with
      // a_N = sqrt(N Var) (src/laws/weightLaws.ts naturalConstant). So a raw network with sigma_w is the
      // natural one with sigma_w a_N: the same law of weights, hence the same spectrum.
      const natural: NetworkSpec = spec.scaling === 'raw'
        ? { ...spec, scaling: 'natural', weights: { ...spec.weights, scale: spec.weights.scale * naturalConstant(spec.weights, spec.N) } }
        : spec;
      const rep = solveJacobianSpectrum(natural, grid);
      const F = lightJacobianCdf(lightJacobianSpecOf(natural), grid);
      const note = spec.scaling === 'raw' ? ` (raw scaling at N=${spec.N} solved as natural scaling with sigma_w = ${natural.weights.scale.toPrecision(6)})` : '';
      return { ok: true, value: { x: [...rep.x], density: [...rep.density], F, totalMass: 1, method: `free multiplicative convolution of Marchenko-Pastur and the D^2 laws (theory/04-light-tailed.md)${note}` } };
    }
    const lo = Math.min(...grid), hi = Math.max(...grid);
    const r = solveHeavySpectrum(spec, { populationSize: budget.populationSize, sweeps: budget.sweeps, gridFrom: lo, gridTo: hi });
    if (!r.diagnostics.converged) {
      return { ok: false, reason: `the heavy-tailed population solve did not certify its answer (mass on the grid ${r.diagnostics.massOnGrid.toFixed(3)}, residual ${r.diagnostics.maxResidual.toExponential(1)})` };
    }
    return {
      ok: true,
      value: {
        x: Array.from(r.grid), density: Array.from(r.density), F: Array.from(r.cdf), totalMass: r.diagnostics.massOnGrid,
        method: `population dynamics (theory/05-heavy-tailed.md), population ${budget.populationSize}, ${budget.sweeps} sweeps`,
      },
    };
  } catch (e) {
    return { ok: false, reason: `the spectral solver failed: ${(e as Error).message}` };
  }
}

export interface PredictedQPoint {
  depth: number;
  predictedQ: number;
  fractionAboveOne: number;
  maxResidual: number;
}

/** Q(N0, L) predicted from the ESD (src/predict/qPrediction.ts, theory/06-fixed-points.md (6.4)-(6.6)). */
export async function predictedQPoint(spec: NetworkSpec, budget: PopulationBudget): Promise<Availability<PredictedQPoint>> {
  try {
    const r = predictQ(spec, { populationSize: budget.populationSize, sweeps: budget.sweeps });
    if (!r.diagnostics.converged || !Number.isFinite(r.predictedQ)) return { ok: false, reason: `the Q prediction at L=${spec.L} did not converge (residual ${r.diagnostics.maxResidual})` };
    return { ok: true, value: { depth: spec.L, predictedQ: r.predictedQ, fractionAboveOne: r.fractionAboveOne, maxResidual: r.diagnostics.maxResidual } };
  } catch (e) {
    return { ok: false, reason: `the Q predictor failed at L=${spec.L}: ${(e as Error).message}` };
  }
}

export interface PredictedQCurve {
  width: number;
  depths: number[];
  predictedQ: number[];
  /** What the predictor says about itself (method, assumptions), printed in the report. */
  method: string;
}
