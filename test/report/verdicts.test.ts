import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  basinVerdict, emergenceVerdict, esdVerdict, lightTailVerdict, nonMonotoneVerdict, peakOf, theoryVerdict, type QRow,
} from '../../src/report/verdicts.ts';
import { kolmogorovOnGrid, lawQuantile, tabulateLawReport } from '../../src/spectra/tabulatedLaw.ts';
import { openUnitStore } from '../../src/report/unitStore.ts';
import { qRows } from '../../src/report/claims/sweep.ts';
import { stripTimings, TIMINGS_END, TIMINGS_START } from '../../src/report/markdown.ts';
import type { SweepRecord } from '../../src/montecarlo/records.ts';
import { ResultStoreError } from '../../src/errors.ts';

const row = (width: number, depth: number, meanQ: number, extra: Partial<QRow> = {}): QRow => ({
  width, depth, networks: 100, meanQ, stderrQ: 0.05, minQ: 1, maxQ: Math.ceil(meanQ), pQAbove1: meanQ > 1 ? 0.3 : 0, pQEquals1: meanQ > 1 ? 0.7 : 1, ...extra,
});

describe('verdict rules', () => {
  it('C1: all Q = 1 -> reproduced; one network off -> partly; many off -> not reproduced', () => {
    expect(lightTailVerdict([row(10, 1, 1), row(10, 5, 1)]).verdict).toBe('reproduced');
    // 1 network of 200 with Q = 2: 99.5% have Q = 1 (>= 95%) -> partly.
    expect(lightTailVerdict([row(10, 1, 1), row(10, 5, 1.01, { maxQ: 2, pQEquals1: 0.99, pQAbove1: 0.01 })]).verdict).toBe('partly reproduced');
    expect(lightTailVerdict([row(10, 1, 1.5, { maxQ: 3, pQEquals1: 0.5 })]).verdict).toBe('not reproduced');
    expect(lightTailVerdict([]).verdict).toBe('not run');
  });

  it('C2: significance of mean Q above 1 decides', () => {
    expect(emergenceVerdict([row(10, 1, 1), row(10, 4, 2.0)]).verdict).toBe('reproduced');
    // mean 1.05 with stderr 0.05: 1.05 - 0.1 < 1 -> not significant, but a network has Q > 1 -> partly.
    expect(emergenceVerdict([row(10, 4, 1.05, { maxQ: 2 })]).verdict).toBe('partly reproduced');
    expect(emergenceVerdict([row(10, 4, 1, { maxQ: 1 })]).verdict).toBe('not reproduced');
  });

  it('C3: interior peak with P(Q>1) > 0 and return to <= 1.1 at the largest depth', () => {
    const hump = [row(10, 1, 1), row(10, 4, 2.5), row(10, 8, 1.8), row(10, 32, 1.05)];
    const v = nonMonotoneVerdict(hump);
    expect(v.verdict).toBe('reproduced');
    expect(v.peaks[0]!.peakDepth).toBe(4);
    // Peak at the last depth: not interior.
    expect(nonMonotoneVerdict([row(10, 1, 1), row(10, 4, 1.5), row(10, 8, 2)]).verdict).toBe('not reproduced');
    // Interior peak but no return to <= 1.1: partly.
    expect(nonMonotoneVerdict([row(10, 1, 1), row(10, 4, 2.5), row(10, 8, 1.5)]).verdict).toBe('partly reproduced');
    // Two widths, one holds: partly.
    expect(nonMonotoneVerdict([...hump, row(20, 1, 1), row(20, 4, 1.5), row(20, 8, 2)]).verdict).toBe('partly reproduced');
    // Ties: the first (smallest) depth with the maximal mean.
    expect(peakOf([row(5, 2, 2), row(5, 1, 1), row(5, 3, 2)]).peakDepth).toBe(2);
  });

  it('C4: theory peak interior and within a factor 2 of the Monte Carlo peak', () => {
    const mc = [row(10, 1, 1), row(10, 4, 2.5), row(10, 8, 1.8), row(10, 32, 1.05)];
    expect(theoryVerdict([{ width: 10, depths: [1, 4, 8, 32], predictedQ: [1, 2, 3, 1] }], mc).verdict).toBe('reproduced'); // 8 / 4 = 2
    expect(theoryVerdict([{ width: 10, depths: [1, 4, 8, 16, 32], predictedQ: [1, 2, 2.5, 3, 1] }], mc).verdict).toBe('partly reproduced'); // 16 / 4 = 4
    expect(theoryVerdict([{ width: 10, depths: [1, 4, 8, 32], predictedQ: [3, 2, 1, 1] }], mc).verdict).toBe('not reproduced');
    // A flat Monte Carlo curve (no network with Q > 1 at its maximum) has no peak to follow: an interior
    // theory maximum does not make C4 even partly reproduced.
    const flat = [row(10, 1, 0.8), row(10, 4, 0.95), row(10, 8, 1), row(10, 32, 1)];
    const fl = theoryVerdict([{ width: 10, depths: [1, 4, 8, 32], predictedQ: [0.7, 1.1, 0.9, 0.95] }], flat);
    expect(fl.verdict).toBe('not reproduced');
    expect(fl.evidence).toContain('not a peak');
    const nr = theoryVerdict(null, mc, 'predictor missing');
    expect(nr.verdict).toBe('not run');
    expect(nr.evidence).toContain('predictor missing');
  });

  it('C5 and P1', () => {
    expect(basinVerdict({ starts: 1000, toStableFixedPoint: 995, basins: 3, cycles: 5, unsettled: 0 }).verdict).toBe('reproduced');
    expect(basinVerdict({ starts: 1000, toStableFixedPoint: 950, basins: 2, cycles: 50, unsettled: 0 }).verdict).toBe('partly reproduced');
    expect(basinVerdict({ starts: 1000, toStableFixedPoint: 1000, basins: 1, cycles: 0, unsettled: 0 }).verdict).toBe('not reproduced');
    expect(basinVerdict(null).verdict).toBe('not run');
    const e = (ks: number | null, light = true) => ({ width: 10, depth: 2, weights: 'gaussian', light, ks, eigenvalues: 100 });
    expect(esdVerdict([e(0.05), e(0.3, false)]).verdict).toBe('reproduced');
    expect(esdVerdict([e(0.05), e(0.3)]).verdict).toBe('partly reproduced');
    expect(esdVerdict([e(0.3)]).verdict).toBe('not reproduced');
    expect(esdVerdict([e(null)]).verdict).toBe('not run');
  });
});

