/**
 * src/landscape/: the GD loop against NumPy doing the same arithmetic, the sector enumeration, D_S,
 * the cone minimisation, and the classifier on exact constructions from arXiv 2402.05626's 5-point
 * data set. Reference values: test/fixtures/landscape-numpy.json, written by
 * scripts/fixtures/gen_landscape_fixture.py (NumPy; closed forms and a NumPy GD loop).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DATA, loadLandscapeData, residuals, shallowLoss, type ShallowNet } from '../../src/landscape/model.ts';
import { gradientDescent } from '../../src/landscape/gd.ts';
import { dataSectors, minOverCone, sectorMatrix, signKey } from '../../src/landscape/sectors.ts';
import { classifyPoint, embedZeroNeuron, neuronGdJacobian, splitNeuron } from '../../src/landscape/classify.ts';
import { shallowGradient } from '../../src/landscape/model.ts';
import { stream } from '../../src/random/rng.ts';
import { InvalidSpecError } from '../../src/errors.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.JESD_QUIET_BACKEND = '1';
const fx = JSON.parse(readFileSync(new URL('../fixtures/landscape-numpy.json', import.meta.url), 'utf8')) as {
  closedForms: Record<string, number & number[]>;
  gd: { data: string; r: number; alphaPos: number; alphaNeg: number; lr: number; steps: number; W0: number[]; H0: number[]; W: number[]; H: number[]; loss: number }[];
};
const cf = fx.closedForms;
const five = BUILTIN_DATA['wu-5point']!();
const c5 = 2 / 5;

function net(W: number[], H: number[], d = 2, k = 1, alphaNeg = 0): ShallowNet {
  return { d, k, r: H.length / k, W: Float64Array.from(W), H: Float64Array.from(H), alphaPos: 1, alphaNeg };
}

/** The affine least-squares fit as two neurons active on all five points: w1 = (0, 1), w2 = (-1, 1.5). */
function affineNet(): ShallowNet {
  const a = cf.wu5_affine_slope, b = cf.wu5_affine_intercept;
  return net([0, 1, -1, 1.5], [b - 1.5 * -a, -a]);
}

describe('landscape GD loop', () => {
  it('matches NumPy doing the same arithmetic (fixture, 400 steps; abs 1e-12)', () => {
    for (const run of fx.gd) {
      const data = BUILTIN_DATA[run.data]!();
      const n0 = net(run.W0, run.H0, data.X.cols, data.Y.cols, run.alphaNeg);
      const res = gradientDescent(n0, data, { lr: run.lr, steps: run.steps, snapshots: false });
      expect(Math.abs(res.finalLoss - run.loss)).toBeLessThan(1e-12);
      res.net.W.forEach((v, i) => expect(Math.abs(v - run.W[i]!)).toBeLessThan(1e-12));
      res.net.H.forEach((v, i) => expect(Math.abs(v - run.H[i]!)).toBeLessThan(1e-12));
    }
  });
});

describe('sectors and D_S', () => {
  it('counts the regions of central arrangements in general position: 2 sum_{i<d} C(n-1, i)', () => {
    expect(dataSectors(five.X)).toHaveLength(10); // n = 5, d = 2
    expect(dataSectors(BUILTIN_DATA['wu-7point']!().X)).toHaveLength(44); // n = 7, d = 3: 2 (1 + 6 + 15)
    expect(dataSectors(BUILTIN_DATA['wu-2d']!().X)).toHaveLength(8);
  });

  it('every random direction falls in an enumerated sector, and D_S u = sum_n e_n rho(u . x_n) there (9.6)', () => {
    const X = BUILTIN_DATA['wu-7point']!().X;
    const keys = new Set(dataSectors(X).map((s) => signKey(s.signs)));
    const rng = stream(5, 99);
    const E = Float64Array.from({ length: 7 }, () => rng.normal());
    for (let t = 0; t < 300; t++) {
      const u = Float64Array.from({ length: 3 }, () => rng.normal());
      const signs = Int8Array.from({ length: 7 }, (_, n) => (u[0]! * X.data[3 * n]! + u[1]! * X.data[3 * n + 1]! + u[2]! * X.data[3 * n + 2]! >= 0 ? 1 : -1));
      expect(keys.has(signKey(signs))).toBe(true);
      const D = sectorMatrix(X, E, 1, signs, 1, -0.3);
      let direct = 0;
      for (let n = 0; n < 7; n++) { const z = u[0]! * X.data[3 * n]! + u[1]! * X.data[3 * n + 1]! + u[2]! * X.data[3 * n + 2]!; direct += E[n]! * (z >= 0 ? z : -0.3 * z); }
      expect(D[0]! * u[0]! + D[1]! * u[1]! + D[2]! * u[2]!).toBeCloseTo(direct, 12);
    }
  });

  it('min of a . v over unit v in a polyhedral cone (9.9) agrees with dense sampling', () => {
    const rng = stream(7, 98);
    for (let t = 0; t < 6; t++) {
      const a = Float64Array.from({ length: 3 }, () => rng.normal());
      const G = Array.from({ length: 2 }, () => Float64Array.from({ length: 3 }, () => rng.normal()));
      const r = minOverCone(a, G);
      let best = 0;
      for (let s = 0; s < 8000; s++) {
        const v = Float64Array.from({ length: 3 }, () => rng.normal());
        const nv = Math.hypot(...v);
        if (G.every((g) => g[0]! * v[0]! + g[1]! * v[1]! + g[2]! * v[2]! >= 0)) best = Math.min(best, (a[0]! * v[0]! + a[1]! * v[1]! + a[2]! * v[2]!) / nv);
      }
      expect(r.value).toBeLessThanOrEqual(best + 1e-12); // exact minimum is below every sample
      if (r.v === null) { expect(r.value).toBe(0); continue; }
      // ... and attained by a unit direction inside the cone.
      expect(Math.hypot(...r.v)).toBeCloseTo(1, 12);
      for (const g of G) expect(g[0]! * r.v[0]! + g[1]! * r.v[1]! + g[2]! * r.v[2]!).toBeGreaterThan(-1e-12);
      expect(a[0]! * r.v[0]! + a[1]! * r.v[1]! + a[2]! * r.v[2]!).toBeCloseTo(r.value, 12);
    }
  });
});

