import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidSpecError } from '../../src/errors.ts';
import {
  bernoulliFactor, diracFactor, etaFromStieltjes, marchenkoPasturR, semicircleR, discreteFactor, factorByName, freePoissonFactor, fussCatalanFactor,
  marchenkoPasturDensity, marchenkoPasturFactor, marchenkoPasturStieltjes, semicircleDensity, semicircleMoments, semicircleStieltjes,
} from '../../src/freeprob/closedFormLaws.ts';
import { productAtoms, productEdges, productInverseMoment, productLaw, productMoments, productSTransform, productStieltjes } from '../../src/freeprob/multiplicative.ts';
import { NAMED_LAWS } from '../../src/freeprob/namedLaws.ts';
import { freeMultiplicativeConvolution } from '../../src/freeprob/spectrum.ts';
import * as C from '../../src/freeprob/complex.ts';
import { gaussLegendre } from '../../src/numerics/quadrature.ts';
import { lagrangeInversion, seriesMul, seriesReciprocal } from '../../src/freeprob/series.ts';
import { expectReference, referenceWhere } from '../fixtures/reference.ts';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('closed-form references', () => {
  // References: test/fixtures/reference/freeprob.json (mpmath at 50 digits: closed form for
  // Marchenko-Pastur, polynomial roots of the moment generating function for Fuss-Catalan), relative 1e-12.
  const at = [0.5, 1, 2, 3];
  it('Marchenko-Pastur c = 1 density, by the S-transform solver and by the closed form', () => {
    const ref = referenceWhere('freeprob', { law: 'marchenko-pastur', ratio: 1 });
    const solved = freeMultiplicativeConvolution([{ factor: marchenkoPasturFactor(1, 1), power: 1 }], ref.map((c) => c.x as number)).report;
    ref.forEach((c, i) => expectReference(solved.density[i]!, c, 'S-transform solver'));
    for (const c of referenceWhere('freeprob', { law: 'marchenko-pastur' })) {
      expectReference(marchenkoPasturDensity(c.x as number, c.ratio as number, 1), c, 'closed form');
    }
    // Solver vs closed form: independent formulas, agreement to 1e-10 (Newton converged to rounding).
    at.forEach((x, i) => expect(rel(solved.density[i]!, marchenkoPasturDensity(x, 1, 1))).toBeLessThan(1e-10));
    expect(solved.edges).toEqual([0, expect.closeTo(4, 12)]);
    expect(solved.moments).toEqual([1, 2, 5, 14].map((m) => expect.closeTo(m, 10)));
  });

  it('Fuss-Catalan L = 2 density', () => {
    for (const depth of [1, 2]) {
      const ref = referenceWhere('freeprob', { law: 'fuss-catalan', depth });
      const d = NAMED_LAWS['fuss-catalan']!({ depth, at: ref.map((c) => c.x as number) }).density;
      ref.forEach((c, i) => expectReference(d[i]!, c, 'fuss-catalan'));
    }
    const r = NAMED_LAWS['fuss-catalan']!({ depth: 2, at });
    // x = 0.5: the density is exactly 1/pi (closed form of the L = 2 law at x = 1/2).
    expect(rel(r.density[0]!, 1 / Math.PI)).toBeLessThan(1e-12);
  });

  it('Fuss-Catalan moments and right edges (L+1)^(L+1)/L^L', () => {
    const refs = [[1, 2, 5, 14], [1, 3, 12, 55], [1, 4, 22, 140]];
    const edges = [4, 6.75, 256 / 27];
    for (let L = 1; L <= 3; L++) {
      const m = productMoments([{ factor: fussCatalanFactor(L), power: 1 }], 4);
      refs[L - 1]!.forEach((v, k) => expect(m[k]!).toBeCloseTo(v, 9));
      const e = productEdges(productLaw([{ factor: fussCatalanFactor(L), power: 1 }]));
      expect(rel(e[1], edges[L - 1]!)).toBeLessThan(1e-12);
      expect(e[0]).toBe(0);
      // FC(L) = MP(1,1)^{⊠L}: the same law through L factors (an independent route through (3.4)).
      const viaProduct = productMoments([{ factor: marchenkoPasturFactor(1, 1), power: L }], 4);
      viaProduct.forEach((v, k) => expect(rel(v, m[k]!)).toBeLessThan(1e-12));
    }
  });

  it('semicircle: density, Stieltjes inversion, moments', () => {
    expect(semicircleDensity(0)).toBeCloseTo(1 / Math.PI, 14);
    for (const x of [-1.5, 0.3, 1.9]) {
      const g = semicircleStieltjes({ re: x, im: 1e-12 });
      expect(Math.abs(-g.im / Math.PI - semicircleDensity(x))).toBeLessThan(1e-9);
    }
    // G ~ 1/z at infinity (right branch)
    const g = semicircleStieltjes({ re: 0, im: 1e6 });
    expect(Math.abs(g.im + 1e-6)).toBeLessThan(1e-15);
    expect(semicircleMoments(6)).toEqual([0, 1, 0, 2, 0, 5]);
  });

  it('MP closed-form Stieltjes transform agrees with the solver s/z in the upper half plane', () => {
    const law = freeMultiplicativeConvolution([{ factor: marchenkoPasturFactor(0.5, 2), power: 1 }], [1, 2, 3]);
    // density on the real axis vs closed form with c = 0.5, sigma^2 = 2
    law.report.x.forEach((x, i) => expect(Math.abs(law.report.density[i]! - marchenkoPasturDensity(x, 0.5, 2))).toBeLessThan(1e-10));
    const g = marchenkoPasturStieltjes({ re: 1, im: 1e-13 }, 0.5, 2);
    expect(Math.abs(-g.im / Math.PI - marchenkoPasturDensity(1, 0.5, 2))).toBeLessThan(1e-8);
    expect(law.report.edges![0]).toBeCloseTo(2 * (1 - Math.SQRT1_2) ** 2, 10);
    expect(law.report.edges![1]).toBeCloseTo(2 * (1 + Math.SQRT1_2) ** 2, 10);
  });

  it('MP with c > 1 has an atom 1 - 1/c at 0; free Poisson is MP', () => {
    const r = freeMultiplicativeConvolution([{ factor: marchenkoPasturFactor(2, 1), power: 1 }], [1, 3]).report;
    expect(r.atoms).toEqual([{ at: 0, mass: 0.5 }]);
    r.x.forEach((x, i) => expect(Math.abs(r.density[i]! - marchenkoPasturDensity(x, 2, 1))).toBeLessThan(1e-10));
    expect(Math.abs((r.diagnostics.totalMass as number) - 1)).toBeLessThan(1e-9);
    const fp = freePoissonFactor(0.5, 1);
    expect(fp.scale).toBeCloseTo(marchenkoPasturFactor(2, 0.5).scale, 14);
  });
});

