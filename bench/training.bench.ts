/**
 * Training stage (theory/07-training.md):
 *  - one full-batch Adam step (forward, MSE autoencoder loss, backprop, Adam update) of an N = 64,
 *    L = 8 sigmoid network on P = 100 patterns in {0.1, 0.9}^64, per linalg backend, with the ratio to
 *    NumPy doing the same arithmetic (bench/numpy_reference.py --train-step) in the same run.
 *    Target: within 2x of NumPy.
 *  - training plus the Q count of one N = 32, L = 8 network in the reference configuration (10
 *    patterns, Adam lr 0.01, 3000 full-batch steps, Gaussian init 4 g / sqrt(N), zero biases, then
 *    findFixedPoints with 300 starts), wall time on the default backend. Target: under 5 s on one core.
 */
import { findFixedPoints } from '../src/fixedpoints/search.ts';
import { availableBackends, linalg, setBackend } from '../src/linalg/index.ts';
import { lossAndGradient, zeroGradients } from '../src/training/backprop.ts';
import { randomPatterns } from '../src/training/data.ts';
import { toNetwork } from '../src/training/file.ts';
import { applyUpdate, DEFAULT_TRAIN, initNetwork, train, type OptimizerState } from '../src/training/train.ts';
import { numpyReference } from './numpyRef.ts';
import { bestMs } from './timing.ts';

const [N, L, P] = [64, 8, 100];
const np = numpyReference(['--sizes', '', '--network-sizes', '', '--train-step', `${N},${L},${P}`]);
console.log(`\n== one full-batch Adam step, N = ${N}, L = ${L}, P = ${P}, sigmoid; ${typeof np === 'string' ? `no NumPy ratio: ${np}` : `NumPy ${np.numpy} (${np.blas})`}`);
console.log('   x NumPy = time(backend) / time(NumPy) (target <= 2)\n');
const rows: Record<string, string | number>[] = [];
const X = randomPatterns(P, N, 0.1, 0.9, 11);
for (const be of availableBackends()) {
  setBackend(be);
  const net = initNetwork({ widths: Array.from({ length: L + 1 }, () => N), activation: 'sigmoid', weights: { name: 'gaussian', scale: 4 }, bias: null, scaling: 'natural', seed: 1 });
  const grad = zeroGradients(net);
  const state: OptimizerState = { m: zeroGradients(net), v: zeroGradients(net) };
  let t = 0;
  const ms = bestMs(() => {
    lossAndGradient(net, X, X, 0, grad);
    applyUpdate(net, grad, state, DEFAULT_TRAIN, ++t);
  }, { maxReps: 200, budgetMs: 1500, minReps: 5 });
  const ref = typeof np === 'string' ? undefined : np.train?.adamStepMs;
  rows.push({ backend: be.name, 'Adam step ms': +ms.toFixed(3), 'x NumPy': ref ? +(ms / ref).toFixed(2) : '' });
}
if (typeof np !== 'string' && np.train) rows.push({ backend: 'NumPy', 'Adam step ms': +np.train.adamStepMs.toFixed(3), 'x NumPy': 1 });
console.table(rows);

setBackend(availableBackends()[0]!);
console.log(`\n== train + Q count, N = 32, L = 8, 10 patterns, Adam lr 0.01, 3000 steps, 300 starts (backend ${linalg().name}; target < 5 s)\n`);
const t0 = performance.now();
const res = train({
  init: { widths: Array.from({ length: 9 }, () => 32), activation: 'sigmoid', weights: { name: 'gaussian', scale: 4 }, bias: null, scaling: 'natural', seed: 1 },
  config: { ...DEFAULT_TRAIN }, inputs: randomPatterns(10, 32, 0.1, 0.9, 1), targets: null, out: null, checkpointEvery: 0, resume: false,
});
const t1 = performance.now();
const fp = findFixedPoints(toNetwork(res.net), { starts: 300 });
const t2 = performance.now();
console.table([{ 'train s': +((t1 - t0) / 1000).toFixed(2), 'Q count s': +((t2 - t1) / 1000).toFixed(2), 'total s': +((t2 - t0) / 1000).toFixed(2), 'final loss': res.finalLoss.toExponential(3), Q: fp.Q }]);
