import { describe, expect, it } from 'vitest';
import { histogram, hillTailIndex, moments, quantiles, spectrumSummary } from '../../src/spectra/empirical.ts';
import { kolmogorovDistance, quantileOfCdf } from '../../src/spectra/tabulatedLaw.ts';
import { jacobian, sampleNetwork } from '../../src/network/network.ts';
import { matrix } from '../../src/types.ts';
import { stream } from '../../src/random/rng.ts';

describe('summary statistics (exact small cases)', () => {
  it('moments, quantiles (type 7), histogram mass, Kolmogorov distance', () => {
    expect(moments([1, 2, 3, 4], 3)).toEqual([2.5, 7.5, 25]);
    expect(quantiles([4, 1, 3, 2], [0, 0.5, 1, 0.25])).toEqual([1, 2.5, 4, 1.75]);
    const h = histogram([0.5, 1.5, 1.5, 2.5, 9], { bins: 3, range: [0, 3] });
    expect(Array.from(h.edges)).toEqual([0, 1, 2, 3]);
    expect(Array.from(h.density)).toEqual([0.2, 0.4, 0.2]); // mass inside [0, 3] is 4/5
    const hl = histogram([1, 10, 100], { bins: 2, log: true, range: [1, 100] });
    expect(hl.edges[1]).toBeCloseTo(10, 12);
    // Uniform grid sample (i + 1/2)/n against U(0,1): D_n = 1/(2n) exactly.
    const n = 50;
    expect(kolmogorovDistance(Array.from({ length: n }, (_, i) => (i + 0.5) / n), (x) => x)).toBeCloseTo(1 / (2 * n), 14);
    // A law with an atom of 1/2 at 0 and density 1/2 on (0, 1): F(x) = (1 + x)/2, F(0-) = 0. Sample
    // {0, 0, 0.5, 1}: the distance is 1/4 (below 0.5 and 1); read as continuous at 0 it would be 1/2.
    const F = (x: number) => (x < 0 ? 0 : Math.min(1, 0.5 + 0.5 * x));
    expect(kolmogorovDistance([0, 0.5, 0, 1], F, (x) => (x <= 0 ? 0 : F(x)))).toBeCloseTo(0.25, 15);
    expect(kolmogorovDistance([0, 0.5, 0, 1], F)).toBeCloseTo(0.5, 15);
    // Bisection quantile of the exponential law: ln 2 at p = 1/2, the lower end when F(lo) >= p.
    expect(quantileOfCdf((x) => 1 - Math.exp(-x), 0.5, 0, 50)).toBeCloseTo(Math.LN2, 12);
    expect(quantileOfCdf((x) => 1 - Math.exp(-x), 0.5, 1, 50)).toBe(1);
    expect(() => moments([], 2)).toThrow(/values/);
    expect(() => quantiles([1, NaN], [0.5])).toThrow(/not finite/);
  });

  it('Hill estimator: exact Pareto(alpha = 3) order statistics give alpha within 4/sqrt(k)', () => {
    // Quantile-grid "sample" x_i = (1 - u_i)^(-1/3), u_i = (i + 1/2)/n: the Hill estimate is then the
    // Riemann sum of its expectation, error dominated by 1/sqrt(k) (theory (2.20)).
    const m = 100_000;
    const x = Array.from({ length: m }, (_, i) => Math.pow(1 - (i + 0.5) / m, -1 / 3));
    expect(Math.abs(hillTailIndex(x, 1000) - 3)).toBeLessThan(4 * 3 / Math.sqrt(1000));
    const rng = stream(5, 7, 1);
    const y = Array.from({ length: m }, () => Math.pow(rng.uniformOpen(), -1 / 3));
    expect(Math.abs(hillTailIndex(y, 2000) / 3 - 1)).toBeLessThan(4 / Math.sqrt(2000)); // 4 se
  });

  it('spectrumSummary of a diagonal matrix: squared singular values are the squared diagonal', () => {
    const J = matrix(3, 3, Float64Array.of(2, 0, 0, 0, -0.5, 0, 0, 0, 1));
    const s = spectrumSummary(J);
    expect(Array.from(s.squaredSingularValues).map((v) => +v.toFixed(12))).toEqual([0.25, 1, 4]);
    expect(s.fractionAboveOne).toBeCloseTo(1 / 3, 15);
    expect(s.meanLog).toBeCloseTo(0, 12); // log 0.25 + log 1 + log 4 = 0
    expect(s.moments[0]).toBeCloseTo(5.25 / 3, 12);
    expect(Array.from(s.eigenvalues.re).sort((a, b) => a - b).map((v) => +v.toFixed(12))).toEqual([-0.5, 1, 2]);
  });
});

describe('linear Gaussian networks: Fuss-Catalan moments', () => {
  // J = W_L ... W_1, W_ij ~ N(0, 1/N): the ESD of J J^T tends to Fuss-Catalan with moments
  // binom((L+1)k, k)/(Lk + 1) (theory/02-finite-networks.md section 2.5).
  const fussCatalan = (L: number, k: number) => {
    let b = 1;
    for (let i = 1; i <= k; i++) b = (b * ((L + 1) * k - k + i)) / i;
    return b / (L * k + 1);
  };
  // Per-network standard deviation sd_k and mean offset (finite-N bias, O(1/N)) of m_k at N = 400,
  // measured over seeds 1..20 with trace powers tr (J J^T)^k / N (offline, same sampler):
  //   L = 1: sd = 0.0033, 0.015, 0.064, 0.27;  offset = 0.0001, 0.0046, 0.029, 0.14
  //   L = 2: sd = 0.0080, 0.059, 0.41, 2.84;   offset = 0.0020, 0.024, 0.19, 1.40
  // Tolerance for the mean of 3 networks: 4 sd / sqrt(3) + |offset| (a 4-sigma band around the
  // finite-N mean).
  const table: Record<number, { sd: number[]; offset: number[] }> = {
    1: { sd: [0.0033, 0.015, 0.064, 0.27], offset: [0.0001, 0.0046, 0.029, 0.14] },
    2: { sd: [0.008, 0.059, 0.41, 2.84], offset: [0.002, 0.024, 0.19, 1.4] },
  };
  it.each([1, 2])('L = %i, N = 400, 3 networks', (L) => {
    expect([1, 2, 3, 4].map((k) => fussCatalan(L, k))).toEqual(L === 1 ? [1, 2, 5, 14] : [1, 3, 12, 55]);
    const seeds = [101, 102, 103];
    const mean = [0, 0, 0, 0];
    for (const seed of seeds) {
      const net = sampleNetwork({ N: 400, L, activation: 'linear', weights: { name: 'gaussian', scale: 1 }, bias: null, scaling: 'natural', seed });
      const s = spectrumSummary(jacobian(net, new Float64Array(400)));
      s.moments.forEach((m, k) => { mean[k]! += m / seeds.length; });
      // Schur's inequality: sum |lambda|^2 <= ||J||_F^2 = sum of squared singular values (exact, up to rounding).
      let eig2 = 0;
      for (let i = 0; i < 400; i++) eig2 += s.eigenvalues.re[i]! ** 2 + s.eigenvalues.im[i]! ** 2;
      expect(eig2).toBeLessThanOrEqual(400 * s.moments[0]! * (1 + 1e-10));
    }
    mean.forEach((m, k) => {
      const tol = (4 * table[L]!.sd[k]!) / Math.sqrt(seeds.length) + table[L]!.offset[k]!;
      expect(Math.abs(m - fussCatalan(L, k + 1))).toBeLessThan(tol);
    });
  });
});
