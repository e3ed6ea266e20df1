// Safety of output files (docs/reliability.md): the exclusive lock on an output, checksums and
// field checks on --resume, timings kept out of records, and file-system errors reported in one
// line naming the flag and the path before any computation. Spawned two-writer races, EPIPE and a
// full disk are in e2e-store.slow.test.ts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { exitFor } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import { OutputFileError } from '../src/errors.ts';
import { recordChecksum, runChecksum } from '../src/montecarlo/jsonlStore.ts';
import { acquireLock, lockPathFor } from '../src/montecarlo/lock.ts';
import { readSweepFile } from '../src/montecarlo/store.ts';
import { runSweep } from '../src/montecarlo/sweep.ts';
import { openUnitStore } from '../src/report/unitStore.ts';
import { smallSweepConfig } from './fixtures/sweep.ts';

const SYNTH = { url: new URL('../src/montecarlo/syntheticUnit.ts', import.meta.url).href, exportName: 'syntheticSweepUnit' };
const dir = mkdtempSync(join(tmpdir(), 'jesd-store-safety-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = smallSweepConfig({ widths: [3], cauchyScale: 1, seed: 7, networks: 3, starts: 4 });
const sweep = (out: string, o: { resume?: boolean; force?: boolean; seed?: number; starts?: number; activation?: string } = {}) =>
  runSweep(
    { ...config, starts: o.starts ?? config.starts, base: { ...config.base, seed: o.seed ?? 7, activation: (o.activation ?? 'sigmoid') as 'sigmoid' } },
    { workers: 1, quiet: true, unitModule: SYNTH, out, resume: o.resume, force: o.force },
  );

/** A process that stays alive during these tests: the owner of "another run's" lock. */
const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], { stdio: 'ignore' });
afterAll(() => { other.kill(); });
const livePid = other.pid!;

/** The pid of a process that has exited (so it runs no more on this host). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

interface Run { code: number; stdout: string; stderr: string }
/** Run the CLI's main() in this process, capturing stdout, stderr and the exit status. */
async function jesd(args: string[]): Promise<Run> {
  let stdout = '', stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  const saved = process.exitCode;
  try {
    await main(['node', 'jesd', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = saved;
  }
}
const errorLines = (r: Run) => r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('jesd: linalg backend'));

describe('exclusive lock on an output', () => {
  it('refuses a lock held by a live process, naming --out; a foreign host is never taken over', () => {
    const target = join(dir, 'live.jsonl');
    const lock = lockPathFor(target);
    writeFileSync(lock, JSON.stringify({ pid: livePid, host: hostname(), started: 'then' }));
    expect(() => acquireLock(lock, { flag: '--out', target })).toThrow(OutputFileError);
    expect(() => acquireLock(lock, { flag: '--out', target })).toThrow(/^--out: .*live\.jsonl is being written by another jesd run \(pid \d+ since then, lock .*live\.jsonl\.lock\)/);
    writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: 'some-other-host.example', started: 'then' }));
    expect(() => acquireLock(lock, { target })).toThrow(/on host some-other-host\.example.*delete .*live\.jsonl\.lock/);
    writeFileSync(lock, '');
    expect(() => acquireLock(lock, { target })).toThrow(/does not name its owner/);
    rmSync(lock);
  });

  it('takes over the stale lock of a dead process with one warning line, and releases only its own lock', () => {
    const lock = join(dir, 'stale.lock');
    const dead = deadPid();
    writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname(), started: 'then' }));
    const warnings: string[] = [];
    const l = acquireLock(lock, { warn: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`stale lock .*stale\\.lock of pid ${dead}`));
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(existsSync(`${lock}.takeover`)).toBe(false);
    // A second acquisition in the same process is refused too (one writer per output).
    expect(() => acquireLock(lock)).toThrow(/already being written by this run/);
    l.release();
    expect(existsSync(lock)).toBe(false);
    // release() never removes a lock that another run holds by now.
    const l2 = acquireLock(lock);
    writeFileSync(lock, JSON.stringify({ pid: 12345, host: 'elsewhere', started: 'now' }));
    l2.release();
    expect(existsSync(lock)).toBe(true);
    // A lock naming this very pid that this process does not hold was left by an earlier process
    // with the same pid: stale.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), started: 'long ago' }));
    const w: string[] = [];
    acquireLock(lock, { warn: (x) => w.push(x) }).release();
    expect(w).toHaveLength(1);
    expect(existsSync(lock)).toBe(false);
  });

  it('a sweep store holds FILE.lock while open and removes it when done or when it fails', async () => {
    const out = join(dir, 'locked.jsonl');
    await sweep(out);
    expect(existsSync(lockPathFor(out))).toBe(false);
    writeFileSync(lockPathFor(out), JSON.stringify({ pid: livePid, host: hostname(), started: 'x' }));
    const before = readFileSync(out, 'utf8');
    await expect(sweep(out, { resume: true })).rejects.toThrow(/^--out: .*locked\.jsonl is being written by another jesd run/);
    await expect(sweep(out, { force: true })).rejects.toThrow(/being written by another jesd run/);
    expect(readFileSync(out, 'utf8')).toBe(before);
    rmSync(lockPathFor(out));
    await expect(sweep(out, { resume: true, seed: 8 })).rejects.toThrow(/--seed differs/);
    expect(existsSync(lockPathFor(out))).toBe(false); // released after the refusal
  });

  it('reproduce refuses a directory locked by another run (exit 2, one line naming --out)', async () => {
    const out = join(dir, 'repro-locked');
    mkdirSync(out);
    writeFileSync(join(out, 'reproduce.lock'), JSON.stringify({ pid: livePid, host: hostname(), started: 'x' }));
    const r = await jesd(['reproduce', '--scale', 'tiny', '--out', out, '--quiet', '--workers', '1']);
    expect(r.code).toBe(2);
    expect(errorLines(r)).toHaveLength(1);
    expect(errorLines(r)[0]).toMatch(/^jesd: --out: .*repro-locked is being written by another jesd run/);
    expect(r.stdout).toBe('');
  });
});

