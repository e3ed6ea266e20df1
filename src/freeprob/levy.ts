/**
 * Levy matrices and Levy-Wishart matrices: limiting spectral densities, theory/05-heavy-tailed.md
 * sections 5.3-5.4.
 *
 * Convention (theory (5.9)): entries X_ij i.i.d. in the domain of attraction of an alpha-stable law,
 * divided by a_N with N P(|X_ij| > a_N t) -> t^{-alpha}. For symmetric alpha-stable entries with
 * E exp(itX) = exp(-|t|^alpha) this is a_N = (C_alpha N)^{1/alpha}, C_alpha = 2 Gamma(alpha)
 * sin(pi alpha/2)/pi (`levyScaling`); for the standard Cauchy a_N = 2N/pi. It is the same
 * constant as src/laws/weightLaws.ts naturalConstant for the 'stable' and 'cauchy' laws.
 *
 * Method: the resolvent diagonal satisfies a scalar fixed-point equation (5.16) for
 * y(z) = E[(i G_ii(z))^{alpha/2}], solved by complex Newton steps along a continuation path
 * z = x + i eta, eta from well above the real axis down to eta = 0 exactly (5.18), and certified
 * by re-evaluating the residual with a twice finer quadrature.
 */
import { InvalidSpecError, NonConvergenceError, requireFinite, requireInRange, requirePositive } from '../errors.ts';
import type { Diagnostics, SolverResult } from '../types.ts';
import type { LawReport } from './lawReport.ts';
import {
  abs as cabs, add as cadd, arg as carg, complex as cx, div as cdiv, mul as cmul, pow as cpow, scale as cscale, sub as csub,
  type Complex,
} from './complex.ts';
import { DEFAULT_STEP, gamma, levyPhiPsi } from './levyCore.ts';

export interface LevySolveOptions {
  /** Newton tolerance on |y - Phi(y)| / max(1, |y|). Default 1e-12. */
  tol?: number;
  /** Certificate tolerance (fine-quadrature residual). Default 1e-8. */
  certifyTol?: number;
  /** Newton iterations per continuation step. Default 60. */
  maxNewton?: number;
}

export interface LevyDiagnostics extends Diagnostics {
  /** Largest certified residual over the grid (fine quadrature). */
  maxResidual: number;
  /** Largest |density(h) - density(h/2)| over the grid (quadrature error estimate). */
  quadratureError: number;
  /** Continuation steps summed over the grid. */
  continuationSteps: number;
}

/** Tail constant of the unit SaS law E exp(itX) = exp(-|t|^alpha): P(|X| > t) ~ C t^{-alpha}, theory (5.9). */
export function stableTailConstant(alpha: number): number {
  requireInRange('alpha', alpha, 0, 2, true, true);
  return (2 * gamma(alpha) * Math.sin((Math.PI * alpha) / 2)) / Math.PI;
}

/**
 * The Levy-matrix normalisation a_N for unit SaS(alpha) entries: N P(|X| > a_N) -> 1, i.e.
 * a_N = (C_alpha N)^{1/alpha}, theory (5.9). alpha = 1 (standard Cauchy): a_N = 2N/pi.
 */
export function levyScaling(alpha: number, N: number): number {
  requirePositive('N', N);
  return Math.pow(stableTailConstant(alpha) * N, 1 / alpha);
}

/**
 * Closed form of the Levy-matrix density at 0, theory (5.20):
 * rho_alpha(0) = Gamma(1 + 2/alpha) (Gamma(1 + alpha/2)/Gamma(1 - alpha/2))^{1/alpha} / pi.
 */
export function levyDensityAtZero(alpha: number): number {
  requireInRange('alpha', alpha, 0, 2, true, true);
  const b = alpha / 2;
  return (gamma(1 + 2 / alpha) * Math.pow(gamma(1 + b) / gamma(1 - b), 1 / alpha)) / Math.PI;
}

/** Sector test: y must satisfy |arg y| < beta pi/2 (y = E[w^beta] with Re w > 0), theory (5.16). */
function inSector(y: Complex, beta: number): boolean {
  return Number.isFinite(y.re) && Number.isFinite(y.im) && cabs(y) > 0 && Math.abs(carg(y)) < (beta * Math.PI) / 2;
}

/**
 * Generic damped complex Newton for y = F(y), F analytic; `evalF` returns F and F'.
 * Returns the iterate, its residual and the iteration count, or null if it failed.
 */
