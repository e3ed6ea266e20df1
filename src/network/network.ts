/**
 * Sampled finite networks: forward map, batched forward map, Jacobian and Jacobian-vector products
 * (docs/design.md section 2; theory/02-finite-networks.md section 2.3).
 *
 * h_l = W_l x_{l-1} + b_l, x_l = phi(h_l), f(x_0) = x_L  (theory (2.13)),
 * J(x_0) = D_L W_L ... D_1 W_1 with D_l = diag(phi'(h_l))  (theory (2.14)).
 *
 * Randomness: layer l (0-based array index, l = 0..L-1, i.e. the math layer l+1) draws its N x N
 * weights row-major from stream(seed, NETWORK, index, LAYER, l, WEIGHTS) and its N biases from
 * stream(seed, NETWORK, index, LAYER, l, BIASES). A depth-L network therefore equals the first L
 * layers of a depth-(L+1) network with the same seed and index, and nothing depends on the order
 * in which networks are sampled or on the number of workers.
 */
import { InvalidSpecError, requireFinite, requireInteger } from '../errors.ts';
import { linalg } from '../linalg/index.ts';
import { getActivation, type Activation } from '../laws/activations.ts';
import { naturalScale, sampleLaw } from '../laws/weightLaws.ts';
import { STREAM, stream, type Rng } from '../random/rng.ts';
import { matrix, type Matrix } from '../types.ts';
import { ACTIVATIONS, validateSpec, type ActivationName, type NetworkSpec } from '../spec/networkSpec.ts';

export interface Network {
  spec: NetworkSpec;
  /** Network index k within the seed (stream path component). */
  index: number;
  /** weights[l] is W_{l+1}, N x N row-major, already multiplied by weightScale. */
  weights: Matrix[];
  /** biases[l] is b_{l+1} (all zeros when spec.bias is null). */
  biases: Float64Array[];
  activation: Activation;
  /**
   * Total multiplier applied to unit-law draws: sigma_w * (natural ? 1/a_N : 1)
   * (laws.ts naturalConstant; theory (2.11)-(2.12)).
   */
  weightScale: number;
  /** 'sampled' from spec, or 'explicit' (networkFromWeights: spec.weights/bias/seed are placeholders). */
  origin: 'sampled' | 'explicit';
}

/** Sample network `index` of a spec (see the stream layout above). */
export function sampleNetwork(spec: NetworkSpec, index = 0): Network {
  validateSpec(spec);
  requireInteger('index', index, 0, 0xffffffff);
  const { N, L } = spec;
  const width = spec.scaling === 'natural' ? naturalScale(spec.weights, N) : 1;
  const weightScale = spec.weights.scale * width;
  const weights: Matrix[] = [];
  const biases: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    const w = new Float64Array(N * N);
    sampleLaw(spec.weights, stream(spec.seed, STREAM.NETWORK, index, STREAM.LAYER, l, STREAM.WEIGHTS), w);
    if (width !== 1) for (let i = 0; i < w.length; i++) w[i] = w[i]! * width;
    weights.push(matrix(N, N, w));
    const b = new Float64Array(N);
    if (spec.bias !== null) sampleLaw(spec.bias, stream(spec.seed, STREAM.NETWORK, index, STREAM.LAYER, l, STREAM.BIASES), b);
    biases.push(b);
  }
  return { spec, index, weights, biases, activation: getActivation(spec.activation), weightScale, origin: 'sampled' };
}

/**
 * A network with given weights and biases (used for closed-form tests, e.g. the scalar map
 * x -> sigmoid(w x + b)). `biases` null means zero biases. The returned spec has scaling 'raw' and
 * placeholder laws (weights gaussian x 1, bias null, seed 0); `origin` is 'explicit'.
 */
