/**
 * Depth-L heavy-tailed spectrum of J J^T on a log-spaced grid: density, CDF, quantiles, tail
 * exponent, E[ln lambda], fraction of squared singular values above 1 (theory/05-heavy-tailed.md
 * sections 5.6-5.8). Routes:
 *  - 'population' (default): cavity / population dynamics with D drawn jointly with its
 *    pre-activation (no freeness assumption), theory (5.40)-(5.48);
 *  - 'decoupled': the same recursion with D independent of the weights of its row and column
 *    (the independence surrogate, theory (5.49)); its distance to 'population' measures the
 *    effect of the D-W dependence that freeness-based formulas drop.
 */
import { InvalidSpecError, NonConvergenceError, requireInteger, requirePositive } from '../errors.ts';
import type { LawReport } from '../freeprob/lawReport.ts';
import { buildLayeredPopulation, populationStieltjes, type CavityState, type PopulationOptions, type PopulationSpec } from './heavyPopulation.ts';

export type HeavyRoute = 'population' | 'decoupled';

export interface HeavySpectrumOptions extends PopulationOptions {
  route?: HeavyRoute;
  /** Log grid: from, to (> 0) and number of points (default 10^{-max(10, 8L)} .. 1e6, >= 3 per decade, >= 97). */
  gridFrom?: number;
  gridTo?: number;
  gridPoints?: number;
  /** Relative broadening: Im z = eta * x (default 0.03). */
  eta?: number;
}

export interface HeavySpectrum {
  grid: Float64Array;
  density: Float64Array;
  cdf: Float64Array;
  quantiles: { '0.1': number; '0.5': number; '0.9': number };
  /** Tail exponent a of the density, rho(x) ~ x^{-1-a}, fitted on the top decade of the grid with mass. */
  tailExponent: number;
  meanLog: number;
  fractionAboveOne: number;
  diagnostics: {
    converged: boolean;
    maxResidual: number;
    iterations: number;
    route: HeavyRoute;
    /** Mass found on the grid before normalisation (1 = nothing escaped the grid). */
    massOnGrid: number;
    populationSize: number;
    lepageTerms: number;
    eta: number;
  };
}

