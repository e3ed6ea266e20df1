/**
 * Empirical spectra of finite-network Jacobians and the statistics used to compare them with
 * theory (docs/design.md section 2; theory/02-finite-networks.md section 2.5).
 */
import { InvalidSpecError, NonConvergenceError, requireInteger } from '../errors.ts';
import { linalg } from '../linalg/index.ts';
import type { Matrix } from '../types.ts';

export const SUMMARY_QUANTILES = [0.1, 0.5, 0.9] as const;

export interface SpectrumSummary {
  /** Eigenvalues of J J^T (squared singular values of J), ascending. */
  squaredSingularValues: Float64Array;
  /** Eigenvalues of J (complex). */
  eigenvalues: { re: Float64Array; im: Float64Array };
  /** m_k = mean(s^k) of the squared singular values s, k = 1..4. */
  moments: number[];
  /** Quantiles "0.1", "0.5", "0.9" of the squared singular values. */
  quantiles: Record<string, number>;
  /** Fraction of squared singular values > 1. */
  fractionAboveOne: number;
  /** Mean of log s over the squared singular values (-Infinity if one is exactly 0). */
  meanLog: number;
  /** Hill estimate of the upper tail index of the squared singular values (default k; NaN when undefined). */
  hillTailIndex: number;
}

function finiteValues(field: string, values: ArrayLike<number>): void {
  if (values.length === 0) throw new InvalidSpecError(field, 'needs at least one value');
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new InvalidSpecError(field, `value ${i} is not finite (${values[i]})`);
  }
}

/** Spectrum of a square Jacobian J: singular values and eigenvalues by linalg(). */
export function spectrumSummary(J: Matrix): SpectrumSummary {
  return summarizeSquaredSingularValues(squaredSingularValues(J), linalg().eigenvalues(J));
}

/** Squared singular values of a square, finite J, ascending (a non-finite entry: InvalidSpecError on field "J"). */
export function squaredSingularValues(J: Matrix): Float64Array {
  if (J.rows !== J.cols) throw new InvalidSpecError('J', `must be square, got ${J.rows} x ${J.cols}`);
  finiteValues('J', J.data);
  const sv = linalg().singularValues(J);
  const s2 = new Float64Array(J.rows);
  // singularValues may return min(rows, cols) values; J is square.
  for (let i = 0; i < s2.length; i++) s2[i] = (sv[i] ?? 0) ** 2;
  return s2.sort();
}

/**
 * The spectrum summary in the log domain (theory/02-finite-networks.md (2.21)): ln of the squared
 * singular values, ln m_k by log-sum-exp, type-7 quantiles of ln lambda, P(lambda > 1), E ln lambda and
 * the Hill index from logs. Finite whenever J is finite, including deep heavy-tailed networks whose
 * squared singular values (sigma^2 > 1.8e308) or moments overflow. A Jacobian with a non-finite entry is
 * a numerical failure (NonConvergenceError): its spectrum cannot be computed in double precision.
 */
export interface LogSpectrumSummary {
  /** ln lambda_i ascending (-Infinity for an exactly zero singular value). */
  logSquaredSingularValues: Float64Array;
  eigenvalues: { re: Float64Array; im: Float64Array };
  /** ln m_k, k = 1..4 (-Infinity only if every value is 0). */
  logMoments: number[];
  /** Quantiles "0.1", "0.5", "0.9" of ln lambda. */
  logQuantiles: Record<string, number>;
  fractionAboveOne: number;
  meanLog: number;
  hillTailIndex: number;
}

export function logSpectrumSummary(J: Matrix): LogSpectrumSummary {
  if (J.rows !== J.cols) throw new InvalidSpecError('J', `must be square, got ${J.rows} x ${J.cols}`);
  for (let i = 0; i < J.data.length; i++) {
    if (!Number.isFinite(J.data[i]!)) {
      throw new NonConvergenceError(`the Jacobian's entries overflow double precision (beyond 1.8e308), so its spectrum cannot be computed; use a smaller depth or weight scale`);
    }
  }
  const sv = linalg().singularValues(J);
  const logs = new Float64Array(J.rows);
  for (let i = 0; i < logs.length; i++) logs[i] = 2 * Math.log(sv[i] ?? 0);
  return summarizeLogSquaredSingularValues(logs, linalg().eigenvalues(J));
}

