/**
 * Allocation expressivity of learnable subsets (theory/12-allocation.md; a reconstruction of
 * Schlisselberg and Darshan, arXiv 2502.06300): the architectures, allocations (masks of learnable
 * weights), the student's outputs on m inputs, the Jacobian J_A of those outputs with respect to
 * the learnable weights, its numerical rank with the singular-value gap behind it, and the
 * capacity m*(A).
 */
import { InvalidSpecError } from '../errors.ts';
import { linalg } from '../linalg/index.ts';
import { stream, STREAM, type Rng } from '../random/rng.ts';
import { identity, matrix, type Matrix } from '../types.ts';

export const ARCHS = ['linear', 'relu', 'lrnn'] as const;
export type Arch = (typeof ARCHS)[number];

/**
 * linear / relu: widths d_0 (input), ..., d_L (output), weights W_l of shape d_l x d_{l-1};
 * relu applies max(0, .) after every layer but the last (no biases).
 * lrnn: widths [d_in, n, d_out], weights U (n x d_in), W (n x n), C (d_out x n), h_0 = 0,
 * h_t = W h_{t-1} + U x_t for t = 1..steps, output C h_T.
 */
export interface ArchSpec {
  arch: Arch;
  widths: number[];
  /** lrnn only: number of time steps T (1 for the feed-forward architectures). */
  steps: number;
}

/** One learnable subset: a 0/1 mask per weight matrix (row-major), in layer order. */
export interface Allocation {
  label: string;
  masks: Uint8Array[];
}

export interface LayerShape {
  rows: number;
  cols: number;
  name: string;
}

/** Largest J_A (entries) the library builds: 1.6e7 doubles, 128 MB. */
export const MAX_JACOBIAN_ENTRIES = 16_000_000;

export function validateArch(spec: ArchSpec): ArchSpec {
  if (!(ARCHS as readonly string[]).includes(spec.arch)) throw new InvalidSpecError('arch', `must be one of ${ARCHS.join('|')}, got ${JSON.stringify(spec.arch)}`);
  const w = spec.widths;
  if (!Array.isArray(w) || w.some((d) => !Number.isInteger(d) || d < 1 || d > 100_000)) {
    throw new InvalidSpecError('widths', `must be integers in [1, 100000], got ${JSON.stringify(w)}`);
  }
  if (spec.arch === 'lrnn') {
    if (w.length !== 3) throw new InvalidSpecError('widths', `lrnn takes exactly three widths d_in,n,d_out, got ${w.length}`);
    if (!Number.isInteger(spec.steps) || spec.steps < 1 || spec.steps > 10_000) throw new InvalidSpecError('steps', `must be an integer in [1, 10000], got ${spec.steps}`);
  } else {
    if (w.length < 2) throw new InvalidSpecError('widths', `needs at least two widths (input and output), got ${w.length}`);
    if (spec.steps !== 1) throw new InvalidSpecError('steps', `applies to --arch lrnn only`);
  }
  const total = layerShapes(spec).reduce((acc, s) => acc + s.rows * s.cols, 0);
  if (total > MAX_WEIGHTS) throw new InvalidSpecError('widths', `the architecture has ${total} weights, more than ${MAX_WEIGHTS}`);
  return spec;
}

/** Largest number of weights of an architecture (8e6 doubles, 64 MB per copy). */
export const MAX_WEIGHTS = 8_000_000;

/** The weight matrices of an architecture, in layer order (layer numbers in masks start at 1). */
export function layerShapes(spec: ArchSpec): LayerShape[] {
  const w = spec.widths;
  if (spec.arch === 'lrnn') {
    return [{ rows: w[1]!, cols: w[0]!, name: 'U' }, { rows: w[1]!, cols: w[1]!, name: 'W' }, { rows: w[2]!, cols: w[1]!, name: 'C' }];
  }
  return w.slice(1).map((d, l) => ({ rows: d, cols: w[l]!, name: `W${l + 1}` }));
}

export function outputDim(spec: ArchSpec): number {
  return spec.widths[spec.widths.length - 1]!;
}

/** Input dimension of one input: d_0, or T d_in for lrnn (the sequence x_1..x_T stacked). */
export function inputDim(spec: ArchSpec): number {
  return spec.arch === 'lrnn' ? spec.widths[0]! * spec.steps : spec.widths[0]!;
}

/** M = |A|, the number of learnable weights. */
export function allocationSize(a: Allocation): number {
  let s = 0;
  for (const m of a.masks) for (let i = 0; i < m.length; i++) s += m[i]!;
  return s;
}

