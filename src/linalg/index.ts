/**
 * Backend selection (issue 6). `JESD_BACKEND=native|ts|ml-matrix` forces one; otherwise the native
 * addon when it loads, else the TypeScript fallback. One line on stderr says which backend is
 * active (printed once, on first use; silence it with JESD_QUIET_BACKEND=1).
 */
import { InvalidSpecError } from '../errors.ts';
import type { LinalgBackend } from './backend.ts';
import { mlMatrixBackend } from './mlmatrix.ts';
import { loadNativeBackend } from './native.ts';
import { tsBackend } from './tsBackend.ts';

export type { ComplexEigenvalues, LinalgBackend } from './backend.ts';
export { spectralRadius } from './arnoldi.ts';
export type { SpectralRadiusDiagnostics, SpectralRadiusOptions } from './arnoldi.ts';

export const BACKEND_NAMES = ['native', 'ts', 'ml-matrix'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

let active: LinalgBackend | null = null;
let nativeResult: LinalgBackend | string | undefined;

function native(): LinalgBackend | string {
  if (nativeResult === undefined) nativeResult = loadNativeBackend();
  return nativeResult;
}

/** The backend named `name`, or the reason it is unavailable (a string). */
export function backendByName(name: BackendName): LinalgBackend | string {
  if (name === 'native') return native();
  if (name === 'ts') return tsBackend;
  return mlMatrixBackend;
}

/** Every backend that loads here, fastest first (for tests and benchmarks). */
export function availableBackends(): LinalgBackend[] {
  const out: LinalgBackend[] = [];
  for (const n of BACKEND_NAMES) {
    const b = backendByName(n);
    if (typeof b !== 'string') out.push(b);
  }
  return out;
}

function announce(b: LinalgBackend, why: string): void {
  if (process.env.JESD_QUIET_BACKEND === '1') return;
  process.stderr.write(`jesd: linalg backend ${b.name}${why ? ` (${why})` : ''}\n`);
}

function select(): LinalgBackend {
  const forced = process.env.JESD_BACKEND;
  if (forced !== undefined && forced !== '') {
    if (!(BACKEND_NAMES as readonly string[]).includes(forced)) {
      throw new InvalidSpecError('JESD_BACKEND', `must be one of ${BACKEND_NAMES.join('|')}, got ${JSON.stringify(forced)}`);
    }
    const b = backendByName(forced as BackendName);
    if (typeof b === 'string') {
      announce(tsBackend, `JESD_BACKEND=${forced} unavailable: ${b}`);
      return tsBackend;
    }
    announce(b, `JESD_BACKEND=${forced}`);
    return b;
  }
  const n = native();
  if (typeof n !== 'string') {
    announce(n, '');
    return n;
  }
  announce(tsBackend, `native ${n}`);
  return tsBackend;
}

export function linalg(): LinalgBackend {
  if (active === null) active = select();
  return active;
}

/** For tests and benchmarks: use a specific backend. */
export function setBackend(b: LinalgBackend): void {
  active = b;
}
