// Stable pre-activation mean field (theory/05-heavy-tailed.md sections 5.1-5.2).
import { erf } from '../../src/numerics/special.ts';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stableCdf, stableCdfNumeric, stableDensity, stableDensityAtZero, stableDensityNumeric } from '../../src/meanfield/stableDensity.ts';
import {
  preactivationFactor, stableActivationMoment, stableD2Law, stableExpectation, stableLengthMap, stableScaleFixedPoint,
} from '../../src/meanfield/stable.ts';
import { getActivation } from '../../src/laws/activations.ts';
import { cmsSymmetricStable, naturalConstant, sampleLaw } from '../../src/laws/weightLaws.ts';
import { stream } from '../../src/random/rng.ts';
import { InvalidSpecError } from '../../src/errors.ts';
import type { ActivationName } from '../../src/spec/networkSpec.ts';
import { expectReference, referenceWhere } from '../fixtures/reference.ts';

/** Kolmogorov distance of samples to a CDF. */
function ksDistance(samples: number[], cdf: (x: number) => number): number {
  const s = [...samples].sort((a, b) => a - b);
  let d = 0;
  s.forEach((v, i) => {
    const F = cdf(v);
    d = Math.max(d, Math.abs(F - i / s.length), Math.abs(F - (i + 1) / s.length));
  });
  return d;
}

/** Independent Gaussian expectation E g(sqrt(v) xi), xi ~ N(0,1): composite Simpson on [-14, 14], 4000 panels. */
function gaussExpect(g: (h: number) => number, v: number): number {
  const n = 4000, L = 14;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const x = -L + (2 * L * i) / n;
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    s += w * g(Math.sqrt(v) * x) * Math.exp(-x * x / 2);
  }
  return (s * (2 * L / n) / 3) / Math.sqrt(2 * Math.PI);
}

/** Exact E[hardtanh(sqrt(v) xi)^2] = P(|xi| > b) + v (P(|xi| < b) - 2 b phi(b)), b = 1/sqrt(v). */
function hardtanhGaussMoment(v: number): number {
  const b = 1 / Math.sqrt(v);
  const pIn = erf(b / Math.SQRT2);
  return 1 - pIn + v * (pIn - (2 * b * Math.exp(-b * b / 2)) / Math.sqrt(2 * Math.PI));
}

