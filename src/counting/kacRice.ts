/**
 * Exact finite-N Kac-Rice estimator of E[# fixed points] and E[# stable fixed points] of the
 * project's random networks (theory/06-fixed-points.md section 6.6, (6.9)-(6.15)).
 *
 * In the last layer's pre-activation u = phi^{-1}(x), with the last bias b_L integrated out
 * exactly (area formula), for one network's other parameters theta = (W_1..W_L, b_1..b_{L-1}):
 *   E[# | theta] = int du |det(I - J(u))| p_b(c(u)),  c(u) = u - W_L x_{L-1}(phi(u))      (6.12)
 * and the stable count inserts 1[rho(J(u)) < 1] (6.13). Importance sampling with a proposal
 * q(u | theta, aux) > 0 on all of R^N gives the unbiased per-network estimate
 *   Z = |det(I - J(u))| p_b(c(u)) / q(u),  u ~ q                                        (6.14)
 * averaged over `samplesPerNetwork` draws and over networks 0..K-1 of the spec.
 *
 * Proposals (6.15):
 * - broad: per coordinate a Cauchy law centred at the median of the image points
 *   v_r = W_L x_{L-1}(x_r) over 64 random inputs x_r, with scale twice the median absolute
 *   deviation plus sigma_b;
 * - fixed-points (default): the mixture w_b * broad + w_i * image + w_k * kernels.
 *   image: u = v_r + t for a uniformly chosen image point and t ~ p~ (the last pre-activation at a
 *   random input, with a heavy-tailed bias), density mean_r p~(u - v_r);
 *   kernels: one per solution u_k of c(u) = b' for `auxiliaryBiases` auxiliary last biases b' drawn
 *   from the bias law (found by newtonAll.ts from `searchStarts` starts); kernel k draws t ~ p~ and
 *   sets u = u_k + A_k^{-1} (t - b'), A_k = Dc(u_k): the linearisation of c at u_k maps the law of
 *   the bias onto the neighbourhood of the fixed point, so the kernel follows the integrand's
 *   shape. Its density is |det A_k| p~(b' + A_k (u - u_k)).
 *   Staircase (theory/06 section 6.10, (6.40)-(6.41)): when some coordinates S of u_k are saturated,
 *   a share rho (`regionShare`, default 0.9) of kernel k's weight draws the active coordinates A
 *   from the kernel's A-block and then u_S = g_S(u_A, (u_k)_S) + t_S, so that the saturated
 *   coordinates follow the image of the region of the first layer that u_A lands in.
 *   p~ is Student t_3 with scale sigma_b for gaussian biases, Cauchy with scale sigma_b otherwise;
 *   w_b = 0.1, w_i = 0.1, w_k = 0.8 (w_i = 0.9 when no kernel was found).
 * Both are unbiased: q depends only on theta and on auxiliary draws independent of u, and q > 0
 * everywhere because of the broad component.
 *
 * Besides the Kish ESS, the result reports the share of networks whose own draws have Kish ESS below
 * 2 (6.42): above 5 % the proposal misses part of the integrand and the output says so.
 *
 * Randomness: the auxiliary biases, search starts and broad-scale inputs of network n come from
 * stream(seed, KAC_RICE, n, tag, ...), its u draws from stream(seed, KAC_RICE, n, SAMPLES); the
 * networks themselves are sampleNetwork(spec, n) (so they are the networks a multistart run with the
 * same spec sees). Nothing depends on the order of networks or the number of workers.
 */
import { meanAndSd } from '../numerics/stats.ts';
import { InvalidSpecError, NonConvergenceError, requireInRange, requireInteger } from '../errors.ts';
import {
  evalC, evalPreact, evalPreactAtInput, fixedPointJacobian, jacobianSpectrumSummary, preactDerivative, preactStarts,
  requireInvertibleActivation, solvePreactEquation, type PreactEval,
} from '../fixedpoints/newtonAll.ts';
import { linalg } from '../linalg/index.ts';
import { sampleLaw } from '../laws/weightLaws.ts';
import { randomInput, sampleNetwork, type Network } from '../network/network.ts';
import { validateSpec, type LawSpec, type NetworkSpec } from '../spec/networkSpec.ts';
import { STREAM, stream, type Rng } from '../random/rng.ts';
import { biasLogDensity, studentLogDensity } from './biasDensity.ts';

