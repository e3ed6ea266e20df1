/** Shared by the bench scripts: run bench/numpy_reference.py once if python3 + numpy are present. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface NumpyReference {
  numpy: string;
  blas: string;
  kernels: Record<string, Record<string, number>>;
  network: Record<string, { forwardPassesPerSecond: number; jacobianSvdPerSecond: number; forwardBatchMs: number; jacobianSvdMs: number }>;
  depth: number;
  batch: number;
  /** One full-batch Adam step (--train-step N,L,P; bench/training.bench.ts), or null. */
  train?: { adamStepMs: number; N: number; L: number; P: number } | null;
  /** GD steps of the 5-point landscape experiment (--landscape-gd R,STEPS; bench/landscape.bench.ts), or null. */
  landscape?: { stepUs: number; r: number; steps: number } | null;
}

const SCRIPT = fileURLToPath(new URL('./numpy_reference.py', import.meta.url));

function runOnce(args: string[], env: NodeJS.ProcessEnv): NumpyReference | string {
  const r = spawnSync(process.env.PYTHON ?? 'python3', [SCRIPT, ...args], { encoding: 'utf8', timeout: 600_000, env });
  if (r.error) return `python3 not available (${r.error.message})`;
  if (r.status !== 0) return `numpy reference failed: ${(r.stderr || '').trim().split('\n').pop()}`;
  try {
    return JSON.parse(r.stdout) as NumpyReference;
  } catch {
    return 'numpy reference printed no JSON';
  }
}

/**
 * NumPy timings, or a string saying why there are none. NumPy runs twice, with OpenBLAS's default
 * threads and with OPENBLAS_NUM_THREADS=1, and each entry keeps the faster of the two: on a shared,
 * loaded machine multi-threaded OpenBLAS can be many times slower than single-threaded, and the
 * reference should be NumPy at its best, not at its worst.
 */
export function numpyReference(args: string[]): NumpyReference | string {
  const multi = runOnce(args, process.env);
  if (typeof multi === 'string') return multi;
  const single = runOnce(args, { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' });
  if (typeof single === 'string') return multi;
  for (const [n, ks] of Object.entries(multi.kernels)) {
    for (const k of Object.keys(ks)) ks[k] = Math.min(ks[k]!, single.kernels[n]?.[k] ?? Infinity);
  }
  for (const [n, m] of Object.entries(multi.network)) {
    const s = single.network[n];
    if (!s) continue;
    m.forwardBatchMs = Math.min(m.forwardBatchMs, s.forwardBatchMs);
    m.jacobianSvdMs = Math.min(m.jacobianSvdMs, s.jacobianSvdMs);
    m.forwardPassesPerSecond = Math.max(m.forwardPassesPerSecond, s.forwardPassesPerSecond);
    m.jacobianSvdPerSecond = Math.max(m.jacobianSvdPerSecond, s.jacobianSvdPerSecond);
  }
  if (multi.train && single.train) multi.train.adamStepMs = Math.min(multi.train.adamStepMs, single.train.adamStepMs);
  if (multi.landscape && single.landscape) multi.landscape.stepUs = Math.min(multi.landscape.stepUs, single.landscape.stepUs);
  multi.blas += ' (best of default threads and 1 thread)';
  return multi;
}
