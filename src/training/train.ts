/**
 * Training loop (theory/07-training.md sections 7.4-7.6): initialisation from the project's laws,
 * full-batch gradient descent, minibatch SGD with optional momentum, Adam; atomic checkpoints and
 * bit-identical resume; divergence is a NonConvergenceError naming the step and the learning rate.
 */
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { InvalidSpecError, NonConvergenceError, requireFinite, requireInteger } from '../errors.ts';
import { naturalScale, sampleLaw } from '../laws/weightLaws.ts';
import { STREAM, stream } from '../random/rng.ts';
import { ACTIVATIONS, validateLaw, type ActivationName, type LawSpec, type Scaling } from '../spec/networkSpec.ts';
import { matrix, type Matrix } from '../types.ts';
import { lossAndGradient, loss as fullLoss, zeroGradients, type Gradients } from './backprop.ts';
import { saveNetworkFile, type LogEntry } from './file.ts';
import { packageVersion } from '../version.ts';
import { writeFileAtomic } from '../io/files.ts';
import { cloneNet, validateLayeredNet, type LayeredNet } from './model.ts';

export const OPTIMIZERS = ['gd', 'sgd', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export interface InitSpec {
  widths: number[];
  /** Hidden-layer activation. */
  activation: ActivationName;
  /** Output-layer activation (default: `activation`). */
  outputActivation?: ActivationName;
  weights: LawSpec;
  /** null: biases start at 0. */
  bias: LawSpec | null;
  /** natural: W_l multiplied by scale / a_{d_l} (fan-in d_l); raw: by scale only (src/spec/networkSpec.ts). */
  scaling: Scaling;
  seed: number;
}

export interface TrainConfig {
  optimizer: OptimizerName;
  lr: number;
  steps: number;
  /** Minibatch size (sgd); gd and adam default to the full batch. 0 or >= P means full batch. */
  batch: number;
  /** Heavy-ball momentum mu in [0, 1) (sgd, gd). */
  momentum: number;
  /** Ridge lambda >= 0 of (7.2). */
  weightDecay: number;
  /** Adam constants (7.8). */
  beta1: number;
  beta2: number;
  eps: number;
  /** Seed of the minibatch streams. */
  seed: number;
  /** Log the loss every `logEvery` steps. */
  logEvery: number;
}

export const DEFAULT_TRAIN: TrainConfig = {
  optimizer: 'adam', lr: 0.01, steps: 3000, batch: 0, momentum: 0, weightDecay: 0,
  beta1: 0.9, beta2: 0.999, eps: 1e-8, seed: 1, logEvery: 10,
};

/**
 * Initial network (7.6): layer l draws its d_{l+1} x d_l weights row-major from
 * stream(seed, NETWORK, 0, LAYER, l, WEIGHTS) and biases from stream(seed, NETWORK, 0, LAYER, l, BIASES)
 * (the layout of src/network/network.ts sampleNetwork, so an N -> N init equals network 0 of the
 * same spec), times scale / a_{d_l} under natural scaling.
 */
export function initNetwork(spec: InitSpec): LayeredNet {
  const { widths } = spec;
  if (!Array.isArray(widths) || widths.length < 2) throw new InvalidSpecError('widths', 'need at least [d0, d1]');
  widths.forEach((d, i) => requireInteger(`widths[${i}]`, d, 1, 1_000_000));
  validateLaw('weights', spec.weights);
  if (spec.bias !== null) validateLaw('bias', spec.bias);
  for (const a of [spec.activation, spec.outputActivation ?? spec.activation]) {
    if (!(ACTIVATIONS as readonly string[]).includes(a)) throw new InvalidSpecError('activation', `must be one of ${ACTIVATIONS.join('|')}, got ${JSON.stringify(a)}`);
  }
  requireInteger('seed', spec.seed, 0);
  const L = widths.length - 1;
  const net: LayeredNet = { widths: [...widths], activations: [], weights: [], biases: [] };
  for (let l = 0; l < L; l++) {
    const rows = widths[l + 1]!;
    const cols = widths[l]!;
    const w = new Float64Array(rows * cols);
    sampleLaw(spec.weights, stream(spec.seed, STREAM.NETWORK, 0, STREAM.LAYER, l, STREAM.WEIGHTS), w);
    const width = spec.scaling === 'natural' ? naturalScale(spec.weights, cols) : 1;
    if (width !== 1) for (let i = 0; i < w.length; i++) w[i] = w[i]! * width;
    net.weights.push(matrix(rows, cols, w));
    const b = new Float64Array(rows);
    if (spec.bias !== null) sampleLaw(spec.bias, stream(spec.seed, STREAM.NETWORK, 0, STREAM.LAYER, l, STREAM.BIASES), b);
    net.biases.push(b);
    net.activations.push(l === L - 1 ? (spec.outputActivation ?? spec.activation) : spec.activation);
  }
  return net;
}

export function validateTrainConfig(c: TrainConfig): TrainConfig {
  if (!(OPTIMIZERS as readonly string[]).includes(c.optimizer)) throw new InvalidSpecError('--optimizer', `must be one of ${OPTIMIZERS.join('|')}, got ${JSON.stringify(c.optimizer)}`);
  requireFinite('--lr', c.lr);
  if (!(c.lr > 0)) throw new InvalidSpecError('--lr', `must be > 0, got ${c.lr}`);
  requireInteger('--steps', c.steps, 0, 1e12);
  requireInteger('--batch', c.batch, 0, 1e9);
  requireFinite('--momentum', c.momentum);
  if (!(c.momentum >= 0 && c.momentum < 1)) throw new InvalidSpecError('--momentum', `must be in [0, 1), got ${c.momentum}`);
  requireFinite('--weight-decay', c.weightDecay);
  if (!(c.weightDecay >= 0)) throw new InvalidSpecError('--weight-decay', `must be >= 0, got ${c.weightDecay}`);
  if (!(c.beta1 >= 0 && c.beta1 < 1)) throw new InvalidSpecError('beta1', `must be in [0, 1), got ${c.beta1}`);
  if (!(c.beta2 >= 0 && c.beta2 < 1)) throw new InvalidSpecError('beta2', `must be in [0, 1), got ${c.beta2}`);
  if (!(c.eps > 0)) throw new InvalidSpecError('eps', `must be > 0, got ${c.eps}`);
  requireInteger('--seed', c.seed, 0);
  requireInteger('--log-every', c.logEvery, 1, 1e12);
  if (c.optimizer === 'adam' && c.momentum !== 0) throw new InvalidSpecError('--momentum', 'applies to gd and sgd only (adam has beta1)');
  if (c.optimizer === 'gd' && c.batch !== 0) throw new InvalidSpecError('--batch', 'gd is full-batch; use --optimizer sgd for minibatches');
  return c;
}

/** Optimiser state: first moments / velocities m and second moments v (Adam), per parameter. */
export interface OptimizerState {
  m: Gradients;
  v: Gradients | null;
}

function flatten(g: Gradients): Float64Array[] {
  return [...g.weights.map((w) => w.data), ...g.biases];
}

function params(net: LayeredNet): Float64Array[] {
  return [...net.weights.map((w) => w.data), ...net.biases];
}

/**
 * One update at step t (1-based) (7.7)-(7.8):
 *   gd / sgd: m <- mu m + g, theta <- theta - eta m;
 *   adam: m <- b1 m + (1 - b1) g, v <- b2 v + (1 - b2) g^2,
 *         theta <- theta - eta (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
 */
export function applyUpdate(net: LayeredNet, grad: Gradients, state: OptimizerState, cfg: TrainConfig, t: number): void {
  const ps = params(net);
  const gs = flatten(grad);
  const ms = flatten(state.m);
  if (cfg.optimizer === 'adam') {
    const vs = flatten(state.v!);
    const { beta1: b1, beta2: b2, eps, lr } = cfg;
    const c1 = 1 - Math.pow(b1, t);
    const c2 = 1 - Math.pow(b2, t);
    for (let k = 0; k < ps.length; k++) {
      const p = ps[k]!, g = gs[k]!, m = ms[k]!, v = vs[k]!;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        const mi = b1 * m[i]! + (1 - b1) * gi;
        const vi = b2 * v[i]! + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
      }
    }
    return;
  }
  const { momentum: mu, lr } = cfg;
  for (let k = 0; k < ps.length; k++) {
    const p = ps[k]!, g = gs[k]!, m = ms[k]!;
    for (let i = 0; i < p.length; i++) {
      const mi = mu * m[i]! + g[i]!;
      m[i] = mi;
      p[i] = p[i]! - lr * mi;
    }
  }
}

