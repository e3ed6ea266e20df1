/**
 * Matrix-free spectral radius by a thick-restarted Arnoldi (Krylov-Schur-type) method.
 *
 * The stability of a fixed point needs only rho(Df(x*)), so we never form J;
 * each step costs one Jacobian-vector product (O(L N^2)) plus O(n m) orthogonalisation.
 *
 * Method (Stewart, "A Krylov-Schur algorithm for large eigenproblems", SIAM J. Matrix Anal. Appl.
 * 23 (2001); Saad, "Numerical Methods for Large Eigenvalue Problems", 2nd ed., ch. 6-7):
 * - keep an orthonormal basis V (n x p) and W = A V; the projected matrix H = V^T A V = V^T W;
 * - expand V by the newest A v orthogonalised twice against V (classical Gram-Schmidt with one
 *   re-orthogonalisation, "twice is enough");
 * - Ritz pairs (theta, V y) from the eigenpairs of H; the residual r = W y - theta V y is computed
 *   explicitly (no reliance on the Arnoldi relation), so ||r|| is the true backward error of the
 *   Ritz pair: theta is an exact eigenvalue of A + E with ||E||_2 = ||r|| (for ||V y|| = 1);
 * - when p reaches the subspace dimension m, restart with the real span of the k Ritz vectors of
 *   largest modulus (real and imaginary parts, so complex conjugate pairs are kept together) plus
 *   the residual direction of the dominant pair: this is the Krylov-Schur restart expressed
 *   without the reordered Schur form.
 * Correct for non-normal matrices and complex dominant pairs (unlike plain power iteration,
 * which cycles when the dominant eigenvalue is a complex pair or several share the modulus).
 *
 * Caveat (any Krylov method): the residual certifies that theta is an eigenvalue of a nearby
 * matrix, not that no eigenvalue of larger modulus exists; with a random start vector an
 * eigenvalue is missed only with probability zero in exact arithmetic, and for highly non-normal
 * A the eigenvalue error can exceed the residual by the eigenvalue's condition number.
 */
import { InvalidSpecError, NonConvergenceError, requireInteger, requirePositive } from '../errors.ts';
import { STREAM, stream } from '../random/rng.ts';
import type { Diagnostics, SolverResult } from '../types.ts';
import { linalg } from './index.ts';

export interface SpectralRadiusOptions {
  /** Relative residual ||A x - theta x|| / max(|theta|, eps ||H||) at which to stop. Default 1e-10. */
  tol?: number;
  /** Maximum number of matrix-vector products. Default max(1000, 20 n). */
  maxIterations?: number;
  /** Seed of the random start vector (stream(seed, STREAM.PROBE)). Default 0. */
  seed?: number;
  /** Maximum subspace dimension m (before a restart). Default min(n, 40). */
  subspaceDimension?: number;
}

export interface SpectralRadiusDiagnostics extends Diagnostics {
  iterations: number;
  residual: number;
  converged: boolean;
  /** Dominant Ritz value (real, imaginary part). */
  eigenvalueRe: number;
  eigenvalueIm: number;
  restarts: number;
  /** True when the Krylov space became invariant (the Ritz values are exact eigenvalues). */
  invariant: boolean;
}

interface RitzValue {
  re: number;
  im: number;
  abs: number;
}

/**
 * Solve (H - theta I) y = b for complex theta by Gaussian elimination with partial pivoting in
 * complex arithmetic (p x p, row-major H), two steps of inverse iteration from b = 1; returns the
 * normalised eigenvector (yr, yi). Zero pivots are replaced by eps * scale (standard inverse
 * iteration safeguard: a singular shifted matrix only makes the eigenvector direction sharper).
 */
