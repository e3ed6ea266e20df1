// Allocation expressivity (theory/12-allocation.md). Reference values are closed forms: the
// single-layer rank law sum_i min(k_i, m) and capacity min_i k_i (12.7), rank 1 for a column of a
// linear scalar-output net, the ranks of the ReLU gate patterns computed by exact integer
// elimination (an independent computation), the Kronecker singular values (12.8), finite
// differences for J_A, and the linear-RNN read-out law (12.9).
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  allocationJacobian, allocationRank, allocationSize, capacity, forward, genericPoint, genericRank, getTheta,
  kroneckerFactors, kroneckerSingularValues, layerShapes, outputDim, setTheta, singleLayerRankLaw, validateAllocation, validateArch,
  type Allocation, type ArchSpec,
} from '../../src/expressivity/allocation.ts';
import { parseAllocation } from '../../src/expressivity/masks.ts';
import { matchProbability } from '../../src/expressivity/matching.ts';
import { InvalidSpecError } from '../../src/errors.ts';
import { archWithAllocation } from '../../src/arbitraries.ts';

beforeAll(() => {
  process.env.JESD_QUIET_BACKEND = '1';
});

/** Exact rank of an integer matrix by fraction-free (Bareiss) elimination in BigInt. */
function exactRank(rows: number[][]): number {
  const a = rows.map((r) => r.map((v) => BigInt(v)));
  const n = a.length, m = n ? a[0]!.length : 0;
  let rank = 0, prev = 1n;
  for (let c = 0; c < m && rank < n; c++) {
    const p = a.findIndex((r, i) => i >= rank && r[c] !== 0n);
    if (p < 0) continue;
    [a[rank], a[p]] = [a[p]!, a[rank]!];
    for (let i = rank + 1; i < n; i++) {
      for (let j = c + 1; j < m; j++) a[i]![j] = (a[i]![j]! * a[rank]![c]! - a[i]![c]! * a[rank]![j]!) / prev;
      a[i]![c] = 0n;
    }
    prev = a[rank]![c]!;
    rank++;
  }
  return rank;
}

function maskFromRows(spec: ArchSpec, layer: number, rowSets: number[][]): Allocation {
  const shapes = layerShapes(spec);
  const masks = shapes.map((s) => new Uint8Array(s.rows * s.cols));
  rowSets.forEach((cols, i) => cols.forEach((j) => (masks[layer]![i * shapes[layer]!.cols + j] = 1)));
  return { label: 'test', masks };
}

describe('single-layer rank law (12.7) on square linear nets', () => {
  it('n = 6, M = 12: two per row gives ranks 6, 12, 12, 12 and m* = 2; two full rows give 2m and m* = 0', () => {
    const spec: ArchSpec = { arch: 'linear', widths: [6, 6, 6, 6], steps: 1 };
    const spread = parseAllocation(spec, 'perrow:2:2');
    const rows = parseAllocation(spec, 'rows:2:0,1');
    expect(allocationSize(spread)).toBe(12);
    expect(allocationSize(rows)).toBe(12);
    const p = genericPoint(spec, 4, 3, 0);
    expect([1, 2, 3, 4].map((m) => allocationRank(spec, spread, p, m).rank)).toEqual([6, 12, 12, 12]);
    expect([1, 2, 3, 4].map((m) => allocationRank(spec, rows, p, m).rank)).toEqual([2, 4, 6, 8]);
    expect(capacity(spec, spread, 3).capacity).toBe(2);
    expect(capacity(spec, rows, 3).capacity).toBe(0);
    for (const m of [1, 2, 3, 4]) expect(allocationRank(spec, spread, p, m).certified).toBe(true);
  });

  it('property: r(A, m) = sum_i min(k_i, m) and m* = min_i k_i for any depth, layer, row counts and positions', () => {
    const arb = fc.integer({ min: 2, max: 5 }).chain((n) => fc.record({
      n: fc.constant(n),
      depth: fc.integer({ min: 1, max: 3 }),
      layerPick: fc.nat(2),
      rowSets: fc.array(fc.subarray([...Array(n).keys()]), { minLength: n, maxLength: n }),
      m: fc.integer({ min: 1, max: n + 2 }),
      seed: fc.nat(1000),
    })).filter((c) => c.rowSets.some((s) => s.length > 0));
    fc.assert(fc.property(arb, ({ n, depth, layerPick, rowSets, m, seed }) => {
      const spec: ArchSpec = { arch: 'linear', widths: Array(depth + 1).fill(n), steps: 1 };
      const layer = layerPick % depth;
      const a = maskFromRows(spec, layer, rowSets);
      const ks = rowSets.map((s) => s.length);
      const r = allocationRank(spec, a, genericPoint(spec, m, seed, 0), m);
      expect(r.rank).toBe(singleLayerRankLaw(ks, m));
      expect(r.certified).toBe(true);
      expect(capacity(spec, a, seed).capacity).toBe(Math.min(...ks));
    }), { numRuns: 40, seed: 47 });
  });
});

