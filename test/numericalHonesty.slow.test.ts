/**
 * Numerical honesty, slow tier (Monte Carlo and the CLI). Property: for random valid light-tailed
 * solve requests (sigmoid, tanh, erf, linear, relu, hardtanh; sigma_w in [0.3, 1000]; depth 1..50;
 * sigma_b in {0, 0.5, 1}), either the solve throws NonConvergenceError (the CLI's exit 3) or its
 * first moment m_1 of J J^T, which passed the self-check (theory/04-light-tailed.md (4.26)), agrees
 * with Monte Carlo within a tolerance from the Monte Carlo standard error. Never a wrong moment with
 * exit 0.
 *
 * Monte Carlo: sampled width-N networks (mean of lambda per network, standard error over K
 * networks), with N chosen so that about 16 units per layer are unsaturated; where that needs
 * N > 256 (sigma_w ~ 1000 saturates all but ~1e-3 of the units, so a sampled network's mean is
 * dominated by events it almost never sees), the mean-field product prod_l sigma_w^2 E[phi'(h_l)^2] is
 * estimated from sampled pre-activations h_l ~ N(0, q_l) instead (standard error from the sample).
 * Tolerance on ln(MC / m_1): 4 standard errors (delta method) plus L/N for the O(1/N) per-layer bias
 * of a finite network (theory/04 section 4.4).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NonConvergenceError } from '../src/errors.ts';
import { solveLightJacobian, type LightJacobianReport } from '../src/jacobian/light.ts';
import { sampleJacobianSquaredSingularValues } from '../src/compare/sampler.ts';
import { meanFieldActivation } from '../src/meanfield/gaussian.ts';
import { STREAM, stream } from '../src/random/rng.ts';
import type { ActivationName } from '../src/spec/networkSpec.ts';

const ROOT = join(import.meta.dirname, '..');
const jesd = (...args: string[]) => spawnSync('bin/jesd', args, { encoding: 'utf8', cwd: ROOT });

const ACTS: ActivationName[] = ['sigmoid', 'tanh', 'erf', 'linear', 'relu', 'hardtanh'];
const N_CAP = 256, NETWORKS = 12, PREACT_SAMPLES = 400_000;

/** ln of the Monte Carlo estimate of m_1 and its standard error in the log (delta method). */
function monteCarloLogMoment(spec: { activation: ActivationName; sigmaW: number; sigmaB: number; L: number }, rep: LightJacobianReport, seed: number): { logMc: number; logSe: number; bias: number; how: string } {
  const act = meanFieldActivation(spec.activation);
  const top = act.dphi(0) ** 2 || 1; // relu: phi'(0) = 0 by convention, 1 on h > 0
  const frac = Math.min(...rep.layers.chi.map((c) => c / (spec.sigmaW * spec.sigmaW))) / top;
  const N = Math.max(64, Math.ceil(16 / Math.max(frac, 1e-12)));
  if (N <= N_CAP) {
    const s = sampleJacobianSquaredSingularValues(spec, N, NETWORKS, seed);
    const means: number[] = [];
    for (let k = 0; k < NETWORKS; k++) { let a = 0; for (let i = 0; i < N; i++) a += s[k * N + i]!; means.push(a / N); }
    const mean = means.reduce((a, b) => a + b, 0) / NETWORKS;
    const sd = Math.sqrt(means.reduce((a, b) => a + (b - mean) ** 2, 0) / (NETWORKS - 1));
    return { logMc: Math.log(mean), logSe: sd / Math.sqrt(NETWORKS) / mean, bias: spec.L / N, how: `networks N=${N}` };
  }
  // Mean-field Monte Carlo: one estimate of E[phi'(h)^2] per distinct q_l, h ~ N(0, q_l).
  let logMc = 0;
  const seen = new Map<number, { logMu: number; rel2: number }>();
  rep.layers.q.forEach((q, l) => {
    let e = seen.get(q);
    if (e === undefined) {
      const rng = stream(seed, STREAM.PREACTIVATION, l);
      let a = 0, a2 = 0;
      for (let i = 0; i < PREACT_SAMPLES; i++) { const d = act.dphi(Math.sqrt(q) * rng.normal()) ** 2; a += d; a2 += d * d; }
      const mu = a / PREACT_SAMPLES, v = a2 / PREACT_SAMPLES - mu * mu;
      e = { logMu: Math.log(mu), rel2: v / PREACT_SAMPLES / (mu * mu) };
      seen.set(q, e);
    }
    logMc += Math.log(spec.sigmaW * spec.sigmaW) + e.logMu;
  });
  // Layers at the same q share one estimate, so their errors add coherently: c layers give c^2 rel^2.
  let se = 0;
  const counts = new Map<number, number>();
  for (const q of rep.layers.q) counts.set(q, (counts.get(q) ?? 0) + 1);
  for (const [q, c] of counts) se += c * c * seen.get(q)!.rel2;
  return { logMc, logSe: Math.sqrt(se), bias: 0, how: `pre-activations x${PREACT_SAMPLES}` };
}

