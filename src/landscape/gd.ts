/**
 * Full-batch gradient descent theta <- theta - eta grad L(theta) (9.4) on the shallow network of
 * src/landscape/model.ts, and the plateaus of its loss curve (9.5).
 *
 * Why a dedicated loop instead of src/training/train.ts: the training stage works on layered nets with
 * biases and the fixed activation list (no alpha+/alpha- slopes), and it allocates its forward cache
 * and calls the linear-algebra backend for every step. The experiments here run 3e5-8e5 steps on
 * N <= 7 points and width 50, where one step is a few thousand flops: per-step allocation and
 * backend-call overhead would dominate. This loop preallocates everything and runs in plain float64
 * loops (bench/landscape.bench.ts measures it against NumPy doing the same arithmetic).
 */
import { NonConvergenceError, requireFinite, requireInteger, InvalidSpecError } from '../errors.ts';
import type { LandscapeData, ShallowNet } from './model.ts';

export interface GdOptions {
  lr: number;
  steps: number;
  /** Record the loss (and a parameter snapshot) every `recordEvery` steps; default about steps / 4000. */
  recordEvery?: number;
  /** Keep parameter snapshots at the records (for classifying plateaus); default true. */
  snapshots?: boolean;
  /** Called at each record with (step, loss). */
  onRecord?: (step: number, loss: number) => void;
  /** Step number of the first step (continued runs count on). */
  stepOffset?: number;
}

export interface GdRecord {
  step: number;
  loss: number;
}

export interface GdResult {
  net: ShallowNet;
  /** Loss after the last step. */
  finalLoss: number;
  /** Loss before step `step` (records[0] is the initial loss), ending with the final loss. */
  records: GdRecord[];
  /** snapshots[j] = [W, H] at records[j] (empty when snapshots are off). */
  snapshots: { W: Float64Array; H: Float64Array }[];
}

export function defaultRecordEvery(steps: number): number {
  return Math.max(1, Math.floor(steps / 4000));
}

/** Run (9.4) for `steps` steps from a copy of `net0`. */
export function gradientDescent(net0: ShallowNet, data: LandscapeData, opts: GdOptions): GdResult {
  requireFinite('--lr', opts.lr);
  if (!(opts.lr > 0)) throw new InvalidSpecError('--lr', `must be > 0, got ${opts.lr}`);
  requireInteger('--steps', opts.steps, 0, 1e10);
  const every = opts.recordEvery ?? defaultRecordEvery(opts.steps);
  requireInteger('recordEvery', every, 1);
  const keep = opts.snapshots ?? true;
  const off = opts.stepOffset ?? 0;
  const { X, Y } = data;
  const N = X.rows, d = net0.d, k = net0.k, r = net0.r;
  if (X.cols !== d) throw new InvalidSpecError('--data', `inputs have ${X.cols} columns, the network ${d}`);
  if (Y.cols !== k) throw new InvalidSpecError('--data', `targets have ${Y.cols} columns, the network ${k}`);
  const W = Float64Array.from(net0.W);
  const H = Float64Array.from(net0.H);
  const x = X.data, y = Y.data;
  const ap = net0.alphaPos, an = net0.alphaNeg;
  const A = new Float64Array(N * r); // rho(w_i . x_n)
  const S = new Float64Array(N * r); // rho'(w_i . x_n)
  const E = new Float64Array(N * k);
  const gW = new Float64Array(r * d);
  const gH = new Float64Array(r * k);
  const c = 2 / (N * k);
  const eta = opts.lr;
  const records: GdRecord[] = [];
  const snapshots: { W: Float64Array; H: Float64Array }[] = [];
  // Forward pass: A, S, E and the loss (9.2) of the current parameters.
  const forward = (): number => {
    E.fill(0);
    for (let n = 0; n < N; n++) {
      const xo = n * d, eo = n * k, ao = n * r;
      for (let i = 0; i < r; i++) {
        const wo = i * d;
        let z = 0;
        for (let j = 0; j < d; j++) z += W[wo + j]! * x[xo + j]!;
        const s = z > 0 ? ap : an;
        const a = s * z;
        A[ao + i] = a;
        S[ao + i] = s;
        const ho = i * k;
        for (let q = 0; q < k; q++) E[eo + q] = E[eo + q]! + H[ho + q]! * a;
      }
      for (let q = 0; q < k; q++) E[eo + q] = E[eo + q]! - y[eo + q]!;
    }
    let l = 0;
    for (let m = 0; m < N * k; m++) l += E[m]! * E[m]!;
    return l / (N * k);
  };
  const record = (step: number, loss: number) => {
    records.push({ step: off + step, loss });
    if (keep) snapshots.push({ W: Float64Array.from(W), H: Float64Array.from(H) });
    opts.onRecord?.(off + step, loss);
  };
  for (let t = 0; t < opts.steps; t++) {
    const loss = forward();
    if (!Number.isFinite(loss)) {
      throw new NonConvergenceError(`gradient descent diverged at step ${off + t} (loss ${loss}) with learning rate ${eta}; lower --lr`, { step: off + t, lr: eta });
    }
    if (t % every === 0) record(t, loss);
    // Gradient (9.3), all of it before any update.
    gW.fill(0);
    for (let i = 0; i < r; i++) {
      const ho = i * k, wo = i * d;
      for (let q = 0; q < k; q++) {
        let g = 0;
        for (let n = 0; n < N; n++) g += E[n * k + q]! * A[n * r + i]!;
        gH[ho + q] = c * g;
      }
      for (let n = 0; n < N; n++) {
        const s = S[n * r + i]!;
        if (s === 0) continue;
        let he = 0;
        for (let q = 0; q < k; q++) he += H[ho + q]! * E[n * k + q]!;
        const f = c * he * s;
        const xo = n * d;
        for (let j = 0; j < d; j++) gW[wo + j] = gW[wo + j]! + f * x[xo + j]!;
      }
    }
    for (let m = 0; m < W.length; m++) W[m] = W[m]! - eta * gW[m]!;
    for (let m = 0; m < H.length; m++) H[m] = H[m]! - eta * gH[m]!;
  }
  const finalLoss = forward();
  if (!Number.isFinite(finalLoss)) throw new NonConvergenceError(`gradient descent diverged: final loss ${finalLoss} after ${opts.steps} steps with learning rate ${eta}; lower --lr`, { lr: eta });
  record(opts.steps, finalLoss);
  return { net: { ...net0, W, H }, finalLoss, records, snapshots };
}