describe('Stieltjes transform of a product law off the axis', () => {
  it('productStieltjes(MP(0.5, 2)) equals the closed-form G in the upper half plane', () => {
    const law = productLaw([{ factor: marchenkoPasturFactor(0.5, 2), power: 1 }]);
    for (const z of [{ re: 1, im: 0.1 }, { re: -2, im: 0.5 }, { re: 3, im: 1e-6 }, { re: 0.01, im: 0.01 }, { re: 50, im: 3 }]) {
      const g = productStieltjes(law, z);
      expect(g.diagnostics.converged).toBe(true);
      // closed form has cancellation near z = 0: 1e-12 relative
      expect(C.abs(C.sub(g.value, marchenkoPasturStieltjes(z, 0.5, 2)))).toBeLessThan(1e-12 * Math.max(1, C.abs(g.value)));
    }
    expect(() => productStieltjes(law, { re: 1, im: 0 })).toThrow(InvalidSpecError);
  });
});

describe('inverse moment transform and S-transform of product laws', () => {
  it('S of MP(c, sigma^2) is 1/(sigma^2 (1 + c m)); S multiplies over free factors; M(chi(m)) = m', () => {
    const mp = productLaw([{ factor: marchenkoPasturFactor(0.5, 2), power: 1 }]);
    const two = discreteFactor([0.5, 2], [0.4, 0.6]);
    const prod = productLaw([{ factor: marchenkoPasturFactor(0.5, 2), power: 1 }, { factor: two, power: 2 }]);
    const single = productLaw([{ factor: two, power: 1 }]);
    for (const m of [{ re: 0.2, im: 0 }, { re: 0.1, im: -0.3 }, { re: -0.05, im: 0.02 }]) {
      const sm = productSTransform(mp, m);
      expect(C.abs(C.sub(sm, C.inv({ re: 2 * (1 + 0.5 * m.re), im: 2 * 0.5 * m.im })))).toBeLessThan(1e-13);
      const s2 = productSTransform(single, m);
      expect(C.abs(C.sub(productSTransform(prod, m), C.mul(sm, C.mul(s2, s2))))).toBeLessThan(1e-11);
      // M(w) = sum p d/(w - d) at w = chi(m) gives back m
      const w = productInverseMoment(single, m);
      const back = C.add(C.div({ re: 0.4 * 0.5, im: 0 }, C.sub(w, { re: 0.5, im: 0 })), C.div({ re: 0.6 * 2, im: 0 }, C.sub(w, { re: 2, im: 0 })));
      expect(C.abs(C.sub(back, m))).toBeLessThan(1e-13);
    }
  });
});

