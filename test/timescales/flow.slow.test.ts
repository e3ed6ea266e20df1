/**
 * The time-scale table of theory/10-timescales.md section 10.5 (sigma = phi = (0, 1, 1), m = 200,
 * a_i(0) = Gaussian quantiles, eps = 1e-6 .. 1e-10) against scipy LSODA at rtol 1e-9
 * (test/fixtures/reference/timescales.json, written by test/fixtures/timescales_reference.py):
 * t_1, t_2 within the fixture's relative tolerance, the plateau heights R(sqrt(t_1 t_2)), the
 * exponents of t_l against eps (10.14); and the claims of arXiv 2303.00055 as numbers: local
 * exponents within 0.03 of 0.46 and 0.25, plateau heights increasing to 1/2 sum_{k>1} phi_k^2 = 1/2.
 * About 10 s (five integrations).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { timescaleTable } from '../../src/timescales/table.ts';

interface Table {
  sigma: number[]; phi: number[]; particles: number;
  rows: { eps: number; t1: number; t2: number; plateau: number }[];
  exponents: { degree: number; exponent: number; localExponent: number }[];
  tolerance: { timeRel: number; plateauAbs: number; exponentAbs: number };
}
const ref = (JSON.parse(readFileSync(new URL('../fixtures/reference/timescales.json', import.meta.url), 'utf8')) as { table: Table }).table;

describe('time-scale table (eps = 1e-6 .. 1e-10)', () => {
  const table = timescaleTable({ sigma: ref.sigma, phi: ref.phi, particles: ref.particles, init: 'quantiles' }, ref.rows.map((r) => r.eps), { samplesPerDecade: 10 });

  it('t_1, t_2 and the plateau heights against LSODA', () => {
    ref.rows.forEach((row, j) => {
      const run = table.runs[j]!;
      const t1 = run.times.find((x) => x.degree === 1)!.t!, t2 = run.times.find((x) => x.degree === 2)!.t!;
      expect(Math.abs(t1 / row.t1 - 1), `eps ${row.eps} t1 ${t1} vs ${row.t1}`).toBeLessThanOrEqual(ref.tolerance.timeRel);
      expect(Math.abs(t2 / row.t2 - 1), `eps ${row.eps} t2 ${t2} vs ${row.t2}`).toBeLessThanOrEqual(ref.tolerance.timeRel);
      expect(Math.abs(run.plateaus[0]!.height - row.plateau), `eps ${row.eps} plateau`).toBeLessThanOrEqual(ref.tolerance.plateauAbs);
    });
  });

  it('exponents against LSODA, and within 0.03 of 0.46 (t_1) and 0.25 (t_2)', () => {
    for (const e of ref.exponents) {
      const got = table.exponents.find((x) => x.degree === e.degree)!;
      expect(Math.abs(got.exponent - e.exponent)).toBeLessThanOrEqual(ref.tolerance.exponentAbs);
      expect(Math.abs(got.localExponent - e.localExponent)).toBeLessThanOrEqual(ref.tolerance.exponentAbs);
    }
    expect(Math.abs(table.exponents[0]!.localExponent - 0.46)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(table.exponents[1]!.localExponent - 0.25)).toBeLessThanOrEqual(0.03);
  });

  it('plateau heights increase towards 1/2 sum_{k>1} phi_k^2 = 1/2 as eps decreases', () => {
    const h = table.runs.map((r) => r.plateaus[0]!);
    h.forEach((p) => expect(p.predicted).toBe(0.5));
    for (let j = 1; j < h.length; j++) expect(h[j]!.height).toBeGreaterThan(h[j - 1]!.height);
    expect(0.5 - h[h.length - 1]!.height).toBeLessThan(0.005);
    expect(0.5 - h[h.length - 1]!.height).toBeGreaterThan(0);
  });
});

describe('jesd reproduce --study timescales --scale tiny', () => {
  it('writes report.md, summary.json and the figure, with a verdict per number', async () => {
    const { mkdtempSync, rmSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runStudy } = await import('../../src/report/studies/index.ts');
    const out = mkdtempSync(join(tmpdir(), 'jesd-timescales-'));
    try {
      const r = await runStudy('timescales', { out, scale: 'tiny', seed: 1, workers: 1, quiet: true });
      expect(r.verdicts.map((v) => v.id)).toEqual(['T-1e-6', 'T-1e-7', 'X1', 'X2', 'P']);
      expect(r.verdicts.slice(0, 2).map((v) => v.verdict)).toEqual(['reproduced', 'reproduced']);
      expect(r.verdicts[2]!.verdict).toBe('not run');
      for (const f of ['report.md', 'summary.json', 'timescales.svg', 'timescales.png']) expect(existsSync(join(out, f)), f).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
