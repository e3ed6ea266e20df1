// The four counting protocols of src/counting/protocols.ts on coordinatewise maps whose fixed
// points, cycles and end states are known exactly. A network with diagonal W and one layer,
// f(x)_i = sigmoid(w_i x_i + b_i), is a product of scalar maps, so its fixed points are the products
// of the scalar fixed points, its attractors the products of the scalar attractors, and the end
// states x_T the products of the points of those attractors. The scalar references come from an
// independent root bracketing (sign changes of g on a 20000-cell grid, refined by bisection).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../src/montecarlo/sweep.ts';
import type { SweepConfig } from '../../src/montecarlo/records.ts';
import { ResultStoreError } from '../../src/errors.ts';
import { curvesFromPoints, depthCurves, risesAndReturns } from '../../src/counting/depthCurves.ts';
import { clusterCount, COUNT_PROTOCOLS, countNetwork, finalStates, type CountProtocol } from '../../src/counting/protocols.ts';
import { wilsonInterval } from '../../src/numerics/stats.ts';
import { protocolsVerdict } from '../../src/report/claims/protocols.ts';
import { networkFromWeights, sampleNetwork } from '../../src/network/network.ts';
import type { NetworkSpec } from '../../src/spec/networkSpec.ts';
import { matrix } from '../../src/types.ts';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function roots(g: (x: number) => number): number[] {
  const M = 20_000;
  const out: number[] = [];
  let prev = g(0);
  for (let i = 1; i <= M; i++) {
    const x1 = i / M;
    const cur = g(x1);
    if (cur === 0) out.push(x1);
    else if (prev * cur < 0) {
      let lo = (i - 1) / M, hi = x1;
      for (let k = 0; k < 80; k++) {
        const mid = (lo + hi) / 2;
        if (g(lo) * g(mid) <= 0) hi = mid; else lo = mid;
      }
      out.push((lo + hi) / 2);
    }
    prev = cur;
  }
  return out;
}

/** Scalar map x -> sigmoid(w x + b): fixed points, stable ones, attracting 2-cycles (as point pairs). */
function scalarFacts(w: number, b: number) {
  const f = (x: number) => sigmoid(w * x + b);
  const df = (x: number) => w * f(x) * (1 - f(x));
  const fixed = roots((x) => f(x) - x);
  const stable = fixed.filter((x) => Math.abs(df(x)) < 1);
  // Period-2 points: roots of f(f(x)) - x that are not fixed points; attracting when |(f o f)'| < 1.
  const two = roots((x) => f(f(x)) - x).filter((x) => fixed.every((p) => Math.abs(p - x) > 1e-6));
  const attracting2 = two.filter((x) => Math.abs(df(x) * df(f(x))) < 1);
  return { fixed: fixed.length, stable: stable.length, cycles: attracting2.length / 2, cyclePoints: attracting2.length };
}

function diagonalNet(ws: number[], bs: number[]) {
  const N = ws.length;
  const W = matrix(N, N);
  ws.forEach((w, i) => { W.data[i * N + i] = w; });
  return networkFromWeights('sigmoid', [W], [Float64Array.from(bs)]);
}

/** Exact counts of a product of scalar maps with at most one cycling coordinate. */
function productCounts(ws: number[], bs: number[]) {
  const facts = ws.map((w, i) => scalarFacts(w, bs[i]!));
  const prod = (f: (x: (typeof facts)[number]) => number) => facts.reduce((p, x) => p * f(x), 1);
  expect(facts.filter((x) => x.cycles > 0).length).toBeLessThanOrEqual(1); // products of two cycles split by phase
  return {
    all: prod((x) => x.fixed),
    stable: prod((x) => x.stable),
    attractors: prod((x) => x.stable + x.cycles),
    'final-states': prod((x) => x.stable + x.cyclePoints),
  };
}