/** Below this Kish effective sample size an estimate carries a warning instead of a confident number. */
export const KISH_ESS_MIN = 100;

/**
 * Weight concentration (6.42): a network is concentrated when the Kish ESS of its own draws is below
 * CONCENTRATED_ESS (one draw carries most of its estimate). Above CONCENTRATED_SHARE_MAX of the networks
 * (counted only with at least CONCENTRATED_MIN_DRAWS draws per network) the estimate carries a warning.
 */
export const CONCENTRATED_ESS = 2;
export const CONCENTRATED_SHARE_MAX = 0.05;
export const CONCENTRATED_MIN_DRAWS = 16;

export const PROPOSALS = ['fixed-points', 'broad'] as const;
export type Proposal = (typeof PROPOSALS)[number];

/** Sub-stream tags under stream(seed, KAC_RICE, n, tag, ...). */
const TAG = { SAMPLES: 1, AUX_BIAS: 2, SEARCH: 3, SCALE: 4 } as const;

export interface KacRiceOptions {
  /** Total number of u draws (default 20000); networks = ceil(samples / samplesPerNetwork). */
  samples?: number;
  /** u draws per network (default 64). */
  samplesPerNetwork?: number;
  proposal?: Proposal;
  /** Root seed of the estimator's own draws (default spec.seed). */
  seed?: number;
  /** Auxiliary last biases per network for the fixed-points proposal (default 4N, clamped to [8, 64]). */
  auxiliaryBiases?: number;
  /** Newton starts per auxiliary bias (default 4: at N = 10, L = 2, raw Cauchy, one start per bias misses unstable branches that coexist with another fixed point, and E[# all] comes out low by 0.1, docs/counting.md). */
  searchStarts?: number;
  /** Weight of the broad component in the fixed-points mixture (default 0.1). */
  defensiveWeight?: number;
  /** Weight of the image component in the fixed-points mixture (default 0.1). */
  imageWeight?: number;
  /** Share rho of each kernel's weight given to its staircase component (6.41) (default 0.9; 0 turns it off). */
  regionShare?: number;
  /** Called after each network with (networks done, networks in all). */
  onProgress?: (done: number, total: number) => void;
}

interface Resolved {
  samples: number; samplesPerNetwork: number; proposal: Proposal; seed: number; auxiliaryBiases: number;
  searchStarts: number; defensiveWeight: number; imageWeight: number; regionShare: number;
}

function resolve(spec: NetworkSpec, o: KacRiceOptions): Resolved {
  const proposal = o.proposal ?? 'fixed-points';
  if (!(PROPOSALS as readonly string[]).includes(proposal)) throw new InvalidSpecError('proposal', `must be one of ${PROPOSALS.join('|')}, got ${JSON.stringify(proposal)}`);
  const r = {
    samples: requireInteger('samples', o.samples ?? 20_000, 2, 1e9),
    samplesPerNetwork: requireInteger('samplesPerNetwork', o.samplesPerNetwork ?? 64, 1, 1e9),
    proposal,
    seed: requireInteger('seed', o.seed ?? spec.seed, 0),
    auxiliaryBiases: requireInteger('auxiliaryBiases', o.auxiliaryBiases ?? Math.min(64, Math.max(8, 4 * spec.N)), 1, 1000),
    searchStarts: requireInteger('searchStarts', o.searchStarts ?? 4, 1, 1e6),
    defensiveWeight: requireInRange('defensiveWeight', o.defensiveWeight ?? 0.1, 0, 1, true, false),
    imageWeight: requireInRange('imageWeight', o.imageWeight ?? 0.1, 0, 1, false, false),
    regionShare: requireInRange('regionShare', o.regionShare ?? 0.9, 0, 1, false, false),
  };
  if (r.defensiveWeight + r.imageWeight > 1) throw new InvalidSpecError('imageWeight', `defensiveWeight + imageWeight must be <= 1, got ${r.defensiveWeight + r.imageWeight}`);
  return r;
}

