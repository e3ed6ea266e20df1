/** Reference backend on ml-matrix (pure JavaScript). The fallback when nothing faster loads. */
import { EigenvalueDecomposition, LuDecomposition, Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';
import { NonConvergenceError } from '../errors.ts';
import type { Matrix } from '../types.ts';
import type { LinalgBackend } from './backend.ts';

function toMl(a: Matrix): MlMatrix {
  const rows: Float64Array[] = [];
  for (let i = 0; i < a.rows; i++) rows.push(a.data.slice(i * a.cols, (i + 1) * a.cols));
  return new MlMatrix(rows);
}

function fromMl(m: MlMatrix, out?: Matrix): Matrix {
  const res = out ?? { rows: m.rows, cols: m.columns, data: new Float64Array(m.rows * m.columns) };
  for (let i = 0; i < m.rows; i++) res.data.set(m.getRow(i), i * m.columns);
  return res;
}

export const mlMatrixBackend: LinalgBackend = {
  name: 'ml-matrix',
  gemm(a, b, out) {
    if (a.cols !== b.rows) throw new RangeError(`gemm: ${a.rows}x${a.cols} times ${b.rows}x${b.cols}`);
    return fromMl(toMl(a).mmul(toMl(b)), out);
  },
  matvec(a, x, out) {
    const y = out ?? new Float64Array(a.rows);
    for (let i = 0; i < a.rows; i++) {
      let s = 0;
      const o = i * a.cols;
      for (let j = 0; j < a.cols; j++) s += a.data[o + j]! * x[j]!;
      y[i] = s;
    }
    return y;
  },
  luSolve(a, b) {
    const lu = new LuDecomposition(toMl(a));
    if (lu.isSingular()) throw new NonConvergenceError('luSolve: matrix is singular');
    const x = lu.solve(MlMatrix.columnVector(Array.from(b)));
    return Float64Array.from(x.getColumn(0));
  },
  symmetricEigenvalues(a) {
    const e = new EigenvalueDecomposition(toMl(a), { assumeSymmetric: true });
    return Float64Array.from(e.realEigenvalues).sort();
  },
  singularValues(a) {
    const s = new SingularValueDecomposition(toMl(a), { computeLeftSingularVectors: false, computeRightSingularVectors: false });
    return Float64Array.from(s.diagonal).sort().reverse();
  },
  eigenvalues(a) {
    const e = new EigenvalueDecomposition(toMl(a));
    return { re: Float64Array.from(e.realEigenvalues), im: Float64Array.from(e.imaginaryEigenvalues) };
  },
};
