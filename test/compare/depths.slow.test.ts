// The Gaussian control of the Q prediction: with Gaussian weights every sampled network of the study
// configuration has exactly one (stable) fixed point, so a prediction that `jesd compare` reports as
// predictedQ must be within 0.05 of 1 at every depth. The spectral link 1 + N0 p>1 (theory/06 (6.5))
// fails this (1.67 at L = 1, kept as spectralLinkQ); the Kac-Rice estimate (6.9)-(6.16) and the annealed
// complexity (6.26) pass it.
import { describe, expect, it } from 'vitest';
import { compareDepths } from '../../src/compare/depths.ts';
import type { NetworkSpec } from '../../src/spec/networkSpec.ts';

describe('compare: Gaussian control', () => {
  it('predictedQ (Kac-Rice, 16384 draws per depth) is within 0.05 of 1 at L = 1, 4, 16; Monte Carlo Q = 1', () => {
    const base: Omit<NetworkSpec, 'L'> = {
      N: 10, activation: 'sigmoid', weights: { name: 'gaussian', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'raw', seed: 1,
    };
    const rows = compareDepths(base, [1, 4, 16], { networks: 10, starts: 50, maxIterations: 1000, populationSize: 200, sweeps: 8, replicas: 1 });
    for (const r of rows) {
      expect(r.meanQ).toBe(1);
      expect(r.predictionMethod).toBe('kac-rice');
      expect(Math.abs(r.predictedQ - 1), `L = ${r.depth}: ${r.predictedQ} +- ${r.kacRiceStderr}`).toBeLessThan(0.05);
      // The spectral route shown beside it, the annealed large-N count (theory/06 (6.26)), passes too.
      expect(r.annealed?.route).toBe('light');
      expect(Math.abs(r.annealed!.expectedAll - 1), `L = ${r.depth}: annealed ${r.annealed!.expectedAll}`).toBeLessThan(0.05);
    }
    expect(rows[0]!.spectralLinkQ).toBeGreaterThan(1.5); // the falsified link, for the record
  }, 300_000);
});