function ritzVector(h: Float64Array, p: number, thetaRe: number, thetaIm: number, scale: number): [Float64Array, Float64Array] {
  const ar = new Float64Array(p * p);
  const ai = new Float64Array(p * p);
  const perm = new Int32Array(p);
  const tiny = Math.max(scale, Number.MIN_VALUE) * 1e-14;
  for (let i = 0; i < p * p; i++) ar[i] = h[i]!;
  for (let i = 0; i < p; i++) {
    ar[i * p + i] -= thetaRe;
    ai[i * p + i] = -thetaIm;
  }
  // LU factorisation in place.
  for (let k = 0; k < p; k++) {
    let piv = k;
    let best = -1;
    for (let i = k; i < p; i++) {
      const m = Math.hypot(ar[i * p + k]!, ai[i * p + k]!);
      if (m > best) {
        best = m;
        piv = i;
      }
    }
    perm[k] = piv;
    if (piv !== k) {
      for (let j = 0; j < p; j++) {
        let t = ar[k * p + j]!;
        ar[k * p + j] = ar[piv * p + j]!;
        ar[piv * p + j] = t;
        t = ai[k * p + j]!;
        ai[k * p + j] = ai[piv * p + j]!;
        ai[piv * p + j] = t;
      }
    }
    if (best < tiny) {
      ar[k * p + k] = tiny;
      ai[k * p + k] = 0;
    }
    const pr = ar[k * p + k]!;
    const pi = ai[k * p + k]!;
    const pd = pr * pr + pi * pi;
    for (let i = k + 1; i < p; i++) {
      const xr = ar[i * p + k]!;
      const xi = ai[i * p + k]!;
      // l = x / pivot
      const lr = (xr * pr + xi * pi) / pd;
      const li = (xi * pr - xr * pi) / pd;
      ar[i * p + k] = lr;
      ai[i * p + k] = li;
      for (let j = k + 1; j < p; j++) {
        const ur = ar[k * p + j]!;
        const ui = ai[k * p + j]!;
        ar[i * p + j] -= lr * ur - li * ui;
        ai[i * p + j] -= lr * ui + li * ur;
      }
    }
  }
  const yr = new Float64Array(p).fill(1);
  const yi = new Float64Array(p);
  for (let sweep = 0; sweep < 2; sweep++) {
    for (let k = 0; k < p; k++) {
      const q = perm[k]!;
      if (q !== k) {
        let t = yr[k]!;
        yr[k] = yr[q]!;
        yr[q] = t;
        t = yi[k]!;
        yi[k] = yi[q]!;
        yi[q] = t;
      }
    }
    for (let i = 0; i < p; i++) {
      let sr = yr[i]!;
      let si = yi[i]!;
      for (let j = 0; j < i; j++) {
        const lr = ar[i * p + j]!;
        const li = ai[i * p + j]!;
        sr -= lr * yr[j]! - li * yi[j]!;
        si -= lr * yi[j]! + li * yr[j]!;
      }
      yr[i] = sr;
      yi[i] = si;
    }
    for (let i = p - 1; i >= 0; i--) {
      let sr = yr[i]!;
      let si = yi[i]!;
      for (let j = i + 1; j < p; j++) {
        const ur = ar[i * p + j]!;
        const ui = ai[i * p + j]!;
        sr -= ur * yr[j]! - ui * yi[j]!;
        si -= ur * yi[j]! + ui * yr[j]!;
      }
      const dr = ar[i * p + i]!;
      const di = ai[i * p + i]!;
      const dd = dr * dr + di * di;
      yr[i] = (sr * dr + si * di) / dd;
      yi[i] = (si * dr - sr * di) / dd;
    }
    let nrm = 0;
    for (let i = 0; i < p; i++) nrm += yr[i]! * yr[i]! + yi[i]! * yi[i]!;
    nrm = Math.sqrt(nrm);
    if (!(nrm > 0) || !Number.isFinite(nrm)) break;
    for (let i = 0; i < p; i++) {
      yr[i] /= nrm;
      yi[i] /= nrm;
    }
  }
  return [yr, yi];
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[ao + i]! * b[bo + i]!;
  return s;
}

/**
 * The Krylov basis of the method: orthonormal V (n x p, column-major, room for m + 1 columns),
 * W = A V, and the projected matrix H = V^T A V (m x m, H[i*m + j] = v_i . w_j).
 */
