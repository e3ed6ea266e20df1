import { erf } from '../../src/numerics/special.ts';
import { describe, expect, it } from 'vitest';
import { findFixedPoints } from '../../src/fixedpoints/search.ts';

import { applyDamage, parseDamage, parseDamageList } from '../../src/memory/damage.ts';
import { patternAttractors, restoration } from '../../src/memory/restoration.ts';
import { networkFromWeights } from '../../src/network/network.ts';
import { stream } from '../../src/random/rng.ts';
import { matrix } from '../../src/types.ts';

/**
 * Exact answers on the diagonal map x -> sigmoid(8x - 4) coordinatewise: its stable fixed points
 * are the 2^N corners of {LO, HI}^N (HI = 0.9787520 solves x = sigmoid(8x - 4), LO = 1 - HI), and a
 * point settles on the corner whose coordinates lie on the same side of 0.5 as its own.
 */
function diagonalNet(N: number) {
  const W = matrix(N, N);
  for (let i = 0; i < N; i++) W.data[i * N + i] = 8;
  return networkFromWeights('sigmoid', [W], [new Float64Array(N).fill(-4)]);
}
let a = 0.6, b = 1;
for (let i = 0; i < 200; i++) { const m = (a + b) / 2; if (m - 1 / (1 + Math.exp(-(8 * m - 4))) < 0) a = m; else b = m; }
const HI = (a + b) / 2;
const LO = 1 - HI;
const Phi = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));

const N = 4;
const net = diagonalNet(N);
const stable = findFixedPoints(net, { starts: 300, seed: 2 }).fixedPoints.filter((f) => f.stable);
const corner = (bits: number) => Float64Array.from({ length: N }, (_, i) => ((bits >> i) & 1 ? HI : LO));
const patterns = [corner(0b0101), corner(0b0011), corner(0b1110)];

describe('attractors and spurious attractors (theory/08 (8.1))', () => {
  it('every corner pattern is an attractor; the other 2^N - 3 corners are spurious', () => {
    expect(stable.length).toBe(16);
    const r = patternAttractors(net, patterns, stable);
    expect(r.attractor).toEqual([true, true, true]);
    expect(r.spurious.filter(Boolean).length).toBe(13);
    r.fixedPointIndex.forEach((k, i) => expect(Math.max(...stable[k!]!.x.map((v, j) => Math.abs(v - patterns[i]![j]!)))).toBeLessThan(1e-9));
  });
  it('a pattern 0.05 from a corner is an attractor at tolerance 0.1, one 0.15 away is not', () => {
    const near = corner(0b0101).map((v) => (v > 0.5 ? v - 0.05 : v + 0.05));
    const far = corner(0b0101).map((v) => (v > 0.5 ? v - 0.15 : v + 0.15));
    const r = patternAttractors(net, [near, far], stable, { tolerance: 0.1 });
    expect(r.attractor).toEqual([true, false]);
    expect(r.distance[0]).toBeCloseTo(0.05, 9);
    expect(r.distance[1]).toBeCloseTo(0.15, 9);
  });
});

describe('restoration (theory/08 (8.2)-(8.3)) where the answer is exact', () => {
  const ctx = { lo: LO, hi: HI };
  it('flipping k >= 1 entries of a corner lands on another corner: success rate exactly 0; k = 0: exactly 1', () => {
    const r = restoration(net, patterns, parseDamageList('flip:0,flip:25,flip:50,flip:100'), { ...ctx, trials: 5, seed: 1, known: stable });
    expect(r.levels.map((l) => l.success.successes)).toEqual([15, 0, 0, 0]);
    expect(r.levels[1]!.meanDistance).toBeCloseTo(HI - LO, 9);
  });
  it('Gaussian noise sigma: P(success) = Phi((HI - 0.5) / sigma)^N, inside the 99.9 % Wilson interval', () => {
    for (const sigma of [0.2, 0.4]) {
      const exact = Phi((HI - 0.5) / sigma) ** N;
      const r = restoration(net, patterns, [parseDamage(`noise:${sigma}`)], { ...ctx, trials: 200, seed: 3, known: stable, confidence: 0.999 });
      const s = r.levels[0]!.success;
      expect(s.trials).toBe(600);
      expect(exact).toBeGreaterThanOrEqual(s.lower);
      expect(exact).toBeLessThanOrEqual(s.upper);
    }
  });
  it('a 1 x 1 block set to LO on a 2 x 2 image restores iff it hits a LO pixel: P = 1/2 for corner 0101', () => {
    const r = restoration(net, [corner(0b0101)], [parseDamage('block:1')], { ...ctx, width: 2, trials: 400, seed: 4, known: stable, confidence: 0.999 });
    const s = r.levels[0]!.success;
    expect(0.5).toBeGreaterThanOrEqual(s.lower);
    expect(0.5).toBeLessThanOrEqual(s.upper);
  });
});