/** One kernel of the fixed-points proposal (6.15). */
interface Kernel {
  centre: Float64Array;
  bAux: Float64Array;
  /** A = Dc(u_k), row-major. */
  A: Float64Array;
  Ainv: Float64Array;
  logAbsDetA: number;
  /** Its staircase component (6.41), or null when no coordinate is saturated (then (6.41) is the kernel itself) or A_AA is singular. */
  stair: StaircaseKernel | null;
}

/** One staircase component (6.41): image g(u_k) of kernel k's region and its saturated coordinates. */
interface StaircaseKernel {
  g0: Float64Array;
  /** The kernel's fixed point u_k: the saturated coordinates are held there when g_S is evaluated. */
  ref: Float64Array;
  /** 1 for saturated coordinates (S), 0 for active ones (A). */
  saturated: Uint8Array;
  count: number;
  /** Active coordinates and the b' entries there. */
  active: number[];
  bA: Float64Array;
  /** A_AA = Dc(u_k) restricted to the active rows and columns, row-major, its inverse and log|det|. */
  AA: Float64Array;
  AAinv: Float64Array;
  logAbsDetAA: number;
}

/** The proposal of one network: mixture weights of the broad, image and kernel families (sum 1). */
interface NetworkProposal {
  m0: Float64Array;
  s0: Float64Array;
  /** Image points v_r = W_L x_{L-1}(x_r) at random inputs x_r. */
  images: Float64Array[];
  kernels: Kernel[];
  net: Network;
  /** Share rho of each kernel's weight that goes to its staircase component (6.41). */
  rho: number;
  wBroad: number;
  wImage: number;
  wKernel: number;
  /** Kernel law p~: Student t with nu degrees of freedom (nu = 1: Cauchy) and scale. */
  nu: number;
  tScale: number;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

/** Image points at IMAGE_INPUTS random inputs and the broad component fitted to them. */
const IMAGE_INPUTS = 64;

function imageAndBroad(net: Network, seed: number, sigmaB: number): { images: Float64Array[]; m0: Float64Array; s0: Float64Array } {
  const N = net.spec.N;
  const images: Float64Array[] = [];
  for (let k = 0; k < IMAGE_INPUTS; k++) images.push(evalPreactAtInput(net, randomInput(net, stream(seed, STREAM.KAC_RICE, net.index, TAG.SCALE, k))));
  const m0 = new Float64Array(N);
  const s0 = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const col = images.map((v) => v[i]!);
    m0[i] = median(col);
    s0[i] = 2 * median(col.map((v) => Math.abs(v - m0[i]!))) + sigmaB;
  }
  return { images, m0, s0 };
}

function invert(A: Float64Array, N: number): Float64Array | null {
  const inv = new Float64Array(N * N);
  const M = { rows: N, cols: N, data: A };
  for (let j = 0; j < N; j++) {
    const e = new Float64Array(N);
    e[j] = 1;
    let col: Float64Array;
    try {
      col = linalg().luSolve(M, e);
    } catch (err) {
      if (err instanceof NonConvergenceError || err instanceof InvalidSpecError) return null;
      throw err;
    }
    for (let i = 0; i < N; i++) inv[i * N + j] = col[i]!;
  }
  return inv.every(Number.isFinite) ? inv : null;
}

/**
 * Saturation (6.40). Coordinate j is saturated at a kernel centre u_k when moving u_j by up to SATURATION_REACH sigma_b
 * changes the first layer's pre-activations (g itself at L = 1) by less than SATURATION_TOL:
 * max_i |W_1[i, j]| * max_{s = +-1} |phi(u_j + s SATURATION_REACH sigma_b) - phi(u_j)| < SATURATION_TOL.
 * A local derivative would not do: on a plateau of the staircase every derivative vanishes, including
 * those of the coordinates that decide which plateau u is on.
 */
const SATURATION_TOL = 0.05;
const SATURATION_REACH = 4;