describe('SaS density and CDF (5.3)-(5.5)', () => {
  it('numeric inversion matches the closed forms at alpha = 1 (Cauchy) and alpha = 2 (N(0, 2))', () => {
    for (const x of [0, 0.1, 0.7, 1, 3, 10, 100, 1e4, -2.5]) {
      // Quadrature step 1/64 resolves these to ~1e-15; 1e-12 leaves room for rounding.
      expect(Math.abs(stableDensityNumeric(1, x) - stableDensity(1, x))).toBeLessThan(1e-12);
      expect(Math.abs(stableDensityNumeric(2, x) - stableDensity(2, x))).toBeLessThan(1e-12);
      expect(Math.abs(stableCdfNumeric(1, x) - stableCdf(1, x))).toBeLessThan(1e-12);
      expect(Math.abs(stableCdfNumeric(2, x) - stableCdf(2, x))).toBeLessThan(1e-12);
    }
  });

  it('density and CDF match the mpmath real-axis Fourier inversion at alpha = 0.8, 1.2, 1.5, 1.8', () => {
    // test/fixtures/reference/stable.json: tanh-sinh quadrature on the real axis at 30 digits, a
    // different route from the rotated-ray exp-sinh rule of (5.3)-(5.4); absolute 1e-14.
    for (const c of referenceWhere('stable', { fn: 'density' })) expectReference(stableDensityNumeric(c.alpha as number, c.x as number), c, 'density');
    for (const c of referenceWhere('stable', { fn: 'cdf' })) expectReference(stableCdfNumeric(c.alpha as number, c.x as number), c, 'cdf');
  });

  it('f(0) = Gamma(1 + 1/alpha)/pi and F\' = f across alpha (property)', () => {
    fc.assert(
      // x >= 0.2: for small alpha the density has a sharp cusp at 0 where a finite difference is inaccurate.
      fc.property(fc.double({ min: 0.5, max: 1.95, noNaN: true }), fc.double({ min: 0.2, max: 20, noNaN: true }), (alpha, x) => {
        const at0 = Math.abs(stableDensity(alpha, 0) / stableDensityAtZero(alpha) - 1) < 1e-11;
        const h = 1e-4 * (1 + x);
        const fd = (stableCdf(alpha, x + h) - stableCdf(alpha, x - h)) / (2 * h);
        // Central difference error O(h^2 f''') ~ 1e-8 plus cancellation 1e-15/h ~ 1e-11.
        return at0 && Math.abs(fd - stableDensity(alpha, x)) < 1e-7;
      }),
      { numRuns: 25 },
    );
  });

  it('agrees with Chambers-Mallows-Stuck samples (Kolmogorov distance)', () => {
    for (const alpha of [0.7, 1.5]) {
      const rng = stream(5, 7, Math.round(alpha * 10));
      const xs = Array.from({ length: 20000 }, () => cmsSymmetricStable(alpha, rng)).sort((a, b) => a - b);
      // Kolmogorov distance evaluated at every 10th order statistic (a lower bound on the full
      // statistic, within 10/n = 5e-4 of it); 99.9% quantile 1.95/sqrt(n) = 0.0138 for n = 20000.
      let d = 0;
      for (let i = 0; i < xs.length; i += 10) {
        const F = stableCdf(alpha, xs[i]!);
        d = Math.max(d, Math.abs(F - i / xs.length), Math.abs(F - (i + 1) / xs.length));
      }
      expect(d).toBeLessThan(0.0138);
    }
  });
});