/** Check that an allocation fits the architecture and is not empty; `field` names the flag. */
export function validateAllocation(spec: ArchSpec, a: Allocation, field = 'allocation'): Allocation {
  const shapes = layerShapes(spec);
  if (a.masks.length !== shapes.length) throw new InvalidSpecError(field, `${a.label}: needs ${shapes.length} layer masks for ${spec.arch} ${spec.widths.join(',')}, got ${a.masks.length}`);
  a.masks.forEach((m, l) => {
    const s = shapes[l]!;
    if (m.length !== s.rows * s.cols) throw new InvalidSpecError(field, `${a.label}: layer ${l + 1} (${s.name}) is ${s.rows}x${s.cols}, its mask has ${m.length} entries`);
    for (let i = 0; i < m.length; i++) if (m[i] !== 0 && m[i] !== 1) throw new InvalidSpecError(field, `${a.label}: mask entries must be 0 or 1`);
  });
  if (allocationSize(a) === 0) throw new InvalidSpecError(field, `${a.label}: the allocation is empty (no learnable weight)`);
  return a;
}

/** The layers in which the allocation has learnable weights (0-based). */
export function allocatedLayers(a: Allocation): number[] {
  return a.masks.flatMap((m, l) => (m.some((v) => v === 1) ? [l] : []));
}

/**
 * True when the student's outputs are affine in the learnable weights (theory/12 (12.6)): every
 * learnable weight in one layer of a linear net, in the read-out layer of a ReLU net, or only in
 * U or only in C of a linear RNN.
 */
export function isLinearInParameters(spec: ArchSpec, a: Allocation): boolean {
  const layers = allocatedLayers(a);
  if (layers.length !== 1) return false;
  if (spec.arch === 'linear') return true;
  if (spec.arch === 'relu') return layers[0] === spec.widths.length - 2; // the read-out layer only
  return layers[0] !== 1; // lrnn: U or C, not the recurrent W
}

/** Gaussian weights with variance 1/fan_in (outputs of order one at any depth). */
export function sampleWeights(spec: ArchSpec, rng: Rng): Matrix[] {
  return layerShapes(spec).map((s) => {
    const m = matrix(s.rows, s.cols);
    const sd = 1 / Math.sqrt(s.cols);
    for (let i = 0; i < m.data.length; i++) m.data[i] = sd * rng.normal();
    return m;
  });
}

/** m standard Gaussian inputs as the columns of an inputDim x m matrix (every square minor invertible a.s.). */
export function sampleInputs(spec: ArchSpec, m: number, rng: Rng): Matrix {
  const x = matrix(inputDim(spec), m);
  for (let i = 0; i < x.data.length; i++) x.data[i] = rng.normal();
  return x;
}

/** The first m columns of X. */
export function firstInputs(x: Matrix, m: number): Matrix {
  if (m === x.cols) return x;
  const out = matrix(x.rows, m);
  for (let i = 0; i < x.rows; i++) for (let k = 0; k < m; k++) out.data[i * m + k] = x.data[i * x.cols + k]!;
  return out;
}

/** Read the learnable weights theta_A out of the weights (layer order, row-major). */
export function getTheta(a: Allocation, weights: readonly Matrix[]): Float64Array {
  const th: number[] = [];
  a.masks.forEach((mask, l) => {
    for (let i = 0; i < mask.length; i++) if (mask[i]) th.push(weights[l]!.data[i]!);
  });
  return Float64Array.from(th);
}

/** Copies of the weights with theta_A written into the learnable positions. */
export function setTheta(a: Allocation, weights: readonly Matrix[], theta: Float64Array): Matrix[] {
  let p = 0;
  return weights.map((w, l) => {
    const out = matrix(w.rows, w.cols, w.data.slice());
    const mask = a.masks[l]!;
    for (let i = 0; i < mask.length; i++) if (mask[i]) out.data[i] = theta[p++]!;
    return out;
  });
}

