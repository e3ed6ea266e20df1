import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { forward, forwardBatch, forwardTrace, jacobian, jacobianVectorProduct, networkFromWeights, sampleNetwork, vectorJacobianProduct } from '../../src/network/network.ts';
import { naturalScale } from '../../src/laws/weightLaws.ts';
import type { NetworkSpec } from '../../src/spec/networkSpec.ts';
import { ACTIVATIONS } from '../../src/spec/networkSpec.ts';
import { matrix } from '../../src/types.ts';
import { linalg } from '../../src/linalg/index.ts';
import { InvalidSpecError } from '../../src/errors.ts';

const base = (over: Partial<NetworkSpec> = {}): NetworkSpec => ({
  N: 7, L: 3, activation: 'sigmoid', weights: { name: 'gaussian', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'natural', seed: 11, ...over,
});

describe('sampleNetwork', () => {
  it('is deterministic: same seed and index give bit-identical weights, other indices differ', () => {
    const a = sampleNetwork(base({ weights: { name: 'stable', alpha: 1.5, scale: 1 } }), 2);
    const b = sampleNetwork(base({ weights: { name: 'stable', alpha: 1.5, scale: 1 } }), 2);
    const c = sampleNetwork(base({ weights: { name: 'stable', alpha: 1.5, scale: 1 } }), 3);
    a.weights.forEach((w, l) => expect(Array.from(w.data)).toEqual(Array.from(b.weights[l]!.data)));
    a.biases.forEach((v, l) => expect(Array.from(v)).toEqual(Array.from(b.biases[l]!)));
    expect(Array.from(a.weights[0]!.data)).not.toEqual(Array.from(c.weights[0]!.data));
  });

  it('a depth-L network is the first L layers of the depth-(L+1) network with the same seed (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 6 }), fc.nat(1000), (N, L, seed) => {
      const a = sampleNetwork(base({ N, L, seed }));
      const b = sampleNetwork(base({ N, L: L + 1, seed }));
      for (let l = 0; l < L; l++) {
        expect(Array.from(a.weights[l]!.data)).toEqual(Array.from(b.weights[l]!.data));
        expect(Array.from(a.biases[l]!)).toEqual(Array.from(b.biases[l]!));
      }
    }), { numRuns: 30 });
  });

  it('applies the natural width scaling (gaussian: 1/sqrt(N)) and raw scaling (sigma_w only)', () => {
    const nat = sampleNetwork(base({ N: 9, weights: { name: 'gaussian', scale: 2 } }));
    expect(nat.weightScale).toBeCloseTo(2 / 3, 15);
    const raw = sampleNetwork(base({ N: 9, weights: { name: 'gaussian', scale: 2 }, scaling: 'raw' }));
    expect(raw.weightScale).toBe(2);
    // Same unit draws: natural weights are raw weights times 1/sqrt(N) (exact up to one rounding).
    raw.weights[0]!.data.forEach((w, i) => expect(nat.weights[0]!.data[i]).toBeCloseTo(w / 3, 14));
    const cauchy = sampleNetwork(base({ N: 9, weights: { name: 'cauchy', scale: 1 } }));
    expect(cauchy.weightScale).toBeCloseTo(naturalScale({ name: 'cauchy', scale: 1 }, 9), 15);
    expect(cauchy.weightScale).toBeCloseTo(Math.PI / 18, 15); // a_N = 2N/pi for standard Cauchy
  });

  it('no bias means zero biases; validation names the field', () => {
    const net = sampleNetwork(base({ bias: null }));
    net.biases.forEach((b) => expect(Array.from(b).every((v) => v === 0)).toBe(true));
    expect(() => sampleNetwork(base({ N: 0 }))).toThrow(InvalidSpecError);
    expect(() => sampleNetwork(base({ N: 0 }))).toThrow(/width/);
    expect(() => forward(net, new Float64Array(3))).toThrow(/x: must have length/);
  });
});

describe('forward maps', () => {
  it('forward, forwardTrace and forwardBatch agree (exactly the same formula, up to summation order ~1e-15)', () => {
    const net = sampleNetwork(base({ N: 8, L: 4, activation: 'tanh' }));
    const B = 5;
    const X = matrix(B, 8);
    for (let i = 0; i < X.data.length; i++) X.data[i] = Math.sin(1 + i);
    const Y = forwardBatch(net, X);
    for (let r = 0; r < B; r++) {
      const x = X.data.slice(r * 8, r * 8 + 8);
      const y = forward(net, x);
      const tr = forwardTrace(net, x);
      for (let i = 0; i < 8; i++) {
        expect(Y.data[r * 8 + i]).toBeCloseTo(y[i]!, 13);
        expect(tr.outputs[3]![i]).toBe(y[i]);
      }
    }
  });
});

