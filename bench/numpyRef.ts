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
}

const SCRIPT = fileURLToPath(new URL('./numpy_reference.py', import.meta.url));

/** NumPy timings, or a string saying why there are none. */
export function numpyReference(args: string[]): NumpyReference | string {
  const r = spawnSync(process.env.PYTHON ?? 'python3', [SCRIPT, ...args], { encoding: 'utf8', timeout: 600_000 });
  if (r.error) return `python3 not available (${r.error.message})`;
  if (r.status !== 0) return `numpy reference failed: ${(r.stderr || '').trim().split('\n').pop()}`;
  try {
    return JSON.parse(r.stdout) as NumpyReference;
  } catch {
    return 'numpy reference printed no JSON';
  }
}