/** Effective batch size: 0 or >= P is the full batch. */
export function batchSize(cfg: TrainConfig, P: number): number {
  return cfg.batch === 0 || cfg.batch >= P ? P : cfg.batch;
}

/**
 * The row indices of the minibatch used at step s (0-based): epoch e = floor(s / nb), k = s mod nb
 * with nb = ceil(P / B) batches per epoch; the epoch's permutation is a Fisher-Yates shuffle drawn
 * from stream(seed, TRAIN, MINIBATCH, e); batch k is its entries kB .. min((k+1)B, P) - 1. A pure
 * function of (seed, s), so a resumed run draws the same batches.
 */
export function minibatchRows(seed: number, s: number, P: number, B: number): Int32Array {
  const nb = Math.ceil(P / B);
  const e = Math.floor(s / nb);
  const k = s - e * nb;
  const perm = new Int32Array(P);
  for (let i = 0; i < P; i++) perm[i] = i;
  const rng = stream(seed, STREAM.TRAIN, STREAM.MINIBATCH, e % 0x100000000);
  for (let i = P - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = tmp;
  }
  return perm.slice(k * B, Math.min((k + 1) * B, P));
}

function gatherRows(m: Matrix, rows: Int32Array): Matrix {
  const out = matrix(rows.length, m.cols);
  for (let r = 0; r < rows.length; r++) out.data.set(m.data.subarray(rows[r]! * m.cols, (rows[r]! + 1) * m.cols), r * m.cols);
  return out;
}

