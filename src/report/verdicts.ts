/**
 * Verdicts on the claims of the fixed-point study (arXiv 2501.04182), computed from the numbers in
 * the report's tables by fixed rules. Each rule is stated in words in `rule` (printed beside the
 * verdict in report.md) and implemented right below it; docs/claims.md explains each claim and
 * why the rule is what it is.
 */

export type Verdict = 'reproduced' | 'partly reproduced' | 'not reproduced' | 'not run';

export interface ClaimVerdict {
  id: string;
  /** The claim as the study states it (paraphrased). */
  claim: string;
  verdict: Verdict;
  /** The rule that turns the table into the verdict. */
  rule: string;
  /** The numbers the rule looked at, in one or two sentences. */
  evidence: string;
}

/** One grid point of a Q(N, L) table. */
export interface QRow {
  width: number;
  depth: number;
  networks: number;
  meanQ: number;
  /** Standard error of meanQ (null with one network). */
  stderrQ: number | null;
  minQ: number;
  maxQ: number;
  /** Fraction of networks with Q > 1. */
  pQAbove1: number;
  /** Fraction of networks with exactly one stable fixed point. */
  pQEquals1: number;
  /** Fraction of networks with no stable fixed point (their starts end on cycles or do not settle). */
  pQEquals0?: number;
}

const fmt = (v: number, d = 3) => (Number.isInteger(v) ? String(v) : v.toFixed(d));

// ---------------------------------------------------------------------------------------------
// C1: light tails give one stable fixed point for every N and L.

export const LIGHT_RULE =
  'reproduced if every sampled network at every (N, L) grid point has Q = 1; partly reproduced if at least 95% of all networks have Q = 1; not reproduced otherwise.';

export function lightTailVerdict(rows: readonly QRow[]): ClaimVerdict {
  const claim = 'Light-tailed (Gaussian) weights: a network has exactly one fixed point, and it is stable, for every width N and depth L (sigmoid activation).';
  if (rows.length === 0) return { id: 'C1', claim, verdict: 'not run', rule: LIGHT_RULE, evidence: 'no light-tailed grid points were run.' };
  let total = 0, ones = 0;
  const bad: QRow[] = [];
  for (const r of rows) {
    total += r.networks;
    ones += Math.round(r.pQEquals1 * r.networks);
    if (!(r.minQ === 1 && r.maxQ === 1)) bad.push(r);
  }
  const share = ones / total;
  const verdict: Verdict = bad.length === 0 ? 'reproduced' : share >= 0.95 ? 'partly reproduced' : 'not reproduced';
  const where = bad.length === 0
    ? `all ${rows.length} grid points have min Q = max Q = 1`
    : `${bad.length} of ${rows.length} grid points have a network with Q != 1 (e.g. N=${bad[0]!.width}, L=${bad[0]!.depth}: Q in [${bad[0]!.minQ}, ${bad[0]!.maxQ}])`;
  return { id: 'C1', claim, verdict, rule: LIGHT_RULE, evidence: `${ones} of ${total} networks (${(100 * share).toFixed(1)}%) have Q = 1; ${where}.` };
}

// ---------------------------------------------------------------------------------------------
// C2: heavy tails make several stable fixed points emerge.

export const EMERGENCE_RULE =
  'reproduced if, for every width, some depth has P(Q > 1) > 0 and mean Q - 2 stderr > 1 (mean significantly above 1); partly reproduced if some heavy-tailed network has Q > 1 but that does not hold for every width; not reproduced if no heavy-tailed network has Q > 1.';

