/**
 * Backend selection (docs/linalg-backends.md). `JESD_BACKEND=native|ts|ml-matrix` forces one; otherwise the native
 * addon when it loads, else the TypeScript fallback. One line on stderr says which backend is
 * active (printed once, on first use; silence it with JESD_QUIET_BACKEND=1).
 */
import { InvalidSpecError, NonConvergenceError } from '../errors.ts';
import type { Matrix } from '../types.ts';
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

/** The iterative decompositions that get one retry with the reference (luSolve's failure is a verdict: singular). */
export const RETRIED_KERNELS = ['symmetricEigenvalues', 'singularValues', 'eigenvalues'] as const;

/**
 * Safety net (not a substitute for robust kernels): `fast` with each of RETRIED_KERNELS retried once
 * on the ml-matrix `reference` when it throws NonConvergenceError on finite input, with one line on
 * `warn` naming the backend, the kernel and the shape. A Monte Carlo run then never loses a network
 * to a kernel failure; non-finite input and a failure of the reference still throw.
 */
export function withReferenceRetry(
  fast: LinalgBackend,
  reference: LinalgBackend = mlMatrixBackend,
  warn: (line: string) => void = (line) => process.stderr.write(line),
): LinalgBackend {
  const retry = <T>(kernel: (typeof RETRIED_KERNELS)[number], a: Matrix, run: (b: LinalgBackend) => T): T => {
    try {
      return run(fast);
    } catch (e) {
      if (!(e instanceof NonConvergenceError) || !a.data.every(Number.isFinite)) throw e;
      warn(`jesd: ${fast.name} ${kernel} did not converge on a ${a.rows}x${a.cols} matrix (${e.message}); retried with ${reference.name}\n`);
      return run(reference);
    }
  };
  // The reference gets A scaled exactly (two powers of two) to max |a_ij| in [0.5, 1): ml-matrix's
  // QR has no iteration cap and was measured to loop forever on 10x10 matrices with entries ~1e-180.
  // All three kernels are homogeneous of degree 1, so the results scale back exactly.
  const scaled = (a: Matrix): { m: Matrix; up: (x: Float64Array) => Float64Array } => {
    let amax = 0;
    for (let i = 0; i < a.data.length; i++) amax = Math.max(amax, Math.abs(a.data[i]!));
    if (amax === 0) return { m: a, up: (x) => x };
    const ex = Math.floor(Math.log2(amax)) + 1;
    const ex1 = Math.trunc(ex / 2);
    const d1 = 2 ** -ex1;
    const d2 = 2 ** -(ex - ex1);
    return {
      m: { rows: a.rows, cols: a.cols, data: a.data.map((v) => v * d1 * d2) },
      up: (x) => x.map((v) => v * 2 ** ex1 * 2 ** (ex - ex1)),
    };
  };
  const reference0 = reference;
  reference = {
    ...reference0,
    symmetricEigenvalues: (a) => {
      const s = scaled(a);
      return s.up(reference0.symmetricEigenvalues(s.m));
    },
    singularValues: (a) => {
      const s = scaled(a);
      return s.up(reference0.singularValues(s.m));
    },
    eigenvalues: (a) => {
      const s = scaled(a);
      const ev = reference0.eigenvalues(s.m);
      return { re: s.up(ev.re), im: s.up(ev.im) };
    },
  };
  return {
    ...fast,
    gemm: fast.gemm.bind(fast),
    gemmTransB: fast.gemmTransB.bind(fast),
    matvec: fast.matvec.bind(fast),
    luSolve: fast.luSolve.bind(fast),
    symmetricEigenvalues: (a) => retry('symmetricEigenvalues', a, (b) => b.symmetricEigenvalues(a)),
    singularValues: (a) => retry('singularValues', a, (b) => b.singularValues(a)),
    eigenvalues: (a) => retry('eigenvalues', a, (b) => b.eigenvalues(a)),
  };
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
  if (active === null) {
    const b = select();
    active = b === mlMatrixBackend ? b : withReferenceRetry(b);
  }
  return active;
}

/** For tests and benchmarks: use a specific backend. */
export function setBackend(b: LinalgBackend): void {
  active = b;
}
