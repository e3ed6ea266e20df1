/** Shared plain types (docs/design.md section 4). */

/** Dense row-major real matrix. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** Diagnostics every solver returns. */
export interface Diagnostics {
  iterations: number;
  residual: number;
  converged: boolean;
  [extra: string]: unknown;
}

/** Every solver returns `{value, diagnostics}`. */
export interface SolverResult<T, D extends Diagnostics = Diagnostics> {
  value: T;
  diagnostics: D;
}

export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  const d = data ?? new Float64Array(rows * cols);
  if (d.length !== rows * cols) throw new RangeError(`matrix data length ${d.length} != ${rows}x${cols}`);
  return { rows, cols, data: d };
}

export function identity(n: number): Matrix {
  const m = matrix(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}
