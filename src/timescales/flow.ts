/**
 * The d -> infinity mean-field gradient flow of a two-layer network on a single-index target with a
 * fast second layer (Berthier, Montanari, Zhou, arXiv 2303.00055; theory/10-timescales.md).
 *
 * State: m particles (a_i, s_i), a_i the second-layer weight and s_i = <u_i, u_*> the overlap of the
 * first-layer weight with the target direction. The flow (10.6)-(10.7) is stiff: the fast block
 * (10.8) relaxes at rates lambda_j / eps (1e5 to 1e7 in the runs of theory/10 section 10.5, up
 * to about 1/eps when the overlaps approach 1), while the early growth runs at rate 1/sqrt(eps). It is integrated by the two-stage Rosenbrock W-method ROS2 (10.10) whose linear solves
 * use the structure of the Jacobian (10.9): a 2x2 block per particle plus a rank-K term, inverted by
 * the Woodbury identity (10.11) at O(m K^2) per step.
 */
import { InvalidSpecError, NonConvergenceError, requireFinite, requireInteger, requirePositive } from '../errors.ts';
import { linalg } from '../linalg/index.ts';
import { normalQuantile } from '../numerics/stats.ts';
import { matrix } from '../types.ts';

export const INITS = ['quantiles', 'uniform'] as const;
export type InitName = (typeof INITS)[number];

export interface FlowSpec {
  /** Normalised Hermite coefficients sigma_0..sigma_{K-1} of the activation (10.3). */
  sigma: number[];
  /** Normalised Hermite coefficients phi_0..phi_{K-1} of the target (10.3). */
  phi: number[];
  /** Number of particles m. */
  particles: number;
  /** a_i(0): `quantiles` Phi^{-1}((i - 1/2)/m) (a deterministic N(0,1) sample), `uniform` -1 + 2(i - 1/2)/m. */
  init: InitName;
}

export interface FlowOptions {
  eps: number;
  /** End time (default 1). */
  tEnd?: number;
  /** First output time of the logarithmic sample grid (default 1e-8 or tEnd/1e4 if smaller). */
  tMin?: number;
  /** Output samples per decade of t (default 20). */
  samplesPerDecade?: number;
  /** Further output times in (0, tEnd] (merged into the grid; the integrator steps onto each). */
  extraSampleTimes?: readonly number[];
  /** Relative local error tolerance of the step control (default 1e-5). */
  rtol?: number;
  /** Absolute local error tolerance (default 1e-12). */
  atol?: number;
  /** Step limit (default 200000); reaching it is a NonConvergenceError. */
  maxSteps?: number;
  /** Called with the fraction of log10(t) covered, in [0, 1]. */
  onProgress?: (fraction: number) => void;
}

export interface FlowSample {
  t: number;
  /** R(t) = 1/2 sum_k r_k^2 (10.5). */
  R: number;
  /** Residuals r_k(t) = phi_k - sigma_k M_k (10.5). */
  r: number[];
  /** Nonzero eigenvalues of the fast Jacobian -G(s)/eps, i.e. -lambda_j/eps for the eigenvalues lambda_j of H (10.8), most negative first. */
  fastEigenvalues: number[];
  /** Number of fast modes with lambda_j/eps > 1/t: slaved to the slow variables at time t (10.8). */
  slavedModes: number;
}

export interface LearningTime {
  degree: number;
  /** First time with |r_l| < |phi_l|/2 (10.12); null if not reached by tEnd. */
  t: number | null;
}

export interface Plateau {
  /** The degree learnt at the start of the plateau and the one learnt at its end. */
  afterDegree: number;
  beforeDegree: number;
  from: number;
  to: number;
  /** R at the geometric mean sqrt(from * to). */
  height: number;
  /** 1/2 sum of phi_k^2 over the degrees not yet learnt (10.13). */
  predicted: number;
}

