import { describe, expect, it } from 'vitest';
import { hillTail, powerLawFit } from '../../src/spectra/empirical.ts';
import { wilsonInterval } from '../../src/numerics/stats.ts';
import { stream } from '../../src/random/rng.ts';

/** Pareto(alpha) sample with x_min = 1 by inversion: X = U^(-1/alpha), P(X > x) = x^-alpha. */
function pareto(alpha: number, n: number, seed: number): Float64Array {
  const rng = stream(seed, 901);
  return Float64Array.from({ length: n }, () => rng.uniformOpen() ** (-1 / alpha));
}

describe('tail estimators recover the exponent of Pareto samples (theory/08 (8.6)-(8.8))', () => {
  for (const [alpha, seed] of [[0.8, 1], [1.5, 2], [3, 3], [5, 4]] as const) {
    it(`Hill: alpha = ${alpha} within 3 standard errors`, () => {
      const h = hillTail(pareto(alpha, 4000, seed), 400);
      expect(h.k).toBe(400);
      expect(h.standardError).toBeCloseTo(h.alpha / 20, 12);
      expect(Math.abs(h.alpha - alpha)).toBeLessThan(3 * h.standardError);
    });
    it(`CSN power-law fit: density exponent ${alpha + 1} within 3 standard errors`, () => {
      const f = powerLawFit(pareto(alpha, 3000, seed + 10));
      expect(f.standardError).toBeCloseTo((f.alpha - 1) / Math.sqrt(f.nTail), 12);
      expect(Math.abs(f.alpha - (alpha + 1))).toBeLessThan(3 * f.standardError);
    });
  }

  it('CSN picks xmin at the start of the power-law tail of a two-part sample', () => {
    // Uniform body on [0, 1) (60 %) below a Pareto(2) tail on [1, inf) (40 %): the KS rule must place
    // xmin in the tail, near 1, not inside the body, and recover alpha = 3.
    const rng = stream(7, 902);
    const x = Float64Array.from({ length: 3000 }, () => (rng.uniform() < 0.6 ? rng.uniform() : rng.uniformOpen() ** -0.5));
    const f = powerLawFit(x);
    expect(f.xmin).toBeGreaterThanOrEqual(0.95);
    expect(f.xmin).toBeLessThan(1.5);
    expect(Math.abs(f.alpha - 3)).toBeLessThan(3 * f.standardError);
  });

  it('a given xmin gives the closed-form MLE 1 + n / sum ln(x / xmin)', () => {
    const x = [1, 2, 4, 8];
    const f = powerLawFit(x, { xmin: 2, minTail: 2 });
    expect(f.nTail).toBe(3);
    expect(f.alpha).toBeCloseTo(1 + 3 / (Math.log(1) + Math.log(2) + Math.log(4)), 14);
  });

  it('bad input: too few values', () => {
    expect(() => powerLawFit([1, 2, 3])).toThrow(/at least/);
  });
});

describe('Wilson score interval (theory/08 (8.3)) against closed forms', () => {
  const z = 1.959963984540054;
  it('s = 0 and s = n', () => {
    for (const n of [1, 10, 37]) {
      const a = wilsonInterval(0, n);
      expect(a.lower).toBe(0);
      expect(a.upper).toBeCloseTo((z * z) / (n + z * z), 9);
      const b = wilsonInterval(n, n);
      expect(b.upper).toBe(1);
      expect(b.lower).toBeCloseTo(n / (n + z * z), 9);
    }
  });
  it('s = 5, n = 10: (5 + z^2/2 -+ z sqrt(10/4 + z^2/4)) / (10 + z^2)', () => {
    const w = wilsonInterval(5, 10);
    const half = z * Math.sqrt(2.5 + (z * z) / 4);
    expect(w.lower).toBeCloseTo((5 + (z * z) / 2 - half) / (10 + z * z), 9);
    expect(w.upper).toBeCloseTo((5 + (z * z) / 2 + half) / (10 + z * z), 9);
    expect(w.lower).toBeCloseTo(0.2366, 4); // the tabulated value
  });
  it('other confidence levels use their normal quantile (z_0.995 = 2.5758293035489)', () => {
    const zz = 2.5758293035489;
    expect(wilsonInterval(0, 20, 0.99).upper).toBeCloseTo((zz * zz) / (20 + zz * zz), 9);
  });
});
