import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ARNOLDI_MIN_WIDTH, classifyStart, classifyStarts, findFixedPoints, fixedPointSpectralRadius, spectralRadiusDense } from '../../src/fixedpoints/search.ts';
import { forward, jacobian, networkFromWeights, sampleNetwork } from '../../src/network/network.ts';
import { matrix } from '../../src/types.ts';
import type { NetworkSpec } from '../../src/spec/networkSpec.ts';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Independent reference for x = sigmoid(w x + b): roots of g(x) = sigmoid(w x + b) - x on [0, 1],
 * bracketed by sign changes on a grid of 20000 cells and refined by bisection
 * (theory/02-finite-networks.md section 2.4, scalar closed form). Also returns the smallest |g'| at
 * a root (distance from tangency) and the stability multiplier w s (1 - s) at each root.
 */
function scalarRoots(w: number, b: number): { roots: number[]; minSlope: number; multipliers: number[] } {
  const g = (x: number) => sigmoid(w * x + b) - x;
  const M = 20_000;
  const roots: number[] = [];
  let prev = g(0);
  for (let i = 1; i <= M; i++) {
    const x1 = i / M;
    const cur = g(x1);
    if (prev === 0) roots.push((i - 1) / M);
    else if (prev * cur < 0) {
      let lo = (i - 1) / M, hi = x1;
      for (let k = 0; k < 80; k++) {
        const mid = (lo + hi) / 2;
        if (g(lo) * g(mid) <= 0) hi = mid; else lo = mid;
      }
      roots.push((lo + hi) / 2);
    }
    prev = cur;
  }
  const multipliers = roots.map((x) => w * x * (1 - x));
  const minSlope = Math.min(...multipliers.map((m) => Math.abs(m - 1)));
  return { roots, minSlope, multipliers };
}

/** Uniform real on [lo, hi] (fc.double is uniform over representable doubles, i.e. concentrated near 0). */
const unif = (lo: number, hi: number) => fc.noBias(fc.integer({ min: 0, max: 1_000_000 })).map((i) => lo + ((hi - lo) * i) / 1_000_000);

