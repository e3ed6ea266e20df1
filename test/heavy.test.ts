/**
 * Population-dynamics spectrum of J J^T (src/jacobian/heavy*.ts, theory/05-heavy-tailed.md 5.6-5.8).
 * References: Marchenko-Pastur (closed form) for the linear Gaussian network; Monte Carlo of sampled
 * networks (independent computation: dense Jacobian + SVD) for heavy tails at N = 200 and 400.
 */
import { describe, expect, it } from 'vitest';
import { buildLayeredPopulation, populationStieltjes } from '../src/jacobian/heavyPopulation.ts';
import { heavyLawReport, solveHeavySpectrum, quantileFromCdf } from '../src/jacobian/heavy.ts';
import { solveJacobianSpectrum } from '../src/jacobian/index.ts';
import { jacobian, sampleNetwork } from '../src/network/network.ts';
import { linalg } from '../src/linalg/index.ts';
import { stream } from '../src/random/rng.ts';
import type { NetworkSpec } from '../src/network/spec.ts';
import { InvalidSpecError } from '../src/errors.ts';

function mcSquaredSingularValues(spec: NetworkSpec, networks: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < networks; k++) {
    const net = sampleNetwork(spec, k);
    const r = stream(99, k);
    const [lo, hi] = net.activation.range;
    const x = new Float64Array(spec.N);
    for (let i = 0; i < spec.N; i++) x[i] = lo + (hi - lo) * r.uniform();
    for (const s of linalg().singularValues(jacobian(net, x))) out.push(s * s);
  }
  return out.sort((a, b) => a - b);
}
const q = (v: number[], p: number) => v[Math.floor(p * (v.length - 1))]!;

