/**
 * All fixed points of a sampled network, stable and unstable, by Newton's method in the last
 * layer's pre-activation coordinates u = phi^{-1}(x), from many starts (theory/06-fixed-points.md
 * section 6.6, (6.9)-(6.10) and (6.16)).
 *
 * For an invertible activation (sigmoid, tanh, erf) x is a fixed point of f exactly when x = phi(u)
 * and u solves
 *   c(u) := u - W_L x_{L-1}(phi(u)) = b_L,                                         (6.9)
 * where x_{L-1}(x_0) is the output of the first L - 1 layers (x_0 itself for L = 1). Its derivative
 *   Dc(u) = I - M(u) diag(phi'(u)),   M(u) = W_L J_{L-1}(phi(u)),                   (6.10)
 * and det Dc(u) = det(I - J(x)) with J(x) = diag(phi'(u)) M(u) the Jacobian of f at the fixed point.
 * In u the saturated directions are not compressed (x -> 0 or 1 while u stays finite), so Newton
 * converges where Newton in x stalls, and the de-duplication works in u.
 *
 * Starts (6.16): u_0 = W_L x_{L-1}(x_0) + b_L with x_0 uniform in the activation's image box, i.e.
 * the output pre-activation at a random input; start k of network `index` is drawn from
 * stream(seed, NETWORK, index, NEWTON_START, k). Newton steps solve Dc(u) du = b_L - c(u) and are
 * halved until ||c(u) - b_L||_2 decreases (Armijo). A start converges when
 * ||c(u) - b_L||_inf <= tolerance (1 + ||u||_inf).
 */
import { InvalidSpecError, NonConvergenceError, requireInteger, requirePositive } from '../errors.ts';
import { linalg } from '../linalg/index.ts';
import { randomInput, type Network } from '../network/network.ts';
import { STREAM, stream, type Rng } from '../random/rng.ts';
import { matrix, type Matrix } from '../types.ts';

/** c(u), M(u) = W_L J_{L-1}(phi(u)) and phi'(u) at one point u (6.9)-(6.10). */
export interface PreactEval {
  u: Float64Array;
  /** c(u) = u - W_L x_{L-1}(phi(u)) (no last bias). */
  c: Float64Array;
  /** M(u) = W_L J_{L-1}(phi(u)), N x N. */
  M: Matrix;
  /** phi'(u). */
  d: Float64Array;
}

/** Activations whose inverse maps a fixed point to its last pre-activation (counting in u coordinates). */
export const INVERTIBLE = ['sigmoid', 'tanh', 'erf'] as const;

/** Throws unless the network's activation is one of sigmoid/tanh/erf (strictly increasing, smooth). */
export function requireInvertibleActivation(net: Network): void {
  if (!(INVERTIBLE as readonly string[]).includes(net.activation.name)) {
    throw new InvalidSpecError('activation', `fixed points in pre-activation coordinates need ${INVERTIBLE.join('|')}, got ${net.activation.name}`);
  }
}

/** c(u) of (6.9) alone (no derivative): one forward pass. */
export function evalC(net: Network, u: Float64Array): Float64Array {
  const { phi } = net.activation;
  const x0 = new Float64Array(u.length);
  for (let i = 0; i < u.length; i++) x0[i] = phi(u[i]!);
  const v = evalPreactAtInput(net, x0);
  for (let i = 0; i < u.length; i++) v[i] = u[i]! - v[i]!;
  return v;
}

/** Evaluate (6.9)-(6.10) at u. */
export function evalPreact(net: Network, u: Float64Array): PreactEval {
  const N = net.spec.N;
  const L = net.weights.length;
  const { phi, dphi } = net.activation;
  const la = linalg();
  let cur = new Float64Array(N);
  const d = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    cur[i] = phi(u[i]!);
    d[i] = dphi(u[i]!);
  }
  let Jc: Matrix | null = null; // J_{l}(x_0), null = identity
  for (let l = 0; l < L - 1; l++) {
    const W = net.weights[l]!;
    const h = la.matvec(W, cur);
    const b = net.biases[l]!;
    const Jn: Matrix = Jc === null ? matrix(N, N, Float64Array.from(W.data)) : la.gemm(W, Jc);
    const next = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const hi = h[i]! + b[i]!;
      next[i] = phi(hi);
      const s = dphi(hi);
      const o = i * N;
      for (let j = 0; j < N; j++) Jn.data[o + j] = Jn.data[o + j]! * s;
    }
    Jc = Jn;
    cur = next;
  }
  const WL = net.weights[L - 1]!;
  const v = la.matvec(WL, cur);
  const c = new Float64Array(N);
  for (let i = 0; i < N; i++) c[i] = u[i]! - v[i]!;
  const M: Matrix = Jc === null ? matrix(N, N, Float64Array.from(WL.data)) : la.gemm(WL, Jc);
  return { u, c, M, d };
}

