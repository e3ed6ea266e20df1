/**
 * Learning time-scales (src/timescales/, theory/10-timescales.md), fast checks:
 * - Hermite coefficients (10.3) against numpy's hermegauss (200 nodes) and relu's closed forms,
 *   test/fixtures/reference/timescales.json (written by test/fixtures/timescales_reference.py);
 * - the risk identity (10.15) - (10.5): the double sum over particles exceeds 1/2 sum r_k^2 by exactly
 *   the self-interaction term (1/(2m^2)) sum a_i^2 (U(1) - U(s_i^2));
 * - the fast block (10.8): the nonzero eigenvalues of the m x m matrix G(s) are those of the K x K H;
 * - phi_1 = 0: ds/dt = 0 at s = 0 exactly (10.7), and the spec is refused;
 * - the flow (10.6)-(10.7) on a small case (m = 40, eps = 1e-6) against scipy LSODA at rtol 1e-9:
 *   r_k(t) and the learning times (10.12), and R non-increasing;
 * - the CLI refuses eps <= 0, phi_1 = 0 and non-finite values with one line.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NonConvergenceError } from '../../src/errors.ts';
import { getActivation } from '../../src/laws/activations.ts';
import { linalg } from '../../src/linalg/index.ts';
import type { ActivationName } from '../../src/spec/networkSpec.ts';
import { fastEigenvalues, fastMatrix, finiteWidthRisk, flowRhs, integrateFlow, residuals, risk, validateFlowSpec, type FlowSpec } from '../../src/timescales/flow.ts';
import { ACTIVATION_KINKS, hermiteCoefficients } from '../../src/timescales/hermite.ts';
import { matrix } from '../../src/types.ts';
import { runCli } from '../helpers/cli.ts';

interface Fixture {
  hermite: { activation: ActivationName; coefficients: number[]; tolerance: { abs: number }; provenance: string }[];
  small: { sigma: number[]; phi: number[]; particles: number; eps: number; tEnd: number; times: { degree: number; t: number }[]; samples: { t: number; r: number[]; R: number }[]; tolerance: { rAbs: number; timeRel: number } };
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/reference/timescales.json', import.meta.url), 'utf8')) as Fixture;

describe('Hermite coefficients (10.3)', () => {
  for (const c of fx.hermite) {
    it(`${c.activation} against ${c.provenance.split(':')[1]?.trim() ?? c.provenance}`, () => {
      const got = hermiteCoefficients(getActivation(c.activation).phi, c.coefficients.length - 1, { kinks: ACTIVATION_KINKS[c.activation] });
      c.coefficients.forEach((v, k) => expect(Math.abs(got[k]! - v), `${c.activation} k=${k}: ${got[k]} vs ${v}`).toBeLessThanOrEqual(c.tolerance.abs));
    });
  }
  it('a polynomial is exact: He_3(x) = x^3 - 3x has coefficients (0, 0, 0, sqrt 6)', () => {
    const got = hermiteCoefficients((x) => x ** 3 - 3 * x, 4, { points: 10 });
    [0, 0, 0, Math.sqrt(6), 0].forEach((v, k) => expect(got[k]).toBeCloseTo(v, 12));
    const panels = hermiteCoefficients((x) => x ** 3 - 3 * x, 4, { kinks: [0] });
    [0, 0, 0, Math.sqrt(6), 0].forEach((v, k) => expect(panels[k]).toBeCloseTo(v, 12));
  });
});

const spec3: FlowSpec = { sigma: [0.3, 1, 0.8], phi: [0.5, 1, 0.6], particles: 7, init: 'quantiles' };
const a7 = [0.3, -1.2, 2.5, 0.7, -0.4, 1.9, -2.2];
const s7 = [0.1, -0.5, 0.9, 0.33, -0.75, 0.05, 0.6];
const state = () => Float64Array.from([...a7, ...s7]);

describe('risk and fast block', () => {
  it('(10.15) double sum = 1/2 sum r_k^2 + (1/(2m^2)) sum a_i^2 (U(1) - U(s_i^2))', () => {
    const U = (x: number) => spec3.sigma.reduce((acc, v, k) => acc + v * v * x ** k, 0);
    const self = a7.reduce((acc, a, i) => acc + a * a * (U(1) - U(s7[i]! ** 2)), 0) / (2 * 7 * 7);
    expect(finiteWidthRisk(spec3, a7, s7)).toBeCloseTo(risk(residuals(spec3, state())) + self, 12);
  });

  it('(10.8) the nonzero eigenvalues of G = (1/m) P^T Sigma^2 P are those of H', () => {
    const m = 7, K = 3;
    const G = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      let v = 0;
      for (let k = 0; k < K; k++) v += spec3.sigma[k]! ** 2 * s7[i]! ** k * s7[j]! ** k;
      G[i * m + j] = v / m;
    }
    const big = Array.from(linalg().symmetricEigenvalues(matrix(m, m, G))).sort((p, q) => q - p).slice(0, K);
    const eps = 1e-3;
    const fast = fastEigenvalues(spec3, eps, state()).map((v) => -v * eps);
    fast.forEach((v, j) => expect(v).toBeCloseTo(big[j]!, 12));
    // H is the K x K moment matrix sigma_k sigma_l (1/m) sum s^{k+l}: its trace is sum_k sigma_k^2 mean(s^{2k}).
    const H = fastMatrix(spec3, state());
    const tr = spec3.sigma.reduce((acc, v, k) => acc + (v * v * s7.reduce((q, s) => q + s ** (2 * k), 0)) / m, 0);
    expect(H[0]! + H[4]! + H[8]!).toBeCloseTo(tr, 12);
  });

  it('phi_1 = 0: the overlaps never leave s = 0 (10.7), and the spec is refused', () => {
    const spec: FlowSpec = { sigma: [0.5, 1, 1], phi: [0.2, 0, 1], particles: 7, init: 'quantiles' };
    const y = Float64Array.from([...a7, ...new Array(7).fill(0)]);
    const dy = flowRhs(spec, 1e-6, y, new Float64Array(14));
    for (let i = 7; i < 14; i++) expect(dy[i] === 0, `ds_${i - 7}/dt = ${dy[i]}`).toBe(true);
    expect(() => validateFlowSpec(spec)).toThrow(/phi_1 = 0/);
    expect(() => integrateFlow(spec, { eps: 1e-6 })).toThrow(/nothing|no degree/);
  });

  it('a run that cannot reach tEnd within maxSteps is a NonConvergenceError, not a partial result', () => {
    expect(() => integrateFlow({ ...spec3, sigma: [0, 1, 1], phi: [0, 1, 1] }, { eps: 1e-6, maxSteps: 20 })).toThrow(NonConvergenceError);
  });
});

describe('the flow against scipy LSODA (m = 40, eps = 1e-6)', () => {
  const c = fx.small;
  const run = integrateFlow({ sigma: c.sigma, phi: c.phi, particles: c.particles, init: 'quantiles' }, { eps: c.eps, tEnd: c.tEnd, rtol: 1e-7, samplesPerDecade: 5, extraSampleTimes: c.samples.map((s) => s.t) });
  it('r_k(t) at the sampled times', () => {
    for (const ref of c.samples) {
      const got = run.samples.find((s) => s.t === ref.t)!;
      ref.r.forEach((v, k) => expect(Math.abs(got.r[k]! - v), `t=${ref.t} k=${k}`).toBeLessThanOrEqual(c.tolerance.rAbs));
    }
  });
  it('learning times t_1, t_2 (10.12)', () => {
    for (const ref of c.times) {
      const got = run.times.find((x) => x.degree === ref.degree)!.t!;
      expect(Math.abs(got / ref.t - 1), `t_${ref.degree}: ${got} vs ${ref.t}`).toBeLessThanOrEqual(c.tolerance.timeRel);
    }
  });
  it('R is non-increasing (a gradient flow) and the degrees are learnt in order 0, 1, 2', () => {
    for (let j = 1; j < run.samples.length; j++) expect(run.samples[j]!.R).toBeLessThanOrEqual(run.samples[j - 1]!.R * (1 + 1e-9) + 1e-15);
    const t = run.times.map((x) => x.t!);
    expect(run.times.map((x) => x.degree)).toEqual([0, 1, 2]);
    expect(t[0]).toBeLessThan(t[1]!);
    expect(t[1]).toBeLessThan(t[2]!);
  });
});

const cli = (argv: string[]) => runCli(['timescales', ...argv]);

describe('jesd timescales', () => {
  const base = ['--sigma', '0,1,1', '--phi', '0,1,1', '--particles', '8', '--t-end', '0.05', '--quiet'];
  it('refuses eps <= 0, phi_1 = 0 and non-finite values with one line, exit 2', async () => {
    process.env.JESD_QUIET_BACKEND = '1';
    for (const [argv, pattern] of [
      [[...base, '--eps', '0'], /--eps: must be > 0/],
      [[...base, '--eps', '1e-6,-1e-8'], /--eps: must be > 0/],
      [['--sigma', '0,1,1', '--phi', '0,0,1', '--eps', '1e-6', '--quiet'], /--phi: phi_1 = 0/],
      [[...base, '--eps', 'NaN'], /--eps/],
      [['--sigma', '0,Infinity,1', '--phi', '0,1,1', '--eps', '1e-6', '--quiet'], /--sigma/],
    ] as [string[], RegExp][]) {
      const r = await cli(argv);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    }
  });
  it('--json has runs[].eps, runs[].times[].degree/t and exponents[].degree/exponent', async () => {
    const r = await cli([...base, '--eps', '1e-6,1e-7', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { runs: { eps: number; times: { degree: number; t: number }[] }[]; exponents: { degree: number; exponent: number }[] };
    expect(doc.runs.map((x) => x.eps)).toEqual([1e-6, 1e-7]);
    expect(doc.runs[0]!.times[0]!.degree).toBe(1);
    expect(doc.runs[0]!.times[0]!.t).toBeGreaterThan(0);
    expect(doc.exponents[0]!.degree).toBe(1);
    expect(doc.exponents[0]!.exponent).toBeGreaterThan(0);
  });
});