function newtonFixedPoint(
  y0: Complex,
  evalF: (y: Complex) => { F: Complex; dF: Complex },
  beta: number,
  tol: number,
  maxIter: number,
): { y: Complex; residual: number; iterations: number } | null {
  let y = y0;
  let { F, dF } = evalF(y);
  let res = cabs(csub(y, F)) / Math.max(1, cabs(y));
  for (let it = 1; it <= maxIter; it++) {
    if (res < tol) return { y, residual: res, iterations: it - 1 };
    const g = csub(y, F);
    const step = cdiv(g, csub(cx(1), dF));
    let lambda = 1;
    let accepted = false;
    for (let k = 0; k < 30; k++) {
      const yn = csub(y, cscale(step, lambda));
      if (inSector(yn, beta)) {
        const ev = evalF(yn);
        const rn = cabs(csub(yn, ev.F)) / Math.max(1, cabs(yn));
        if (Number.isFinite(rn) && (rn < res || rn < tol)) {
          y = yn; F = ev.F; dF = ev.dF; res = rn; accepted = true;
          break;
        }
      }
      lambda /= 2;
    }
    if (!accepted) {
      // Fall back to a damped fixed-point step y <- (y + F)/2 (a contraction near the solution).
      const yn = cscale(cadd(y, F), 0.5);
      if (!inSector(yn, beta)) return null;
      const ev = evalF(yn);
      y = yn; F = ev.F; dF = ev.dF;
      res = cabs(csub(y, F)) / Math.max(1, cabs(y));
    }
  }
  return res < tol ? { y, residual: res, iterations: maxIter } : null;
}

/** Continuation path in eta for the point x: geometric from eta0 down to ~1e-4, then eta = 0, theory (5.18). */
function etaPath(x: number): number[] {
  const path: number[] = [];
  let eta = 2 + 2 * Math.abs(x);
  while (eta > 1e-4) {
    path.push(eta);
    eta *= 0.35;
  }
  path.push(0);
  return path;
}

/** u = -i z for z = x + i eta. */
const uOf = (x: number, eta: number): Complex => ({ re: eta, im: -x });

interface PointSolution<S> {
  state: S;
  residual: number;
  iterations: number;
  steps: number;
}

/**
 * Continuation in eta for one x of a single-unknown equation y = F(y; u) (5.18): start from the
 * large-|u| asymptotic y ~ start(u), Newton at each eta, finish at eta = 0.
 */
function continueToAxis(
  x: number,
  start: (u: Complex) => Complex,
  evalF: (u: Complex, y: Complex) => { F: Complex; dF: Complex },
  beta: number,
  tol: number,
  maxNewton: number,
): PointSolution<Complex> {
  const path = etaPath(x);
  let y = start(uOf(x, path[0]!));
  let iterations = 0;
  let residual = NaN;
  for (const eta of path) {
    const u = uOf(x, eta);
    const sol = newtonFixedPoint(y, (yy) => evalF(u, yy), beta, tol, maxNewton);
    if (sol === null) {
      throw new NonConvergenceError(`Levy resolvent equation did not converge at x=${x}, eta=${eta}`, {
        x, eta, lastY: [y.re, y.im], iterations,
      });
    }
    y = sol.y;
    iterations += sol.iterations;
    residual = sol.residual;
  }
  return { state: y, residual, iterations, steps: path.length };
}

function validateGrid(field: string, x: number[]): void {
  if (!Array.isArray(x) || x.length === 0) throw new InvalidSpecError(field, 'must be a non-empty list of finite numbers');
  x.forEach((v, i) => requireFinite(`${field}[${i}]`, v));
}

function resolveOpts(opts: LevySolveOptions | undefined): Required<LevySolveOptions> {
  const tol = opts?.tol ?? 1e-12;
  const certifyTol = opts?.certifyTol ?? 1e-8;
  const maxNewton = opts?.maxNewton ?? 60;
  requireInRange('tol', tol, 0, 1e-3, true);
  requireInRange('certifyTol', certifyTol, 0, 1e-2, true);
  requireInRange('maxNewton', maxNewton, 1, 1000);
  return { tol, certifyTol, maxNewton };
}

/** Supported alpha range for the solvers (the quadrature degrades as alpha -> 0 or 2), theory 5.3. */
export const LEVY_ALPHA_RANGE: [number, number] = [0.2, 1.95];

function validateAlpha(alpha: number): void {
  requireInRange('alpha', alpha, LEVY_ALPHA_RANGE[0], LEVY_ALPHA_RANGE[1]);
}

