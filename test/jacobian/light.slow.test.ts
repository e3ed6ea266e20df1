import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidSpecError } from '../../src/errors.ts';
import { solveJacobianSpectrum } from '../../src/jacobian/index.ts';
import { jacobianFactors, lightJacobianCdf, solveLightJacobian } from '../../src/jacobian/light.ts';
import { sampleJacobianSquaredSingularValues } from '../../src/compare/sampler.ts';
import { productEdges, productLaw, solveAtLog } from '../../src/freeprob/multiplicative.ts';
import { densityOnGrid } from '../../src/freeprob/spectrum.ts';
import { criticalParameters } from '../../src/meanfield/gaussian.ts';
import { kolmogorovDistance } from '../../src/spectra/tabulatedLaw.ts';
import { expectReference, referenceWhere } from '../fixtures/reference.ts';

const relu = (L: number, at: number[] = [1]) => solveLightJacobian({ activation: 'relu', sigmaW: Math.SQRT2, sigmaB: 0, L }, at);

describe('ReLU, Gaussian weights, sigma_w^2 = 2, sigma_b = 0 (references: test/fixtures/reference/jacobian.json)', () => {
  it('m1 = 1, m2 = 2L + 1, atom 1/2 at 0, right edges', () => {
    for (const edge of referenceWhere('jacobian', { quantity: 'relu-right-edge' })) {
      const L = edge.depth as number;
      const r = relu(L);
      // series reversion is exact up to rounding: 1e-12
      expect(r.moments[0]).toBeCloseTo(1, 12);
      expect(r.moments[1]).toBeCloseTo(2 * L + 1, 11);
      expect(r.atoms).toEqual([{ at: 0, mass: 0.5 }]);
      // Closed-form edge (double root of the S-transform equation) at 50 digits; relative 1e-12.
      expectReference(r.edges![1], edge, `right edge L = ${L}`);
    }
    // L = 1: W^T D^2 W is MP with ratio 1/2 (times 2): closed-form edges 3 -+ 2 sqrt 2.
    expect(relu(1).edges![0]).toBeCloseTo(3 - 2 * Math.SQRT2, 12);
  });
  it('L = 2 density at 0.5, 1, 2, 4, 8, 10', () => {
    // mpmath roots of the cubic (1 + p)(1 + 2p)^2 = x p at 50 digits; relative 1e-10.
    const ref = referenceWhere('jacobian', { quantity: 'relu-density', depth: 2 });
    const r = relu(2, ref.map((c) => c.x as number));
    expect(r.diagnostics.converged).toBe(true);
    ref.forEach((c, i) => expectReference(r.density[i]!, c, 'relu L = 2 density'));
    expect(r.expectedLog).toBeNull(); // the atom at 0 makes E[ln lambda] = -infinity
  });
});

describe('erf at criticality with q* = 0.2', () => {
  const { sigmaW, sigmaB } = criticalParameters('erf', 0.2);
  it('spectrum variance per layer: (1 + pi q)/sqrt(1 + 2 pi q) - 1 = 0.0839481 (orthogonal), + 1 (Gaussian)', () => {
    for (const c of referenceWhere('jacobian', { quantity: 'erf-variance-per-layer' })) {
      const ensemble = c.ensemble as 'orthogonal' | 'gaussian';
      for (const L of [1, 3]) {
        const r = solveLightJacobian({ activation: 'erf', sigmaW, sigmaB, L, ensemble }, [0.5]);
        expect(r.moments[0]).toBeCloseTo(1, 10); // chi = 1: m1 = chi^L
        // The variance is additive over layers at m1 = 1; closed-form reference, 1e-10 per layer.
        expectReference((r.moments[1]! - r.moments[0]! ** 2) / L, c, `${ensemble} L = ${L}`);
      }
    }
  });
});

describe('properties (fast-check)', () => {
  it('density >= 0, mass with atoms = 1 and the first two moments match series reversion within 1e-6', () => {
    fc.assert(fc.property(
      fc.constantFrom('tanh' as const, 'sigmoid' as const, 'erf' as const, 'relu' as const, 'hardtanh' as const),
      // sigma_w <= 1.5: for larger sigma_w (large q*, widely spread D^2 atoms) the discrete D^2 law gives the
      // density sharp interior features and the invariant quadrature reaches only ~1e-6 (reported in diagnostics).
      fc.double({ min: 0.6, max: 1.5, noNaN: true }), fc.double({ min: 0, max: 0.6, noNaN: true }),
      fc.integer({ min: 1, max: 4 }),
      (activation, sigmaW, sigmaB, L) => {
        const r = solveLightJacobian({ activation, sigmaW, sigmaB, L }, [0.05, 0.3, 1, 3]);
        r.density.forEach((d) => expect(d).toBeGreaterThanOrEqual(0));
        expect(r.diagnostics.massError as number).toBeLessThan(1e-6);
        expect(r.diagnostics.firstMomentError as number).toBeLessThan(1e-6 * Math.max(1e-3, r.moments[0]!));
        expect(r.diagnostics.secondMomentError as number).toBeLessThan(1e-6 * Math.max(1e-3, r.moments[1]!));
      }), { numRuns: 12 });
  });
});

