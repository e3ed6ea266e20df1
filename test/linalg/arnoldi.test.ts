import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError, NonConvergenceError } from '../../src/errors.ts';
import { spectralRadius } from '../../src/linalg/arnoldi.ts';
import { linalg } from '../../src/linalg/index.ts';
import { stream } from '../../src/random/rng.ts';
import type { Matrix } from '../../src/types.ts';

function gaussian(n: number, seed: number, scale = 1 / Math.sqrt(n)): Matrix {
  const r = stream(seed, 4242);
  return { rows: n, cols: n, data: new Float64Array(n * n).map(() => r.normal() * scale) };
}

const applyOf = (a: Matrix) => (v: Float64Array, out: Float64Array) => {
  linalg().matvec(a, v, out);
};

function maxModulus(a: Matrix): number {
  const ev = linalg().eigenvalues(a);
  let m = 0;
  for (let i = 0; i < ev.re.length; i++) m = Math.max(m, Math.hypot(ev.re[i]!, ev.im[i]!));
  return m;
}

/**
 * Non-normal matrix with eigenvalues known in closed form: an upper quasi-triangular T (a planted
 * 2x2 rotation-scaling block rho [[c, -s], [s, c]] with eigenvalues rho e^{+-i theta}, then real
 * diagonal entries in (-0.8 rho, 0.8 rho), dense strictly-upper part of size `upper`), conjugated
 * by a Householder reflector Q = I - 2 u u^T so that no structure is visible to the solver.
 */
function planted(n: number, rho: number, theta: number, upper: number, seed: number): Matrix {
  const r = stream(seed, 777);
  const t = new Float64Array(n * n);
  const c = rho * Math.cos(theta);
  const s = rho * Math.sin(theta);
  t[0] = c;
  t[1] = -s;
  t[n] = s;
  t[n + 1] = c;
  for (let i = 2; i < n; i++) t[i * n + i] = (2 * r.uniform() - 1) * 0.8 * rho;
  for (let i = 0; i < n; i++) for (let j = Math.max(i + 1, i < 2 ? 2 : 0); j < n; j++) t[i * n + j] = upper * r.normal() / Math.sqrt(n);
  const u = new Float64Array(n).map(() => r.normal());
  const un = Math.hypot(...u);
  for (let i = 0; i < n; i++) u[i] /= un;
  // A = Q T Q with Q = I - 2 u u^T (Q^{-1} = Q).
  const qt = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = 0;
    for (let i = 0; i < n; i++) d += u[i]! * t[i * n + j]!;
    for (let i = 0; i < n; i++) qt[i * n + j] = t[i * n + j]! - 2 * u[i]! * d;
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let j = 0; j < n; j++) d += qt[i * n + j]! * u[j]!;
    for (let j = 0; j < n; j++) a[i * n + j] = qt[i * n + j]! - 2 * d * u[j]!;
  }
  return { rows: n, cols: n, data: a };
}