interface KrylovBasis {
  n: number;
  m: number;
  V: Float64Array;
  W: Float64Array;
  H: Float64Array;
  p: number;
}

/** Orthogonalise `cand` against V[:, 0..p) twice; returns the final norm and its pre-norm. */
function orthogonalise(b: KrylovBasis, cand: Float64Array): [number, number] {
  const { n, V, p } = b;
  let before = Math.sqrt(dot(cand, 0, cand, 0, n));
  const pre = before;
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < p; j++) {
      const c = dot(V, j * n, cand, 0, n);
      if (c !== 0) for (let i = 0; i < n; i++) cand[i] -= c * V[j * n + i]!;
    }
    const after = Math.sqrt(dot(cand, 0, cand, 0, n));
    // Second pass only needed when cancellation was severe (Kahan-Parlett criterion).
    if (after > 0.7 * before) return [after, pre];
    before = after;
  }
  return [Math.sqrt(dot(cand, 0, cand, 0, n)), pre];
}

/** Append `cand` / nrm as column p, compute w = A v and update H; false when A v is not finite. */
function appendColumn(b: KrylovBasis, cand: Float64Array, nrm: number, apply: (v: Float64Array, out: Float64Array) => void): boolean {
  const { n, m, V, W, H } = b;
  const vcol = V.subarray(b.p * n, (b.p + 1) * n);
  for (let i = 0; i < n; i++) vcol[i] = cand[i]! / nrm;
  const wcol = W.subarray(b.p * n, (b.p + 1) * n);
  wcol.fill(0);
  apply(vcol, wcol);
  for (let i = 0; i < n; i++) if (!Number.isFinite(wcol[i]!)) return false;
  b.p++;
  const p = b.p;
  for (let i = 0; i < p; i++) H[i * m + (p - 1)] = dot(V, i * n, wcol, 0, n);
  for (let j = 0; j < p - 1; j++) H[(p - 1) * m + j] = dot(vcol, 0, W, j * n, n);
  return true;
}

interface RitzState {
  /** The projected matrix as a dense p x p matrix, and its Frobenius norm. */
  Hp: Float64Array;
  hFro: number;
  /** Ritz values by decreasing modulus; top = ritz[0]. */
  ritz: RitzValue[];
  top: RitzValue;
  /** Eigenvector of Hp for top (real and imaginary parts). */
  yr: Float64Array;
  yi: Float64Array;
  /** Residual r = W y - theta V y of the dominant Ritz pair (real and imaginary parts) and its relative norm. */
  rr: Float64Array;
  ri: Float64Array;
  residual: number;
}

/** Ritz values of the projected matrix and the explicitly computed residual of the dominant pair; null when they are not finite. */
function dominantRitzPair(b: KrylovBasis): RitzState | null {
  const { n, m, V, W, H, p } = b;
  const Hp = new Float64Array(p * p);
  let hFro = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      const x = H[i * m + j]!;
      Hp[i * p + j] = x;
      hFro += x * x;
    }
  }
  hFro = Math.sqrt(hFro);
  const ev = linalg().eigenvalues({ rows: p, cols: p, data: Hp });
  const ritz: RitzValue[] = [];
  for (let i = 0; i < p; i++) ritz.push({ re: ev.re[i]!, im: ev.im[i]!, abs: Math.hypot(ev.re[i]!, ev.im[i]!) });
  ritz.sort((x, y) => y.abs - x.abs || y.im - x.im);
  const top = ritz[0]!;
  if (!Number.isFinite(top.abs)) return null;
  const [yr, yi] = ritzVector(Hp, p, top.re, top.im, hFro);
  const rr = new Float64Array(n);
  const ri = new Float64Array(n);
  for (let j = 0; j < p; j++) {
    const a = yr[j]!;
    const c = yi[j]!;
    if (a === 0 && c === 0) continue;
    const vo = j * n;
    for (let i = 0; i < n; i++) {
      const v = V[vo + i]!;
      const w = W[vo + i]!;
      // (w - theta v) * (a + i c), theta = tr + i ti
      const xr = w - top.re * v;
      const xi = -top.im * v;
      rr[i] += xr * a - xi * c;
      ri[i] += xr * c + xi * a;
    }
  }
  const rnorm = Math.sqrt(dot(rr, 0, rr, 0, n) + dot(ri, 0, ri, 0, n));
  const scale = Math.max(top.abs, 1e-14 * hFro, Number.MIN_VALUE);
  return { Hp, hFro, ritz, top, yr, yi, rr, ri, residual: rnorm / scale };
}

