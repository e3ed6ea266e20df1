/**
 * Units of work of `jesd reproduce` that are not plain sweeps (those go through runSweep): the
 * sampled ESD of J J^T at the stable fixed points of one network, and one row of a basin image.
 * They run in worker threads (src/montecarlo/pool.ts), so they take and return plain data.
 *
 * Determinism: a unit depends only on its input. Networks come from sampleNetwork(spec, k) and the
 * search's starts from stream(seed, NETWORK, k, START, ...) (src/network/network.ts,
 * src/fixedpoints/search.ts); basin starts are grid points, not random.
 */
import { sampleJacobianSpectrum } from '../compare/sampler.ts';
import { classifyStarts, type FixedPoint } from '../fixedpoints/search.ts';
import { sampleNetwork } from '../network/network.ts';
import type { NetworkSpec } from '../spec/networkSpec.ts';
import { matrix } from '../types.ts';
import { siblingModuleUrl } from '../moduleUrl.ts';
import { predictedEsd, predictedQPoint, type Availability, type PopulationBudget, type PredictedLaw, type PredictedQPoint } from './theory.ts';

/** URL of this module, which worker threads load to run the units below. */
export const UNITS_URL = siblingModuleUrl(import.meta.url, './units');

export interface EsdUnit {
  key: string;
  spec: NetworkSpec;
  network: number;
  starts: number;
  maxIterations: number;
  maxPeriod: number;
}

export interface EsdRecord {
  key: string;
  width: number;
  depth: number;
  weights: string;
  network: number;
  Q: number;
  /** Eigenvalues of J J^T at each stable fixed point, concatenated (Q * N values), ascending per point. */
  squaredSingularValues: number[];
  /** Spectral radius of Df at each stable fixed point. */
  spectralRadii: number[];
}

/** Sample network `network`, find its stable fixed points and the spectrum of J J^T at each one. */
export function runEsdUnit(u: EsdUnit): EsdRecord {
  const s = sampleJacobianSpectrum(u.spec, u.network, { kind: 'stable-fixed-points', starts: u.starts, maxIterations: u.maxIterations, maxPeriod: u.maxPeriod });
  return {
    key: u.key, width: u.spec.N, depth: u.spec.L, weights: u.spec.weights.name, network: u.network,
    Q: s.Q!, squaredSingularValues: s.squaredSingularValues.flatMap((v) => Array.from(v)), spectralRadii: s.spectralRadii,
  };
}

export interface KnownFixedPoint {
  x: number[];
  stable: boolean;
  spectralRadius: number;
}

/** A 2-D slice of input space: start(s, t) = origin + s a + t b, s over [s0, s1] (columns), t over [t0, t1] (rows). */
export interface BasinSlice {
  origin: number[];
  a: number[];
  b: number[];
  s0: number;
  s1: number;
  t0: number;
  t1: number;
}

export interface BasinRowUnit extends BasinSlice {
  key: string;
  spec: NetworkSpec;
  network: number;
  /** Fixed points already known (from the listing search), matched first. */
  known: KnownFixedPoint[];
  resolution: number;
  /** Row index r: t = t0 + (r + 0.5) (t1 - t0) / resolution. */
  row: number;
  maxIterations: number;
  maxPeriod: number;
}

/** Cell codes besides fixed-point indices. */
export const CELL_CYCLE = -2;
export const CELL_UNSETTLED = -1;

export interface BasinRowRecord {
  key: string;
  slice: number;
  row: number;
  /** Per cell: index into known (>= 0), known.length + k for the k-th new point below, or CELL_*. */
  cells: number[];
  /** Fixed points found in this row that were not in `known`. */
  newFixedPoints: KnownFixedPoint[];
}

/** Classify the `resolution` starts of one image row by the attractor they reach. */
export function runBasinRowUnit(u: BasinRowUnit & { slice: number }): BasinRowRecord {
  const net = sampleNetwork(u.spec, u.network);
  const N = u.spec.N;
  const n = u.resolution;
  const starts = matrix(n, N);
  const t = u.t0 + ((u.row + 0.5) * (u.t1 - u.t0)) / n;
  for (let c = 0; c < n; c++) {
    const sc = u.s0 + ((c + 0.5) * (u.s1 - u.s0)) / n;
    for (let k = 0; k < N; k++) starts.data[c * N + k] = u.origin[k]! + sc * u.a[k]! + t * u.b[k]!;
  }
  const known: FixedPoint[] = u.known.map((k) => ({
    x: Float64Array.from(k.x), stable: k.stable, spectralRadius: k.spectralRadius, basinShare: 0, margin: 1 - k.spectralRadius, residual: 0,
  }));
  const { outcomes, fixedPoints } = classifyStarts(net, starts, known, { maxIterations: u.maxIterations, maxPeriod: u.maxPeriod });
  const cells = outcomes.map((o) => (o.kind === 'fixed' ? o.index : o.kind === 'cycle' ? CELL_CYCLE : CELL_UNSETTLED));
  const newFixedPoints = fixedPoints.slice(known.length).map((fp) => ({ x: Array.from(fp.x), stable: fp.stable, spectralRadius: fp.spectralRadius }));
  return { key: u.key, slice: u.slice, row: u.row, cells, newFixedPoints };
}

export interface TheoryUnit {
  key: string;
  kind: 'q' | 'esd';
  spec: NetworkSpec;
  /** ESD prediction grid (kind 'esd'). */
  grid?: number[];
  budget: PopulationBudget;
}

export interface TheoryRecord {
  key: string;
  result: Availability<PredictedQPoint> | Availability<PredictedLaw>;
}

/** One theory computation: a point of the predicted Q curve, or a predicted ESD (see ./theory.ts). */
export async function runTheoryUnit(u: TheoryUnit): Promise<TheoryRecord> {
  const result = u.kind === 'q' ? await predictedQPoint(u.spec, u.budget) : await predictedEsd(u.spec, u.grid ?? [], u.budget);
  return { key: u.key, result };
}
