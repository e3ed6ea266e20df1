// The real sweep unit (sampleNetwork + findFixedPoints) inside the sweep machinery: determinism
// across worker counts, and records that agree with a direct call of the fixed-point search.
import { describe, expect, it } from 'vitest';
import { findFixedPoints } from '../../src/fixedpoints/search.ts';
import { sampleNetwork } from '../../src/network/network.ts';
import type { SweepConfig } from '../../src/montecarlo/records.ts';
import { runSweep } from '../../src/montecarlo/sweep.ts';
import { runSweepUnit } from '../../src/montecarlo/sweepUnit.ts';
import { canonicalRecords, smallSweepConfig } from '../fixtures/sweep.ts';

const config: SweepConfig = smallSweepConfig({ widths: [4, 6], cauchyScale: 1.5, seed: 11, networks: 4, starts: 24, fixedPointOptions: { maxIterations: 500 } });
const canonical = canonicalRecords;

describe('sweep with the fixed-point unit', () => {
  it('gives identical records and summaries with 1 and 2 workers', async () => {
    const one = await runSweep(config, { workers: 1, quiet: true });
    const two = await runSweep(config, { workers: 2, quiet: true });
    expect(one.records).toHaveLength(2 * 2 * 2 * 4);
    expect(canonical(two.records)).toEqual(canonical(one.records));
    expect(JSON.stringify(two.summary)).toBe(JSON.stringify(one.summary));
    for (const r of one.records) {
      // The four shares partition the starts: each is (count / starts), so the sum is 1 up to rounding
      // of at most starts additions (tolerance 1e-12).
      expect(Math.abs(r.shareFixed + r.shareCycles + r.shareUnsettled + r.shareMarginal - 1)).toBeLessThan(1e-12);
      expect(Number.isInteger(r.Q) && r.Q >= 0).toBe(true);
    }
  });

  it('a record is what a direct fixed-point search on network k reports', () => {
    for (const k of [0, 3]) {
      const spec = { N: 6, L: 2, ...config.base, weights: config.weightLaws[1]! };
      const rec = runSweepUnit({ spec, network: k, starts: 24, fixedPointOptions: { maxIterations: 500 } });
      const direct = findFixedPoints(sampleNetwork(spec, k), { starts: 24, maxIterations: 500 });
      expect(rec.Q).toBe(direct.Q);
      expect(rec.Q).toBe(direct.fixedPoints.filter((f) => f.stable).length);
      expect(rec.shareUnsettled).toBe(direct.unsettledShare);
      expect(rec.cycles).toBe(direct.cycles.length);
      expect(rec.unstableFixedPoints).toBe(direct.fixedPoints.filter((f) => !f.stable).length);
      expect(rec.shareFixed).toBeCloseTo(direct.fixedPoints.filter((f) => f.stable).reduce((s, f) => s + f.basinShare, 0), 15);
      expect(rec.network).toBe(k);
    }
  });

  it('rejects unknown search options, naming them', () => {
    const spec = { N: 3, L: 1, ...config.base, weights: config.weightLaws[0]! };
    expect(() => runSweepUnit({ spec, network: 0, starts: 4, fixedPointOptions: { maxIters: 5 } })).toThrow(/maxIters/);
  });
});
