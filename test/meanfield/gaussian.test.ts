import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidSpecError, NonConvergenceError } from '../../src/errors.ts';
import {
  criticalParameters, derivativeSquaredLaw, derivativeSquaredMoment, lengthFixedPoint, lengthMap, lengthMapSlope,
  lengthTrajectory, meanFieldActivation, secondMoment, susceptibility,
} from '../../src/meanfield/gaussian.ts';
import { gaussHermite, gaussLegendre, gaussianExpectation } from '../../src/numerics/quadrature.ts';
import { stream } from '../../src/random/rng.ts';

describe('quadrature', () => {
  it('Gauss-Hermite integrates E[z^(2k)] = (2k-1)!! exactly up to degree 2n-1', () => {
    for (const n of [4, 16, 64]) {
      const { nodes, weights } = gaussHermite(n);
      let dfact = 1;
      for (let k = 0; 2 * k <= 2 * n - 1; k++) {
        if (k > 0) dfact *= 2 * k - 1;
        let s = 0;
        for (let i = 0; i < n; i++) s += weights[i]! * nodes[i]! ** (2 * k);
        expect(Math.abs(s - dfact) / dfact).toBeLessThan(1e-11); // rounding grows with the moment size
      }
    }
  });
  it('Gauss-Legendre integrates polynomials of degree 2n-1', () => {
    const { nodes, weights } = gaussLegendre(8);
    let s = 0;
    for (let i = 0; i < 8; i++) s += weights[i]! * nodes[i]! ** 14;
    expect(s).toBeCloseTo(2 / 15, 14);
  });
});

describe('erf network at criticality with q* = 0.2 (references from the issue)', () => {
  const { sigmaW, sigmaB } = criticalParameters('erf', 0.2);
  it('sigma_w^2 = sqrt(1 + 0.2 pi) = 1.2760558, q* = 0.2, chi = 1', () => {
    // Closed form: phi'(h) = exp(-pi h^2 / 4), so E phi'(sqrt(q) z)^2 = (1 + pi q)^{-1/2} and chi = 1
    // gives sigma_w^2 = sqrt(1 + pi q*). Was checked against the 8-digit value 1.2760558 to 5e-8.
    expect(Math.abs(sigmaW * sigmaW - Math.sqrt(1 + 0.2 * Math.PI))).toBeLessThan(1e-12);
    const q = lengthFixedPoint('erf', sigmaW, sigmaB);
    expect(q.diagnostics.converged).toBe(true);
    expect(q.value).toBeCloseTo(0.2, 12);
    expect(susceptibility('erf', sigmaW, 0.2)).toBeCloseTo(1, 12);
  });
  it('mu1 = (1 + 0.2 pi)^{-1/2} = 0.783665, mu2 = (1 + 0.4 pi)^{-1/2} = 0.665686 (closed form and Gauss-Hermite law of D^2 agree)', () => {
    // mu_k = E exp(-k pi q z^2 / 2) = (1 + k pi q)^{-1/2}; was checked against 6-digit values to 5e-7.
    expect(Math.abs(derivativeSquaredMoment('erf', 0.2, 1) - 1 / Math.sqrt(1 + 0.2 * Math.PI))).toBeLessThan(1e-13);
    expect(Math.abs(derivativeSquaredMoment('erf', 0.2, 2) - 1 / Math.sqrt(1 + 0.4 * Math.PI))).toBeLessThan(1e-13);
    const law = derivativeSquaredLaw('erf', 0.2);
    if (law.kind !== 'discrete') throw new Error('expected a discrete law');
    let m1 = 0, m2 = 0;
    for (let i = 0; i < law.points.length; i++) { m1 += law.weights[i]! * law.points[i]!; m2 += law.weights[i]! * law.points[i]! ** 2; }
    // Gauss-Hermite with 64 points on an entire integrand: agreement to rounding (1e-13).
    expect(Math.abs(m1 - 1 / Math.sqrt(1 + 0.2 * Math.PI))).toBeLessThan(1e-13);
    expect(Math.abs(m2 - 1 / Math.sqrt(1 + 0.4 * Math.PI))).toBeLessThan(1e-13);
  });
});