export function emergenceVerdict(rows: readonly QRow[]): ClaimVerdict {
  const claim = 'Heavy-tailed (Cauchy) weights: several stable fixed points emerge (Q > 1 for a share of networks).';
  if (rows.length === 0) return { id: 'C2', claim, verdict: 'not run', rule: EMERGENCE_RULE, evidence: 'no heavy-tailed grid points were run.' };
  const widths = [...new Set(rows.map((r) => r.width))];
  const perWidth = widths.map((w) => {
    const rs = rows.filter((r) => r.width === w);
    // The depth with the largest share of networks with Q > 1 (ties: larger mean Q, then smaller depth).
    const best = rs.reduce((a, b) => (b.pQAbove1 > a.pQAbove1 || (b.pQAbove1 === a.pQAbove1 && b.meanQ > a.meanQ) ? b : a));
    const significant = rs.some((r) => r.pQAbove1 > 0 && r.stderrQ !== null && r.meanQ - 2 * r.stderrQ > 1);
    return { w, best, significant };
  });
  const anyAbove = rows.some((r) => r.maxQ > 1);
  const verdict: Verdict = perWidth.every((p) => p.significant) ? 'reproduced' : anyAbove ? 'partly reproduced' : 'not reproduced';
  const evidence = perWidth
    .map((p) => `N=${p.w}: largest P(Q>1) = ${fmt(p.best.pQAbove1)} at L=${p.best.depth} (mean Q there ${fmt(p.best.meanQ)} +- ${fmt(p.best.stderrQ ?? 0)}, max Q ${p.best.maxQ}); ${p.significant ? 'some depth has mean Q significantly above 1' : 'no depth has mean Q significantly above 1'}`)
    .join('; ') + '.';
  return { id: 'C2', claim, verdict, rule: EMERGENCE_RULE, evidence };
}

// ---------------------------------------------------------------------------------------------
// C3: Q(N0, L) is non-monotone in depth: it grows, peaks and returns to 1.

export const NONMONOTONE_RULE =
  'for each width: the Monte Carlo mean Q has its maximum at an interior depth of the grid (neither the smallest nor the largest), P(Q > 1) > 0 there, and mean Q <= 1.1 at the largest depth. Reproduced if this holds for every width; partly reproduced if it holds for some width, or if every width has an interior maximum with P(Q > 1) > 0 but does not return to <= 1.1; not reproduced otherwise.';

export interface PeakInfo {
  width: number;
  peakDepth: number;
  peakMeanQ: number;
  interior: boolean;
  pQAbove1AtPeak: number;
  meanQAtLargestDepth: number;
  holds: boolean;
}

/** Index of the largest value (the first one on ties; 0 for an empty list). */
function indexOfMax(values: readonly number[]): number {
  let k = 0;
  values.forEach((v, i) => { if (v > values[k]!) k = i; });
  return k;
}

/** Depth of the largest mean Q for one width (first one on ties), and the rule's checks. */
export function peakOf(rows: readonly QRow[]): PeakInfo {
  const rs = [...rows].sort((a, b) => a.depth - b.depth);
  const k = indexOfMax(rs.map((r) => r.meanQ));
  const peak = rs[k]!;
  const interior = k > 0 && k < rs.length - 1;
  const last = rs[rs.length - 1]!;
  const holds = interior && peak.pQAbove1 > 0 && last.meanQ <= 1.1;
  return { width: peak.width, peakDepth: peak.depth, peakMeanQ: peak.meanQ, interior, pQAbove1AtPeak: peak.pQAbove1, meanQAtLargestDepth: last.meanQ, holds };
}

