// `bin/jesd` in a separate process (what a user or a cluster job runs), with its exit code and output.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/jesd', import.meta.url));

export interface ProcessRun { code: number | null; stdout: string; stderr: string }

export function jesdProcess(args: string[], opts: { cwd?: string } = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(opts.cwd ? { cwd: opts.cwd } : {}) });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** stderr lines other than the linalg backend announcement. */
export const errorLines = (r: ProcessRun): string[] => r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('jesd: linalg backend'));