/** A^T as a new matrix. */
export function transpose(a: Matrix): Matrix {
  const t = matrix(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  return t;
}

/** States h_0..h_T (n x m each) of the linear RNN (12.1); x_t of input k is rows (t-1) d_in .. t d_in - 1 of column k. */
function lrnnStates(weights: readonly Matrix[], x: Matrix, steps: number): Matrix[] {
  const [U, W] = weights as [Matrix, Matrix, Matrix];
  const n = U.rows, dIn = U.cols, m = x.cols;
  const la = linalg();
  const states: Matrix[] = [matrix(n, m)];
  for (let t = 1; t <= steps; t++) {
    const xt = matrix(dIn, m, x.data.slice((t - 1) * dIn * m, t * dIn * m));
    const h = la.gemm(U, xt);
    const wh = la.gemm(W, states[t - 1]!);
    for (let i = 0; i < h.data.length; i++) h.data[i]! += wh.data[i]!;
    states.push(h);
  }
  return states;
}

/** Student outputs Y (d_out x m) on the inputs X (theory/12 (12.1)). */
export function forward(spec: ArchSpec, weights: readonly Matrix[], x: Matrix): Matrix {
  const la = linalg();
  if (spec.arch === 'lrnn') return la.gemm(weights[2]!, lrnnStates(weights, x, spec.steps)[spec.steps]!);
  let h = x;
  weights.forEach((w, l) => {
    h = la.gemm(w, h);
    if (spec.arch === 'relu' && l < weights.length - 1) for (let i = 0; i < h.data.length; i++) if (h.data[i]! < 0) h.data[i] = 0;
  });
  return h;
}

/**
 * J_A (theory/12 (12.2)-(12.3)): rows k d_out + o (input k, output o), columns the learnable
 * weights in layer order, row-major within a layer. Entry: dY[o,k]/dW_l[i,j] = delta_l[o,i] h_{l-1}[j,k]
 * with delta_L = I, delta_l = delta_{l+1} W_{l+1} D_l (D_l the ReLU gates of input k); for lrnn
 * the sums over time of (12.3). Also returns Y.
 */
export function allocationJacobian(spec: ArchSpec, a: Allocation, weights: readonly Matrix[], x: Matrix): { jacobian: Matrix; outputs: Matrix } {
  const dOut = outputDim(spec), m = x.cols, M = allocationSize(a);
  if (m * dOut * M > MAX_JACOBIAN_ENTRIES) throw new InvalidSpecError('inputs', `J_A would be ${m * dOut} x ${M}, more than ${MAX_JACOBIAN_ENTRIES} entries`);
  const J = matrix(m * dOut, M);
  const la = linalg();
  // Column offset of each layer's first learnable weight, and the flat positions that are learnable.
  const cols: Int32Array[] = a.masks.map((mask) => {
    const idx: number[] = [];
    for (let i = 0; i < mask.length; i++) if (mask[i]) idx.push(i);
    return Int32Array.from(idx);
  });
  const offset: number[] = [];
  cols.reduce((acc, c, l) => ((offset[l] = acc), acc + c.length), 0);
  const put = (l: number, k: number, delta: Matrix, h: Matrix, accumulate: boolean) => {
    // delta: d_out x rows_l (for input k); h: cols_l x m (column k used).
    const shapeCols = weights[l]!.cols;
    const c = cols[l]!;
    for (let o = 0; o < dOut; o++) {
      const row = (k * dOut + o) * M + offset[l]!;
      for (let q = 0; q < c.length; q++) {
        const i = Math.floor(c[q]! / shapeCols), j = c[q]! - i * shapeCols;
        const v = delta.data[o * delta.cols + i]! * h.data[j * h.cols + k]!;
        if (accumulate) J.data[row + q]! += v; else J.data[row + q] = v;
      }
    }
  };
  if (spec.arch === 'lrnn') {
    const [U, W, C] = weights as [Matrix, Matrix, Matrix];
    const states = lrnnStates(weights, x, spec.steps);
    const T = spec.steps, dIn = U.cols;
    // g_t = C W^{T-t} (d_out x n), t = T..1; the same for every input (linear in the state).
    const g: Matrix[] = [];
    g[T] = C;
    for (let t = T - 1; t >= 1; t--) g[t] = la.gemm(g[t + 1]!, W);
    for (let k = 0; k < m; k++) {
      if (cols[2]!.length) put(2, k, identity(dOut), states[T]!, false);
      for (let t = 1; t <= T; t++) {
        if (cols[1]!.length) put(1, k, g[t]!, states[t - 1]!, true);
        if (cols[0]!.length) put(0, k, g[t]!, matrix(dIn, m, x.data.subarray((t - 1) * dIn * m, t * dIn * m)), true);
      }
    }
    return { jacobian: J, outputs: la.gemm(C, states[T]!) };
  }
  const L = weights.length;
  const hs: Matrix[] = [x];
  for (let l = 0; l < L; l++) {
    const z = la.gemm(weights[l]!, hs[l]!);
    if (spec.arch === 'relu' && l < L - 1) for (let i = 0; i < z.data.length; i++) if (z.data[i]! < 0) z.data[i] = 0;
    hs.push(z);
  }
  const needFrom = Math.min(...allocatedLayers(a));
  if (spec.arch === 'linear') {
    let delta = identity(dOut);
    for (let l = L - 1; l >= needFrom; l--) {
      for (let k = 0; k < m; k++) if (cols[l]!.length) put(l, k, delta, hs[l]!, false);
      if (l > needFrom) delta = la.gemm(delta, weights[l]!);
    }
  } else {
    for (let k = 0; k < m; k++) {
      let delta = identity(dOut);
      for (let l = L - 1; l >= needFrom; l--) {
        if (cols[l]!.length) put(l, k, delta, hs[l]!, false);
        if (l > needFrom) {
          delta = la.gemm(delta, weights[l]!);
          // gate by the ReLU derivative of layer l-1's pre-activation for input k (h > 0 iff z > 0)
          const h = hs[l]!;
          for (let o = 0; o < dOut; o++) for (let i = 0; i < delta.cols; i++) if (!(h.data[i * m + k]! > 0)) delta.data[o * delta.cols + i] = 0;
        }
      }
    }
  }
  return { jacobian: J, outputs: hs[L]! };
}

/** Numerical rank with the gap that justifies it (theory/12 (12.4)). */
export interface RankResult {
  rank: number;
  /** sigma_r / max(sigma_{r+1}, tau); null for the zero matrix (rank 0 exactly). */
  gap: number | null;
  /** tau = sigma_1 max(rows, cols) eps. */
  threshold: number;
  /** gap >= MIN_RANK_GAP (or J = 0): the rank is not at the mercy of rounding. */
  certified: boolean;
  singularValues: Float64Array;
}

/** Smallest gap sigma_r / sigma_{r+1} at which a numerical rank is reported as certified. */
export const MIN_RANK_GAP = 1e3;

/** Rank and gap from singular values (descending) of a rows x cols matrix (theory/12 (12.4)). */
export function numericalRank(sv: Float64Array, rows: number, cols: number): RankResult {
  const s1 = sv.length ? sv[0]! : 0;
  if (!(s1 > 0)) return { rank: 0, gap: null, threshold: 0, certified: true, singularValues: sv };
  const tau = s1 * Math.max(rows, cols) * Number.EPSILON;
  let r = 0;
  while (r < sv.length && sv[r]! > tau) r++;
  const next = r < sv.length ? sv[r]! : 0;
  const gap = sv[r - 1]! / Math.max(next, tau);
  return { rank: r, gap, threshold: tau, certified: gap >= MIN_RANK_GAP, singularValues: sv };
}

/** Rank and gap of a matrix through the active linalg backend's singular values. */
export function genericRank(j: Matrix): RankResult {
  if (j.rows === 0 || j.cols === 0) return { rank: 0, gap: null, threshold: 0, certified: true, singularValues: new Float64Array(0) };
  return numericalRank(linalg().singularValues(j), j.rows, j.cols);
}

/** One generic point: student weights, the learnable weights at random values, inputs. */
export interface GenericPoint {
  weights: Matrix[];
  inputs: Matrix;
}

/** The generic point of draw d: weights from stream(seed, ALLOCATION_STUDENT, d), inputs from stream(seed, ALLOCATION_INPUT, d). */
export function genericPoint(spec: ArchSpec, m: number, seed: number, draw: number): GenericPoint {
  return {
    weights: sampleWeights(spec, stream(seed, STREAM.ALLOCATION_STUDENT, draw)),
    inputs: sampleInputs(spec, m, stream(seed, STREAM.ALLOCATION_INPUT, draw)),
  };
}

/** The one weight matrix (0-based) that an allocation fills completely and alone, else -1. */
export function wholeLayer(a: Allocation): number {
  const layers = allocatedLayers(a);
  return layers.length === 1 && a.masks[layers[0]!]!.every((v) => v === 1) ? layers[0]! : -1;
}

/**
 * Singular values of J_A (descending) with its rank and gap: for a whole layer of a linear net
 * from the Kronecker factors (12.8) (two small SVDs instead of one of the (m d_out) x M matrix),
 * else from the SVD of J_A.
 */
export function allocationSpectrum(spec: ArchSpec, a: Allocation, weights: readonly Matrix[], x: Matrix): RankResult {
  const layer = spec.arch === 'linear' ? wholeLayer(a) : -1;
  if (layer < 0) return genericRank(allocationJacobian(spec, a, weights, x).jacobian);
  const f = kroneckerFactors(spec, weights, x, layer);
  return numericalRank(kroneckerSingularValues(f.earlierInputsT, f.later), x.cols * outputDim(spec), allocationSize(a));
}

/** r(A, m) with its gap at a generic point (the first m inputs of `point`). */
export function allocationRank(spec: ArchSpec, a: Allocation, point: GenericPoint, m: number): RankResult {
  return allocationSpectrum(spec, a, point.weights, firstInputs(point.inputs, m));
}

/** Every weight learnable. */
export function fullAllocation(spec: ArchSpec): Allocation {
  return { label: 'all weights', masks: layerShapes(spec).map((s) => new Uint8Array(s.rows * s.cols).fill(1)) };
}

export interface CapacityResult {
  /** m*(A): the largest m with r(A, m) = m d_out (0 if none), theory/12 (12.5). */
  capacity: number;
  /** Every rank evaluated on the way (m, rank, gap, certified). */
  probes: { m: number; rank: number; gap: number | null; certified: boolean }[];
}

/**
 * m*(A) by bisection over m in [0, floor(M / d_out)] at one generic point (full row rank at m
 * implies it at every smaller m, because the rows for m - 1 inputs are a subset).
 */
export function capacity(spec: ArchSpec, a: Allocation, seed: number, draw = 0): CapacityResult {
  const dOut = outputDim(spec);
  const hi0 = Math.floor(allocationSize(a) / dOut);
  const probes: CapacityResult['probes'] = [];
  if (hi0 === 0) return { capacity: 0, probes };
  const point = genericPoint(spec, hi0, seed, draw);
  let lo = 0, hi = hi0; // invariant: full at lo (m = 0 trivially), unknown above; answer in [lo, hi]
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const r = allocationRank(spec, a, point, mid);
    probes.push({ m: mid, rank: r.rank, gap: r.gap, certified: r.certified });
    if (r.rank === mid * dOut) lo = mid; else hi = mid - 1;
  }
  return { capacity: lo, probes };
}

