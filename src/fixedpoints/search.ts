/**
 * Multistart search for the fixed points x* = f(x*) of a sampled network, with Newton polish,
 * de-duplication, stability, basin shares, periodic attractors and unsettled runs
 * (docs/design.md section 2; theory/02-finite-networks.md section 2.4).
 *
 * Algorithm (theory (2.16)-(2.19)):
 * 1. `starts` points uniform in range^N (range = the activation's image box; sigmoid: unit cube);
 *    start k is drawn from stream(seed, NETWORK, index, START, k).
 * 2. All starts are iterated together (x <- f(x), batched by gemm). After each step the newest
 *    iterate x_t is compared with x_{t-p}, p = 1..maxPeriod; the smallest p with
 *    ||x_t - x_{t-p}||_inf < tolerance is a candidate period.
 * 3. Candidate p = 1: Newton on F(x) = f(x) - x (LU via linalg) from x_t. Accepted when Newton
 *    converges to x* with ||x* - x_t||_inf <= 10 step / (1 - min(rho, 1 - 1e-6)) + 1e-9, step =
 *    ||x_t - x_{t-1}||_inf, rho = spectral radius of Df(x*) (linearised distance to the limit,
 *    theory (2.18)); otherwise the start keeps iterating.
 *    Candidate p >= 2: Newton on f^p(x) - x from x_t. If the polished point has minimal period p
 *    (its orbit points pairwise further apart than dedupTolerance) it is a cycle; if it is a fixed
 *    point of f the run is treated as in the p = 1 case; otherwise the start keeps iterating.
 * 4. Fixed points closer than dedupTolerance (inf-norm) are the same point; so are cycles with a
 *    common orbit point. Stability: rho(Df(x*)) < 1, margin = 1 - rho.
 * 5. Starts that never pass step 3 within maxIterations are "unsettled": never counted as fixed
 *    points. Newton is then tried from (up to `newtonProbes` in all) unsettled end points and from
 *    the centroid of each cycle's orbit; fixed points it finds are listed with basinShare 0
 *    (typically unstable ones; a stable one found this way has no start in its basin but counts in Q).
 * Q = number of distinct stable fixed points listed.
 */
import { InvalidSpecError, NonConvergenceError, requireInteger, requirePositive } from '../errors.ts';
import { linalg } from '../linalg/index.ts';
import { forward, forwardBatch, forwardTrace, jacobian, jvpFromPreacts, randomInput, type Network } from '../network/network.ts';
import { spectralRadius } from '../linalg/arnoldi.ts';
import { STREAM, stream } from '../random/rng.ts';
import { matrix, type Diagnostics, type Matrix } from '../types.ts';

export interface FixedPointOptions {
  /** Number of random starts (default 200). */
  starts?: number;
  /** Maximum iterations of x <- f(x) per start (default 2000). */
  maxIterations?: number;
  /** Settling tolerance on ||x_t - x_{t-p}||_inf (default 1e-9). */
  tolerance?: number;
  /** Two fixed points closer than this (inf-norm) are one (default 1e-6). */
  dedupTolerance?: number;
  /** Longest period of a periodic attractor detected (default 8; 1 disables cycle detection). */
  maxPeriod?: number;
  /** Root seed of the starts (default: the network's spec.seed). */
  seed?: number;
  /** Newton residual tolerance ||f(x) - x||_inf (default 1e-12). */
  newtonTolerance?: number;
  /** Newton tries from unsettled end points, to list unstable fixed points (default 16). */
  newtonProbes?: number;
}

export interface FixedPoint {
  x: Float64Array;
  stable: boolean;
  /** Spectral radius of Df(x*). */
  spectralRadius: number;
  /** Fraction of starts whose iteration converged to this point. */
  basinShare: number;
  /** 1 - spectralRadius (positive: stable). */
  margin: number;
  /** ||f(x*) - x*||_inf after Newton. */
  residual: number;
}

export interface Cycle {
  period: number;
  basinShare: number;
  /** Spectral radius of the monodromy matrix D f^p at an orbit point (< 1: attracting). */
  spectralRadius: number;
  /** One point of the orbit. */
  x: Float64Array;
}