describe('counting protocols on coordinatewise maps (exact counts)', () => {
  const cases = [
    { name: 'two bistable coordinates', ws: [10, 10], bs: [-5, -5] },
    { name: 'one bistable coordinate and one with a stable 2-cycle', ws: [10, -10], bs: [-5, 5] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const want = productCounts(c.ws, c.bs);
      const net = diagonalNet(c.ws, c.bs);
      const got = Object.fromEntries(COUNT_PROTOCOLS.map((p) => [p, countNetwork(net, p, { starts: 200, seed: 7 }).count]));
      expect(got).toEqual(want);
    });
  }

  it('the closed-form references are what the case names say', () => {
    // Guards the test itself: bistable 3 fixed points (2 stable), the other 1 unstable fixed point and one 2-cycle.
    expect(scalarFacts(10, -5)).toEqual({ fixed: 3, stable: 2, cycles: 0, cyclePoints: 0 });
    expect(scalarFacts(-10, 5)).toEqual({ fixed: 1, stable: 0, cycles: 1, cyclePoints: 2 });
    expect(productCounts([10, -10], [-5, 5])).toEqual({ all: 3, stable: 0, attractors: 2, 'final-states': 4 });
  });

  it('all reports the share of converged Newton starts and the stable ones among the fixed points', () => {
    const r = countNetwork(diagonalNet([10, 10], [-5, -5]), 'all', { starts: 100, seed: 3 });
    expect(r.stable).toBe(4);
    expect(r.convergedShare).toBeGreaterThan(0.5);
    expect(r.convergedShare).toBeLessThanOrEqual(1);
  });

  it('final-states: a start-up map of T iterations counts unsettled runs as their own clusters', () => {
    // x -> sigmoid(10x - 5) after T = 1 step has not settled: nearly every start is its own cluster.
    const net = diagonalNet([10], [-5]);
    const r = finalStates(net, { starts: 50, seed: 1, iterations: 1, tolerance: 1e-9 });
    expect(r.clusters).toBe(50);
    expect(finalStates(net, { starts: 50, seed: 1, iterations: 200, tolerance: 1e-6 }).clusters).toBe(2);
  });

  it('clusterCount is single linkage: a chain of close points is one cluster, whatever the order', () => {
    const pts = [0, 0.9e-6, 1.8e-6, 5].map((v) => Float64Array.of(v));
    expect(clusterCount(pts, 1e-6)).toBe(2);
    expect(clusterCount([...pts].reverse(), 1e-6)).toBe(2);
    expect(clusterCount([], 1e-6)).toBe(0);
  });
});

describe('per-network depth curves rest on nested networks', () => {
  it('a depth-L network is the first L layers of a deeper one with the same seed and index', () => {
    const spec: NetworkSpec = { N: 4, L: 6, activation: 'sigmoid', weights: { name: 'cauchy', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'raw', seed: 11 };
    const deep = sampleNetwork(spec, 3);
    for (const L of [1, 2, 5]) {
      const shallow = sampleNetwork({ ...spec, L }, 3);
      expect(shallow.weights.length).toBe(L);
      for (let l = 0; l < L; l++) {
        expect(Array.from(shallow.weights[l]!.data)).toEqual(Array.from(deep.weights[l]!.data));
        expect(Array.from(shallow.biases[l]!)).toEqual(Array.from(deep.biases[l]!));
      }
    }
  });
});

describe('sweep records carry the protocol', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jesd-protocols-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const config = (protocol?: SweepConfig['protocol']): SweepConfig => ({
    widths: [2], depths: [1], weightLaws: [{ name: 'cauchy', scale: 1 }],
    base: { activation: 'sigmoid', bias: { name: 'gaussian', scale: 1 }, scaling: 'raw', seed: 5 },
    networks: 3, starts: 20, fixedPointOptions: { maxIterations: 500 }, ...(protocol ? { protocol } : {}),
  });

  it('each record has protocol and count, the summary the mean count; a resume with another --count is refused', async () => {
    const out = join(dir, 'all.jsonl');
    const res = await runSweep(config('all'), { out, workers: 1, quiet: true });
    for (const r of res.records) {
      expect(r.protocol).toBe('all');
      expect(r.count).toBeGreaterThanOrEqual(r.Q); // all fixed points include the stable ones the search found
      expect(r.convergedShare).toBeGreaterThan(0);
    }
    const mean = res.records.reduce((a, r) => a + r.count!, 0) / res.records.length;
    expect(res.summary[0]!.protocol).toBe('all');
    expect(res.summary[0]!.meanCount).toBeCloseTo(mean, 12);
    expect(JSON.parse(readFileSync(`${out}.meta.json`, 'utf8')).config.protocol).toBe('all');
    await expect(runSweep(config(), { out, resume: true, workers: 1, quiet: true })).rejects.toThrow(ResultStoreError);
    await expect(runSweep(config('attractors'), { out, resume: true, workers: 1, quiet: true })).rejects.toThrow(/--count differs/);
    const again = await runSweep(config('all'), { out, resume: true, workers: 1, quiet: true });
    expect(again.computed).toBe(0);
  });

  it('the default protocol writes the records and run description of a plain Q sweep', async () => {
    const out = join(dir, 'stable.jsonl');
    const res = await runSweep(config('stable'), { out, workers: 1, quiet: true });
    expect(res.records.every((r) => r.protocol === undefined && r.count === undefined)).toBe(true);
    expect(JSON.parse(readFileSync(`${out}.meta.json`, 'utf8')).config.protocol).toBeUndefined();
  });
});

