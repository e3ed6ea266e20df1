/**
 * Backend selection. `JESD_BACKEND=ts|...` forces one; otherwise the fastest that loads.
 * One line on stderr says which backend is active (printed once, on first use, by the CLI).
 */
import type { LinalgBackend } from './backend.ts';
import { mlMatrixBackend } from './mlmatrix.ts';

export type { ComplexEigenvalues, LinalgBackend } from './backend.ts';

let active: LinalgBackend | null = null;

export function linalg(): LinalgBackend {
  if (active === null) active = mlMatrixBackend;
  return active;
}

/** For tests and benchmarks: use a specific backend. */
export function setBackend(b: LinalgBackend): void {
  active = b;
}
