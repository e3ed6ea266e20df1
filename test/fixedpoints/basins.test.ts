import { describe, expect, it } from 'vitest';
import { basinDirection, basinRadius, quantileOrderInterval } from '../../src/fixedpoints/basins.ts';
import { findFixedPoints } from '../../src/fixedpoints/search.ts';
import { networkFromWeights } from '../../src/network/network.ts';
import { matrix } from '../../src/types.ts';

/**
 * The diagonal map x -> sigmoid(8 x - 4) coordinatewise (W = 8 I, b = -4): per coordinate the
 * stable fixed points solve x = sigmoid(8x - 4), x = 0.0212480 and its mirror 0.9787520 (given to 7
 * digits; solved here by scalar bisection on x - sigmoid(8x - 4)), the unstable one is 0.5.
 * A point converges to the corner c iff every coordinate stays on c's side of 0.5.
 */
function diagonalNet(N: number) {
  const W = matrix(N, N);
  for (let i = 0; i < N; i++) W.data[i * N + i] = 8;
  return networkFromWeights('sigmoid', [W], [new Float64Array(N).fill(-4)]);
}
function solveHi(): number {
  let a = 0.6, b = 1;
  for (let i = 0; i < 200; i++) {
    const m = (a + b) / 2;
    if (m - 1 / (1 + Math.exp(-(8 * m - 4))) < 0) a = m; else b = m;
  }
  return (a + b) / 2;
}
const HI = solveHi();
const LO = 1 - HI;

describe('basin radius by bisection (theory/08 (8.4)-(8.5))', () => {
  it('fixed points of the scalar map agree with the stated 7-digit values', () => {
    expect(HI).toBeCloseTo(0.978752, 6);
    expect(LO).toBeCloseTo(0.021248, 6);
  });

  const N = 4;
  const net = diagonalNet(N);
  const res = findFixedPoints(net, { starts: 200, seed: 3 });
  it('the search finds the 2^N corners as stable fixed points', () => {
    expect(res.Q).toBe(2 ** N);
  });
  // Corner (hi, lo, hi, lo).
  const target = Float64Array.from({ length: N }, (_, i) => (i % 2 === 0 ? HI : LO));
  const corner = res.fixedPoints.find((f) => f.stable && f.x.every((v, i) => Math.abs(v - target[i]!) < 1e-9))!;

  it('coordinate directions: radius |c_i - 0.5| = 0.478752 toward the middle, censored at tMax outward', () => {
    const b = basinRadius(net, corner, { directions: 16, directionKind: 'coordinate', seed: 5 });
    for (let j = 0; j < 16; j++) {
      const u = basinDirection(net, 'coordinate', 5, 0, j);
      const i = u.findIndex((v) => v !== 0);
      const inward = (0.5 - corner.x[i]!) * u[i]! > 0;
      if (inward) expect(Math.abs(b.radii[j]! - (HI - 0.5))).toBeLessThanOrEqual(b.resolution + 1e-9);
      else expect(b.radii[j]).toBe(b.tMax);
    }
    expect(b.censored).toBe(b.radii.filter((r) => r === b.tMax).length);
    expect(b.evaluations).toBeGreaterThan(0);
  });

  it('sphere directions: r(u) = min over inward coordinates of |c_i - 0.5| / |u_i|', () => {
    const D = 24;
    const b = basinRadius(net, corner, { directions: D, seed: 9, tag: 2 });
    for (let j = 0; j < D; j++) {
      const u = basinDirection(net, 'sphere', 9, 2, j);
      let exact = Infinity;
      for (let i = 0; i < N; i++) if ((0.5 - corner.x[i]!) * u[i]! > 0) exact = Math.min(exact, Math.abs(corner.x[i]! - 0.5) / Math.abs(u[i]!));
      if (exact >= b.tMax) expect(b.radii[j]).toBe(b.tMax);
      else expect(Math.abs(b.radii[j]! - exact)).toBeLessThanOrEqual(b.resolution + 1e-9);
    }
    expect(b.lower).toBeLessThanOrEqual(b.radius);
    expect(b.upper).toBeGreaterThanOrEqual(b.radius);
  });

  it('is reproducible from its seed', () => {
    const a = basinRadius(net, corner, { directions: 6, seed: 1, bisectionSteps: 8 });
    const c = basinRadius(net, corner, { directions: 6, seed: 1, bisectionSteps: 8 });
    expect(c.radii).toEqual(a.radii);
  });
});

describe('order-statistic interval of a quantile (8.5)', () => {
  it('D = 10, median, 95 %: [x_(2), x_(9)] from P(Bin(10, 1/2) <= 1) = 11/1024', () => {
    const x = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(quantileOrderInterval(x, 0.5, 0.95)).toEqual({ lower: 2, upper: 9 });
  });
  it('too few values for the level: open ends', () => {
    expect(quantileOrderInterval([1, 2, 3], 0.5, 0.95)).toEqual({ lower: null, upper: null });
  });
});
