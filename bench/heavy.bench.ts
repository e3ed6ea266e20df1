/**
 * Depth-L heavy-tailed spectrum (theory/05-heavy-tailed.md 5.6-5.8): cost of one solve
 * (population dynamics at z = i r, replicas, deconvolution) against the Monte Carlo it replaces,
 * the squared singular values of N = 400 sampled networks (dense Jacobian + SVD), measured in the
 * same run. `node --import tsx bench/heavy.bench.ts`. Issue 14 targets: defaults within 10x (L = 1)
 * and 30x (L = 2) of one network.
 */
import { solveHeavySpectrum } from '../src/jacobian/heavy.ts';
import { jacobian, randomInput, sampleNetwork } from '../src/network/network.ts';
import type { NetworkSpec } from '../src/spec/networkSpec.ts';
import { linalg } from '../src/linalg/index.ts';
import { stream, STREAM } from '../src/random/rng.ts';
import { bestMs } from './timing.ts';

const base = { activation: 'sigmoid' as const, weights: { name: 'cauchy' as const, scale: 1 }, bias: { name: 'gaussian' as const, scale: 1 }, scaling: 'natural' as const, seed: 1 };
console.log('case | ms | ratio to one N = 400 Monte Carlo network at the same depth');
console.log('---|---|---');
for (const L of [1, 2]) {
  const spec: NetworkSpec = { ...base, N: 400, L };
  const mc = bestMs(() => {
    const net = sampleNetwork(spec, 0);
    linalg().singularValues(jacobian(net, randomInput(net, stream(1, STREAM.RANDOM_POINT, 0))));
  }, { maxReps: 5, budgetMs: 3000 });
  const solve = bestMs(() => { solveHeavySpectrum(spec); }, { maxReps: 1, budgetMs: 0 });
  const oneThread = bestMs(() => { solveHeavySpectrum(spec, { threads: 1 }); }, { maxReps: 1, budgetMs: 0 });
  const cheap = bestMs(() => { solveHeavySpectrum(spec, { populationSize: 1000, replicas: 2, sweeps: 30 }); }, { maxReps: 1, budgetMs: 0 });
  console.log(`Monte Carlo, 1 network N=400 L=${L} (reference) | ${mc.toFixed(1)} | 1`);
  console.log(`solveHeavySpectrum L=${L} defaults (P 1500 x 3 replicas, 40 sweeps) | ${solve.toFixed(0)} | ${(solve / mc).toFixed(1)}`);
  console.log(`solveHeavySpectrum L=${L} defaults, replicas on 1 thread | ${oneThread.toFixed(0)} | ${(oneThread / mc).toFixed(1)}`);
  console.log(`solveHeavySpectrum L=${L} test settings (P 1000 x 2, 30 sweeps) | ${cheap.toFixed(0)} | ${(cheap / mc).toFixed(1)}`);
}
