/**
 * Depth-L heavy-tailed spectrum of J J^T on a log-spaced grid: density, CDF, quantiles, tail
 * exponent, E[ln lambda], fraction of squared singular values above 1 (theory/05-heavy-tailed.md
 * sections 5.6-5.8, equations (5.48)-(5.53)). Routes:
 *  - 'population' (default): cavity / population dynamics with D drawn jointly with its
 *    pre-activation (no freeness assumption), theory (5.40)-(5.48);
 *  - 'decoupled': the same recursion with D independent of the weights of its row and column
 *    (the independence surrogate, theory section 5.7); its distance to 'population' measures the
 *    effect of the D-W dependence that freeness-based formulas drop.
 */
import { InvalidSpecError, NonConvergenceError, requireInteger, requirePositive } from '../errors.ts';
import type { LawReport } from '../freeprob/lawReport.ts';
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { lawQuantile, tabulatedLaw } from '../spectra/tabulatedLaw.ts';
import { buildLayeredPopulation, populationStieltjesPath, type CavityState, type PopulationOptions, type PopulationSpec } from './heavyPopulation.ts';

export type HeavyRoute = 'population' | 'decoupled';

export interface HeavySpectrumOptions extends PopulationOptions {
  /**
   * Population size per layer and replica (default 1500 here, the size at which
   * docs/heavy-tailed-accuracy.md section 2 measures the accuracy; buildLayeredPopulation alone
   * defaults to 3000).
   */
  populationSize?: number;
  route?: HeavyRoute;
  /** Progress: called with (radii solved, replicas x radii) after each radius. */
  onStep?: (done: number, total: number) => void;
  /** Evaluation radii r (z = i r): from, to (> 0); default 10^{-min(290, 8L + 4)} .. 1e6. */
  gridFrom?: number;
  gridTo?: number;
  /** Evaluation points per decade of r (default 2). */
  pointsPerDecade?: number;
  /** Bins per decade of the deconvolved law of ln lambda (default 5). */
  binsPerDecade?: number;
  /** Independent populations averaged at every z (default 3); their spread is the error bar. */
  replicas?: number;
  /** Weight of the curvature penalty of the deconvolution (default 3e-4). */
  smoothing?: number;
  /** Threads for the replicas (native kernel only; default one per replica, up to 4 per core; 1 on one core or in a worker thread); results do not depend on it. */
  threads?: number;
  /** Progress callback: one message when the replicas are done. */
  onProgress?: (message: string) => void;
}

export interface HeavySpectrum {
  /** Bin centres (lambda) of the deconvolved law. */
  grid: Float64Array;
  /** Density per unit lambda at the bin centres. */
  density: Float64Array;
  /** CDF at the upper edge of each bin (including the mass below the grid). */
  cdf: Float64Array;
  quantiles: { '0.1': number; '0.5': number; '0.9': number };
  /** Tail exponent a of 1 - F(x) ~ x^{-a}, from the smoothed tail (5.52). */
  tailExponent: number;
  meanLog: number;
  fractionAboveOne: number;
  /**
   * The inversion-free observables (5.51): at z = i r, S(r) = Re[z G(z)] = E[r^2 / (r^2 + lambda^2)]
   * (a CDF of ln lambda smoothed by a logistic of scale 1/2) and its replica standard error.
   */
  smoothed: { r: Float64Array; cdf: Float64Array; im: Float64Array; standardError: Float64Array };
  diagnostics: {
    converged: boolean;
    /** Largest replica standard error of S(r). */
    maxResidual: number;
    /** Root-mean-square misfit of the deconvolved law to the observables. */
    deconvolutionResidual: number;
    /** Largest |input-side - output-side| estimate of S(r) (5.48b), averaged over replicas. */
    sideBalance: number;
    iterations: number;
    route: HeavyRoute;
    /** Mass of the deconvolved law inside the grid (the rest lies below gridFrom or above gridTo). */
    massOnGrid: number;
    populationSize: number;
    lepageTerms: number;
    replicas: number;
  };
}