describe('spectralRadius (matrix-free Arnoldi)', () => {
  it('equals max |eig| from the dense eigen solver on random non-symmetric matrices (small n, no restart)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 1_000_000 }), fc.double({ min: -2, max: 2, noNaN: true }), (n, seed, shift) => {
        const a = gaussian(n, seed);
        for (let i = 0; i < n; i++) a.data[i * n + i] += shift;
        const res = spectralRadius(applyOf(a), n, { seed });
        const ref = maxModulus(a);
        // Krylov space reaches dimension n, so Ritz values are exact eigenvalues up to rounding:
        // 1e-9 relative covers the conditioning of generic Gaussian eigenvalues at n <= 12.
        expect(res.diagnostics.converged).toBe(true);
        expect(Math.abs(res.value - ref)).toBeLessThanOrEqual(1e-9 * Math.max(1, ref));
      }),
    );
  });

  it('with restarts (n = 150, m = 20) matches the dense solver on Gaussian matrices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
        const n = 150;
        const a = gaussian(n, seed);
        const res = spectralRadius(applyOf(a), n, { seed, subspaceDimension: 20, tol: 1e-10 });
        const ref = maxModulus(a);
        expect(res.diagnostics.restarts).toBeGreaterThan(0);
        // Relative residual 1e-10 bounds the eigenvalue error by cond(lambda) * 1e-10 * rho;
        // Gaussian matrices at n = 150 have edge-eigenvalue condition numbers << 1e3.
        expect(Math.abs(res.value - ref)).toBeLessThanOrEqual(1e-7 * ref);
      }),
      { numRuns: 5 },
    );
  });

  it('finds a planted dominant complex pair of a strongly non-normal matrix (closed-form reference)', () => {
    for (const [theta, upper, seed] of [
      [0.7, 3, 1],
      [2.5, 2, 2],
      [Math.PI / 2, 1, 3],
    ] as const) {
      const n = 120;
      const rho = 0.95;
      const a = planted(n, rho, theta, upper, seed);
      const res = spectralRadius(applyOf(a), n, { seed, subspaceDimension: 30 });
      // The planted pair is separated from the rest (|lambda| <= 0.8 rho) so it is well isolated,
      // but the non-normal upper part inflates its condition number: 1e-6 relative.
      expect(Math.abs(res.value - rho)).toBeLessThanOrEqual(1e-6 * rho);
      expect(Math.abs(res.diagnostics.eigenvalueRe - rho * Math.cos(theta))).toBeLessThanOrEqual(1e-5);
      expect(Math.abs(res.diagnostics.eigenvalueIm - rho * Math.sin(theta))).toBeLessThanOrEqual(1e-5);
    }
  });

  it('handles the cyclic shift (all n eigenvalues on the unit circle; power iteration cycles)', () => {
    // No restart (default m = min(n, 40) = n): with every eigenvalue of equal modulus no Ritz value
    // can converge before the Krylov space is complete, for any Krylov method.
    const n = 30;
    const apply = (v: Float64Array, out: Float64Array) => {
      for (let i = 0; i < n; i++) out[(i + 1) % n] = v[i]!;
    };
    const res = spectralRadius(apply, n);
    // Eigenvalues are the n-th roots of unity, so rho = 1 exactly; any converged Ritz value has
    // modulus 1 up to the residual tolerance.
    expect(Math.abs(res.value - 1)).toBeLessThanOrEqual(1e-8);
  });

  it('returns 0 for the zero operator and the exact value for a diagonal one', () => {
    expect(spectralRadius((_v, out) => out.fill(0), 7).value).toBe(0);
    const d = [0.1, -3, 2.5, 0.7];
    const r = spectralRadius((v, out) => d.forEach((x, i) => (out[i] = x * v[i]!)), 4);
    expect(Math.abs(r.value - 3)).toBeLessThanOrEqual(1e-12);
  });

  it('throws NonConvergenceError when the matvec budget runs out or apply returns NaN', () => {
    const a = gaussian(200, 5);
    expect(() => spectralRadius(applyOf(a), 200, { maxIterations: 10, subspaceDimension: 10 })).toThrow(NonConvergenceError);
    expect(() => spectralRadius((_v, out) => out.fill(NaN), 5)).toThrow(NonConvergenceError);
  });

  it('rejects invalid input with InvalidSpecError', () => {
    const id = (v: Float64Array, out: Float64Array) => out.set(v);
    expect(() => spectralRadius(id, 0)).toThrow(InvalidSpecError);
    expect(() => spectralRadius(id, 5, { tol: -1 })).toThrow(InvalidSpecError);
    expect(() => spectralRadius(id, 5, { subspaceDimension: 9 })).toThrow(InvalidSpecError);
    expect(() => spectralRadius(id, 5, { seed: -1 })).toThrow(InvalidSpecError);
  });
});