describe('classification on exact constructions (wu-5point)', () => {
  it('the affine least-squares network is a stationary local minimum with the closed-form loss and residual', () => {
    const n = affineNet();
    const { E, loss } = residuals(n, five);
    expect(Math.abs(loss - cf.wu5_affine_loss)).toBeLessThan(1e-15);
    E.forEach((e, i) => expect(Math.abs(e - cf.wu5_affine_residual[i]!)).toBeLessThan(1e-14));
    const c = classifyPoint(n, five, { draws: 2000 });
    expect(c.stationary).toBe(true);
    expect(c.classification).toBe('local-min');
    expect(c.escapeNeurons).toHaveLength(0);
    expect(c.perturbation!.descents).toBe(0);
    expect(c.gdFixedPointResidual!).toBeLessThan(1e-15);
  });

  it('after embedding a zero neuron it is a saddle: the escape strength is c max_S |D_S|, the GD-map multiplier 1 + eta c |D_S|, the path descends', () => {
    const n = embedZeroNeuron(affineNet());
    const lr = 1e-3;
    const c = classifyPoint(n, five, { draws: 0, lr });
    expect(c.classification).toBe('saddle');
    const e = c.escapeNeurons[0]!;
    expect(e.neuron).toBe(2);
    // Independent: D_S of the sector by hand from the closed-form residual.
    const signs = Int8Array.from(e.sector, (ch) => (ch === '+' ? 1 : -1));
    let d0 = 0, d1 = 0;
    cf.wu5_affine_residual.forEach((r: number, i: number) => { if (signs[i]! > 0) { d0 += r * five.X.data[2 * i]!; d1 += r * five.X.data[2 * i + 1]!; } });
    expect(e.strength).toBeCloseTo(c5 * Math.hypot(d0, d1), 12);
    expect(e.gdMultiplier).toBeCloseTo(1 + lr * c5 * Math.hypot(d0, d1), 12);
    expect(e.descent!.deltaLoss).toBeLessThan(0);
  });

  it('the origin is a saddle with loss (1/5) sum y^2', () => {
    const n = net([0, 0, 0, 0, 0, 0], [0, 0, 0]);
    expect(shallowLoss(n, five)).toBeCloseTo(cf.wu5_origin_loss, 15);
    const c = classifyPoint(n, five, { draws: 0 });
    expect(c.classification).toBe('saddle');
    expect(c.escapeNeurons).toHaveLength(3);
  });

  it('one neuron orthogonal to x_5 (the second plateau) is stationary with the closed-form loss; with a zero neuron it is a saddle', () => {
    const z = [1.7, 1.3, 0.8, 0.4, 0];
    const y = [0.28, -0.1, 0.03, 0.23, -0.22];
    const h = z.reduce((s, v, i) => s + v * y[i]!, 0) / z.reduce((s, v) => s + v * v, 0);
    const n = net([-1, 0.7], [h]);
    expect(Math.abs(shallowLoss(n, five) - cf.wu5_plateau2_loss)).toBeLessThan(1e-15);
    const c1 = classifyPoint(n, five, { draws: 0 });
    expect(c1.stationary).toBe(true);
    const c2 = classifyPoint(embedZeroNeuron(n), five, { draws: 0 });
    expect(c2.classification).toBe('saddle');
  });

  it('splitting a neuron keeps the function and stationarity', () => {
    const n = splitNeuron(affineNet(), 1, 0.3);
    expect(n.r).toBe(3);
    expect(Math.abs(shallowLoss(n, five) - cf.wu5_affine_loss)).toBeLessThan(1e-15);
    expect(classifyPoint(n, five, { draws: 0 }).stationary).toBe(true);
  });

  it('never calls a non-stationary point stationary', () => {
    const n = net([0.3, 0.2, -0.5, 0.1], [0.4, -0.2]);
    const c = classifyPoint(n, five, { draws: 0 });
    expect(c.stationary).toBe(false);
    expect(c.classification).toBe('undecided');
    expect(Math.max(c.residuals.maxOutputDerivative, c.residuals.maxRadial, -c.residuals.minDirectional)).toBeGreaterThan(c.tol);
  });
});