/** S(r) = Re[z G(z)] at z = i r as a kernel in t = ln(lambda / r): 1 / (1 + e^{2t}) (5.51). */
const kernelRe = (t: number): number => (t > 0 ? Math.exp(-2 * t) / (1 + Math.exp(-2 * t)) : 1 / (1 + Math.exp(2 * t)));
/** -Im[z G(z)] at z = i r: E[r lambda / (r^2 + lambda^2)] = 1 / (2 cosh t) (5.51). */
const kernelIm = (t: number): number => 1 / (2 * Math.cosh(t));

/** The smoothed observables (5.51) of a sample of squared singular values (Monte Carlo side). */
export function smoothedObservables(lambdas: ArrayLike<number>, r: ArrayLike<number>): { cdf: Float64Array; im: Float64Array } {
  const cdf = new Float64Array(r.length), im = new Float64Array(r.length);
  for (let j = 0; j < r.length; j++) {
    const lr = Math.log(r[j]!);
    let a = 0, b = 0;
    for (let i = 0; i < lambdas.length; i++) {
      const l = lambdas[i]!;
      const t = l > 0 ? Math.log(l) - lr : -Infinity;
      a += t === -Infinity ? 1 : kernelRe(t);
      b += t === -Infinity ? 0 : kernelIm(t);
    }
    cdf[j] = a / lambdas.length; im[j] = b / lambdas.length;
  }
  return { cdf, im };
}

/**
 * Non-negative deconvolution (5.53): masses p_k >= 0 on bins t_k of ln lambda, plus an underflow
 * bin (below the grid: kernel 1, 0) and an overflow bin (above: kernel 0, 0), fitting the smoothed
 * observables with a curvature penalty; exact minimiser by the active-set method of Lawson and
 * Hanson on the normal equations (nnlsNormal). maxIterations caps its outer iterations.
 */
export function deconvolveSmoothed(lnR: ArrayLike<number>, cdf: ArrayLike<number>, im: ArrayLike<number>, weights: ArrayLike<number>, bins: Float64Array, smoothing: number, maxIterations = 20_000): { p: Float64Array; under: number; over: number; residual: number; iterations: number } {
  const m = lnR.length, n = bins.length + 2; // columns: bins..., under, over
  const rows: Float64Array[] = [], rhs: number[] = [];
  for (let j = 0; j < m; j++) {
    const w = weights[j]!;
    const a = new Float64Array(n), b = new Float64Array(n);
    for (let k = 0; k < bins.length; k++) { a[k] = w * kernelRe(bins[k]! - lnR[j]!); b[k] = w * kernelIm(bins[k]! - lnR[j]!); }
    a[n - 2] = w; // underflow: lambda << r
    rows.push(a, b); rhs.push(w * cdf[j]!, w * im[j]!);
  }
  const total = new Float64Array(n).fill(10);
  rows.push(total); rhs.push(10);
  const mu = Math.sqrt(smoothing);
  for (let k = 1; k + 1 < bins.length; k++) {
    const c = new Float64Array(n);
    c[k - 1] = mu; c[k] = -2 * mu; c[k + 1] = mu;
    rows.push(c); rhs.push(0);
  }
  // normal equations once: the gradient of 1/2 |A p - b|^2 is (A^T A) p - A^T b
  const R = rows.length;
  const AtA = new Float64Array(n * n), Atb = new Float64Array(n);
  for (let i = 0; i < R; i++) {
    const r = rows[i]!, bi = rhs[i]!;
    for (let k = 0; k < n; k++) {
      const rk = r[k]!;
      if (rk === 0) continue;
      Atb[k] += rk * bi;
      for (let l = 0; l < n; l++) AtA[k * n + l] += rk * r[l]!;
    }
  }
  const { p, iterations } = nnlsNormal(AtA, Atb, n, maxIterations);
  const res = new Float64Array(R);
  const Ap = (q: Float64Array, out: Float64Array) => { for (let i = 0; i < R; i++) { const r = rows[i]!; let s = 0; for (let k = 0; k < n; k++) s += r[k]! * q[k]!; out[i] = s; } };
  Ap(p, res);
  let ss = 0;
  for (let i = 0; i < 2 * m; i++) ss += (res[i]! - rhs[i]!) ** 2;
  return { p: p.subarray(0, bins.length), under: p[n - 2]!, over: p[n - 1]!, residual: Math.sqrt(ss / (2 * m)), iterations };
}

