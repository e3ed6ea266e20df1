/**
 * The dense linear-algebra interface every other module uses (issue 6, DESIGN.md section 4).
 * No module outside src/linalg/ calls ml-matrix or a native backend directly.
 */
import type { Matrix } from '../types.ts';

export interface ComplexEigenvalues {
  re: Float64Array;
  im: Float64Array;
}

export interface LinalgBackend {
  readonly name: string;
  /** C = A B (optionally into `out`, which must not alias A or B). */
  gemm(a: Matrix, b: Matrix, out?: Matrix): Matrix;
  /** y = A x. */
  matvec(a: Matrix, x: Float64Array, out?: Float64Array): Float64Array;
  /** Solve A x = b by LU with partial pivoting; throws NonConvergenceError if A is singular. */
  luSolve(a: Matrix, b: Float64Array): Float64Array;
  /** Eigenvalues of a symmetric matrix, ascending. */
  symmetricEigenvalues(a: Matrix): Float64Array;
  /** Singular values, descending. */
  singularValues(a: Matrix): Float64Array;
  /** Eigenvalues of a general square matrix. */
  eigenvalues(a: Matrix): ComplexEigenvalues;
}
