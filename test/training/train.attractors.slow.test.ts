/**
 * Trained autoencoders store their patterns as attractors (the reference configuration: N = 32,
 * P = 10 random patterns in {0.1, 0.9}^32, sigmoid on every layer, Gaussian init 4 g / sqrt(N),
 * biases from 0, full-batch Adam lr 0.01, 3000 steps). An independent NumPy probe found every
 * pattern an attractor at L = 2..8 (Gaussian init). Here, for every pattern p: iterating f from p
 * settles (sup-norm step < 1e-12 within 500 iterations) at x* with |x* - p|_inf < 1e-3, and the
 * spectral radius of Df(x*) is < 1 (eigenvalues of the Jacobian, theory/02 (2.14)).
 */
import { describe, expect, it } from 'vitest';
import { linalg } from '../../src/linalg/index.ts';
import { forward, jacobian } from '../../src/network/network.ts';
import { randomPatterns } from '../../src/training/data.ts';
import { toNetwork } from '../../src/training/file.ts';
import { DEFAULT_TRAIN, train } from '../../src/training/train.ts';

describe('Gaussian-init trained autoencoders (reference configuration)', () => {
  for (const L of [2, 4, 6, 8]) {
    it(`store every pattern as an attractor at L = ${L}`, () => {
      const N = 32;
      const X = randomPatterns(10, N, 0.1, 0.9, 1);
      const res = train({
        init: { widths: Array.from({ length: L + 1 }, () => N), activation: 'sigmoid', weights: { name: 'gaussian', scale: 4 }, bias: null, scaling: 'natural', seed: 1 },
        config: { ...DEFAULT_TRAIN }, inputs: X, targets: null, out: null, checkpointEvery: 0, resume: false,
      });
      expect(res.finalLoss).toBeLessThan(1e-6);
      const net = toNetwork(res.net);
      for (let p = 0; p < 10; p++) {
        const pat = X.data.slice(p * N, (p + 1) * N);
        let x: Float64Array = Float64Array.from(pat);
        let step = Infinity;
        for (let t = 0; t < 500 && step >= 1e-12; t++) {
          const y = forward(net, x);
          step = 0;
          for (let i = 0; i < N; i++) step = Math.max(step, Math.abs(y[i]! - x[i]!));
          x = y;
        }
        expect(step).toBeLessThan(1e-12);
        let dist = 0;
        for (let i = 0; i < N; i++) dist = Math.max(dist, Math.abs(x[i]! - pat[i]!));
        expect(dist).toBeLessThan(1e-3);
        const ev = linalg().eigenvalues(jacobian(net, x));
        let rho = 0;
        for (let i = 0; i < ev.re.length; i++) rho = Math.max(rho, Math.hypot(ev.re[i]!, ev.im[i]!));
        expect(rho).toBeLessThan(1);
      }
    }, 60_000);
  }
});
