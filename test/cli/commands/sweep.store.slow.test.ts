// End to end, by spawning bin/jesd (docs/reliability.md): a second writer on a running sweep's
// --out is refused while the first finishes alone; SIGTERM releases the lock and SIGKILL leaves a
// stale one that the next run takes over; a reader of stdout going away (EPIPE) ends the command
// quietly; a full disk mid-run (/dev/full) exits 3 with one line naming --out.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../../bin/jesd', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'jesd-e2e-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function jesd(args: string[], opts: { onStart?: (kill: (s: NodeJS.Signals) => void) => void; closeStdoutAfterFirstChunk?: boolean } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (opts.closeStdoutAfterFirstChunk) child.stdout.destroy(); // the reader goes away, like `| head -1`
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    opts.onStart?.((s) => child.kill(s));
  });
}

const waitFor = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 3000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
};
const errorLines = (r: Run) => r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('jesd: linalg backend'));
const recordLines = (p: string) => readFileSync(p, 'utf8').split('\n').filter((l) => l !== '');

// 2 depths x 16 networks of width 12 with 150 starts: a few seconds on one worker.
const GRID = ['sweep', '--width', '12', '--depth', '1,2', '--networks', '16', '--starts', '150', '--workers', '1', '--quiet'];
const TOTAL = 32;
// The first of two writers: minutes of work, stopped by the test.
const LONG = ['sweep', '--width', '12', '--depth', '1,2', '--networks', '2000', '--starts', '600', '--workers', '1', '--quiet'];
const LONG_TOTAL = 4000;

describe('two writers on one output', () => {
  it('refuses a second writer (--resume, --force, plain) while the first runs; the file holds one run, each unit once', async () => {
    const out = join(dir, 'race.jsonl');
    const lock = `${out}.lock`;
    let firstDone = false;
    let stopFirst: (s: NodeJS.Signals) => void = () => {};
    // The first writer has far more work than the test needs; it is stopped (SIGTERM) once the
    // second writers have been refused, so the test does not depend on how fast the machine is.
    const first = jesd([...LONG, '--seed', '5', '--out', out], { onStart: (kill) => (stopFirst = kill) }).then((r) => ((firstDone = true), r));
    await waitFor(() => existsSync(lock) && existsSync(out) && recordLines(out).length >= 2, 'the first writer\'s lock and records');
    const seconds = await Promise.all([['--resume'], ['--force'], []].map((extra) => jesd([...LONG, '--seed', extra.length ? '5' : '6', '--out', out, ...extra])));
    expect(firstDone).toBe(false); // the second writers ran while the first was writing
    stopFirst('SIGTERM');
    const a = await first;
    expect(a.code, a.stderr).toBe(143);
    expect(a.stderr).toMatch(/interrupted by SIGTERM; finished networks are saved/);
    for (const b of seconds) {
      expect(b.code, b.stderr).toBe(2);
      const lines = errorLines(b);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^jesd: --out: .*race\.jsonl is being written by another jesd run \(pid \d+ .*race\.jsonl\.lock\); wait for it to finish or choose another --out$/);
      expect(b.stdout).toBe('');
    }
    const recs = recordLines(out).map((l) => JSON.parse(l));
    expect(recs.length).toBeGreaterThanOrEqual(2);
    expect(recs.length).toBeLessThan(LONG_TOTAL);
    expect(new Set(recs.map((r) => `${r.depth}#${r.network}`)).size).toBe(recs.length); // each unit once
    expect(recs.every((r) => r.seed === 5)).toBe(true); // one run's records only
    expect(existsSync(lock)).toBe(false); // released on SIGTERM
    // The file is intact: a run with other flags is refused naming the flag (its records were checked
    // by nothing else than the first run), and the same flags are accepted by --resume.
    const other = await jesd([...LONG, '--seed', '6', '--out', out, '--resume']);
    expect(other.code).toBe(2);
    expect(errorLines(other)[0]).toMatch(/--resume: --seed differs/);
  });

  it('SIGTERM releases the lock; SIGKILL leaves a stale lock that the next run takes over with one warning', async () => {
    const out = join(dir, 'signals.jsonl');
    const lock = `${out}.lock`;
    const termed = await jesd([...GRID, '--seed', '9', '--out', out], {
      onStart: (kill) => void waitFor(() => existsSync(lock), 'lock').then(() => kill('SIGTERM')),
    });
    expect(termed.code).toBe(143);
    expect(existsSync(lock)).toBe(false);
    const killed = await jesd([...GRID, '--seed', '9', '--out', out, '--resume'], {
      onStart: (kill) => void waitFor(() => existsSync(lock), 'lock').then(() => kill('SIGKILL')),
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(lock)).toBe(true); // nothing runs on SIGKILL
    const resumed = await jesd([...GRID, '--seed', '9', '--out', out, '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const warnings = errorLines(resumed);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^jesd: warning: taking over the stale lock .*signals\.jsonl\.lock of pid \d+ \(no longer running\)/);
    expect(new Set(recordLines(out).map((l) => { const r = JSON.parse(l); return `${r.depth}#${r.network}`; })).size).toBe(TOTAL);
    expect(recordLines(out)).toHaveLength(TOTAL);
    expect(existsSync(lock)).toBe(false);
  });
});

describe('the reader of stdout goes away (EPIPE)', () => {
  for (const args of [['law', '--name', 'semicircle', '--at', '-2..2:0.0001'], ['--help']]) {
    it(`jesd ${args.join(' ')} | head -1 exits 0 without a message`, async () => {
      const r = await jesd(args, { closeStdoutAfterFirstChunk: true });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });
  }
});

describe('a full disk during a sweep', () => {
  it.runIf(existsSync('/dev/full'))('exits 3 with one line naming --out and the path (records file on /dev/full)', async () => {
    const out = join(dir, 'full.jsonl');
    symlinkSync('/dev/full', out); // every write to it fails with ENOSPC; the sidecar and lock go beside it
    const r = await jesd(['sweep', '--width', '3', '--depth', '1', '--networks', '2', '--starts', '5', '--workers', '1', '--quiet', '--out', out]);
    expect(r.code).toBe(3);
    const lines = errorLines(r);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^jesd: --out: writing .*full\.jsonl failed: no space left on device \(ENOSPC\)/);
    expect(r.stdout).toBe('');
    expect(existsSync(`${out}.lock`)).toBe(false);
  });
});