describe('length map', () => {
  it('closed forms (relu, erf, hardtanh) agree with direct quadrature', () => {
    for (const q of [0.05, 0.7, 3]) {
      expect(secondMoment('relu', q)).toBeCloseTo(gaussianExpectation((z) => Math.max(0, Math.sqrt(q) * z) ** 2, 150), 10);
      const erfAct = meanFieldActivation('erf');
      expect(secondMoment('erf', q)).toBeCloseTo(gaussianExpectation((z) => erfAct.phi(Math.sqrt(q) * z) ** 2, 150), 10);
      // hardtanh has kinks: compare with a fine Monte Carlo-free Riemann sum instead of Gauss-Hermite.
      let s = 0;
      const h = 1e-4;
      for (let z = -10; z < 10; z += h) s += Math.min(1, q * z * z) * Math.exp(-z * z / 2) * h;
      expect(secondMoment('hardtanh', q)).toBeCloseTo(s / Math.sqrt(2 * Math.PI), 6);
    }
  });
  it('sigmoid is not centred: q -> sigma_w^2 / 4 + sigma_b^2 at q = 0', () => {
    expect(lengthMap('sigmoid', 2, 0.3, 0)).toBeCloseTo(4 * 0.25 + 0.09, 14);
    // A Monte Carlo check of E[sigmoid(sqrt(q) z)^2] at q = 2 (200k draws, 4 sigma ~ 3e-3).
    const rng = stream(11);
    let s = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) { const v = 1 / (1 + Math.exp(-Math.SQRT2 * rng.normal())); s += v * v; }
    expect(Math.abs(secondMoment('sigmoid', 2) - s / n)).toBeLessThan(3e-3);
  });
  it('slope of the length map equals its finite-difference derivative (property)', () => {
    fc.assert(fc.property(
      fc.constantFrom('tanh' as const, 'sigmoid' as const, 'erf' as const, 'hardtanh' as const),
      fc.double({ min: 0.3, max: 3, noNaN: true }), fc.double({ min: 0.05, max: 4, noNaN: true }),
      (act, sw, q) => {
        const h = 1e-5 * q;
        const fd = (lengthMap(act, sw, 0, q + h) - lengthMap(act, sw, 0, q - h)) / (2 * h);
        expect(Math.abs(lengthMapSlope(act, sw, q) - fd)).toBeLessThan(1e-6 * Math.max(1, sw * sw));
      }), { numRuns: 20 });
  });
  it('fixed point is a fixed point; the trajectory converges to it', () => {
    for (const act of ['tanh', 'sigmoid', 'erf', 'hardtanh'] as const) {
      const q = lengthFixedPoint(act, 1.5, 0.2);
      expect(Math.abs(lengthMap(act, 1.5, 0.2, q.value) - q.value)).toBeLessThan(1e-12);
      const traj = lengthTrajectory(act, 1.5, 0.2, 5, 60);
      expect(traj[59]!).toBeCloseTo(q.value, 6);
    }
    expect(lengthFixedPoint('relu', 1, 0.5).value).toBeCloseTo(0.25 / 0.5, 14);
    expect(() => lengthFixedPoint('relu', 2, 0.5)).toThrow(NonConvergenceError);
  });
  it('bad input raises InvalidSpecError naming the field', () => {
    const field = (f: () => unknown) => { try { f(); } catch (e) { expect(e).toBeInstanceOf(InvalidSpecError); return (e as InvalidSpecError).field; } return null; };
    expect(field(() => lengthMap('tanh', 0, 0, 1))).toBe('sigmaW');
    expect(field(() => lengthMap('tanh', -1, 0, 1))).toBe('sigmaW');
    expect(field(() => lengthMap('tanh', 1, -0.1, 1))).toBe('sigmaB');
    expect(field(() => lengthMap('tanh', 1, 0, -1))).toBe('q');
    expect(field(() => lengthTrajectory('tanh', 1, 0, 1, 0))).toBe('depth');
    expect(field(() => meanFieldActivation('swish' as never))).toBe('activation');
  });
});