export interface FlowRun {
  eps: number;
  times: LearningTime[];
  plateaus: Plateau[];
  samples: FlowSample[];
  final: { t: number; R: number; r: number[]; predicted: number };
  diagnostics: { steps: number; rejected: number; rhsEvaluations: number; rtol: number; atol: number; /** Largest increase of R over one accepted step (absolute; 0 up to rounding for a gradient flow). */
    maxRiskIncrease: number };
}

/** Validate a spec; phi_1 sigma_1 = 0 is refused: the overlaps then stay 0 and nothing beyond degree 0 is learnt. */
export function validateFlowSpec(spec: FlowSpec): void {
  const { sigma, phi } = spec;
  if (!Array.isArray(sigma) || sigma.length < 2) throw new InvalidSpecError('sigma', 'needs at least sigma_0, sigma_1');
  if (!Array.isArray(phi) || phi.length !== sigma.length) throw new InvalidSpecError('phi', `needs ${sigma.length} coefficients (as many as sigma), got ${Array.isArray(phi) ? phi.length : 'none'}`);
  sigma.forEach((v, k) => requireFinite(`sigma_${k}`, v));
  phi.forEach((v, k) => requireFinite(`phi_${k}`, v));
  requireInteger('particles', spec.particles, 1, 1_000_000);
  if (!(INITS as readonly string[]).includes(spec.init)) throw new InvalidSpecError('init', `must be one of ${INITS.join('|')}, got ${JSON.stringify(spec.init)}`);
  if (phi[1] === 0) {
    throw new InvalidSpecError('phi', 'phi_1 = 0: from s = 0 the overlaps never move (ds/dt = 0, (10.7)), so no degree >= 1 is learnt');
  }
  if (sigma[1] === 0) {
    throw new InvalidSpecError('sigma', 'sigma_1 = 0: from s = 0 the overlaps never move (ds/dt = 0, (10.7)), so no degree >= 1 is learnt');
  }
}

/** a_i(0) of the spec (deterministic). */
export function initialReadout(spec: FlowSpec): Float64Array {
  const m = spec.particles;
  const a = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const p = (i + 0.5) / m;
    a[i] = spec.init === 'quantiles' ? normalQuantile(p) : 2 * p - 1;
  }
  return a;
}

/** Residuals r_k = phi_k - sigma_k M_k with M_k = (1/m) sum_i a_i s_i^k (10.5); y = (a, s). */
export function residuals(spec: FlowSpec, y: Float64Array, out = new Float64Array(spec.sigma.length)): Float64Array {
  const K = spec.sigma.length;
  const m = spec.particles;
  out.fill(0);
  for (let i = 0; i < m; i++) {
    const s = y[m + i]!;
    let p = y[i]!;
    for (let k = 0; k < K; k++) {
      out[k]! += p;
      p *= s;
    }
  }
  for (let k = 0; k < K; k++) out[k] = spec.phi[k]! - (spec.sigma[k]! * out[k]!) / m;
  return out;
}

export function risk(r: ArrayLike<number>): number {
  let R = 0;
  for (let k = 0; k < r.length; k++) R += r[k]! * r[k]!;
  return 0.5 * R;
}

/**
 * The finite-m risk (10.15) by its double sum over particles, with U(<u_i, u_j>) = U(s_i s_j) off
 * the diagonal and U(1) on it (unit first-layer weights). Differs from R = 1/2 sum r_k^2 by
 * (1/(2 m^2)) sum_i a_i^2 (U(1) - U(s_i^2)), the O(1/m) self-interaction term.
 */