describe('data files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jesd-landscape-'));
  const bad = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };
  it('wrong shapes and non-finite values are InvalidSpecError naming --data', () => {
    for (const p of [
      bad('ragged.json', JSON.stringify({ inputs: [[1, 2], [3]], targets: [[1], [2]] })),
      bad('rows.json', JSON.stringify({ inputs: [[1, 2], [3, 4]], targets: [[1]] })),
      bad('nan.json', '{"inputs": [[1, 2]], "targets": [[NaN]]}'),
      bad('str.json', JSON.stringify({ inputs: [[1, 'a']], targets: [[1]] })),
      bad('notargets.json', JSON.stringify([[1, 2]])),
      join(dir, 'missing.json'),
    ]) {
      expect(() => loadLandscapeData(p)).toThrowError(InvalidSpecError);
      try { loadLandscapeData(p); } catch (e) { expect((e as InvalidSpecError).field).toBe('--data'); }
    }
    const ok = loadLandscapeData(bad('ok.json', JSON.stringify({ inputs: [[1, 2], [3, 4]], targets: [[1], [0]] })));
    expect(ok.X.rows).toBe(2);
  });
});

describe('GD map and random data', () => {
  it('the (w_i, h_i) block of the GD map Jacobian (9.12) equals central differences of the gradient (leaky ReLU, h_i != 0)', () => {
    const data = BUILTIN_DATA['wu-2d']!();
    const rng = stream(11, 97);
    const n0 = net(Array.from({ length: 8 }, () => rng.normal()), Array.from({ length: 8 }, () => rng.normal()), 2, 2, 0.2);
    const lr = 0.7, d = 2, k = 2, m = d + k, i = 1;
    const { E } = residuals(n0, data);
    const signs = Int8Array.from({ length: 4 }, (_, n) => (n0.W[i * d]! * data.X.data[2 * n]! + n0.W[i * d + 1]! * data.X.data[2 * n + 1]! >= 0 ? 1 : -1));
    const J = neuronGdJacobian(n0, data, i, signs, E, lr);
    const params = (nt: ShallowNet, a: number) => (a < d ? { arr: nt.W, idx: i * d + a } : { arr: nt.H, idx: i * k + a - d });
    const grad = (nt: ShallowNet, a: number) => { const g = shallowGradient(nt, data); return a < d ? g.gW[i * d + a]! : g.gH[i * k + a - d]!; };
    const eps = 1e-6;
    for (let b = 0; b < m; b++) {
      const plus = { ...n0, W: Float64Array.from(n0.W), H: Float64Array.from(n0.H) };
      const minus = { ...n0, W: Float64Array.from(n0.W), H: Float64Array.from(n0.H) };
      const pp = params(plus, b), pm = params(minus, b);
      pp.arr[pp.idx] = pp.arr[pp.idx]! + eps;
      pm.arr[pm.idx] = pm.arr[pm.idx]! - eps;
      for (let a = 0; a < m; a++) {
        const fd = (a === b ? 1 : 0) - (lr * (grad(plus, a) - grad(minus, a))) / (2 * eps);
        expect(Math.abs(J[a * m + b]! - fd)).toBeLessThan(1e-7);
      }
    }
  });

  it('random 1-D data with a bias: the affine least-squares network is a local minimum the perturbation test confirms; with a zero neuron a saddle', () => {
    const rng = stream(13, 96);
    for (let t = 0; t < 8; t++) {
      const N = 6;
      const xs = Array.from({ length: N }, () => 2 * rng.uniform() - 1);
      const ys = Array.from({ length: N }, () => rng.normal());
      const data = { name: 'random', X: { rows: N, cols: 2, data: Float64Array.from(xs.flatMap((x) => [x, 1])) }, Y: { rows: N, cols: 1, data: Float64Array.from(ys) }, defaults: null };
      // Affine least squares by the normal equations, solved by hand (2 x 2).
      const sx = xs.reduce((s, v) => s + v, 0), sxx = xs.reduce((s, v) => s + v * v, 0);
      const sy = ys.reduce((s, v) => s + v, 0), sxy = xs.reduce((s, v, i) => s + v * ys[i]!, 0);
      const det = sxx * N - sx * sx;
      const a = (sxy * N - sx * sy) / det, b = (sxx * sy - sx * sxy) / det;
      const n = net([0, 1, -1, 1.5], [b + 1.5 * a, -a]);
      const c = classifyPoint(n, data, { draws: 500, seed: t });
      expect(c.classification).toBe('local-min');
      expect(c.perturbation!.descents).toBe(0);
      const e = classifyPoint(embedZeroNeuron(n), data, { draws: 0 });
      expect(e.classification).toBe('saddle');
      expect(e.escapeNeurons[0]!.descent!.deltaLoss).toBeLessThan(0);
    }
  });
});
