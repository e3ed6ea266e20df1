/**
 * Order-preserving census (theory/11-order-preserving.md (11.1)-(11.2); src/orderpreserving/modes.ts):
 * a 10-layer, width-100 relu network over 1000 samples, target under 1 s. The reference measured in
 * the same run is one batched forward pass of the same samples (src/training/backprop.ts
 * forwardBatch), which the census contains; the ratio says what the counting adds. Also: the
 * linear-substitution check of all OPT and dead units (11.4) and a sample-space basin radius of
 * the diagonal map sigmoid(8x - 4) on R^4 (64 directions, (11.6)), with their evaluation counts.
 */
import { bestMs } from './timing.ts';
import { findFixedPoints } from '../src/fixedpoints/search.ts';
import { linalg } from '../src/linalg/index.ts';
import { networkFromWeights, sampleNetwork } from '../src/network/network.ts';
import { fixedPointBasin } from '../src/orderpreserving/basinRadius.ts';
import { censusMask, layeredFromNetwork, linearSubstitution, modeCensus, randomSamples } from '../src/orderpreserving/modes.ts';
import { forwardBatch } from '../src/training/backprop.ts';
import { matrix } from '../src/types.ts';

console.log(`backend ${linalg().name}`);
const net = layeredFromNetwork(sampleNetwork({ N: 100, L: 10, activation: 'relu', weights: { name: 'gaussian', scale: Math.SQRT2 }, bias: { name: 'gaussian', scale: 0.1 }, scaling: 'natural', seed: 1 }));
const X = randomSamples(net, 1000, 1);
const opts = { maxReps: 20, budgetMs: 3000, minReps: 3 };
const fwd = bestMs(() => { forwardBatch(net, X); }, opts);
const census = bestMs(() => { modeCensus(net, X); }, opts);
const c = modeCensus(net, X);
const subst = bestMs(() => { linearSubstitution(net, X, censusMask(c, 'opt+dead')); }, opts);
console.log('1. census, relu N = 100, L = 10, 1000 samples (target < 1000 ms)');
console.log(`   forward pass (reference) ${fwd.toFixed(1)} ms`);
console.log(`   census                   ${census.toFixed(1)} ms   ratio to forward ${(census / fwd).toFixed(2)}   ${census < 1000 ? 'PASS' : 'FAIL'} (< 1 s)`);
console.log(`   substitution (OPT+dead)  ${subst.toFixed(1)} ms   ratio to forward ${(subst / fwd).toFixed(2)}`);

const N = 4;
const W = matrix(N, N);
for (let i = 0; i < N; i++) W.data[i * N + i] = 8;
const diag = networkFromWeights('sigmoid', [W], [new Float64Array(N).fill(-4)]);
const corner = findFixedPoints(diag, { starts: 256, seed: 1 }).fixedPoints.find((f) => f.stable)!;
let evals = 0;
const basin = bestMs(() => { evals = fixedPointBasin(diag, corner, { directions: 64 }).evaluations; }, { maxReps: 5, budgetMs: 3000 });
console.log('2. sample-space basin radius, diagonal sigmoid(8x - 4) on R^4, 64 directions');
console.log(`   ${basin.toFixed(1)} ms, ${evals} map evaluations, ${(basin * 1000 / evals).toFixed(2)} us per evaluation`);