describe('scalar closed form x = sigmoid(w x + b) (N = L = 1, raw weights)', () => {
  it('finder count and stability agree with root bracketing (fast-check over (w, b), away from tangency and period doubling)', () => {
    // Margin: |w s(1-s) - 1| > 0.05 at every root (3-root grid bracketing and Newton are both reliable
    // there: near tangency two roots merge) and | |w s(1-s)| - 1 | > 0.05 (away from the stability
    // boundary, where convergence of the iteration becomes arbitrarily slow).
    let threeRootCases = 0, unstableCases = 0;
    // A third of the draws are uniform in a box; a third target the three-root wedge b in (b_+(w), b_-(w)),
    // b_+- = logit(s_+-) - w s_+-, s_+- = (1 +- sqrt(1 - 4/w))/2 (theory section 2.4), widened by 0.5.
    const wedge = fc.tuple(unif(4.5, 14), unif(0, 1)).map(([w, u]) => {
      const sp = (1 + Math.sqrt(1 - 4 / w)) / 2, sm = (1 - Math.sqrt(1 - 4 / w)) / 2;
      const bp = Math.log(sp / (1 - sp)) - w * sp, bm = Math.log(sm / (1 - sm)) - w * sm;
      return [w, bp - 0.5 + u * (bm - bp + 1)] as [number, number];
    });
    const box = fc.tuple(unif(-12, 14), unif(-10, 5));
    // Period-doubling side: w < -4 with b ~ -w/2 puts the root near 1/2, multiplier ~ w/4 < -1.
    const flip = fc.tuple(unif(-14, -3), unif(-1.5, 1.5)).map(([w, v]) => [w, -w / 2 + v] as [number, number]);
    fc.assert(fc.property(fc.oneof(box, wedge, flip), ([w, b]) => {
      const ref = scalarRoots(w, b);
      fc.pre(ref.minSlope > 0.05 && ref.multipliers.every((m) => Math.abs(Math.abs(m) - 1) > 0.05));
      const net = networkFromWeights('sigmoid', [matrix(1, 1, Float64Array.of(w))], [Float64Array.of(b)]);
      const res = findFixedPoints(net, { starts: 40, seed: 5 });
      const stableRef = ref.roots.filter((_, i) => Math.abs(ref.multipliers[i]!) < 1);
      if (ref.roots.length === 3) threeRootCases++;
      if (stableRef.length === 0) unstableCases++;
      expect(res.Q).toBe(stableRef.length);
      const stableFound = res.fixedPoints.filter((f) => f.stable).map((f) => f.x[0]!).sort((a, c) => a - c);
      // Bisection to 2^-80 and Newton to |g| < 1e-12 with |g'| > 0.05: roots agree to 1e-10.
      stableFound.forEach((x, i) => expect(Math.abs(x - stableRef[i]!)).toBeLessThan(1e-10));
      // Every listed fixed point (stable or not) is one of the reference roots, with the right stability.
      for (const f of res.fixedPoints) {
        const k = ref.roots.findIndex((r) => Math.abs(r - f.x[0]!) < 1e-9);
        expect(k).toBeGreaterThanOrEqual(0);
        expect(f.stable).toBe(Math.abs(ref.multipliers[k]!) < 1);
        expect(Math.abs(f.spectralRadius - Math.abs(ref.multipliers[k]!))).toBeLessThan(1e-8);
      }
      if (stableRef.length === 0) {
        // w < -4 past period doubling: the iterates settle on a 2-cycle, never counted as a fixed point.
        expect(res.cycles.map((c) => c.period)).toEqual([2]);
        expect(res.cycles[0]!.basinShare).toBe(1);
      } else {
        expect(res.unsettledShare).toBe(0);
        expect(res.fixedPoints.filter((f) => f.stable).reduce((s, f) => s + f.basinShare, 0)).toBe(1);
      }
    }), { numRuns: 150 });
    // The property must actually visit both regimes (else it proves little).
    expect(threeRootCases).toBeGreaterThan(3);
    expect(unstableCases).toBeGreaterThan(3);
  });

  it('w = 10, b = -5 (symmetric bistable case): Q = 2, middle root 1/2 unstable with multiplier 10/4', () => {
    const net = networkFromWeights('sigmoid', [matrix(1, 1, Float64Array.of(10))], [Float64Array.of(-5)]);
    const res = findFixedPoints(net, { starts: 100 });
    expect(res.Q).toBe(2);
    // Basins are [0, 1/2) and (1/2, 1]: with 100 uniform starts each share is Binomial(100, 1/2)/100.
    for (const f of res.fixedPoints.filter((p) => p.stable)) expect(Math.abs(f.basinShare - 0.5)).toBeLessThan(0.2);
    const cls = classifyStart(net, Float64Array.of(0.9), res.fixedPoints);
    expect(cls.kind).toBe('fixed');
    if (cls.kind === 'fixed') expect(res.fixedPoints[cls.index]!.x[0]).toBeGreaterThan(0.5);
    // The unstable middle point x = 1/2 is exactly fixed; starting on it Newton/iteration stays there.
    const mid = classifyStart(net, Float64Array.of(0.5), res.fixedPoints);
    expect(mid.kind).toBe('fixed');
  });

  it('a start on a 2-cycle is reported as a cycle, not a fixed point (w = -10, b = 5)', () => {
    const net = networkFromWeights('sigmoid', [matrix(1, 1, Float64Array.of(-10))], [Float64Array.of(5)]);
    const res = findFixedPoints(net, { starts: 30 });
    expect(res.Q).toBe(0);
    expect(res.cycles.length).toBe(1);
    expect(res.cycles[0]!.period).toBe(2);
    expect(res.cycles[0]!.spectralRadius).toBeLessThan(1);
    expect(classifyStart(net, Float64Array.of(0.1), res.fixedPoints)).toEqual({ kind: 'cycle', period: 2 });
    // maxPeriod 1 disables cycle detection: the runs are then unsettled, still not fixed points.
    const noCycles = findFixedPoints(net, { starts: 10, maxPeriod: 1, maxIterations: 200 });
    expect(noCycles.Q).toBe(0);
    expect(noCycles.unsettledShare).toBe(1);
  });
});

