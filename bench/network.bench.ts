/**
 * Network-level throughput per linalg backend (issues 2 and 6), L = 10, sigmoid, Gaussian weights
 * sigma_w / sqrt(N) (sigma_w = 1), Gaussian biases (scale 1):
 *  - batched forward passes per second (batch 256, forwardBatch) and Jacobian + singular values per
 *    second (jacobian + linalg().singularValues) at N = 100 and 400, with the ratio to NumPy doing
 *    the same arithmetic (bench/numpy_reference.py) in the same run;
 *  - a full multistart fixed-point search (findFixedPoints, N = 100, L = 10, 256 starts) with the
 *    ml-matrix backend vs each faster backend (speed-up = time(ml-matrix) / time(backend)).
 * Issue 6 target: the fixed-point search >= 10x faster than with ml-matrix.
 * Sizes: JESD_BENCH_NETWORK_SIZES (default 100,400).
 */
import { findFixedPoints } from '../src/fixedpoints/search.ts';
import { availableBackends, linalg, setBackend } from '../src/linalg/index.ts';
import { forwardBatch, jacobian, sampleNetwork } from '../src/network/network.ts';
import type { NetworkSpec } from '../src/spec/networkSpec.ts';
import { stream } from '../src/random/rng.ts';
import { numpyReference } from './numpyRef.ts';
import { bestMs, type BestOfOptions } from './timing.ts';

const L = 10;
const BATCH = 256;
const sizes = (process.env.JESD_BENCH_NETWORK_SIZES ?? '100,400').split(',').map(Number);

function spec(N: number): NetworkSpec {
  return { N, L, activation: 'sigmoid', weights: { name: 'gaussian', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'natural', seed: 1 };
}

/** Best of a warm-up and up to 10 repetitions within ~1.5 s (warm-up included). */
const TIMING: BestOfOptions = { maxReps: 10, budgetMs: 1500 };

const np = numpyReference(['--sizes', '', '--network-sizes', sizes.join(','), '--depth', String(L), '--batch', String(BATCH)]);
const backends = availableBackends();
console.log(`\n== network throughput, L = ${L}, sigmoid, Gaussian weights (natural scaling), batch ${BATCH}; ${typeof np === 'string' ? `no NumPy ratios: ${np}` : `NumPy ${np.numpy}`}`);
console.log('   x NumPy = NumPy throughput / backend throughput (1 = NumPy speed; higher = slower)\n');

const rows: Record<string, string | number>[] = [];
for (const N of sizes) {
  const net = sampleNetwork(spec(N));
  const r = stream(99, N);
  const X = { rows: BATCH, cols: N, data: new Float64Array(BATCH * N).map(() => r.uniform()) };
  const x = new Float64Array(N).map(() => r.uniform());
  for (const be of backends) {
    setBackend(be);
    const fwdMs = bestMs(() => void forwardBatch(net, X), TIMING);
    const jsMs = bestMs(() => void linalg().singularValues(jacobian(net, x)), TIMING);
    const ref = typeof np === 'string' ? undefined : np.network[String(N)];
    rows.push({
      N,
      backend: be.name,
      'forward passes/s': Math.round((BATCH * 1000) / fwdMs),
      'fwd x NumPy': ref ? +(ref.forwardPassesPerSecond / ((BATCH * 1000) / fwdMs)).toFixed(2) : '',
      'Jacobian+SVD /s': +(1000 / jsMs).toFixed(2),
      'J+SVD x NumPy': ref ? +(ref.jacobianSvdPerSecond / (1000 / jsMs)).toFixed(2) : '',
    });
  }
  if (typeof np !== 'string' && np.network[String(N)]) {
    const ref = np.network[String(N)]!;
    rows.push({ N, backend: 'NumPy', 'forward passes/s': Math.round(ref.forwardPassesPerSecond), 'fwd x NumPy': 1, 'Jacobian+SVD /s': +ref.jacobianSvdPerSecond.toFixed(2), 'J+SVD x NumPy': 1 });
  }
}
console.table(rows);

// Full fixed-point search: N = 100, L = 10, 256 starts, every backend (ml-matrix is the reference).
const fpNet = sampleNetwork(spec(100));
const fpRows: Record<string, string | number>[] = [];
let mlMs = NaN;
for (const be of [...backends].reverse()) {
  setBackend(be);
  // Best of 3 runs for every backend (the machine is shared; one run can be 2x off).
  let ms = Infinity;
  let res = findFixedPoints(fpNet, { starts: 256 });
  for (let rep = 0; rep < 3; rep++) {
    const t0 = performance.now();
    res = findFixedPoints(fpNet, { starts: 256 });
    ms = Math.min(ms, performance.now() - t0);
  }
  if (be.name === 'ml-matrix') mlMs = ms;
  fpRows.push({ backend: be.name, 'search ms': Math.round(ms), Q: res.Q, 'fixed points': res.fixedPoints.length, 'speed-up vs ml-matrix': Number.isFinite(mlMs) ? +(mlMs / ms).toFixed(2) : '' });
}
console.log('\n== full fixed-point search, N = 100, L = 10, 256 starts (findFixedPoints; best of 3 after a warm-up run)\n');
console.table(fpRows);
const fastest = fpRows[fpRows.length - 1]!;
const speedup = Number(fastest['speed-up vs ml-matrix']);
console.log(`target: fixed-point search with ${String(fastest.backend)} >= 10x faster than ml-matrix: ${speedup.toFixed(2)}x, ${speedup >= 10 ? 'met' : 'NOT met'}`);
