/**
 * Native backend: the C++ addon built from native/*.cc by node-gyp at `npm ci` (native/build.cjs).
 * Loaded with createRequire relative to the package root, so it works from any cwd and inside
 * vitest's forked workers. `loadNativeBackend()` returns the backend or the reason it is unusable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NonConvergenceError } from '../errors.ts';
import type { Matrix } from '../types.ts';
import type { LinalgBackend } from './backend.ts';
import { checkMatrix, checkSquare, checkVector, productMethods } from './checks.ts';

interface NativeAddon {
  gemm(a: Float64Array, b: Float64Array, c: Float64Array, m: number, k: number, n: number, transB: boolean): number;
  matvec(a: Float64Array, x: Float64Array, y: Float64Array, m: number, n: number): number;
  luSolve(a: Float64Array, b: Float64Array, x: Float64Array, n: number): number;
  symEig(a: Float64Array, w: Float64Array, n: number): number;
  svdValues(a: Float64Array, s: Float64Array, m: number, n: number): number;
  eig(a: Float64Array, re: Float64Array, im: Float64Array, n: number): number;
  setThreads(t: number): number;
  populationSweep?: PopulationSweepFn;
  populationRadius?: PopulationRadiusFn;
  simd: string;
  threads: number;
}

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ADDON_PATH = join(PACKAGE_ROOT, 'build', 'Release', 'jesd_linalg.node');
const TARGET_PATH = join(PACKAGE_ROOT, 'build', 'jesd-target.json');

/** CPU features the binary was compiled for must all be present on this CPU (else SIGILL). */
function cpuMismatch(): string | null {
  if (!existsSync(TARGET_PATH)) return null;
  let features: string[] = [];
  try {
    features = (JSON.parse(readFileSync(TARGET_PATH, 'utf8')) as { features?: string[] }).features ?? [];
  } catch {
    return 'unreadable build/jesd-target.json';
  }
  if (features.length === 0 || !existsSync('/proc/cpuinfo')) return null;
  const flags = new Set((readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1] ?? '').trim().split(/\s+/));
  const missing = features.filter((f) => !flags.has(f));
  return missing.length > 0 ? `built for CPU features this CPU lacks: ${missing.join(', ')} (rebuild with npm rebuild)` : null;
}

function wrap(addon: NativeAddon): LinalgBackend {
  const status = (what: string, code: number, n: number): void => {
    if (code !== 0) throw new NonConvergenceError(`${what}: native ${what} failed (status ${code}) on a ${n}x${n} matrix`, { iterations: 0, residual: Infinity, converged: false });
  };
  return {
    name: `native (${addon.simd}, ${addon.threads} thread${addon.threads === 1 ? '' : 's'})`,
    ...productMethods(addon),
    luSolve(a, b) {
      checkSquare('a', a);
      checkVector('b', b, a.rows);
      const x = new Float64Array(a.rows);
      const code = addon.luSolve(a.data, b, x, a.rows);
      if (code === 1) throw new NonConvergenceError(`luSolve: matrix is numerically singular (pivot <= n eps max|a_ij|, n = ${a.rows})`, { iterations: 0, residual: Infinity, converged: false });
      if (code === 2) throw new NonConvergenceError('luSolve: non-finite entries in a or b', { iterations: 0, residual: Infinity, converged: false });
      return x;
    },
    symmetricEigenvalues(a) {
      checkSquare('a', a);
      const w = new Float64Array(a.rows);
      status('symmetricEigenvalues', addon.symEig(a.data, w, a.rows), a.rows);
      return w;
    },
    singularValues(a: Matrix) {
      checkMatrix('a', a);
      const s = new Float64Array(Math.min(a.rows, a.cols));
      status('singularValues', addon.svdValues(a.data, s, a.rows, a.cols), a.rows);
      return s;
    },
    eigenvalues(a) {
      checkSquare('a', a);
      const re = new Float64Array(a.rows);
      const im = new Float64Array(a.rows);
      status('eigenvalues', addon.eig(a.data, re, im, a.rows), a.rows);
      return { re, im };
    },
  };
}

