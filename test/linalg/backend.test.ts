/**
 * One suite, run against every backend that loads here (native, ts, ml-matrix): results must agree
 * with the ml-matrix reference and with closed forms within the stated tolerances.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError, NonConvergenceError } from '../../src/errors.ts';
import type { LinalgBackend } from '../../src/linalg/backend.ts';
import { availableBackends, backendByName } from '../../src/linalg/index.ts';
import { mlMatrixBackend } from '../../src/linalg/mlmatrix.ts';
import { PACKAGE_ROOT, setNativeThreads } from '../../src/linalg/native.ts';
import { stream } from '../../src/random/rng.ts';
import type { Matrix } from '../../src/types.ts';

const EPS = Number.EPSILON;
const backends = availableBackends();

function gaussian(rows: number, cols: number, seed: number): Matrix {
  const r = stream(seed, 31337);
  return { rows, cols, data: new Float64Array(rows * cols).map(() => r.normal()) };
}

function symmetrise(a: Matrix): Matrix {
  const n = a.rows;
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = 0.5 * (a.data[i * n + j]! + a.data[j * n + i]!);
  return { rows: n, cols: n, data: s };
}

function frob(a: Matrix): number {
  let s = 0;
  for (const x of a.data) s += x * x;
  return Math.sqrt(s);
}

/** Naive triple loop C = A op(B) and the bound matrix |A| |op(B)| (for the gamma_k error bound). */
function naiveGemm(a: Matrix, b: Matrix, transB: boolean): { c: Float64Array; abs: Float64Array; n: number } {
  const n = transB ? b.rows : b.cols;
  const k = a.cols;
  const c = new Float64Array(a.rows * n);
  const abs = new Float64Array(a.rows * n);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < k; p++) {
        const x = a.data[i * k + p]!;
        const y = transB ? b.data[j * k + p]! : b.data[p * n + j]!;
        s += x * y;
        t += Math.abs(x * y);
      }
      c[i * n + j] = s;
      abs[i * n + j] = t;
    }
  }
  return { c, abs, n };
}

/** Hausdorff distance between two complex multisets given as (re, im). */
function complexSetDistance(a: { re: Float64Array; im: Float64Array }, b: { re: Float64Array; im: Float64Array }): number {
  let worst = 0;
  const one = (x: typeof a, y: typeof a) => {
    for (let i = 0; i < x.re.length; i++) {
      let best = Infinity;
      for (let j = 0; j < y.re.length; j++) best = Math.min(best, Math.hypot(x.re[i]! - y.re[j]!, x.im[i]! - y.im[j]!));
      worst = Math.max(worst, best);
    }
  };
  one(a, b);
  one(b, a);
  return worst;
}

it('at least the two pure-TypeScript backends load; the native one when built', () => {
  const names = backends.map((b) => b.name);
  expect(names).toContain('ts');
  expect(names).toContain('ml-matrix');
  // When build/Release/jesd_linalg.node exists the native backend must load (else it silently
  // fell back, which the report line would hide).
  const native = backendByName('native');
  if (typeof native === 'string') expect(native).toMatch(/not built|lacks/);
});

