/**
 * The kernels behind the heavy-tailed population solver (src/jacobian/heavyPopulation.ts,
 * native/heavy.cc, src/jacobian/heavy.ts nnlsNormal): the native sweep against its TypeScript twin,
 * the multi-replica driver on 1 and 2 threads, and the active-set NNLS against brute force.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildLayeredPopulation, populationStieltjes, populationStieltjesPath, populationStieltjesReplicas } from '../../src/jacobian/heavyPopulation.ts';
import { nnlsNormal } from '../../src/jacobian/heavy.ts';
import { nativePopulationSweep, useNativePopulationSweep } from '../../src/linalg/native.ts';
import { stream } from '../../src/random/rng.ts';

const spec = { N: 400, L: 2, activation: 'sigmoid' as const, weights: { name: 'cauchy' as const, scale: 1 }, bias: { name: 'gaussian' as const, scale: 1 }, scaling: 'natural' as const, seed: 3 };
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

describe('population sweep kernels', () => {
  afterEach(() => useNativePopulationSweep(true));

  it('native sweep and TypeScript twin give the same G (rounding only: the native edge sums run in SIMD lanes)', () => {
    const pops = [0, 1].map((replica) => buildLayeredPopulation(spec, { populationSize: 200, lepageTerms: 16, replica }));
    const run = () => pops.flatMap((pop) => [1e-6, 1e-2, 3].map((r) => populationStieltjes(pop, 0.1 * r, r, { sweeps: 12, damping: 0.7 }).value));
    useNativePopulationSweep(true);
    const native = nativePopulationSweep() === null ? null : run();
    useNativePopulationSweep(false);
    const ts = run();
    if (native === null) return void expect(ts.every((v) => Number.isFinite(v.re))).toBe(true);
    // 12 sweeps of a contraction amplify rounding differences (~1e-16 per edge sum) only mildly
    for (let i = 0; i < ts.length; i++) {
      for (const k of ['re', 'im', 'outRe', 'outIm'] as const) expect(rel(native[i]![k], ts[i]![k])).toBeLessThan(1e-10);
    }
  });

  it('replicas along a path of z: the same values on 1, 2 and 3 threads and in one call or one z per call (bit for bit), and as populationStieltjes one by one', () => {
    const pops = [0, 1, 2].map((replica) => buildLayeredPopulation(spec, { populationSize: 150, lepageTerms: 12, replica }));
    const opts = { sweeps: 30, damping: 1, tolerance: 1e-4 };
    const chain = (threads: number) => {
      let states = pops.map(() => undefined) as Parameters<typeof populationStieltjesReplicas>[4];
      const out: number[] = [];
      for (const r of [100, 1, 1e-3]) {
        const res = populationStieltjesReplicas(pops, 0, r, opts, states, threads);
        states = res.map((x) => x.state);
        for (const { value } of res) out.push(value.re, value.im, value.outRe, value.outIm, value.sweeps);
      }
      return out;
    };
    const one = chain(1);
    expect(chain(2)).toEqual(one);
    // the whole path in one call (each replica through all z on its own thread) equals the chain
    for (const threads of [1, 2, 3]) {
      const { values } = populationStieltjesPath(pops, [100, 1, 1e-3].map((r) => ({ re: 0, im: r, sweeps: 30 })), opts, pops.map(() => undefined), threads);
      expect(values.flatMap((vs) => vs.flatMap((v) => [v.re, v.im, v.outRe, v.outIm, v.sweeps]))).toEqual(one);
    }
    // the one-by-one path (the TypeScript twin when forced): same sweeps, values to rounding
    useNativePopulationSweep(false);
    const ts = chain(1);
    for (let i = 0; i < one.length; i++) expect(rel(ts[i]!, one[i]!)).toBeLessThan(1e-8);
  });
});

describe('nnlsNormal (active-set NNLS on the normal equations)', () => {
  it('matches the brute-force minimum over all 2^n sign patterns (n = 7, random least-squares problems)', () => {
    for (let trial = 0; trial < 20; trial++) {
      const r = stream(77, trial);
      const n = 7, rows = 12;
      const A = Array.from({ length: rows }, () => Array.from({ length: n }, () => r.normal()));
      const b = Array.from({ length: rows }, () => r.normal());
      const M = new Float64Array(n * n), q = new Float64Array(n);
      for (let i = 0; i < rows; i++) for (let k = 0; k < n; k++) { q[k] += A[i]![k]! * b[i]!; for (let l = 0; l < n; l++) M[k * n + l] += A[i]![k]! * A[i]![l]!; }
      const obj = (p: ArrayLike<number>) => { let s = 0; for (let i = 0; i < rows; i++) { let t = -b[i]!; for (let k = 0; k < n; k++) t += A[i]![k]! * p[k]!; s += t * t; } return s; };
      // brute force: for every support S, the unconstrained minimiser on S (Gauss-Jordan); keep the feasible best
      let best = Infinity;
      for (let mask = 0; mask < 1 << n; mask++) {
        const S = [...Array(n).keys()].filter((k) => mask & (1 << k));
        const m = S.length;
        const T = S.map((i) => [...S.map((j) => M[i * n + j]!), q[i]!]);
        for (let c = 0; c < m; c++) {
          let piv = c;
          for (let rr = c + 1; rr < m; rr++) if (Math.abs(T[rr]![c]!) > Math.abs(T[piv]![c]!)) piv = rr;
          [T[c], T[piv]] = [T[piv]!, T[c]!];
          for (let rr = 0; rr < m; rr++) if (rr !== c) { const l = T[rr]![c]! / T[c]![c]!; for (let k = c; k <= m; k++) T[rr]![k] -= l * T[c]![k]!; }
        }
        const p = new Float64Array(n);
        S.forEach((k, i) => (p[k] = T[i]![m]! / T[i]![i]!));
        if (p.every((x) => x >= 0)) best = Math.min(best, obj(p));
      }
      const { p } = nnlsNormal(M, q, n, 100);
      expect(p.every((x) => x >= 0)).toBe(true);
      // both are the same minimiser; objectives agree to rounding of the normal equations
      expect(Math.abs(obj(p) - best)).toBeLessThanOrEqual(1e-10 * Math.max(1, best));
    }
  });
});
