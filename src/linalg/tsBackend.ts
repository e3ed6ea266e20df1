/**
 * The pure-TypeScript fallback ("ts"): register-tiled GEMM / matvec / LU (tsKernels.ts) and the
 * native backend's decomposition algorithms in TypeScript (tsDecompositions.ts). Used when the
 * native addon cannot build or load; tested against the independent ml-matrix reference.
 */
import { NonConvergenceError } from '../errors.ts';
import type { Matrix } from '../types.ts';
import type { LinalgBackend } from './backend.ts';
import { checkMatrix, checkSquare, checkVector, productMethods, singularThreshold } from './checks.ts';
import { eigenvaluesTs, singularValuesTs, symmetricEigenvaluesTs } from './tsDecompositions.ts';
import { gemmTiled, luSolveTs, matvecTs } from './tsKernels.ts';

export const tsBackend: LinalgBackend = {
  name: 'ts',
  ...productMethods({ gemm: gemmTiled, matvec: matvecTs }),
  luSolve(a, b) {
    checkSquare('a', a);
    checkVector('b', b, a.rows);
    for (let i = 0; i < a.data.length; i++) if (!Number.isFinite(a.data[i]!)) throw new NonConvergenceError('luSolve: non-finite entries in a', { iterations: 0, residual: Infinity, converged: false });
    const x = luSolveTs(a.data, b, a.rows, singularThreshold(a));
    if (x === null) throw new NonConvergenceError(`luSolve: matrix is numerically singular (pivot <= n eps max|a_ij|, n = ${a.rows})`, { iterations: 0, residual: Infinity, converged: false });
    return x;
  },
  symmetricEigenvalues(a) {
    checkSquare('a', a);
    requireFiniteEntries('symmetricEigenvalues', a);
    return converged('symmetricEigenvalues', symmetricEigenvaluesTs(a.data, a.rows), a.rows);
  },
  singularValues(a) {
    checkMatrix('a', a);
    requireFiniteEntries('singularValues', a);
    return converged('singularValues', singularValuesTs(a.data, a.rows, a.cols), a.rows);
  },
  eigenvalues(a) {
    checkSquare('a', a);
    requireFiniteEntries('eigenvalues', a);
    return converged('eigenvalues', eigenvaluesTs(a.data, a.rows), a.rows);
  },
};

function requireFiniteEntries(what: string, a: Matrix): void {
  for (let i = 0; i < a.data.length; i++) {
    if (!Number.isFinite(a.data[i]!)) throw new NonConvergenceError(`${what}: non-finite entry at index ${i}`, { iterations: 0, residual: Infinity, converged: false });
  }
}

function converged<T>(what: string, value: T | null, n: number): T {
  if (value === null) throw new NonConvergenceError(`${what}: QR/QL iteration did not converge (60 iterations per eigenvalue) on a ${n}x${n} matrix`, { iterations: 60, residual: Infinity, converged: false });
  return value;
}
