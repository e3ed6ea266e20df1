/**
 * The free-probability surrogate of the depth-L heavy-tailed spectrum, by Monte Carlo
 * (theory/05-heavy-tailed.md section 5.9).
 *
 * The S-transform product (5.40) assumes that every D_l^2 is free from W_l^T W_l and that every layer
 * is free from the product below it. Conjugating by independent Haar orthogonal matrices makes
 * that exact as N -> infinity: the squared singular values of
 *   J_free = D~_L O_L W_L O'_L D~_{L-1} O_{L-1} W_{L-1} O'_{L-1} ... D~_1 O_1 W_1 O'_1,
 * with W_l the network's weights, D~_l its D_l at a random input with the diagonal randomly permuted
 * (same marginal law, no dependence on the rows of W_l), and O_l, O'_l Haar, have the law (5.40)
 * with the Levy-Wishart factors and the empirical D^2 laws of the network in the limit.
 * This computes the study's presumable equation without an S-transform solver for heavy-tailed
 * measures, at the price of O(L N^3) work per network.
 */
import { QrDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { forwardTrace, randomInput, sampleNetwork } from '../network/network.ts';
import type { NetworkSpec } from '../spec/networkSpec.ts';
import { linalg } from '../linalg/index.ts';
import { stream, STREAM, type Rng } from '../random/rng.ts';
import { matrix, type Matrix } from '../types.ts';

/** Haar orthogonal N x N: Q of the QR factorisation of a Gaussian matrix, columns signed by diag(R) (Mezzadri). */
export function haarOrthogonal(N: number, rng: Rng): Matrix {
  const g = new MlMatrix(N, N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) g.set(i, j, rng.normal());
  const qr = new QrDecomposition(g);
  const Q = qr.orthogonalMatrix, R = qr.upperTriangularMatrix;
  const out = matrix(N, N);
  for (let j = 0; j < N; j++) {
    const s = R.get(j, j) < 0 ? -1 : 1;
    for (let i = 0; i < N; i++) out.data[i * N + j] = s * Q.get(i, j);
  }
  return out;
}

/** Squared singular values of J_free for network `index` of `spec` (see the module comment). */
export function freeSurrogateSquaredSingularValues(spec: NetworkSpec, index: number): Float64Array {
  const net = sampleNetwork(spec, index);
  const N = spec.N;
  const x = randomInput(net, stream(spec.seed, STREAM.RANDOM_POINT, index));
  const { preacts } = forwardTrace(net, x);
  const rng = stream(spec.seed, STREAM.SAMPLE, 0xf4ee, index);
  const la = linalg();
  let J: Matrix | null = null;
  for (let l = 0; l < net.weights.length; l++) {
    // W_l O'_l acting on the product below (or W_l O'_l itself for the first layer)
    let M = la.gemm(net.weights[l]!, haarOrthogonal(N, rng));
    if (J !== null) M = la.gemm(M, J);
    M = la.gemm(haarOrthogonal(N, rng), M);
    // D~_l: the layer's phi'(h) in a random order
    const d = preacts[l]!.map((h) => net.activation.dphi(h));
    for (let i = N - 1; i > 0; i--) { const j = rng.int(i + 1); const t = d[i]!; d[i] = d[j]!; d[j] = t; }
    for (let i = 0; i < N; i++) { const o = i * N; for (let j = 0; j < N; j++) M.data[o + j] = M.data[o + j]! * d[i]!; }
    J = M;
  }
  const s = la.singularValues(J!);
  return s.map((v) => Math.max(v * v, Number.MIN_VALUE));
}
