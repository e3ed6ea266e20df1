// Order-preserving census, linear substitution, the law of D^2 at a point and basin radii
// (theory/11-order-preserving.md). Reference values: test/fixtures/order-preserving.json, written by
// scripts/fixtures/gen_order_preserving_fixture.py (scipy brentq for the fixed points of
// sigmoid(g x - g/2), closed forms checked against scipy's multivariate normal CDF for the orthant
// probabilities), and closed forms derived beside each test.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { InvalidSpecError } from '../../src/errors.ts';
import { findFixedPoints } from '../../src/fixedpoints/search.ts';
import { marchenkoPasturFactor } from '../../src/freeprob/closedFormLaws.ts';
import { productAtoms } from '../../src/freeprob/multiplicative.ts';
import { linalg } from '../../src/linalg/index.ts';
import { jacobian, networkFromWeights, sampleNetwork } from '../../src/network/network.ts';
import {
  fixedPointBasin, fixedPointWeightOutcome, labelBasin, perturbWeights, radiusFromRays, weightBasin, weightDirection,
} from '../../src/orderpreserving/basinRadius.ts';
import { censusMask, layeredFromNetwork, linearSubstitution, modeCensus, pointD2Laws, randomSamples } from '../../src/orderpreserving/modes.ts';
import { stream } from '../../src/random/rng.ts';
import { matrix } from '../../src/types.ts';

interface DiagonalCase { gain: number; offset: number; fixedPointLow: number; fixedPointHigh: number; slopeStable: number; sampleRadius: number; weightRadiusScale: number }
interface OrthantCase { kind: 'orthogonal' | 'correlated'; m: number; rho?: number; value: number }
const FIX = JSON.parse(readFileSync(new URL('../fixtures/order-preserving.json', import.meta.url), 'utf8')) as {
  tolerance: { fixedPoint: number; radius: number }; diagonal: DiagonalCase[]; orthant: OrthantCase[];
};
const caseFor = (g: number) => FIX.diagonal.find((c) => c.gain === g)!;

function diagonalNet(N: number, gain: number, offset: number) {
  const W = matrix(N, N);
  for (let i = 0; i < N; i++) W.data[i * N + i] = gain;
  return networkFromWeights('sigmoid', [W], [new Float64Array(N).fill(offset)]);
}

