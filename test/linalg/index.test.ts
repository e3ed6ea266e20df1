/**
 * Regression tests for the native / ts decompositions on the matrices that broke them, and for the
 * retry-with-reference safety net of the backend selection layer (src/linalg/index.ts).
 * - singularValues: Jacobians of deep tanh networks (L = 50, N = 60) and of a depth-5 sigmoid
 *   network with Cauchy weights (N = 400). Their singular values span 1 .. 1e-30 relative, and the
 *   QL iteration on the Golub-Kahan tridiagonal hit its 60-sweep cap (all 6 seeds tried at N = 60).
 * - eigenvalues: products D W of raw Cauchy matrices W and sigmoid'(1000 * Cauchy) diagonals D (the
 *   structure of a raw-Cauchy sigmoid Jacobian at a saturated point): entries from 1 down to
 *   1e-256, rows of zeros; the Francis QR stalled (shift products underflowed) on these indices.
 */
import { describe, expect, it } from 'vitest';
import { InvalidSpecError, NonConvergenceError } from '../../src/errors.ts';
import type { LinalgBackend } from '../../src/linalg/backend.ts';
import { availableBackends, linalg, withReferenceRetry } from '../../src/linalg/index.ts';
import { mlMatrixBackend } from '../../src/linalg/mlmatrix.ts';
import { jacobian, sampleNetwork } from '../../src/network/network.ts';
import type { NetworkSpec } from '../../src/spec/networkSpec.ts';
import { stream } from '../../src/random/rng.ts';
import type { Matrix } from '../../src/types.ts';

const EPS = Number.EPSILON;
// The subjects: every loaded backend except the ml-matrix reference itself (which has no iteration
// cap and loops forever on the unscaled saturated matrices below; see withReferenceRetry).
const backends = availableBackends().filter((b) => b !== mlMatrixBackend);

function frob(a: Matrix): number {
  let s = 0;
  for (const x of a.data) s += x * x;
  return Math.sqrt(s);
}

function jacobianAtGaussianInput(spec: NetworkSpec): Matrix {
  const net = sampleNetwork(spec, 0);
  const r = stream(spec.seed, 99);
  const x = new Float64Array(spec.N).map(() => r.normal());
  return jacobian(net, x);
}

/** Seeded D_L W_L ... D_1 W_1 with raw Cauchy W and D = sigmoid'(1000 * Cauchy), n = 10. */
function saturatedCauchyProduct(t: number): Matrix {
  const n = 10;
  const r = stream(777, t);
  const cauchy = () => Math.tan(Math.PI * (r.uniformOpen() - 0.5));
  const L = 1 + (t % 4);
  const zs = [1, 10, 100, 1000][(t >> 2) % 4]!;
  let J = new Float64Array(n * n);
  for (let i = 0; i < n; i++) J[i * n + i] = 1;
  for (let l = 0; l < L; l++) {
    const W = new Float64Array(n * n).map(() => cauchy());
    const D = new Float64Array(n).map(() => {
      const s = 1 / (1 + Math.exp(-zs * cauchy()));
      return s * (1 - s);
    });
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += W[i * n + k]! * J[k * n + j]!;
        out[i * n + j] = D[i]! * s;
      }
    J = out;
  }
  return { rows: n, cols: n, data: J };
}
// Indices whose matrices made the old native and/or ts eigenvalues fail (found by scanning t < 20000).
const BAD_EIG = [172, 332, 333, 623, 653, 1853, 2207, 2525, 3199, 3871, 4350, 4795];

function hausdorff(a: { re: Float64Array; im: Float64Array }, b: { re: Float64Array; im: Float64Array }): number {
  const one = (x: typeof a, y: typeof a) => {
    let worst = 0;
    for (let i = 0; i < x.re.length; i++) {
      let best = Infinity;
      for (let j = 0; j < y.re.length; j++) best = Math.min(best, Math.hypot(x.re[i]! - y.re[j]!, x.im[i]! - y.im[j]!));
      worst = Math.max(worst, best);
    }
    return worst;
  };
  return Math.max(one(a, b), one(b, a));
}