export function nonMonotoneVerdict(rows: readonly QRow[]): ClaimVerdict & { peaks: PeakInfo[] } {
  const claim = 'For fixed width N0, Q(N0, L) is non-monotone in the depth L: it first grows with L, then decreases back to 1.';
  const widths = [...new Set(rows.map((r) => r.width))];
  if (widths.length === 0) return { id: 'C3', claim, verdict: 'not run', rule: NONMONOTONE_RULE, evidence: 'no heavy-tailed grid points were run.', peaks: [] };
  const peaks = widths.map((w) => peakOf(rows.filter((r) => r.width === w)));
  const all = peaks.every((p) => p.holds);
  const some = peaks.some((p) => p.holds);
  const interiorOnly = peaks.every((p) => p.interior && p.pQAbove1AtPeak > 0);
  const verdict: Verdict = all ? 'reproduced' : some || interiorOnly ? 'partly reproduced' : 'not reproduced';
  const evidence = peaks
    .map((p) => `N=${p.width}: max mean Q = ${fmt(p.peakMeanQ)} at L=${p.peakDepth} (${p.interior ? 'interior' : 'at the grid edge'}), P(Q>1) there = ${fmt(p.pQAbove1AtPeak)}, mean Q at the largest depth = ${fmt(p.meanQAtLargestDepth)}`)
    .join('; ') + '.';
  return { id: 'C3', claim, verdict, rule: NONMONOTONE_RULE, evidence, peaks };
}

// ---------------------------------------------------------------------------------------------
// C4: the ESD of the Jacobian explains the non-monotone Q (theory curve vs Monte Carlo).

export const THEORY_RULE =
  'for each width: the theory curve (the Kac-Rice prediction of E[# stable fixed points], theory/06 (6.12)-(6.15), at the depths where its effective sample size passes the threshold; the spectral link 1 + N0 p>1 is shown as the old route and not judged) has its maximum at an interior depth, the Monte Carlo mean Q has a peak (an interior maximum with P(Q > 1) > 0 there; without one there is no non-monotone dependence to follow), and the two peak depths are within a factor 2. Reproduced if this holds for every width; partly reproduced if, for some width, both curves have an interior peak but the peak depths differ by more than a factor 2 (or it holds for only some widths); not reproduced otherwise; not run if the theory curve could not be computed, has fewer than 3 reliable depths, or its Gaussian control (predicted Q within 0.05 of 1 at every control depth) fails.';

export interface TheoryCurve {
  width: number;
  depths: number[];
  predictedQ: number[];
}

export function theoryVerdict(curves: readonly TheoryCurve[] | null, mcRows: readonly QRow[], unavailableReason?: string): ClaimVerdict {
  const claim = 'The non-monotone dependence of Q(N0, L) on depth also follows from the empirical spectral distribution (ESD) of the input-output Jacobian.';
  if (curves === null || curves.length === 0) {
    return { id: 'C4', claim, verdict: 'not run', rule: THEORY_RULE, evidence: `the theory curve was not computed: ${unavailableReason ?? 'no theory predictor available'}.` };
  }
  const results = curves.map((c) => {
    const k = indexOfMax(c.predictedQ);
    const interior = k > 0 && k < c.depths.length - 1;
    const theoryPeak = c.depths[k]!;
    const mc = mcRows.filter((r) => r.width === c.width);
    const mcInfo = mc.length > 0 ? peakOf(mc) : null;
    const mcPeak = mcInfo ? mcInfo.peakDepth : NaN;
    // Without a Monte Carlo peak (an interior maximum where some network has Q > 1) there is no
    // non-monotone dependence for the theory to follow, whatever the theory curve does.
    const mcHasPeak = mcInfo !== null && mcInfo.interior && mcInfo.pQAbove1AtPeak > 0;
    const ratio = theoryPeak / mcPeak;
    const close = Number.isFinite(ratio) && ratio <= 2 && ratio >= 0.5;
    return { width: c.width, interior, theoryPeak, mcPeak, mcHasPeak, close, holds: interior && close && mcHasPeak };
  });
  const verdict: Verdict = results.every((r) => r.holds) ? 'reproduced' : results.some((r) => r.interior && r.mcHasPeak) ? 'partly reproduced' : 'not reproduced';
  const evidence = results
    .map((r) => `N=${r.width}: theory peak at L=${r.theoryPeak} (${r.interior ? 'interior' : 'at the grid edge'}), Monte Carlo peak at L=${Number.isFinite(r.mcPeak) ? r.mcPeak : 'n/a'}${r.mcHasPeak ? '' : ' (not a peak: no network has Q > 1 there, or it is at the grid edge, so there is no non-monotone dependence to follow)'}${r.close ? ' (within a factor 2)' : ''}`)
    .join('; ') + '.';
  return { id: 'C4', claim, verdict, rule: THEORY_RULE, evidence };
}