/** Solve the depth-L spectrum (theory/05-heavy-tailed.md (5.48)-(5.50)). */
export function solveHeavySpectrum(spec: PopulationSpec, opts: HeavySpectrumOptions = {}): HeavySpectrum {
  const route = opts.route ?? 'population';
  if (route !== 'population' && route !== 'decoupled') throw new InvalidSpecError('route', `must be population|decoupled, got ${route}`);
  // Default grid: the Monte Carlo spectrum spreads by ~2.5 decades per layer below the median and
  // its 10% quantile reaches ~1e-19 at L = 5 (docs/heavy-tailed-accuracy.md), so the grid starts
  // at 10^{-max(10, 8L)} (floored at 1e-290) with >= 3 points per decade.
  const from = requirePositive('gridFrom', opts.gridFrom ?? Math.pow(10, -Math.min(290, Math.max(10, 8 * spec.L))));
  const to = requirePositive('gridTo', opts.gridTo ?? 1e6);
  if (!(to > from)) throw new InvalidSpecError('gridTo', 'must exceed gridFrom');
  const n = requireInteger('gridPoints', opts.gridPoints ?? Math.max(97, Math.ceil(3 * Math.log10(to / from))), 8, 100_000);
  const eta = requirePositive('eta', opts.eta ?? 0.03);
  const pop = buildLayeredPopulation(spec, { ...opts, coupling: route === 'population' ? 'joint' : 'decoupled' });
  const grid = new Float64Array(n), density = new Float64Array(n);
  const lf = Math.log(from), lt = Math.log(to);
  let state: CavityState | undefined;
  let maxResidual = 0, iterations = 0;
  // sweep from the top of the grid down: warm starts follow the solution continuously
  for (let i = n - 1; i >= 0; i--) {
    const x = Math.exp(lf + ((lt - lf) * i) / (n - 1));
    grid[i] = x;
    const sweeps = state === undefined ? (opts.sweeps ?? 80) * 2 : (opts.sweeps ?? 80);
    const { value, state: st } = populationStieltjes(pop, x, eta * x, { ...opts, sweeps }, state);
    state = st;
    iterations += value.sweeps;
    maxResidual = Math.max(maxResidual, value.relativeSpread);
    // rho(x) = -Im G(x + i eta x) / pi (Stieltjes inversion, DESIGN section 3)
    density[i] = Math.max(0, -value.im / Math.PI);
  }
  // CDF by the trapezoid rule in ln x: dF = rho(x) x d(ln x)
  const cdf = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const dl = Math.log(grid[i]! / grid[i - 1]!);
    cdf[i] = cdf[i - 1]! + 0.5 * dl * (density[i]! * grid[i]! + density[i - 1]! * grid[i - 1]!);
  }
  // Remove the far field of the Lorentzian broadening, eta/(pi x) F(x), which would otherwise
  // fake a tail x^{-1} above the bulk (theory (5.49)); then re-integrate.
  for (let i = 0; i < n; i++) density[i] = Math.max(0, density[i]! - (eta / (Math.PI * grid[i]!)) * (cdf[i]! / Math.max(cdf[n - 1]!, 1e-300)));
  cdf.fill(0);
  for (let i = 1; i < n; i++) {
    const dl = Math.log(grid[i]! / grid[i - 1]!);
    cdf[i] = cdf[i - 1]! + 0.5 * dl * (density[i]! * grid[i]! + density[i - 1]! * grid[i - 1]!);
  }
  const mass = cdf[n - 1]!;
  if (!(mass > 0)) throw new NonConvergenceError('heavy spectrum: no mass found on the grid', { mass });
  for (let i = 0; i < n; i++) { cdf[i] = cdf[i]! / mass; density[i] = density[i]! / mass; }
  const q = (p: number) => quantileFromCdf(grid, cdf, p);
  let meanLog = 0, above = 0;
  for (let i = 1; i < n; i++) {
    const w = cdf[i]! - cdf[i - 1]!;
    const mid = Math.sqrt(grid[i]! * grid[i - 1]!);
    meanLog += w * Math.log(mid);
    if (mid > 1) above += w;
  }
  const tailExponent = fitTailExponent(grid, density, cdf);
  return {
    grid, density, cdf,
    quantiles: { '0.1': q(0.1), '0.5': q(0.5), '0.9': q(0.9) },
    tailExponent, meanLog, fractionAboveOne: above,
    diagnostics: {
      converged: maxResidual < 0.2 && mass > 0.9, maxResidual, iterations, route, massOnGrid: mass,
      populationSize: pop.P, lepageTerms: pop.K, eta,
    },
  };
}

/** Inverse of a piecewise-linear-in-ln-x CDF. */
export function quantileFromCdf(grid: Float64Array, cdf: Float64Array, p: number): number {
  for (let i = 1; i < grid.length; i++) {
    if (cdf[i]! >= p) {
      const a = cdf[i - 1]!, b = cdf[i]!;
      const t = b > a ? (p - a) / (b - a) : 0;
      return Math.exp(Math.log(grid[i - 1]!) + t * Math.log(grid[i]! / grid[i - 1]!));
    }
  }
  return grid[grid.length - 1]!;
}

/**
 * Tail exponent a with 1 - F(x) ~ x^{-a}: least-squares slope of ln(1 - F) against ln x over the
 * points with 1e-3 < 1 - F < 0.05 (theory (5.50)). NaN-free: returns Infinity when the tail is empty.
 */
export function fitTailExponent(grid: Float64Array, _density: Float64Array, cdf: Float64Array): number {
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < grid.length; i++) {
    const s = 1 - cdf[i]!;
    if (s > 1e-3 && s < 0.05) { xs.push(Math.log(grid[i]!)); ys.push(Math.log(s)); }
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