/**
 * The staircase component of kernel k (6.41): A = its active coordinates, S = its saturated ones (6.40).
 * Draw u_A = (u_k)_A + A_AA^{-1} (t_A - b'_A), then u_S = g_S(u_A, (u_k)_S) + t_S with t ~ p~: the saturated coordinates
 * follow the image of the region that u_A lands in. Its density (6.41) needs one forward pass at
 * (u_A, (u_k)_S), a deterministic function of u, so the mixture density stays exact.
 */
function staircaseKernel(net: Network, e: PreactEval, bAux: Float64Array, sigmaB: number): StaircaseKernel | null {
  const N = e.u.length;
  const { phi } = net.activation;
  const W1 = net.weights[0]!.data;
  const g0 = new Float64Array(N);
  for (let i = 0; i < N; i++) g0[i] = e.u[i]! - bAux[i]!;
  const saturated = new Uint8Array(N);
  const active: number[] = [];
  for (let j = 0; j < N; j++) {
    let w = 0;
    for (let i = 0; i < N; i++) w = Math.max(w, Math.abs(W1[i * N + j]!));
    const p0 = phi(e.u[j]!);
    const move = Math.max(Math.abs(phi(e.u[j]! + SATURATION_REACH * sigmaB) - p0), Math.abs(phi(e.u[j]! - SATURATION_REACH * sigmaB) - p0));
    if (w * move < SATURATION_TOL) saturated[j] = 1;
    else active.push(j);
  }
  const nA = active.length;
  const Dc = preactDerivative(e).data;
  const AA = new Float64Array(nA * nA);
  for (let a = 0; a < nA; a++) for (let b = 0; b < nA; b++) AA[a * nA + b] = Dc[active[a]! * N + active[b]!]!;
  let AAinv: Float64Array = new Float64Array(0);
  let logAbsDetAA = 0;
  if (nA > 0) {
    const inv = invert(AA, nA);
    if (inv === null) return null;
    AAinv = inv;
    const lu = linalg().eigenvalues({ rows: nA, cols: nA, data: AA });
    for (let i = 0; i < nA; i++) logAbsDetAA += Math.log(Math.hypot(lu.re[i]!, lu.im[i]!));
    if (!Number.isFinite(logAbsDetAA)) return null;
  }
  return { g0, ref: e.u, saturated, count: N - nA, active, bA: Float64Array.from(active, (i) => bAux[i]!), AA, AAinv, logAbsDetAA };
}

/** g_S at (u_A, ref_S): the image the saturated coordinates of u follow (6.41). */
function staircaseImage(net: Network, k: StaircaseKernel, u: Float64Array): Float64Array {
  const N = u.length;
  const v = new Float64Array(N);
  for (let i = 0; i < N; i++) v[i] = k.saturated[i] ? k.ref[i]! : u[i]!;
  const c = evalC(net, v);
  for (let i = 0; i < N; i++) v[i] = v[i]! - c[i]!;
  return v;
}

function buildProposal(net: Network, bias: LawSpec, o: Resolved): NetworkProposal {
  const N = net.spec.N;
  const { images, m0, s0 } = imageAndBroad(net, o.seed, bias.scale);
  const heavy = bias.name !== 'gaussian' && !(bias.name === 'stable' && bias.alpha === 2);
  const base = { m0, s0, images, nu: heavy ? 1 : 3, tScale: bias.scale };
  if (o.proposal === 'broad') return { ...base, kernels: [], net, rho: 0, wBroad: 1, wImage: 0, wKernel: 0 };
  const kernels: Kernel[] = [];
  for (let m = 0; m < o.auxiliaryBiases; m++) {
    const bAux = sampleLaw(bias, stream(o.seed, STREAM.KAC_RICE, net.index, TAG.AUX_BIAS, m), new Float64Array(N));
    const starts = preactStarts(net, bAux, o.searchStarts, (k) => stream(o.seed, STREAM.KAC_RICE, net.index, TAG.SEARCH, m, k));
    const { solutions } = solvePreactEquation(net, bAux, starts, { tolerance: 1e-8, maxSteps: 40, dedupTolerance: 1e-5 });
    for (const s of solutions) {
      const A = preactDerivative(s.eval).data;
      const { logAbsDet } = jacobianSpectrumSummary(fixedPointJacobian(s.eval));
      if (!Number.isFinite(logAbsDet)) continue;
      const Ainv = invert(A, N);
      if (Ainv === null) continue;
      const st = o.regionShare > 0 ? staircaseKernel(net, s.eval, bAux, bias.scale) : null;
      kernels.push({ centre: s.eval.u, bAux, A, Ainv, logAbsDetA: logAbsDet, stair: st !== null && st.count > 0 ? st : null });
    }
  }
  const wBroad = o.defensiveWeight;
  const wImage = kernels.length === 0 ? 1 - wBroad : o.imageWeight;
  return { ...base, kernels, net, rho: o.regionShare, wBroad, wImage, wKernel: 1 - wBroad - wImage };
}