export function finiteWidthRisk(spec: FlowSpec, a: ArrayLike<number>, s: ArrayLike<number>): number {
  const K = spec.sigma.length;
  const m = a.length;
  const poly = (c: (k: number) => number, x: number) => {
    let v = 0, p = 1;
    for (let k = 0; k < K; k++) { v += c(k) * p; p *= x; }
    return v;
  };
  const V = (x: number) => poly((k) => spec.phi[k]! * spec.sigma[k]!, x);
  const U = (x: number) => poly((k) => spec.sigma[k]! * spec.sigma[k]!, x);
  let phi2 = 0;
  for (const p of spec.phi) phi2 += p * p;
  let lin = 0, quad = 0;
  for (let i = 0; i < m; i++) {
    lin += a[i]! * V(s[i]!);
    for (let j = 0; j < m; j++) quad += a[i]! * a[j]! * (i === j ? U(1) : U(s[i]! * s[j]!));
  }
  return 0.5 * phi2 - lin / m + quad / (2 * m * m);
}

/**
 * Right-hand side of (10.6)-(10.7): eps da_i/dt = sum_k sigma_k r_k s_i^k,
 * ds_i/dt = (1 - s_i^2) a_i sum_{k>=1} k sigma_k r_k s_i^{k-1}.
 */
export function flowRhs(spec: FlowSpec, eps: number, y: Float64Array, out: Float64Array, r = new Float64Array(spec.sigma.length)): Float64Array {
  const K = spec.sigma.length;
  const m = spec.particles;
  residuals(spec, y, r);
  const sr = new Float64Array(K);
  for (let k = 0; k < K; k++) sr[k] = spec.sigma[k]! * r[k]!;
  for (let i = 0; i < m; i++) {
    const a = y[i]!;
    const s = y[m + i]!;
    let c = 0, d = 0, p = 1, pPrev = 0;
    for (let k = 0; k < K; k++) {
      c += sr[k]! * p;
      d += k * sr[k]! * pPrev;
      pPrev = p;
      p *= s;
    }
    out[i] = c / eps;
    out[m + i] = (1 - s * s) * a * d;
  }
  return out;
}

/**
 * H_kl = sigma_k sigma_l (1/m) sum_i s_i^{k+l} (10.8): its eigenvalues lambda_j are the nonzero
 * eigenvalues of G(s) = (1/m) P^T Sigma^2 P, so the fast Jacobian -G/eps has eigenvalues -lambda_j/eps.
 */
export function fastMatrix(spec: FlowSpec, y: Float64Array): Float64Array {
  const K = spec.sigma.length;
  const m = spec.particles;
  const mom = new Float64Array(2 * K - 1);
  for (let i = 0; i < m; i++) {
    const s = y[m + i]!;
    let p = 1;
    for (let k = 0; k < 2 * K - 1; k++) { mom[k]! += p; p *= s; }
  }
  const H = new Float64Array(K * K);
  for (let k = 0; k < K; k++) for (let l = 0; l < K; l++) H[k * K + l] = (spec.sigma[k]! * spec.sigma[l]! * mom[k + l]!) / m;
  return H;
}

/** Eigenvalues of the fast Jacobian (10.8), most negative first, by src/linalg symmetricEigenvalues of H. */
export function fastEigenvalues(spec: FlowSpec, eps: number, y: Float64Array): number[] {
  const K = spec.sigma.length;
  const lam = linalg().symmetricEigenvalues(matrix(K, K, fastMatrix(spec, y)));
  const out: number[] = [];
  for (let j = K - 1; j >= 0; j--) out.push(-Math.max(0, lam[j]!) / eps);
  return out;
}

const GAMMA = 1 + Math.SQRT1_2;

/**
 * The linear solves of one ROS2 step: W = I - gamma h J with J = Delta - (1/m) U V^T (10.9), solved
 * by the Woodbury identity (10.11). Returns null when a per-particle 2x2 block of I - gamma h Delta
 * is near singular (the step is too long for the particle's own growth rate; the caller halves it).
 */
class WSolver {
  private readonly m: number;
  private readonly K: number;
  private readonly om = new Float64Array(0);
  private readonly Z: Float64Array; // (I - gamma h Delta)^{-1} U, 2m x K, row-major by (row, k)
  private readonly V: Float64Array; // 2m x K
  private C = new Float64Array(0);
  private coef = 0;