/** LogSpectrumSummary of given ln lambda values (pooled spectra of several matrices). */
export function summarizeLogSquaredSingularValues(logValues: Float64Array, eigenvalues: { re: Float64Array; im: Float64Array }): LogSpectrumSummary {
  if (logValues.length === 0) throw new InvalidSpecError('squaredSingularValues', 'needs at least one value');
  for (let i = 0; i < logValues.length; i++) if (Number.isNaN(logValues[i]!) || logValues[i] === Infinity) throw new NonConvergenceError('a singular value of the Jacobian is not finite');
  const sorted = Float64Array.from(logValues).sort();
  const n = sorted.length;
  const top = sorted[n - 1]!;
  const logMoments = [1, 2, 3, 4].map((k) => {
    if (top === -Infinity) return -Infinity;
    let acc = 0;
    for (const l of sorted) acc += Math.exp(k * (l - top));
    return k * top + Math.log(acc / n);
  });
  const logQuantiles: Record<string, number> = {};
  for (const p of SUMMARY_QUANTILES) {
    const h = (n - 1) * p, lo = Math.floor(h), hi = Math.min(lo + 1, n - 1);
    logQuantiles[String(p)] = sorted[hi]! === sorted[lo]! ? sorted[lo]! : sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
  }
  let above = 0, logSum = 0;
  for (const l of sorted) { if (l > 0) above++; logSum += l; }
  const finiteDesc = Array.from(sorted).filter((l) => l > -Infinity).reverse();
  let hill = NaN;
  if (finiteDesc.length >= 3) {
    const kk = Math.floor(Math.sqrt(finiteDesc.length));
    let sum = 0;
    for (let i = 0; i < kk; i++) sum += finiteDesc[i]! - finiteDesc[kk]!;
    if (sum > 0) hill = kk / sum;
  }
  return { logSquaredSingularValues: sorted, eigenvalues, logMoments, logQuantiles, fractionAboveOne: above / n, meanLog: logSum / n, hillTailIndex: hill };
}

/** Summary statistics of given squared singular values (pooled spectra of several matrices). */
export function summarizeSquaredSingularValues(s2: Float64Array, eigenvalues: { re: Float64Array; im: Float64Array }): SpectrumSummary {
  finiteValues('squaredSingularValues', s2);
  const sorted = Float64Array.from(s2).sort();
  const q = quantiles(sorted, [...SUMMARY_QUANTILES]);
  const quantileRecord: Record<string, number> = {};
  SUMMARY_QUANTILES.forEach((p, i) => { quantileRecord[String(p)] = q[i]!; });
  let above = 0;
  let logSum = 0;
  for (const v of sorted) {
    if (v > 1) above++;
    logSum += Math.log(v);
  }
  let hill = NaN;
  const positives = sorted.filter((v) => v > 0);
  if (positives.length >= 3) {
    // NaN when the k largest values are equal (e.g. J a multiple of an orthogonal matrix).
    try { hill = hillTailIndex(positives); } catch (e) { if (!(e instanceof InvalidSpecError)) throw e; }
  }
  return {
    squaredSingularValues: sorted,
    eigenvalues,
    moments: moments(sorted, 4),
    quantiles: quantileRecord,
    fractionAboveOne: above / sorted.length,
    meanLog: logSum / sorted.length,
    hillTailIndex: hill,
  };
}

/** The spectra of several square Jacobians pooled into one summary (squared singular values and eigenvalues). */
export function pooledSpectrum(summaries: SpectrumSummary[]): SpectrumSummary {
  if (summaries.length === 0) throw new InvalidSpecError('summaries', 'needs at least one spectrum');
  if (summaries.length === 1) return summaries[0]!;
  return summarizeSquaredSingularValues(
    Float64Array.from(summaries.flatMap((s) => Array.from(s.squaredSingularValues))),
    {
      re: Float64Array.from(summaries.flatMap((s) => Array.from(s.eigenvalues.re))),
      im: Float64Array.from(summaries.flatMap((s) => Array.from(s.eigenvalues.im))),
    },
  );
}

/** Raw moments m_j = (1/n) sum v_i^j, j = 1..k. */
export function moments(values: ArrayLike<number>, k: number): number[] {
  finiteValues('values', values);
  requireInteger('k', k, 1, 64);
  const out = new Array<number>(k).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let p = 1;
    for (let j = 0; j < k; j++) {
      p *= v;
      out[j] += p;
    }
  }
  return out.map((s) => s / values.length);
}

