/**
 * Predicted against Monte Carlo spectrum of J J^T at random points (`jesd compare --spectrum`,
 * docs/heavy-tailed-accuracy.md): quantiles, tail exponent, E[ln lambda], the share above 1, and the
 * inversion-free distance of the smoothed observables (theory/05-heavy-tailed.md (5.51)), per route
 * of the heavy-tailed solver and for the free surrogate.
 */
import { InvalidSpecError, NonConvergenceError } from '../errors.ts';
import { freeSurrogateSquaredSingularValues } from '../jacobian/freeSurrogate.ts';
import { smoothedObservables, solveHeavySpectrum, type HeavyRoute } from '../jacobian/heavy.ts';
import type { NetworkSpec } from '../spec/networkSpec.ts';
import { sampleJacobianSpectrum } from './sampler.ts';
import { empiricalCdf, hillTailIndex } from '../spectra/empirical.ts';

export interface SpectrumAccuracyRow {
  depth: number;
  width: number;
  route: HeavyRoute | 'monte-carlo' | 'free-surrogate';
  quantiles: { '0.1': number; '0.5': number; '0.9': number };
  tailExponent: number;
  meanLog: number;
  fractionAboveOne: number;
  /** |ln(q_route / q_MC)| per quantile (absent for the Monte Carlo row). */
  logError?: { '0.1': number; '0.5': number; '0.9': number };
  samples?: number;
  failedNetworks?: number;
  massOnGrid?: number;
  /**
   * Inversion-free distance (theory (5.51)): max over the evaluation radii r of
   * |S_route(r) - S_MC(r)|, S(r) = E[r^2 / (r^2 + lambda^2)] (absent for the Monte Carlo row).
   */
  smoothedDistance?: number;
  /** Largest replica standard error of the route's S(r). */
  replicaError?: number;
  /**
   * Rank error per quantile: |F_MC(q_route(p)) - p|, the Monte Carlo CDF at the predicted quantile
   * minus its level (absent for the Monte Carlo row). Well conditioned where the law of ln lambda
   * is flat (the lower tail), unlike the log error.
   */
  rankError?: { '0.1': number; '0.5': number; '0.9': number };
}

/**
 * Monte Carlo squared singular values of J at a point uniform in the activation box, pooled over
 * networks; tail exponent by the Hill estimator on the top 2 percent (theory/05 (5.52) compares to it).
 */
export function monteCarloSpectrum(spec: NetworkSpec, networks: number, sampler?: (spec: NetworkSpec, k: number) => Float64Array): { quantiles: SpectrumAccuracyRow['quantiles']; tailExponent: number; meanLog: number; fractionAboveOne: number; samples: number; failedNetworks: number; lambdas: Float64Array } {
  const all: number[] = [];
  let failed = 0;
  for (let k = 0; k < networks; k++) {
    let lams: Float64Array;
    try {
      // Exact zeros are floored at the smallest positive double, so that ln lambda stays finite.
      lams = sampler !== undefined ? sampler(spec, k) : sampleJacobianSpectrum(spec, k, { kind: 'random' }).squaredSingularValues[0]!.map((v) => Math.max(v, Number.MIN_VALUE));
    } catch (e) {
      // a failed SVD is skipped and counted, never silently replaced
      failed++;
      continue;
    }
    for (const v of lams) all.push(v);
  }
  if (all.length === 0) throw new NonConvergenceError(`Monte Carlo spectrum: every SVD failed (${failed} networks)`, { failed });
  all.sort((a, b) => a - b);
  const q = (p: number) => all[Math.floor(p * (all.length - 1))]!;
  const k = Math.max(5, Math.floor(all.length * 0.02));
  let tailExponent = -1; // -1: undefined (the k largest values are all equal)
  try {
    tailExponent = hillTailIndex(all, k);
  } catch (e) {
    if (!(e instanceof InvalidSpecError)) throw e;
  }
  return {
    quantiles: { '0.1': q(0.1), '0.5': q(0.5), '0.9': q(0.9) },
    tailExponent,
    meanLog: all.reduce((a, b) => a + Math.log(b), 0) / all.length,
    fractionAboveOne: all.filter((v) => v > 1).length / all.length,
    samples: all.length,
    failedNetworks: failed,
    lambdas: Float64Array.from(all),
  };
}

