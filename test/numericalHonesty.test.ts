/**
 * Numerical honesty, fast tier: the light-tailed solve keeps the exact first moment of J J^T
 * (theory/04-light-tailed.md (4.23)-(4.26)) where pre-activations saturate, refuses (exit 3) a result
 * whose moment disagrees, and derived/overflowing fields are null with a reason, never NaN/Infinity.
 * The Monte Carlo property and the CLI reproductions are in numericalHonesty.slow.test.ts.
 *
 * References: closed forms (erf: mu_k = (1 + pi k q)^{-1/2} (4.11); E ln of MP(1,1) = -1), and
 * test/fixtures/numerical-honesty.json, written by scripts/fixtures/numerical_honesty.py (mpmath,
 * 40 digits, independent of this code).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NonConvergenceError } from '../src/errors.ts';
import { firstMomentCheck, solveLightJacobian } from '../src/jacobian/light.ts';
import { derivativeSquaredLaw, derivativeSquaredMeanByQuadrature, lengthFixedPoint } from '../src/meanfield/gaussian.ts';
import { adaptiveIntegral } from '../src/numerics/quadrature.ts';
import { jsonReplacer } from '../src/cli/io.ts';
import { logSpectrumSummary } from '../src/spectra/empirical.ts';
import type { ActivationName } from '../src/spec/networkSpec.ts';

const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'numerical-honesty.json'), 'utf8')) as {
  mu1: { activation: ActivationName; q: number; mu1: number }[];
  solve: { activation: ActivationName; sigmaW: number; sigmaB: number; depth: number; qStar: number; m1: number }[];
};

function lawMoment(activation: ActivationName, q: number, k: number, points = 64): { mass: number; moment: number } {
  const law = derivativeSquaredLaw(activation, q, points);
  if (law.kind !== 'discrete') throw new Error('expected a discrete law');
  let mass = 0, moment = 0;
  for (let i = 0; i < law.points.length; i++) { mass += law.weights[i]!; moment += law.weights[i]! * law.points[i]! ** k; }
  return { mass, moment };
}

describe('D^2 law where pre-activations saturate (4.23)-(4.25)', () => {
  it('keeps mass 1 and mu_1 of erf at any q (closed form (4.11)); Gauss-Hermite lost it at q >> 1', () => {
    fc.assert(fc.property(fc.double({ min: -1, max: 7, noNaN: true }), fc.integer({ min: 8, max: 200 }), (lq, points) => {
      const q = 10 ** lq;
      const { mass, moment } = lawMoment('erf', q, 1, points);
      expect(Math.abs(mass - 1)).toBeLessThan(1e-12);
      const exact = 1 / Math.sqrt(1 + Math.PI * q);
      expect(Math.abs(moment - exact) / exact).toBeLessThan(1e-10);
    }), { numRuns: 25, seed: 12 });
  });

  it('keeps mu_1 of sigmoid and tanh (mpmath fixture, 40 digits)', () => {
    for (const r of fixture.mu1) {
      const { mass, moment } = lawMoment(r.activation, r.q, 1);
      expect(Math.abs(mass - 1)).toBeLessThan(1e-12);
      expect(Math.abs(moment - r.mu1) / r.mu1).toBeLessThan(1e-10);
      // The self-check's independent reference agrees with the fixture too.
      expect(Math.abs(derivativeSquaredMeanByQuadrature(r.activation, r.q).value - r.mu1) / r.mu1).toBeLessThan(1e-10);
    }
  });

  it('more atoms never lose the first moment (the old law got worse with more points)', () => {
    const q = fixture.solve[1]!.qStar;
    const m = [16, 64, 256, 400].map((n) => lawMoment('sigmoid', q, 1, n).moment);
    for (const v of m) expect(Math.abs(v - m[0]!) / m[0]!).toBeLessThan(1e-12);
  });
});

describe('light-tailed solve: first moment of J J^T (4.26)', () => {
  it('the reproduction (sigmoid, sigma_w = 100, depth 3) gives m_1 = prod sigma_w^2 mu_1(q*) (fixture; the other rows in the slow tier)', () => {
    for (const r of fixture.solve.filter((x) => x.activation === 'sigmoid' && x.sigmaW === 100)) {
      expect(Math.abs(lengthFixedPoint(r.activation, r.sigmaW, r.sigmaB).value - r.qStar) / r.qStar).toBeLessThan(1e-10);
      const rep = solveLightJacobian({ activation: r.activation, sigmaW: r.sigmaW, sigmaB: r.sigmaB, L: r.depth }, [0.5]);
      expect(Math.abs(rep.moments[0]! - r.m1) / r.m1).toBeLessThan(1e-9);
      const check = rep.diagnostics.momentCheck as { expected: number; got: number; tolerance: number; passed: boolean };
      expect(check.passed).toBe(true);
      expect(Math.abs(check.expected - r.m1) / r.m1).toBeLessThan(1e-9);
      expect(check.tolerance).toBeGreaterThan(0);
    }
  });

  it('erf at sigma_w = 100: m_1 = (sigma_w^2 / sqrt(1 + pi q*))^L with q* solving the closed-form length map (4.7)', () => {
    const sw = 100, sb = 1, L = 3;
    const rep = solveLightJacobian({ activation: 'erf', sigmaW: sw, sigmaB: sb, L }, [1]);
    const q = rep.qStar!;
    const t = (Math.PI * q) / 2;
    expect(Math.abs(sw * sw * (2 / Math.PI) * Math.asin(t / (1 + t)) + sb * sb - q) / q).toBeLessThan(1e-12);
    const exact = (sw * sw / Math.sqrt(1 + Math.PI * q)) ** L;
    expect(Math.abs(rep.moments[0]! - exact) / exact).toBeLessThan(1e-9);
  });

  it('a moment that disagrees beyond its tolerance is a NonConvergenceError (exit 3), naming both numbers', () => {
    const s = { activation: 'erf' as const, sigmaW: 2, L: 2 };
    const q = new Float64Array([0.3, 0.4]);
    const exact = (4 / Math.sqrt(1 + Math.PI * 0.3)) * (4 / Math.sqrt(1 + Math.PI * 0.4));
    const ok = firstMomentCheck(s, q, exact, { firstMoment: exact, totalMass: 1 });
    expect(ok.passed).toBe(true);
    expect(Math.abs(ok.expected - exact) / exact).toBeLessThan(1e-12);
    expect(() => firstMomentCheck(s, q, exact * (1 + 1e-6), { firstMoment: exact, totalMass: 1 })).toThrow(NonConvergenceError);
    expect(() => firstMomentCheck(s, q, exact, { firstMoment: exact * 1.01, totalMass: 1 })).toThrow(NonConvergenceError);
    expect(() => firstMomentCheck(s, q, exact, { firstMoment: exact, totalMass: 0.9 })).toThrow(/mass/);
    expect(() => firstMomentCheck({ ...s, sigmaW: 1e200, L: 5 }, q, Infinity, {})).toThrow(/double precision/);
  });

  it('linear, depth 50: derived fields are finite or null with a reason; E ln lambda = -L (MP(1,1) has E ln = -1)', () => {
    const rep = solveLightJacobian({ activation: 'linear', sigmaW: 1, sigmaB: 0, L: 50 }, [0.5, 1, 2]);
    expect(() => JSON.stringify(rep, jsonReplacer)).not.toThrow();
    for (const [field, v] of [['fractionAboveOne', rep.fractionAboveOne], ['expectedLog', rep.expectedLog], ...Object.entries(rep.quantiles).map(([p, v]) => [`quantiles.${p}`, v])] as [string, number | null][]) {
      if (v === null) expect(rep.unavailable[field]).toMatch(/\w/);
      else expect(Number.isFinite(v)).toBe(true);
    }
    expect(rep.expectedLog).not.toBeNull();
    expect(Math.abs(rep.expectedLog! + 50)).toBeLessThan(1e-3);
    expect(rep.fractionAboveOne).not.toBeNull();
    expect(rep.fractionAboveOne!).toBeGreaterThan(0);
    expect(rep.fractionAboveOne!).toBeLessThan(0.5);
  });
});

describe('overflowing moments of a solve are null with a reason, not Infinity', () => {
  it('linear, sigma_w = 10, depth 60: m_1 = sigma_w^(2L), m_2 = (L + 1) sigma_w^(4L) (Fuss-Catalan), m_3, m_4 null', () => {
    const rep = solveLightJacobian({ activation: 'linear', sigmaW: 10, sigmaB: 0, L: 60 }, [1]);
    expect(Math.abs(rep.moments[0]! / 1e120 - 1)).toBeLessThan(1e-12);
    expect(Math.abs(rep.moments[1]! / 61e240 - 1)).toBeLessThan(1e-12);
    expect(rep.moments[2]).toBeNull();
    expect(rep.unavailable['moments.3']).toMatch(/double precision/);
    expect(() => JSON.stringify(rep, jsonReplacer)).not.toThrow();
  });
});

describe('log-domain empirical spectrum (2.21)', () => {
  it('ln m_k and ln quantiles stay finite where lambda overflows: diag(1e180, 1e170)', () => {
    const J = { rows: 2, cols: 2, data: Float64Array.from([1e180, 0, 0, 1e170]) };
    const s = logSpectrumSummary(J);
    // lambda = 1e360, 1e340: m_k = (1e360k + 1e340k)/2, ln m_k = 360 k ln 10 - ln 2 (+ 1e-20k, below rounding).
    for (const k of [1, 2, 3, 4]) expect(Math.abs(s.logMoments[k - 1]! - (360 * k * Math.LN10 - Math.LN2)) / (360 * k)).toBeLessThan(1e-13);
    expect(Math.abs(s.meanLog - 350 * Math.LN10)).toBeLessThan(1e-9);
    expect(s.fractionAboveOne).toBe(1);
    expect(Math.abs(s.logQuantiles['0.5']! - 350 * Math.LN10)).toBeLessThan(1e-9); // type 7: midpoint of the two logs
  });

  it('a Jacobian with an overflowed entry is a numerical failure with a sentence, not bad input', () => {
    const J = { rows: 2, cols: 2, data: Float64Array.from([Infinity, 0, 0, 1]) };
    expect(() => logSpectrumSummary(J)).toThrow(NonConvergenceError);
    expect(() => logSpectrumSummary(J)).toThrow(/overflow double precision/);
  });
});

describe('adaptive Gauss-Kronrod (4.22)', () => {
  it('integrates a spike of width s when breakpoints mark its scales (c +- s 2^k, as gaussianImageExpectation does): int exp(-(x-c)^2/(2 s^2)) = s sqrt(2 pi)', () => {
    fc.assert(fc.property(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -6, max: -1, noNaN: true }), (c, ls) => {
      const s = 10 ** ls;
      const r = adaptiveIntegral((x) => Math.exp(-0.5 * ((x - c) / s) ** 2), -10, 10, { breakpoints: [-6, -4, -2, 0, 2, 4, 6].map((k) => c + Math.sign(k) * s * 2 ** Math.abs(k)).concat([c]), relTol: 1e-12 });
      expect(Math.abs(r.value - s * Math.sqrt(2 * Math.PI)) / (s * Math.sqrt(2 * Math.PI))).toBeLessThan(1e-10);
    }), { numRuns: 30, seed: 7 });
  });
});
