/**
 * Stability check at a point (issue 2): spectral radius of Df(x) by dense eigenvalues of the formed
 * Jacobian (jacobian + linalg().eigenvalues) vs the matrix-free Arnoldi of src/linalg/arnoldi.ts on
 * Jacobian-vector products, sigmoid, L = 5, Cauchy weights (natural scaling), Gaussian biases.
 * The crossover justifies ARNOLDI_MIN_WIDTH in src/fixedpoints/search.ts.
 * Also: one full findFixedPoints (200 starts) per size. Sizes: JESD_BENCH_FP_SIZES (default 50,100,200,400).
 */
import { ARNOLDI_MIN_WIDTH, findFixedPoints, spectralRadiusDense } from '../src/fixedpoints/search.ts';
import { spectralRadius } from '../src/linalg/arnoldi.ts';
import { linalg } from '../src/linalg/index.ts';
import { forwardTrace, jacobian, jvpFromPreacts, sampleNetwork } from '../src/network/network.ts';

const sizes = (process.env.JESD_BENCH_FP_SIZES ?? '50,100,200,400').split(',').map(Number);

function bestMs(fn: () => void, reps = 3): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

console.log(`backend ${linalg().name}; ARNOLDI_MIN_WIDTH = ${ARNOLDI_MIN_WIDTH}`);
console.log('N     dense ms   arnoldi ms   dense/arnoldi   |rho_d - rho_a|/rho_d   findFixedPoints(200 starts) ms');
for (const N of sizes) {
  const net = sampleNetwork({ N, L: 5, activation: 'sigmoid', weights: { name: 'cauchy', scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'natural', seed: 1 });
  const x = new Float64Array(N).fill(0.5);
  let rd = 0, ra = 0;
  const dense = bestMs(() => { rd = spectralRadiusDense(jacobian(net, x)); });
  const arnoldi = bestMs(() => {
    const { preacts } = forwardTrace(net, x);
    ra = spectralRadius((v, out) => out.set(jvpFromPreacts(net, preacts, v)), N).value;
  });
  const t = performance.now();
  findFixedPoints(net, { starts: 200 });
  const search = performance.now() - t;
  console.log(`${String(N).padEnd(6)}${dense.toFixed(1).padStart(8)}   ${arnoldi.toFixed(1).padStart(10)}   ${(dense / arnoldi).toFixed(2).padStart(13)}   ${(Math.abs(rd - ra) / rd).toExponential(1).padStart(21)}   ${search.toFixed(0).padStart(10)}`);
}
