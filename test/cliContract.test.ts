// The CLI contract for bad input (docs/reliability.md): every command, driven in-process with
// generated bad argv (wrong types, non-decimal numbers, out-of-range values, unknown flags, flags
// that do not apply), exits 2 (or 3) with exactly one stderr line that names a flag, prints no
// stack trace and nothing on stdout. Bad output paths are covered by test/storeSafety.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../src/cli/main.ts';
import { runCli } from './helpers/cli.ts';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jesd-contract-'));
  process.env.JESD_QUIET_BACKEND = '1';
  // Two 2x2 grey images for restore (the JSON form of --images).
  writeFileSync(join(dir, 'images.json'), JSON.stringify({ width: 2, height: 2, images: [[0, 1, 1, 0], [1, 0, 0, 1]] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

/** A cheap valid invocation of each command, to which one bad change is applied. */
const BASE: Record<string, () => string[]> = {
  'fixed-points': () => ['--width', '2', '--depth', '1', '--starts', '4'],
  spectrum: () => ['--width', '2', '--depth', '1'],
  sweep: () => ['--width', '2', '--depth', '1', '--networks', '1', '--workers', '1', '--starts', '4', '--quiet', '--force', '--out', join(dir, 'sweep.jsonl')],
  reproduce: () => ['--scale', 'tiny', '--quiet', '--workers', '1', '--out', join(dir, `reproduce-${Math.random().toString(36).slice(2)}`)],
  compare: () => ['--width', '2', '--depths', '1', '--networks', '1', '--starts', '4'],
  law: () => ['--name', 'semicircle', '--at', '0'],
  solve: () => ['--depth', '1', '--at', '1'],
  count: () => ['--width', '1', '--depth', '1', '--samples', '64', '--quiet'],
  merge: () => [join(dir, 'merged.jsonl'), join(dir, 'no-such-shard.jsonl'), '--quiet'],
  train: () => ['--width', '2', '--depth', '1', '--patterns', '2', '--steps', '2', '--quiet', '--out', join(dir, `net-${Math.random().toString(36).slice(2)}.json`)],
  timescales: () => ['--sigma', '0,1,1', '--phi', '0,1,1', '--eps', '1e-6', '--particles', '8', '--t-end', '0.05', '--quiet'],
  'train-sweep': () => ['--width', '2', '--depth', '1', '--patterns', '2', '--steps', '2', '--networks', '1', '--starts', '4', '--workers', '1', '--quiet', '--force', '--out', join(dir, 'train-sweep.jsonl')],
  restore: () => ['--width', '4', '--depth', '1', '--images', join(dir, 'images.json'), '--damage', 'flip:25', '--trials', '1'],
  landscape: () => ['--data', 'wu-5point', '--width', '3', '--steps', '50', '--draws', '10', '--quiet'],
  allocation: () => ['--arch', 'linear', '--widths', '2,2,1', '--allocation', 'rows:1:0', '--inputs', '1', '--draws', '2', '--quiet'],
  modes: () => ['--width', '3', '--depth', '2', '--samples', '8'],
  basin: () => ['--diagonal', '8,-4', '--width', '1', '--space', 'sample', '--directions', '2', '--bisection-steps', '4', '--quiet'],
};

/** Flags whose value is a path or free text (any string is valid there). */
const FREE_TEXT = new Set(['--out', '--plot', '--csv', '--images', '--data-file']);
const BAD_VALUES = ['abc', '0x10', '1...3', '1.', 'NaN', 'Infinity', '1e999', '', '-', '1,,2', '3abc'];

function valueFlags(command: string): string[] {
  const cmd = buildProgram().commands.find((c) => c.name() === command)!;
  return cmd.options.filter((o) => (o.required || o.optional) && !FREE_TEXT.has(o.long!)).map((o) => o.long!);
}

function expectOneLineRefusal(r: { code: number; stdout: string; stderr: string }, argv: string[]): void {
  const where = `jesd ${argv.join(' ')}`;
  expect([2, 3], `${where}: exit status (stderr: ${r.stderr})`).toContain(r.code);
  expect(r.stdout, `${where}: nothing on stdout`).toBe('');
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines, `${where}: exactly one stderr line`).toHaveLength(1);
  expect(lines[0], `${where}: names a flag or a path`).toMatch(/--[a-z]|\//);
  expect(r.stderr, `${where}: no stack trace`).not.toMatch(/\n\s+at /);
}

describe('CLI contract: bad input is one line, exit 2 or 3, nothing on stdout', () => {
  const commands = Object.keys(BASE);

  it('covers every registered command', () => {
    expect(buildProgram().commands.map((c) => c.name()).sort()).toEqual([...commands].sort());
  });

  it('a bad value for any flag that takes one', async () => {
    const cases = commands.flatMap((c) => valueFlags(c).map((f) => [c, f] as const));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), fc.constantFrom(...BAD_VALUES), async ([command, flag], bad) => {
        const base = BASE[command]!();
        const i = base.indexOf(flag);
        const argv = i >= 0 ? [command, ...base.slice(0, i), ...base.slice(i + 2), `${flag}=${bad}`] : [command, ...base, `${flag}=${bad}`];
        expectOneLineRefusal(await run(argv), argv);
      }),
      { numRuns: Number(process.env.JESD_CONTRACT_RUNS ?? 120), seed: 20261128 },
    );
  });

  it('out-of-range values of the network flags', async () => {
    const cases: [string, string][] = [['--width', '0'], ['--width', '100001'], ['--depth', '0'], ['--depth', '2.5'], ['--sigma-w', '0'], ['--sigma-w', '-1'], ['--sigma-b', '-2'], ['--seed', '-1'], ['--seed', '1.5']];
    for (const command of ['fixed-points', 'spectrum', 'sweep', 'compare', 'count']) {
      for (const [flag, value] of cases) {
        const base = BASE[command]!();
        const i = base.indexOf(flag);
        const argv = [command, ...(i >= 0 ? [...base.slice(0, i), ...base.slice(i + 2)] : base), flag, value];
        expectOneLineRefusal(await run(argv), argv);
      }
    }
  });

  it('unknown flags, unknown commands and missing values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...commands), fc.stringMatching(/^[a-z]{3,10}$/), async (command, word) => {
        const argv = [command, ...BASE[command]!(), `--no-such-${word}`];
        expectOneLineRefusal(await run(argv), argv);
      }),
      { numRuns: 24, seed: 1 },
    );
    for (const argv of [['no-such-command'], ['fixed-points', '--width'], ['solve', '--depth', '1', '--at', '1', 'extra']]) {
      expectOneLineRefusal(await run(argv), argv);
    }
  });

  it('flags that do not apply are refused, not ignored', async () => {
    const cases: string[][] = [
      ['fixed-points', ...BASE['fixed-points']!(), '--alpha', '1.5'],
      ['fixed-points', ...BASE['fixed-points']!(), '--bias', 'none', '--sigma-b', '2'],
      ['solve', '--weights', 'cauchy', '--depth', '1', '--at', '1', '--ensemble', 'orthogonal'],
      ['solve', '--depth', '1', '--at', '1', '--networks', '3'],
      ['law', '--name', 'semicircle', '--at', '0', '--alpha', '1'],
      ['law', '--name', 'marchenko-pastur', '--at', '1', '--depth', '2'],
      ['spectrum', ...BASE.spectrum!(), '--at', 'fixed-points', '--inputs', '3'],
      ['spectrum', ...BASE.spectrum!(), '--starts', '10'],
      ['compare', ...BASE.compare!(), '--depth', '2'],
      ['sweep', '--width', '2', '--depth', '1', '--networks', '1', '--force'],
      ['fixed-points', ...BASE['fixed-points']!(), '--iterations', '5'],
      ['compare', ...BASE.compare!(), '--tolerance', '1e-3'],
      ['sweep', ...BASE.sweep!(), '--curves'],
    ];
    for (const argv of cases) expectOneLineRefusal(await run(argv), argv);
  });
});