/**
 * Non-negative least squares min 1/2 p^T M p - q^T p, p >= 0 (M = A^T A, q = A^T b, n x n, M
 * positive definite on the columns used), by the active-set method of Lawson and Hanson (Solving
 * Least Squares Problems, 1974, ch. 23) on the normal equations: add the free variable with the
 * largest gradient w = q - M p, solve the unconstrained problem on the passive set by Cholesky,
 * and step back to the boundary while that solution has non-positive entries. Stops at the KKT
 * point: w_j <= tol on the active set (p_j = 0). Throws NonConvergenceError after maxIterations.
 */
export function nnlsNormal(M: Float64Array, q: Float64Array, n: number, maxIterations: number): { p: Float64Array; iterations: number } {
  const p = new Float64Array(n), z = new Float64Array(n), w = new Float64Array(n);
  const passive = new Uint8Array(n), banned = new Uint8Array(n);
  let qmax = 0;
  for (let k = 0; k < n; k++) qmax = Math.max(qmax, Math.abs(q[k]!));
  const tol = 1e-12 * Math.max(qmax, 1e-300);
  const idx = new Int32Array(n), chol = new Float64Array(n * n), rhs = new Float64Array(n);
  const gradient = () => { for (let k = 0; k < n; k++) { let s = q[k]!; const o = k * n; for (let l = 0; l < n; l++) s -= M[o + l]! * p[l]!; w[k] = s; } };
  // z = argmin on the passive set (zero elsewhere); false when the passive block is not positive definite
  const solvePassive = (): boolean => {
    let m = 0;
    for (let k = 0; k < n; k++) if (passive[k]) idx[m++] = k;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j <= i; j++) {
        let s = M[idx[i]! * n + idx[j]!]!;
        for (let t = 0; t < j; t++) s -= chol[i * n + t]! * chol[j * n + t]!;
        if (i === j) {
          if (!(s > 0)) return false;
          chol[i * n + i] = Math.sqrt(s);
        } else chol[i * n + j] = s / chol[j * n + j]!;
      }
    }
    for (let i = 0; i < m; i++) { let s = q[idx[i]!]!; for (let t = 0; t < i; t++) s -= chol[i * n + t]! * rhs[t]!; rhs[i] = s / chol[i * n + i]!; }
    for (let i = m - 1; i >= 0; i--) { let s = rhs[i]!; for (let t = i + 1; t < m; t++) s -= chol[t * n + i]! * rhs[t]!; rhs[i] = s / chol[i * n + i]!; }
    z.fill(0);
    for (let i = 0; i < m; i++) z[idx[i]!] = rhs[i]!;
    return true;
  };
  let iterations = 0;
  gradient();
  for (;;) {
    let t = -1, best = tol;
    for (let k = 0; k < n; k++) if (!passive[k] && !banned[k] && w[k]! > best) { best = w[k]!; t = k; }
    if (t < 0) break;
    if (++iterations > maxIterations) throw new NonConvergenceError(`deconvolution: active-set NNLS did not converge in ${maxIterations} iterations`, { n });
    passive[t] = 1;
    if (!solvePassive()) { passive[t] = 0; banned[t] = 1; continue; }
    // step back towards p until every passive entry of the solution is positive
    let ok = true;
    for (let inner = 0; inner <= n && ok; inner++) {
      let alpha = Infinity, at = -1;
      for (let k = 0; k < n; k++) {
        if (passive[k] && z[k]! <= 0) {
          const a = p[k]! / (p[k]! - z[k]!);
          if (a < alpha) { alpha = a; at = k; }
        }
      }
      if (at < 0) break;
      for (let k = 0; k < n; k++) {
        if (!passive[k]) continue;
        p[k] = p[k]! + alpha * (z[k]! - p[k]!);
        if (k === at || p[k]! <= 0) { p[k] = 0; passive[k] = 0; }
      }
      ok = solvePassive();
    }
    if (!ok) { for (let k = 0; k < n; k++) passive[k] = p[k]! > 0 ? 1 : 0; if (!solvePassive()) throw new NonConvergenceError('deconvolution: singular passive set in NNLS', { n }); }
    for (let k = 0; k < n; k++) p[k] = passive[k] ? z[k]! : 0;
    // a variable that left again at once (rounding) is not offered until another one enters
    if (passive[t]) banned.fill(0); else banned[t] = 1;
    gradient();
  }
  return { p, iterations };
}

