/** Shape validation shared by every backend: the same typed errors whichever backend is active. */
import { InvalidSpecError } from '../errors.ts';
import type { Matrix } from '../types.ts';
import type { LinalgBackend } from './backend.ts';

export function checkMatrix(field: string, a: Matrix): void {
  if (a === null || typeof a !== 'object' || !(a.data instanceof Float64Array)) {
    throw new InvalidSpecError(field, 'must be a Matrix {rows, cols, data: Float64Array}');
  }
  if (!Number.isInteger(a.rows) || !Number.isInteger(a.cols) || a.rows < 0 || a.cols < 0 || a.data.length !== a.rows * a.cols) {
    throw new InvalidSpecError(field, `must have integer rows, cols >= 0 and data.length = rows*cols, got ${a.rows}x${a.cols} with ${a.data?.length} entries`);
  }
}

export function checkSquare(field: string, a: Matrix): void {
  checkMatrix(field, a);
  if (a.rows !== a.cols) throw new InvalidSpecError(field, `must be square, got ${a.rows}x${a.cols}`);
}

export function checkVector(field: string, x: Float64Array, length: number): void {
  if (!(x instanceof Float64Array) || x.length !== length) {
    throw new InvalidSpecError(field, `must be a Float64Array of length ${length}, got ${x instanceof Float64Array ? `length ${x.length}` : typeof x}`);
  }
}

/** Output matrix for C = A B (m x n): validates a given one or allocates. */
export function gemmOut(a: Matrix, b: Matrix, transB: boolean, out?: Matrix): Matrix {
  checkMatrix('a', a);
  checkMatrix('b', b);
  const inner = transB ? b.cols : b.rows;
  const n = transB ? b.rows : b.cols;
  if (a.cols !== inner) {
    throw new InvalidSpecError('b', `inner dimensions differ: a is ${a.rows}x${a.cols}, ${transB ? 'b^T' : 'b'} is ${inner}x${n}`);
  }
  if (out === undefined) return { rows: a.rows, cols: n, data: new Float64Array(a.rows * n) };
  checkMatrix('out', out);
  if (out.rows !== a.rows || out.cols !== n) throw new InvalidSpecError('out', `must be ${a.rows}x${n}, got ${out.rows}x${out.cols}`);
  if (overlaps(out.data, a.data) || overlaps(out.data, b.data)) throw new InvalidSpecError('out', 'must not share memory with a or b');
  return out;
}

/** Pivot threshold for "numerically singular": n * eps * max|a_ij| (Golub & Van Loan 3.3). */
export function singularThreshold(a: Matrix): number {
  let amax = 0;
  for (let i = 0; i < a.data.length; i++) amax = Math.max(amax, Math.abs(a.data[i]!));
  return a.rows * Number.EPSILON * amax;
}

function overlaps(x: Float64Array, y: Float64Array): boolean {
  if (x.buffer !== y.buffer) return false;
  return x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength;
}

/** Raw row-major product kernels with the calling convention shared by the native addon and tsKernels.ts. */
export interface RawProductKernels {
  gemm(a: Float64Array, b: Float64Array, c: Float64Array, m: number, k: number, n: number, transB: boolean): unknown;
  matvec(a: Float64Array, x: Float64Array, y: Float64Array, m: number, n: number): unknown;
}

/** gemm, gemmTransB and matvec of a LinalgBackend over raw kernels, with the shared shape checks. */
export function productMethods(k: RawProductKernels): Pick<LinalgBackend, 'gemm' | 'gemmTransB' | 'matvec'> {
  return {
    gemm(a, b, out) {
      const c = gemmOut(a, b, false, out);
      k.gemm(a.data, b.data, c.data, a.rows, a.cols, b.cols, false);
      return c;
    },
    gemmTransB(a, b, out) {
      const c = gemmOut(a, b, true, out);
      k.gemm(a.data, b.data, c.data, a.rows, a.cols, b.rows, true);
      return c;
    },
    matvec(a, x, out) {
      checkMatrix('a', a);
      checkVector('x', x, a.cols);
      const y = out ?? new Float64Array(a.rows);
      checkVector('out', y, a.rows);
      k.matvec(a.data, x, y, a.rows, a.cols);
      return y;
    },
  };
}