describe.each(backends.map((b) => [b.name, b] as [string, LinalgBackend]))('backend %s', (_name, be) => {
  it('gemm and gemmTransB match the naive product within k eps (|A||B|)_ij (gamma_k bound)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 1e6 }), (m, n, k, seed) => {
        const a = gaussian(m, k, seed);
        for (const transB of [false, true]) {
          const b = transB ? gaussian(n, k, seed + 1) : gaussian(k, n, seed + 1);
          const c = transB ? be.gemmTransB(a, b) : be.gemm(a, b);
          const ref = naiveGemm(a, b, transB);
          expect(c.rows).toBe(m);
          expect(c.cols).toBe(n);
          for (let i = 0; i < m * n; i++) {
            // Any summation order satisfies |fl(sum) - sum| <= k eps sum |a_ip b_pj| (Higham 3.1).
            expect(Math.abs(c.data[i]! - ref.c[i]!)).toBeLessThanOrEqual(Math.max(k, 1) * EPS * ref.abs[i]! + 1e-300);
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it('gemm on sizes that cross the blocking boundaries (m = 131, k = 517, n = 70) and writes into out', () => {
    const a = gaussian(131, 517, 1);
    const b = gaussian(517, 70, 2);
    const out = { rows: 131, cols: 70, data: new Float64Array(131 * 70).fill(123) };
    be.gemm(a, b, out);
    const ref = naiveGemm(a, b, false);
    for (let i = 0; i < out.data.length; i++) expect(Math.abs(out.data[i]! - ref.c[i]!)).toBeLessThanOrEqual(517 * EPS * ref.abs[i]!);
  });

  it('matvec equals the gemm column', () => {
    const a = gaussian(37, 53, 3);
    const x = gaussian(53, 1, 4);
    const y = be.matvec(a, x.data);
    const ref = naiveGemm(a, x, false);
    for (let i = 0; i < 37; i++) expect(Math.abs(y[i]! - ref.c[i]!)).toBeLessThanOrEqual(53 * EPS * ref.abs[i]!);
  });

  it('luSolve: small backward error and agreement with ml-matrix on random systems', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const a = gaussian(n, n, seed);
        const b = gaussian(n, 1, seed + 7).data;
        const x = be.luSolve(a, b);
        const r = be.matvec(a, x);
        let rn = 0;
        let xn = 0;
        for (let i = 0; i < n; i++) {
          rn = Math.max(rn, Math.abs(r[i]! - b[i]!));
          xn = Math.max(xn, Math.abs(x[i]!));
        }
        // GEPP is backward stable: ||b - A x|| <= c n eps ||A|| ||x|| (GVL 3.4.6); c = 10, inf-norms.
        let anorm = 0;
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < n; j++) s += Math.abs(a.data[i * n + j]!);
          anorm = Math.max(anorm, s);
        }
        expect(rn).toBeLessThanOrEqual(10 * n * EPS * anorm * xn + 1e-300);
      }),
      { numRuns: 30 },
    );
  });

  it('luSolve throws NonConvergenceError on singular and numerically singular matrices', () => {
    const n = 12;
    const u = gaussian(n, 1, 5).data;
    const v = gaussian(n, 1, 6).data;
    const rank1 = { rows: n, cols: n, data: new Float64Array(n * n) };
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rank1.data[i * n + j] = u[i]! * v[j]!;
    const b = new Float64Array(n).fill(1);
    expect(() => be.luSolve(rank1, b)).toThrow(NonConvergenceError);
    // Rank one plus 1e-18 I: condition number ~1e18 > 1/eps, a pivot falls below n eps max|a|.
    const nearly = { rows: n, cols: n, data: Float64Array.from(rank1.data) };
    for (let i = 0; i < n; i++) nearly.data[i * n + i] += 1e-18;
    expect(() => be.luSolve(nearly, b)).toThrow(NonConvergenceError);
    expect(() => be.luSolve({ rows: 3, cols: 3, data: new Float64Array(9) }, new Float64Array(3))).toThrow(NonConvergenceError);
    const withNaN = gaussian(4, 4, 1);
    withNaN.data[5] = NaN;
    expect(() => be.luSolve(withNaN, new Float64Array(4))).toThrow(NonConvergenceError);
  });

  it('symmetricEigenvalues: closed form for the second-difference matrix and ml-matrix agreement', () => {
    // tridiag(-1, 2, -1) of size n: lambda_k = 2 - 2 cos(k pi / (n + 1)) (Strang, Linear Algebra).
    for (const n of [1, 2, 5, 33]) {
      const t = { rows: n, cols: n, data: new Float64Array(n * n) };
      for (let i = 0; i < n; i++) {
        t.data[i * n + i] = 2;
        if (i + 1 < n) t.data[i * n + i + 1] = t.data[(i + 1) * n + i] = -1;
      }
      const w = be.symmetricEigenvalues(t);
      for (let k = 1; k <= n; k++) expect(Math.abs(w[k - 1]! - (2 - 2 * Math.cos((k * Math.PI) / (n + 1))))).toBeLessThanOrEqual(1e-13 * n);
    }
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const s = symmetrise(gaussian(n, n, seed));
        const w = be.symmetricEigenvalues(s);
        const ref = mlMatrixBackend.symmetricEigenvalues(s);
        // Both backward stable: |lambda - lambda_ref| <= c n eps ||A||_F (Weyl); c = 10.
        for (let i = 0; i < n; i++) expect(Math.abs(w[i]! - ref[i]!)).toBeLessThanOrEqual(10 * n * EPS * frob(s));
        for (let i = 1; i < n; i++) expect(w[i]!).toBeGreaterThanOrEqual(w[i - 1]!);
      }),
      { numRuns: 30 },
    );
  });

  it('singularValues: planted spectrum (U diag(s) V^T) and ml-matrix agreement incl. rectangular', () => {
    // A = Q1 diag(s) Q2 with Householder reflectors Q = I - 2 u u^T: singular values exactly s.
    const n = 25;
    const s = Float64Array.from({ length: n }, (_, i) => (i < 3 ? 0 : Math.exp(-i / 4)));
    const refl = (seed: number) => {
      const u = gaussian(n, 1, seed).data;
      const nu = Math.hypot(...u);
      return { rows: n, cols: n, data: Float64Array.from({ length: n * n }, (_, ij) => (Math.floor(ij / n) === ij % n ? 1 : 0) - (2 * u[Math.floor(ij / n)]! * u[ij % n]!) / (nu * nu)) };
    };
    const d = { rows: n, cols: n, data: new Float64Array(n * n) };
    for (let i = 0; i < n; i++) d.data[i * n + i] = s[i]!;
    const a = mlMatrixBackend.gemm(mlMatrixBackend.gemm(refl(1), d), refl(2));
    const sv = be.singularValues(a);
    const sorted = Float64Array.from(s).sort().reverse();
    // Backward stable SVD: |sigma - sigma_ref| <= c n eps ||A||_2 (Weyl for singular values); c = 10.
    for (let i = 0; i < n; i++) expect(Math.abs(sv[i]! - sorted[i]!)).toBeLessThanOrEqual(10 * n * EPS);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 35 }), fc.integer({ min: 1, max: 35 }), fc.integer({ min: 0, max: 1e6 }), (m, k, seed) => {
        const g = gaussian(m, k, seed);
        const v = be.singularValues(g);
        const ref = mlMatrixBackend.singularValues(g);
        expect(v.length).toBe(Math.min(m, k));
        for (let i = 0; i < v.length; i++) expect(Math.abs(v[i]! - ref[i]!)).toBeLessThanOrEqual(10 * Math.max(m, k) * EPS * frob(g));
        for (let i = 1; i < v.length; i++) expect(v[i]!).toBeLessThanOrEqual(v[i - 1]!);
      }),
      { numRuns: 30 },
    );
  });

  it('eigenvalues: same set as ml-matrix on random matrices, trace identities, and a planted complex spectrum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const a = gaussian(n, n, seed);
        const ev = be.eigenvalues(a);
        const ref = mlMatrixBackend.eigenvalues(a);
        // Generic Gaussian eigenvalues are well conditioned (cond << 1e4 at n <= 30): 1e-9 ||A||_F.
        expect(complexSetDistance(ev, ref)).toBeLessThanOrEqual(1e-9 * frob(a));
        // sum lambda = trace A, sum Im lambda = 0 (real matrix): exact identities up to rounding.
        let tr = 0;
        let sr = 0;
        let si = 0;
        for (let i = 0; i < n; i++) {
          tr += a.data[i * n + i]!;
          sr += ev.re[i]!;
          si += ev.im[i]!;
        }
        expect(Math.abs(sr - tr)).toBeLessThanOrEqual(100 * n * EPS * frob(a));
        expect(Math.abs(si)).toBeLessThanOrEqual(100 * n * EPS * frob(a));
      }),
      { numRuns: 30 },
    );
    // Block diagonal of rotation-scalings r_k [[cos t_k, -sin t_k], [sin t_k, cos t_k]] conjugated
    // by a reflector: eigenvalues exactly r_k e^{+-i t_k}.
    const blocks = [
      [0.9, 0.3],
      [1.7, 2.2],
      [0.2, 1.1],
    ];
    const n = 6;
    const t = new Float64Array(n * n);
    blocks.forEach(([r, th], k) => {
      const o = 2 * k;
      t[o * n + o] = t[(o + 1) * n + o + 1] = r! * Math.cos(th!);
      t[o * n + o + 1] = -r! * Math.sin(th!);
      t[(o + 1) * n + o] = r! * Math.sin(th!);
    });
    const u = Float64Array.from([0.3, -0.1, 0.5, 0.2, -0.7, 0.4]);
    const nu = Math.hypot(...u);
    const q = { rows: n, cols: n, data: Float64Array.from({ length: n * n }, (_, ij) => (Math.floor(ij / n) === ij % n ? 1 : 0) - (2 * u[Math.floor(ij / n)]! * u[ij % n]!) / (nu * nu)) };
    const a = mlMatrixBackend.gemm(mlMatrixBackend.gemm(q, { rows: n, cols: n, data: t }), q);
    const ev = be.eigenvalues(a);
    const want = { re: new Float64Array(n), im: new Float64Array(n) };
    blocks.forEach(([r, th], k) => {
      want.re[2 * k] = want.re[2 * k + 1] = r! * Math.cos(th!);
      want.im[2 * k] = r! * Math.sin(th!);
      want.im[2 * k + 1] = -r! * Math.sin(th!);
    });
    // Normal matrix: eigenvalues perfectly conditioned, error <= c n eps ||A||; 1e-13.
    expect(complexSetDistance(ev, want)).toBeLessThanOrEqual(1e-13);
  });

  it('validates shapes with InvalidSpecError and non-finite input with NonConvergenceError', () => {
    const a = gaussian(3, 4, 1);
    expect(() => be.gemm(a, a)).toThrow(InvalidSpecError);
    expect(() => be.gemmTransB(a, gaussian(2, 3, 1))).toThrow(InvalidSpecError);
    expect(() => be.gemm(a, gaussian(4, 2, 1), { rows: 3, cols: 3, data: new Float64Array(9) })).toThrow(InvalidSpecError);
    expect(() => be.gemm(a, gaussian(4, 3, 1), a)).toThrow(InvalidSpecError);
    expect(() => be.matvec(a, new Float64Array(3))).toThrow(InvalidSpecError);
    expect(() => be.symmetricEigenvalues(a)).toThrow(InvalidSpecError);
    expect(() => be.eigenvalues(a)).toThrow(InvalidSpecError);
    expect(() => be.luSolve(a, new Float64Array(3))).toThrow(InvalidSpecError);
    expect(() => be.gemm({ rows: 2, cols: 2, data: new Float64Array(3) }, a)).toThrow(InvalidSpecError);
    const bad = gaussian(5, 5, 2);
    bad.data[7] = Infinity;
    expect(() => be.symmetricEigenvalues(symmetrise(bad))).toThrow(NonConvergenceError);
    expect(() => be.singularValues(bad)).toThrow(NonConvergenceError);
    expect(() => be.eigenvalues(bad)).toThrow(NonConvergenceError);
  });
});

