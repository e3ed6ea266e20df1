/**
 * One allocation at one m, everything `jesd allocation` prints (docs/allocation.md): r(A, m) with
 * its gap and the singular values of J_A at a generic point, the capacity m*(A), MP(A, m) with its
 * Wilson interval and the share of unconverged solves, and the self-checks of theory/12: a rank is
 * reported only when its gap certifies it, and MP must equal the rank prediction (12.11) wherever
 * that prediction is exact. A failed check throws NonConvergenceError (CLI exit 3).
 */
import { NonConvergenceError } from '../errors.ts';
import { linePlot } from '../plot/svg.ts';
import {
  allocationRank, allocationSize, capacity, genericPoint, MIN_RANK_GAP, outputDim, wholeLayer, type Allocation, type ArchSpec,
} from './allocation.ts';
import { fullRankAt, matchProbability, type MatchResult } from './matching.ts';

/**
 * Largest M for which the capacity is computed: the bisection takes about log2(M) SVDs of up to
 * M x M matrices (a whole layer of a linear net has no limit: its spectrum comes from (12.8)).
 */
export const CAPACITY_MAX_SIZE = 1500;

export interface AnalyzeOptions {
  draws?: number;
  starts?: number;
  seed?: number;
  maxIterations?: number;
  /** Skip the capacity bisection (the MP-vs-m curves of a figure need it once per allocation only). */
  skipCapacity?: boolean;
  onProgress?: (done: number) => void;
}

export interface AllocationReport {
  allocation: string;
  /** M = |A|. */
  size: number;
  inputs: number;
  /** r(A, m) at the generic point of draw 0. */
  rank: number;
  /** sigma_r / max(sigma_{r+1}, tau) (theory/12 (12.4)); null when J_A = 0. */
  gap: number | null;
  rankThreshold: number;
  /** m d_out, the rank needed for a generic match. */
  rowsOfJ: number;
  /** Rank of the all-weights Jacobian at the same point (the dimension of the teachers' outputs). */
  fullRank: number;
  /** m*(A); null when skipped (M above CAPACITY_MAX_SIZE, or for the points of a figure). */
  capacity: number | null;
  matchProbability: number;
  /** 95% Wilson interval of MP. */
  matchInterval: [number, number];
  matchedDraws: number;
  draws: number;
  solves: number;
  unconvergedShare: number;
  undecidedDraws: number;
  /** MP from the ranks where it is exact (12.11), else null. */
  predictedMatchProbability: 0 | 1 | null;
  rankOverDraws?: MatchResult['rankOverDraws'];
  /** Singular values of J_A at the generic point, descending. */
  singularValues: number[];
}

export function analyzeAllocation(spec: ArchSpec, a: Allocation, m: number, opts: AnalyzeOptions = {}): AllocationReport {
  const seed = opts.seed ?? 1;
  const point = genericPoint(spec, m, seed, 0);
  const r = allocationRank(spec, a, point, m);
  if (!r.certified) {
    throw new NonConvergenceError(`rank of J_A (${a.label}, m=${m}) not certified: singular-value gap ${r.gap?.toPrecision(3)} < ${MIN_RANK_GAP}`, { rank: r.rank, gap: r.gap });
  }
  const fullRank = fullRankAt(spec, r.rank, point.weights, point.inputs);
  let cap: number | null = null;
  const capacityOk = allocationSize(a) <= CAPACITY_MAX_SIZE || (spec.arch === 'linear' && wholeLayer(a) >= 0);
  if (!opts.skipCapacity && capacityOk) {
    const c = capacity(spec, a, seed);
    const bad = c.probes.find((p) => !p.certified);
    if (bad) throw new NonConvergenceError(`capacity of ${a.label}: rank at m=${bad.m} not certified (gap ${bad.gap?.toPrecision(3)} < ${MIN_RANK_GAP})`, { probes: c.probes });
    cap = c.capacity;
  }
  const mp = matchProbability(spec, a, m, {
    draws: opts.draws, starts: opts.starts, seed, maxIterations: opts.maxIterations, ranks: { rank: r.rank, fullRank }, onProgress: opts.onProgress,
  });
  if (mp.predicted !== null && mp.matchProbability !== mp.predicted) {
    throw new NonConvergenceError(`match probability ${mp.matchProbability} of ${a.label} (m=${m}) contradicts the rank prediction ${mp.predicted} (r(A,m)=${r.rank}, all weights ${fullRank}, m d_out=${m * outputDim(spec)})`, { ...mp });
  }
  return {
    allocation: a.label, size: allocationSize(a), inputs: m,
    rank: r.rank, gap: r.gap, rankThreshold: r.threshold, rowsOfJ: m * outputDim(spec), fullRank,
    capacity: cap,
    matchProbability: mp.matchProbability, matchInterval: [mp.interval.lower, mp.interval.upper],
    matchedDraws: mp.matchedDraws, draws: mp.draws, solves: mp.solves,
    unconvergedShare: mp.unconvergedShare, undecidedDraws: mp.undecidedDraws,
    predictedMatchProbability: mp.predicted,
    ...(mp.rankOverDraws ? { rankOverDraws: mp.rankOverDraws } : {}),
    singularValues: Array.from(r.singularValues),
  };
}

export interface McurvePoint {
  m: number;
  matchProbability: number;
  lower: number;
  upper: number;
  rank: number;
  unconvergedShare: number;
}

/** MP(A, m) for m = 1..mMax (the figure's curve for one allocation). */
export function matchCurve(spec: ArchSpec, a: Allocation, mMax: number, opts: AnalyzeOptions = {}): McurvePoint[] {
  const out: McurvePoint[] = [];
  for (let m = 1; m <= mMax; m++) {
    const r = analyzeAllocation(spec, a, m, { ...opts, skipCapacity: true, onProgress: undefined });
    out.push({ m, matchProbability: r.matchProbability, lower: r.matchInterval[0], upper: r.matchInterval[1], rank: r.rank, unconvergedShare: r.unconvergedShare });
    opts.onProgress?.(m);
  }
  return out;
}

/** The figure: MP vs m with Wilson intervals, one series per allocation. */
export function matchFigure(spec: ArchSpec, curves: { label: string; points: McurvePoint[] }[], draws: number): string {
  return linePlot(curves.map((c) => ({
    name: c.label, mode: 'both' as const,
    x: c.points.map((p) => p.m), y: c.points.map((p) => p.matchProbability),
    yLo: c.points.map((p) => p.lower), yHi: c.points.map((p) => p.upper),
  })), {
    title: `Match probability vs number of inputs: ${spec.arch} ${spec.widths.join(',')}${spec.arch === 'lrnn' ? `, T=${spec.steps}` : ''}`,
    xLabel: 'inputs m', yLabel: 'MP(A, m)', yDomain: [-0.05, 1.05],
    caption: `${draws} teacher/student draws per point; bars: 95% Wilson intervals; Levenberg-Marquardt from several starts.`,
    legend: 'top-right',
  });
}
