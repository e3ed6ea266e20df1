/**
 * Summary statistics of a sweep per grid point (width, depth, weight law): mean of Q with its
 * standard error, quantiles, P(Q > 1) and the mean basin shares.
 *
 * Deterministic by construction: records are grouped by grid point and sorted by network index
 * before any sum, and rows are sorted by (width, depth, weight law), so the summary is bit-identical
 * whatever order the records finished in and however many workers produced them.
 */
import { InvalidSpecError, requireInteger } from '../errors.ts';
import { meanAndSd } from '../numerics/stats.ts';
import { quantileSorted } from '../spectra/empirical.ts';
import { gridKey, lawKey, type SweepRecord, type SweepSummaryRow } from './records.ts';

/** Type-7 sample quantile; lives with the other empirical statistics in src/spectra/empirical.ts. */
export { quantileSorted };

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
