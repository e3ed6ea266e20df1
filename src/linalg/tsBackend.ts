/**
 * The pure-TypeScript fallback ("ts"): register-tiled GEMM / matvec / LU (tsKernels.ts) plus
 * ml-matrix's decompositions. Used when the native addon cannot build or load.
 */
import { NonConvergenceError } from '../errors.ts';
import type { LinalgBackend } from './backend.ts';
import { checkMatrix, checkSquare, checkVector, gemmOut, singularThreshold } from './checks.ts';
import { mlMatrixBackend } from './mlmatrix.ts';
import { gemmTiled, luSolveTs, matvecTs } from './tsKernels.ts';

export const tsBackend: LinalgBackend = {
  name: 'ts',
  gemm(a, b, out) {
    const c = gemmOut(a, b, false, out);
    gemmTiled(a.data, b.data, c.data, a.rows, a.cols, b.cols, false);
    return c;
  },
  gemmTransB(a, b, out) {
    const c = gemmOut(a, b, true, out);
    gemmTiled(a.data, b.data, c.data, a.rows, a.cols, b.rows, true);
    return c;
  },
  matvec(a, x, out) {
    checkMatrix('a', a);
    checkVector('x', x, a.cols);
    const y = out ?? new Float64Array(a.rows);
    checkVector('out', y, a.rows);
    matvecTs(a.data, x, y, a.rows, a.cols);
    return y;
  },
  luSolve(a, b) {
    checkSquare('a', a);
    checkVector('b', b, a.rows);
    for (let i = 0; i < a.data.length; i++) if (!Number.isFinite(a.data[i]!)) throw new NonConvergenceError('luSolve: non-finite entries in a', { iterations: 0, residual: Infinity, converged: false });
    const x = luSolveTs(a.data, b, a.rows, singularThreshold(a));
    if (x === null) throw new NonConvergenceError(`luSolve: matrix is numerically singular (pivot <= n eps max|a_ij|, n = ${a.rows})`, { iterations: 0, residual: Infinity, converged: false });
    return x;
  },
  symmetricEigenvalues: (a) => mlMatrixBackend.symmetricEigenvalues(a),
  singularValues: (a) => mlMatrixBackend.singularValues(a),
  eigenvalues: (a) => mlMatrixBackend.eigenvalues(a),
};
