/**
 * Register-tiled TypeScript kernels for the fallback backend ("ts"): ml-matrix multiplies through
 * arrays of row arrays at ~0.7 GFLOP/s; these work on the Float64Array directly.
 * GEMM: B is packed into 4-column panels (contiguous over k), A rows into 4-row panels, and a 4x4
 * block of C is accumulated in 16 locals (the Goto-van de Geijn layout, ACM TOMS 34(3) 2008, with
 * a scalar micro-kernel). K is blocked so a packed B panel stays in cache.
 */
const KC = 256;

/**
 * C[m x n] = A[m x k] op(B), op(B) = B (k x n) or B^T (B stored n x k). C fully overwritten.
 */
export function gemmTiled(A: Float64Array, B: Float64Array, C: Float64Array, m: number, k: number, n: number, transB: boolean): void {
  C.fill(0, 0, m * n);
  if (k === 0 || m === 0 || n === 0) return;
  const n4 = Math.ceil(n / 4) * 4;
  const m4 = Math.ceil(m / 4) * 4;
  const bp = new Float64Array(KC * n4);
  const ap = new Float64Array(KC * 4);
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    // Pack op(B)[p0..p0+kc, :] into 4-column panels: panel jb at bp[jb*kc + p*4 + c].
    for (let jb = 0; jb < n4; jb += 4) {
      const base = jb * kc;
      for (let c = 0; c < 4; c++) {
        const j = jb + c;
        if (j >= n) {
          for (let p = 0; p < kc; p++) bp[base + p * 4 + c] = 0;
        } else if (transB) {
          const row = j * k + p0;
          for (let p = 0; p < kc; p++) bp[base + p * 4 + c] = B[row + p]!;
        } else {
          for (let p = 0; p < kc; p++) bp[base + p * 4 + c] = B[(p0 + p) * n + j]!;
        }
      }
    }
    for (let ib = 0; ib < m4; ib += 4) {
      // Pack A[ib..ib+4, p0..p0+kc] as ap[p*4 + r].
      for (let r = 0; r < 4; r++) {
        const i = ib + r;
        if (i >= m) {
          for (let p = 0; p < kc; p++) ap[p * 4 + r] = 0;
        } else {
          const row = i * k + p0;
          for (let p = 0; p < kc; p++) ap[p * 4 + r] = A[row + p]!;
        }
      }
      for (let jb = 0; jb < n4; jb += 4) {
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        let bo = jb * kc;
        let ao = 0;
        for (let p = 0; p < kc; p++) {
          const b0 = bp[bo]!, b1 = bp[bo + 1]!, b2 = bp[bo + 2]!, b3 = bp[bo + 3]!;
          const a0 = ap[ao]!, a1 = ap[ao + 1]!, a2 = ap[ao + 2]!, a3 = ap[ao + 3]!;
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
          bo += 4;
          ao += 4;
        }
        const rows = Math.min(4, m - ib);
        const cols = Math.min(4, n - jb);
        if (rows === 4 && cols === 4) {
          let o = ib * n + jb;
          C[o] += c00; C[o + 1] += c01; C[o + 2] += c02; C[o + 3] += c03;
          o += n;
          C[o] += c10; C[o + 1] += c11; C[o + 2] += c12; C[o + 3] += c13;
          o += n;
          C[o] += c20; C[o + 1] += c21; C[o + 2] += c22; C[o + 3] += c23;
          o += n;
          C[o] += c30; C[o + 1] += c31; C[o + 2] += c32; C[o + 3] += c33;
        } else {
          const t = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
          for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) C[(ib + r) * n + jb + c] += t[r * 4 + c]!;
        }
      }
    }
  }
}

/** y = A x (A m x n), 4 independent partial sums per row. */
export function matvecTs(A: Float64Array, x: Float64Array, y: Float64Array, m: number, n: number): void {
  const n4 = n - (n % 4);
  for (let i = 0; i < m; i++) {
    const o = i * n;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let j = 0; j < n4; j += 4) {
      s0 += A[o + j]! * x[j]!;
      s1 += A[o + j + 1]! * x[j + 1]!;
      s2 += A[o + j + 2]! * x[j + 2]!;
      s3 += A[o + j + 3]! * x[j + 3]!;
    }
    for (let j = n4; j < n; j++) s0 += A[o + j]! * x[j]!;
    y[i] = s0 + s1 + (s2 + s3);
  }
}

/**
 * Solve A x = b by Gaussian elimination with partial pivoting (Golub & Van Loan 3.4.1) on a copy.
 * Returns null when a pivot is <= threshold (numerically singular) or x is not finite.
 */
export function luSolveTs(Ain: Float64Array, b: Float64Array, n: number, threshold: number): Float64Array | null {
  const A = Float64Array.from(Ain);
  const y = Float64Array.from(b);
  if (n === 0) return y;
  for (let k = 0; k < n; k++) {
    let piv = k;
    let best = Math.abs(A[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(A[i * n + k]!);
      if (v > best) {
        best = v;
        piv = i;
      }
    }
    if (!(best > threshold)) return null;
    if (piv !== k) {
      for (let j = 0; j < n; j++) {
        const t = A[k * n + j]!;
        A[k * n + j] = A[piv * n + j]!;
        A[piv * n + j] = t;
      }
      const t = y[k]!;
      y[k] = y[piv]!;
      y[piv] = t;
    }
    const inv = 1 / A[k * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const l = A[i * n + k]! * inv;
      if (l === 0) continue;
      A[i * n + k] = l;
      const ro = i * n;
      const ko = k * n;
      for (let j = k + 1; j < n; j++) A[ro + j] -= l * A[ko + j]!;
      y[i] -= l * y[k]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let j = i + 1; j < n; j++) s -= A[i * n + j]! * y[j]!;
    y[i] = s / A[i * n + i]!;
  }
  for (let i = 0; i < n; i++) if (!Number.isFinite(y[i]!)) return null;
  return y;
}