/**
 * Density of the limiting ESD of a Levy matrix A = X / a_N (X symmetric, i.i.d. SaS(alpha) entries,
 * a_N = levyScaling(alpha, N)) at the points x, theory (5.16)-(5.17):
 *   y = Phi(-i x, y),  rho(x) = Re Psi(-i x, y) / pi.
 * The law is symmetric; rho(x) ~ (alpha/2) |x|^{-1-alpha} as |x| -> infinity (5.21).
 */
export function levyMatrixDensity(alpha: number, x: number[], opts?: LevySolveOptions): SolverResult<number[], LevyDiagnostics> {
  validateAlpha(alpha);
  validateGrid('x', x);
  const o = resolveOpts(opts);
  const beta = alpha / 2;
  const evalF = (u: Complex, y: Complex) => {
    const r = levyPhiPsi(beta, u, y);
    return { F: r.phi, dF: r.dphi };
  };
  const density: number[] = [];
  let iterations = 0;
  let maxResidual = 0;
  let quadratureError = 0;
  let steps = 0;
  const cache = new Map<number, number>();
  for (const xi of x) {
    const ax = Math.abs(xi); // rho is even, theory (5.17)
    const hit = cache.get(ax);
    if (hit !== undefined) { density.push(hit); continue; }
    const sol = continueToAxis(ax, (u) => cpow(u, -beta), evalF, beta, o.tol, o.maxNewton);
    const u = uOf(ax, 0);
    const coarse = levyPhiPsi(beta, u, sol.state);
    const fine = levyPhiPsi(beta, u, sol.state, DEFAULT_STEP / 2);
    const certified = cabs(csub(sol.state, fine.phi)) / Math.max(1, cabs(sol.state));
    const rho = fine.psi.re / Math.PI;
    const qerr = Math.abs(coarse.psi.re - fine.psi.re) / Math.PI;
    if (!(certified < o.certifyTol) || !Number.isFinite(rho) || rho < 0) {
      throw new NonConvergenceError(`Levy matrix density not certified at x=${xi} (residual ${certified})`, { x: xi, residual: certified });
    }
    iterations += sol.iterations;
    steps += sol.steps;
    maxResidual = Math.max(maxResidual, certified);
    quadratureError = Math.max(quadratureError, qerr);
    cache.set(ax, rho);
    density.push(rho);
  }
  return {
    value: density,
    diagnostics: { iterations, residual: maxResidual, converged: true, maxResidual, quadratureError, continuationSteps: steps },
  };
}

/** A discrete law (points with non-negative weights summing to 1), e.g. the law of D^2. */
export interface QuadratureMeasure {
  points: Float64Array;
  weights: Float64Array;
}

function validateMeasure(field: string, m: QuadratureMeasure): void {
  if (m.points.length === 0 || m.points.length !== m.weights.length) {
    throw new InvalidSpecError(field, 'needs equally long, non-empty points and weights');
  }
  let total = 0;
  for (let i = 0; i < m.points.length; i++) {
    const p = m.points[i]!;
    const w = m.weights[i]!;
    if (!(Number.isFinite(p) && p >= 0)) throw new InvalidSpecError(`${field}.points[${i}]`, `must be finite and >= 0, got ${p}`);
    if (!(Number.isFinite(w) && w >= 0)) throw new InvalidSpecError(`${field}.weights[${i}]`, `must be finite and >= 0, got ${w}`);
    total += w;
  }
  if (Math.abs(total - 1) > 1e-9) throw new InvalidSpecError(`${field}.weights`, `must sum to 1, got ${total}`);
}

/**
 * Mass of the atom at 0 of the limiting ESD of A A^T, A = D X / a_M (N x M, ratio c = N/M,
 * D^2 ~ `d2Law`), theory (5.27): max(P(D = 0), 1 - 1/c).
 */
export function scaledWishartAtomAtZero(ratio: number, d2Law: QuadratureMeasure): number {
  let p0 = 0;
  for (let k = 0; k < d2Law.points.length; k++) if (d2Law.points[k] === 0) p0 += d2Law.weights[k]!;
  return Math.max(p0, 1 - 1 / ratio);
}

/**
 * Density at lambda > 0 of the limiting ESD of W = A A^T with A = D X / a_M: X is N x M with i.i.d.
 * SaS(alpha) entries, a_M = levyScaling(alpha, M) (normalised by the number of columns), ratio
 * c = N/M, and D = diag(d_i) with d_i^2 i.i.d. ~ `d2Law`, independent of X. Theory (5.24)-(5.26):
 *   m(y) = E[d^alpha Phi(u, d^alpha y)],  y = Phi(u, c m(y)),
 *   rho(lambda) = Re E[Psi(u, d^alpha y)] / (pi sqrt(lambda)),   u = -i sqrt(lambda).
 * The atom at 0 is scaledWishartAtomAtZero. With D = I this is the Levy-Wishart law.
 */
