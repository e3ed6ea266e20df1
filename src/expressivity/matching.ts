/**
 * Match probability MP(A, m) (theory/12 section 12.4): a teacher with every weight random, a
 * student whose non-learnable weights are random and independent of the teacher's, m random
 * inputs; the student matches when some theta_A reproduces the teacher's outputs on the m inputs.
 * Decided by Levenberg-Marquardt from several starts; estimated over draws with a Wilson interval.
 *
 * The Levenberg-Marquardt here is the project's own (a dozen lines on linalg().luSolve): the npm
 * package ml-levenberg-marquardt fits a scalar curve y(x) with a finite-difference Jacobian and
 * returns no convergence verdict, while this solver needs the exact J_A it already has and must
 * tell "matched", "stuck at a non-zero minimum" and "ran out of iterations" apart.
 */
import { InvalidSpecError } from '../errors.ts';
import { linalg } from '../linalg/index.ts';
import { wilsonInterval, type BinomialInterval } from '../numerics/stats.ts';
import { stream, STREAM } from '../random/rng.ts';
import { matrix, type Matrix } from '../types.ts';
import {
  allocationJacobian, forward, fullAllocation, genericRank, isLinearInParameters, layerShapes, outputDim,
  sampleInputs, sampleWeights, setTheta, transpose, type Allocation, type ArchSpec,
} from './allocation.ts';

export type SolveStatus = 'matched' | 'stationary' | 'unconverged';

export interface LmOptions {
  /** Match when ||r|| <= matchTol * max(||Y_teacher||, 1) (default 1e-8). */
  matchTol?: number;
  /** Iteration cap (default 200). */
  maxIterations?: number;
}

export interface LmResult {
  status: SolveStatus;
  theta: Float64Array;
  /** ||r|| / max(||Y_teacher||, 1) at the end. */
  relResidual: number;
  iterations: number;
}

const norm = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
};

/**
 * Levenberg-Marquardt on r(theta) = Y(theta) - Y_teacher (theory/12 (12.12)):
 * delta = -J^T (J J^T + lambda I)^{-1} r when J has fewer rows than columns, else
 * -(J^T J + lambda I)^{-1} J^T r (the same step); lambda shrinks x3 after a step that lowers
 * ||r||, grows x4 otherwise. Stationary: lambda above 1e12 times the largest diagonal entry, or
 * ||J^T r|| <= 1e-12 ||J||_F ||r||, with ||r|| above the match tolerance.
 */
