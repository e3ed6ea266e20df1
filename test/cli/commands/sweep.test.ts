// End-to-end `jesd sweep` (docs/cli.md): the contract fields, determinism across --workers,
// interruption by SIGKILL and --resume, and bad input (exit 2 naming the flag, nothing written).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';

const BIN = fileURLToPath(new URL('../../../bin/jesd', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'jesd-e2e-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function jesd(args: string[], opts: { killWhen?: () => boolean } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'sweep', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timer: NodeJS.Timeout | undefined;
    if (opts.killWhen) {
      timer = setInterval(() => {
        if (opts.killWhen!()) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }, 10);
    }
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Run `jesd sweep` through the CLI's main() in this process, capturing stdout, stderr and the exit status. */
async function jesdInProcess(args: string[]): Promise<Run> {
  let stdout = '', stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const saved = process.exitCode;
  try {
    await main(['node', 'jesd', 'sweep', ...args]);
    return { code: Number(process.exitCode ?? 0), signal: null, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = saved;
  }
}

const readLines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
/** Records (every line of the file, exactly as written: no wall time in them), sorted. */
const records = (path: string) => readLines(path).sort();

// 2 laws x 2 depths x 12 networks = 48 units of ~20-60 ms each: long enough to interrupt mid-run.
const GRID = ['--width', '12', '--depth', '1,2', '--weights', 'gaussian,cauchy', '--networks', '12', '--starts', '80', '--seed', '5'];
const TOTAL = 48;

describe('jesd sweep end to end', () => {
  it('is deterministic across --workers, and resumes after SIGKILL to the same records without duplicates', async () => {
    const ref = join(dir, 'ref.jsonl'), cut = join(dir, 'cut.jsonl');
    const recordCount = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').length - 1 : 0);
    const [refRun, killed] = await Promise.all([
      jesd([...GRID, '--workers', '1', '--out', ref, '--json']),
      jesd([...GRID, '--workers', '2', '--out', cut, '--json'], { killWhen: () => recordCount(cut) >= 3 }),
    ]);
    expect(refRun.code, refRun.stderr).toBe(0);
    expect(killed.signal).toBe('SIGKILL');
    const finishedBeforeKill = readLines(cut).length;
    expect(finishedBeforeKill).toBeGreaterThanOrEqual(2);
    expect(finishedBeforeKill).toBeLessThan(TOTAL);
    // A crash mid-write leaves a partial line; add one to make sure resume repairs it.
    appendFileSync(cut, '{"width":12,"depth":2,"weig');

    // Contract fields of EVERY line (CLI.md: one JSON line per network) and of the JSON summary;
    // the run description lives beside the file, in FILE.jsonl.meta.json.
    const refLines = readFileSync(ref, 'utf8').split('\n');
    expect(refLines.pop()).toBe('');
    expect(refLines).toHaveLength(TOTAL);
    expect(JSON.parse(readFileSync(`${ref}.meta.json`, 'utf8'))).toMatchObject({ format: 'jesd-sweep', version: 2, config: { widths: [12], depths: [1, 2] } });
    for (const l of refLines) {
      const r = JSON.parse(l);
      expect(r).toMatchObject({ width: 12, depth: expect.any(Number), weights: expect.stringMatching(/^(gaussian|cauchy)$/), seed: 5, network: expect.any(Number), Q: expect.any(Number) });
      for (const f of ['width', 'depth', 'weights', 'alpha', 'seed', 'network', 'Q', 'scaling', 'sigmaW', 'starts', 'shareFixed', 'shareCycles', 'shareUnsettled', 'checksum']) {
        expect(r, f).toHaveProperty(f);
      }
      expect(Number.isInteger(r.Q) && Number.isInteger(r.network)).toBe(true);
    }
    const refSummary = JSON.parse(refRun.stdout);
    expect(refSummary).toHaveLength(4);
    for (const row of refSummary) {
      for (const f of ['width', 'depth', 'weights', 'meanQ', 'stderrQ', 'pQAbove1', 'networks']) expect(row, f).toHaveProperty(f);
      expect(row.networks).toBe(12);
    }

    const resumed = await jesd([...GRID, '--workers', '2', '--out', cut, '--resume', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const cutRecords = records(cut);
    expect(cutRecords).toHaveLength(TOTAL);
    expect(new Set(cutRecords).size).toBe(TOTAL);
    expect(cutRecords).toEqual(records(ref));
    // The summary (sorted deterministically) is byte-identical to the uninterrupted 1-worker run's.
    expect(resumed.stdout).toBe(refRun.stdout);
    expect(resumed.stderr).toMatch(/resumed \d+ finished networks/);
  });

  it('prints a side-by-side table for a list of weight laws', async () => {
    const r = await jesd(['--width', '4', '--depth', '1', '--weights', 'gaussian,cauchy', '--networks', '3', '--starts', '10', '--workers', '1', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const header = r.stdout.split('\n').find((l) => l.includes('|') && l.includes('gaussian'))!;
    expect(header).toMatch(/gaussian.*\|.*cauchy/);
    expect(r.stdout).toMatch(/natural scaling/);
    expect(r.stderr).not.toMatch(/networks/); // --quiet: no progress lines
  });

  it('exits 2 naming the flag on bad input and writes nothing', async () => {
    const exists = join(dir, 'exists.jsonl');
    writeFileSync(exists, 'not a sweep\n');
    const garbage = join(dir, 'garbage.jsonl');
    writeFileSync(garbage, 'garbage\n{"also": "bad"}\n');
    const good = join(dir, 'good.jsonl');
    const small = ['--width', '3', '--depth', '1', '--networks', '2', '--starts', '5', '--workers', '1', '--quiet'];
    const first = await jesdInProcess([...small, '--out', good]);
    expect(first.code, first.stderr).toBe(0);
    const goodBefore = readFileSync(good, 'utf8');
    // The same records without their run description (the sidecar was deleted).
    const noMeta = join(dir, 'nometa.jsonl');
    copyFileSync(good, noMeta);
    const cases: [string[], RegExp, string | null][] = [
      [['--width', '3', '--depth', '1', '--networks', '0', '--out', join(dir, 'n0.jsonl')], /--networks/, join(dir, 'n0.jsonl')],
      [['--width', '3', '--depth', '1', '--workers', '0', '--out', join(dir, 'w0.jsonl')], /--workers/, join(dir, 'w0.jsonl')],
      [['--width', '3', '--depth', '1', '--weights', 'gaussian,lognormal', '--out', join(dir, 'law.jsonl')], /--weights.*gaussian\|cauchy/, join(dir, 'law.jsonl')],
      [['--depth', '1', '--out', join(dir, 'nowidth.jsonl')], /--width/, join(dir, 'nowidth.jsonl')],
      [[...small, '--out', noMeta, '--resume'], /--resume.*meta\.json is missing.*--out/, null], // records whose sidecar was deleted
      [['--width', '3', '--depth', '1', '--resume'], /--resume.*--out/, null],
      [[...small, '--out', exists], /--out.*--force/, null],
      [[...small, '--out', garbage, '--resume'], /--resume.*not a jesd sweep file.*--out/, null],
      [['--width', '3', '--depth', '2', '--networks', '2', '--starts', '5', '--workers', '1', '--out', good, '--resume'], /--resume: --depth differs/, null],
      [[...small.slice(0, 4), '--networks', '3', ...small.slice(6), '--out', good, '--resume'], /--resume: --networks differs/, null],
    ];
    // Three cases as real processes (exit status of bin/jesd), the rest in-process through the same main().
    const spawned = await Promise.all(cases.slice(0, 3).map(([args]) => jesd(args)));
    const inProcess: Run[] = [];
    for (const [args] of cases.slice(3)) inProcess.push(await jesdInProcess(args));
    [...spawned, ...inProcess].forEach((r, i) => {
      const [args, message, mustNotExist] = cases[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('jesd: linalg backend'));
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0], args.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
      if (mustNotExist) expect(existsSync(mustNotExist), mustNotExist).toBe(false);
    });
    expect(readFileSync(exists, 'utf8')).toBe('not a sweep\n');
    expect(readFileSync(garbage, 'utf8')).toBe('garbage\n{"also": "bad"}\n');
    expect(readFileSync(good, 'utf8')).toBe(goodBefore);
    expect(readFileSync(noMeta, 'utf8')).toBe(goodBefore);
    expect(existsSync(`${noMeta}.meta.json`)).toBe(false);
    expect(statSync(good).size).toBeGreaterThan(0);
  });
});