// The native LU, symmetric tridiagonalisation, bidiagonalisation and Hessenberg reduction are
// blocked (panels of 32 columns, GEMM trailing updates split over threads) only above n = 32, 128,
// 96 and 96, and their matrix-vector products (and the deferred column transformations of the
// Francis QR) are split over threads only from 256 rows; the suite above stays below that, so
// these run at n = 300.
describe('blocked native kernels (n = 300)', () => {
  const native = backendByName('native');
  const ts = backendByName('ts') as LinalgBackend;
  it('luSolve and symmetricEigenvalues meet the suite tolerances (ts twin as reference), bit-identically on 1 and 2 threads', () => {
    if (typeof native === 'string') {
      expect(native).toMatch(/not built|lacks/);
      return;
    }
    const be = native;
    for (const n of [300]) {
      const a = gaussian(n, n, 900 + n);
      const b = gaussian(n, 1, 901 + n).data;
      const s = symmetrise(a);
      const runs = [1, 2].map((t) => {
        setNativeThreads(t);
        try {
          return { x: be.luSolve(a, b), w: be.symmetricEigenvalues(s) };
        } finally {
          setNativeThreads(1);
        }
      });
      // the GEMM updates give every entry the same operations whatever the row split
      expect(Array.from(runs[1]!.x)).toEqual(Array.from(runs[0]!.x));
      expect(Array.from(runs[1]!.w)).toEqual(Array.from(runs[0]!.w));
      const { x, w } = runs[0]!;
      // GEPP backward error <= 10 n eps ||A||_inf ||x||_inf (GVL 3.4.6), as for the small systems
      const r = be.matvec(a, x);
      let rn = 0, xn = 0, anorm = 0;
      for (let i = 0; i < n; i++) {
        rn = Math.max(rn, Math.abs(r[i]! - b[i]!));
        xn = Math.max(xn, Math.abs(x[i]!));
        let row = 0;
        for (let j = 0; j < n; j++) row += Math.abs(a.data[i * n + j]!);
        anorm = Math.max(anorm, row);
      }
      expect(rn).toBeLessThanOrEqual(10 * n * EPS * anorm * xn);
      // both backward stable: |lambda - lambda_ts| <= 10 n eps ||A||_F (Weyl)
      const wt = ts.symmetricEigenvalues(s);
      for (let i = 0; i < n; i++) expect(Math.abs(w[i]! - wt[i]!)).toBeLessThanOrEqual(10 * n * EPS * frob(s));
    }
  });

  it('singularValues (square and rectangular), eigenvalues, matvec and gemm meet the suite tolerances, bit-identically on 1 and 2 threads', () => {
    if (typeof native === 'string') {
      expect(native).toMatch(/not built|lacks/);
      return;
    }
    const be = native;
    const both = <T>(f: () => T): T[] =>
      [1, 2].map((t) => {
        setNativeThreads(t);
        try {
          return f();
        } finally {
          setNativeThreads(1);
        }
      });
    for (const [m, k] of [
      [300, 300],
      [300, 260],
    ] as const) {
      const a = gaussian(m, k, 950 + m + k);
      const [s1, s2] = both(() => be.singularValues(a));
      expect(Array.from(s2!)).toEqual(Array.from(s1!));
      // backward stable, like the unblocked ts twin: |sigma - sigma_ts| <= 10 max(m, n) eps ||A||_F (Weyl)
      const st = ts.singularValues(a);
      for (let i = 0; i < st.length; i++) expect(Math.abs(s1![i]! - st[i]!)).toBeLessThanOrEqual(10 * Math.max(m, k) * EPS * frob(a));
      if (m !== k) {
        // a wide matrix is reduced as its transpose: exactly the same values
        const at = { rows: k, cols: m, data: Float64Array.from({ length: m * k }, (_, ij) => a.data[(ij % m) * k + Math.floor(ij / m)]!) };
        expect(Array.from(be.singularValues(at))).toEqual(Array.from(s1!));
      }
    }
    // Normal matrix with planted eigenvalues: 150 rotation-scalings r [[cos t, -sin t], [sin t, cos t]]
    // conjugated by a reflector Q, eigenvalues exactly r e^{+-i t}; for a normal matrix every
    // eigenvalue moves by at most the backward error, c n eps ||A||_F (Bauer-Fike, kappa = 1).
    const n = 300;
    const r = stream(977, 1);
    const t = new Float64Array(n * n);
    const want = { re: new Float64Array(n), im: new Float64Array(n) };
    for (let q = 0; q < n / 2; q++) {
      const rad = 0.2 + 2 * r.uniform();
      const th = Math.PI * r.uniform();
      const o = 2 * q;
      t[o * n + o] = t[(o + 1) * n + o + 1] = rad * Math.cos(th);
      t[o * n + o + 1] = -rad * Math.sin(th);
      t[(o + 1) * n + o] = rad * Math.sin(th);
      want.re[o] = want.re[o + 1] = rad * Math.cos(th);
      want.im[o] = rad * Math.sin(th);
      want.im[o + 1] = -rad * Math.sin(th);
    }
    const u = gaussian(n, 1, 978).data;
    const nu2 = u.reduce((acc, x) => acc + x * x, 0);
    const q = { rows: n, cols: n, data: Float64Array.from({ length: n * n }, (_, ij) => (Math.floor(ij / n) === ij % n ? 1 : 0) - (2 * u[Math.floor(ij / n)]! * u[ij % n]!) / nu2) };
    const a = be.gemm(be.gemm(q, { rows: n, cols: n, data: t }), q);
    const [e1, e2] = both(() => be.eigenvalues(a));
    expect(Array.from(e2!.re)).toEqual(Array.from(e1!.re));
    expect(Array.from(e2!.im)).toEqual(Array.from(e1!.im));
    expect(complexSetDistance(e1!, want)).toBeLessThanOrEqual(10 * n * EPS * frob(a));
    // matvec splits its rows from 256k entries: identical on 1 and 2 threads, and each entry is a
    // dot product within the summation bound k eps (|A| |x|)_i
    const big = gaussian(600, 600, 980);
    const xv = gaussian(600, 1, 981).data;
    const [y1, y2] = both(() => be.matvec(big, xv));
    expect(Array.from(y2!)).toEqual(Array.from(y1!));
    for (let i = 0; i < 600; i++) {
      let sum = 0;
      let abs = 0;
      for (let j = 0; j < 600; j++) {
        sum += big.data[i * 600 + j]! * xv[j]!;
        abs += Math.abs(big.data[i * 600 + j]! * xv[j]!);
      }
      expect(Math.abs(y1![i]! - sum)).toBeLessThanOrEqual(2 * 600 * EPS * abs);
    }
    // GEMM splits rows, or columns when C is short and wide (4 m < n): identical on 1 and 2
    // threads, and (column split) within the summation bound k eps (|A| |B|)_ij of the naive product
    for (const [gm, gk, gn] of [
      [300, 300, 300],
      [40, 300, 600],
    ] as const) {
      const ga = gaussian(gm, gk, 982 + gm);
      const gb = gaussian(gk, gn, 983 + gn);
      const [c1, c2] = both(() => be.gemm(ga, gb));
      expect(Array.from(c2!.data)).toEqual(Array.from(c1!.data));
      const gbt = { rows: gn, cols: gk, data: Float64Array.from({ length: gk * gn }, (_, ij) => gb.data[(ij % gk) * gn + Math.floor(ij / gk)]!) };
      const [t1, t2] = both(() => be.gemmTransB(ga, gbt));
      expect(Array.from(t2!.data)).toEqual(Array.from(t1!.data));
      if (gm === gk) continue;  // the square case's accuracy is the suite's; the column split is new here
      const ref = naiveGemm(ga, gb, false);
      for (let i = 0; i < gm * gn; i++) {
        expect(Math.abs(c1!.data[i]! - ref.c[i]!)).toBeLessThanOrEqual(gk * EPS * ref.abs[i]!);
        expect(Math.abs(t1!.data[i]! - ref.c[i]!)).toBeLessThanOrEqual(gk * EPS * ref.abs[i]!);
      }
    }
    // and a Gaussian matrix (a non-normal case)
    const g = gaussian(n, n, 979);
    const [g1, g2] = both(() => be.eigenvalues(g));
    expect(Array.from(g2!.re)).toEqual(Array.from(g1!.re));
    expect(Array.from(g2!.im)).toEqual(Array.from(g1!.im));
  });
});

describe('backend selection', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./src/linalg/index.ts').then((m) => console.log(m.linalg().name))"], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, JESD_QUIET_BACKEND: '', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('JESD_BACKEND=ts forces the fallback and says so in one stderr line', () => {
    const r = run({ JESD_BACKEND: 'ts' });
    expect(r.stdout.trim()).toBe('ts');
    expect(r.stderr.trim().split('\n')).toEqual(['jesd: linalg backend ts (JESD_BACKEND=ts)']);
  });

  it('without JESD_BACKEND the native backend is chosen when it loads, else ts', () => {
    const r = run({ JESD_BACKEND: '' });
    const native = backendByName('native');
    expect(r.stdout.trim()).toBe(typeof native === 'string' ? 'ts' : native.name);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('an unknown JESD_BACKEND is an error naming the allowed values', () => {
    const r = run({ JESD_BACKEND: 'cuda' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('JESD_BACKEND: must be one of native|ts|ml-matrix');
  });
});