  constructor(spec: FlowSpec) {
    this.m = spec.particles;
    this.K = spec.sigma.length;
    this.om = new Float64Array(4 * this.m);
    this.Z = new Float64Array(2 * this.m * this.K);
    this.V = new Float64Array(2 * this.m * this.K);
  }

  /** Set up W for state y, residuals r, step h; false if a 2x2 block is near singular. */
  prepare(spec: FlowSpec, eps: number, y: Float64Array, r: Float64Array, h: number): boolean {
    const { m, K, om, Z, V } = this;
    const gh = GAMMA * h;
    const sr = spec.sigma.map((v, k) => v * r[k]!);
    const U = new Float64Array(2 * K);
    for (let i = 0; i < m; i++) {
      const a = y[i]!;
      const s = y[m + i]!;
      const g = 1 - s * s;
      // d = (D^T r)_i, e = (D'^T r)_i of (10.9); pw[k] = s^k.
      let d = 0, e = 0, p = 1, p1 = 0, p2 = 0;
      for (let k = 0; k < K; k++) {
        V[i * K + k] = spec.sigma[k]! * p; // B_ki
        V[(m + i) * K + k] = spec.sigma[k]! * k * p1 * a; // D_ki a_i
        U[k] = (spec.sigma[k]! * p) / eps;
        U[K + k] = g * a * spec.sigma[k]! * k * p1;
        d += k * sr[k]! * p1;
        e += k * (k - 1) * sr[k]! * p2;
        p2 = p1;
        p1 = p;
        p *= s;
      }
      const w = -2 * s * a * d + g * a * e;
      // Omega_i = I - gamma h Delta_i, Delta_i = [[0, d/eps], [g d, w]].
      const o11 = 1, o12 = (-gh * d) / eps, o21 = -gh * g * d, o22 = 1 - gh * w;
      const det = o11 * o22 - o12 * o21;
      if (!(det > 0.05 * Math.max(1, Math.abs(o22)))) return false;
      om[4 * i] = o22 / det;
      om[4 * i + 1] = -o12 / det;
      om[4 * i + 2] = -o21 / det;
      om[4 * i + 3] = o11 / det;
      for (let k = 0; k < K; k++) {
        Z[i * K + k] = om[4 * i]! * U[k]! + om[4 * i + 1]! * U[K + k]!;
        Z[(m + i) * K + k] = om[4 * i + 2]! * U[k]! + om[4 * i + 3]! * U[K + k]!;
      }
    }
    // C = I + (gamma h / m) V^T Z (K x K).
    this.coef = gh / m;
    const C = new Float64Array(K * K);
    for (let row = 0; row < 2 * m; row++) {
      for (let k = 0; k < K; k++) {
        const v = V[row * K + k]!;
        if (v === 0) continue;
        for (let l = 0; l < K; l++) C[k * K + l]! += v * Z[row * K + l]!;
      }
    }
    for (let q = 0; q < K * K; q++) C[q] = this.coef * C[q]!;
    for (let k = 0; k < K; k++) C[k * K + k]! += 1;
    this.C = C;
    return true;
  }

  /** x = W^{-1} b in place (10.11). */
  solve(b: Float64Array): void {
    const { m, K, om, Z, V } = this;
    for (let i = 0; i < m; i++) {
      const x0 = b[i]!, x1 = b[m + i]!;
      b[i] = om[4 * i]! * x0 + om[4 * i + 1]! * x1;
      b[m + i] = om[4 * i + 2]! * x0 + om[4 * i + 3]! * x1;
    }
    const v = new Float64Array(K);
    for (let row = 0; row < 2 * m; row++) {
      const x = b[row]!;
      for (let k = 0; k < K; k++) v[k]! += V[row * K + k]! * x;
    }
    const c = linalg().luSolve(matrix(K, K, Float64Array.from(this.C)), v);
    for (let row = 0; row < 2 * m; row++) {
      let z = 0;
      for (let k = 0; k < K; k++) z += Z[row * K + k]! * c[k]!;
      b[row]! -= this.coef * z;
    }
  }
}