/** Set the number of threads of the native GEMM and the native decompositions (default 1, or JESD_NATIVE_THREADS); results do not depend on it. Returns false if native is not loaded. */
export function setNativeThreads(threads: number): boolean {
  if (loaded === null) return false;
  loaded.setThreads(threads);
  return true;
}

let loaded: NativeAddon | null = null;

/**
 * One population-dynamics sweep (native/heavy.cc; TypeScript twin populationSweepTs in
 * src/jacobian/heavyPopulation.ts). params = [L, P, K, weightScale2, remainderSq, zRe, zIm,
 * damping, fresh]; g receives the input- and output-side G (re, im, re, im).
 */
export type PopulationSweepFn = (
  params: Float64Array, d: Float64Array, children: Int32Array, childW2: Float64Array, parents: Int32Array, parentD2: Float64Array, parentF: Float64Array,
  tRe: Float64Array, tIm: Float64Array, sRe: Float64Array, sIm: Float64Array, uRe: Float64Array, uIm: Float64Array, g: Float64Array,
) => number;

/**
 * The sweeps at one z for several populations at once (native/heavy.h population_radius), one
 * replica per thread. options = [zRe, zIm, sweeps, fresh, damping, tolerance (<= 0: none),
 * threads]; each population is (params, d, children, childW2, parents, parentD2, parentF, tRe, tIm,
 * sRe, sIm, uRe, uIm); out[6 r ..] = (Re G_in, Im G_in, Re G_out, Im G_out, sweeps, mean |G_in|^2).
 */
export type PopulationRadiusFn = (options: Float64Array, populations: (Float64Array | Int32Array)[][], out: Float64Array) => number;

let sweepResult: PopulationSweepFn | null | undefined;
let radiusResult: PopulationRadiusFn | null | undefined;
/**
 * The native population sweep, or null when the native addon does not load, lacks it, or
 * JESD_BACKEND forces a pure-TypeScript backend (then the TypeScript twin runs).
 */
export function nativePopulationSweep(): PopulationSweepFn | null {
  if (sweepResult === undefined) {
    const forced = process.env.JESD_BACKEND;
    if (forced === 'ts' || forced === 'ml-matrix') sweepResult = null;
    else {
      if (loaded === null) loadNativeBackend();
      const f = loaded?.populationSweep;
      sweepResult = f === undefined ? null : f.bind(loaded);
    }
  }
  return sweepResult;
}

/** The native multi-replica driver, or null (same conditions as nativePopulationSweep). */
export function nativePopulationRadius(): PopulationRadiusFn | null {
  if (radiusResult === undefined) {
    const f = nativePopulationSweep() === null ? undefined : loaded?.populationRadius;
    radiusResult = f === undefined ? null : f.bind(loaded);
  }
  return radiusResult;
}

/** For tests: force the TypeScript twins (false) or the native kernels when available (true). */
export function useNativePopulationSweep(on: boolean): void {
  sweepResult = on ? undefined : null;
  radiusResult = on ? undefined : null;
}

export function loadNativeBackend(): LinalgBackend | string {
  if (!existsSync(ADDON_PATH)) return `not built (${ADDON_PATH} missing; npm ci builds it when a C++ toolchain is present)`;
  const mismatch = cpuMismatch();
  if (mismatch !== null) return mismatch;
  let addon: NativeAddon;
  try {
    addon = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
  } catch (e) {
    return `failed to load: ${(e as Error).message.split('\n')[0]}`;
  }
  // Self-test: a tiny product against the definition, so a miscompiled binary is never used.
  const a = Float64Array.from([1, 2, 3, 4, 5, 6]);
  const b = Float64Array.from([7, 8, 9, 10, 11, 12]);
  const c = new Float64Array(4);
  addon.gemm(a, b, c, 2, 3, 2, false);
  if (c[0] !== 58 || c[1] !== 64 || c[2] !== 139 || c[3] !== 154) return 'self-test failed (gemm)';
  loaded = addon;
  return wrap(addon);
}