export function levyScaledWishartDensity(
  alpha: number,
  ratio: number,
  d2Law: QuadratureMeasure,
  lambda: number[],
  opts?: LevySolveOptions,
): SolverResult<number[], LevyDiagnostics> {
  validateAlpha(alpha);
  requirePositive('ratio', ratio);
  validateMeasure('d2Law', d2Law);
  validateGrid('x', lambda);
  lambda.forEach((v, i) => {
    if (!(v > 0)) throw new InvalidSpecError(`x[${i}]`, `the Levy-Wishart density is evaluated at x > 0 (there is no density for x < 0 and 0 may carry an atom or a divergence), got ${v}`);
  });
  const o = resolveOpts(opts);
  const beta = alpha / 2;
  // a_k = d_k^alpha = (d_k^2)^{alpha/2}; zero points contribute Phi = u^{-beta}, Psi = 1/u analytically.
  const a: number[] = [];
  const p: number[] = [];
  let pZero = 0;
  for (let k = 0; k < d2Law.points.length; k++) {
    const w = d2Law.weights[k]!;
    if (w === 0) continue;
    const pt = d2Law.points[k]!;
    if (pt === 0) { pZero += w; continue; }
    a.push(Math.pow(pt, beta));
    p.push(w);
  }
  if (a.length === 0) throw new InvalidSpecError('d2Law', 'must put positive mass on D^2 > 0');
  const mixture = (u: Complex, y: Complex, h: number) => {
    let m = cx(0);
    let dm = cx(0);
    let psi = cscale(cdiv(cx(1), u), pZero);
    for (let k = 0; k < a.length; k++) {
      const r = levyPhiPsi(beta, u, cscale(y, a[k]!), h);
      m = cadd(m, cscale(r.phi, p[k]! * a[k]!));
      dm = cadd(dm, cscale(r.dphi, p[k]! * a[k]! * a[k]!));
      psi = cadd(psi, cscale(r.psi, p[k]!));
    }
    return { m, dm, psi };
  };
  const evalF = (u: Complex, y: Complex) => {
    const mx = mixture(u, y, DEFAULT_STEP);
    const outer = levyPhiPsi(beta, u, cscale(mx.m, ratio));
    return { F: outer.phi, dF: cscale(cmul(outer.dphi, mx.dm), ratio) };
  };
  const density: number[] = [];
  let iterations = 0;
  let maxResidual = 0;
  let quadratureError = 0;
  let steps = 0;
  for (const lam of lambda) {
    const s = Math.sqrt(lam);
    const sol = continueToAxis(s, (u) => cpow(u, -beta), evalF, beta, o.tol, o.maxNewton);
    const u = uOf(s, 0);
    const coarse = mixture(u, sol.state, DEFAULT_STEP);
    const fine = mixture(u, sol.state, DEFAULT_STEP / 2);
    const outerFine = levyPhiPsi(beta, u, cscale(fine.m, ratio), DEFAULT_STEP / 2);
    const certified = cabs(csub(sol.state, outerFine.phi)) / Math.max(1, cabs(sol.state));
    const rho = fine.psi.re / (Math.PI * s);
    const qerr = Math.abs(coarse.psi.re - fine.psi.re) / (Math.PI * s);
    if (!(certified < o.certifyTol) || !Number.isFinite(rho) || rho < 0) {
      throw new NonConvergenceError(`scaled Levy-Wishart density not certified at x=${lam} (residual ${certified})`, { x: lam, residual: certified });
    }
    iterations += sol.iterations;
    steps += sol.steps;
    maxResidual = Math.max(maxResidual, certified);
    quadratureError = Math.max(quadratureError, qerr);
    density.push(rho);
  }
  return {
    value: density,
    diagnostics: { iterations, residual: maxResidual, converged: true, maxResidual, quadratureError, continuationSteps: steps },
  };
}

const UNIT_MEASURE: QuadratureMeasure = { points: Float64Array.of(1), weights: Float64Array.of(1) };

/**
 * Density at lambda > 0 of the Levy-Wishart law: the limiting ESD of X X^T / a_M^2, X N x M with
 * i.i.d. SaS(alpha) entries, ratio = N/M, a_M = levyScaling(alpha, M); theory (5.22)-(5.23).
 * Atom at 0 of mass max(0, 1 - 1/ratio). At ratio = 1, rho(lambda) = rho_levy(sqrt(lambda))/sqrt(lambda).
 */
