/**
 * Example: a property test against jacobian-esd with the project's fast-check arbitraries
 * (docs/api.md, example 3). It runs in the project's CI (vitest includes docs/examples/**).
 *
 * The property is the fixed-point study's light-tail claim (arXiv 2501.04182): a sigmoid network
 * with Gaussian weights has exactly one fixed point, and it is stable, whatever N and L.
 * In your own project, import from 'jacobian-esd' instead of the relative path.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arbitraries, findFixedPoints, sampleNetwork } from '../../src/index.ts';

describe('example property: Gaussian weights give one stable fixed point', () => {
  it('holds for small sigmoid networks of any width, depth, sigma_w and seed', () => {
    const spec = arbitraries.networkSpec({
      minWidth: 2, maxWidth: 8, minDepth: 1, maxDepth: 5,
      activation: fc.constant('sigmoid' as const),
      weights: arbitraries.lawNamed('gaussian', { scale: arbitraries.scale(0.5, 2) }),
      bias: arbitraries.scale(0.1, 1).map((s) => ({ name: 'gaussian' as const, scale: s })),
      scaling: fc.constant('natural' as const),
    });
    fc.assert(
      fc.property(spec, fc.integer({ min: 0, max: 1000 }), (s, k) => {
        const result = findFixedPoints(sampleNetwork(s, k), { starts: 40 });
        // Q counts the distinct stable fixed points; every start must reach it.
        expect(result.Q).toBe(1);
        expect(result.unsettledShare).toBe(0);
        expect(result.fixedPoints.filter((fp) => fp.stable)[0]!.spectralRadius).toBeLessThan(1);
      }),
      { numRuns: 30 },
    );
  });
});