describe('scalar-output one-hidden-layer net, 10 x 10 (section 12.3)', () => {
  const lin: ArchSpec = { arch: 'linear', widths: [10, 10, 1], steps: 1 };
  const relu: ArchSpec = { arch: 'relu', widths: [10, 10, 1], steps: 1 };

  it('a full column of W_1 has rank exactly 1 in the linear net for every m', () => {
    const a = parseAllocation(lin, 'cols:1:3');
    for (const m of [5, 10, 20]) for (let d = 0; d < 3; d++) expect(allocationRank(lin, a, genericPoint(lin, m, 1, d), m).rank).toBe(1);
  });

  it('with ReLU a column has the rank of the gate pattern (exact integer rank), about min(m, M)', () => {
    const a = parseAllocation(relu, 'cols:1:3');
    let sum20 = 0;
    for (const m of [5, 10, 20]) {
      for (let d = 0; d < 5; d++) {
        const p = genericPoint(relu, m, 2, d);
        const gates = Array.from({ length: m }, (_, k) => Array.from({ length: 10 }, (_, i) => {
          let z = 0;
          for (let j = 0; j < 10; j++) z += p.weights[0]!.data[i * 10 + j]! * p.inputs.data[j * m + k]!;
          return z > 0 ? 1 : 0;
        }));
        const r = allocationRank(relu, a, p, m).rank;
        expect(r).toBe(exactRank(gates));
        expect(r).toBeLessThanOrEqual(Math.min(m, 10));
        if (m === 20) sum20 += r;
      }
    }
    expect(sum20 / 5).toBeGreaterThan(1); // far from the linear net's 1
  });

  it('a full row: min(m, 10) linear; with ReLU min(#inputs activating the unit, 10)', () => {
    const aL = parseAllocation(lin, 'rows:1:4');
    const aR = parseAllocation(relu, 'rows:1:4');
    for (const m of [5, 10, 20]) {
      const p = genericPoint(relu, m, 5, 0);
      expect(allocationRank(lin, aL, p, m).rank).toBe(Math.min(m, 10));
      let active = 0;
      for (let k = 0; k < m; k++) {
        let z = 0;
        for (let j = 0; j < 10; j++) z += p.weights[0]!.data[4 * 10 + j]! * p.inputs.data[j * m + k]!;
        if (z > 0) active++;
      }
      expect(allocationRank(relu, aR, p, m).rank).toBe(Math.min(active, 10));
    }
  });

  it('the diagonal has rank min(m, 10) in both', () => {
    for (const spec of [lin, relu]) {
      const a = parseAllocation(spec, 'diag:1');
      for (const m of [5, 10, 20]) expect(allocationRank(spec, a, genericPoint(spec, m, 9, 0), m).rank).toBe(Math.min(m, 10));
    }
  });
});

function randomAllocation(spec: ArchSpec, bits: number[]): Allocation {
  let p = 0;
  const masks = layerShapes(spec).map((s) => Uint8Array.from({ length: s.rows * s.cols }, () => bits[p++ % bits.length]!));
  if (!masks.some((m) => m.includes(1))) masks[0]![0] = 1;
  return { label: 'random', masks };
}