describe('population dynamics for J J^T', () => {
  it('reproduces Marchenko-Pastur (ratio 1) for a linear Gaussian layer', () => {
    // MP with ratio 1: G solves z G^2 - z G + 1 = 0 (theory (5.24) reduces to it with D = 1).
    const spec = { N: 100, L: 1, activation: 'linear' as const, weights: { name: 'gaussian' as const, scale: 1 }, bias: null, scaling: 'natural' as const };
    const pop = buildLayeredPopulation(spec, { populationSize: 200 });
    for (const [zr, zi] of [[1, 0.5], [3, 0.2], [0.3, 0.3]] as const) {
      const { value } = populationStieltjes(pop, zr, zi, { sweeps: 200 });
      // exact root with Im G < 0
      const a = { re: zr, im: zi };
      const disc = { re: a.re * a.re - a.im * a.im - 4 * a.re, im: 2 * a.re * a.im - 4 * a.im };
      const m = Math.hypot(disc.re, disc.im);
      let sr = Math.sqrt((m + disc.re) / 2), si = Math.sign(disc.im) * Math.sqrt((m - disc.re) / 2);
      let gr = ((a.re - sr) * a.re + (a.im - si) * a.im) / (2 * (a.re * a.re + a.im * a.im));
      let gi = ((a.im - si) * a.re - (a.re - sr) * a.im) / (2 * (a.re * a.re + a.im * a.im));
      if (gi > 0) { sr = -sr; si = -si; gr = ((a.re - sr) * a.re + (a.im - si) * a.im) / (2 * (a.re * a.re + a.im * a.im)); gi = ((a.im - si) * a.re - (a.re - sr) * a.im) / (2 * (a.re * a.re + a.im * a.im)); }
      // finite variance: no population randomness enters (K = 0), so agreement is to iteration accuracy
      expect(Math.abs(value.re - gr)).toBeLessThan(1e-6);
      expect(Math.abs(value.im - gi)).toBeLessThan(1e-6);
    }
  });

  it('Cauchy sigmoid depth 1: population G(z) matches the Monte Carlo resolvent trace at Im z = Re z / 2 (joint D), N = 400', () => {
    // Independent reference: (1/N) tr (z - J^T J)^{-1} from sampled networks. Tolerance 8% relative:
    // measured 1-5% at N = 600 (population noise ~3%, finite-N and sampling of 2 networks ~3%).
    const spec: NetworkSpec = { N: 400, L: 1, activation: 'sigmoid', weights: { name: 'cauchy', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'natural', seed: 1 };
    const mc = mcSquaredSingularValues(spec, 2);
    const pop = buildLayeredPopulation(spec, { populationSize: 2000 });
    for (const zr of [0.01, 0.1, 1, 5]) {
      const zi = zr / 2;
      const { value } = populationStieltjes(pop, zr, zi, { sweeps: 60 });
      let gr = 0, gi = 0;
      for (const l of mc) { const ar = zr - l, n = ar * ar + zi * zi; gr += ar / n; gi -= zi / n; }
      gr /= mc.length; gi /= mc.length;
      expect(Math.hypot(value.re - gr, value.im - gi) / Math.hypot(gr, gi), `z=${zr}`).toBeLessThan(0.08);
    }
  }, 60_000);

  it('rejects bad input with typed errors', () => {
    const spec = { N: 10, L: 1, activation: 'sigmoid' as const, weights: { name: 'cauchy' as const, scale: 1 }, bias: null, scaling: 'natural' as const };
    expect(() => buildLayeredPopulation({ ...spec, L: 0 })).toThrow(InvalidSpecError);
    const pop = buildLayeredPopulation(spec, { populationSize: 100, lepageTerms: 8 });
    expect(() => populationStieltjes(pop, 1, 0)).toThrow(InvalidSpecError);
    expect(() => solveHeavySpectrum(spec, { gridFrom: 10, gridTo: 1 })).toThrow(InvalidSpecError);
  });

  it('jesd solve dispatch: heavy tails go to the population route (natural scaling only) and report finite numbers', () => {
    const spec = { L: 2, activation: 'sigmoid' as const, weights: { name: 'stable' as const, alpha: 1.5, scale: 1 }, bias: { name: 'gaussian' as const, scale: 1 }, scaling: 'raw' as const };
    expect(() => solveJacobianSpectrum(spec, [0.1])).toThrow(InvalidSpecError);
    const r = heavyLawReport({ ...spec, N: 1, scaling: 'natural' }, [1e-3, 0.1, 10], { populationSize: 200, sweeps: 8, gridPoints: 25 });
    expect(r.edges).toBeNull();
    for (const d of r.density) expect(Number.isFinite(d) && d >= 0).toBe(true);
    expect(r.quantiles['0.1']).toBeLessThan(r.quantiles['0.5']);
    expect(r.quantiles['0.5']).toBeLessThan(r.quantiles['0.9']);
    expect(r.fractionAboveOne).toBeGreaterThanOrEqual(0);
    expect(r.fractionAboveOne).toBeLessThanOrEqual(1);
  });

  it('quantileFromCdf inverts a log-uniform CDF exactly', () => {
    const grid = Float64Array.from([1e-2, 1e-1, 1, 10]);
    const cdf = Float64Array.from([0, 1 / 3, 2 / 3, 1]);
    expect(quantileFromCdf(grid, cdf, 0.5)).toBeCloseTo(Math.sqrt(0.1), 10);
  });

  it('Cauchy sigmoid, depth 1 (q10, q50, q90) and depth 2 (q50, q90): within a factor 1.6 (q10: 2) of Monte Carlo at N = 200 and 400', () => {
    // Tolerance |ln(q_pop / q_MC)| < ln 1.6 = 0.47: measured 0.11-0.33 at N = 200, 400, 800 with
    // population 2000, 121 grid points (docs/heavy-tailed-accuracy.md section 2), the settings used here; with
    // population 1500 and 61 points q10 at L = 1 moved by a factor 2.2 (population noise in the lower tail).
    // Not asserted because they fail (documented): q10 at depth >= 2 (factor 7-12) and the tail exponent.
    // q10 of 2 pooled networks moves by ~25% between Monte Carlo samplings (6.35e-5 in the CLI run,
    // 5.1e-5 here at N = 400), so its tolerance is a factor 2 (route error 0.23-0.28 + that noise).
    const tolFor = (p: string) => (p === '0.1' ? Math.log(2) : Math.log(1.6));
    for (const L of [1, 2]) {
      const base = { L, activation: 'sigmoid' as const, weights: { name: 'cauchy' as const, scale: 1 }, bias: { name: 'gaussian' as const, scale: 1 }, scaling: 'natural' as const, seed: 1 };
      const th = solveHeavySpectrum({ ...base, N: 400 }, { populationSize: 2000, sweeps: 30, gridPoints: 121, gridFrom: 1e-16, gridTo: 1e8, seed: 1 });
      const ps = L === 1 ? (['0.1', '0.5', '0.9'] as const) : (['0.5', '0.9'] as const);
      for (const N of [200, 400]) {
        const mc = mcSquaredSingularValues({ ...base, N }, 800 / N);
        for (const p of ps) {
          expect(Math.abs(Math.log(th.quantiles[p] / q(mc, +p))), `L=${L} N=${N} q${p}`).toBeLessThan(tolFor(p));
        }
      }
      expect(th.diagnostics.massOnGrid).toBeGreaterThan(0.9);
      expect(th.diagnostics.massOnGrid).toBeLessThan(1.1);
    }
  }, 120_000);
});
