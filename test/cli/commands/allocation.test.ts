// `jesd allocation` and `jesd reproduce --study allocation`, run in this process: the JSON contract
// ({rank, gap, capacity, matchProbability, ...}) on a case with closed-form answers (12.7), (12.11),
// the figure, bad input (exit 2 naming the flag), and the study's report with its exact verdicts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStudy } from '../../../src/report/studies/index.ts';
import { runCli } from '../../helpers/cli.ts';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jesd-allocation-'));
  process.env.JESD_QUIET_BACKEND = '1';
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

describe('jesd allocation', () => {
  it('two per row of a 4 x 4 layer: rank 8 = m d_out at m = 2, capacity 2, MP 1 (the rank prediction); two full rows: rank 4, MP 0', async () => {
    const plot = join(dir, 'mp.svg');
    const r = await run(['allocation', '--widths', '4,4,4', '--allocation', 'perrow:2:2', '--allocation', 'rows:2:0,1', '--inputs', '2', '--draws', '3', '--starts', '2', '--plot', plot, '--json', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.rank).toBe(8);
    expect(doc.gap).toBeGreaterThan(1e3);
    expect(doc.capacity).toBe(2);
    expect(doc.matchProbability).toBe(1);
    expect(doc.predictedMatchProbability).toBe(1);
    expect(doc.singularValues).toHaveLength(8);
    const [, rows] = doc.allocations;
    expect(rows.rank).toBe(4);
    expect(rows.capacity).toBe(0);
    expect(rows.matchProbability).toBe(0);
    expect(rows.matchInterval[0]).toBe(0);
    expect(doc.curves).toHaveLength(2);
    expect(readFileSync(plot, 'utf8')).toMatch(/<svg[\s\S]*perrow:2:2/);
  });

  it('refuses bad input with one line naming the flag, exit 2', async () => {
    writeFileSync(join(dir, 'wide.json'), JSON.stringify({ masks: [[[1, 1, 1]], null] }));
    const cases: [string[], RegExp][] = [
      [['--inputs', '0', '--allocation', 'full'], /--inputs/],
      [['--inputs', '2', '--allocation', 'rows:1:7'], /--allocation: row index 7/],
      [['--inputs', '2', '--allocation', join(dir, 'wide.json')], /--allocation: .*mask 1 must be a 2x2/],
      [['--inputs', '2', '--allocation', 'full:3'], /--allocation: .*layer must be/],
      [['--inputs', '2', '--allocation', 'rows:1:0', '--steps', '3'], /--steps/],
      [['--inputs', '2', '--allocation='], /--allocation: the allocation is empty/],
    ];
    for (const [extra, re] of cases) {
      const r = await run(['allocation', '--widths', '2,2,1', ...extra]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
  });
});

describe('jesd reproduce --study allocation', () => {
  it('writes report.md, summary.json and the figure; the exact claims A1, A2, A3, A6, A9 are reproduced', async () => {
    const out = join(dir, 'study');
    const res = await runStudy('allocation', { out, scale: 'tiny', seed: 1, workers: 1, quiet: true });
    for (const f of ['report.md', 'summary.json', 'allocation-mp.svg']) expect(existsSync(join(out, f)), f).toBe(true);
    const byId = Object.fromEntries(res.verdicts.map((v) => [v.id, v.verdict]));
    expect(Object.keys(byId)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9']);
    for (const id of ['A1', 'A2', 'A3', 'A6', 'A9']) expect(byId[id], id).toBe('reproduced');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('| **A1**');
  });
});