describe('light tails: Gaussian weights give one stable fixed point', () => {
  it('Q = 1 for sigmoid, natural 1/sqrt(N) scaling, sigma_w = sigma_b = 1 (fast-check over N, L, seed)', () => {
    // Claim (docs/design.md section 1, job 4): with sigma_w = 1 the sigmoid network is a contraction
    // in practice (|phi'| <= 1/4, ||W|| ~ 2), so exactly one fixed point attracts every start.
    fc.assert(fc.property(fc.noBias(fc.integer({ min: 2, max: 64 })), fc.noBias(fc.integer({ min: 1, max: 20 })), fc.nat(10_000), (N, L, seed) => {
      const spec: NetworkSpec = { N, L, activation: 'sigmoid', weights: { name: 'gaussian', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'natural', seed };
      const res = findFixedPoints(sampleNetwork(spec), { starts: 12 });
      expect(res.Q).toBe(1);
      expect(res.fixedPoints[0]!.basinShare).toBe(1);
      expect(res.unsettledShare).toBe(0);
      expect(res.cycles).toEqual([]);
      expect(res.fixedPoints[0]!.residual).toBeLessThan(1e-12);
    }), { numRuns: 40 });
  });
});

describe('linear networks (closed form: the only fixed point of x -> W2 W1 x is 0)', () => {
  const spec = (sigma: number): NetworkSpec => ({ N: 20, L: 2, activation: 'linear', weights: { name: 'gaussian', scale: sigma }, bias: null, scaling: 'natural', seed: 3 });
  it('contracting (sigma_w = 0.5): Q = 1 at 0, every start in its basin', () => {
    const res = findFixedPoints(sampleNetwork(spec(0.5)), { starts: 20 });
    expect(res.Q).toBe(1);
    expect(res.fixedPoints[0]!.basinShare).toBe(1);
    expect(Math.max(...Array.from(res.fixedPoints[0]!.x, Math.abs))).toBeLessThan(1e-12);
  });
  it('expanding (sigma_w = 2): runs overflow and are unsettled, 0 is listed as unstable with rho = rho(W2 W1)', () => {
    const net = sampleNetwork(spec(2));
    const res = findFixedPoints(net, { starts: 20 });
    expect(res.Q).toBe(0);
    expect(res.unsettledShare).toBe(1);
    expect(res.fixedPoints).toHaveLength(1);
    const fp = res.fixedPoints[0]!;
    expect(fp.stable).toBe(false);
    expect(Math.max(...Array.from(fp.x, Math.abs))).toBeLessThan(1e-12);
    // J = W2 W1 for a linear network; dense eigenvalues of the same matrix (rounding only).
    expect(fp.spectralRadius).toBeCloseTo(spectralRadiusDense(jacobian(net, new Float64Array(20))), 12);
  });
});

describe('matrix-free spectral radius (N >= ARNOLDI_MIN_WIDTH) agrees with dense eigenvalues', () => {
  it('N = 200, L = 2 Gaussian tanh network at a random point (relative 1e-8: Arnoldi residual tol 1e-10 times a modest eigenvalue condition number)', () => {
    const N = ARNOLDI_MIN_WIDTH;
    const net = sampleNetwork({ N, L: 2, activation: 'tanh', weights: { name: 'gaussian', scale: 1.5 }, bias: { name: 'gaussian', scale: 0.3 }, scaling: 'natural', seed: 8 });
    const x = Float64Array.from({ length: N }, (_, i) => Math.sin(i));
    const dense = spectralRadiusDense(jacobian(net, x));
    expect(Math.abs(fixedPointSpectralRadius(net, x) / dense - 1)).toBeLessThan(1e-8);
  });
});

describe('heavy tails: what the finder reports is verified independently (fast-check over depth, network)', () => {
  it('raw Cauchy N = 10: fixed points solve f(x) = x, stability matches dense rho, cycles have their minimal period, shares sum to 1', () => {
    fc.assert(fc.property(fc.noBias(fc.integer({ min: 1, max: 6 })), fc.nat(200), (L, k) => {
      const net = sampleNetwork({ N: 10, L, activation: 'sigmoid', weights: { name: 'cauchy', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'raw', seed: 1 }, k);
      const res = findFixedPoints(net, { starts: 40, maxIterations: 400 });
      const total = res.fixedPoints.reduce((a, f) => a + f.basinShare, 0) + res.cycles.reduce((a, c) => a + c.basinShare, 0) + res.unsettledShare;
      expect(total).toBeCloseTo(1, 12); // shares are counts / starts
      expect(res.Q).toBe(res.fixedPoints.filter((f) => f.stable).length);
      for (const f of res.fixedPoints) {
        const y = forward(net, f.x);
        // Newton tolerance 1e-12 (inf-norm), re-evaluated here by an independent forward pass.
        expect(Math.max(...Array.from(y, (v, i) => Math.abs(v - f.x[i]!)))).toBeLessThan(1e-11);
        expect(f.stable).toBe(spectralRadiusDense(jacobian(net, f.x)) < 1);
      }
      for (const c of res.cycles) {
        let x = c.x;
        const orbit = [x];
        for (let j = 1; j <= c.period; j++) { x = forward(net, x); orbit.push(x); }
        const dist = (a: Float64Array, b: Float64Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
        expect(dist(orbit[c.period]!, orbit[0]!)).toBeLessThan(1e-10); // Newton on f^p to p * 1e-12
        for (let j = 1; j < c.period; j++) expect(dist(orbit[j]!, orbit[0]!)).toBeGreaterThan(1e-6); // minimal period
        expect(c.spectralRadius).toBeLessThan(1); // settled runs only reach attracting cycles
      }
    }), { numRuns: 15 });
  });
});

describe('classifyStarts (basin images)', () => {
  it('bistable scalar map w = 10, b = -5: starts below 1/2 go to the low fixed point, above to the high one', () => {
    const net = networkFromWeights('sigmoid', [matrix(1, 1, Float64Array.of(10))], [Float64Array.of(-5)]);
    const known = findFixedPoints(net, { starts: 50 }).fixedPoints.filter((f) => f.stable);
    const xs = [0.05, 0.2, 0.45, 0.55, 0.8, 0.95];
    const { outcomes } = classifyStarts(net, matrix(xs.length, 1, Float64Array.from(xs)), known);
    outcomes.forEach((o, i) => {
      expect(o.kind).toBe('fixed');
      if (o.kind === 'fixed') expect(known[o.index]!.x[0]! > 0.5).toBe(xs[i]! > 0.5); // g is odd about (1/2, 1/2)
    });
  });
});

describe('determinism and validation', () => {
  it('the same network and seed give the same result', () => {
    const spec: NetworkSpec = { N: 10, L: 4, activation: 'sigmoid', weights: { name: 'cauchy', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'raw', seed: 9 };
    const a = findFixedPoints(sampleNetwork(spec), { starts: 30 });
    const b = findFixedPoints(sampleNetwork(spec), { starts: 30 });
    expect(a.Q).toBe(b.Q);
    expect(a.fixedPoints.map((f) => Array.from(f.x))).toEqual(b.fixedPoints.map((f) => Array.from(f.x)));
  });
  it('rejects bad options naming them', () => {
    const net = networkFromWeights('sigmoid', [matrix(1, 1, Float64Array.of(1))]);
    expect(() => findFixedPoints(net, { starts: 0 })).toThrow(/starts/);
    expect(() => findFixedPoints(net, { tolerance: -1 })).toThrow(/tolerance/);
  });
});