function logGrid(lo: number, hi: number, perDecade: number): number[] {
  const n = Math.max(1, Math.ceil(Math.log10(hi / lo) * perDecade - 1e-9));
  const out: number[] = [];
  for (let j = 0; j <= n; j++) out.push(j === n ? hi : lo * Math.pow(hi / lo, j / n));
  return out;
}

/** Degrees whose learning time is tracked: phi_l != 0. */
export function trackedDegrees(spec: FlowSpec): number[] {
  return spec.phi.map((v, k) => (v !== 0 ? k : -1)).filter((k) => k >= 0);
}

/**
 * Integrate (10.6)-(10.7) from a(0) = initialReadout(spec), s(0) = 0 to tEnd by ROS2 (10.10) with
 * error control, and report R(t), r_k(t), the fast eigenvalues at log-spaced samples, the learning
 * times (10.12) and the plateaus (10.13). Self-checks: R is non-increasing along a gradient flow and
 * |s_i| <= 1; a violation beyond the local tolerance is a NonConvergenceError.
 */
export function integrateFlow(spec: FlowSpec, opts: FlowOptions): FlowRun {
  validateFlowSpec(spec);
  const eps = requirePositive('eps', opts.eps);
  const tEnd = requirePositive('tEnd', opts.tEnd ?? 1);
  const tMin = requirePositive('tMin', opts.tMin ?? Math.min(1e-8, tEnd / 1e4));
  if (!(tMin < tEnd)) throw new InvalidSpecError('tMin', `must be < tEnd = ${tEnd}, got ${tMin}`);
  const perDecade = requireInteger('samplesPerDecade', opts.samplesPerDecade ?? 20, 1, 1000);
  const rtol = requirePositive('rtol', opts.rtol ?? 1e-5);
  const atol = requirePositive('atol', opts.atol ?? 1e-12);
  const maxSteps = requireInteger('maxSteps', opts.maxSteps ?? 200_000, 1);
  const K = spec.sigma.length;
  const m = spec.particles;
  const n = 2 * m;

  let y = new Float64Array(n);
  y.set(initialReadout(spec));
  const r = new Float64Array(K);
  const f0 = new Float64Array(n), f1 = new Float64Array(n);
  const k1 = new Float64Array(n), k2 = new Float64Array(n);
  const yMid = new Float64Array(n);
  let yNew = new Float64Array(n);
  const solver = new WSolver(spec);

  const degrees = trackedDegrees(spec);
  const crossing = new Map<number, number | null>(degrees.map((l) => [l, null]));
  const histT: number[] = [0];
  const histR: number[] = [];
  residuals(spec, y, r);
  histR.push(risk(r));
  const samples: FlowSample[] = [];
  const extra = (opts.extraSampleTimes ?? []).map((v) => requirePositive('extraSampleTimes', v));
  if (extra.some((v) => v > tEnd)) throw new InvalidSpecError('extraSampleTimes', `must be <= tEnd = ${tEnd}`);
  const grid = [...new Set([...logGrid(tMin, tEnd, perDecade), ...extra])].sort((p, q) => p - q);
  let next = 0;

  const record = (t: number, rr: Float64Array) => {
    const fe = fastEigenvalues(spec, eps, y);
    samples.push({ t, R: risk(rr), r: Array.from(rr), fastEigenvalues: fe, slavedModes: fe.filter((v) => -v > 1 / t).length });
  };

  let t = 0;
  let h = Math.min(1e-3 * Math.sqrt(eps), tMin) * 1e-3;
  let steps = 0, rejected = 0, evals = 0;
  let maxIncrease = 0;
  const rPrev = Float64Array.from(r);
  const logSpan = Math.log10(tEnd / tMin);
  let lastProgress = -1;

  while (t < tEnd) {
    if (steps + rejected >= maxSteps) {
      throw new NonConvergenceError(`timescales: ${maxSteps} steps did not reach t = ${tEnd} (eps ${eps}, stopped at t = ${t.toExponential(3)})`, { t, steps, rejected });
    }
    const target = grid[next]!;
    const hStep = Math.min(h, target - t);
    flowRhs(spec, eps, y, f0, r);
    evals++;
    if (!solver.prepare(spec, eps, y, r, hStep)) {
      rejected++;
      h = hStep / 4;
      continue;
    }
    // ROS2 (10.10): W k1 = f(y); W k2 = f(y + h k1) - 2 k1; y+ = y + h (3/2 k1 + 1/2 k2).
    k1.set(f0);
    solver.solve(k1);
    for (let q = 0; q < n; q++) yMid[q] = y[q]! + hStep * k1[q]!;
    flowRhs(spec, eps, yMid, f1);
    evals++;
    for (let q = 0; q < n; q++) k2[q] = f1[q]! - 2 * k1[q]!;
    solver.solve(k2);
    let err = 0;
    let finite = true;
    for (let q = 0; q < n; q++) {
      const v = y[q]! + hStep * (1.5 * k1[q]! + 0.5 * k2[q]!);
      yNew[q] = v;
      if (!Number.isFinite(v)) finite = false;
      const e = 0.5 * hStep * (k1[q]! + k2[q]!);
      const sc = atol + rtol * Math.max(Math.abs(y[q]!), Math.abs(v));
      err += (e / sc) * (e / sc);
    }
    err = Math.sqrt(err / n);
    if (!finite || !(err <= 1)) {
      rejected++;
      h = hStep * (finite && Number.isFinite(err) ? Math.max(0.1, 0.9 / Math.sqrt(err)) : 0.25);
      if (h < 1e-300 || h <= t * 1e-15) {
        throw new NonConvergenceError(`timescales: step size underflow at t = ${t.toExponential(3)} (eps ${eps})`, { t, steps, rejected });
      }
      continue;
    }
    // Accept.
    const clamped = hStep === target - t;
    const tNew = clamped ? target : t + hStep;
    [y, yNew] = [yNew, y];
    steps++;
    rPrev.set(r);
    const Rold = risk(r);
    residuals(spec, y, r);
    const Rnew = risk(r);
    maxIncrease = Math.max(maxIncrease, Rnew - Rold);
    if (Rnew > Rold * (1 + 100 * rtol) + 1e3 * atol) {
      throw new NonConvergenceError(`timescales: the risk increased from ${Rold.toExponential(6)} to ${Rnew.toExponential(6)} at t = ${tNew.toExponential(3)} (eps ${eps}); a gradient flow cannot raise it: tighten --rtol`, { t: tNew });
    }
    // (10.7) keeps |s_i| <= 1 (the factor 1 - s_i^2 vanishes at +-1): leaving the interval is a numerical failure.
    for (let i = 0; i < m; i++) {
      if (!(Math.abs(y[m + i]!) <= 1 + 1e3 * rtol)) {
        throw new NonConvergenceError(`timescales: overlap s_${i} = ${y[m + i]} left [-1, 1] at t = ${tNew.toExponential(3)} (eps ${eps}); tighten --rtol`, { t: tNew });
      }
    }
    for (const l of degrees) {
      if (crossing.get(l) !== null) continue;
      const thr = Math.abs(spec.phi[l]!) / 2;
      const v1 = Math.abs(r[l]!);
      if (v1 < thr) {
        const v0 = Math.abs(rPrev[l]!);
        const frac = v0 === v1 ? 1 : (v0 - thr) / (v0 - v1);
        crossing.set(l, t > 0 ? Math.exp(Math.log(t) + frac * (Math.log(tNew) - Math.log(t))) : frac * tNew);
      }
    }
    t = tNew;
    histT.push(t);
    histR.push(Rnew);
    if (t === target) {
      record(t, r);
      next++;
    }
    const hNext = hStep * Math.min(4, 0.9 / Math.sqrt(Math.max(err, 1e-10)));
    h = clamped ? Math.max(h, hNext) : hNext;
    if (opts.onProgress && t >= tMin) {
      const fr = Math.min(1, Math.log10(t / tMin) / logSpan);
      if (fr - lastProgress >= 0.01) { lastProgress = fr; opts.onProgress(fr); }
    }
  }

  const riskAt = (tq: number): number => {
    let lo = 0, hi = histT.length - 1;
    while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (histT[mid]! <= tq) lo = mid; else hi = mid; }
    const t0 = histT[lo]!, t1 = histT[hi]!;
    const w = t1 > t0 ? (tq - t0) / (t1 - t0) : 1;
    return histR[lo]! + w * (histR[hi]! - histR[lo]!);
  };
  const times: LearningTime[] = degrees.map((l) => ({ degree: l, t: crossing.get(l) ?? null }));
  const unlearntAt = (tq: number) => 0.5 * degrees.reduce((acc, l) => {
    const tl = crossing.get(l);
    return acc + (tl === null || tl === undefined || tl > tq ? spec.phi[l]! * spec.phi[l]! : 0);
  }, 0);
  const learnt = times.filter((x): x is { degree: number; t: number } => x.t !== null).sort((p, q) => p.t - q.t);
  const plateaus: Plateau[] = [];
  for (let j = 0; j + 1 < learnt.length; j++) {
    const from = learnt[j]!.t, to = learnt[j + 1]!.t;
    const mid = Math.sqrt(from * to);
    plateaus.push({ afterDegree: learnt[j]!.degree, beforeDegree: learnt[j + 1]!.degree, from, to, height: riskAt(mid), predicted: unlearntAt(mid) });
  }
  return {
    eps,
    times,
    plateaus,
    samples,
    final: { t, R: risk(r), r: Array.from(r), predicted: unlearntAt(t) },
    diagnostics: { steps, rejected, rhsEvaluations: evals, rtol, atol, maxRiskIncrease: maxIncrease },
  };
}