/**
 * Thick restart: replace the basis by the real span of the `keep` Ritz vectors of largest modulus
 * (Re and Im parts for complex ones, conjugates once), with W and H transformed alike; `cand`
 * becomes the residual direction of the dominant pair (Krylov-Schur's v_{m+1}).
 */
function thickRestart(b: KrylovBasis, r: RitzState, keep: number, cand: Float64Array): void {
  const { n, m, V, W } = b;
  const { Hp, hFro, ritz, top, yr, yi, rr, ri } = r;
  const p = b.p;
  const cols: Float64Array[] = [];
  let taken = 0;
  for (const t of ritz) {
    if (taken >= keep) break;
    if (t.im < 0 && ritz.some((u) => u.im > 0 && Math.abs(u.re - t.re) <= 1e-12 * Math.max(1, t.abs) && Math.abs(u.im + t.im) <= 1e-12 * Math.max(1, t.abs))) continue; // conjugate of a kept one
    const [ar, ai] = t === top ? [yr, yi] : ritzVector(Hp, p, t.re, t.im, hFro);
    cols.push(Float64Array.from(ar));
    if (t.im !== 0) cols.push(Float64Array.from(ai));
    taken++;
  }
  // Orthonormalise the coefficient vectors (MGS twice) in R^p; V Y is then orthonormal.
  const Y: Float64Array[] = [];
  for (const c of cols) {
    for (let pass = 0; pass < 2; pass++) for (const q of Y) {
      const d = dot(q, 0, c, 0, p);
      for (let i = 0; i < p; i++) c[i] -= d * q[i]!;
    }
    const nr = Math.sqrt(dot(c, 0, c, 0, p));
    if (nr > 1e-10) {
      for (let i = 0; i < p; i++) c[i] /= nr;
      Y.push(c);
    }
    if (Y.length >= m - 1) break;
  }
  const k = Y.length;
  const V2 = new Float64Array(n * (m + 1));
  const W2 = new Float64Array(n * (m + 1));
  for (let c = 0; c < k; c++) {
    const y = Y[c]!;
    for (let j = 0; j < p; j++) {
      const a = y[j]!;
      if (a === 0) continue;
      for (let i = 0; i < n; i++) {
        V2[c * n + i] += a * V[j * n + i]!;
        W2[c * n + i] += a * W[j * n + i]!;
      }
    }
  }
  // H2 = Y^T H Y.
  const H2 = new Float64Array(m * m);
  for (let a = 0; a < k; a++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let i = 0; i < p; i++) {
        const yai = Y[a]![i]!;
        if (yai === 0) continue;
        let t = 0;
        for (let j = 0; j < p; j++) t += Hp[i * p + j]! * Y[c]![j]!;
        s += yai * t;
      }
      H2[a * m + c] = s;
    }
  }
  b.V = V2;
  b.W = W2;
  b.H = H2;
  b.p = k;
  for (let i = 0; i < n; i++) cand[i] = rr[i]! + ri[i]!;
}

/**
 * Spectral radius max |lambda_i(A)| of the n x n operator `apply` (out = A v), matrix-free.
 * Returns the modulus of the dominant Ritz value; diagnostics.residual is the relative residual
 * of its Ritz pair. Throws NonConvergenceError if the budget of matrix-vector products runs out
 * or `apply` produces non-finite numbers.
 */