describe('properties of J_A on every architecture', () => {
  it('rank <= min(M, m d_out) always', () => {
    fc.assert(fc.property(archWithAllocation(), fc.integer({ min: 1, max: 6 }), fc.nat(1000), ({ spec, allocation: a }, m, seed) => {
      expect(() => validateAllocation(validateArch(spec), a)).not.toThrow(); // the arbitraries give valid values
      const r = allocationRank(spec, a, genericPoint(spec, m, seed, 0), m).rank;
      expect(r).toBeLessThanOrEqual(Math.min(allocationSize(a), m * outputDim(spec)));
    }), { numRuns: 60, seed: 48 });
  });

  it('J_A equals central finite differences of the outputs (linear, relu, lrnn)', () => {
    const specs: ArchSpec[] = [
      { arch: 'linear', widths: [3, 4, 2, 2], steps: 1 },
      { arch: 'relu', widths: [3, 5, 4, 2], steps: 1 },
      { arch: 'lrnn', widths: [2, 3, 2], steps: 4 },
    ];
    for (const spec of specs) {
      const a = randomAllocation(spec, [1, 0, 1, 1, 0]);
      const m = 3;
      const p = genericPoint(spec, m, 11, 0);
      const { jacobian: J, outputs } = allocationJacobian(spec, a, p.weights, p.inputs);
      expect(Array.from(forward(spec, p.weights, p.inputs).data)).toEqual(Array.from(outputs.data));
      const th = getTheta(a, p.weights);
      const dOut = outputDim(spec), h = 1e-6;
      for (let q = 0; q < th.length; q++) {
        const up = th.slice(), dn = th.slice();
        up[q]! += h; dn[q]! -= h;
        const yu = forward(spec, setTheta(a, p.weights, up), p.inputs), yd = forward(spec, setTheta(a, p.weights, dn), p.inputs);
        for (let k = 0; k < m; k++) for (let o = 0; o < dOut; o++) {
          const fd = (yu.data[o * m + k]! - yd.data[o * m + k]!) / (2 * h);
          expect(Math.abs(J.data[(k * dOut + o) * J.cols + q]! - fd), `${spec.arch} column ${q}`).toBeLessThan(1e-7);
        }
      }
    }
  });

  it('full-layer allocation of a linear net: singular values of J_A = products sigma_i(P) sigma_j(Z) (12.8)', () => {
    const spec: ArchSpec = { arch: 'linear', widths: [4, 3, 5, 2], steps: 1 };
    const m = 6;
    const p = genericPoint(spec, m, 4, 0);
    for (const layer of [0, 1, 2]) {
      const a = parseAllocation(spec, `full:${layer + 1}`);
      const sv = genericRank(allocationJacobian(spec, a, p.weights, p.inputs).jacobian).singularValues;
      const f = kroneckerFactors(spec, p.weights, p.inputs, layer);
      const kr = kroneckerSingularValues(f.earlierInputsT, f.later);
      const n = Math.min(sv.length, kr.length);
      for (let i = 0; i < n; i++) expect(Math.abs(sv[i]! - kr[i]!)).toBeLessThan(1e-10 * sv[0]!);
      // allocationRank reads a whole layer from the factors: same rank as the SVD of J_A (rank-deficient here)
      expect(allocationRank(spec, a, p, m).rank).toBe(genericRank(allocationJacobian(spec, a, p.weights, p.inputs).jacobian).rank);
    }
  });
});