export interface ExponentFit {
  degree: number;
  /** Least-squares slope of log t_l against log eps over every run where degree l was learnt (10.14). */
  exponent: number;
  /** Slope between the two smallest eps. */
  localExponent: number;
  runs: number;
}

/** Fit t_l ~ eps^x (10.14) for each degree learnt in at least two runs with distinct eps. */
export function fitExponents(runs: readonly FlowRun[]): ExponentFit[] {
  const degrees = new Set<number>();
  for (const run of runs) for (const x of run.times) if (x.t !== null) degrees.add(x.degree);
  const out: ExponentFit[] = [];
  for (const l of [...degrees].sort((p, q) => p - q)) {
    const pts = runs
      .map((run) => ({ e: run.eps, t: run.times.find((x) => x.degree === l)?.t ?? null }))
      .filter((p): p is { e: number; t: number } => p.t !== null && p.t > 0)
      .sort((p, q) => p.e - q.e);
    if (pts.length < 2 || pts[0]!.e === pts[pts.length - 1]!.e) continue;
    const xs = pts.map((p) => Math.log(p.e)), ys = pts.map((p) => Math.log(p.t));
    const mx = xs.reduce((s, v) => s + v, 0) / xs.length, my = ys.reduce((s, v) => s + v, 0) / ys.length;
    let sxy = 0, sxx = 0;
    for (let j = 0; j < xs.length; j++) { sxy += (xs[j]! - mx) * (ys[j]! - my); sxx += (xs[j]! - mx) ** 2; }
    const local = xs[1]! !== xs[0]! ? (ys[1]! - ys[0]!) / (xs[1]! - xs[0]!) : sxy / sxx;
    out.push({ degree: l, exponent: sxy / sxx, localExponent: local, runs: pts.length });
  }
  return out;
}