describe.each(backends.map((b) => [b.name, b] as const))('robust decompositions on %s', (_name, be) => {
  it('singularValues of deep tanh (L = 50, N = 60) and Cauchy sigmoid (L = 5, N = 400) Jacobians match ml-matrix', () => {
    const cases: NetworkSpec[] = [1, 2, 3].map((seed) => ({ N: 60, L: 50, activation: 'tanh', weights: { name: 'gaussian', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'natural', seed }) as NetworkSpec);
    cases.push({ N: 400, L: 5, activation: 'sigmoid', weights: { name: 'cauchy', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'natural', seed: 4 } as NetworkSpec);
    for (const spec of cases) {
      const J = jacobianAtGaussianInput(spec);
      const ref = mlMatrixBackend.singularValues(J);
      const s = be.singularValues(J);
      expect(s.length).toBe(spec.N);
      // Both algorithms are normwise backward stable: |s_i - s_ref_i| <= c n eps ||J||_F (Weyl);
      // c = 10 as in linalg.backends.test.ts.
      const tol = 10 * spec.N * EPS * frob(J);
      for (let i = 0; i < spec.N; i++) {
        expect(s[i]!).toBeGreaterThanOrEqual(0);
        if (i > 0) expect(s[i]!).toBeLessThanOrEqual(s[i - 1]!);
        expect(Math.abs(s[i]! - ref[i]!)).toBeLessThanOrEqual(tol);
      }
      // The spread that made the old iteration stall is really there (smallest / largest < 1e-12).
      expect(ref[spec.N - 1]! / ref[0]!).toBeLessThan(1e-12);
    }
  }, 15_000);

  it('eigenvalues of saturated raw-Cauchy products match ml-matrix and the trace', () => {
    for (const t of BAD_EIG) {
      // Scaled exactly (power of two) to max |a_ij| in [0.5, 1): ml-matrix loops forever (no
      // iteration cap) on the unscaled matrices, entries ~1e-180; eigenvalues scale exactly.
      const A0 = saturatedCauchyProduct(t);
      let amax = 0;
      for (const v of A0.data) amax = Math.max(amax, Math.abs(v));
      const f = 2 ** -(Math.floor(Math.log2(amax)) + 1);
      const A: Matrix = { rows: A0.rows, cols: A0.cols, data: A0.data.map((v) => v * f) };
      const ev0 = be.eigenvalues(A0);
      const ev1 = be.eigenvalues(A);
      // The backend's own result is scale-invariant up to rounding (it scales internally; ml-matrix
      // is only run on the scaled copy). 1e-12 relative to ||A||_F.
      expect(hausdorff({ re: ev0.re.map((v) => v * f), im: ev0.im.map((v) => v * f) }, ev1)).toBeLessThanOrEqual(1e-12 * frob(A));
      const nf = frob(A);
      const ev = ev1;
      const ref = mlMatrixBackend.eigenvalues(A);
      // Backward-stable QR: eigenvalues of these (nearly rank-deficient, far from defective) matrices
      // agree to a small multiple of eps ||A||_F; 1e-9 ||A||_F as in linalg.backends.test.ts.
      expect(hausdorff(ev, ref)).toBeLessThanOrEqual(1e-9 * nf);
      let tr = 0;
      let sum = 0;
      let sumIm = 0;
      for (let i = 0; i < A.rows; i++) {
        tr += A.data[i * A.cols + i]!;
        sum += ev.re[i]!;
        sumIm += ev.im[i]!;
      }
      // Sum of eigenvalues = trace, up to the backward error 100 n eps ||A||_F.
      expect(Math.abs(sum - tr)).toBeLessThanOrEqual(100 * A.rows * EPS * nf);
      expect(Math.abs(sumIm)).toBeLessThanOrEqual(100 * A.rows * EPS * nf);
    }
  });

  it('eigenvalues at the extremes of the double range: scaling is exact', () => {
    // diag(3, -2, 1) scaled by 2^k: eigenvalues are exactly 2^k (3, -2, 1) (power-of-two scaling).
    for (const k of [-1040, -600, 0, 600, 1020]) {
      const f = 2 ** k;
      const A: Matrix = { rows: 3, cols: 3, data: Float64Array.from([3 * f, f, 0, 0, -2 * f, f, 0, 0, f]) };
      const ev = be.eigenvalues(A);
      const got = Array.from(ev.re).sort((x, y) => x - y);
      // Triangular matrix: exact eigenvalues are the diagonal, relative error a few eps.
      expect(got.map((v) => v / f)).toEqual([expect.closeTo(-2, 12), expect.closeTo(1, 12), expect.closeTo(3, 12)]);
      expect(Array.from(ev.im).every((v) => v === 0)).toBe(true);
    }
  });
});

describe('withReferenceRetry (backend selection safety net)', () => {
  const A: Matrix = { rows: 3, cols: 3, data: Float64Array.from([2, 1, 0, 1, 3, 1, 0, 1, 4]) };
  function failing(): LinalgBackend & { calls: number } {
    const fail = (): never => {
      throw new NonConvergenceError('injected failure', { iterations: 60, residual: Infinity, converged: false });
    };
    return {
      ...mlMatrixBackend,
      name: 'broken',
      calls: 0,
      symmetricEigenvalues: fail,
      singularValues: fail,
      eigenvalues: fail,
      luSolve: fail,
    } as LinalgBackend & { calls: number };
  }

  it('retries each iterative kernel once on the reference with one warning line naming it', () => {
    const lines: string[] = [];
    const b = withReferenceRetry(failing(), mlMatrixBackend, (l) => lines.push(l));
    expect(Array.from(b.singularValues(A))).toEqual(Array.from(mlMatrixBackend.singularValues(A)));
    expect(Array.from(b.symmetricEigenvalues(A))).toEqual(Array.from(mlMatrixBackend.symmetricEigenvalues(A)));
    const ev = b.eigenvalues(A);
    const ref = mlMatrixBackend.eigenvalues(A);
    expect(Array.from(ev.re)).toEqual(Array.from(ref.re));
    expect(lines).toHaveLength(3);
    for (const [i, k] of ['singularValues', 'symmetricEigenvalues', 'eigenvalues'].entries()) {
      expect(lines[i]).toMatch(new RegExp(`^jesd: broken ${k} did not converge on a 3x3 matrix .*retried with ml-matrix\\n$`));
    }
    expect(b.name).toBe('broken');
  });

  it('does not retry luSolve (singular is a verdict), non-finite input, or shape errors', () => {
    const lines: string[] = [];
    const b = withReferenceRetry(failing(), mlMatrixBackend, (l) => lines.push(l));
    expect(() => b.luSolve(A, new Float64Array(3))).toThrow(NonConvergenceError);
    const bad: Matrix = { rows: 3, cols: 3, data: Float64Array.from([1, NaN, 0, 0, 1, 0, 0, 0, 1]) };
    expect(() => b.eigenvalues(bad)).toThrow(NonConvergenceError);
    const shape = withReferenceRetry(mlMatrixBackend, mlMatrixBackend, (l) => lines.push(l));
    expect(() => shape.eigenvalues({ rows: 2, cols: 3, data: new Float64Array(6) })).toThrow(InvalidSpecError);
    expect(lines).toHaveLength(0);
  });

  it('a failure of the reference too still throws', () => {
    const lines: string[] = [];
    const b = withReferenceRetry(failing(), failing(), (l) => lines.push(l));
    expect(() => b.singularValues(A)).toThrow(NonConvergenceError);
    expect(lines).toHaveLength(1);
  });

  it('linalg() keeps the active backend name and retries', () => {
    // The selected backend is wrapped (unless it is the reference itself); its name is unchanged.
    expect(availableBackends().map((x) => x.name)).toContain(linalg().name);
    expect(linalg().singularValues(A).length).toBe(3);
  });
});
