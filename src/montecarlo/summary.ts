/**
 * Summary statistics of a sweep per grid point (width, depth, weight law): mean of Q with its
 * standard error, quantiles, P(Q > 1) and the mean basin shares.
 *
 * Deterministic by construction: records are grouped by grid point and sorted by network index
 * before any sum, and rows are sorted by (width, depth, weight law), so the summary is bit-identical
 * whatever order the records finished in and however many workers produced them.
 */
import { InvalidSpecError, requireInteger } from '../errors.ts';
import { quantileSorted } from '../spectra/empirical.ts';
import { gridKey, lawKey, type SweepRecord, type SweepSummaryRow } from './records.ts';

/** Type-7 sample quantile; lives with the other empirical statistics in src/spectra/empirical.ts. */
export { quantileSorted };

/** Mean and sample standard deviation (n-1), by a two-pass sum in the given order. */
export function meanAndSd(xs: readonly number[]): { mean: number; sd: number | null } {
  const n = xs.length;
  if (n === 0) throw new InvalidSpecError('values', 'mean of an empty sample');
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / n;
  if (n < 2) return { mean, sd: null };
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  return { mean, sd: Math.sqrt(ss / (n - 1)) };
}

/** Items grouped by key, groups and their members in first-seen order. */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(item);
  }
  return groups;
}

const compareLaw = (a: SweepRecord, b: SweepRecord): number =>
  a.weights < b.weights ? -1 : a.weights > b.weights ? 1 : (a.alpha ?? -1) - (b.alpha ?? -1) || a.sigmaW - b.sigmaW;

/**
 * Summarize records per grid point (records that differ in any other spec field, e.g. the seed, form
 * separate rows); rows sorted by width, depth, then weight law (name, alpha, sigma_w), then seed.
 */
export function summarizeSweep(records: readonly SweepRecord[]): SweepSummaryRow[] {
  // The grid point plus the rest of the spec, so records of different runs are never pooled.
  const groups = groupBy(records, (r) => `${gridKey(r.width, r.depth, lawKey(r.weights, r.alpha, r.sigmaW))}|${r.activation}|${r.scaling}|${r.bias}:${r.sigmaB}:${r.biasAlpha}|${r.seed}|${r.starts}|${r.protocol ?? 'stable'}`);
  const rows: SweepSummaryRow[] = [];
  for (const group of groups.values()) {
    const g = [...group].sort((a, b) => a.network - b.network);
    for (let i = 1; i < g.length; i++) {
      if (g[i]!.network === g[i - 1]!.network) {
        throw new InvalidSpecError('records', `network ${g[i]!.network} of grid point N=${g[i]!.width} L=${g[i]!.depth} ${g[i]!.weights} appears twice`);
      }
    }
    const n = g.length;
    const Qs = g.map((r) => r.Q);
    const { mean, sd } = meanAndSd(Qs);
    const sorted = Float64Array.from(Qs).sort();
    const above = Qs.filter((q) => q > 1).length;
    const p = above / n;
    const meanOf = (f: (r: SweepRecord) => number) => meanAndSd(g.map(f)).mean;
    let maxRho: number | null = null;
    for (const r of g) if (r.maxSpectralRadius !== null && (maxRho === null || r.maxSpectralRadius > maxRho)) maxRho = r.maxSpectralRadius;
    const first = g[0]!;
    rows.push({
      width: first.width,
      depth: first.depth,
      weights: first.weights,
      alpha: first.alpha,
      sigmaW: first.sigmaW,
      activation: first.activation,
      scaling: first.scaling,
      bias: first.bias,
      sigmaB: first.sigmaB,
      seed: first.seed,
      starts: first.starts,
      networks: n,
      meanQ: mean,
      stderrQ: sd === null ? null : sd / Math.sqrt(n),
      sdQ: sd,
      minQ: sorted[0]!,
      maxQ: sorted[n - 1]!,
      quantilesQ: { '0.1': quantileSorted(sorted, 0.1), '0.5': quantileSorted(sorted, 0.5), '0.9': quantileSorted(sorted, 0.9) },
      pQAbove1: p,
      stderrPQAbove1: Math.sqrt((p * (1 - p)) / n),
      shareFixed: meanOf((r) => r.shareFixed),
      shareCycles: meanOf((r) => r.shareCycles),
      shareUnsettled: meanOf((r) => r.shareUnsettled),
      shareMarginal: meanOf((r) => r.shareMarginal),
      meanUnstableFixedPoints: meanOf((r) => r.unstableFixedPoints),
      maxSpectralRadius: maxRho,
      ...countSummary(g),
    });
  }
  const rep = (row: SweepSummaryRow) => ({ weights: row.weights, alpha: row.alpha, sigmaW: row.sigmaW }) as SweepRecord;
  const rest = (r: SweepSummaryRow) => `${r.activation}|${r.scaling}|${r.bias}:${r.sigmaB}|${r.starts}`;
  rows.sort((a, b) => a.width - b.width || a.depth - b.depth || compareLaw(rep(a), rep(b)) || a.seed - b.seed ||
    (rest(a) < rest(b) ? -1 : rest(a) > rest(b) ? 1 : 0));
  return rows;
}

/** Mean count of a protocol other than stable over a grid point's records (sorted by network). */
function countSummary(g: readonly SweepRecord[]): Pick<SweepSummaryRow, 'protocol' | 'meanCount' | 'stderrCount' | 'meanConvergedShare'> {
  const protocol = g[0]!.protocol;
  if (protocol === undefined) return {};
  const counts = g.map((r) => {
    if (typeof r.count !== 'number') throw new InvalidSpecError('records', `network ${r.network} of grid point N=${r.width} L=${r.depth} has protocol ${protocol} but no count`);
    return r.count;
  });
  const { mean, sd } = meanAndSd(counts);
  const conv = g.every((r) => typeof r.convergedShare === 'number') ? { meanConvergedShare: meanAndSd(g.map((r) => r.convergedShare!)).mean } : {};
  return { protocol, meanCount: mean, stderrCount: sd === null ? null : sd / Math.sqrt(g.length), ...conv };
}

/** A binomial proportion with its Wilson score interval (theory/08-associative-memory.md (8.3)). */
export interface BinomialInterval {
  successes: number;
  trials: number;
  /** successes / trials. */
  rate: number;
  lower: number;
  upper: number;
  /** Two-sided confidence level of [lower, upper]. */
  confidence: number;
}

/**
 * Wilson score interval for a binomial proportion (Wilson 1927; theory/08 (8.3)):
 * (p + z^2/(2n) +- z sqrt(p(1-p)/n + z^2/(4n^2))) / (1 + z^2/n), p = s/n, z = the normal quantile
 * of the confidence level (default 0.95: z = 1.959963984540054). Never leaves [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): BinomialInterval {
  requireInteger('trials', trials, 1);
  requireInteger('successes', successes, 0, trials);
  if (!(confidence > 0 && confidence < 1)) throw new InvalidSpecError('confidence', `must be in (0, 1), got ${confidence}`);
  const z = normalQuantile(0.5 + confidence / 2);
  const n = trials;
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const den = 1 + z2 / n;
  return {
    successes, trials, rate: p,
    lower: Math.max(0, (centre - half) / den),
    upper: Math.min(1, (centre + half) / den),
    confidence,
  };
}

/**
 * Standard normal quantile by Acklam's rational approximation (relative error below 1.2e-9).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new InvalidSpecError('p', `must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  return x;
}