describe('Jacobian', () => {
  // Central differences with step h have truncation error ~ h^2 |f'''| / 6 and rounding ~ eps/h;
  // h = 1e-5 gives ~1e-10 + 1e-11, so 1e-7 absolute (relative to entries of order <= 10) is safe.
  const h = 1e-5;
  it.each(ACTIVATIONS.filter((a) => a !== 'hardtanh' && a !== 'relu'))('matches central finite differences (%s)', (activation) => {
    const net = sampleNetwork(base({ N: 6, L: 3, activation, weights: { name: 'gaussian', scale: 1.5 } }));
    const x = Float64Array.from({ length: 6 }, (_, i) => 0.3 * Math.cos(i + 0.5));
    const J = jacobian(net, x);
    for (let j = 0; j < 6; j++) {
      const xp = Float64Array.from(x); xp[j]! += h;
      const xm = Float64Array.from(x); xm[j]! -= h;
      const fp = forward(net, xp), fm = forward(net, xm);
      for (let i = 0; i < 6; i++) expect(Math.abs(J.data[i * 6 + j]! - (fp[i]! - fm[i]!) / (2 * h))).toBeLessThan(1e-7);
    }
  });

  it('matches finite differences for piecewise-linear activations away from kinks (relu, hardtanh)', () => {
    // Away from kinks the map is affine in a neighbourhood, so differences are exact up to rounding (1e-8).
    for (const activation of ['relu', 'hardtanh'] as const) {
      const net = sampleNetwork(base({ N: 5, L: 2, activation, seed: 4 }));
      const x = Float64Array.from({ length: 5 }, (_, i) => 0.2 + 0.1 * i);
      const tr = forwardTrace(net, x);
      const minDistToKink = Math.min(...tr.preacts.flatMap((p) => Array.from(p, (v) => Math.min(Math.abs(v), Math.abs(Math.abs(v) - 1)))));
      expect(minDistToKink).toBeGreaterThan(1e-3);
      const J = jacobian(net, x);
      for (let j = 0; j < 5; j++) {
        const xp = Float64Array.from(x); xp[j]! += h;
        const xm = Float64Array.from(x); xm[j]! -= h;
        const fp = forward(net, xp), fm = forward(net, xm);
        for (let i = 0; i < 5; i++) expect(Math.abs(J.data[i * 5 + j]! - (fp[i]! - fm[i]!) / (2 * h))).toBeLessThan(1e-8);
      }
    }
  });

  it('jacobianVectorProduct = J v and vectorJacobianProduct = J^T u (property; rounding tolerance 1e-12 relative)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 5 }), fc.nat(500), (N, L, seed) => {
      const net = sampleNetwork(base({ N, L, seed, activation: 'erf' }));
      const x = Float64Array.from({ length: N }, (_, i) => Math.sin(seed + i));
      const v = Float64Array.from({ length: N }, (_, i) => Math.cos(seed * 3 + i));
      const J = jacobian(net, x);
      const Jv = linalg().matvec(J, v);
      const jvp = jacobianVectorProduct(net, x, v);
      const JT = matrix(N, N);
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) JT.data[j * N + i] = J.data[i * N + j]!;
      const JTv = linalg().matvec(JT, v);
      const vjp = vectorJacobianProduct(net, x, v);
      const scale = Math.max(1e-300, ...Array.from(Jv, Math.abs), ...Array.from(JTv, Math.abs));
      for (let i = 0; i < N; i++) {
        expect(Math.abs(jvp[i]! - Jv[i]!)).toBeLessThanOrEqual(1e-12 * scale);
        expect(Math.abs(vjp[i]! - JTv[i]!)).toBeLessThanOrEqual(1e-12 * scale);
      }
    }), { numRuns: 40 });
  });

  it('networkFromWeights builds the scalar map x -> sigmoid(w x + b)', () => {
    const net = networkFromWeights('sigmoid', [matrix(1, 1, Float64Array.of(5))], [Float64Array.of(-2.5)]);
    expect(forward(net, Float64Array.of(0.5))[0]).toBeCloseTo(0.5, 15); // sigmoid(0) = 1/2
    expect(jacobian(net, Float64Array.of(0.5)).data[0]).toBeCloseTo(5 / 4, 15); // w s(1-s) = 5/4
    expect(() => networkFromWeights('sigmoid', [matrix(1, 1, Float64Array.of(NaN))])).toThrow(/weights\[0\]/);
  });
});