describe('numerical honesty: self-checked m_1 agrees with Monte Carlo, or exit 3', () => {
  it('property over activations, sigma_w up to 1000, depth up to 50', () => {
    const outcomes = { agreed: 0, refused: 0 };
    fc.assert(fc.property(
      fc.record({
        activation: fc.constantFrom(...ACTS),
        logSigmaW: fc.double({ min: -0.5, max: 3, noNaN: true }),
        L: fc.integer({ min: 1, max: 50 }),
        sigmaB: fc.constantFrom(0, 0.5, 1),
        seed: fc.integer({ min: 1, max: 1000 }),
      }),
      (c) => {
        const spec = { activation: c.activation, sigmaW: 10 ** c.logSigmaW, sigmaB: c.sigmaB, L: c.L };
        let rep: LightJacobianReport;
        try {
          rep = solveLightJacobian(spec, [1]);
        } catch (e) {
          // Exit 3 is an honest answer; anything else (exit 2 on a valid request, a crash) is not.
          expect(e).toBeInstanceOf(NonConvergenceError);
          outcomes.refused++;
          return;
        }
        const m1 = rep.moments[0]!;
        expect(Number.isFinite(m1) && m1 > 0).toBe(true);
        expect((rep.diagnostics.momentCheck as { passed: boolean }).passed).toBe(true);
        const mc = monteCarloLogMoment(spec, rep, c.seed);
        const tol = 4 * mc.logSe + mc.bias;
        expect(Math.abs(mc.logMc - Math.log(m1)), `${JSON.stringify(c)} m1=${m1} mc=e^${mc.logMc} (${mc.how}) tol=${tol}`).toBeLessThanOrEqual(tol);
        outcomes.agreed++;
      },
    ), { numRuns: 30, seed: 20261128 });
    // The property must exercise the agreeing branch, not only refusals.
    expect(outcomes.agreed).toBeGreaterThan(outcomes.refused);
  });
});

describe('m_1 of the solve against mpmath (test/fixtures/numerical-honesty.json, scripts/fixtures/numerical_honesty.py)', () => {
  it('sigmoid sigma_w = 30, 100, 1000 and tanh sigma_w = 100, depth 3: m_1 to 1e-9 relative', () => {
    const fixture = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'numerical-honesty.json'), 'utf8')) as {
      solve: { activation: ActivationName; sigmaW: number; sigmaB: number; depth: number; m1: number }[];
    };
    for (const r of fixture.solve) {
      const rep = solveLightJacobian({ activation: r.activation, sigmaW: r.sigmaW, sigmaB: r.sigmaB, L: r.depth }, [0.5]);
      expect(Math.abs(rep.moments[0]! - r.m1) / r.m1).toBeLessThan(1e-9);
      expect((rep.diagnostics.momentCheck as { passed: boolean }).passed).toBe(true);
    }
  });
});

describe('the reproductions of the wrong answers (CLI)', () => {
  it('solve --depth 3 --sigma-w 100 --at 0.5 --compare-mc 100: m_1 near the Monte Carlo mean, not 1.5e-24', () => {
    const r = jesd('solve', '--depth', '3', '--sigma-w', '100', '--at', '0.5', '--compare-mc', '100', '--json');
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout);
    // Reference 845.1845665478444: test/fixtures/numerical-honesty.json (mpmath); the Monte Carlo gave ~781.
    expect(Math.abs(d.moments[0] - 845.1845665478444) / 845.18).toBeLessThan(1e-9);
    expect(d.diagnostics.momentCheck.passed).toBe(true);
    expect(d.diagnostics.momentCheck.relativeError).toBeLessThanOrEqual(d.diagnostics.momentCheck.tolerance);
  });

  it('solve --depth 50 --activation linear --at 0.5,1,2 --json: exit 0, derived fields finite or null with a reason', () => {
    const r = jesd('solve', '--depth', '50', '--activation', 'linear', '--at', '0.5,1,2', '--json');
    expect(r.status).toBe(0);
    const d = JSON.parse(r.stdout);
    for (const f of ['fractionAboveOne', 'expectedLog']) if (d[f] === null) expect(typeof d.unavailable[f]).toBe('string');
    expect(d.moments[0]).toBe(1);
  });

  it('spectrum --width 8 --depth 200 --weights cauchy --activation linear: text and JSON follow one rule, no Infinity', () => {
    const args = ['spectrum', '--width', '8', '--depth', '200', '--weights', 'cauchy', '--activation', 'linear'];
    const text = jesd(...args), json = jesd(...args, '--json');
    expect(text.status).toBe(0);
    expect(json.status).toBe(0);
    expect(text.stdout).not.toMatch(/Infinity|NaN/);
    const d = JSON.parse(json.stdout);
    expect(d.moments[1]).toBeNull();
    expect(typeof d.unavailable['moments.2']).toBe('string');
    // ln m_2 >= 2 ln m_1 (Jensen), both finite.
    expect(d.logMoments[1]).toBeGreaterThanOrEqual(2 * d.logMoments[0] - 1e-9);
    expect(text.stdout).toContain(`e^${d.logMoments[1].toPrecision(6)}`);
  });

  it('numerical failures are exit 3 with a sentence or work; never exit 2 with internal names', () => {
    const a = jesd('solve', '--depth', '3', '--sigma-w', '1000', '--at', '0.5');
    expect(a.status).toBe(0);
    expect(a.stdout).toMatch(/self-check/);
    const b = jesd('spectrum', '--width', '8', '--depth', '400', '--weights', 'cauchy', '--activation', 'linear');
    expect(b.status).toBe(0);
    expect(b.stdout).not.toMatch(/Infinity|NaN/);
    const c = jesd('spectrum', '--width', '8', '--depth', '1500', '--weights', 'cauchy', '--activation', 'linear');
    expect(c.status).toBe(3);
    expect(c.stderr).toMatch(/overflow double precision/);
    expect(c.stderr).not.toMatch(/squaredSingularValues|\bJ:/);
  });

  it('solve --depth 2 --at 1 --plot draws a one-point figure', () => {
    const out = join(spawnSync('mktemp', ['-d'], { encoding: 'utf8' }).stdout.trim(), 'a.svg');
    const r = jesd('solve', '--depth', '2', '--at', '1', '--plot', out);
    expect(r.status).toBe(0);
    const svg = spawnSync('cat', [out], { encoding: 'utf8' }).stdout;
    expect(svg).toMatch(/^<svg|<\?xml/);
  });
});