export function levenbergMarquardt(spec: ArchSpec, a: Allocation, weights: readonly Matrix[], x: Matrix, target: Matrix, theta0: Float64Array, opts: LmOptions = {}): LmResult {
  const matchTol = opts.matchTol ?? 1e-8, maxIt = opts.maxIterations ?? 200;
  const la = linalg();
  const scale = Math.max(norm(target.data), 1);
  let theta = theta0.slice();
  const evaluate = (th: Float64Array) => {
    const { jacobian, outputs } = allocationJacobian(spec, a, setTheta(a, weights, th), x);
    const r = new Float64Array(outputs.data.length);
    // J rows are (input k, output o) = k d_out + o; Y is d_out x m row-major: Y[o, k].
    const dOut = outputs.rows, m = outputs.cols;
    for (let k = 0; k < m; k++) for (let o = 0; o < dOut; o++) r[k * dOut + o] = outputs.data[o * m + k]! - target.data[o * m + k]!;
    return { J: jacobian, r, rn: norm(r) };
  };
  let cur = evaluate(theta);
  let lambda = -1;
  for (let it = 0; it < maxIt; it++) {
    if (cur.rn <= matchTol * scale) return { status: 'matched', theta, relResidual: cur.rn / scale, iterations: it };
    const { J, r } = cur;
    const n = J.rows, M = J.cols;
    const small = n < M;
    // G = J J^T (n x n) or J^T J (M x M)
    const G = small ? la.gemmTransB(J, J) : la.gemm(transpose(J), J);
    const jtr = new Float64Array(M);
    for (let i = 0; i < n; i++) for (let j = 0; j < M; j++) jtr[j]! += J.data[i * M + j]! * r[i]!;
    let dmax = 0, trace = 0; // trace(G) = ||J||_F^2
    for (let i = 0; i < G.rows; i++) {
      dmax = Math.max(dmax, G.data[i * G.rows + i]!);
      trace += G.data[i * G.rows + i]!;
    }
    if (dmax === 0 || norm(jtr) <= 1e-12 * Math.sqrt(trace) * cur.rn) return { status: 'stationary', theta, relResidual: cur.rn / scale, iterations: it };
    if (lambda < 0) lambda = 1e-3 * dmax;
    let improved = false;
    while (!improved) {
      if (lambda > 1e12 * dmax) return { status: 'stationary', theta, relResidual: cur.rn / scale, iterations: it };
      const A = matrix(G.rows, G.rows, G.data.slice());
      for (let i = 0; i < G.rows; i++) A.data[i * G.rows + i]! += lambda;
      let step: Float64Array;
      try {
        if (small) {
          const y = la.luSolve(A, r);
          step = new Float64Array(M);
          for (let i = 0; i < n; i++) for (let j = 0; j < M; j++) step[j]! -= J.data[i * M + j]! * y[i]!;
        } else {
          step = la.luSolve(A, jtr).map((v) => -v);
        }
      } catch {
        lambda *= 4;
        continue;
      }
      const trial = theta.map((v, i) => v + step[i]!);
      const next = evaluate(trial);
      if (Number.isFinite(next.rn) && next.rn < cur.rn) {
        theta = trial;
        cur = next;
        lambda = Math.max(lambda / 3, 1e-15 * dmax);
        improved = true;
      } else {
        lambda *= 4;
      }
    }
  }
  if (cur.rn <= matchTol * scale) return { status: 'matched', theta, relResidual: cur.rn / scale, iterations: maxIt };
  return { status: 'unconverged', theta, relResidual: cur.rn / scale, iterations: maxIt };
}

export interface MatchOptions extends LmOptions {
  /** Teacher/student draws (default 20). */
  draws?: number;
  /** Solver starts per draw (default 10); a draw stops at its first matching start. */
  starts?: number;
  seed?: number;
  /** Ranks at the first draw when the caller has them already (skips two SVDs). */
  ranks?: { rank: number; fullRank: number };
  onProgress?: (done: number) => void;
}

export interface MatchResult {
  /** MP estimate: matched draws / draws. */
  matchProbability: number;
  interval: BinomialInterval;
  matchedDraws: number;
  draws: number;
  solves: number;
  /** Share of solves that hit the iteration cap (neither matched nor stationary). */
  unconvergedShare: number;
  /** Draws with no matching start and at least one unconverged solve (undecided). */
  undecidedDraws: number;
  /**
   * The rank prediction of theory/12 (12.11) when it is exact: 0 when r(A, m) < r(all weights, m)
   * (any non-ReLU architecture), 1 when the outputs are affine in theta_A and r(A, m) = m d_out; else null.
   */
  predicted: 0 | 1 | null;
  /** Ranks at the first draw: of J_A and of the all-weights Jacobian. */
  rank: number;
  fullRank: number;
  /** relu only (its rank depends on the point): the rank of J_A at every draw's student, min / mean / max. */
  rankOverDraws?: { min: number; mean: number; max: number };
}

/** The rank of the all-weights Jacobian at a point; equal to r(A, m) without computing it when J_A has full row rank. */
export function fullRankAt(spec: ArchSpec, rank: number, weights: readonly Matrix[], x: Matrix): number {
  if (rank === x.cols * outputDim(spec)) return rank;
  return genericRank(allocationJacobian(spec, fullAllocation(spec), weights, x).jacobian).rank;
}