export const CHECKPOINT_FORMAT = 'jesd-train-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface Checkpoint {
  step: number;
  net: LayeredNet;
  state: OptimizerState;
  log: LogEntry[];
}

function gradsToJson(g: Gradients): unknown {
  return { weights: g.weights.map((w) => Array.from(w.data)), biases: g.biases.map((b) => Array.from(b)) };
}

function gradsFromJson(v: unknown, like: LayeredNet, where: string): Gradients {
  const d = v as { weights?: unknown; biases?: unknown };
  const g = zeroGradients(like);
  const fill = (dst: Float64Array, src: unknown, f: string) => {
    if (!Array.isArray(src) || src.length !== dst.length) throw new InvalidSpecError(`${where}: ${f}`, `must hold ${dst.length} numbers`);
    src.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new InvalidSpecError(`${where}: ${f}[${i}]`, 'must be a finite number');
      dst[i] = x;
    });
  };
  if (!Array.isArray(d?.weights) || !Array.isArray(d?.biases)) throw new InvalidSpecError(where, 'optimiser moments missing');
  g.weights.forEach((w, l) => fill(w.data, (d.weights as unknown[])[l], `weights[${l}]`));
  g.biases.forEach((b, l) => fill(b, (d.biases as unknown[])[l], `biases[${l}]`));
  return g;
}

/** Identity of a run: a checkpoint only resumes the run with the same key. */
function runKey(init: InitSpec, cfg: TrainConfig, data: Matrix, targets: Matrix | null): string {
  let h = 0x811c9dc5;
  const mix = (x: Float64Array) => {
    const u = new Uint32Array(x.buffer, x.byteOffset, x.length * 2);
    for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i]!, 0x01000193) >>> 0;
  };
  mix(data.data);
  if (targets !== null) mix(targets.data);
  return JSON.stringify({ init, cfg: { ...cfg, logEvery: undefined }, dataHash: h, P: data.rows });
}

function writeCheckpoint(path: string, key: string, ck: Checkpoint): void {
  for (const p of [...params(ck.net), ...flatten(ck.state.m), ...(ck.state.v ? flatten(ck.state.v) : [])]) {
    for (let i = 0; i < p.length; i++) if (!Number.isFinite(p[i]!)) throw new NonConvergenceError(`non-finite parameter at step ${ck.step}; checkpoint not written`);
  }
  writeFileAtomic(path, JSON.stringify({
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, package: packageVersion(), key, step: ck.step,
    widths: ck.net.widths, activations: ck.net.activations,
    weights: ck.net.weights.map((w) => Array.from(w.data)), biases: ck.net.biases.map((b) => Array.from(b)),
    m: gradsToJson(ck.state.m), v: ck.state.v ? gradsToJson(ck.state.v) : null, log: ck.log,
  }) + '\n');
}

function readCheckpoint(path: string, key: string, like: LayeredNet): Checkpoint {
  let d: Record<string, unknown>;
  try {
    d = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new InvalidSpecError(path, `unreadable checkpoint (truncated or corrupt): ${(e as Error).message}`);
  }
  if (d.format !== CHECKPOINT_FORMAT) throw new InvalidSpecError(`${path}: format`, `must be "${CHECKPOINT_FORMAT}"`);
  if (d.version !== CHECKPOINT_VERSION) throw new InvalidSpecError(`${path}: version`, `this jesd reads version ${CHECKPOINT_VERSION}, got ${JSON.stringify(d.version)}`);
  if (d.key !== key) throw new InvalidSpecError('--resume', `checkpoint ${path} belongs to a different run (network, data or training flags differ)`);
  const step = d.step;
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) throw new InvalidSpecError(`${path}: step`, 'must be a non-negative integer');
  const net = cloneNet(like);
  const w = gradsFromJson({ weights: d.weights, biases: d.biases }, like, path);
  net.weights = w.weights;
  net.biases = w.biases;
  validateLayeredNet(net, path);
  const m = gradsFromJson(d.m, like, `${path}: m`);
  const v = d.v === null ? null : gradsFromJson(d.v, like, `${path}: v`);
  return { step, net, state: { m, v }, log: Array.isArray(d.log) ? (d.log as LogEntry[]) : [] };
}