export function levyWishartDensity(alpha: number, ratio: number, x: number[], opts?: LevySolveOptions): SolverResult<number[], LevyDiagnostics> {
  return levyScaledWishartDensity(alpha, ratio, UNIT_MEASURE, x, opts);
}

/**
 * `jesd law --name levy|levy-wishart` (docs/cli.md): density on the grid `at`; edges null
 * (unbounded support), moments [] (they diverge). alpha defaults to 1 (Cauchy), ratio to 1.
 * For levy-wishart, grid points x < 0 have density 0 and x = 0 is rejected (atom or divergence).
 */
export function levyLawReport(kind: 'levy' | 'levy-wishart', opts: { alpha?: number; ratio?: number; at: number[] }): LawReport {
  const alpha = opts.alpha ?? 1;
  validateGrid('at', opts.at);
  if (kind === 'levy') {
    const r = levyMatrixDensity(alpha, opts.at);
    return {
      x: [...opts.at], density: r.value, atoms: [], edges: null, moments: [],
      diagnostics: { converged: true, maxResidual: r.diagnostics.maxResidual, iterations: r.diagnostics.iterations, quadratureError: r.diagnostics.quadratureError, alpha, scaling: 'a_N = (C_alpha N)^{1/alpha}, N P(|X| > a_N) -> 1' },
    };
  }
  if (kind !== 'levy-wishart') throw new InvalidSpecError('--name', `must be levy|levy-wishart, got ${String(kind)}`);
  const ratio = opts.ratio ?? 1;
  requirePositive('ratio', ratio);
  if (opts.at.some((v) => v === 0)) {
    throw new InvalidSpecError('at', 'levy-wishart has no finite density at 0 (atom of mass max(0, 1-1/ratio), and a divergence); use points x != 0');
  }
  const positive = opts.at.filter((v) => v > 0);
  const r = positive.length > 0 ? levyWishartDensity(alpha, ratio, positive) : null;
  let j = 0;
  const density = opts.at.map((v) => (v > 0 ? r!.value[j++]! : 0));
  const atom = Math.max(0, 1 - 1 / ratio);
  return {
    x: [...opts.at], density, atoms: atom > 0 ? [{ at: 0, mass: atom }] : [], edges: null, moments: [],
    diagnostics: { converged: true, maxResidual: r?.diagnostics.maxResidual ?? 0, iterations: r?.diagnostics.iterations ?? 0, quadratureError: r?.diagnostics.quadratureError ?? 0, alpha, ratio, scaling: 'a_M = (C_alpha M)^{1/alpha}, M = N/ratio columns' },
  };
}

/**
 * Coarsen a discrete law to at most `k` points for speed (the cost of levyScaledWishartDensity is
 * linear in the number of points): sort, split into k groups of about equal mass, and represent each
 * group by one point p with p^power equal to the group's mean of p^power. With power = alpha/2 the
 * mean of d^alpha, which enters (5.24) linearly at first order, is preserved exactly (theory 5.4).
 * Points equal to 0 are kept as their own atom (they are treated analytically).
 */
export function coarsenMeasure(m: QuadratureMeasure, k: number, power: number): QuadratureMeasure {
  validateMeasure('measure', m);
  requireInRange('k', k, 1, 1e6);
  requirePositive('power', power);
  const idx = Array.from(m.points, (_, i) => i).filter((i) => m.weights[i]! > 0).sort((a, b) => m.points[a]! - m.points[b]!);
  const pts: number[] = [];
  const wts: number[] = [];
  let zeroMass = 0;
  const positive = idx.filter((i) => (m.points[i] === 0 ? ((zeroMass += m.weights[i]!), false) : true));
  if (zeroMass > 0) { pts.push(0); wts.push(zeroMass); }
  const total = positive.reduce((s, i) => s + m.weights[i]!, 0);
  const groups = Math.max(1, Math.min(Math.floor(k) - (zeroMass > 0 ? 1 : 0), positive.length));
  let acc = 0, gw = 0, gp = 0, g = 0;
  for (const i of positive) {
    const w = m.weights[i]!;
    gw += w;
    gp += w * Math.pow(m.points[i]!, power);
    acc += w;
    if (acc >= (total * (g + 1)) / groups - 1e-15 || i === positive[positive.length - 1]) {
      pts.push(Math.pow(gp / gw, 1 / power));
      wts.push(gw);
      gw = 0; gp = 0; g++;
    }
  }
  const s = wts.reduce((a, b) => a + b, 0);
  return { points: Float64Array.from(pts), weights: Float64Array.from(wts.map((w) => w / s)) };
}