export interface FixedPointDiagnostics extends Diagnostics {
  starts: number;
  maxIterations: number;
  tolerance: number;
  dedupTolerance: number;
  maxPeriod: number;
  newtonTolerance: number;
  /** Mean number of iterations of the settled starts. */
  meanIterationsSettled: number;
  newtonSolves: number;
  /** Starts that settled on fixed points whose polished rho >= 1 (marginal; counted in their basin). */
  marginalStarts: number;
  /** Unsettled starts whose iterates overflowed (unbounded activations only). */
  divergedStarts: number;
}

export interface FixedPointResult {
  /** Number of distinct stable fixed points. */
  Q: number;
  fixedPoints: FixedPoint[];
  cycles: Cycle[];
  unsettledShare: number;
  starts: number;
  diagnostics: FixedPointDiagnostics;
  /** Wall time, kept apart from the results and diagnostics (which are reproducible). */
  timings: { wallMs: number };
}

interface Resolved {
  starts: number;
  maxIterations: number;
  tolerance: number;
  dedupTolerance: number;
  maxPeriod: number;
  seed: number;
  newtonTolerance: number;
  newtonProbes: number;
}

function resolveOptions(net: Network, opts: FixedPointOptions = {}): Resolved {
  return {
    starts: requireInteger('starts', opts.starts ?? 200, 1, 10_000_000),
    maxIterations: requireInteger('maxIterations', opts.maxIterations ?? 2000, 1),
    tolerance: requirePositive('tolerance', opts.tolerance ?? 1e-9),
    dedupTolerance: requirePositive('dedupTolerance', opts.dedupTolerance ?? 1e-6),
    maxPeriod: requireInteger('maxPeriod', opts.maxPeriod ?? 8, 1, 1000),
    seed: requireInteger('seed', opts.seed ?? net.spec.seed, 0),
    newtonTolerance: requirePositive('newtonTolerance', opts.newtonTolerance ?? 1e-12),
    newtonProbes: requireInteger('newtonProbes', opts.newtonProbes ?? 16, 0),
  };
}

function normInfDiff(a: Float64Array, b: Float64Array): number {
  return normInfDiffAt(a, 0, b, 0, a.length);
}