/**
 * Solve the depth-L spectrum (theory/05-heavy-tailed.md (5.48)-(5.53)): population dynamics at
 * z = i r on a log grid of r, averaged over replicas and over the input- and output-side readings
 * of G, then a non-negative deconvolution of the smoothed observables into the law of ln lambda.
 */
export function solveHeavySpectrum(spec: PopulationSpec, opts: HeavySpectrumOptions = {}): HeavySpectrum {
  const route = opts.route ?? 'population';
  if (route !== 'population' && route !== 'decoupled') throw new InvalidSpecError('route', `must be population|decoupled, got ${route}`);
  // Default range: the Monte Carlo spectrum spreads by ~2.5 decades per layer below the median and
  // its 10% quantile reaches ~1e-19 at L = 5 (docs/heavy-tailed-accuracy.md).
  const from = requirePositive('gridFrom', opts.gridFrom ?? Math.pow(10, -Math.min(290, 8 * spec.L + 4)));
  const to = requirePositive('gridTo', opts.gridTo ?? 1e6);
  if (!(to > from * 10)) throw new InvalidSpecError('gridTo', 'must exceed 10 gridFrom');
  const ppd = requirePositive('pointsPerDecade', opts.pointsPerDecade ?? 2);
  const bpd = requirePositive('binsPerDecade', opts.binsPerDecade ?? 5);
  const replicas = requireInteger('replicas', opts.replicas ?? 3, 1, 1000);
  const smoothing = opts.smoothing ?? 3e-4;
  if (!(smoothing >= 0)) throw new InvalidSpecError('smoothing', `must be >= 0, got ${smoothing}`);
  const decades = Math.log10(to / from);
  const m = Math.max(4, Math.round(decades * ppd) + 1);
  const lnR = new Float64Array(m);
  for (let j = 0; j < m; j++) lnR[j] = Math.log(to) - (j * Math.log(to / from)) / (m - 1);
  const sumRe = new Float64Array(m), sumSq = new Float64Array(m), sumIm = new Float64Array(m);
  let sideBalance = 0, iterations = 0, P = 0, K = 0;
  const sweeps = opts.sweeps ?? 40;
  const pops = Array.from({ length: replicas }, (_, rep) => buildLayeredPopulation(spec, { ...opts, populationSize: opts.populationSize ?? 1500, replica: rep, coupling: route === 'population' ? 'joint' : 'decoupled' }));
  P = pops[0]!.P; K = pops[0]!.K;
  // one thread per replica when there is more than one core: 3 replicas on 2 cores then take 1.5
  // replica-times per radius (the scheduler shares the cores) instead of 2 with a 2:1 split. Inside
  // a worker of the Monte Carlo pool (which already runs one task per core) one thread.
  const cores = availableParallelism();
  const threads = requireInteger('threads', opts.threads ?? (cores > 1 && isMainThread ? Math.min(replicas, 4 * cores) : 1), 1, 256);
  let states: (CavityState | undefined)[] = pops.map(() => undefined);
  // from the top of the grid down (warm starts follow the solution continuously), each replica on
  // its own thread (up to `threads`) through a chunk of radii per call: progress after each chunk
  const CHUNK = 8;
  for (let j0 = 0; j0 < m; j0 += CHUNK) {
    const path: { re: number; im: number; sweeps: number }[] = [];
    for (let j = j0; j < Math.min(m, j0 + CHUNK); j++) path.push({ re: 0, im: Math.exp(lnR[j]!), sweeps: j === 0 ? 2 * sweeps : sweeps });
    const res = populationStieltjesPath(pops, path, { ...opts, damping: opts.damping ?? 1, tolerance: opts.tolerance ?? 1e-4 }, states, threads);
    states = res.states;
    res.values.forEach((vals, i) => {
      const j = j0 + i, r = path[i]!.im;
      for (const value of vals) {
        iterations += value.sweeps;
        // z G(z) with z = i r: Re = -r Im G, Im = r Re G; the estimate averages both sides (5.48b)
        const sIn = -r * value.im, sOut = -r * value.outIm;
        const s = 0.5 * (sIn + sOut);
        sideBalance = Math.max(sideBalance, Math.abs(sIn - sOut));
        sumRe[j] += s; sumSq[j] += s * s;
        sumIm[j] += -0.5 * r * (value.re + value.outRe);
      }
    });
    opts.onStep?.(Math.min(m, j0 + CHUNK) * replicas, replicas * m);
  }
  opts.onProgress?.(`population replicas 1-${replicas} done`);
  const cdfS = new Float64Array(m), imS = new Float64Array(m), se = new Float64Array(m), weights = new Float64Array(m);
  let maxResidual = 0;
  for (let j = 0; j < m; j++) {
    cdfS[j] = sumRe[j]! / replicas;
    imS[j] = sumIm[j]! / replicas;
    const v = replicas > 1 ? Math.max(0, (sumSq[j]! / replicas - cdfS[j]! ** 2) * replicas / (replicas - 1)) : 0;
    se[j] = Math.sqrt(v / replicas);
    maxResidual = Math.max(maxResidual, se[j]!);
    // weight: inverse of (replica error + a floor of 0.005), so noisy low-r points count less
    weights[j] = 1 / (se[j]! + 0.005);
  }
  if (![...cdfS, ...imS].every(Number.isFinite)) throw new NonConvergenceError('heavy spectrum: non-finite population observables', { route });
  // bins of ln lambda covering [from, to] with a margin of 2 nats (the kernel width)
  const lo = Math.log(from) - 2, hi = Math.log(to) + 2;
  const nb = Math.max(8, Math.ceil(((hi - lo) / Math.LN10) * bpd));
  const bins = new Float64Array(nb), h = (hi - lo) / (nb - 1);
  for (let k = 0; k < nb; k++) bins[k] = lo + k * h;
  const dec = deconvolveSmoothed(lnR, cdfS, imS, weights, bins, smoothing);
  const totalMass = dec.under + dec.over + dec.p.reduce((a, b) => a + b, 0);
  if (!(totalMass > 0)) throw new NonConvergenceError('heavy spectrum: the deconvolution found no mass', { totalMass });
  const grid = new Float64Array(nb), density = new Float64Array(nb), cdf = new Float64Array(nb);
  let acc = dec.under / totalMass, meanLog = (dec.under / totalMass) * (lo - h), above = dec.over / totalMass;
  for (let k = 0; k < nb; k++) {
    const w = dec.p[k]! / totalMass;
    grid[k] = Math.exp(bins[k]!);
    density[k] = w / (h * grid[k]!);
    acc += w;
    cdf[k] = acc;
    meanLog += w * bins[k]!;
    if (bins[k]! > h / 2) above += w; else if (bins[k]! > -h / 2) above += w * (0.5 + bins[k]! / h);
  }
  meanLog += (dec.over / totalMass) * (hi + h);
  // quantiles: CDF piecewise linear in ln lambda between the bins' edges, 0 at the lower edge of
  // the first bin (mass below the grid is not in cdf), cdf[k] at the upper edge of bin k; a level
  // above the mass on the grid gives the last edge
  const edges = new Float64Array(nb + 1);
  const atEdges = new Float64Array(nb + 1);
  edges[0] = Math.exp(bins[0]! - h / 2);
  for (let k = 0; k < nb; k++) { edges[k + 1] = Math.exp(bins[k]! + h / 2); atEdges[k + 1] = cdf[k]!; }
  const law = tabulatedLaw(edges, atEdges, 'log');
  const q = (p: number) => lawQuantile(law, p) ?? edges[nb]!;
  const tailExponent = smoothedTailExponent(lnR, cdfS);
  const massOnGrid = 1 - (dec.under + dec.over) / totalMass;
  return {
    grid, density, cdf,
    quantiles: { '0.1': q(0.1), '0.5': q(0.5), '0.9': q(0.9) },
    tailExponent, meanLog, fractionAboveOne: above,
    smoothed: { r: lnR.map(Math.exp), cdf: cdfS, im: imS, standardError: se },
    diagnostics: {
      converged: maxResidual < 0.05 && dec.residual < 0.05 && massOnGrid > 0.9,
      maxResidual, deconvolutionResidual: dec.residual, sideBalance, iterations, route, massOnGrid,
      populationSize: P, lepageTerms: K, replicas,
    },
  };
}

