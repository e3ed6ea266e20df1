/**
 * Backpropagation (theory/07-training.md (7.3)-(7.5)) against central differences of the loss (7.2),
 * every activation, widths that differ, supervised targets, ridge penalty on; and the ridge closed
 * form (7.9) of a one-layer linear autoencoder with biases.
 */
import { describe, expect, it } from 'vitest';
import { linalg } from '../../src/linalg/index.ts';
import { ACTIVATIONS } from '../../src/spec/networkSpec.ts';
import { stream } from '../../src/random/rng.ts';
import { loss, lossAndGradient } from '../../src/training/backprop.ts';
import { forwardBatch } from '../../src/training/backprop.ts';
import { initNetwork, train, DEFAULT_TRAIN } from '../../src/training/train.ts';
import { matrix, type Matrix } from '../../src/types.ts';

function randomMatrix(rows: number, cols: number, seed: number, lo = -1, hi = 1): Matrix {
  const r = stream(seed, 77);
  const m = matrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = lo + (hi - lo) * r.uniform();
  return m;
}

describe('backpropagation', () => {
  for (const act of ACTIVATIONS) {
    it(`matches central differences to relative 1e-6 (${act}, widths 3-4-5-2, ridge 0.01)`, () => {
      const out = act === 'sigmoid' ? 'tanh' : 'sigmoid';
      const net = initNetwork({ widths: [3, 4, 5, 2], activation: act, outputActivation: out, weights: { name: 'gaussian', scale: 1.5 }, bias: { name: 'gaussian', scale: 0.5 }, scaling: 'natural', seed: 3 });
      const X = randomMatrix(7, 3, 1);
      const T = randomMatrix(7, 2, 2, 0.1, 0.9);
      const lambda = 0.01;
      // Kinked activations (hardtanh, relu): the check is only valid away from the kinks.
      const c = forwardBatch(net, X);
      // Perturbations move a pre-activation by at most ~1e-5, so a margin of 1e-4 keeps every
      // difference quotient on one side of a kink (relu: 0; hardtanh: +-1).
      const kink = (h: number) => (act === 'relu' ? Math.abs(h) : act === 'hardtanh' ? Math.abs(Math.abs(h) - 1) : Infinity);
      for (const H of c.preacts) for (const h of H.data) expect(kink(h)).toBeGreaterThan(1e-4);
      const { grad } = lossAndGradient(net, X, T, lambda);
      const h = 1e-5;
      const params = [...net.weights.map((w) => w.data), ...net.biases];
      const grads = [...grad.weights.map((w) => w.data), ...grad.biases];
      let num2 = 0;
      let diff2 = 0;
      let gmax = 0;
      for (const g of grads) for (const v of g) gmax = Math.max(gmax, Math.abs(v));
      for (let k = 0; k < params.length; k++) {
        const p = params[k]!;
        for (let i = 0; i < p.length; i++) {
          const v = p[i]!;
          p[i] = v + h;
          const up = loss(net, X, T, lambda);
          p[i] = v - h;
          const dn = loss(net, X, T, lambda);
          p[i] = v;
          const fd = (up - dn) / (2 * h);
          const g = grads[k]![i]!;
          expect(Math.abs(g - fd)).toBeLessThanOrEqual(1e-6 * gmax);
          num2 += g * g;
          diff2 += (g - fd) * (g - fd);
        }
      }
      expect(Math.sqrt(diff2 / num2)).toBeLessThan(1e-6);
    });
  }
});

describe('ridge closed form', () => {
  it('a one-layer linear N -> N autoencoder with biases, centred covariance, converges to W = C (C + lambda I)^-1, b = mean - W mean', () => {
    // Setting: widths [N, N], linear activation, biases trained, loss (7.2)
    // E = (1/(P N)) sum_p ||W x_p + b - x_p||^2 + (lambda / N) ||W||_F^2.
    // The optimum has b = xbar - W xbar and W = C (C + lambda I)^-1 with C = (1/P) sum_p (x_p - xbar)(x_p - xbar)^T (7.9).
    const N = 4;
    const P = 20;
    const lambda = 0.05;
    const X = randomMatrix(P, N, 9, 0, 1);
    const xbar = new Float64Array(N);
    for (let p = 0; p < P; p++) for (let i = 0; i < N; i++) xbar[i] = xbar[i]! + X.data[p * N + i]! / P;
    const C = matrix(N, N);
    for (let p = 0; p < P; p++) for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
      C.data[i * N + j] = C.data[i * N + j]! + ((X.data[p * N + i]! - xbar[i]!) * (X.data[p * N + j]! - xbar[j]!)) / P;
    }
    const A = matrix(N, N, Float64Array.from(C.data));
    for (let i = 0; i < N; i++) A.data[i * N + i] = A.data[i * N + i]! + lambda;
    // C and A are symmetric, so W^T = A^-1 C: solve A z = C e_j for every column j, W row j = z.
    const Wexact = matrix(N, N);
    for (let j = 0; j < N; j++) {
      const col = new Float64Array(N);
      for (let i = 0; i < N; i++) col[i] = C.data[i * N + j]!;
      const z = linalg().luSolve(A, col);
      for (let i = 0; i < N; i++) Wexact.data[j * N + i] = z[i]!;
    }
    const res = train({
      init: { widths: [N, N], activation: 'linear', weights: { name: 'gaussian', scale: 0.1 }, bias: null, scaling: 'natural', seed: 1 },
      config: { ...DEFAULT_TRAIN, optimizer: 'gd', lr: 1, steps: 6000, weightDecay: lambda },
      inputs: X, targets: null, out: null, checkpointEvery: 0, resume: false,
    });
    const W = res.net.weights[0]!;
    for (let i = 0; i < N * N; i++) expect(Math.abs(W.data[i]! - Wexact.data[i]!)).toBeLessThan(1e-10);
    for (let i = 0; i < N; i++) {
      let wx = 0;
      for (let j = 0; j < N; j++) wx += Wexact.data[i * N + j]! * xbar[j]!;
      expect(Math.abs(res.net.biases[0]![i]! - (xbar[i]! - wx))).toBeLessThan(1e-10);
    }
  });
});

describe('minibatches', () => {
  it('every epoch visits each row exactly once, in an order fixed by (seed, step) alone', async () => {
    const { minibatchRows } = await import('../../src/training/train.ts');
    const P = 23;
    const B = 5; // 5 batches per epoch, the last one of 3 rows
    for (const epoch of [0, 1, 7]) {
      const seen: number[] = [];
      for (let k = 0; k < 5; k++) {
        const rows = minibatchRows(3, epoch * 5 + k, P, B);
        expect(rows.length).toBe(k < 4 ? 5 : 3);
        seen.push(...rows);
      }
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: P }, (_, i) => i));
    }
    expect(Array.from(minibatchRows(3, 6, P, B))).toEqual(Array.from(minibatchRows(3, 6, P, B)));
    expect(Array.from(minibatchRows(3, 0, P, P))).not.toEqual(Array.from(minibatchRows(3, 1, P, P)));
  });
});