/** max_k |a[i + k] - b[j + k]| over k < n, Infinity if a difference is NaN (two iterates may lie in one ring buffer). */
function normInfDiffAt(a: Float64Array, i: number, b: Float64Array, j: number, n: number): number {
  let m = 0;
  for (let k = 0; k < n; k++) {
    const d = Math.abs(a[i + k]! - b[j + k]!);
    if (d > m || Number.isNaN(d)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Spectral radius of a square matrix (dense eigenvalues via linalg). */
export function spectralRadiusDense(A: Matrix): number {
  const { re, im } = linalg().eigenvalues(A);
  let r = 0;
  for (let i = 0; i < re.length; i++) r = Math.max(r, Math.hypot(re[i]!, im[i]!));
  return r;
}

/** f^p(x) and D f^p(x) = J(x_{p-1}) ... J(x_0) (chain rule, theory (2.17)). */
function iterateWithJacobian(net: Network, x: Float64Array, p: number): { y: Float64Array; D: Matrix; orbit: Float64Array[] } {
  let cur = x;
  let D: Matrix | null = null;
  const orbit: Float64Array[] = [];
  for (let k = 0; k < p; k++) {
    orbit.push(cur);
    const J = jacobian(net, cur);
    D = D === null ? J : linalg().gemm(J, D);
    cur = forward(net, cur);
  }
  return { y: cur, D: D!, orbit };
}

/**
 * Newton on F(x) = f^p(x) - x (theory (2.17)): solve (D f^p(x) - I) dx = -(f^p(x) - x), with
 * step halving when the residual does not decrease. Returns null if it does not reach `tol`.
 */
export function newtonPeriodic(net: Network, x0: Float64Array, p: number, tol: number, maxSteps = 40): { x: Float64Array; residual: number; steps: number } | null {
  const N = net.spec.N;
  let x = Float64Array.from(x0);
  let { y, D } = iterateWithJacobian(net, x, p);
  let res = normInfDiff(y, x);
  for (let step = 0; step < maxSteps; step++) {
    if (res < tol) return { x, residual: res, steps: step };
    const A = matrix(N, N, Float64Array.from(D.data));
    for (let i = 0; i < N; i++) A.data[i * N + i] = A.data[i * N + i]! - 1;
    const rhs = new Float64Array(N);
    for (let i = 0; i < N; i++) rhs[i] = x[i]! - y[i]!;
    let dx: Float64Array;
    try {
      dx = linalg().luSolve(A, rhs);
    } catch (e) {
      if (e instanceof NonConvergenceError) return null;
      throw e;
    }
    let t = 1;
    let accepted = false;
    for (let half = 0; half < 30; half++) {
      const xn = new Float64Array(N);
      for (let i = 0; i < N; i++) xn[i] = x[i]! + t * dx[i]!;
      const yn = p === 1 ? forward(net, xn) : iterateWithJacobian(net, xn, p).y;
      const rn = normInfDiff(yn, xn);
      if (rn < res || rn < tol) {
        x = xn;
        res = rn;
        accepted = true;
        break;
      }
      t /= 2;
    }
    if (!accepted) return res < tol ? { x, residual: res, steps: step } : null;
    ({ y, D } = iterateWithJacobian(net, x, p));
    res = normInfDiff(y, x);
  }
  return res < tol ? { x, residual: res, steps: maxSteps } : null;
}

/** Outcome of one start. */
export type StartOutcome = { kind: 'fixed'; index: number } | { kind: 'cycle'; period: number; cycle: number } | { kind: 'unsettled' };

interface Engine {
  fixedPoints: FixedPoint[];
  /** Per fixed point: number of starts in its basin. */
  fixedCounts: number[];
  cycles: Cycle[];
  cycleCounts: number[];
  newtonSolves: number;
  marginalStarts: number;
}

function findFixed(engine: Engine, x: Float64Array, tol: number): number {
  for (let i = 0; i < engine.fixedPoints.length; i++) if (normInfDiff(engine.fixedPoints[i]!.x, x) < tol) return i;
  return -1;
}

/** Width from which the matrix-free Arnoldi spectral radius beats dense eigenvalues (measured: N = 200, 5 layers: 177 ms vs 261 ms; N = 100: 64 ms vs 27 ms). */
export const ARNOLDI_MIN_WIDTH = 200;

/**
 * Spectral radius of Df(x) = J(x) (theory (2.19)): dense eigenvalues for N < ARNOLDI_MIN_WIDTH,
 * otherwise the matrix-free Arnoldi of src/linalg/arnoldi.ts on J v products (dense fallback if it
 * does not converge).
 */
export function fixedPointSpectralRadius(net: Network, x: Float64Array): number {
  if (net.spec.N >= ARNOLDI_MIN_WIDTH) {
    const { preacts } = forwardTrace(net, x);
    try {
      return spectralRadius((v, out) => out.set(jvpFromPreacts(net, preacts, v)), net.spec.N).value;
    } catch (e) {
      if (!(e instanceof NonConvergenceError)) throw e;
    }
  }
  return spectralRadiusDense(jacobian(net, x));
}

/** Add (or find) a polished fixed point; returns its index. */
function registerFixed(engine: Engine, net: Network, x: Float64Array, residual: number, dedupTol: number): number {
  const k = findFixed(engine, x, dedupTol);
  if (k >= 0) return k;
  const rho = fixedPointSpectralRadius(net, x);
  engine.fixedPoints.push({ x, stable: rho < 1, spectralRadius: rho, basinShare: 0, margin: 1 - rho, residual });
  engine.fixedCounts.push(0);
  return engine.fixedPoints.length - 1;
}

/** Linearised acceptance radius around a fixed point for an iterate with the given step (theory (2.18)). */
function acceptRadius(step: number, rho: number): number {
  return (10 * step) / (1 - Math.min(rho, 1 - 1e-6)) + 1e-9;
}

/**
 * Try to settle an iterate x_t with candidate period p. Returns the outcome or null (keep iterating).
 */
function trySettle(engine: Engine, net: Network, xt: Float64Array, step: number, p: number, o: Resolved): StartOutcome | null {
  if (p === 1) {
    // Shortcut: inside the acceptance ball of a known stable fixed point.
    for (let i = 0; i < engine.fixedPoints.length; i++) {
      const fp = engine.fixedPoints[i]!;
      if (fp.spectralRadius < 1 && normInfDiff(fp.x, xt) <= acceptRadius(step, fp.spectralRadius)) return { kind: 'fixed', index: i };
    }
    return settleFixed(engine, net, xt, step, o);
  }
  engine.newtonSolves++;
  const polished = newtonPeriodic(net, xt, p, o.newtonTolerance * p);
  if (polished === null) return null;
  const orbit: Float64Array[] = [polished.x];
  for (let k = 1; k < p; k++) orbit.push(forward(net, orbit[k - 1]!));
  // Minimal period: f^j(x) != x for 0 < j < p.
  let minimal = true;
  for (let j = 1; j < p; j++) if (normInfDiff(orbit[j]!, orbit[0]!) < o.dedupTolerance) minimal = false;
  if (!minimal) {
    if (normInfDiff(orbit[1 % p]!, orbit[0]!) < o.dedupTolerance || p === 1) return settleFixed(engine, net, xt, step, o);
    return null; // a shorter cycle: the smaller p would have matched; keep iterating
  }
  for (let c = 0; c < engine.cycles.length; c++) {
    const cy = engine.cycles[c]!;
    if (cy.period !== p) continue;
    if (orbit.some((pt) => normInfDiff(pt, cy.x) < o.dedupTolerance)) return { kind: 'cycle', period: p, cycle: c };
  }
  const rho = spectralRadiusDense(iterateWithJacobian(net, polished.x, p).D);
  engine.cycles.push({ period: p, basinShare: 0, spectralRadius: rho, x: polished.x });
  engine.cycleCounts.push(0);
  return { kind: 'cycle', period: p, cycle: engine.cycles.length - 1 };
}

function settleFixed(engine: Engine, net: Network, xt: Float64Array, step: number, o: Resolved): StartOutcome | null {
  engine.newtonSolves++;
  const polished = newtonPeriodic(net, xt, 1, o.newtonTolerance);
  if (polished === null) return null;
  const k = registerFixed(engine, net, polished.x, polished.residual, o.dedupTolerance);
  const fp = engine.fixedPoints[k]!;
  if (normInfDiff(fp.x, xt) > acceptRadius(step, fp.spectralRadius)) return null;
  return { kind: 'fixed', index: k };
}

function sampleStarts(net: Network, seed: number, count: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let k = 0; k < count; k++) out.push(randomInput(net, stream(seed, STREAM.NETWORK, net.index, STREAM.START, k)));
  return out;
}

/**
 * Iterate the given starts together and classify each (the core of findFixedPoints and of
 * classifyStarts). `engine` carries fixed points and cycles already known.
 */
function runStarts(net: Network, starts: Float64Array[], o: Resolved, engine: Engine): { outcomes: StartOutcome[]; finals: Float64Array[]; iterations: Int32Array; maxIter: number; diverged: Uint8Array } {
  const N = net.spec.N;
  const B = starts.length;
  const P = o.maxPeriod;
  const H = P + 1; // ring of the last P+1 iterates
  const outcomes: StartOutcome[] = new Array(B).fill(null).map(() => ({ kind: 'unsettled' as const }));
  // The rings of all starts in one array (start s, slot j at offset (s H + j) N): the loop below
  // allocates no array per start and step, only the batch it passes to forwardBatch.
  const ring = new Float64Array(B * H * N);
  const at = (s: number, t: number) => (s * H + (t % H)) * N;
  starts.forEach((x, s) => ring.set(x, at(s, 0)));
  const iterations = new Int32Array(B);
  // Step level at which Newton last failed to settle a start (retry only after a 10x smaller step).
  const lastTry = new Float64Array(B).fill(Infinity);
  const diverged = new Uint8Array(B);
  // The starts still iterating, active[0 .. count), compacted in place after each step.
  const active = Int32Array.from(starts, (_, i) => i);
  let count = B;
  // The batch and the layers' outputs reuse three buffers.
  const xBuf = new Float64Array(B * N);
  const work = [new Float64Array(B * N), new Float64Array(B * N)] as const;
  let t = 0;
  while (count > 0 && t < o.maxIterations) {
    t++;
    for (let r = 0; r < count; r++) {
      const from = at(active[r]!, t - 1);
      for (let i = 0; i < N; i++) xBuf[r * N + i] = ring[from + i]!;
    }
    const Y = forwardBatch(net, matrix(count, N, xBuf.subarray(0, count * N)), work).data;
    let still = 0;
    for (let r = 0; r < count; r++) {
      const s = active[r]!;
      const cur = at(s, t);
      let finite = true;
      for (let i = 0; i < N; i++) {
        const v = Y[r * N + i]!;
        ring[cur + i] = v;
        if (!Number.isFinite(v)) finite = false;
      }
      iterations[s] = t;
      if (!finite) {
        diverged[s] = 1; // overflow (unbounded activations): unsettled, no further iterations
        continue;
      }
      let settled: StartOutcome | null = null;
      const step = normInfDiffAt(ring, cur, ring, at(s, t - 1), N);
      for (let p = 1; p <= Math.min(P, t); p++) {
        const d = p === 1 ? step : normInfDiffAt(ring, cur, ring, at(s, t - p), N);
        if (d < o.tolerance) {
          const level = p === 1 ? step : d;
          if (level * 10 <= lastTry[s]! || lastTry[s] === Infinity) {
            settled = trySettle(engine, net, ring.slice(cur, cur + N), step, p, o);
            if (settled === null) lastTry[s] = Math.max(level, 1e-300);
          }
          break;
        }
      }
      if (settled !== null) outcomes[s] = settled;
      else active[still++] = s;
    }
    count = still;
  }
  const finals = starts.map((_, s) => ring.slice(at(s, iterations[s]!), at(s, iterations[s]!) + N));
  return { outcomes, finals, iterations, maxIter: t, diverged };
}

function newEngine(known: FixedPoint[] = []): Engine {
  return { fixedPoints: [...known], fixedCounts: known.map(() => 0), cycles: [], cycleCounts: [], newtonSolves: 0, marginalStarts: 0 };
}

/** Multistart fixed-point search (see the algorithm at the top of this file). */
export function findFixedPoints(net: Network, opts?: FixedPointOptions): FixedPointResult {
  const o = resolveOptions(net, opts);
  const t0 = Date.now();
  const engine = newEngine();
  const starts = sampleStarts(net, o.seed, o.starts);
  const { outcomes, finals, iterations, maxIter, diverged } = runStarts(net, starts, o, engine);
  let unsettled = 0;
  let settledIter = 0;
  let settledCount = 0;
  outcomes.forEach((out, s) => {
    if (out.kind === 'fixed') {
      engine.fixedCounts[out.index]!++;
      if (!engine.fixedPoints[out.index]!.stable) engine.marginalStarts++;
    } else if (out.kind === 'cycle') engine.cycleCounts[out.cycle]!++;
    else unsettled++;
    if (out.kind !== 'unsettled') {
      settledIter += iterations[s]!;
      settledCount++;
    }
  });
  // Newton probes from unsettled end points: lists fixed points (typically unstable) with no basin share.
  let probes = 0;
  for (let s = 0; s < outcomes.length && probes < o.newtonProbes; s++) {
    if (outcomes[s]!.kind !== 'unsettled') continue;
    probes++;
    engine.newtonSolves++;
    // Diverged runs (overflow) start Newton from their start point instead of their end point.
    const polished = newtonPeriodic(net, diverged[s] ? starts[s]! : finals[s]!, 1, o.newtonTolerance);
    if (polished !== null) registerFixed(engine, net, polished.x, polished.residual, o.dedupTolerance);
  }
  // Newton from the centroid of each cycle's orbit: an attracting cycle usually surrounds an unstable
  // fixed point (listed with basinShare 0; it never counts towards Q unless it is stable).
  for (const cy of engine.cycles) {
    if (probes >= o.newtonProbes) break;
    probes++;
    const c = new Float64Array(net.spec.N);
    let pt = cy.x;
    for (let k = 0; k < cy.period; k++) {
      for (let i = 0; i < c.length; i++) c[i]! += pt[i]! / cy.period;
      pt = forward(net, pt);
    }
    engine.newtonSolves++;
    const polished = newtonPeriodic(net, c, 1, o.newtonTolerance);
    if (polished !== null) registerFixed(engine, net, polished.x, polished.residual, o.dedupTolerance);
  }
  const fixedPoints = engine.fixedPoints.map((fp, i) => ({ ...fp, basinShare: engine.fixedCounts[i]! / o.starts }));
  // Stable first, by basin share.
  const order = fixedPoints.map((_, i) => i).sort((a, b) =>
    Number(fixedPoints[b]!.stable) - Number(fixedPoints[a]!.stable) || fixedPoints[b]!.basinShare - fixedPoints[a]!.basinShare);
  const sortedFixed = order.map((i) => fixedPoints[i]!);
  const cycles = engine.cycles.map((c, i) => ({ ...c, basinShare: engine.cycleCounts[i]! / o.starts }));
  const Q = sortedFixed.filter((f) => f.stable).length;
  const residual = sortedFixed.reduce((m, f) => Math.max(m, f.residual), 0);
  return {
    Q,
    fixedPoints: sortedFixed,
    cycles,
    unsettledShare: unsettled / o.starts,
    starts: o.starts,
    diagnostics: {
      iterations: maxIter,
      residual,
      converged: unsettled === 0,
      starts: o.starts,
      maxIterations: o.maxIterations,
      tolerance: o.tolerance,
      dedupTolerance: o.dedupTolerance,
      maxPeriod: o.maxPeriod,
      newtonTolerance: o.newtonTolerance,
      meanIterationsSettled: settledCount > 0 ? settledIter / settledCount : 0,
      newtonSolves: engine.newtonSolves,
      marginalStarts: engine.marginalStarts,
      divergedStarts: diverged.reduce((a, b) => a + b, 0),
    },
    timings: { wallMs: Date.now() - t0 },
  };
}

/**
 * Classify many starts (rows of a B x N matrix) for basin images. Fixed points are matched
 * against `known` first (index into known); points not in `known` get indices >= known.length,
 * listed in the returned `fixedPoints` (known followed by new ones). `finals` are the last iterates,
 * `evaluations` the number of map evaluations f(x) spent by the batched iteration.
 */
export function classifyStarts(net: Network, starts: Matrix, known: FixedPoint[] = [], opts?: FixedPointOptions): { outcomes: StartOutcome[]; fixedPoints: FixedPoint[]; cycles: Cycle[]; finals: Float64Array[]; evaluations: number } {
  if (starts.cols !== net.spec.N) throw new InvalidSpecError('starts', `must have N = ${net.spec.N} columns, got ${starts.cols}`);
  const o = resolveOptions(net, opts);
  const engine = newEngine(known);
  const rows: Float64Array[] = [];
  for (let r = 0; r < starts.rows; r++) rows.push(starts.data.slice(r * starts.cols, (r + 1) * starts.cols));
  const { outcomes, iterations, finals } = runStarts(net, rows, o, engine);
  // Map evaluations of the batched iteration (Newton polish and stability checks not included).
  const evaluations = iterations.reduce((a, b) => a + b, 0);
  return { outcomes, fixedPoints: engine.fixedPoints, cycles: engine.cycles, finals, evaluations };
}

/** Classify one start (see classifyStarts); index >= known.length means a fixed point not in `known`. */
export function classifyStart(net: Network, x0: Float64Array, known: FixedPoint[] = [], opts?: FixedPointOptions): { kind: 'fixed'; index: number } | { kind: 'cycle'; period: number } | { kind: 'unsettled' } {
  const { outcomes } = classifyStarts(net, matrix(1, x0.length, Float64Array.from(x0)), known, opts);
  const out = outcomes[0]!;
  if (out.kind === 'cycle') return { kind: 'cycle', period: out.period };
  return out;
}