describe('diagonal map sigmoid(8x - 4): fixed points and basin radii (11.9)', () => {
  const c8 = caseFor(8);
  const N = 3;
  const net = diagonalNet(N, 8, -4);
  const res = findFixedPoints(net, { starts: 128, seed: 2 });
  const stable = res.fixedPoints.filter((f) => f.stable);

  it('Q = 2^N stable fixed points at the corners 0.0212480 / 0.9787520, spectral radius 0.166372', () => {
    expect(res.Q).toBe(2 ** N);
    for (const f of stable) {
      for (const v of f.x) expect(Math.min(Math.abs(v - c8.fixedPointLow), Math.abs(v - c8.fixedPointHigh))).toBeLessThan(1e-9);
      expect(f.spectralRadius).toBeCloseTo(c8.slopeStable, 9);
    }
    expect(c8.fixedPointHigh).toBeCloseTo(0.978752, 6);
    expect(c8.slopeStable).toBeCloseTo(0.166372, 6);
  });

  it('sample-space radius 0.4787520 from the corners (coordinate directions, tau 0.1)', () => {
    // Two opposite corners here; jesd basin in test/e2e-modes-basin.test.ts checks all eight.
    [stable[0]!, stable.at(-1)!].forEach((f, k) => {
      const b = fixedPointBasin(net, f, { directions: 16, directionKind: 'coordinate', tau: 0.1, tag: k, seed: 4 });
      expect(Math.abs(b.radius - c8.sampleRadius)).toBeLessThanOrEqual(b.resolution + FIX.tolerance.radius);
      expect(b.ci[0]).toBeLessThanOrEqual(b.radius);
      expect(b.ci[1]).toBeGreaterThanOrEqual(b.radius);
      expect(b.evaluations).toBeGreaterThan(0);
    });
  });

  it('sample-space radius x_+ - 1/2 for other gains (N = 1: the two directions are +-1)', () => {
    for (const g of [5, 12]) {
      const c = caseFor(g);
      const n1 = diagonalNet(1, g, c.offset);
      const f = findFixedPoints(n1, { starts: 32, seed: 1 }).fixedPoints.find((p) => p.stable && p.x[0]! > 0.5)!;
      expect(f.x[0]).toBeCloseTo(c.fixedPointHigh, 10);
      const b = fixedPointBasin(n1, f, { directions: 8, tau: 0 });
      expect(Math.abs(b.radius - c.sampleRadius)).toBeLessThanOrEqual(b.resolution + FIX.tolerance.radius);
    }
  });

  it('weight-space radius along the common scaling is 1 - 4/g (g = 6; g = 8 is checked through jesd basin)', () => {
    for (const g of [6]) {
      const c = caseFor(g);
      const n1 = diagonalNet(1, g, c.offset);
      const pts = findFixedPoints(n1, { starts: 32, seed: 1 }).fixedPoints.filter((p) => p.stable).map((p) => p.x);
      expect(pts).toHaveLength(2);
      const r = weightBasin(layeredFromNetwork(n1), fixedPointWeightOutcome(pts, 0, { tolerance: 1e-6 }), { directionKind: 'scale', tau: 0 });
      // The +1 direction (W, b -> (1 + eta) W, (1 + eta) b) never loses bistability: censored at tMax = 1.
      expect(r.radii[1]).toBe(r.tMax);
      // Near the pitchfork the iteration converges slowly; 2000 iterations stop about 5e-4 short of it.
      expect(r.radius).toBeLessThanOrEqual(c.weightRadiusScale + r.resolution);
      expect(r.radius).toBeGreaterThan(c.weightRadiusScale - 2e-3);
    }
  });

  it('weight directions are seeded, RMS 1, and perturbation is entrywise W (1 + eta Xi)', () => {
    const ln = layeredFromNetwork(net);
    const a = weightDirection(ln, 'sphere', 7, 1, 3), b = weightDirection(ln, 'sphere', 7, 1, 3);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length)).toBeCloseTo(1, 12);
    const p = perturbWeights(ln, a, 0.1);
    expect(p.weights[0]!.data[0]).toBeCloseTo(8 * (1 + 0.1 * a[0]!), 14);
    expect(p.weights[0]!.data[1]).toBe(0); // zeros stay zero: the diagonal map stays diagonal
    expect(p.biases[0]![0]).toBeCloseTo(-4 * (1 + 0.1 * a[N * N]!), 14);
  });
});

describe('r_tau and its Wilson interval (11.6)-(11.7)', () => {
  it('equal radii: the estimate is that radius and, with enough rays, so is the interval', () => {
    const r = radiusFromRays(new Array(64).fill(0.3), 1, 0.1);
    expect(r.radius).toBe(0.3);
    expect(r.ci).toEqual([0.3, 0.3]);
    // Every ray censored at tMax = 1: the estimate is tMax.
    expect(radiusFromRays(new Array(64).fill(1), 1, 0.1)).toEqual({ radius: 1, ci: [1, 1] });
  });

  it('covers the true r_tau at about the nominal rate: radii uniform on (0, 1) have r_tau = tau', () => {
    const tau = 0.2, D = 64, reps = 400;
    let covered = 0;
    for (let k = 0; k < reps; k++) {
      const rng = stream(20261128, 900, k);
      const radii = Array.from({ length: D }, () => rng.uniform());
      const { radius, ci } = radiusFromRays(radii, 1, tau);
      expect(ci[0]).toBeLessThanOrEqual(radius);
      expect(ci[1]).toBeGreaterThanOrEqual(radius);
      if (ci[0] <= tau && tau <= ci[1]) covered++;
    }
    // Nominal 95%; the Wilson interval on a step function is slightly conservative. 400 reps: sd 1.1%.
    expect(covered / reps).toBeGreaterThan(0.9);
    expect(covered / reps).toBeLessThan(0.995);
  });

  it('class-label radius of a linear classifier: r_tau = d / cos(pi tau), d the distance to the decision line', () => {
    // f(x) = x on R^2 (linear, W = I): label argmax(x). From x = (0.8, 0.2) the line x1 = x2 is at
    // d = 0.6 / sqrt 2; along the angle psi = phi - pi/4 the ray crosses at d / sin(psi), so
    // P(r(u) < t) = (pi - 2 arcsin(d/t)) / (2 pi), and r_tau solves arcsin(d / r) = pi/2 - pi tau.
    const I = matrix(2, 2, Float64Array.from([1, 0, 0, 1]));
    const net = { widths: [2, 2], activations: ['linear' as const], weights: [I], biases: [new Float64Array(2)] };
    const tau = 0.1;
    const exact = 0.6 / Math.SQRT2 / Math.cos(Math.PI * tau);
    const b = labelBasin(net, Float64Array.from([0.8, 0.2]), { directions: 800, tau, seed: 3 });
    expect(b.label).toBe(0);
    expect(b.ci[0]).toBeLessThanOrEqual(exact);
    expect(b.ci[1]).toBeGreaterThanOrEqual(exact);
    expect(Math.abs(b.radius - exact)).toBeLessThan(0.02);
  });
});

