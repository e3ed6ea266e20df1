/**
 * The first two examples of docs/api.md, run in CI so the page cannot rot (the third is
 * docs/examples/property.test.ts). In your own project import from 'jacobian-esd'.
 */
import { describe, expect, it } from 'vitest';
import { findFixedPoints, sampleNetwork, solveJacobianSpectrum, type NetworkSpec } from '../../src/index.ts';

describe('docs/api.md examples', () => {
  it('1. solve a spectrum: the limiting law of J J^T for a deep tanh network', () => {
    const law = solveJacobianSpectrum(
      { L: 4, activation: 'tanh', weights: { name: 'gaussian', scale: 1.2 }, bias: { name: 'gaussian', scale: 0.3 }, scaling: 'natural' },
      [0.01, 0.1, 0.5, 1, 2, 5],
    );
    expect(law.diagnostics.converged).toBe(true);
    expect(law.density.every((d) => Number.isFinite(d) && d >= 0)).toBe(true);
    expect(law.edges).not.toBeNull(); // light tails: compact support [lo, hi]
  });

  it('2. count fixed points: Q for one Cauchy network (raw scaling, as in the study preset)', () => {
    const spec: NetworkSpec = {
      N: 10, L: 4, activation: 'sigmoid', weights: { name: 'cauchy', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'raw', seed: 1,
    };
    const result = findFixedPoints(sampleNetwork(spec, 0), { starts: 100 });
    // Q counts distinct stable fixed points; each listed stable point has spectral radius < 1.
    expect(result.Q).toBe(result.fixedPoints.filter((fp) => fp.stable).length);
    for (const fp of result.fixedPoints.filter((p) => p.stable)) expect(fp.spectralRadius).toBeLessThan(1);
    // Shares of the starts add up to 1 (fixed points + cycles + unsettled).
    const shares = result.fixedPoints.reduce((s, fp) => s + fp.basinShare, 0) + result.cycles.reduce((s, c) => s + c.basinShare, 0) + result.unsettledShare;
    expect(shares).toBeCloseTo(1, 12);
  });
});