/** Predicted (population, decoupled) vs Monte Carlo spectrum quantiles (docs/heavy-tailed-accuracy.md). */
export function spectrumAccuracy(base: Omit<NetworkSpec, 'L' | 'N'>, widths: number[], depths: number[], opts: { networks?: number; populationSize: number; sweeps: number; replicas?: number; routes?: HeavyRoute[]; freeSurrogate?: boolean; onProgress?: (m: string) => void }): SpectrumAccuracyRow[] {
  const rows: SpectrumAccuracyRow[] = [];
  type P = '0.1' | '0.5' | '0.9';
  const ps: P[] = ['0.1', '0.5', '0.9'];
  for (const L of depths) {
    const theory = new Map<HeavyRoute, ReturnType<typeof solveHeavySpectrum>>();
    for (const N of widths) {
      const spec: NetworkSpec = { ...base, N, L };
      for (const route of opts.routes ?? ['population', 'decoupled'] as const) {
        // natural scaling: the limit does not depend on N, solve once per depth
        if (base.scaling === 'raw' || !theory.has(route)) {
          theory.set(route, solveHeavySpectrum(spec, { route, populationSize: opts.populationSize, sweeps: opts.sweeps, seed: base.seed, ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}) }));
        }
      }
      const networks = opts.networks ?? Math.max(1, Math.ceil(1600 / N));
      const { lambdas, ...mc } = monteCarloSpectrum(spec, networks);
      rows.push({ depth: L, width: N, route: 'monte-carlo', ...mc });
      const logError = (q: SpectrumAccuracyRow['quantiles']) => Object.fromEntries(ps.map((p) => [p, Math.abs(Math.log(q[p] / mc.quantiles[p]))])) as SpectrumAccuracyRow['quantiles'];
      const rankError = (q: SpectrumAccuracyRow['quantiles']) => Object.fromEntries(ps.map((p) => [p, Math.abs(empiricalCdf(lambdas, q[p]) - Number(p))])) as SpectrumAccuracyRow['quantiles'];
      const distance = (r: ArrayLike<number>, S: ArrayLike<number>) => {
        const sm = smoothedObservables(lambdas, r);
        let dist = 0;
        for (let j = 0; j < sm.cdf.length; j++) dist = Math.max(dist, Math.abs(sm.cdf[j]! - S[j]!));
        return dist;
      };
      let rGrid: Float64Array | undefined;
      for (const [route, th] of theory) {
        rGrid = th.smoothed.r;
        rows.push({
          depth: L, width: N, route, quantiles: th.quantiles, tailExponent: Number.isFinite(th.tailExponent) ? th.tailExponent : -1,
          meanLog: th.meanLog, fractionAboveOne: th.fractionAboveOne, massOnGrid: th.diagnostics.massOnGrid,
          logError: logError(th.quantiles), rankError: rankError(th.quantiles),
          smoothedDistance: distance(th.smoothed.r, th.smoothed.cdf), replicaError: th.diagnostics.maxResidual,
        });
      }
      if (opts.freeSurrogate ?? true) {
        // the S-transform product (5.40) by Haar-rotated Monte Carlo of the same networks (theory 5.9)
        const { lambdas: fl, ...fr } = monteCarloSpectrum(spec, networks, freeSurrogateSquaredSingularValues);
        const r = rGrid ?? Float64Array.from({ length: 61 }, (_, j) => Math.pow(10, 6 - j * (8 * L + 10) / 60));
        rows.push({
          depth: L, width: N, route: 'free-surrogate', ...fr,
          logError: logError(fr.quantiles), rankError: rankError(fr.quantiles),
          smoothedDistance: distance(r, smoothedObservables(fl, r).cdf),
        });
      }
      opts.onProgress?.(`spectrum L=${L} N=${N} done`);
    }
  }
  return rows;
}

