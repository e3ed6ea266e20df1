/**
 * Batched forward pass, loss and backpropagation by hand on the linear-algebra backend
 * (theory/07-training.md sections 7.1-7.3). The batch is the rows of X (B x d_0), row-major float64.
 *
 * Loss (7.2): E = (1 / (B d_L)) sum_{p,i} (y_pi - t_pi)^2 + (lambda / d_L) sum_l ||W_l||_F^2
 * (mean squared error over all entries; ridge on weights only, never on biases).
 */
import { getActivation } from '../laws/activations.ts';
import { linalg } from '../linalg/index.ts';
import { matrix, type Matrix } from '../types.ts';
import type { LayeredNet } from './model.ts';

export interface ForwardCache {
  /** inputs[l] = X_l (B x d_l), l = 0..L (inputs[L] is the output Y). */
  inputs: Matrix[];
  /** preacts[l] = H_l = X_l W_l^T + 1 b_l^T (B x d_{l+1}), l = 0..L-1. */
  preacts: Matrix[];
}

/** Batched forward pass (7.1): H_l = X_l W_l^T + 1 b_l^T, X_{l+1} = phi_l(H_l). */
export function forwardBatch(net: LayeredNet, X: Matrix): ForwardCache {
  const inputs: Matrix[] = [X];
  const preacts: Matrix[] = [];
  let cur = X;
  for (let l = 0; l < net.weights.length; l++) {
    const W = net.weights[l]!;
    const b = net.biases[l]!;
    const H = linalg().gemmTransB(cur, W);
    const { phi } = getActivation(net.activations[l]!);
    const out = matrix(H.rows, H.cols);
    const d = H.cols;
    for (let p = 0; p < H.rows; p++) {
      const o = p * d;
      for (let i = 0; i < d; i++) {
        const h = H.data[o + i]! + b[i]!;
        H.data[o + i] = h;
        out.data[o + i] = phi(h);
      }
    }
    preacts.push(H);
    inputs.push(out);
    cur = out;
  }
  return { inputs, preacts };
}

/** The data part of (7.2): mean over all entries of (Y - T)^2. */
export function mseLoss(Y: Matrix, T: Matrix): number {
  let s = 0;
  for (let i = 0; i < Y.data.length; i++) {
    const r = Y.data[i]! - T.data[i]!;
    s += r * r;
  }
  return s / Y.data.length;
}

/** The ridge part of (7.2): (lambda / d_L) sum_l ||W_l||_F^2. */
export function ridgePenalty(net: LayeredNet, lambda: number): number {
  if (lambda === 0) return 0;
  let s = 0;
  for (const w of net.weights) for (let i = 0; i < w.data.length; i++) s += w.data[i]! * w.data[i]!;
  return (lambda / net.widths[net.widths.length - 1]!) * s;
}

/** Full loss (7.2) of the network on (X, T). */
export function loss(net: LayeredNet, X: Matrix, T: Matrix, lambda = 0): number {
  const c = forwardBatch(net, X);
  return mseLoss(c.inputs[c.inputs.length - 1]!, T) + ridgePenalty(net, lambda);
}

export interface Gradients {
  /** dE/dW_l, d_{l+1} x d_l. */
  weights: Matrix[];
  /** dE/db_l. */
  biases: Float64Array[];
}

export function zeroGradients(net: LayeredNet): Gradients {
  return {
    weights: net.weights.map((w) => matrix(w.rows, w.cols)),
    biases: net.biases.map((b) => new Float64Array(b.length)),
  };
}

/** A^T as a new row-major matrix. */
function transpose(a: Matrix): Matrix {
  const t = matrix(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) {
    const o = i * a.cols;
    for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[o + j]!;
  }
  return t;
}

/**
 * Loss and gradient by backpropagation (7.3)-(7.5):
 *   G_L = dE/dY = 2 (Y - T) / (B d_L),
 *   Delta_l = G_{l+1} .* phi_l'(H_l),
 *   dE/dW_l = Delta_l^T X_l + (2 lambda / d_L) W_l,  dE/db_l = 1^T Delta_l,
 *   G_l = Delta_l W_l.
 * Delta_l^T X_l is a transposed-A product: Delta_l is copied transposed (B d_{l+1} numbers, far less
 * than the product's work) and multiplied with gemm.
 */
export function lossAndGradient(net: LayeredNet, X: Matrix, T: Matrix, lambda = 0, out?: Gradients): { loss: number; grad: Gradients } {
  const L = net.weights.length;
  const cache = forwardBatch(net, X);
  const Y = cache.inputs[L]!;
  const dL = Y.cols;
  const n = Y.data.length;
  const grad = out ?? zeroGradients(net);
  let G = matrix(Y.rows, Y.cols);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const r = Y.data[i]! - T.data[i]!;
    s += r * r;
    G.data[i] = (2 * r) / n;
  }
  const lossValue = s / n + ridgePenalty(net, lambda);
  const ridge = (2 * lambda) / dL;
  for (let l = L - 1; l >= 0; l--) {
    const H = cache.preacts[l]!;
    const name = net.activations[l]!;
    const { dphi } = getActivation(name);
    // Delta_l = G .* phi'(H_l), in place in G. For sigmoid and tanh phi' is read off the layer's
    // output y = phi(h): y (1 - y) and 1 - y^2, the same expressions src/laws/activations.ts
    // evaluates from phi(h), so the result is bit-identical and one exp per entry cheaper.
    const Yl = cache.inputs[l + 1]!.data;
    if (name === 'sigmoid') {
      for (let i = 0; i < H.data.length; i++) { const y = Yl[i]!; G.data[i] = G.data[i]! * (y * (1 - y)); }
    } else if (name === 'tanh') {
      for (let i = 0; i < H.data.length; i++) { const y = Yl[i]!; G.data[i] = G.data[i]! * (1 - y * y); }
    } else {
      for (let i = 0; i < H.data.length; i++) G.data[i] = G.data[i]! * dphi(H.data[i]!);
    }
    const gW = grad.weights[l]!;
    linalg().gemm(transpose(G), cache.inputs[l]!, gW);
    if (ridge !== 0) {
      const W = net.weights[l]!.data;
      for (let i = 0; i < W.length; i++) gW.data[i] = gW.data[i]! + ridge * W[i]!;
    }
    const gb = grad.biases[l]!;
    gb.fill(0);
    const d = G.cols;
    for (let p = 0; p < G.rows; p++) for (let i = 0; i < d; i++) gb[i] = gb[i]! + G.data[p * d + i]!;
    if (l > 0) G = linalg().gemm(G, net.weights[l]!);
  }
  return { loss: lossValue, grad };
}
