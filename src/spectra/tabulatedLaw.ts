/**
 * One type for a law of eigenvalues known through its distribution function: a `TabulatedLaw`
 * (F on an ascending grid, linear in x or in ln x between grid points) with its distribution
 * function, quantiles and Kolmogorov distance to a sample; quantiles of a law given by an exact
 * distribution function (bisection); and the Kolmogorov distance of a sample to such a function.
 * The predicted laws of theory (src/jacobian/, src/freeprob/) and the comparisons against Monte
 * Carlo (src/compare/, the reproduction) all go through these.
 */
import { InvalidSpecError } from '../errors.ts';
import type { LawReport } from '../freeprob/lawReport.ts';

export interface TabulatedLaw {
  /** Ascending grid. */
  x: ArrayLike<number>;
  /** Distribution function at the grid points (non-decreasing; may end below 1 when mass escapes the grid). */
  F: ArrayLike<number>;
  /** How F runs between grid points: linear in x, or linear in ln x (x > 0). */
  interpolation: 'linear' | 'log';
}

export function tabulatedLaw(x: ArrayLike<number>, F: ArrayLike<number>, interpolation: TabulatedLaw['interpolation'] = 'linear'): TabulatedLaw {
  if (x.length < 1 || F.length !== x.length) throw new InvalidSpecError('law', `needs a grid with one F value per point, got ${x.length} points and ${F.length} values`);
  if (interpolation === 'log' && !(x[0]! > 0)) throw new InvalidSpecError('law', `log interpolation needs a positive grid, got x[0] = ${x[0]}`);
  return { x, F, interpolation };
}

/**
 * Quantile at level p: the first grid interval whose right end reaches p, inverted by the law's
 * interpolation; the first grid point when F there already reaches p; null when p is above the mass
 * captured on the grid.
 */
export function lawQuantile(law: TabulatedLaw, p: number): number | null {
  const { x, F } = law;
  if (F[0]! >= p) return x[0]!;
  for (let i = 1; i < x.length; i++) {
    if (F[i]! >= p) {
      const f0 = F[i - 1]!, f1 = F[i]!;
      const t = (p - f0) / (f1 - f0);
      return law.interpolation === 'log'
        ? Math.exp(Math.log(x[i - 1]!) + t * Math.log(x[i]! / x[i - 1]!))
        : x[i - 1]! + t * (x[i]! - x[i - 1]!);
    }
  }
  return null;
}

/**
 * Kolmogorov distance between a sample (ascending) and the law, evaluated at the grid points: the
 * law is known there only, so sup_i |F_n(x_i) - F(x_i)|.
 */
export function kolmogorovOnGrid(sortedSample: ArrayLike<number>, law: TabulatedLaw): number {
  let d = 0;
  let k = 0;
  const n = sortedSample.length;
  for (let i = 0; i < law.x.length; i++) {
    while (k < n && sortedSample[k]! <= law.x[i]!) k++;
    d = Math.max(d, Math.abs(k / n - law.F[i]!));
  }
  return d;
}

/**
 * The distribution function of a LawReport on its grid: atoms at or below x plus the trapezoid
 * integral of the density from the first grid point (the density is assumed to carry no mass below
 * it; the captured total mass is returned so a caller can see when that is not so).
 */
export function tabulateLawReport(rep: LawReport): TabulatedLaw & { totalMass: number } {
  const n = rep.x.length;
  if (n < 2 || rep.density.length !== n) throw new InvalidSpecError('law', `needs >= 2 grid points with a density each, got ${n}`);
  const F: number[] = new Array<number>(n).fill(0);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) acc += 0.5 * (rep.density[i]! + rep.density[i - 1]!) * (rep.x[i]! - rep.x[i - 1]!);
    let atoms = 0;
    for (const a of rep.atoms) if (a.at <= rep.x[i]!) atoms += a.mass;
    F[i] = acc + atoms;
  }
  let allAtoms = 0;
  for (const a of rep.atoms) allAtoms += a.mass;
  return { x: [...rep.x], F, interpolation: 'linear', totalMass: acc + allAtoms };
}

/**
 * Quantile at level p of a law given by its exact distribution function `cdf` on [lo, hi]: lo when
 * F(lo) already reaches p, else `iterations` bisection steps (the midpoint of the last bracket).
 */
export function quantileOfCdf(cdf: (x: number) => number, p: number, lo: number, hi: number, iterations = 100): number {
  if (cdf(lo) >= p) return lo;
  for (let it = 0; it < iterations; it++) {
    const mid = 0.5 * (lo + hi);
    if (cdf(mid) >= p) hi = mid; else lo = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * sup_x |F_n(x) - F(x)| between the empirical distribution function F_n of a sample and a law given
 * by its distribution function `cdf`. At each distinct sample value v (a group of ties counts as
 * one jump) both sides are compared: |F_n(v) - F(v)| and |F_n(v-) - F(v-)|, with F(v-) from
 * `leftLimit` (default: `cdf`, a continuous law). A law with an atom at v passes its left limit
 * there, e.g. `(x) => (x <= 0 ? 0 : cdf(x))` for an atom at 0.
 */
export function kolmogorovDistance(sample: ArrayLike<number>, cdf: (x: number) => number, leftLimit: (x: number) => number = cdf): number {
  const n = sample.length;
  if (n === 0) throw new InvalidSpecError('sample', 'needs at least one value');
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(sample[i]!)) throw new InvalidSpecError('sample', `value ${i} is not finite (${sample[i]})`);
  }
  const s = Float64Array.from(sample).sort();
  let d = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && s[j + 1] === s[i]) j++;
    const F = cdf(s[i]!), Fleft = leftLimit === cdf ? F : leftLimit(s[i]!);
    d = Math.max(d, Math.abs((j + 1) / n - F), Math.abs(i / n - Fleft));
    i = j + 1;
  }
  return d;
}