// ---------------------------------------------------------------------------------------------
// C5: the fixed points are stable attractors whose basins partition the input domain.

export const BASIN_RULE =
  'over the basin images: reproduced if at least 99% of the starts converge to a stable fixed point and at least 2 distinct stable fixed points have a basin in the images; partly reproduced if at least 2 basins appear but fewer than 99% (and at least 90%) of the starts reach a stable fixed point; not reproduced otherwise.';

export interface BasinSummary {
  starts: number;
  /** Starts that converged to a stable fixed point. */
  toStableFixedPoint: number;
  /** Distinct stable fixed points with at least one start in the images. */
  basins: number;
  cycles: number;
  unsettled: number;
}

export function basinVerdict(s: BasinSummary | null): ClaimVerdict {
  const claim = 'With heavy-tailed weights the fixed points are stable attractors, and their basins of attraction partition the domain of inputs.';
  if (s === null || s.starts === 0) return { id: 'C5', claim, verdict: 'not run', rule: BASIN_RULE, evidence: 'no basin images were computed.' };
  const share = s.toStableFixedPoint / s.starts;
  const verdict: Verdict = share >= 0.99 && s.basins >= 2 ? 'reproduced' : s.basins >= 2 && share >= 0.9 ? 'partly reproduced' : 'not reproduced';
  return {
    id: 'C5', claim, verdict, rule: BASIN_RULE,
    evidence: `${s.toStableFixedPoint} of ${s.starts} starts (${(100 * share).toFixed(2)}%) converge to one of ${s.basins} stable fixed points; ${s.cycles} end on cycles, ${s.unsettled} do not settle.`,
  };
}

// ---------------------------------------------------------------------------------------------
// P1 (project check, not a claim of the study): predicted vs sampled ESD of J J^T at fixed points.

export const ESD_KS_THRESHOLD = 0.1;

export const ESD_RULE =
  `for each (N, L, law): the Kolmogorov distance between the pooled sampled eigenvalues of J J^T at the stable fixed points and the predicted distribution function, evaluated on the prediction grid (log-spaced, from 1e-28 x the largest sampled eigenvalue, the double-precision resolution, to 10 x it); agrees if it is <= ${ESD_KS_THRESHOLD}. Reproduced if every light-tailed point agrees (heavy-tailed points are reported but not required, since their equation rests on extra assumptions; see docs/claims.md); partly reproduced if some do; not reproduced if none; not run if no prediction was available.`;

export interface EsdComparison {
  width: number;
  depth: number;
  weights: string;
  light: boolean;
  /** Kolmogorov distance, or null when no prediction was available. */
  ks: number | null;
  eigenvalues: number;
}

export function esdVerdict(rows: readonly EsdComparison[]): ClaimVerdict {
  const claim = 'Project check: the predicted ESD of J J^T (free-probability equation) matches the sampled ESD at the fixed points of finite networks.';
  const light = rows.filter((r) => r.light && r.ks !== null);
  if (light.length === 0) return { id: 'P1', claim, verdict: 'not run', rule: ESD_RULE, evidence: 'no light-tailed prediction was available.' };
  const ok = light.filter((r) => r.ks! <= ESD_KS_THRESHOLD);
  const verdict: Verdict = ok.length === light.length ? 'reproduced' : ok.length > 0 ? 'partly reproduced' : 'not reproduced';
  const evidence = rows
    .map((r) => `${r.weights} N=${r.width} L=${r.depth}: KS = ${r.ks === null ? 'n/a (no prediction)' : r.ks.toFixed(3)} over ${r.eigenvalues} eigenvalues`)
    .join('; ') + '.';
  return { id: 'P1', claim, verdict, rule: ESD_RULE, evidence };
}