export function spectralRadius(
  apply: (v: Float64Array, out: Float64Array) => void,
  n: number,
  opts: SpectralRadiusOptions = {},
): SolverResult<number, SpectralRadiusDiagnostics> {
  requireInteger('n', n, 1);
  if (typeof apply !== 'function') throw new InvalidSpecError('apply', 'must be a function (v, out) => void');
  const tol = requirePositive('tol', opts.tol ?? 1e-10);
  const maxMatvecs = requireInteger('maxIterations', opts.maxIterations ?? Math.max(1000, 20 * n), 1);
  const seed = requireInteger('seed', opts.seed ?? 0, 0);
  const m = requireInteger('subspaceDimension', opts.subspaceDimension ?? Math.min(n, 40), 1, n);
  if (m < Math.min(n, 3)) throw new InvalidSpecError('subspaceDimension', `must be >= ${Math.min(n, 3)} (room for a complex pair and an expansion), got ${m}`);
  // Kept Ritz vectors at restart: room for several conjugate pairs, leaving space to expand.
  const keep = Math.max(2, Math.min(Math.floor(m / 3), 12));

  const basis: KrylovBasis = { n, m, V: new Float64Array(n * (m + 1)), W: new Float64Array(n * (m + 1)), H: new Float64Array(m * m), p: 0 };
  let matvecs = 0;
  let restarts = 0;
  let invariant = false;

  const rng = stream(seed, STREAM.PROBE);
  const cand = new Float64Array(n);
  for (let i = 0; i < n; i++) cand[i] = rng.normal();

  const fail = (msg: string, extra: Record<string, unknown>): never => {
    throw new NonConvergenceError(`spectralRadius: ${msg}`, { iterations: matvecs, converged: false, restarts, ...extra });
  };
  const append = (nrm: number): void => {
    const finite = appendColumn(basis, cand, nrm, apply);
    matvecs++;
    if (!finite) fail('apply returned a non-finite value', { residual: Infinity });
  };

  append(orthogonalise(basis, cand)[0]);

  let lastTheta: RitzValue = { re: 0, im: 0, abs: 0 };
  let lastResidual = Infinity;
  for (;;) {
    const p = basis.p;
    // Between restarts, look at the Ritz values only every few expansions (the small dense eigen
    // solve costs O(p^3)); always at the restart point, at p = n and on invariance.
    if (p < m && p < n && !invariant && p % 4 !== 0) {
      if (matvecs >= maxMatvecs) break;
      cand.set(basis.W.subarray((p - 1) * n, p * n));
      const [nrm, pre] = orthogonalise(basis, cand);
      if (!(nrm > 1e-12 * Math.max(pre, Number.MIN_VALUE))) invariant = true;
      else append(nrm);
      continue;
    }
    const r = dominantRitzPair(basis);
    if (r === null) return fail('projected matrix has non-finite eigenvalues', { residual: Infinity });
    const { top, residual } = r;
    lastTheta = top;
    lastResidual = residual;
    if (residual <= tol || invariant || p === n) {
      return {
        value: top.abs,
        diagnostics: {
          iterations: matvecs,
          residual,
          converged: true,
          eigenvalueRe: top.re,
          eigenvalueIm: Math.abs(top.im),
          restarts,
          invariant: invariant || p === n,
        },
      };
    }
    if (matvecs >= maxMatvecs) break;

    if (p === m) {
      restarts++;
      thickRestart(basis, r, keep, cand);
    } else {
      // Arnoldi expansion: the newest A v.
      cand.set(basis.W.subarray((p - 1) * n, p * n));
    }
    const [nrm, pre] = orthogonalise(basis, cand);
    if (!(nrm > 1e-12 * Math.max(pre, Number.MIN_VALUE))) {
      // The space is (numerically) invariant under A: Ritz values are eigenvalues of A. Loop once
      // more to report them (the residual check above then succeeds).
      invariant = true;
      continue;
    }
    append(nrm);
  }
  return fail(`no convergence after ${matvecs} matrix-vector products (relative residual ${lastResidual.toExponential(2)} > tol ${tol})`, {
    residual: lastResidual,
    eigenvalueRe: lastTheta.re,
    eigenvalueIm: lastTheta.im,
  });
}