function logSumExp(a: number[]): number {
  let m = -Infinity;
  for (const v of a) if (v > m) m = v;
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (const v of a) s += Math.exp(v - m);
  return m + Math.log(s);
}

const LOG_PI = Math.log(Math.PI);

/** log q(u) of the mixture (6.15). */
function logProposal(p: NetworkProposal, u: Float64Array): number {
  const N = u.length;
  let lb = 0;
  for (let i = 0; i < N; i++) {
    const z = (u[i]! - p.m0[i]!) / p.s0[i]!;
    lb -= LOG_PI + Math.log(p.s0[i]!) + Math.log1p(z * z);
  }
  const terms = [Math.log(p.wBroad) + lb];
  if (p.wImage > 0) {
    const li = Math.log(p.wImage / p.images.length);
    for (const v of p.images) {
      let s = li;
      for (let i = 0; i < N; i++) s += studentLogDensity(p.nu, p.tScale, u[i]! - v[i]!);
      terms.push(s);
    }
  }
  if (p.wKernel > 0) {
    const lk = Math.log(p.wKernel / p.kernels.length);
    const lLoc = Math.log1p(-p.rho);
    const lSt = Math.log(p.rho);
    for (const k of p.kernels) {
      let s = k.logAbsDetA;
      for (let i = 0; i < N; i++) {
        let t = k.bAux[i]!;
        const o = i * N;
        for (let j = 0; j < N; j++) t += k.A[o + j]! * (u[j]! - k.centre[j]!);
        s += studentLogDensity(p.nu, p.tScale, t);
      }
      terms.push(lk + (k.stair === null ? s : logSumExp([lLoc + s, lSt + logStaircase(p, k.stair, u)])));
    }
  }
  return logSumExp(terms);
}

/** log of (6.41). */
function logStaircase(p: NetworkProposal, k: StaircaseKernel, u: Float64Array): number {
  const N = u.length;
  let s = k.logAbsDetAA;
  const nA = k.active.length;
  for (let a = 0; a < nA; a++) {
    let t = k.bA[a]!;
    for (let b = 0; b < nA; b++) t += k.AA[a * nA + b]! * (u[k.active[b]!]! - k.ref[k.active[b]!]!);
    s += studentLogDensity(p.nu, p.tScale, t);
  }
  const h = staircaseImage(p.net, k, u);
  for (let i = 0; i < N; i++) if (k.saturated[i]) s += studentLogDensity(p.nu, p.tScale, u[i]! - h[i]!);
  return s;
}

function drawTilde(p: NetworkProposal, rng: Rng, N: number): Float64Array {
  return sampleLaw(p.nu === 1 ? { name: 'cauchy', scale: p.tScale } : { name: 'student', alpha: p.nu, scale: p.tScale }, rng, new Float64Array(N));
}

