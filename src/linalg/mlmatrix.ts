/**
 * Reference backend on ml-matrix (pure JavaScript): the slow, independent reference every other
 * backend is tested against, and (through tsBackend.ts) the decompositions of the fallback.
 */
import { EigenvalueDecomposition, LuDecomposition, Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';
import { NonConvergenceError } from '../errors.ts';
import type { Matrix } from '../types.ts';
import type { LinalgBackend } from './backend.ts';
import { checkMatrix, checkSquare, checkVector, gemmOut, singularThreshold } from './checks.ts';

function toMl(a: Matrix): MlMatrix {
  const rows: Float64Array[] = [];
  for (let i = 0; i < a.rows; i++) rows.push(a.data.slice(i * a.cols, (i + 1) * a.cols));
  return new MlMatrix(rows);
}

function fromMl(m: MlMatrix, out: Matrix): Matrix {
  for (let i = 0; i < m.rows; i++) out.data.set(m.getRow(i), i * m.columns);
  return out;
}

function transpose(b: Matrix): Matrix {
  const t = new Float64Array(b.rows * b.cols);
  for (let i = 0; i < b.rows; i++) for (let j = 0; j < b.cols; j++) t[j * b.rows + i] = b.data[i * b.cols + j]!;
  return { rows: b.cols, cols: b.rows, data: t };
}

function requireFiniteEntries(what: string, a: Matrix): void {
  for (let i = 0; i < a.data.length; i++) {
    if (!Number.isFinite(a.data[i]!)) throw new NonConvergenceError(`${what}: non-finite entry at index ${i}`, { iterations: 0, residual: Infinity, converged: false });
  }
}

export const mlMatrixBackend: LinalgBackend = {
  name: 'ml-matrix',
  gemm(a, b, out) {
    const c = gemmOut(a, b, false, out);
    if (a.rows === 0 || b.cols === 0) return c;
    if (a.cols === 0) return (c.data.fill(0), c);
    return fromMl(toMl(a).mmul(toMl(b)), c);
  },
  gemmTransB(a, b, out) {
    const c = gemmOut(a, b, true, out);
    if (a.rows === 0 || b.rows === 0) return c;
    if (a.cols === 0) return (c.data.fill(0), c);
    return fromMl(toMl(a).mmul(toMl(transpose(b))), c);
  },
  matvec(a, x, out) {
    checkMatrix('a', a);
    checkVector('x', x, a.cols);
    const y = out ?? new Float64Array(a.rows);
    checkVector('out', y, a.rows);
    for (let i = 0; i < a.rows; i++) {
      let s = 0;
      const o = i * a.cols;
      for (let j = 0; j < a.cols; j++) s += a.data[o + j]! * x[j]!;
      y[i] = s;
    }
    return y;
  },
  luSolve(a, b) {
    checkSquare('a', a);
    checkVector('b', b, a.rows);
    if (a.rows === 0) return new Float64Array(0);
    requireFiniteEntries('luSolve', a);
    const lu = new LuDecomposition(toMl(a));
    const thresh = singularThreshold(a);
    const u = lu.upperTriangularMatrix;
    for (let i = 0; i < a.rows; i++) {
      if (!(Math.abs(u.get(i, i)) > thresh)) throw new NonConvergenceError(`luSolve: matrix is numerically singular (pivot <= n eps max|a_ij|, n = ${a.rows})`, { iterations: 0, residual: Infinity, converged: false });
    }
    const x = Float64Array.from(lu.solve(MlMatrix.columnVector(Array.from(b))).getColumn(0));
    for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) throw new NonConvergenceError('luSolve: non-finite solution', { iterations: 0, residual: Infinity, converged: false });
    return x;
  },
  symmetricEigenvalues(a) {
    checkSquare('a', a);
    if (a.rows === 0) return new Float64Array(0);
    requireFiniteEntries('symmetricEigenvalues', a);
    const e = new EigenvalueDecomposition(toMl(a), { assumeSymmetric: true });
    return Float64Array.from(e.realEigenvalues).sort();
  },
  singularValues(a) {
    checkMatrix('a', a);
    if (a.rows === 0 || a.cols === 0) return new Float64Array(0);
    requireFiniteEntries('singularValues', a);
    // ml-matrix's SVD wants rows >= cols for all values; transpose otherwise (same values).
    const src = a.rows >= a.cols ? a : transpose(a);
    const s = new SingularValueDecomposition(toMl(src), { computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true });
    return Float64Array.from(s.diagonal).sort().reverse();
  },
  eigenvalues(a) {
    checkSquare('a', a);
    if (a.rows === 0) return { re: new Float64Array(0), im: new Float64Array(0) };
    requireFiniteEntries('eigenvalues', a);
    const e = new EigenvalueDecomposition(toMl(a));
    return { re: Float64Array.from(e.realEigenvalues), im: Float64Array.from(e.imaginaryEigenvalues) };
  },
};