export interface TrainOptions {
  init: InitSpec;
  config: TrainConfig;
  /** P x d_0 inputs. */
  inputs: Matrix;
  /** P x d_L targets; null = autoencoder (target = input). */
  targets: Matrix | null;
  /** Where the trained network is written (null: not written). */
  out: string | null;
  /** Checkpoint every K steps to `${out}.ckpt.json` (0: never). */
  checkpointEvery: number;
  /** Continue from `${out}.ckpt.json` when it exists. */
  resume: boolean;
  /** Called after every step with (step, loss of that step's batch). */
  onStep?: (step: number, loss: number) => void;
  /** Extra fields stored under "training" in the network file (e.g. the data set description). */
  extra?: Record<string, unknown>;
  /** Start from this network instead of initNetwork(init) (its shape must match init.widths). */
  initialNet?: LayeredNet;
}

export interface TrainResult {
  net: LayeredNet;
  /** Full-data loss (7.2) of the final network. */
  finalLoss: number;
  steps: number;
  /** Step the run started from (> 0 after a resume). */
  resumedFrom: number;
  log: LogEntry[];
}

export function checkpointPath(out: string): string {
  return `${out}.ckpt.json`;
}

/** Train a network (7.7)-(7.8); see TrainOptions. */
export function train(opts: TrainOptions): TrainResult {
  const cfg = validateTrainConfig({ ...opts.config });
  const X = opts.inputs;
  const T = opts.targets ?? X;
  const init = opts.init;
  if (X.cols !== init.widths[0]) throw new InvalidSpecError('--data', `data dimension ${X.cols} differs from the network input width ${init.widths[0]}`);
  if (T.cols !== init.widths[init.widths.length - 1]) throw new InvalidSpecError('--data', `target dimension ${T.cols} differs from the network output width ${init.widths[init.widths.length - 1]}`);
  if (T.rows !== X.rows) throw new InvalidSpecError('--data', `${X.rows} inputs but ${T.rows} targets`);
  const P = X.rows;
  const B = batchSize(cfg, P);
  const key = runKey(init, cfg, X, opts.targets);
  const ckPath = opts.out !== null ? checkpointPath(opts.out) : null;
  let net = opts.initialNet !== undefined ? cloneNet(opts.initialNet) : initNetwork(init);
  let state: OptimizerState = { m: zeroGradients(net), v: cfg.optimizer === 'adam' ? zeroGradients(net) : null };
  let step = 0;
  let log: LogEntry[] = [];
  if (opts.resume && ckPath !== null && existsSync(ckPath)) {
    const ck = readCheckpoint(ckPath, key, net);
    net = ck.net;
    state = ck.state;
    step = ck.step;
    log = ck.log;
  }
  const resumedFrom = step;
  const grad = zeroGradients(net);
  const full = B === P;
  const XT = full ? null : X;
  for (; step < cfg.steps; step++) {
    let xb = X;
    let tb = T;
    if (!full) {
      const rows = minibatchRows(cfg.seed, step, P, B);
      xb = gatherRows(XT!, rows);
      tb = opts.targets === null ? xb : gatherRows(T, rows);
    }
    const { loss } = lossAndGradient(net, xb, tb, cfg.weightDecay, grad);
    if (!Number.isFinite(loss)) {
      throw new NonConvergenceError(`training diverged at step ${step} (loss ${loss}) with learning rate ${cfg.lr}; lower --lr${ckPath !== null && existsSync(ckPath) ? `; the last good checkpoint ${ckPath} is kept` : ''}`, { step, lr: cfg.lr });
    }
    if (step % cfg.logEvery === 0) log.push({ step, loss });
    applyUpdate(net, grad, state, cfg, step + 1);
    opts.onStep?.(step + 1, loss);
    if (ckPath !== null && opts.checkpointEvery > 0 && (step + 1) % opts.checkpointEvery === 0 && step + 1 < cfg.steps) {
      writeCheckpoint(ckPath, key, { step: step + 1, net, state, log });
    }
  }
  const finalLoss = fullLoss(net, X, T, cfg.weightDecay);
  if (!Number.isFinite(finalLoss)) throw new NonConvergenceError(`training diverged: the final loss is ${finalLoss} after ${cfg.steps} steps with learning rate ${cfg.lr}; lower --lr`, { step: cfg.steps, lr: cfg.lr });
  log.push({ step: cfg.steps, loss: finalLoss });
  if (opts.out !== null) {
    saveNetworkFile(opts.out, net, { init, config: cfg, finalLoss, ...(opts.extra ?? {}) }, log);
    if (ckPath !== null && existsSync(ckPath)) unlinkSync(ckPath);
  }
  return { net, finalLoss, steps: cfg.steps, resumedFrom, log };
}