function drawProposal(p: NetworkProposal, rng: Rng): Float64Array {
  const N = p.m0.length;
  const u = new Float64Array(N);
  const r = rng.uniform();
  if (r < p.wBroad) {
    for (let i = 0; i < N; i++) u[i] = p.m0[i]! + p.s0[i]! * Math.tan(Math.PI * (rng.uniformOpen() - 0.5));
    return u;
  }
  if (r < p.wBroad + p.wImage) {
    const v = p.images[rng.int(p.images.length)]!;
    const t = drawTilde(p, rng, N);
    for (let i = 0; i < N; i++) u[i] = v[i]! + t[i]!;
    return u;
  }
  const kernel = p.kernels[rng.int(p.kernels.length)]!;
  if (kernel.stair !== null && rng.uniform() < p.rho) {
    const k = kernel.stair;
    const t = drawTilde(p, rng, N);
    const nA = k.active.length;
    u.set(k.ref);
    for (let a = 0; a < nA; a++) {
      let v = k.ref[k.active[a]!]!;
      for (let b = 0; b < nA; b++) v += k.AAinv[a * nA + b]! * (t[k.active[b]!]! - k.bA[b]!);
      u[k.active[a]!] = v;
    }
    const h = staircaseImage(p.net, k, u);
    for (let i = 0; i < N; i++) if (k.saturated[i]) u[i] = h[i]! + t[i]!;
    return u;
  }
  const k = kernel;
  const t = drawTilde(p, rng, N);
  for (let i = 0; i < N; i++) t[i] = t[i]! - k.bAux[i]!;
  for (let i = 0; i < N; i++) {
    let s = k.centre[i]!;
    const o = i * N;
    for (let j = 0; j < N; j++) s += k.Ainv[o + j]! * t[j]!;
    u[i] = s;
  }
  return u;
}

/** Per-network sums of the weights (6.14): the building block of kacRice and of per-network curves. */
export interface NetworkKacRice {
  index: number;
  samples: number;
  /** Mean of Z (6.14) over this network's draws: an unbiased estimate of E[# fixed points | theta]. */
  all: number;
  /** Same with 1[rho(J) < 1] (6.13). */
  stable: number;
  sumW: number; sumW2: number; sumWs: number; sumWs2: number;
  /** Kernels of the fixed-points proposal (0 for broad). */
  kernels: number;
}

/** Kac-Rice weights for one network (its last bias is ignored: it is integrated out). */
export function kacRiceNetwork(net: Network, opts: KacRiceOptions = {}): NetworkKacRice {
  requireInvertibleActivation(net);
  const bias = net.spec.bias;
  if (bias === null || net.origin !== 'sampled') throw new InvalidSpecError('bias', 'Kac-Rice integrates the last bias out and needs a bias law with a density (gaussian|cauchy|stable), got none');
  const logPb = biasLogDensity(bias);
  const o = resolve(net.spec, opts);
  const prop = buildProposal(net, bias, o);
  const rng = stream(o.seed, STREAM.KAC_RICE, net.index, TAG.SAMPLES);
  const N = net.spec.N;
  let sumW = 0, sumW2 = 0, sumWs = 0, sumWs2 = 0;
  for (let s = 0; s < o.samplesPerNetwork; s++) {
    const u = drawProposal(prop, rng);
    const lq = logProposal(prop, u);
    const e = evalPreact(net, u);
    let lp = 0;
    for (let i = 0; i < N; i++) lp += logPb(e.c[i]!);
    let w = 0;
    let stable = false;
    if (lp - lq > -700) {
      const { spectralRadius, logAbsDet } = jacobianSpectrumSummary(fixedPointJacobian(e));
      w = Math.exp(logAbsDet + lp - lq);
      stable = spectralRadius < 1;
    }
    if (!Number.isFinite(w)) throw new NonConvergenceError(`Kac-Rice weight overflowed (network ${net.index}, draw ${s})`);
    sumW += w;
    sumW2 += w * w;
    if (stable) {
      sumWs += w;
      sumWs2 += w * w;
    }
  }
  return { index: net.index, samples: o.samplesPerNetwork, all: sumW / o.samplesPerNetwork, stable: sumWs / o.samplesPerNetwork, sumW, sumW2, sumWs, sumWs2, kernels: prop.kernels.length };
}

export interface CountEstimate {
  mean: number;
  stderr: number;
}

export interface KacRiceResult {
  method: 'kac-rice';
  all: CountEstimate;
  stable: CountEstimate;
  /** Kish effective sample size (sum w)^2 / sum w^2 of the `all` weights. */
  ess: number;
  /** Same for the stable weights. */
  essStable: number;
  samples: number;
  networks: number;
  samplesPerNetwork: number;
  proposal: Proposal;
  /** Mean number of kernels per network (fixed-points proposal). */
  meanKernels: number;
  essThreshold: number;
  /** Share of networks whose own draws have Kish ESS below CONCENTRATED_ESS (6.42); null with fewer than CONCENTRATED_MIN_DRAWS draws per network. */
  concentratedShare: number | null;
  /** Set when an ESS is below KISH_ESS_MIN or concentratedShare above CONCENTRATED_SHARE_MAX: the numbers are then not reliable. */
  warning?: string;
}

