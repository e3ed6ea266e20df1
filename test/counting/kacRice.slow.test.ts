/**
 * Kac-Rice (src/counting/kacRice.ts) vs multistart Newton counting (src/counting/multistart.ts):
 * two independent routes to E[# fixed points] and E[# stable fixed points] (theory/06 (6.12)-(6.16)).
 * A subsample of the docs/counting.md grid (N in {1, 2, 3, 5}, L in {1, 2, 4, 8}, gaussian and
 * cauchy weights, raw and natural scaling; the full grid is in the docs table), plus the Gaussian
 * study configuration at N = 10, where every sampled network has exactly one fixed point
 * (docs/study-configuration.md), so E[# all] = 1.
 */
import { describe, expect, it } from 'vitest';
import { KISH_ESS_MIN, kacRice } from '../../src/counting/kacRice.ts';
import { countByMultistart } from '../../src/counting/multistart.ts';
import type { NetworkSpec, Scaling, WeightLawName } from '../../src/spec/networkSpec.ts';

const spec = (N: number, L: number, weights: WeightLawName, scaling: Scaling, seed = 11): NetworkSpec => ({
  N, L, activation: 'sigmoid', weights: { name: weights, scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling, seed,
});

const GRID: [number, number][] = [[1, 1], [2, 8], [3, 2], [5, 4]];

describe('Kac-Rice vs multistart (3 combined standard errors)', () => {
  for (const weights of ['gaussian', 'cauchy'] as const) {
    for (const scaling of ['raw', 'natural'] as const) {
      it(`${weights} ${scaling}: N, L in ${GRID.map((g) => g.join('/')).join(', ')}`, () => {
        for (const [N, L] of GRID) {
          const s = spec(N, L, weights, scaling);
          const kr = kacRice(s, { samples: 8192 });
          const ms = countByMultistart(s, { networks: 200, starts: 40 });
          expect(kr.warning).toBeUndefined();
          for (const k of ['all', 'stable'] as const) {
            const tol = 3 * Math.hypot(kr[k].stderr, ms[k].stderr);
            expect(Math.abs(kr[k].mean - ms[k].mean), `${k} N=${N} L=${L}: ${kr[k].mean} vs ${ms[k].mean}`).toBeLessThanOrEqual(tol + 1e-12);
          }
        }
      });
    }
  }
});

describe('Gaussian study configuration, N = 10 (raw scaling, sigma_w = sigma_b = 1)', () => {
  it('E[# all fixed points] is 1 within 3 standard errors at L = 1 and 4, with ESS above the threshold', () => {
    for (const L of [1, 4]) {
      const r = kacRice(spec(10, L, 'gaussian', 'raw', 1), { samples: 8192 });
      expect(r.ess).toBeGreaterThan(KISH_ESS_MIN);
      expect(r.all.stderr).toBeLessThan(0.05);
      expect(Math.abs(r.all.mean - 1)).toBeLessThanOrEqual(3 * r.all.stderr);
    }
  });
});