/**
 * Quantile by linear interpolation between order statistics (Hyndman & Fan 1996, type 7, the
 * default of R and NumPy): h = (n-1) p, q = x_(floor h) + (h - floor h)(x_(floor h + 1) - x_(floor h)).
 * `sorted` must be ascending and non-empty.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new InvalidSpecError('values', 'quantile of an empty sample');
  if (!(p >= 0 && p <= 1)) throw new InvalidSpecError('p', `must be in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Quantiles by linear interpolation between order statistics (Hyndman-Fan type 7, quantileSorted). */
/** Empirical CDF of a sorted sample at x: the fraction of values <= x (binary search). */
export function empiricalCdf(sorted: ArrayLike<number>, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid]! <= x) lo = mid + 1; else hi = mid; }
  return lo / sorted.length;
}

export function quantiles(values: ArrayLike<number>, ps: number[]): number[] {
  finiteValues('values', values);
  const s = Float64Array.from(values as ArrayLike<number>).sort();
  return ps.map((p) => {
    if (!(p >= 0 && p <= 1)) throw new InvalidSpecError('p', `quantile level must be in [0, 1], got ${p}`);
    return quantileSorted(s, p);
  });
}

/**
 * Histogram density: density[i] = count_i / (n width_i), n = all values (values outside `range` are
 * counted in n but in no bin), so the density integrates to the fraction inside the range.
 * `log`: edges equally spaced in log x (range must be positive; values <= 0 fall outside).
 */
export function histogram(values: ArrayLike<number>, opts: { bins?: number; log?: boolean; range?: [number, number] } = {}): { edges: Float64Array; density: Float64Array } {
  finiteValues('values', values);
  const bins = requireInteger('bins', opts.bins ?? 50, 1, 1_000_000);
  let lo: number, hi: number;
  if (opts.range) {
    [lo, hi] = opts.range;
  } else {
    lo = Infinity; hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (opts.log && !(v > 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(hi > lo)) { hi = lo + 1; }
  }
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && hi > lo)) throw new InvalidSpecError('range', `must be finite with lo < hi, got [${lo}, ${hi}]`);
  if (opts.log && !(lo > 0)) throw new InvalidSpecError('range', `log bins need lo > 0, got ${lo}`);
  const edges = new Float64Array(bins + 1);
  const a = opts.log ? Math.log(lo) : lo;
  const b = opts.log ? Math.log(hi) : hi;
  for (let i = 0; i <= bins; i++) edges[i] = opts.log ? Math.exp(a + ((b - a) * i) / bins) : a + ((b - a) * i) / bins;
  edges[0] = lo;
  edges[bins] = hi;
  const counts = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= lo && v <= hi)) continue;
    const t = opts.log ? (Math.log(v) - a) / (b - a) : (v - a) / (b - a);
    const k = Math.min(bins - 1, Math.max(0, Math.floor(t * bins)));
    counts[k]! += 1;
  }
  const density = new Float64Array(bins);
  for (let k = 0; k < bins; k++) density[k] = counts[k]! / (values.length * (edges[k + 1]! - edges[k]!));
  return { edges, density };
}

/** A Hill estimate with its order k and standard error (theory/08-associative-memory.md (8.6)). */
export interface HillEstimate {
  /** Tail index alpha_hat of P(X > x) ~ x^-alpha. */
  alpha: number;
  /** Number of upper order statistics used. */
  k: number;
  /** Asymptotic standard error alpha_hat / sqrt(k) (exact Pareto tail). */
  standardError: number;
  /** Number of positive values the estimate was drawn from. */
  n: number;
}

/**
 * Hill estimator of the upper tail index from the k largest of the positive values, with its
 * standard error alpha_hat / sqrt(k) (theory/02-finite-networks.md (2.20), theory/08 (8.6)):
 * 1/alpha_hat = (1/k) sum_{i<=k} log(X_(i) / X_(k+1)), X_(1) >= X_(2) >= ... Default k = floor(sqrt(n)).
 */
export function hillTail(values: ArrayLike<number>, k?: number): HillEstimate {
  finiteValues('values', values);
  const pos = Array.from(values as ArrayLike<number>).filter((v) => v > 0).sort((x, y) => y - x);
  const kk = k ?? Math.floor(Math.sqrt(pos.length));
  requireInteger('k', kk, 1, pos.length - 1);
  const ref = pos[kk]!;
  let s = 0;
  for (let i = 0; i < kk; i++) s += Math.log(pos[i]! / ref);
  if (!(s > 0)) throw new InvalidSpecError('values', 'Hill estimator undefined: the k largest values are all equal');
  const alpha = kk / s;
  return { alpha, k: kk, standardError: alpha / Math.sqrt(kk), n: pos.length };
}