/** Mean and standard error over networks (each network's mean is i.i.d. across networks). */
export function meanStderr(values: number[]): CountEstimate {
  const { mean, sd } = meanAndSd(values);
  return { mean, stderr: sd === null ? Infinity : sd / Math.sqrt(values.length) };
}

/** Kac-Rice estimate of E[# fixed points] and E[# stable fixed points] for a spec (see top). */
export function kacRice(spec: NetworkSpec, opts: KacRiceOptions = {}): KacRiceResult {
  validateSpec(spec);
  if (spec.bias === null) throw new InvalidSpecError('bias', 'Kac-Rice integrates the last bias out and needs a bias law with a density (gaussian|cauchy|stable), got none');
  biasLogDensity(spec.bias);
  const o = resolve(spec, opts);
  const networks = Math.max(2, Math.ceil(o.samples / o.samplesPerNetwork));
  const per: NetworkKacRice[] = [];
  for (let n = 0; n < networks; n++) {
    per.push(kacRiceNetwork(sampleNetwork(spec, n), o));
    opts.onProgress?.(n + 1, networks);
  }
  return summarizeKacRice(per, o.proposal);
}

/** Share of networks with per-network Kish ESS below CONCENTRATED_ESS (6.42). */
export function concentration(per: NetworkKacRice[]): number | null {
  if (per.length === 0 || per.some((r) => r.samples < CONCENTRATED_MIN_DRAWS)) return null;
  const n = per.filter((r) => r.sumW2 > 0 && (r.sumW * r.sumW) / r.sumW2 < CONCENTRATED_ESS).length;
  return n / per.length;
}

/** Combine per-network results (any subset, e.g. from workers) into one estimate. */
export function summarizeKacRice(per: NetworkKacRice[], proposal: Proposal): KacRiceResult {
  const sum = (f: (r: NetworkKacRice) => number) => per.reduce((a, r) => a + f(r), 0);
  const ess = (s: number, s2: number) => (s2 > 0 ? (s * s) / s2 : 0);
  const essAll = ess(sum((r) => r.sumW), sum((r) => r.sumW2));
  const essStable = ess(sum((r) => r.sumWs), sum((r) => r.sumWs2));
  const all = meanStderr(per.map((r) => r.all));
  const stable = meanStderr(per.map((r) => r.stable));
  const samples = sum((r) => r.samples);
  const low: string[] = [];
  if (essAll < KISH_ESS_MIN) low.push(`all ${essAll.toFixed(1)}`);
  if (essStable < KISH_ESS_MIN && stable.mean > 0) low.push(`stable ${essStable.toFixed(1)}`);
  const concentratedShare = concentration(per);
  const warnings: string[] = [];
  if (low.length) warnings.push(`effective sample size below ${KISH_ESS_MIN} (${low.join(', ')} of ${samples} draws): the estimate and its standard error are not reliable`);
  if (concentratedShare !== null && concentratedShare > CONCENTRATED_SHARE_MAX) {
    warnings.push(`in ${(100 * concentratedShare).toFixed(1)} % of the networks one draw carries most of the weight (per-network effective sample size below ${CONCENTRATED_ESS}; at most ${100 * CONCENTRATED_SHARE_MAX} % expected): the proposal misses part of the integrand, the estimate is likely too low and its standard error too small`);
  }
  return {
    method: 'kac-rice',
    all,
    stable,
    ess: essAll,
    essStable,
    samples,
    networks: per.length,
    samplesPerNetwork: per.length ? per[0]!.samples : 0,
    proposal,
    meanKernels: per.length ? sum((r) => r.kernels) / per.length : 0,
    essThreshold: KISH_ESS_MIN,
    concentratedShare,
    ...(warnings.length ? { warning: warnings.join('; ') } : {}),
  };
}