describe('damage', () => {
  it('flip:P flips exactly round(P/100 N) entries between lo and hi', () => {
    const p = Float64Array.from({ length: 40 }, (_, i) => (i % 3 ? 0.9 : 0.1));
    const y = applyDamage(p, parseDamage('flip:20'), stream(1, 99), { lo: 0.1, hi: 0.9 });
    const changed = Array.from(y).filter((v, i) => v !== p[i]);
    expect(changed.length).toBe(8);
    y.forEach((v, i) => { if (v !== p[i]) expect(v).toBeCloseTo(1 - p[i]!, 14); });
  });
  it('block:K sets a K x K square to lo', () => {
    const p = new Float64Array(36).fill(1);
    const y = applyDamage(p, parseDamage('block:3'), stream(1, 98), { lo: 0, hi: 1, width: 6 });
    expect(Array.from(y).filter((v) => v === 0).length).toBe(9);
  });
  it('bad specs name the flag', () => {
    expect(() => parseDamage('flip:120')).toThrow(/--damage/);
    expect(() => parseDamage('smudge:3')).toThrow(/--damage: expected/);
    expect(() => applyDamage(new Float64Array(4), parseDamage('block:3'), stream(1, 1), { lo: 0, hi: 1 })).toThrow(/exceeds/);
  });
  it('patterns of the wrong width are refused', () => {
    expect(() => restoration(net, [new Float64Array(5)], [parseDamage('flip:10')], { lo: 0, hi: 1 })).toThrow(/width is N = 4/);
  });
});

describe('measureTrainedNetwork on the diagonal map (exact values)', () => {
  it('Q, attractors, spurious, restoration, basins and the Jacobian at the corners', async () => {
    const { measureTrainedNetwork } = await import('../../src/memory/measure.ts');
    const { basinDirection } = await import('../../src/fixedpoints/basins.ts');
    const rec = measureTrainedNetwork(net, patterns, {
      search: { starts: 300, seed: 2 }, lo: LO, hi: HI, damages: parseDamageList('flip:0,flip:25'), trials: 3,
      basin: { directions: 9, seed: 6 },
    });
    expect(rec.Q).toBe(16);
    expect(rec.cycles).toBe(0);
    expect(rec.attractors).toBe(3);
    expect(rec.spurious).toBe(13);
    expect(rec.restoration.map((r) => r.successes)).toEqual([9, 0]);
    expect(rec.basins.length).toBe(3);
    // Median over 9 directions of the exact radii min_{inward i} |c_i - 0.5| / |u_i|.
    rec.basins.forEach((b) => {
      const c = patterns[b.pattern]!;
      const exact = Array.from({ length: 9 }, (_, j) => {
        const u = basinDirection(net, 'sphere', 6, b.pattern, j);
        let r = Infinity;
        for (let i = 0; i < N; i++) if ((0.5 - c[i]!) * u[i]! > 0) r = Math.min(r, Math.abs(c[i]! - 0.5) / Math.abs(u[i]!));
        return Math.min(r, 2);
      }).sort((x, y) => x - y);
      expect(Math.abs(b.radius - exact[4]!)).toBeLessThan(1e-5);
    });
    // J = diag(8 HI LO) at every corner.
    expect(rec.jacobianAtFixedPoints!.maxSpectralRadius).toBeCloseTo(8 * HI * LO, 9);
    expect(rec.jacobianAtFixedPoints!.meanSquaredSingularValue).toBeCloseTo((8 * HI * LO) ** 2, 9);
    // Diagonal W: the off-diagonal zeros leave 4 equal positive entries (Hill undefined) and 4 eigenvalues (too few for CSN).
    expect(rec.tailsAfter).toEqual([{ layer: 1, hill: null, powerLaw: null }]);
    expect(rec.tailsBefore).toBeNull();
    expect(JSON.parse(JSON.stringify(rec))).toEqual(rec);
  });
});

describe('measureTrainedNetwork on a sampled network (record shape, JSON-safe, seeded)', () => {
  it('N = 32, L = 2 Gaussian network with 4 random {0.1, 0.9} patterns', async () => {
    const { measureTrainedNetwork } = await import('../../src/memory/measure.ts');
    const { sampleNetwork } = await import('../../src/network/network.ts');
    const spec = { N: 32, L: 2, activation: 'sigmoid' as const, weights: { name: 'gaussian' as const, scale: 4 }, bias: null, scaling: 'natural' as const, seed: 3 };
    const net = sampleNetwork(spec);
    const rng = stream(3, 500);
    const pats = Array.from({ length: 4 }, () => Float64Array.from({ length: 32 }, () => (rng.uniform() < 0.5 ? 0.1 : 0.9)));
    const opts = { search: { starts: 40 }, trials: 2, basin: { directions: 4, bisectionSteps: 6 }, initial: net };
    const rec = measureTrainedNetwork(net, pats, opts);
    expect(rec.patterns).toBe(4);
    expect(rec.restoration.length).toBe(3);
    expect(rec.tailsAfter.length).toBe(2);
    for (const t of rec.tailsAfter) {
      expect(t.hill!.k).toBe(32); // floor(sqrt(32 * 32))
      expect(t.powerLaw!.nTail).toBeGreaterThanOrEqual(10);
      expect(t.powerLaw!.alpha).toBeGreaterThan(1);
    }
    expect(rec.tailsBefore).toEqual(rec.tailsAfter);
    expect(rec.Q).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(JSON.stringify(rec))).toEqual(rec);
    expect(measureTrainedNetwork(net, pats, opts)).toEqual(rec);
  });
});