describe('R and eta transforms', () => {
  it('R(G(z)) + 1/G(z) = z for the semicircle and MP (G^{-1}(w) = R(w) + 1/w)', () => {
    for (const z of [{ re: 0.7, im: 0.4 }, { re: 5, im: 1 }, { re: -3, im: 0.2 }]) {
      const g = semicircleStieltjes(z);
      const back = C.add(semicircleR(g), C.inv(g));
      expect(C.abs(C.sub(back, z))).toBeLessThan(1e-12);
      const gm = marchenkoPasturStieltjes(z, 0.5, 2);
      const backM = C.add(marchenkoPasturR(gm, 0.5, 2), C.inv(gm));
      expect(C.abs(C.sub(backM, z))).toBeLessThan(1e-10);
    }
  });
  it('eta(gamma) = E[1/(1 + gamma X)] for MP(1,1) against direct quadrature of the density', () => {
    const gl = gaussLegendre(64);
    for (const gamma of [0.3, 2]) {
      // x = 4 sin^2(theta/2)... use x = 2 - 2 cos(theta): rho dx = (1/(2 pi)) sqrt((4-x)/x) dx is smooth in theta.
      let direct = 0;
      for (let k = 0; k < 64; k++) {
        const th = (Math.PI / 2) * (1 + gl.nodes[k]!);
        const x = 2 - 2 * Math.cos(th);
        direct += (Math.PI / 2) * gl.weights[k]! * marchenkoPasturDensity(x) * 2 * Math.sin(th) / (1 + gamma * x);
      }
      expect(Math.abs(etaFromStieltjes((z) => marchenkoPasturStieltjes(z), gamma) - direct)).toBeLessThan(1e-8);
    }
  });
});