describe('stable scale recursion (5.2)', () => {
  const acts: ActivationName[] = ['sigmoid', 'tanh', 'erf', 'hardtanh'];

  it('reduces to the Gaussian length map at alpha = 2 (sum-stable convention, (5.2b))', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...acts), fc.double({ min: 0.3, max: 3, noNaN: true }), fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 0.02, max: 6, noNaN: true }),
        (act, sw, sb, q) => {
          const phi = getActivation(act).phi;
          // (5.2b): q_S = [ (sqrt2 sw)^2 E phi(sqrt(2 q_S) xi)^2 + (sqrt2 sb)^2 ] / 2.
          const v = 2 * q;
          const m2 = act === 'hardtanh' ? hardtanhGaussMoment(v) : gaussExpect((h) => phi(h) ** 2, v);
          const gauss = (2 * sw * sw * m2 + 2 * sb * sb) / 2;
          const stable = stableLengthMap(q, { alpha: 2, activation: act, sigmaW: sw, sigmaB: sb, convention: 'sum-stable' });
          // Both quadratures ~1e-10 (hardtanh: closed form on the Gaussian side).
          return Math.abs(stable - gauss) < 1e-8 * (1 + gauss);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('at alpha = 1 matches an independent Cauchy quadrature', () => {
    // E|tanh(g Z)| for Cauchy Z = tan(pi u / 2), u uniform on (-1, 1): Simpson in u (smooth integrand).
    for (const g of [0.3, 1, 4]) {
      const n = 20000;
      let s = 0;
      for (let i = 1; i < n; i++) {
        const u = -1 + (2 * i) / n;
        s += (i % 2 === 1 ? 4 : 2) * Math.abs(Math.tanh(g * Math.tan((Math.PI * u) / 2)));
      }
      // Endpoints contribute |tanh(+-inf)| = 1 each.
      const ref = ((s + 2) * (2 / n)) / 3 / 2;
      expect(Math.abs(stableActivationMoment(1, 'tanh', g) - ref)).toBeLessThan(1e-6);
    }
  });

  it('pre-activations of a wide layer have the predicted SaS scale (natural convention, SaS and Pareto weights)', () => {
    // h_i = sigma_w sum_j X_ij x_j / a_N with x_j = tanh(inputs): SaS with scale^alpha = kappa sigma_w^alpha mean|x_j|^alpha.
    const alpha = 1.5, N = 400, rows = 3000, sw = 0.8;
    const rng = stream(9, 7);
    const x = Array.from({ length: N }, () => Math.tanh(3 * (rng.uniform() - 0.5)));
    const meanPow = x.reduce((s, v) => s + Math.abs(v) ** alpha, 0) / N;
    for (const [label, convention, law] of [
      ['SaS, natural', 'natural', { name: 'stable' as const, alpha, scale: 1 }],
      ['Pareto, natural', 'natural', { name: 'pareto' as const, alpha, scale: 1 }],
    ] as const) {
      const aN = naturalConstant(law, N);
      const kappa = preactivationFactor(alpha, convention);
      const scale = Math.pow(kappa * sw ** alpha * meanPow, 1 / alpha);
      const w = new Float64Array(N);
      const hs: number[] = [];
      for (let i = 0; i < rows; i++) {
        sampleLaw(law, rng, w);
        let h = 0;
        for (let j = 0; j < N; j++) h += w[j]! * x[j]!;
        hs.push((sw * h) / aN / scale);
      }
      // SaS weights: exact law, Kolmogorov 99.9% bound 1.95/sqrt(3000) = 0.036. Pareto weights: the
      // generalised CLT at N = 400 adds a bias of order N^{1 - 2/alpha}-ish; bound 0.05.
      expect(ksDistance(hs, (v) => stableCdf(alpha, v)), label).toBeLessThan(label.startsWith('SaS') ? 0.036 : 0.05);
    }
  });

  it('has a certified attracting fixed point; D^2 law is a probability measure with the right mean', () => {
    for (const act of acts) {
      for (const alpha of [0.8, 1.5]) {
        const spec = { alpha, activation: act, sigmaW: 1.2, sigmaB: 0.5, convention: 'natural' as const };
        const fp = stableScaleFixedPoint(spec);
        expect(Math.abs(stableLengthMap(fp.value, spec) / fp.value - 1)).toBeLessThan(1e-10);
        expect(fp.diagnostics.slope).toBeLessThan(1);
        const law = stableD2Law(alpha, act, fp.value);
        // Tabulated rule mass: 1 up to the quadrature error (~1e-10).
        expect(Math.abs(law.rawMass - 1)).toBeLessThan(1e-8);
        const total = law.weights.reduce((s, v) => s + v, 0);
        expect(Math.abs(total - 1)).toBeLessThan(1e-12);
        const mean = law.points.reduce((s, p, k) => s + p * law.weights[k]!, 0);
        const gamma = Math.pow(fp.value, 1 / alpha);
        if (act === 'hardtanh') {
          // P(|h| < 1) = 2 F(1/gamma) - 1 (5.8).
          expect(Math.abs(mean - (2 * stableCdf(alpha, 1 / gamma) - 1))).toBeLessThan(1e-12);
        } else {
          const d = getActivation(act).dphi;
          expect(Math.abs(mean - stableExpectation(alpha, (h) => d(h) ** 2, gamma).value)).toBeLessThan(1e-9);
        }
      }
    }
    expect(() => stableLengthMap(1, { alpha: 1.5, activation: 'relu', sigmaW: 1, sigmaB: 0, convention: 'natural' })).toThrow(InvalidSpecError);
    expect(() => stableLengthMap(1, { alpha: 2, activation: 'tanh', sigmaW: 1, sigmaB: 0, convention: 'natural' })).toThrow(InvalidSpecError);
  });

  it('hardtanh D^2 atom is exact at alpha = 1: P(|Z| < b) = (2/pi) atan(b)', () => {
    const q = 2.3;
    const law = stableD2Law(1, 'hardtanh', q);
    expect(law.weights[1]).toBeCloseTo((2 / Math.PI) * Math.atan(1 / q), 14);
  });
});
