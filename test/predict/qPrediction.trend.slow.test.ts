/**
 * Fixed-point counts of heavy-tailed networks against exact results and against the spectral
 * prediction's trend (theory/06-fixed-points.md sections 6.4-6.5).
 *
 * 1. Saturated limit (6.8): with symmetric weights and biases and a step-like activation, the
 *    expected number of fixed corners of the cube is exactly 1 at every depth. Reference: that
 *    closed form, checked by enumerating all 2^N corners (independent of the fixed-point finder).
 * 2. Trend (6.7): the predicted Q_pred(N0, L) and the Monte Carlo E[Q | Q >= 1] peak at the same
 *    depth (within 3 layers), have the same sign of discrete slope wherever the Monte Carlo slope is
 *    significant (3 standard errors), and both return towards 1 at depth 16.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findFixedPoints } from '../../src/fixedpoints/search.ts';
import { forwardBatch, sampleNetwork } from '../../src/network/network.ts';
import type { NetworkSpec } from '../../src/spec/networkSpec.ts';
import { predictQ } from '../../src/predict/qPrediction.ts';
import { meanAndSd } from '../../src/numerics/stats.ts';

describe('saturated limit (theory/06 (6.8))', () => {
  it('E[#fixed corners] = 1 at every depth for Cauchy weights and Gaussian biases scaled by 1e6 (sigmoid -> step)', () => {
    const N = 8, K = 1000, C = 1 << N;
    const corners = { rows: C, cols: N, data: new Float64Array(C * N) };
    for (let c = 0; c < C; c++) for (let i = 0; i < N; i++) corners.data[c * N + i] = (c >> i) & 1;
    for (const L of [1, 4]) {
      const spec: NetworkSpec = { N, L, activation: 'sigmoid', weights: { name: 'cauchy', scale: 1e6 }, bias: { name: 'gaussian', scale: 1e6 }, scaling: 'raw', seed: 11 };
      const counts: number[] = [];
      for (let k = 0; k < K; k++) {
        const out = forwardBatch(sampleNetwork(spec, k), corners);
        let fixed = 0;
        for (let c = 0; c < C; c++) {
          let same = true;
          for (let i = 0; i < N && same; i++) same = Math.abs(out.data[c * N + i]! - corners.data[c * N + i]!) < 1e-6;
          if (same) fixed++;
        }
        counts.push(fixed);
      }
      const { mean, sd } = meanAndSd(counts);
      // each corner is fixed with probability exactly 2^-N (6.8), so the mean over K networks is 1
      // with standard error sd / sqrt(K) (sd ~ 1): 4 standard errors
      expect(Math.abs(mean - 1), `L=${L} mean ${mean}`).toBeLessThan(4 * (sd ?? 1) / Math.sqrt(K));
    }
  });
});

describe('trend of Q(N0, L): prediction vs Monte Carlo E[Q | Q >= 1] (theory/06 (6.7))', () => {
  it('heavy tails (Cauchy, SaS alpha = 0.5), raw N0 = 10: same peak depth, same slope signs where significant, both back near 1 at L = 16', () => {
    const depths = [1, 2, 4, 8, 16];
    fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => { for (const [law, alpha] of [['cauchy', undefined], ['stable', 0.5]] as const) {
      const spec = (L: number): NetworkSpec => ({
        N: 10, L, activation: 'sigmoid',
        weights: law === 'cauchy' ? { name: 'cauchy', scale: 1 } : { name: 'stable', alpha: alpha ?? 0.5, scale: 1 },
        bias: { name: 'gaussian', scale: 1 }, scaling: 'raw', seed,
      });
      const pred: number[] = [], mc: number[] = [], se: number[] = [];
      for (const L of depths) {
        pred.push(predictQ(spec(L), { populationSize: 300, sweeps: 20, replicas: 2 }).predictedQ);
        const qs: number[] = [];
        for (let k = 0; k < 200; k++) qs.push(findFixedPoints(sampleNetwork(spec(L), k), { starts: 50, maxIterations: 500 }).Q);
        const pos = qs.filter((q) => q > 0);
        const { mean, sd } = meanAndSd(pos);
        // Q is 1 or 2 in most networks, so E[Q | Q >= 1] ~ 1 + P(Q > 1 | Q >= 1): when no network has
        // Q > 1 the sample sd is 0, so the variance is floored at the Agresti-Coull p~(1 - p~),
        // p~ = (#{Q > 1} + 1) / (n + 2), instead of trusting a zero standard error
        const pt = (pos.filter((q) => q > 1).length + 1) / (pos.length + 2);
        mc.push(mean); se.push(Math.sqrt(Math.max((sd ?? 0) ** 2, pt * (1 - pt)) / pos.length));
      }
      const argmax = (v: number[]) => v.indexOf(Math.max(...v));
      const msg = `${law}${alpha !== undefined ? ` alpha=${alpha}` : ''} seed ${seed}: predicted ${pred.map((v) => v.toFixed(3))}, MC ${mc.map((v, i) => `${v.toFixed(3)}+-${se[i]!.toFixed(3)}`)}`;
      // peak depths within 3 layers (measured: both at L = 1 or 2, docs/heavy-tailed-accuracy.md section 3)
      expect(Math.abs(depths[argmax(pred)]! - depths[argmax(mc)]!), msg).toBeLessThanOrEqual(3);
      // discrete slopes between any two depths: where the Monte Carlo change exceeds 3 standard
      // errors, the prediction changes the same way. Adjacent depths alone are rarely significant at
      // 200 networks; the fall from the peak to depth 16 is (4-5 s.e. in the runs measured: Cauchy
      // 1.152 -> 1.000 and 1.077 -> 1.000, SaS 1.156 -> 1.000 and 1.229 -> 1.000, predicted
      // 2.43 -> 1.05, 2.74 -> 1.06, 1.70 -> 1.03, 1.81 -> 1.01)
      let significant = 0;
      for (let i = 0; i < depths.length; i++) for (let j = i + 1; j < depths.length; j++) {
        const dm = mc[j]! - mc[i]!, s = Math.hypot(se[i]!, se[j]!);
        if (Math.abs(dm) > 3 * s) {
          significant++;
          expect(Math.sign(pred[j]! - pred[i]!), `${msg}: slope ${depths[i]}->${depths[j]}`).toBe(Math.sign(dm));
        }
      }
      expect(significant, `${msg}: no significant Monte Carlo change to compare`).toBeGreaterThan(0);
      // both return towards 1 at depth 16: MC within 0.05 (measured 1.00), prediction within 0.15
      // (measured 1.02-1.07 at population 600: the residual p_{>1} of rare unsaturated paths)
      expect(Math.abs(mc[depths.length - 1]! - 1), msg).toBeLessThan(0.05);
      expect(Math.abs(pred[depths.length - 1]! - 1), msg).toBeLessThan(0.15);
    } }), { numRuns: 2 });
  }, 240_000);
});