/** Dc(u) = I - M diag(phi'(u)) (6.10). */
export function preactDerivative(e: PreactEval): Matrix {
  const N = e.u.length;
  const A = matrix(N, N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) A.data[i * N + j] = (i === j ? 1 : 0) - e.M.data[i * N + j]! * e.d[j]!;
  }
  return A;
}

/** J = diag(phi'(u)) M(u): the Jacobian of f at x = phi(u) when u is a fixed point (6.10). */
export function fixedPointJacobian(e: PreactEval): Matrix {
  const N = e.u.length;
  const J = matrix(N, N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) J.data[i * N + j] = e.d[i]! * e.M.data[i * N + j]!;
  return J;
}

/** Spectral radius of J and log|det(I - J)| = sum log|1 - mu| over the eigenvalues mu of J (6.11). */
export function jacobianSpectrumSummary(J: Matrix): { spectralRadius: number; logAbsDet: number } {
  const { re, im } = linalg().eigenvalues(J);
  let rho = 0;
  let logAbsDet = 0;
  for (let i = 0; i < re.length; i++) {
    rho = Math.max(rho, Math.hypot(re[i]!, im[i]!));
    logAbsDet += Math.log(Math.hypot(1 - re[i]!, im[i]!));
  }
  return { spectralRadius: rho, logAbsDet };
}

