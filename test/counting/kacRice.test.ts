/**
 * Kac-Rice estimator and Newton-in-pre-activation counter (theory/06-fixed-points.md section 6.6).
 * References: test/fixtures/kacrice-n1.json, written by scripts/gen_kacrice_n1_fixture.py (N = 1,
 * L = 1 by CDF differences over monotone pieces and 1-D scipy quadrature over the weight, no shared
 * code); the Jacobian of f from src/network/network.ts (an independent code path from (6.10)).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KISH_ESS_MIN, kacRice, kacRiceNetwork } from '../../src/counting/kacRice.ts';
import { countByMultistart } from '../../src/counting/multistart.ts';
import { biasLogDensity } from '../../src/counting/biasDensity.ts';
import { evalPreact, fixedPointJacobian, jacobianSpectrumSummary, newtonAllFixedPoints, preactDerivative } from '../../src/fixedpoints/newtonAll.ts';
import { InvalidSpecError } from '../../src/errors.ts';
import { linalg } from '../../src/linalg/index.ts';
import { forward, jacobian, networkFromWeights, sampleNetwork } from '../../src/network/network.ts';
import type { NetworkSpec } from '../../src/spec/networkSpec.ts';
import { stableDensity } from '../../src/meanfield/stableDensity.ts';
import { matrix } from '../../src/types.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/kacrice-n1.json', import.meta.url), 'utf8')) as {
  cases: { activation: 'sigmoid' | 'tanh'; weights: 'gaussian' | 'cauchy'; sigmaW: number; bias: 'gaussian' | 'cauchy'; sigmaB: number; all: number; stable: number }[];
};

const spec = (over: Partial<NetworkSpec>): NetworkSpec => ({
  N: 3, L: 2, activation: 'sigmoid', weights: { name: 'cauchy', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'raw', seed: 3, ...over,
});

describe('pre-activation coordinates (6.9)-(6.11)', () => {
  it('at every fixed point found, x = f(x), J from (6.10) equals the network Jacobian and det Dc = det(I - J)', () => {
    for (const [n, L] of [[1, 1], [3, 2], [5, 4]] as const) {
      const net = sampleNetwork(spec({ N: n, L }), 0);
      const res = newtonAllFixedPoints(net, { starts: 50 });
      expect(res.all).toBeGreaterThanOrEqual(1);
      for (const fp of res.fixedPoints) {
        const fx = forward(net, fp.x);
        fx.forEach((v, i) => expect(Math.abs(v - fp.x[i]!)).toBeLessThan(1e-9));
        const e = evalPreact(net, fp.u);
        const J = fixedPointJacobian(e);
        const Jref = jacobian(net, fp.x);
        J.data.forEach((v, i) => expect(Math.abs(v - Jref.data[i]!)).toBeLessThan(1e-9 * (1 + Math.abs(Jref.data[i]!))));
        // det(Dc) by LU-free product of eigenvalues of Dc itself vs log|det(I - J)| from the eigenvalues of J.
        const { re, im } = linalg().eigenvalues(preactDerivative(e));
        let logDet = 0;
        for (let i = 0; i < re.length; i++) logDet += Math.log(Math.hypot(re[i]!, im[i]!));
        expect(Math.abs(logDet - jacobianSpectrumSummary(J).logAbsDet)).toBeLessThan(1e-8);
      }
    }
  });

  it('finds the three fixed points of x = sigmoid(10 x - 5) (x = 1/2 unstable with multiplier 2.5)', () => {
    const net = networkFromWeights('sigmoid', [matrix(1, 1, Float64Array.of(10))], [Float64Array.of(-5)]);
    const res = newtonAllFixedPoints(net, { starts: 40, seed: 1 });
    expect(res.all).toBe(3);
    expect(res.stable).toBe(2);
    const mid = res.fixedPoints.find((f) => !f.stable)!;
    expect(mid.x[0]).toBeCloseTo(0.5, 12);
    expect(mid.spectralRadius).toBeCloseTo(2.5, 10);
  });
});

describe('bias densities', () => {
  it('the stable(1.5) table matches the quadrature density within 1e-5 relative between nodes', () => {
    const lp = biasLogDensity({ name: 'stable', alpha: 1.5, scale: 2 });
    for (const x of [0, 0.37, 3.3, 41, 850]) {
      const ref = stableDensity(1.5, x / 2) / 2;
      expect(Math.abs(Math.exp(lp(x)) / ref - 1)).toBeLessThan(1e-5);
    }
  });
});

describe('Kac-Rice estimator (6.12)-(6.15)', () => {
  it('N = 1, L = 1 agrees with the independent quadrature within 4 standard errors (both proposals)', () => {
    for (const c of fixture.cases) {
      const s: NetworkSpec = { N: 1, L: 1, activation: c.activation, weights: { name: c.weights, scale: c.sigmaW }, bias: { name: c.bias, scale: c.sigmaB }, scaling: 'raw', seed: 5 };
      for (const proposal of ['fixed-points', 'broad'] as const) {
        const r = kacRice(s, { samples: 2048, samplesPerNetwork: 16, proposal });
        // The broad proposal concentrates its weight on few draws per network for the narrower cases
        // (sigma_w = 8, 10; 27-36 % of the networks), which the concentration diagnostic (6.42) reports.
        if (proposal === 'fixed-points') expect(r.warning).toBeUndefined();
        else expect(r.ess).toBeGreaterThan(KISH_ESS_MIN);
        expect(Math.abs(r.all.mean - c.all)).toBeLessThan(4 * r.all.stderr + 1e-9);
        expect(Math.abs(r.stable.mean - c.stable)).toBeLessThan(4 * r.stable.stderr + 1e-9);
        expect(r.all.stderr).toBeLessThan(0.15); // the comparison is informative (the weights alone vary by 0.1-0.5)
      }
    }
  });

  it('agrees with multistart Newton at N = 2, L = 2, raw Cauchy (within 3 combined standard errors)', () => {
    const s = spec({ N: 2, L: 2 });
    const kr = kacRice(s, { samples: 6400 });
    const ms = countByMultistart(s, { networks: 200, starts: 30 });
    for (const k of ['all', 'stable'] as const) {
      expect(Math.abs(kr[k].mean - ms[k].mean)).toBeLessThan(3 * Math.hypot(kr[k].stderr, ms[k].stderr));
    }
  });

  it('is reproducible and independent of the order of networks', () => {
    const s = spec({ N: 3, L: 2 });
    const a = kacRiceNetwork(sampleNetwork(s, 7), { samplesPerNetwork: 32 });
    kacRiceNetwork(sampleNetwork(s, 2), { samplesPerNetwork: 32 });
    const b = kacRiceNetwork(sampleNetwork(s, 7), { samplesPerNetwork: 32 });
    expect(b).toEqual(a);
  });

  it('refuses a network without biases and a non-invertible activation', () => {
    expect(() => kacRice(spec({ bias: null }), { samples: 100 })).toThrow(InvalidSpecError);
    expect(() => kacRice(spec({ activation: 'relu' }), { samples: 100 })).toThrow(/activation/);
  });

  it('warns when the effective sample size is below the threshold', () => {
    const r = kacRice(spec({ N: 10, L: 1 }), { samples: 128, proposal: 'broad' });
    expect(r.warning).toMatch(/effective sample size/);
  });
});