describe('per-network depth curves', () => {
  it('risesAndReturns: above the L = 1 value and above 1 at some depth, then exactly 1 later', () => {
    const d = [1, 2, 4, 8];
    expect(risesAndReturns(d, [1, 2, 3, 1])).toBe(true);
    expect(risesAndReturns(d, [2, 3, 1, 1])).toBe(true);
    expect(risesAndReturns(d, [2, 2, 1, 1])).toBe(false); // never above its L = 1 value
    expect(risesAndReturns(d, [1, 2, 2, 2])).toBe(false); // never back to 1
    expect(risesAndReturns(d, [1, 1, 1, 1])).toBe(false);
    expect(risesAndReturns(d, [0, 1, 0, 1])).toBe(false); // a climb from 0 to 1 is not a rise
    expect(risesAndReturns(d, [0, 2, 0, 1])).toBe(true);
    expect(() => risesAndReturns([2, 4], [1, 1])).toThrow(/starts at depth 1/);
  });

  it('curves from sweep records equal curves counted directly on the nested networks; the share has a Wilson interval', async () => {
    const spec: NetworkSpec = { N: 2, L: 1, activation: 'sigmoid', weights: { name: 'cauchy', scale: 10 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'raw', seed: 2 };
    const depths = [1, 2, 3];
    const direct = depthCurves(spec, depths, 5, 'attractors', { starts: 20, search: { maxIterations: 500 } });
    const { N: _n, L: _l, weights, ...base } = spec;
    const sweep = await runSweep({ widths: [2], depths, weightLaws: [weights], base, networks: 5, starts: 20, fixedPointOptions: { maxIterations: 500 }, protocol: 'attractors' }, { workers: 1, quiet: true });
    const fromRecords = curvesFromPoints(sweep.records.map((r) => ({ network: r.network, depth: r.depth, value: r.count! })), depths);
    expect(fromRecords.curves).toEqual(direct.curves);
    const s = direct.curves.filter((c) => c.risesAndReturns).length;
    expect(direct.riseAndReturn.successes).toBe(s);
    expect(direct.riseAndReturn.trials).toBe(5);
    expect(direct.riseAndReturn.lower).toBeLessThanOrEqual(s / 5);
    expect(direct.riseAndReturn.upper).toBeGreaterThanOrEqual(s / 5);
  });
});

describe('reproduce section P2: verdict rule', () => {
  const row = (depth: number, m: Partial<Record<CountProtocol, [number, number]>>) => {
    const full = { stable: [1, 0], all: [1, 0], attractors: [1, 0], 'final-states': [1, 0], ...m } as Record<CountProtocol, [number, number]>;
    return {
      depth, networks: 10, meanConvergedShare: 1,
      mean: Object.fromEntries(COUNT_PROTOCOLS.map((p) => [p, full[p][0]])) as Record<CountProtocol, number>,
      stderr: Object.fromEntries(COUNT_PROTOCOLS.map((p) => [p, full[p][1]])) as Record<CountProtocol, number>,
    };
  };
  const shares = Object.fromEntries(COUNT_PROTOCOLS.map((p) => [p, wilsonInterval(1, 10)])) as Parameters<typeof protocolsVerdict>[1];

  it('a rise of more than 2 combined standard errors, then back within 0.1 of 1, is reproduced', () => {
    const rows = [row(1, { all: [1.2, 0.05] }), row(2, { all: [1.6, 0.1] }), row(8, { all: [1.05, 0.02] })];
    const v = protocolsVerdict(rows, shares);
    expect(v.verdict).toBe('reproduced');
    expect(v.evidence).toContain('all: 1.200 at L=1, rises to 1.600 at L=2');
  });

  it('a rise within 2 standard errors, a climb to 1 from below, or no return to 1, is not', () => {
    expect(protocolsVerdict([row(1, { stable: [0.7, 0.05] }), row(2, { stable: [1, 0] }), row(8, { stable: [1, 0] })], shares).verdict).toBe('not reproduced');
    expect(protocolsVerdict([row(1, { all: [1.2, 0.1] }), row(2, { all: [1.4, 0.1] }), row(8, { all: [1, 0] })], shares).verdict).toBe('not reproduced');
    expect(protocolsVerdict([row(1, { all: [1.2, 0.01] }), row(2, { all: [1.6, 0.01] }), row(8, { all: [1.3, 0.01] })], shares).verdict).toBe('not reproduced');
    expect(protocolsVerdict([row(1, {})], shares).verdict).toBe('not run');
  });
});