/**
 * Tail exponent from the smoothed observable (5.52): 1 - S(r) = E[lambda^2 / (r^2 + lambda^2)]
 * ~ c r^{-a} when 1 - F(x) ~ x^{-a}, a < 2; least-squares slope of ln(1 - S) against ln r over the
 * points with 2e-3 < 1 - S < 0.05 (the Monte Carlo Hill estimator uses the top 2 percent).
 * Infinity when fewer than two points qualify.
 */
export function smoothedTailExponent(lnR: ArrayLike<number>, S: ArrayLike<number>): number {
  const xs: number[] = [], ys: number[] = [];
  for (let j = 0; j < lnR.length; j++) {
    const u = 1 - S[j]!;
    if (u > 2e-3 && u < 0.05) { xs.push(lnR[j]!); ys.push(Math.log(u)); }
  }
  if (xs.length < 2) return Infinity;
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length, my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < xs.length; i++) { sxy += (xs[i]! - mx) * (ys[i]! - my); sxx += (xs[i]! - mx) ** 2; }
  return -sxy / sxx;
}

/** The heavy spectrum as the shared LawReport of `jesd solve` (density at the requested x). */
export function heavyLawReport(spec: PopulationSpec, at: number[], opts: HeavySpectrumOptions = {}): LawReport & { quantiles: HeavySpectrum['quantiles']; tailExponent: number; meanLog: number; fractionAboveOne: number } {
  const s = solveHeavySpectrum(spec, opts);
  const density = at.map((x) => {
    if (!(x > 0)) return 0;
    const lg = Math.log(x), g = s.grid, n = g.length;
    if (x <= g[0]! || x >= g[n - 1]!) return 0;
    let i = 1;
    while (g[i]! < x) i++;
    const t = (lg - Math.log(g[i - 1]!)) / Math.log(g[i]! / g[i - 1]!);
    return s.density[i - 1]! * (1 - t) + s.density[i]! * t;
  });
  return {
    x: at, density, atoms: [], edges: null, moments: [],
    quantiles: s.quantiles, tailExponent: Number.isFinite(s.tailExponent) ? s.tailExponent : -1,
    meanLog: s.meanLog, fractionAboveOne: s.fractionAboveOne,
    diagnostics: { ...s.diagnostics },
  };
}