export function networkFromWeights(activation: ActivationName, weights: Matrix[], biases: Float64Array[] | null = null): Network {
  if (!(ACTIVATIONS as readonly string[]).includes(activation)) {
    throw new InvalidSpecError('activation', `must be one of ${ACTIVATIONS.join('|')}, got ${JSON.stringify(activation)}`);
  }
  if (weights.length === 0) throw new InvalidSpecError('weights', 'need at least one layer');
  const N = weights[0]!.rows;
  requireInteger('width', N, 1);
  weights.forEach((w, l) => {
    if (w.rows !== N || w.cols !== N || w.data.length !== N * N) throw new InvalidSpecError(`weights[${l}]`, `must be ${N} x ${N}`);
    w.data.forEach((v) => requireFinite(`weights[${l}]`, v));
  });
  const bs = weights.map((_, l) => {
    const b = biases?.[l] ?? new Float64Array(N);
    if (b.length !== N) throw new InvalidSpecError(`biases[${l}]`, `must have length ${N}`);
    b.forEach((v) => requireFinite(`biases[${l}]`, v));
    return b;
  });
  if (biases !== null && biases.length !== weights.length) throw new InvalidSpecError('biases', `need ${weights.length} bias vectors`);
  const spec: NetworkSpec = {
    N, L: weights.length, activation, weights: { name: 'gaussian', scale: 1 }, bias: null, scaling: 'raw', seed: 0,
  };
  return { spec, index: 0, weights, biases: bs, activation: getActivation(activation), weightScale: 1, origin: 'explicit' };
}

function checkInput(net: Network, x: Float64Array, field = 'x'): void {
  if (x.length !== net.spec.N) throw new InvalidSpecError(field, `must have length N = ${net.spec.N}, got ${x.length}`);
}

/** A point drawn uniformly from the network's input box (activation.range in every coordinate). */
export function randomInput(net: Network, rng: Rng): Float64Array {
  const [lo, hi] = net.activation.range;
  const x = new Float64Array(net.spec.N);
  for (let i = 0; i < x.length; i++) x[i] = lo + (hi - lo) * rng.uniform();
  return x;
}

/** f(x) (theory (2.13)). */
export function forward(net: Network, x: Float64Array): Float64Array {
  checkInput(net, x);
  const { phi } = net.activation;
  let cur = x;
  const h = new Float64Array(net.spec.N);
  for (let l = 0; l < net.weights.length; l++) {
    linalg().matvec(net.weights[l]!, cur, h);
    const b = net.biases[l]!;
    const next = new Float64Array(net.spec.N);
    for (let i = 0; i < h.length; i++) next[i] = phi(h[i]! + b[i]!);
    cur = next;
  }
  return cur === x ? Float64Array.from(x) : cur;
}

/** Pre-activations h_l and outputs x_l of every layer (index l-1 holds layer l). */
export function forwardTrace(net: Network, x: Float64Array): { preacts: Float64Array[]; outputs: Float64Array[] } {
  checkInput(net, x);
  const { phi } = net.activation;
  const preacts: Float64Array[] = [];
  const outputs: Float64Array[] = [];
  let cur = x;
  for (let l = 0; l < net.weights.length; l++) {
    const h = linalg().matvec(net.weights[l]!, cur);
    const b = net.biases[l]!;
    const out = new Float64Array(h.length);
    for (let i = 0; i < h.length; i++) {
      h[i] = h[i]! + b[i]!;
      out[i] = phi(h[i]!);
    }
    preacts.push(h);
    outputs.push(out);
    cur = out;
  }
  return { preacts, outputs };
}

const transposedCache = new WeakMap<Network, Matrix[]>();

function transposedWeights(net: Network): Matrix[] {
  let t = transposedCache.get(net);
  if (t === undefined) {
    t = net.weights.map((w) => {
      const m = matrix(w.cols, w.rows);
      for (let i = 0; i < w.rows; i++) for (let j = 0; j < w.cols; j++) m.data[j * w.rows + i] = w.data[i * w.cols + j]!;
      return m;
    });
    transposedCache.set(net, t);
  }
  return t;
}