describe('--resume checks every record', () => {
  const resumeError = async (out: string, o: Parameters<typeof sweep>[1] = {}) => {
    const before = readFileSync(out, 'utf8');
    const e = await sweep(out, { resume: true, ...o }).then(() => null, (err: Error) => err);
    expect(readFileSync(out, 'utf8')).toBe(before); // nothing modified
    return e?.message ?? 'accepted';
  };

  it('refuses a record edited in place, naming its line', async () => {
    const out = join(dir, 'edited.jsonl');
    await sweep(out);
    const lines = readFileSync(out, 'utf8').split('\n');
    const r = JSON.parse(lines[4]!);
    r.Q += 1;
    lines[4] = JSON.stringify(r);
    writeFileSync(out, lines.join('\n'));
    expect(await resumeError(out)).toMatch(/^--resume: .*edited\.jsonl line 5 was edited \(its checksum does not match/);
    expect(() => readSweepFile(out)).toThrow(/line 5 was edited/);
  });

  it('refuses records of another seed, start count or activation (whatever their checksum), naming the line and the flag', async () => {
    const out = join(dir, 'mixed.jsonl');
    await sweep(out);
    const good = readFileSync(out, 'utf8');
    const cases: [{ seed?: number; starts?: number; activation?: string }, RegExp][] = [
      [{ seed: 8 }, /line 3 is not a record of this run: seed is 8, the run has --seed 7/],
      [{ starts: 5 }, /line 3 is not a record of this run: starts is 5, the run has --starts 4/],
      [{ activation: 'tanh' }, /line 3 is not a record of this run: activation is "tanh", the run has --activation "sigmoid"/],
    ];
    for (const [other, message] of cases) {
      const foreign = join(dir, `foreign-${Object.keys(other)[0]}.jsonl`);
      await sweep(foreign, other);
      const lines = good.split('\n');
      lines[2] = readFileSync(foreign, 'utf8').split('\n')[2]!; // same unit key, another run
      writeFileSync(out, lines.join('\n'));
      expect(await resumeError(out)).toMatch(message);
    }
  });

  it('refuses an edited run description, and a consistently re-checksummed one through the records', async () => {
    const out = join(dir, 'sidecar.jsonl');
    await sweep(out);
    const meta = JSON.parse(readFileSync(`${out}.meta.json`, 'utf8'));
    meta.config.base.seed = 8; // pass the run off as seed 8
    writeFileSync(`${out}.meta.json`, JSON.stringify(meta));
    expect(await resumeError(out, { seed: 8 })).toMatch(/^--resume: the run description .*sidecar\.jsonl\.meta\.json was edited/);
    meta.checksum = runChecksum(meta);
    writeFileSync(`${out}.meta.json`, JSON.stringify(meta));
    expect(await resumeError(out, { seed: 8 })).toMatch(/sidecar\.jsonl line 1 is not a record of this run: seed is 7, the run has --seed 8/);
    // Records rewritten to seed 8 keep their old checksums, which no longer match.
    const lines = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.stringify({ ...JSON.parse(l), seed: 8 }));
    writeFileSync(out, lines.join('\n') + '\n');
    expect(await resumeError(out, { seed: 8 })).toMatch(/sidecar\.jsonl line 1 was edited/);
  });

  it('reproduce unit stores check each record\'s unit and defining fields on resume', () => {
    const path = join(dir, 'units.jsonl');
    const units = new Map([['a', { width: 3 }], ['b', { width: 4 }]]);
    const s = openUnitStore<{ key: string; width: number; v: number }>(path, 'toy-units', { seed: 1 }, { units });
    s.append({ key: 'a', width: 3, v: 1 });
    s.close();
    expect(() => openUnitStore(path, 'toy-units', { seed: 1 }, { resume: true, units: new Map([['a', { width: 5 }]]) }).close())
      .toThrow(/units\.jsonl line 1 is not a record of this run: width is 3, unit a of this run has 5/);
    expect(() => openUnitStore(path, 'toy-units', { seed: 1 }, { resume: true, units: new Map([['b', { width: 4 }]]) }).close())
      .toThrow(/line 1 is not a record of this run: unit a is not part of this run/);
    const ok = openUnitStore(path, 'toy-units', { seed: 1 }, { resume: true, units });
    expect([...ok.done.keys()]).toEqual(['a']);
    ok.close();
  });

  it('checksums are recomputable from the documented rule (sidecar checksum, newline, canonical record)', async () => {
    const out = join(dir, 'rule.jsonl');
    await sweep(out);
    const meta = JSON.parse(readFileSync(`${out}.meta.json`, 'utf8'));
    expect(meta.checksum).toBe(runChecksum(meta));
    for (const l of readFileSync(out, 'utf8').split('\n').filter((x) => x !== '')) {
      const { checksum, ...rec } = JSON.parse(l);
      expect(checksum).toMatch(/^[0-9a-f]{16}$/);
      expect(checksum).toBe(recordChecksum(meta.checksum, rec));
    }
  });
});

