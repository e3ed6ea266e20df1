// Annealed large-N complexity (src/counting/annealed.ts, theory/06 (6.22)-(6.26)).
// References: the circular law in closed form (a Ginibre matrix with entry variance sigma^2/N has the
// uniform Brown measure on the disk of radius sigma, so int log max(1, |z|) = log sigma - 1/2 + 1/(2 sigma^2)
// for sigma > 1, 0 otherwise), and an independent finite-N computation of the Fuglede-Kadison side:
// (1/N) log|det(I - G)| = half the mean log of the squared singular values of I - G of one sampled matrix.
import { describe, expect, it } from 'vitest';
import { annealedComplexity, complexityFromSTransform, sTransformOfAtoms } from '../../src/counting/annealed.ts';
import { linalg } from '../../src/linalg/index.ts';
import { STREAM, stream } from '../../src/random/rng.ts';
import { matrix } from '../../src/types.ts';

const circular = (s: number) => (s > 1 ? Math.log(s) - 0.5 + 1 / (2 * s * s) : 0);

describe('annealed complexity (6.26)', () => {
  it('the circular law in closed form: S_MP(m) = 1 / (sigma^2 (1 + m))', () => {
    for (const s of [0.5, 1, 1.5, 2, 4]) {
      // midpoint rule with a kink at t = 1/sigma^2: error O(1/n^2)
      expect(Math.abs(complexityFromSTransform((m) => 1 / (s * s * (1 + m))) - circular(s))).toBeLessThan(2e-6);
    }
  });

  it('the S-transform of atoms: a Dirac at a has S = 1/a; a two-point law matches its moment expansion', () => {
    const { S } = sTransformOfAtoms([3], [1]);
    for (const m of [-0.9, -0.5, -0.01]) expect(S(m)).toBeCloseTo(1 / 3, 10);
    const two = sTransformOfAtoms([1, 4], [0.5, 0.5]).S;
    const m1 = 2.5, m2 = 8.5, m = -1e-5;
    expect(Math.abs(two(m) * m1 - (1 - m * (m2 / (m1 * m1) - 1)))).toBeLessThan(1e-8);
    const withZero = sTransformOfAtoms([0, 2], [0.25, 0.75]);
    expect(withZero.zeroMass).toBe(0.25);
    expect(() => withZero.S(-0.8)).toThrow(/must lie in/);
  });

  it('Fuglede-Kadison at finite N: half the mean log of the squared singular values of I - G agrees with (6.26) from the sampled law of G^T G', () => {
    const N = 200, sigma = 2;
    const rng = stream(2026, STREAM.SAMPLE, 0);
    const G = matrix(N, N);
    for (let i = 0; i < N * N; i++) G.data[i] = (sigma / Math.sqrt(N)) * rng.normal();
    const IG = matrix(N, N, Float64Array.from(G.data, (v) => -v));
    for (let i = 0; i < N; i++) IG.data[i * N + i] = IG.data[i * N + i]! + 1;
    const fk = linalg().singularValues(IG).reduce((a, sv) => a + Math.log(sv * sv), 0) / (2 * N);
    const s2 = Float64Array.from(linalg().singularValues(G), (sv) => sv * sv);
    const fromLaw = complexityFromSTransform(sTransformOfAtoms(s2, new Float64Array(N).fill(1 / N)).S);
    // finite-N fluctuations of both sides are O(1/N) (log-det fluctuations of a non-Hermitian matrix)
    expect(Math.abs(fk - circular(sigma))).toBeLessThan(0.03);
    expect(Math.abs(fromLaw - circular(sigma))).toBeLessThan(0.03);
  });

  it('Gaussian control: the study configuration with Gaussian weights has complexity 0 (expected count 1) at every depth', () => {
    for (const L of [1, 2, 4, 16]) {
      const r = annealedComplexity({ N: 10, L, activation: 'sigmoid', weights: { name: 'gaussian', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'raw' });
      expect(r.complexity).toBe(0);
      expect(r.expectedAll).toBe(1);
      expect(r.outerRadius!).toBeLessThan(1); // the Brown measure lies inside the unit disk
      expect(r.check.passed).toBe(true);
      expect(r.label).toBe('annealed');
    }
  });

  it('complexity > 0 exactly when the Brown measure reaches outside the unit disk (outer radius sqrt(m_1) > 1)', () => {
    const at = (sw: number) => annealedComplexity({ N: 10, L: 1, activation: 'tanh', weights: { name: 'gaussian', scale: sw }, bias: null, scaling: 'natural' });
    const ordered = at(0.9), chaotic = at(3);
    expect(ordered.outerRadius!).toBeLessThan(1);
    expect(ordered.complexity).toBe(0);
    expect(chaotic.outerRadius!).toBeGreaterThan(1);
    expect(chaotic.complexity).toBeGreaterThan(1e-3);
  });
});