describe('OPT/NPT census (11.1)-(11.2)', () => {
  it('orthant probabilities: a zero-bias Gaussian ReLU unit is active on m orthonormal inputs w.p. 2^-m, on two inputs of correlation rho w.p. 1/4 + arcsin(rho)/(2 pi)', () => {
    const n = 600;
    const net = layeredFromNetwork(sampleNetwork({ N: n, L: 1, activation: 'relu', weights: { name: 'gaussian', scale: 1 }, bias: null, scaling: 'raw', seed: 11 }));
    for (const c of FIX.orthant) {
      const X = matrix(c.m, n);
      if (c.kind === 'orthogonal') for (let k = 0; k < c.m; k++) X.data[k * n + k] = 1;
      else {
        const rho = c.rho!;
        X.data[0] = 1;
        X.data[n] = rho;
        X.data[n + 1] = Math.sqrt(1 - rho * rho);
      }
      const census = modeCensus(net, X);
      const p = census.layers[0]!.optFraction;
      const sd = Math.sqrt((c.value * (1 - c.value)) / n);
      expect(Math.abs(p - c.value), `${c.kind} m=${c.m} rho=${c.rho}`).toBeLessThan(4 * sd);
    }
  });

  it('counts add up, the histogram holds every unit, and a linear network is all OPT', () => {
    const net = layeredFromNetwork(sampleNetwork({ N: 12, L: 3, activation: 'tanh', weights: { name: 'gaussian', scale: 3 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'natural', seed: 5 }));
    const X = randomSamples(net, 40, 9);
    const c = modeCensus(net, X, { delta: 0.2, bins: 5 });
    for (const l of c.layers) {
      expect(l.opt + l.npt).toBe(12);
      expect(l.histogram.counts.reduce((a, b) => a + b, 0)).toBe(12);
      expect(l.activeFractions.filter((p) => p === 1)).toHaveLength(l.opt);
      expect(l.threshold).toBeCloseTo(0.2, 15);
    }
    const lin = { ...net, activations: net.activations.map(() => 'linear' as const) };
    expect(modeCensus(lin, X).layers.every((l) => l.opt === 12)).toBe(true);
    expect(Array.from(randomSamples(net, 5, 9).data)).toEqual(Array.from(X.data.slice(0, 60)));
  });

  it('samples of the wrong width and a bad delta are refused naming the field', () => {
    const net = layeredFromNetwork(sampleNetwork({ N: 4, L: 1, activation: 'relu', weights: { name: 'gaussian', scale: 1 }, bias: null, scaling: 'natural', seed: 1 }));
    expect(() => modeCensus(net, matrix(3, 5))).toThrow(InvalidSpecError);
    expect(() => modeCensus(net, matrix(3, 5))).toThrow(/samples/);
    expect(() => modeCensus(net, matrix(3, 4), { delta: 0 })).toThrow(/delta/);
  });
});

describe('Jacobian tie-in (11.5) and linear substitution (11.4)', () => {
  it('ReLU: the atom at 0 of the ESD of J J^T equals the fraction of units inactive at x', () => {
    for (const seed of [1, 2, 3]) {
      const N = 60;
      const nw = sampleNetwork({ N, L: 1, activation: 'relu', weights: { name: 'gaussian', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'natural', seed });
      const net = layeredFromNetwork(nw);
      const x = randomSamples(net, 1, seed).data;
      const J = jacobian(nw, x);
      const JJt = linalg().gemm(J, { rows: N, cols: N, data: Float64Array.from({ length: N * N }, (_, k) => J.data[(k % N) * N + Math.floor(k / N)]!) });
      const ev = linalg().symmetricEigenvalues(JJt);
      const top = Math.max(...ev);
      const zeros = Array.from(ev).filter((v) => Math.abs(v) < 1e-10 * top).length;
      const inactive = N - modeCensus(net, matrix(1, N, Float64Array.from(x))).layers[0]!.opt;
      expect(zeros).toBe(inactive);
      const law = pointD2Laws(net, x)[0]!;
      const atom = law.points.reduce((a, p, k) => a + (p === 0 ? law.weights[k]! : 0), 0);
      expect(atom).toBeCloseTo(inactive / N, 14);
      expect(inactive).toBeGreaterThan(0);
    }
  });

  it('depth 3: the solver\'s atom rule on the census-at-a-point D^2 laws predicts the zero eigenvalues of J J^T', () => {
    // Atoms of a free product (theory (3.10)): the atom at 0 is the largest atom at 0 of the factors;
    // W W^T is Marchenko-Pastur (ratio 1, no atom), so the prediction is N max_l (inactive fraction of layer l).
    for (const seed of [1, 2, 3]) {
      const N = 60;
      const nw = sampleNetwork({ N, L: 3, activation: 'relu', weights: { name: 'gaussian', scale: Math.SQRT2 }, bias: { name: 'gaussian', scale: 0.5 }, scaling: 'natural', seed });
      const net = layeredFromNetwork(nw);
      const x = randomSamples(net, 1, seed).data;
      const J = jacobian(nw, x);
      const Jt = matrix(N, N);
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) Jt.data[j * N + i] = J.data[i * N + j]!;
      const ev = linalg().symmetricEigenvalues(linalg().gemm(J, Jt));
      const top = Math.max(...ev);
      const zeros = Array.from(ev).filter((v) => Math.abs(v) < 1e-10 * top).length;
      const factors = pointD2Laws(net, x).flatMap((d) => [{ factor: marchenkoPasturFactor(1), power: 1 }, { factor: d, power: 1 }]);
      const atom = productAtoms(factors).find((a) => a.at === 0)?.mass ?? 0;
      expect(zeros).toBe(Math.round(atom * N));
      expect(Math.abs(atom * N - Math.round(atom * N))).toBeLessThan(1e-9);
    }
  });

  it('ReLU: replacing every OPT (and dead) unit by its tangent leaves the outputs bit-identical; one NPT unit changes them', () => {
    const nw = sampleNetwork({ N: 20, L: 4, activation: 'relu', weights: { name: 'gaussian', scale: 1.4 }, bias: { name: 'gaussian', scale: 0.5 }, scaling: 'natural', seed: 8 });
    const net = layeredFromNetwork(nw);
    const X = randomSamples(net, 50, 3);
    const census = modeCensus(net, X);
    const same = linearSubstitution(net, X, censusMask(census, 'opt+dead'));
    expect(same.maxAbsChange).toBe(0);
    expect(same.relativeChange).toBe(0);
    expect(same.substituted.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // One partly active unit in the last layer (so no later layer can hide the change).
    const last = census.layers.at(-1)!;
    const i = last.activeFractions.findIndex((p) => p > 0 && p < 1);
    expect(i).toBeGreaterThanOrEqual(0);
    const mask = census.layers.map((c) => c.activeFractions.map(() => false));
    mask[mask.length - 1]![i] = true;
    const changed = linearSubstitution(net, X, mask);
    expect(changed.maxAbsChange).toBeGreaterThan(0);
    expect(changed.relativeChange!).toBeGreaterThan(0);
  });

  it('a fixed point of the diagonal map keeps its Q under findFixedPoints after a small weight perturbation', () => {
    const net = diagonalNet(2, 8, -4);
    const ln = layeredFromNetwork(net);
    const p = perturbWeights(ln, weightDirection(ln, 'sphere', 3, 0, 0), 0.05);
    const q = findFixedPoints(networkFromWeights('sigmoid', p.weights, p.biases), { starts: 64, seed: 1 }).Q;
    expect(q).toBe(4);
  });
});
