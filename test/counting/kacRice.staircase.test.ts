/**
 * The Kac-Rice estimator on a constructed staircase (theory/06-fixed-points.md section 6.9).
 *
 * N = 4, L = 2, sigmoid. Hidden units 0-2 switch steeply (slope 200) as phi(u_3) crosses 0.3, 0.5,
 * 0.7; hidden unit 3 is constant (bias 50). Output rows 0-2 weigh the hidden units by +-300..900, row 3
 * is zero. So g(u) = W_2 phi(W_1 phi(u) + b_1) depends on u_3 alone, is a staircase in it with jumps of
 * hundreds (coordinates 0-2 saturated), and g_3 = 0. For every last bias b the fixed-point equation
 * u = g(u) + b has exactly one solution (u_3 = b_3, then u_{0..2} = g_{0..2}(b_3) + b_{0..2}), and its
 * Jacobian D(u) M(u) has only column 3 nonzero off the diagonal and a zero diagonal, so it is nilpotent
 * (stable). Closed form: E[# all | theta] = E[# stable | theta] = 1 exactly.
 */
import { describe, expect, it } from 'vitest';
import { kacRiceNetwork, summarizeKacRice } from '../../src/counting/kacRice.ts';
import { newtonAllFixedPoints } from '../../src/fixedpoints/newtonAll.ts';
import { sampleNetwork, type Network } from '../../src/network/network.ts';
import type { NetworkSpec } from '../../src/spec/networkSpec.ts';

const spec: NetworkSpec = { N: 4, L: 2, activation: 'sigmoid', weights: { name: 'cauchy', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'raw', seed: 11 };

/** A sampled network (so its last bias has a law) whose parameters are then set to the staircase. */
function staircase(index: number): Network {
  const net = sampleNetwork(spec, index);
  const W1 = [
    [0, 0, 0, 200],
    [0, 0, 0, 200],
    [0, 0, 0, 200],
    [0, 0, 0, 0],
  ];
  const b1 = [-200 * 0.3, -200 * 0.5, -200 * 0.7, 50];
  const W2 = [
    [300, 300, 300, 300],
    [300, -300, 300, 600],
    [-300, 300, 300, 900],
    [0, 0, 0, 0],
  ];
  net.weights[0]!.data.set(W1.flat());
  net.biases[0]!.set(b1);
  net.weights[1]!.data.set(W2.flat());
  return net;
}

const perDrawSe = (r: { samples: number; sumW: number; sumW2: number }) => {
  const m = r.sumW / r.samples;
  return Math.sqrt(Math.max(r.sumW2 / r.samples - m * m, 0) / r.samples);
};

describe('staircase (6.40)-(6.42)', () => {
  it('the constructed network has exactly one stable fixed point for its sampled last bias (multistart, 200 starts)', () => {
    const res = newtonAllFixedPoints(staircase(0), { starts: 200 });
    expect(res.all).toBe(1);
    expect(res.stable).toBe(1);
  });

  it('E[# | theta] = 1 within 4 standard errors, with the staircase component raising the ESS above the local-kernel proposal', () => {
    const net = staircase(0);
    const P = 1024;
    const stair = kacRiceNetwork(net, { samplesPerNetwork: P });
    const local = kacRiceNetwork(net, { samplesPerNetwork: P, regionShare: 0 });
    for (const r of [stair, local]) {
      expect(Math.abs(r.all - 1)).toBeLessThan(4 * perDrawSe(r));
      expect(Math.abs(r.stable - r.all)).toBeLessThan(1e-12); // every fixed point is stable
    }
    const ess = (r: typeof stair) => (r.sumW * r.sumW) / r.sumW2;
    // Staircase draws land on the plateau of the region their u_3 falls in: weights p_b / p~ are bounded.
    expect(ess(stair)).toBeGreaterThan(0.5 * P);
    expect(ess(stair)).toBeGreaterThan(2 * ess(local));
    expect(perDrawSe(stair)).toBeLessThan(0.05);
  });

  it('the concentration diagnostic (6.42) flags the local-kernel proposal at 16 draws per network and not the staircase one', () => {
    const nets = Array.from({ length: 40 }, (_, n) => staircase(n));
    const local = summarizeKacRice(nets.map((n) => kacRiceNetwork(n, { samplesPerNetwork: 16, regionShare: 0 })), 'fixed-points');
    const stair = summarizeKacRice(nets.map((n) => kacRiceNetwork(n, { samplesPerNetwork: 16 })), 'fixed-points');
    expect(stair.concentratedShare).toBe(0);
    expect(stair.warning).toBeUndefined();
    expect(Math.abs(stair.all.mean - 1)).toBeLessThan(4 * stair.all.stderr);
    expect(local.concentratedShare).toBeGreaterThan(0.05);
    expect(local.warning).toMatch(/one draw carries most of the weight/);
  });
});