/** The exact MP of (12.11) where it applies, from the ranks at a generic point. */
export function predictMatchProbability(spec: ArchSpec, a: Allocation, m: number, rank: number, fullRank: number): 0 | 1 | null {
  if (spec.arch !== 'relu' && rank < fullRank) return 0;
  if (isLinearInParameters(spec, a) && rank === m * outputDim(spec)) return 1;
  return null;
}

/**
 * MP(A, m) over `draws` draws: teacher weights stream(seed, ALLOCATION_TEACHER, d); student's
 * weights stream(seed, ALLOCATION_STUDENT, d); inputs stream(seed, ALLOCATION_INPUT, d); start s
 * draws theta_A from stream(seed, ALLOCATION_STUDENT, d, START, s) with the weights' variance.
 */
export function matchProbability(spec: ArchSpec, a: Allocation, m: number, opts: MatchOptions = {}): MatchResult {
  const draws = opts.draws ?? 20, starts = opts.starts ?? 10, seed = opts.seed ?? 1;
  if (!Number.isInteger(m) || m < 1) throw new InvalidSpecError('inputs', `must be an integer >= 1, got ${m}`);
  if (!Number.isInteger(draws) || draws < 1) throw new InvalidSpecError('draws', `must be an integer >= 1, got ${draws}`);
  if (!Number.isInteger(starts) || starts < 1) throw new InvalidSpecError('starts', `must be an integer >= 1, got ${starts}`);
  let matched = 0, solves = 0, unconverged = 0, undecided = 0;
  let rank = opts.ranks?.rank ?? -1, fullRank = opts.ranks?.fullRank ?? -1;
  const drawRanks: number[] = [];
  for (let d = 0; d < draws; d++) {
    const teacher = sampleWeights(spec, stream(seed, STREAM.ALLOCATION_TEACHER, d));
    const student = sampleWeights(spec, stream(seed, STREAM.ALLOCATION_STUDENT, d));
    const x = sampleInputs(spec, m, stream(seed, STREAM.ALLOCATION_INPUT, d));
    const target = forward(spec, teacher, x);
    if (spec.arch === 'relu') drawRanks.push(d === 0 && rank >= 0 ? rank : genericRank(allocationJacobian(spec, a, student, x).jacobian).rank);
    if (d === 0 && rank < 0) {
      rank = genericRank(allocationJacobian(spec, a, student, x).jacobian).rank;
      fullRank = fullRankAt(spec, rank, student, x);
    }
    let hit = false, anyUnconverged = false;
    const sd = theta0Scales(spec, a);
    for (let s = 0; s < starts && !hit; s++) {
      const rs = stream(seed, STREAM.ALLOCATION_STUDENT, d, STREAM.START, s);
      const th0 = Float64Array.from(sd, (v) => v * rs.normal());
      const res = levenbergMarquardt(spec, a, student, x, target, th0, opts);
      solves++;
      if (res.status === 'matched') hit = true;
      if (res.status === 'unconverged') { unconverged++; anyUnconverged = true; }
    }
    if (hit) matched++;
    else if (anyUnconverged) undecided++;
    opts.onProgress?.(d + 1);
  }
  return {
    matchProbability: matched / draws,
    interval: wilsonInterval(matched, draws),
    matchedDraws: matched, draws, solves,
    unconvergedShare: unconverged / solves,
    undecidedDraws: undecided,
    predicted: predictMatchProbability(spec, a, m, rank, fullRank),
    rank, fullRank,
    ...(drawRanks.length ? { rankOverDraws: { min: Math.min(...drawRanks), mean: drawRanks.reduce((x, y) => x + y, 0) / drawRanks.length, max: Math.max(...drawRanks) } } : {}),
  };
}

/** Standard deviation 1/sqrt(fan_in) of each learnable weight (the law of sampleWeights). */
function theta0Scales(spec: ArchSpec, a: Allocation): number[] {
  const shapes = layerShapes(spec);
  const out: number[] = [];
  a.masks.forEach((mask, l) => {
    for (let i = 0; i < mask.length; i++) if (mask[i]) out.push(1 / Math.sqrt(shapes[l]!.cols));
  });
  return out;
}