/** Hill tail index alone (see hillTail, theory/02-finite-networks.md (2.20)). */
export function hillTailIndex(values: ArrayLike<number>, k?: number): number {
  return hillTail(values, k).alpha;
}

/** A continuous power-law fit p(x) ~ x^-alpha for x >= xmin (theory/08 (8.7)-(8.8)). */
export interface PowerLawFit {
  /** Density exponent alpha (= 1 + the tail index of the survival function). */
  alpha: number;
  /** Lower cut-off chosen by the Kolmogorov-Smirnov rule. */
  xmin: number;
  /** Number of values >= xmin used by the fit. */
  nTail: number;
  /** Asymptotic standard error (alpha - 1) / sqrt(nTail). */
  standardError: number;
  /** KS distance between the tail's empirical CDF and the fitted power law at the chosen xmin. */
  ksDistance: number;
  /** Number of candidate xmin values tried. */
  candidates: number;
}

/**
 * Power-law fit of the upper tail by the method of Clauset, Shalizi and Newman (SIAM Review 2009),
 * the rule WeightWatcher applies to the ESD of W^T W (theory/08 (8.7)-(8.8)): for every candidate
 * xmin among the sorted positive values (keeping at least `minTail` values, default 10, at or above it), the
 * continuous MLE alpha = 1 + n / sum ln(x_i / xmin) over x_i >= xmin (8.7) and the KS distance
 * D = max_x |S(x) - P(x)| between the empirical CDF S of the tail and P(x) = 1 - (x / xmin)^(1 - alpha)
 * (8.8); the xmin with the smallest D is kept. Standard error (alpha - 1) / sqrt(n).
 */
export function powerLawFit(values: ArrayLike<number>, opts: { minTail?: number; xmin?: number } = {}): PowerLawFit {
  finiteValues('values', values);
  const x = Float64Array.from(Array.from(values as ArrayLike<number>).filter((v) => v > 0)).sort();
  const n = x.length;
  const minTail = requireInteger('minTail', opts.minTail ?? 10, 2);
  if (n < minTail) throw new InvalidSpecError('values', `power-law fit needs at least ${minTail} positive values, got ${n}`);
  // Suffix sums of ln x for the MLE at every candidate start index.
  const logs = Float64Array.from(x, Math.log);
  const suffix = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + logs[i]!;
  let best: PowerLawFit | null = null;
  let candidates = 0;
  const fitAt = (start: number): PowerLawFit | null => {
    const xmin = x[start]!;
    const m = n - start;
    const denom = suffix[start]! - m * Math.log(xmin);
    if (!(denom > 0)) return null;
    const alpha = 1 + m / denom;
    let d = 0;
    for (let j = 0; j < m; j++) {
      const P = 1 - Math.pow(x[start + j]! / xmin, 1 - alpha);
      d = Math.max(d, Math.abs((j + 1) / m - P), Math.abs(j / m - P));
    }
    return { alpha, xmin, nTail: m, standardError: (alpha - 1) / Math.sqrt(m), ksDistance: d, candidates: 0 };
  };
  if (opts.xmin !== undefined) {
    let start = 0;
    while (start < n && x[start]! < opts.xmin) start++;
    if (n - start < minTail) throw new InvalidSpecError('xmin', `leaves ${n - start} values, need ${minTail}`);
    const f = fitAt(start);
    if (f === null) throw new InvalidSpecError('values', 'power-law fit undefined: the tail values are all equal');
    return { ...f, candidates: 1 };
  }
  for (let start = 0; start <= n - minTail; start++) {
    if (start > 0 && x[start] === x[start - 1]) continue; // distinct candidates only
    const f = fitAt(start);
    if (f === null) continue;
    candidates++;
    if (best === null || f.ksDistance < best.ksDistance) best = f;
  }
  if (best === null) throw new InvalidSpecError('values', 'power-law fit undefined: the tail values are all equal');
  return { ...best, candidates };
}

/** Eigenvalues of W^T W (squared singular values of W), ascending: the ESD WeightWatcher fits. */
export function gramEigenvalues(W: Matrix): Float64Array {
  finiteValues('W', W.data);
  const sv = linalg().singularValues(W);
  return Float64Array.from(sv, (s) => s * s).sort();
}

