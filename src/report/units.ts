/**
 * Units of work of `jesd reproduce` that are not plain sweeps (those go through runSweep): the
 * sampled ESD of J J^T at the stable fixed points of one network, one row of a basin image, the four
 * counts of one network (counting protocols) and one Kac-Rice estimate. They run in worker threads
 * (src/montecarlo/pool.ts), so they take and return plain data, and they live here rather than in
 * their claim sections so that a worker does not load the sections' figure and PNG code.
 *
 * Determinism: a unit depends only on its input. Networks come from sampleNetwork(spec, k) and the
 * search's starts from stream(seed, NETWORK, k, START, ...) (src/network/network.ts,
 * src/fixedpoints/search.ts); basin starts are grid points, not random.
 */
import { sampleJacobianSpectrum } from '../compare/sampler.ts';
import { kacRice } from '../counting/kacRice.ts';
import { countNetwork, countsFromSearch, type CountProtocol } from '../counting/protocols.ts';
import { classifyStarts, findFixedPoints, type FixedPoint } from '../fixedpoints/search.ts';
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

// ---------------------------------------------------------------------------------------------
// Counting protocols over depth (claims/protocols.ts, P2)

export interface ProtocolUnit {
  key: string;
  spec: NetworkSpec;
  network: number;
  starts: number;
  iterations: number;
  tolerance: number;
  maxIterations: number;
  maxPeriod: number;
}

export interface ProtocolRecord {
  key: string;
  depth: number;
  network: number;
  counts: Record<CountProtocol, number>;
  /** Share of the all protocol's Newton starts that converged. */
  convergedShare: number;
}

/** All four counts of one network (the multistart search once for stable and attractors). */
export function runProtocolUnit(u: ProtocolUnit): ProtocolRecord {
  const net = sampleNetwork(u.spec, u.network);
  const search = countsFromSearch(findFixedPoints(net, { starts: u.starts, maxIterations: u.maxIterations, maxPeriod: u.maxPeriod }));
  const all = countNetwork(net, 'all', { starts: u.starts });
  const fin = countNetwork(net, 'final-states', { starts: u.starts, iterations: u.iterations, clusterTolerance: u.tolerance });
  return {
    key: u.key, depth: u.spec.L, network: u.network,
    counts: { stable: search.stable, all: all.count, attractors: search.attractors, 'final-states': fin.count },
    convergedShare: all.convergedShare!,
  };
}

// ---------------------------------------------------------------------------------------------
// The Kac-Rice prediction behind C4 (claims/kacRiceQ.ts)

export interface KacRiceUnit {
  key: string;
  control: boolean;
  spec: NetworkSpec;
  samples: number;
}

export interface KacRiceRecord {
  key: string;
  control: boolean;
  width: number;
  depth: number;
  stable: { mean: number; stderr: number };
  all: { mean: number; stderr: number };
  /** Kish effective sample sizes of the all and the stable weights. */
  ess: number;
  essStable: number;
  warning: string | null;
}

export function runKacRiceUnit(u: KacRiceUnit): KacRiceRecord {
  const r = kacRice(u.spec, { samples: u.samples });
  return {
    key: u.key, control: u.control, width: u.spec.N, depth: u.spec.L, stable: r.stable, all: r.all, ess: r.ess, essStable: r.essStable,
    warning: r.warning ?? null,
  };
}