describe('report helpers', () => {
  it('tabulateLawReport, lawQuantile and kolmogorovOnGrid on the uniform law (closed form F(x) = x)', () => {
    const x = Array.from({ length: 101 }, (_, i) => i / 100);
    const rep = { x, density: x.map(() => 1), atoms: [], edges: [0, 1] as [number, number], moments: [], diagnostics: { converged: true, maxResidual: 0 } };
    const law = tabulateLawReport(rep);
    // Trapezoid of a constant is exact up to rounding.
    expect(law.totalMass).toBeCloseTo(1, 12);
    Array.from(law.F).forEach((f, i) => expect(f).toBeCloseTo(x[i]!, 12));
    expect(lawQuantile(law, 0.25)).toBeCloseTo(0.25, 12);
    expect(lawQuantile({ ...law, F: Array.from(law.F, (f) => f / 2) }, 0.75)).toBeNull(); // above the captured mass
    // Sample {0.5}: empirical CDF jumps 0 -> 1 at 0.5; sup |F_n - F| on the grid = max(0.49, 0.5) = 0.5.
    expect(kolmogorovOnGrid([0.5], law)).toBeCloseTo(0.5, 12);
    // An atom of mass 0.5 at 0.5 plus density 0.5: F(0.5) = 0.25 + 0.5.
    const withAtom = tabulateLawReport({ ...rep, density: x.map(() => 0.5), atoms: [{ at: 0.5, mass: 0.5 }] });
    expect(withAtom.F[50]).toBeCloseTo(0.75, 12);
    expect(withAtom.totalMass).toBeCloseTo(1, 12);
  });

  it('qRows summarizes Q per grid point independently of record order', () => {
    const rec = (depth: number, network: number, Q: number) => ({ width: 5, depth, network, Q } as unknown as SweepRecord);
    const recs = [rec(2, 0, 1), rec(2, 1, 3), rec(2, 2, 2), rec(1, 0, 1)];
    const a = qRows(recs), b = qRows([...recs].reverse());
    expect(a).toEqual(b);
    const r = a.find((x) => x.depth === 2)!;
    expect(r.meanQ).toBe(2);
    // Sample sd of {1, 3, 2} is 1; stderr = 1 / sqrt 3.
    expect(r.stderrQ).toBeCloseTo(1 / Math.sqrt(3), 14);
    expect(r.pQAbove1).toBeCloseTo(2 / 3, 14);
    expect(r.pQEquals1).toBeCloseTo(1 / 3, 14);
  });

  it('stripTimings removes exactly the marked section', () => {
    const doc = `a\n${TIMINGS_START}\n| t | 1s |\n${TIMINGS_END}\nb`;
    expect(stripTimings(doc)).toBe('a\n\nb');
    expect(stripTimings('no markers')).toBe('no markers');
  });

  it('unit store: resume keeps finished records, repairs a partial line, refuses other parameters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jesd-store-'));
    const path = join(dir, 'u.jsonl');
    const s1 = openUnitStore<{ key: string; v: number }>(path, 'test-format', { a: 1 });
    s1.append({ key: 'k1', v: 1 });
    s1.append({ key: 'k2', v: 2 });
    s1.close();
    appendFileSync(path, '{"key":"k3","v"'); // a crash mid-line
    const s2 = openUnitStore<{ key: string; v: number }>(path, 'test-format', { a: 1 }, { resume: true });
    expect([...s2.done.keys()]).toEqual(['k1', 'k2']);
    s2.append({ key: 'k3', v: 3 });
    s2.close();
    // Every line is a record; the run description is in the sidecar u.jsonl.meta.json.
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    // Each line carries its checksum (16 hex digits, src/montecarlo/jsonlStore.ts); without it, the record.
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const r of parsed) expect(r.checksum).toMatch(/^[0-9a-f]{16}$/);
    expect(parsed.map(({ checksum: _c, ...rest }) => rest)).toEqual([{ key: 'k1', v: 1 }, { key: 'k2', v: 2 }, { key: 'k3', v: 3 }]);
    const meta = JSON.parse(readFileSync(`${path}.meta.json`, 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({ format: 'test-format', config: { a: 1 } });
    expect(meta.checksum).toMatch(/^[0-9a-f]{16}$/);
    expect(() => openUnitStore(path, 'test-format', { a: 2 }, { resume: true })).toThrow(ResultStoreError);
    expect(() => openUnitStore(path, 'other-format', { a: 1 }, { resume: true })).toThrow(ResultStoreError);
    // Without resume the file starts over.
    const s3 = openUnitStore(path, 'test-format', { a: 2 });
    s3.close();
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(JSON.parse(readFileSync(`${path}.meta.json`, 'utf8')).config).toEqual({ a: 2 });
    writeFileSync(path, 'not json\n{}\n');
    expect(() => openUnitStore(path, 'test-format', { a: 2 }, { resume: true })).toThrow(/--resume.*line 1 is corrupt/);
    // Records whose description was deleted are refused, naming --resume.
    writeFileSync(path, '{"key":"k1","v":1}\n');
    rmSync(`${path}.meta.json`);
    expect(() => openUnitStore(path, 'test-format', { a: 2 }, { resume: true })).toThrow(/--resume.*meta\.json is missing/);
  });
});
