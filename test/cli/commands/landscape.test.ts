// End-to-end: `jesd landscape` in-process — the JSON contract ({finalLoss, plateaus: [{loss, endStep}],
// classification}), the embedding fields, the figure files, and one-line refusals of bad data files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli.ts';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jesd-landscape-e2e-'));
  process.env.JESD_QUIET_BACKEND = '1';
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

const QUICK = ['--data', 'wu-5point', '--width', '6', '--init-scale', '0.3', '--lr', '0.05', '--steps', '4000', '--draws', '200', '--quiet'];

describe('jesd landscape', () => {
  it('prints the contract JSON, the embedding fields, and writes SVG and PNG figures', async () => {
    const svg = join(dir, 'loss.svg'), png = join(dir, 'loss.png');
    const r = await run(['landscape', ...QUICK, '--embed-zero-neuron', '--continue-steps', '500', '--json', '--plot', svg]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.finalLoss).toBeLessThan(0.03812); // below the origin saddle (1/5) sum y^2
    expect(Array.isArray(doc.plateaus)).toBe(true);
    for (const p of doc.plateaus) { expect(typeof p.loss).toBe('number'); expect(Number.isInteger(p.endStep)).toBe(true); }
    expect(['local-min', 'saddle', 'undecided']).toContain(doc.classification);
    expect(['local-min', 'saddle', 'undecided']).toContain(doc.embedding.classification);
    expect(doc.embedding.continuedLoss).toBeLessThanOrEqual(doc.finalLoss + 1e-12);
    expect(readFileSync(svg, 'utf8')).toMatch(/<svg[^]*<\/svg>\s*$/);
    const r2 = await run(['landscape', ...QUICK, '--plot', png]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(r2.stdout).toMatch(/^final loss /);
  });

  it('refuses bad data files and inconsistent flags with one line naming the flag (exit 2)', async () => {
    const f = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
    const cases: [string[], RegExp][] = [
      [['--data', f('nan.json', '{"inputs": [[1, 2]], "targets": [[NaN]]}')], /--data/],
      [['--data', f('shape.json', JSON.stringify({ inputs: [[1, 2], [3, 4]], targets: [[1]] }))], /--data/],
      [['--data', f('ragged.json', JSON.stringify({ inputs: [[1, 2], [3]], targets: [[1], [2]] }))], /--data/],
      [['--data', join(dir, 'absent.json')], /--data/],
      [['--data', 'wu-5point', '--continue-steps', '10'], /--continue-steps/],
      [['--data', 'wu-5point', '--alpha-neg', '1'], /--alpha-neg/],
      [['--data', 'wu-5point', '--lr', '0'], /--lr/],
    ];
    for (const [argv, re] of cases) {
      const r = await run(['landscape', ...argv, '--steps', '10', '--quiet']);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(re);
    }
  });

  it('reproduce --study landscape --scale tiny: the exact constructions are reproduced, the GD numbers marked not run', async () => {
    const out = join(dir, 'study');
    const r = await run(['reproduce', '--study', 'landscape', '--scale', 'tiny', '--out', out, '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { verdicts: { id: string; verdict: string }[] };
    expect(doc.verdicts.find((v) => v.id === '001-e')!.verdict).toBe('reproduced');
    expect(doc.verdicts.filter((v) => v.id !== '001-e').every((v) => v.verdict === 'not run')).toBe(true);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/001-e/);
  });
});