describe('timings stay out of records', () => {
  it('two identical runs write byte-identical record files and descriptions; wall time goes to FILE.timings.json', async () => {
    const a = join(dir, 'same-a.jsonl'), b = join(dir, 'same-b.jsonl');
    await sweep(a);
    await new Promise((r) => setTimeout(r, 5));
    await sweep(b);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    expect(readFileSync(`${b}.meta.json`, 'utf8')).toBe(readFileSync(`${a}.meta.json`, 'utf8'));
    for (const l of readFileSync(a, 'utf8').split('\n').filter((x) => x !== '')) expect(Object.keys(JSON.parse(l))).not.toContain('elapsedMs');
    expect(JSON.parse(readFileSync(`${a}.timings.json`, 'utf8'))).toMatchObject({ workers: 1, computed: 2 * 3 * 2, resumed: 0, wallMs: expect.any(Number) });
  });

  it('fixed-points --json keeps its wall time in a separate "timings" group, out of the results and diagnostics', async () => {
    const args = ['fixed-points', '--width', '6', '--depth', '2', '--starts', '20', '--json'];
    const [a, b] = [await jesd(args), await jesd(args)];
    expect(a.code, a.stderr).toBe(0);
    const [ja, jb] = [JSON.parse(a.stdout), JSON.parse(b.stdout)];
    expect(ja.timings).toEqual({ wallMs: expect.any(Number) });
    expect(Object.keys(ja.diagnostics).filter((k) => /ms$|time|elapsed/i.test(k))).toEqual([]);
    delete ja.timings;
    delete jb.timings;
    expect(jb).toEqual(ja);
  });
});

