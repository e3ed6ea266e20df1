/**
 * The dense linear-algebra interface every other module uses (docs/linalg-backends.md, docs/design.md section 3).
 * No module outside src/linalg/ calls ml-matrix or a native backend directly.
 */
import type { Matrix } from '../types.ts';

export interface ComplexEigenvalues {
  re: Float64Array;
  im: Float64Array;
}

/**
 * All methods validate shapes (InvalidSpecError) and throw NonConvergenceError when an iterative
 * decomposition fails. Every backend passes the same suite (test/linalg/backend.test.ts).
 * Matrix-free spectral radius: see arnoldi.ts (backend-independent, re-exported by index.ts).
 */
export interface LinalgBackend {
  readonly name: string;
  /** C = A B (optionally into `out`, which must not alias A or B). */
  gemm(a: Matrix, b: Matrix, out?: Matrix): Matrix;
  /**
   * C = A B^T (B stored n x k). Batched matrix-vector products: with the batch as the rows of X
   * (batch x N), X W^T holds W x for every x in the batch, with no transpose copy of W.
   */
  gemmTransB(a: Matrix, b: Matrix, out?: Matrix): Matrix;
  /** y = A x. */
  matvec(a: Matrix, x: Float64Array, out?: Float64Array): Float64Array;
  /**
   * Solve A x = b by LU with partial pivoting; throws NonConvergenceError if A is numerically
   * singular (a pivot <= n eps max|a_ij|, see checks.ts singularThreshold) or x is not finite.
   */
  luSolve(a: Matrix, b: Float64Array): Float64Array;
  /** Eigenvalues of a symmetric matrix, ascending. */
  symmetricEigenvalues(a: Matrix): Float64Array;
  /** Singular values, descending. */
  singularValues(a: Matrix): Float64Array;
  /** Eigenvalues of a general square matrix (order unspecified; conjugate pairs both present). */
  eigenvalues(a: Matrix): ComplexEigenvalues;
}