function normInf(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function residualOf(e: PreactEval, b: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = e.c[i]! - b[i]!;
  return out;
}

function norm2(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}

export interface PreactSolveOptions {
  /** Relative residual tolerance: ||c(u) - b||_inf <= tolerance (1 + ||u||_inf) (default 1e-10). */
  tolerance?: number;
  /** Newton steps per start (default 100). */
  maxSteps?: number;
  /** Two solutions with ||u - u'||_inf <= dedupTolerance (1 + ||u||_inf) are one (default 1e-7). */
  dedupTolerance?: number;
}

/** A converged, de-duplicated solution of c(u) = b. */
export interface PreactSolution {
  eval: PreactEval;
  residual: number;
  /** Number of starts that converged to it. */
  hits: number;
}

/** Damped Newton on c(u) = b from one start; null when it does not converge. */
export function newtonPreact(net: Network, b: Float64Array, u0: Float64Array, tol = 1e-10, maxSteps = 100): { eval: PreactEval; residual: number } | null {
  const N = net.spec.N;
  let e = evalPreact(net, Float64Array.from(u0));
  const r = new Float64Array(N);
  residualOf(e, b, r);
  let rn = norm2(r);
  for (let step = 0; step <= maxSteps; step++) {
    if (!Number.isFinite(rn)) return null;
    const res = normInf(r);
    if (res <= tol * (1 + normInf(e.u))) return { eval: e, residual: res };
    if (step === maxSteps) break;
    const rhs = new Float64Array(N);
    for (let i = 0; i < N; i++) rhs[i] = -r[i]!;
    let du: Float64Array;
    try {
      du = linalg().luSolve(preactDerivative(e), rhs);
    } catch (err) {
      if (err instanceof NonConvergenceError || err instanceof InvalidSpecError) return null;
      throw err;
    }
    if (!du.every(Number.isFinite)) return null;
    let t = 1;
    let accepted = false;
    for (let half = 0; half < 40; half++) {
      const un = new Float64Array(N);
      for (let i = 0; i < N; i++) un[i] = e.u[i]! + t * du[i]!;
      const cn = evalC(net, un);
      const rr = new Float64Array(N);
      for (let i = 0; i < N; i++) rr[i] = cn[i]! - b[i]!;
      const nn = norm2(rr);
      if (nn <= (1 - 1e-4 * t) * rn || normInf(rr) <= tol * (1 + normInf(un))) {
        e = evalPreact(net, un);
        r.set(rr);
        rn = nn;
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (!accepted) return null;
  }
  return null;
}

/** Newton from every start; converged solutions de-duplicated in u. */
export function solvePreactEquation(net: Network, b: Float64Array, starts: Float64Array[], opts: PreactSolveOptions = {}): { solutions: PreactSolution[]; converged: number } {
  requireInvertibleActivation(net);
  const tol = requirePositive('tolerance', opts.tolerance ?? 1e-10);
  const maxSteps = requireInteger('maxSteps', opts.maxSteps ?? 100, 1);
  const dedup = requirePositive('dedupTolerance', opts.dedupTolerance ?? 1e-7);
  const solutions: PreactSolution[] = [];
  let converged = 0;
  for (const u0 of starts) {
    const s = newtonPreact(net, b, u0, tol, maxSteps);
    if (s === null) continue;
    converged++;
    const scale = 1 + normInf(s.eval.u);
    const known = solutions.find((p) => {
      let m = 0;
      for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(p.eval.u[i]! - s.eval.u[i]!));
      return m <= dedup * scale;
    });
    if (known) known.hits++;
    else solutions.push({ eval: s.eval, residual: s.residual, hits: 1 });
  }
  return { solutions, converged };
}

/** Starts (6.16): u_0 = W_L x_{L-1}(x_0) + b at x_0 uniform in the image box. */
export function preactStarts(net: Network, b: Float64Array, count: number, rngFor: (k: number) => Rng): Float64Array[] {
  const out: Float64Array[] = [];
  for (let k = 0; k < count; k++) {
    const x0 = randomInput(net, rngFor(k));
    const u0 = new Float64Array(net.spec.N);
    // c(u) = u - W_L x_{L-1}(phi(u)); with phi(u) = x_0 this gives W_L x_{L-1}(x_0) = u - c(u).
    const e = evalPreactAtInput(net, x0);
    for (let i = 0; i < u0.length; i++) u0[i] = e[i]! + b[i]!;
    out.push(u0);
  }
  return out;
}

/** W_L x_{L-1}(x_0): the last layer's pre-activation without its bias, at input x_0. */
export function evalPreactAtInput(net: Network, x0: Float64Array): Float64Array {
  const { phi } = net.activation;
  const la = linalg();
  let cur = x0;
  for (let l = 0; l < net.weights.length - 1; l++) {
    const h = la.matvec(net.weights[l]!, cur);
    const b = net.biases[l]!;
    for (let i = 0; i < h.length; i++) h[i] = phi(h[i]! + b[i]!);
    cur = h;
  }
  return la.matvec(net.weights[net.weights.length - 1]!, cur);
}

export interface AllFixedPoint {
  /** Last-layer pre-activation u = phi^{-1}(x*). */
  u: Float64Array;
  x: Float64Array;
  stable: boolean;
  spectralRadius: number;
  /** log|det(I - J(x*))|. */
  logAbsDet: number;
  /** ||c(u) - b_L||_inf. */
  residual: number;
  /** Share of starts that converged to it. */
  startShare: number;
}

export interface NewtonAllOptions extends PreactSolveOptions {
  /** Number of starts (default 100). */
  starts?: number;
  /** Root seed of the starts (default: the network's spec.seed). */
  seed?: number;
}

export interface NewtonAllResult {
  fixedPoints: AllFixedPoint[];
  /** Number of distinct fixed points (stable and unstable). */
  all: number;
  /** Number of distinct fixed points with rho(J) < 1. */
  stable: number;
  starts: number;
  /** Share of starts whose Newton run converged. */
  convergedShare: number;
}

/** All fixed points of one network by multistart Newton in pre-activation coordinates (see top). */
export function newtonAllFixedPoints(net: Network, opts: NewtonAllOptions = {}): NewtonAllResult {
  requireInvertibleActivation(net);
  const starts = requireInteger('starts', opts.starts ?? 100, 1, 10_000_000);
  const seed = requireInteger('seed', opts.seed ?? net.spec.seed, 0);
  const bL = net.biases[net.weights.length - 1]!;
  const u0 = preactStarts(net, bL, starts, (k) => stream(seed, STREAM.NETWORK, net.index, STREAM.NEWTON_START, k));
  const { solutions, converged } = solvePreactEquation(net, bL, u0, opts);
  const fixedPoints = solutions.map((s) => {
    const { spectralRadius, logAbsDet } = jacobianSpectrumSummary(fixedPointJacobian(s.eval));
    const x = new Float64Array(s.eval.u.length);
    for (let i = 0; i < x.length; i++) x[i] = net.activation.phi(s.eval.u[i]!);
    return { u: s.eval.u, x, stable: spectralRadius < 1, spectralRadius, logAbsDet, residual: s.residual, startShare: s.hits / starts };
  });
  fixedPoints.sort((a, b) => Number(b.stable) - Number(a.stable) || b.startShare - a.startShare);
  return {
    fixedPoints,
    all: fixedPoints.length,
    stable: fixedPoints.filter((f) => f.stable).length,
    starts,
    convergedShare: converged / starts,
  };
}