describe('file-system errors: exit 2, one line naming the flag and the path, before computing', () => {
  const aFile = join(dir, 'plain-file');
  writeFileSync(aFile, 'x');
  const aDir = join(dir, 'a-dir');
  mkdirSync(aDir, { recursive: true });
  const missing = join(dir, 'missing-dir');
  const solve = ['solve', '--depth', '2', '--at', '0.5,1', '--activation', 'tanh'];

  const cases: [string, string[], RegExp][] = [
    ['solve --csv into a missing directory', [...solve, '--csv', join(missing, 'd.csv')], /^jesd: --csv: cannot write .*missing-dir\/d\.csv: directory .*missing-dir does not exist$/],
    ['solve --csv onto a directory', [...solve, '--csv', aDir], /^jesd: --csv: .*a-dir is a directory; give a file name$/],
    ['solve --plot under a regular file', [...solve, '--plot', join(aFile, 'p.svg')], /^jesd: --plot: cannot write .*plain-file\/p\.svg: .*plain-file is a file, not a directory$/],
    ['compare --plot into a missing directory', ['compare', '--width', '4', '--depths', '1..3', '--plot', join(missing, 'c.svg')], /^jesd: --plot: cannot write .*missing-dir\/c\.svg/],
    ['sweep --out into a missing directory', ['sweep', '--width', '3', '--depth', '1', '--out', join(missing, 's.jsonl'), '--quiet'], /^jesd: --out: cannot write .*missing-dir\/s\.jsonl/],
    ['reproduce --out that is a file', ['reproduce', '--scale', 'tiny', '--out', aFile, '--quiet'], /^jesd: --out: .*plain-file is a file, not a directory/],
    ['reproduce --out whose parent is missing', ['reproduce', '--scale', 'tiny', '--out', join(missing, 'deeper', 'r'), '--quiet'], /^jesd: --out: cannot create .*missing-dir\/deeper\/r: its parent directory .*missing-dir\/deeper does not exist/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const r = await jesd(args);
      expect(r.code, r.stderr).toBe(2);
      const lines = errorLines(r);
      expect(lines, r.stderr).toHaveLength(1); // no progress line: nothing was computed
      expect(lines[0]).toMatch(message);
      expect(r.stdout).toBe('');
      expect(existsSync(missing)).toBe(false); // no directory created along the way
    });
  }

  it('an fs error no command mapped still gives one line naming the path (exit 2; 3 for a full disk), no stack trace', () => {
    const lines: string[] = [];
    const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (lines.push(String(c)), true));
    try {
      const enoent = Object.assign(new Error('ENOENT: no such file or directory, open \'/x/y\''), { code: 'ENOENT', syscall: 'open', path: '/x/y' });
      const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: '/x/z' });
      expect(exitFor(enoent)).toBe(2);
      expect(exitFor(enospc)).toBe(3);
    } finally {
      err.mockRestore();
    }
    expect(lines).toEqual([
      'jesd: cannot open /x/y: no such file or directory (ENOENT)\n',
      'jesd: writing /x/z failed: no space left on device (ENOSPC); free space and try again\n',
    ]);
  });

  it('reproduce --quiet refuses a directory holding an earlier run unless --resume or --force (same rule as sweep)', async () => {
    const out = join(dir, 'earlier');
    mkdirSync(out);
    writeFileSync(join(out, 'light.jsonl'), 'precious\n');
    const r = await jesd(['reproduce', '--scale', 'tiny', '--out', out, '--quiet', '--workers', '1']);
    expect(r.code).toBe(2);
    expect(errorLines(r)).toHaveLength(1);
    expect(errorLines(r)[0]).toMatch(/^jesd: --out: .*earlier holds an earlier run \(light\.jsonl\); add --resume to continue it or --force to replace it$/);
    expect(readFileSync(join(out, 'light.jsonl'), 'utf8')).toBe('precious\n');
    const both = await jesd(['reproduce', '--scale', 'tiny', '--out', out, '--quiet', '--resume', '--force']);
    expect(both.code).toBe(2);
    expect(errorLines(both)[0]).toMatch(/--force/);
  });
});