/**
 * Closed-form single-layer rank law (theory/12 (12.7), (12.9)): k_i learnable entries in row i of
 * one weight matrix whose input has generic rank `inputRank` over the m inputs (d_{l-1} for a square
 * linear net, T d_in for the read-out of a linear RNN), the layers after it square and generic:
 * r(A, m) = sum_i min(k_i, m, inputRank).
 */
export function singleLayerRankLaw(rowCounts: readonly number[], m: number, inputRank = Infinity): number {
  return rowCounts.reduce((s, k) => s + Math.min(k, m, inputRank), 0);
}

/**
 * Singular values of a Kronecker product A (x) B: every product sigma_i(A) sigma_j(B), descending
 * (theory/12 (12.8)); for a full-layer allocation of a linear net J_A = (Q X)^T (x) P.
 */
export function kroneckerSingularValues(a: Matrix, b: Matrix): Float64Array {
  const la = linalg();
  const sa = la.singularValues(a), sb = la.singularValues(b);
  const out = new Float64Array(sa.length * sb.length);
  let p = 0;
  for (const u of sa) for (const v of sb) out[p++] = u * v;
  return out.sort().reverse();
}

/**
 * The two factors of (12.8) for the weight matrix W_l, l = layer + 1, of a linear net:
 * P = W_L ... W_{l+1} (d_out x d_l) and Z = W_{l-1} ... W_1 X (d_{l-1} x m); J for the full
 * layer is Z^T (x) P up to a permutation of its columns.
 */
export function kroneckerFactors(spec: ArchSpec, weights: readonly Matrix[], x: Matrix, layer: number): { later: Matrix; earlierInputsT: Matrix } {
  if (spec.arch !== 'linear') throw new InvalidSpecError('arch', 'the Kronecker factorisation holds for linear feed-forward nets only');
  const la = linalg();
  let z = x;
  for (let l = 0; l < layer; l++) z = la.gemm(weights[l]!, z);
  let p = identity(outputDim(spec));
  for (let l = weights.length - 1; l > layer; l--) p = la.gemm(p, weights[l]!);
  return { later: p, earlierInputsT: transpose(z) };
}
