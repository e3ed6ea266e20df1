// `jesd reproduce --study order-preserving --scale tiny`: every verdict of the study (exact closed
// forms of theory/11-order-preserving.md) is "reproduced", and the report and figures are written.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStudy } from '../../src/report/studies/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'jesd-op-study-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('study order-preserving (tiny)', () => {
  it('six verdicts, all reproduced, with report, summary and figures', async () => {
    const out = join(dir, 'op');
    const r = await runStudy('order-preserving', { out, scale: 'tiny', seed: 1, workers: 1, quiet: true });
    expect(r.verdicts.map((v) => v.id)).toEqual(['OP1', 'OP2', 'OP3', 'OP4', 'OP5', 'OP6']);
    for (const v of r.verdicts) expect(v.verdict, `${v.id}: ${v.evidence}`).toBe('reproduced');
    for (const f of ['report.md', 'summary.json', 'basin-radius-vs-gain.svg', 'basin-radius-vs-gain.png', 'census-relu.svg', 'census-tanh.png']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    for (const row of summary.summary.radiusVsGain) expect(Math.abs(row.weightRadius - (1 - 4 / row.gain))).toBeLessThan(1e-3);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/reconstruction/);
  }, 60_000);
});