/**
 * f applied to every row of X (B x N): X_l = phi(X_{l-1} W_l^T + 1 b_l^T), by linalg().gemm.
 * `work`: two buffers of at least B N entries, neither sharing memory with X, that the layers write
 * into in turn (the result is a view of one of them) instead of allocating a matrix per layer.
 */
export function forwardBatch(net: Network, X: Matrix, work?: readonly [Float64Array, Float64Array]): Matrix {
  if (X.cols !== net.spec.N) throw new InvalidSpecError('X', `must have N = ${net.spec.N} columns, got ${X.cols}`);
  const { phi } = net.activation;
  const WT = transposedWeights(net);
  let cur = X;
  for (let l = 0; l < WT.length; l++) {
    const out = work === undefined ? undefined : matrix(X.rows, X.cols, work[l % 2]!.subarray(0, X.rows * X.cols));
    const H = linalg().gemm(cur, WT[l]!, out);
    const b = net.biases[l]!;
    const N = H.cols;
    for (let r = 0; r < H.rows; r++) {
      const o = r * N;
      for (let i = 0; i < N; i++) H.data[o + i] = phi(H.data[o + i]! + b[i]!);
    }
    cur = H;
  }
  return cur === X ? matrix(X.rows, X.cols, Float64Array.from(X.data)) : cur;
}

/** J(x) = D_L W_L ... D_1 W_1 (theory (2.14)), by L - 1 gemm calls. */
export function jacobian(net: Network, x: Float64Array): Matrix {
  const { preacts } = forwardTrace(net, x);
  const { dphi } = net.activation;
  const N = net.spec.N;
  let J: Matrix | null = null;
  for (let l = 0; l < net.weights.length; l++) {
    const M: Matrix = J === null ? matrix(N, N, Float64Array.from(net.weights[l]!.data)) : linalg().gemm(net.weights[l]!, J);
    const h = preacts[l]!;
    for (let i = 0; i < N; i++) {
      const d = dphi(h[i]!);
      const o = i * N;
      for (let j = 0; j < N; j++) M.data[o + j] = M.data[o + j]! * d;
    }
    J = M;
  }
  return J!;
}

/** J(x) v without forming J: v_l = D_l W_l v_{l-1}, O(L N^2) (theory (2.15)). */
export function jacobianVectorProduct(net: Network, x: Float64Array, v: Float64Array): Float64Array {
  checkInput(net, v, 'v');
  const { preacts } = forwardTrace(net, x);
  return jvpFromPreacts(net, preacts, v);
}

/** J v given the pre-activations of a forward trace (reuse them for many products at one x). */
export function jvpFromPreacts(net: Network, preacts: Float64Array[], v: Float64Array): Float64Array {
  const { dphi } = net.activation;
  let cur = v;
  for (let l = 0; l < net.weights.length; l++) {
    const y = linalg().matvec(net.weights[l]!, cur);
    const h = preacts[l]!;
    for (let i = 0; i < y.length; i++) y[i] = y[i]! * dphi(h[i]!);
    cur = y;
  }
  return cur;
}

/** J(x)^T u without forming J: transpose chain W_1^T D_1 ... W_L^T D_L u, O(L N^2). */
export function vectorJacobianProduct(net: Network, x: Float64Array, u: Float64Array): Float64Array {
  checkInput(net, u, 'u');
  const { preacts } = forwardTrace(net, x);
  const { dphi } = net.activation;
  const WT = transposedWeights(net);
  let cur: Float64Array = Float64Array.from(u);
  for (let l = net.weights.length - 1; l >= 0; l--) {
    const h = preacts[l]!;
    for (let i = 0; i < cur.length; i++) cur[i] = cur[i]! * dphi(h[i]!);
    cur = linalg().matvec(WT[l]!, cur);
  }
  return cur;
}