describe('atoms and series', () => {
  it('Belinschi atom rule: max at 0, p + q - 1 elsewhere', () => {
    const atoms = productAtoms([{ factor: bernoulliFactor(0.8, 2), power: 1 }, { factor: bernoulliFactor(0.7, 3), power: 1 }]);
    expect(atoms[0]).toEqual({ at: 0, mass: expect.closeTo(0.3, 14) });
    expect(atoms[1]).toEqual({ at: 6, mass: expect.closeTo(0.5, 14) });
    // A Dirac factor only rescales: dirac(2) ⊠ discrete law = the law scaled by 2.
    const scaled = productAtoms([{ factor: diracFactor(2), power: 1 }, { factor: discreteFactor([1, 3], [0.25, 0.75]), power: 1 }]);
    expect(scaled).toEqual([{ at: 2, mass: expect.closeTo(0.25, 14) }, { at: 6, mass: expect.closeTo(0.75, 14) }]);
  });

  it('series reversion returns the raw moments of a single discrete law (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: 0.05, max: 3, noNaN: true }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.double({ min: 0.1, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }),
      (pts, ws) => {
        const f = discreteFactor(pts, ws.slice(0, pts.length));
        const m = productMoments([{ factor: f, power: 1 }], 4);
        for (let k = 1; k <= 4; k++) {
          let direct = 0;
          for (let i = 0; i < f.points.length; i++) direct += f.weights[i]! * f.points[i]! ** k;
          expect(rel(m[k - 1]!, direct)).toBeLessThan(1e-9);
        }
      }));
  });

  it('free multiplicative convolution: means multiply, second moment follows the S-transform rule', () => {
    // For free a, b: m1(ab) = m1(a) m1(b); m2(ab) = m2(a) m1(b)^2 + m1(a)^2 m2(b) - m1(a)^2 m1(b)^2.
    const a = discreteFactor([0.5, 2], [0.5, 0.5]);
    const b = discreteFactor([1, 4], [0.3, 0.7]);
    const m = productMoments([{ factor: a, power: 1 }, { factor: b, power: 1 }], 2);
    const a1 = 1.25, a2 = 0.5 * 0.25 + 0.5 * 4, b1 = 0.3 + 2.8, b2 = 0.3 + 0.7 * 16;
    expect(rel(m[0]!, a1 * b1)).toBeLessThan(1e-12);
    expect(rel(m[1]!, a2 * b1 * b1 + a1 * a1 * b2 - a1 * a1 * b1 * b1)).toBeLessThan(1e-12);
  });

  it('series helpers: reciprocal and Lagrange inversion of Catalan generating function', () => {
    const a = Float64Array.from([2, 1, 0, 0]);
    const inv = seriesReciprocal(a);
    const one = seriesMul(a, inv);
    expect(Array.from(one)).toEqual([1, 0, 0, 0].map((v) => expect.closeTo(v, 14)));
    // T(m) = (1+m)^2 gives Catalan numbers (MP(1,1) moments).
    expect(Array.from(lagrangeInversion(Float64Array.from([1, 2, 1, 0, 0]), 4))).toEqual([1, 2, 5, 14].map((v) => expect.closeTo(v, 12)));
  });
});

describe('solver invariants and errors', () => {
  it('two-point law times MP: density >= 0, mass and first two moments match the series (property)', () => {
    fc.assert(fc.property(
      fc.double({ min: 0.05, max: 1, noNaN: true }), fc.double({ min: 1.2, max: 5, noNaN: true }),
      fc.double({ min: 0.1, max: 0.9, noNaN: true }), fc.integer({ min: 1, max: 3 }),
      (d1, ratio, p, L) => {
        const f = discreteFactor([d1, d1 * ratio], [p, 1 - p]);
        const { report } = freeMultiplicativeConvolution([{ factor: marchenkoPasturFactor(1, 1), power: L }, { factor: f, power: L }], [0.1, 0.5, 1, 2]);
        report.density.forEach((d) => expect(d).toBeGreaterThanOrEqual(0));
        // Invariant quadrature vs series reversion (independent routes): 1e-6 as the issue asks.
        expect(report.diagnostics.massError as number).toBeLessThan(1e-6);
        expect(report.diagnostics.firstMomentError as number).toBeLessThan(1e-6 * report.moments[0]!);
        expect(report.diagnostics.secondMomentError as number).toBeLessThan(1e-6 * report.moments[1]!);
      }), { numRuns: 8 });
  });

  it('a law without an S-transform, bad grids and bad parameters raise typed errors naming the field', () => {
    expect(() => factorByName('semicircle')).toThrow(InvalidSpecError);
    try { factorByName('semicircle'); } catch (e) { expect((e as InvalidSpecError).field).toBe('law'); }
    expect(() => freeMultiplicativeConvolution([{ factor: marchenkoPasturFactor(), power: 1 }], [-1])).toThrow(/at: /);
    expect(() => freeMultiplicativeConvolution([{ factor: marchenkoPasturFactor(), power: 1 }], [0])).toThrow(InvalidSpecError);
    expect(() => marchenkoPasturFactor(0)).toThrow(/ratio/);
    expect(() => fussCatalanFactor(0)).toThrow(/depth/);
    expect(() => discreteFactor([0], [1])).not.toThrow();
    expect(() => productLaw([{ factor: discreteFactor([0], [1]), power: 1 }])).toThrow(/no S-transform/);
  });
});