describe('linear RNN', () => {
  it('read-out law (12.9): rows of C with k_o entries give sum_o min(k_o, m, T d_in)', () => {
    for (const [dIn, n, dOut, T] of [[1, 6, 3, 2], [2, 5, 2, 3], [1, 4, 2, 6]] as const) {
      const spec: ArchSpec = { arch: 'lrnn', widths: [dIn, n, dOut], steps: T };
      const ks = Array.from({ length: dOut }, (_, o) => 1 + ((o * 2 + 1) % n));
      const a = maskFromRows(spec, 2, ks.map((k, o) => Array.from({ length: k }, (_, c) => (o + c) % n)));
      for (const m of [1, 2, 4, 7]) {
        const r = allocationRank(spec, a, genericPoint(spec, m, 8, 0), m).rank;
        expect(r, `${[dIn, n, dOut, T]} m=${m}`).toBe(ks.reduce((s, k) => s + Math.min(k, m, T * dIn), 0));
      }
    }
  });

  it('with T = 1 it is the two-layer linear net (same ranks for allocations in U and C)', () => {
    const rnn: ArchSpec = { arch: 'lrnn', widths: [3, 4, 2], steps: 1 };
    const lin: ArchSpec = { arch: 'linear', widths: [3, 4, 2], steps: 1 };
    for (const text of [['rows:1:0,2', 'rows:1:0,2'], ['cols:3:1', 'cols:2:1'], ['diag:1+diag:3', 'diag:1+diag:2']] as const) {
      const aR = parseAllocation(rnn, text[0]), aL = parseAllocation(lin, text[1]);
      for (const m of [1, 2, 3, 5]) {
        const pR = genericPoint(rnn, m, 6, 0);
        const pL = { weights: [pR.weights[0]!, pR.weights[2]!], inputs: pR.inputs };
        expect(allocationRank(rnn, aR, pR, m).rank).toBe(allocationRank(lin, aL, pL, m).rank);
      }
    }
  });
});

describe('match probability (12.11)', () => {
  it('single-layer linear allocation: MP = 1 for m <= m* and 0 above, as the ranks predict', () => {
    const spec: ArchSpec = { arch: 'linear', widths: [4, 4, 4], steps: 1 };
    const a = parseAllocation(spec, 'perrow:2:2');
    for (const [m, want] of [[1, 1], [2, 1], [3, 0]] as const) {
      const r = matchProbability(spec, a, m, { draws: 4, starts: 2, seed: 3 });
      expect(r.matchProbability).toBe(want);
      expect(r.predicted).toBe(want);
      expect(r.interval.lower).toBeLessThanOrEqual(want);
      expect(r.interval.upper).toBeGreaterThanOrEqual(want);
      expect(r.unconvergedShare).toBe(0);
    }
  });

  it('is reproducible: same seed, same result', () => {
    const spec: ArchSpec = { arch: 'relu', widths: [3, 4, 1], steps: 1 };
    const a = parseAllocation(spec, 'cols:1:0');
    const r1 = matchProbability(spec, a, 2, { draws: 3, starts: 2, seed: 9 }), r2 = matchProbability(spec, a, 2, { draws: 3, starts: 2, seed: 9 });
    expect(r2).toEqual(r1);
  });
});

describe('bad allocations are refused naming the field', () => {
  const spec: ArchSpec = { arch: 'linear', widths: [3, 2, 1], steps: 1 };
  const dir = mkdtempSync(join(tmpdir(), 'jesd-alloc-'));
  const bad = (text: string, re: RegExp) => {
    expect(() => parseAllocation(spec, text, '--allocation')).toThrow(InvalidSpecError);
    expect(() => parseAllocation(spec, text, '--allocation')).toThrow(re);
  };
  it('grammar errors, indices that do not fit, empty allocations, mask files of the wrong shape', () => {
    bad('', /--allocation: the allocation is empty/);
    bad('rows:3:0', /layer must be an integer in \[1, 2\]/);
    bad('rows:1:2', /row index 2 does not fit/);
    bad('cols:2:5', /column index 5 does not fit/);
    bad('perrow:1:4', /entries per row/);
    bad('diag', /expected KIND:LAYER/);
    bad(join(dir, 'none.json'), /no such file/);
    writeFileSync(join(dir, 'shape.json'), JSON.stringify({ masks: [[[1, 0, 0]], null] }));
    bad(join(dir, 'shape.json'), /mask 1 must be a 2x3 array/);
    writeFileSync(join(dir, 'empty.json'), JSON.stringify([[[0, 0, 0], [0, 0, 0]], [[0, 0]]]));
    bad(join(dir, 'empty.json'), /the allocation is empty/);
    writeFileSync(join(dir, 'ok.json'), JSON.stringify({ masks: [null, [[1, true]]] }));
    expect(allocationSize(parseAllocation(spec, join(dir, 'ok.json')))).toBe(2);
  });
});