export interface Plateau {
  /** Loss at the flattest record of the plateau. */
  loss: number;
  /** First step at which the loss has fallen `dropTol` (relative) below the plateau loss. */
  endStep: number;
  startStep: number;
  /** Index of the flattest record (into GdResult.records / snapshots). */
  index: number;
}

export interface PlateauOptions {
  /** A stretch is flat where the loss falls by less than `flatTol` (relative) per `window` steps. Default 1e-4. */
  flatTol?: number;
  /** Window in steps of the flatness test. Default: 1 % of the run. */
  window?: number;
  /** A plateau lasts at least this many steps. Default: 3 % of the run. */
  minLength?: number;
  /** Relative drop below the plateau loss that ends it. Default 1e-3. */
  dropTol?: number;
}

/**
 * Plateaus of a loss curve (9.5): maximal runs of records where L(t) - L(t + window) < flatTol L(t),
 * lasting at least minLength steps and followed by a drop of more than dropTol; the last stretch, which
 * reaches the end of the run, is the end point and not a plateau. The plateau loss is the loss at
 * the record where the decrease over the window is smallest.
 */
export function findPlateaus(records: readonly GdRecord[], opts: PlateauOptions = {}): Plateau[] {
  if (records.length < 3) return [];
  const first = records[0]!.step, last = records[records.length - 1]!.step;
  const span = Math.max(1, last - first);
  const flatTol = opts.flatTol ?? 1e-4;
  const window = opts.window ?? Math.max(1, Math.round(span / 100));
  const minLength = opts.minLength ?? Math.max(1, Math.round(span * 0.03));
  const dropTol = opts.dropTol ?? 1e-3;
  // Relative decrease over the window, for every record that has a record `window` steps later.
  const rel: number[] = [];
  let j = 0;
  for (let i = 0; i < records.length; i++) {
    while (j < records.length && records[j]!.step < records[i]!.step + window) j++;
    if (j >= records.length) break;
    const a = records[i]!.loss, b = records[j]!.loss;
    rel.push(a > 0 ? (a - b) / a : 0);
  }
  const out: Plateau[] = [];
  let i = 0;
  while (i < rel.length) {
    if (!(rel[i]! < flatTol)) { i++; continue; }
    let e = i;
    while (e + 1 < rel.length && rel[e + 1]! < flatTol) e++;
    const start = records[i]!.step, stop = records[e]!.step + window;
    let best = i;
    for (let m = i; m <= e; m++) if (Math.abs(rel[m]!) < Math.abs(rel[best]!)) best = m;
    const level = records[best]!.loss;
    let endIdx = -1;
    for (let m = best; m < records.length; m++) if (records[m]!.loss < level * (1 - dropTol)) { endIdx = m; break; }
    if (stop - start >= minLength && endIdx >= 0) out.push({ loss: level, endStep: records[endIdx]!.step, startStep: start, index: best });
    // Continue after the drop (or after the stretch when nothing drops).
    i = endIdx >= 0 ? Math.max(e + 1, endIdx) : e + 1;
    while (endIdx >= 0 && i < rel.length && records[i]!.step < records[endIdx]!.step) i++;
  }
  return out;
}