describe('grid warm starts', () => {
  it('densities solved along a grid equal independent cold solves (no branch jumps)', () => {
    const { factors } = jacobianFactors({ activation: 'sigmoid', sigmaW: 3, sigmaB: 0.4, L: 6 });
    const law = productLaw(factors);
    const edges = productEdges(law);
    const xs = Array.from({ length: 80 }, (_, i) => 1e-4 + (i * edges[1] * 1.05) / 79);
    const grid = densityOnGrid(law, edges, xs);
    expect(grid.failedAt).toEqual([]);
    for (let i = 0; i < xs.length; i += 8) {
      const cold = solveAtLog(law, Math.log(xs[i]!), edges[1], null);
      expect(cold.cert.converged).toBe(true);
      // Both are certified roots of (3.4); equal to rounding if they are the same (physical) root.
      expect(Math.abs(cold.density - grid.density[i]!)).toBeLessThan(1e-9 * Math.max(1e-6, cold.density));
    }
  });
});

describe('Monte Carlo agreement (tanh and sigmoid, L in {2, 5, 10})', () => {
  // Kolmogorov distance between the predicted CDF and the pooled ESD of J J^T. Finite-width
  // corrections (fluctuating layer norms, edge effects) and sampling noise are O(N^{-1/2}), so the
  // bound is 1.2 / sqrt(N): 0.085 at N = 200, 0.042 at N = 800. Seeds fixed (seed 7).
  const bound = (N: number) => 1.2 / Math.sqrt(N);
  const cases = [
    { activation: 'tanh' as const, sigmaW: 1.2, sigmaB: 0.1 },
    { activation: 'sigmoid' as const, sigmaW: 4, sigmaB: 0.5 },
  ];
  for (const c of cases) {
    it(`${c.activation}: N = 200 (2 networks) and N = 800 (1 network)`, () => {
      for (const L of [2, 5, 10]) {
        const spec = { ...c, L };
        for (const [N, networks] of [[200, 2], [800, 1]] as const) {
          const sample = Float64Array.from(sampleJacobianSquaredSingularValues(spec, N, networks, 7)).sort();
          const cdf = lightJacobianCdf(spec, Array.from(sample));
          const lookup = new Map<number, number>();
          sample.forEach((x, i) => lookup.set(x, cdf[i]!));
          const ks = kolmogorovDistance(sample, (x) => lookup.get(x)!);
          expect(ks, `L=${L} N=${N}`).toBeLessThan(bound(N));
        }
      }
    });
  }
});

describe('erf: the sampled network and the theory use the same phi(x) = erf(sqrt(pi) x / 2)', () => {
  it('Monte Carlo at criticality (q* = 0.2), N = 200, L = 5, 2 networks: Kolmogorov distance < 1.2/sqrt(N)', () => {
    // Same bound and reasoning as the tanh/sigmoid block above. A convention mismatch (erf(x) vs
    // erf(sqrt(pi) x/2)) changes sigma_w^2 chi per layer by tens of percent and fails this bound.
    const spec = { activation: 'erf' as const, ...criticalParameters('erf', 0.2), L: 5 };
    const N = 200;
    const sample = Float64Array.from(sampleJacobianSquaredSingularValues(spec, N, 2, 7)).sort();
    const cdf = lightJacobianCdf(spec, Array.from(sample));
    const lookup = new Map<number, number>();
    sample.forEach((x, i) => lookup.set(x, cdf[i]!));
    expect(kolmogorovDistance(sample, (x) => lookup.get(x)!)).toBeLessThan(1.2 / Math.sqrt(N));
  });
});

describe('bad input', () => {
  const field = (f: () => unknown) => { try { f(); } catch (e) { expect(e).toBeInstanceOf(InvalidSpecError); return (e as InvalidSpecError).field; } return null; };
  const base = { activation: 'tanh' as const, weights: { name: 'gaussian' as const, scale: 1.2 }, bias: { name: 'gaussian' as const, scale: 0.1 }, scaling: 'natural' as const, L: 3 };
  it('typed errors naming the field', () => {
    expect(field(() => solveLightJacobian({ activation: 'tanh', sigmaW: 0, sigmaB: 0, L: 2 }, [1]))).toBe('sigmaW');
    expect(field(() => solveLightJacobian({ activation: 'tanh', sigmaW: -1, sigmaB: 0, L: 2 }, [1]))).toBe('sigmaW');
    expect(field(() => solveLightJacobian({ activation: 'tanh', sigmaW: 1, sigmaB: 0, L: 0 }, [1]))).toBe('depth');
    expect(field(() => solveLightJacobian({ activation: 'tanh', sigmaW: 1, sigmaB: 0, L: 2 }, [-1]))).toBe('at');
    expect(field(() => solveJacobianSpectrum({ ...base, bias: { name: 'cauchy', scale: 1 } }, [1]))).toBe('--bias');
    expect(field(() => solveJacobianSpectrum({ ...base, scaling: 'raw' }, [1]))).toBe('--scaling');
  });
  it('dispatch: finite-variance student weights give the Gaussian answer', () => {
    const g = solveJacobianSpectrum(base, [0.5, 1]);
    const s = solveJacobianSpectrum({ ...base, weights: { name: 'student', alpha: 5, scale: 1.2 } }, [0.5, 1]);
    expect(s.density).toEqual(g.density);
  });
});
