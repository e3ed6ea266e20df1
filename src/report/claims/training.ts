/**
 * Claims T1 and T2 of `jesd reproduce` (docs/claims.md): the study's statements about trained
 * networks, tested with training sweeps (src/trainsweep/sweep.ts) whose records are resumable JSON
 * Lines files in the output directory (t1.jsonl, t2.jsonl).
 *
 * T1: heavy-tail-initialised N -> N sigmoid autoencoders, after training on P random patterns,
 *     have Q(N0, L) stable fixed points rising with depth and then falling back to 1.
 * T2: heavy tails arise in training: with minibatch SGD the tail index of the weights falls below
 *     its value at initialisation, and falls as the ratio eta / B of learning rate to batch size grows
 *     (Gurbuzbalaban, Simsekli, Zhu, ICML 2021); Q is counted in the same networks.
 *
 * Each claim: sizes per --scale, the sweep, a table, a figure and a verdict by a stated rule.
 */
import { join } from 'node:path';
import type { ProgressReporter } from '../../montecarlo/progress.ts';
import type { SweepShard } from '../../montecarlo/records.ts';
import { runTrainSweep, type TrainSweepConfig, type TrainSweepRecord, type TrainSweepRow } from '../../trainsweep/sweep.ts';
import type { ScaleName } from '../scales.ts';
import { linePlot, type Series } from '../../plot/svg.ts';
import { peakOf, type ClaimVerdict, type QRow, type Verdict } from '../verdicts.ts';
import { cumulativeProgress, mdTable, writeFigure } from './section.ts';
import { meanAndSd } from '../../numerics/stats.ts';

/** Sizes of T1 and T2 per --scale. The reference configuration of T1 is the study's NumPy probe (N = 32, P = 10). */
export const TRAINING_SCALES: Record<ScaleName, { t1: Omit<TrainSweepConfig, 'seed'>; t2: Omit<TrainSweepConfig, 'seed'> }> = {
  quick: {
    t1: {
      width: 32, depths: [1, 2, 4, 8, 16, 24], inits: [{ name: 'cauchy', alpha: null, scale: 0.125, scaling: 'raw' }],
      optimizers: [{ optimizer: 'adam', lr: 0.01, batch: 0, momentum: 0 }], steps: [3000], networks: 4,
      activation: 'sigmoid', patterns: 10, lo: 0.1, hi: 0.9, starts: 300, lossThreshold: 1e-3, restoreTrials: 2,
    },
    t2: {
      width: 32, depths: [2], inits: [{ name: 'gaussian', alpha: null, scale: 4, scaling: 'natural' }],
      optimizers: [16, 64, 256].flatMap((lr) => [1, 2, 5, 10].map((batch) => ({ optimizer: 'sgd' as const, lr, batch, momentum: 0 }))),
      steps: [5000], networks: 2, activation: 'sigmoid', patterns: 10, lo: 0.1, hi: 0.9, starts: 100, lossThreshold: 1e-3, restoreTrials: 2,
    },
  },
  paper: {
    t1: {
      width: 32, depths: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32], inits: [{ name: 'cauchy', alpha: null, scale: 0.125, scaling: 'raw' }],
      optimizers: [{ optimizer: 'adam', lr: 0.01, batch: 0, momentum: 0 }], steps: [3000], networks: 10,
      activation: 'sigmoid', patterns: 10, lo: 0.1, hi: 0.9, starts: 300, lossThreshold: 1e-3, restoreTrials: 10,
    },
    t2: {
      width: 32, depths: [2], inits: [{ name: 'gaussian', alpha: null, scale: 4, scaling: 'natural' }],
      optimizers: [1, 4, 16, 64, 256].flatMap((lr) => [1, 2, 5, 10].map((batch) => ({ optimizer: 'sgd' as const, lr, batch, momentum: 0 }))),
      steps: [10000], networks: 10, activation: 'sigmoid', patterns: 10, lo: 0.1, hi: 0.9, starts: 300, lossThreshold: 1e-3, restoreTrials: 10,
    },
  },
  tiny: {
    t1: {
      width: 8, depths: [1, 2, 6], inits: [{ name: 'cauchy', alpha: null, scale: 0.5, scaling: 'raw' }],
      optimizers: [{ optimizer: 'adam', lr: 0.01, batch: 0, momentum: 0 }], steps: [200], networks: 2,
      activation: 'sigmoid', patterns: 3, lo: 0.1, hi: 0.9, starts: 20, lossThreshold: 1e-3, restoreTrials: 1,
    },
    t2: {
      width: 8, depths: [1], inits: [{ name: 'gaussian', alpha: null, scale: 4, scaling: 'natural' }],
      optimizers: [1, 16].flatMap((lr) => [1, 3].map((batch) => ({ optimizer: 'sgd' as const, lr, batch, momentum: 0 }))),
      steps: [200], networks: 2, activation: 'sigmoid', patterns: 3, lo: 0.1, hi: 0.9, starts: 20, lossThreshold: 1e-3, restoreTrials: 1,
    },
  },
};

export interface TrainedClaimContext {
  scale: ScaleName;
  out: string;
  seed: number;
  workers: number;
  resume: boolean;
  progress: ProgressReporter;
  /** One shard of a sharded reproduction: the sweeps run their slice only, and the claims are judged after the merge. */
  shard?: SweepShard;
}

export interface TrainedClaimOutput {
  verdicts: ClaimVerdict[];
  /** Markdown appended to report.md. */
  markdown: string;
  summary: unknown;
  files: string[];
}

const r3 = (v: number | null) => (v === null ? 'n/a' : Number.isInteger(v) ? String(v) : v.toFixed(3));
const e2 = (v: number | null) => (v === null ? 'n/a' : v === 0 ? '0' : v.toExponential(1));



/** Run one training sweep section resumably into out/FILE, moving the shared progress bar. */
async function sweepSection(ctx: TrainedClaimContext, config: TrainSweepConfig, file: string, section: string) {
  ctx.progress.setSection(section);
  return runTrainSweep(config, {
    out: join(ctx.out, file), resume: ctx.resume, force: !ctx.resume, workers: ctx.workers, quiet: true,
    onProgress: cumulativeProgress(ctx.progress), slice: ctx.shard,
  });
}

/** Networks trained by T1 and T2 at a scale (progress units). */
export function trainingClaimUnits(scale: ScaleName): number {
  const n = (c: Omit<TrainSweepConfig, 'seed'>) => c.depths.length * c.inits.length * c.optimizers.length * c.steps.length * c.networks;
  const s = TRAINING_SCALES[scale];
  return n(s.t1) + n(s.t2);
}

// ---------------------------------------------------------------------------------------------
// T1

export const T1_RULE =
  'over the depths of the grid (all networks, trained or not): the mean Q has its maximum at an interior depth (neither the smallest nor the largest), P(Q > 1) > 0 there, and mean Q <= 1.1 at the largest depth. Reproduced if all three hold; partly reproduced if the maximum is interior with P(Q > 1) > 0 but Q does not return to <= 1.1; not reproduced otherwise. The share of networks that trained (final loss below the threshold) is reported beside it, since a fall caused by networks that did not train is an optimisation effect.';

/** The fields of a Q-table row (verdicts.ts QRow) that the peak rule peakOf reads, from a training-sweep row. */
function asPeakRow(r: TrainSweepRow): QRow {
  return { width: r.width, depth: r.depth, networks: r.networks - r.diverged, meanQ: r.meanQ ?? 0, stderrQ: r.stderrQ, pQAbove1: r.pQAbove1 ?? 0 } as QRow;
}

export function t1Verdict(rows: readonly TrainSweepRow[]): ClaimVerdict {
  const claim = 'Heavy-tail (Cauchy) initialised networks after training: Q(N0, L) first rises with the depth L, then falls back to 1.';
  if (rows.length === 0) return { id: 'T1', claim, verdict: 'not run', rule: T1_RULE, evidence: 'no trained networks.' };
  const q = [...rows].sort((a, b) => a.depth - b.depth).map(asPeakRow);
  const p = peakOf(q);
  const verdict: Verdict = p.holds ? 'reproduced' : p.interior && p.pQAbove1AtPeak > 0 ? 'partly reproduced' : 'not reproduced';
  const last = [...rows].sort((a, b) => b.depth - a.depth)[0]!;
  const peakRow = rows.find((r) => r.depth === p.peakDepth)!;
  return {
    id: 'T1', claim, verdict, rule: T1_RULE,
    evidence: `max mean Q = ${r3(p.peakMeanQ)} at L=${p.peakDepth} (${p.interior ? 'interior' : 'at the grid edge'}; P(Q>1) = ${r3(p.pQAbove1AtPeak)}, ${r3(peakRow.shareTrained)} of the networks trained there); mean Q at the largest depth L=${last.depth} = ${r3(p.meanQAtLargestDepth)}, where ${r3(last.shareTrained)} trained (mean final loss ${e2(last.meanFinalLoss)}).`,
  };
}

// ---------------------------------------------------------------------------------------------
// T2

export const T2_RULE =
  'SGD from a Gaussian initialisation, one row per (eta, B): x = eta / B, y = the change of the Hill index of |W_ij| (mean over layers) in training, after minus before, paired per network and averaged over the networks. (i) tails heavier than at initialisation: at the largest eta / B, mean change + 2 s.e. < 0; (ii) the index falls with eta / B: Kendall\'s tau between eta / B and the mean change is <= -0.5. Reproduced if (i) and (ii) hold; partly reproduced if one holds; not reproduced if neither; not run if every network diverged.';

/** Per (eta, B): the ratio eta / B_eff (section 7.7), the Hill index before and after, its paired change (mean, s.e.), Q, loss, divergence. */
export interface T2Row {
  lr: number;
  batch: number;
  ratio: number;
  networks: number;
  diverged: number;
  hillBefore: number | null;
  hillAfter: number | null;
  /** Mean over networks of (Hill after - Hill before), and its standard error. */
  hillChange: number | null;
  hillChangeStderr: number | null;
  powerLawBefore: number | null;
  powerLawAfter: number | null;
  meanQ: number | null;
  stderrQ: number | null;
  meanFinalLoss: number | null;
  shareTrained: number;
}

export function t2Rows(rows: readonly TrainSweepRow[], records: readonly TrainSweepRecord[]): T2Row[] {
  return rows.map((r) => {
    const own = records.filter((x) => x.lr === r.lr && x.batch === r.batch && x.depth === r.depth).sort((a, b) => a.network - b.network);
    const d = own.filter((x) => !x.diverged && x.hillAfter !== null && x.hillBefore !== null).map((x) => x.hillAfter! - x.hillBefore!);
    const change = d.length === 0 ? null : meanAndSd(d);
    const patterns = own[0]?.patterns ?? 1;
    const B = r.batch === 0 || r.batch > patterns ? patterns : r.batch;
    return {
      lr: r.lr, batch: r.batch, ratio: r.lr / B, networks: r.networks, diverged: r.diverged,
      hillBefore: r.meanHillBefore, hillAfter: r.meanHillAfter,
      hillChange: change?.mean ?? null, hillChangeStderr: change?.sd == null ? null : change.sd / Math.sqrt(d.length),
      powerLawBefore: r.meanPowerLawBefore, powerLawAfter: r.meanPowerLawAfter,
      meanQ: r.meanQ, stderrQ: r.stderrQ, meanFinalLoss: r.meanFinalLoss, shareTrained: r.shareTrained,
    };
  }).sort((a, b) => a.ratio - b.ratio || a.lr - b.lr);
}

/** Kendall's tau-a (7.11) between two equally long lists (ties count 0). */
export function kendallTau(x: readonly number[], y: readonly number[]): number {
  let s = 0, n = 0;
  for (let i = 0; i < x.length; i++) for (let j = i + 1; j < x.length; j++) {
    s += Math.sign(x[i]! - x[j]!) * Math.sign(y[i]! - y[j]!);
    n++;
  }
  return n === 0 ? 0 : s / n;
}

export function t2Verdict(rows: readonly T2Row[]): ClaimVerdict {
  const claim = 'Heavy tails arise in training: with SGD the tail index of the weights falls below its value at initialisation, and falls as eta / B grows; Q is counted in those networks.';
  const ok = rows.filter((r) => r.hillChange !== null);
  if (ok.length === 0) return { id: 'T2', claim, verdict: 'not run', rule: T2_RULE, evidence: 'every network diverged (or no Hill index could be computed).' };
  const top = ok.reduce((a, b) => (b.ratio > a.ratio || (b.ratio === a.ratio && b.lr > a.lr) ? b : a));
  const heavier = top.hillChange! + 2 * (top.hillChangeStderr ?? 0) < 0;
  const tau = kendallTau(ok.map((r) => r.ratio), ok.map((r) => r.hillChange!));
  const falls = ok.length >= 3 && tau <= -0.5;
  const verdict: Verdict = heavier && falls ? 'reproduced' : heavier || falls ? 'partly reproduced' : 'not reproduced';
  const first = ok[0]!;
  const diverged = rows.reduce((a, r) => a + r.diverged, 0);
  return {
    id: 'T2', claim, verdict, rule: T2_RULE,
    evidence: `change of the Hill index in training: ${r3(first.hillChange)} at eta/B = ${r3(first.ratio)}, ${r3(top.hillChange)} +- ${r3(top.hillChangeStderr)} at the largest eta/B = ${r3(top.ratio)} (Hill ${r3(top.hillBefore)} -> ${r3(top.hillAfter)}; ${heavier ? 'heavier than at initialisation' : 'not significantly heavier than at initialisation'}); Kendall tau(eta/B, change) = ${tau.toFixed(3)} over ${ok.length} (eta, B) points; mean Q at the largest eta/B = ${r3(top.meanQ)}; ${diverged} networks diverged.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Run, tables, figures

export async function runTrainingClaims(ctx: TrainedClaimContext): Promise<TrainedClaimOutput> {
  const sizes = TRAINING_SCALES[ctx.scale];
  const files: string[] = [];
  const t1 = await sweepSection(ctx, { ...sizes.t1, seed: ctx.seed }, 't1.jsonl', 'T1: trained heavy-tail networks, Q over depth');
  files.push('t1.jsonl');
  const t2 = await sweepSection(ctx, { ...sizes.t2, seed: ctx.seed }, 't2.jsonl', 'T2: tail index after SGD vs eta / B');
  files.push('t2.jsonl');
  if (ctx.shard) return { verdicts: [], markdown: '', summary: {}, files };
  const v1 = t1Verdict(t1.summary);
  const rows2 = t2Rows(t2.summary, t2.records);
  const v2 = t2Verdict(rows2);

  const t1Rows = [...t1.summary].sort((a, b) => a.depth - b.depth);
  const c1 = sizes.t1;
  const series: Series[] = [
    { name: 'mean Q, all networks', x: t1Rows.map((r) => r.depth), y: t1Rows.map((r) => r.meanQ ?? 0), yErr: t1Rows.map((r) => r.stderrQ ?? 0), mode: 'both' },
    { name: 'mean Q, trained networks', x: t1Rows.filter((r) => r.meanQTrained !== null).map((r) => r.depth), y: t1Rows.filter((r) => r.meanQTrained !== null).map((r) => r.meanQTrained!), mode: 'scatter', marker: 'square' },
    { name: `share trained x ${c1.patterns}`, x: t1Rows.map((r) => r.depth), y: t1Rows.map((r) => r.shareTrained * c1.patterns), mode: 'line', dashed: true },
  ];
  writeFigure(ctx.out, 'fig-t1-trained-q', linePlot(series, {
    title: 'T1: Q(N0, L) after training, Cauchy initialisation', xLabel: 'depth L', yLabel: 'stable fixed points Q', xLog: true,
    yDomain: [0, Math.max(2, ...t1Rows.map((r) => (r.meanQ ?? 0) + (r.stderrQ ?? 0)), ...t1Rows.map((r) => r.meanQTrained ?? 0), c1.patterns) * 1.1],
    referenceLines: [{ y: 1, label: 'Q = 1' }],
    caption: `N = ${c1.width}, P = ${c1.patterns} random {${c1.lo}, ${c1.hi}} patterns, sigmoid, W = ${c1.inits[0]!.scale} c (Cauchy, raw), biases from 0, full-batch Adam lr 0.01, ${c1.steps[0]} steps; Q from ${c1.starts} starts; ${c1.networks} networks per depth, error bars 1 s.e.; dashed: share of networks with final loss < ${c1.lossThreshold}, times P.`,
  }), files);

  const ok2 = rows2.filter((r) => r.hillChange !== null);
  const batches = [...new Set(ok2.map((r) => r.batch))].sort((a, b) => a - b);
  const s2: Series[] = batches.map((B) => {
    const rs = ok2.filter((r) => r.batch === B);
    return { name: `B = ${B}`, x: rs.map((r) => r.ratio), y: rs.map((r) => r.hillChange!), yErr: rs.map((r) => r.hillChangeStderr ?? 0), mode: 'both' as const };
  });
  if (s2.length > 0) {
    const lo = Math.min(0, ...ok2.map((r) => r.hillChange! - (r.hillChangeStderr ?? 0)));
    const hi = Math.max(0, ...ok2.map((r) => r.hillChange! + (r.hillChangeStderr ?? 0)));
    writeFigure(ctx.out, 'fig-t2-tail-index', linePlot(s2, {
      title: 'T2: change of the tail index of the weights in SGD training vs eta / B', xLabel: 'eta / B', yLabel: 'Hill index after - before (mean over layers)', xLog: true,
      yDomain: [lo - 0.1 * (hi - lo + 1e-9), hi + 0.1 * (hi - lo + 1e-9)], legend: 'bottom-left',
      referenceLines: [{ y: 0, label: 'no change' }],
      caption: `N = ${sizes.t2.width}, L = ${sizes.t2.depths.join(', ')}, P = ${sizes.t2.patterns} patterns, Gaussian init 4 g / sqrt(N), minibatch SGD, ${sizes.t2.steps[0]} steps, ${sizes.t2.networks} networks per point, change after minus before paired per network, error bars 1 s.e.; Hill estimator with k = floor(sqrt(number of weights)). Below 0 = heavier tail than at initialisation.`,
    }), files);
  }

  const md: string[] = [];
  md.push('## T1. Trained heavy-tail-initialised networks: Q(N0, L) over depth', '');
  md.push(`Sweep \`t1.jsonl\` (network k of a depth is \`jesd train --seed ${ctx.seed}+k\` with these flags): N = ${c1.width}, P = ${c1.patterns} patterns in {${c1.lo}, ${c1.hi}}^N, sigmoid, Cauchy init W = ${c1.inits[0]!.scale} c (raw scaling), biases from 0, full-batch Adam lr 0.01, ${c1.steps[0]} steps; ${c1.networks} networks per depth; Q from ${c1.starts} starts. For comparison, the independent NumPy probe at N = 32, P = 10, W = 4 c / N, Adam lr 0.01, 3000 steps, 300 starts (10 networks; 4 at L >= 16) found Q = 2.7, 6.7, 7.5, 10.1, 9.4, 8.8, 7.6, 1.1, 1, 1 at L = 1, 2, 3, 4, 6, 8, 12, 16, 24, 32.`, '');
  md.push('![T1](fig-t1-trained-q.svg)', '');
  md.push(mdTable(['L', 'networks', 'mean Q', 's.e.', 'P(Q > 1)', 'mean final loss', `share trained (loss < ${c1.lossThreshold})`, 'mean Q, trained only', 'patterns that are attractors', 'Hill before -> after'],
    t1Rows.map((r) => [r.depth, r.networks, r3(r.meanQ), r3(r.stderrQ), r3(r.pQAbove1), e2(r.meanFinalLoss), r3(r.shareTrained), r.trainedNetworks === 0 ? 'none trained' : `${r3(r.meanQTrained)} (${r.trainedNetworks})`, r3(r.shareAttractors), `${r3(r.meanHillBefore)} -> ${r3(r.meanHillAfter)}`])));
  md.push('');
  md.push('## T2. Heavy tails arising in training: tail index vs eta / B', '');
  md.push(`Sweep \`t2.jsonl\`: N = ${sizes.t2.width}, L = ${sizes.t2.depths.join(', ')}, P = ${sizes.t2.patterns} patterns, Gaussian init 4 g / sqrt(N), minibatch SGD (no momentum), ${sizes.t2.steps[0]} steps, ${sizes.t2.networks} networks per (eta, B). Hill: mean over layers of the Hill index of |W_ij| (theory/08 (8.6)); PL: the Clauset-Shalizi-Newman exponent of the ESD of W^T W ((8.7)-(8.8)), mean over layers where the fit exists.`, '');
  if (s2.length > 0) md.push('![T2](fig-t2-tail-index.svg)', '');
  md.push(mdTable(['eta', 'B', 'eta / B', 'networks', 'diverged', 'Hill before', 'Hill after', 'change (s.e.)', 'PL before -> after', 'mean Q (s.e.)', 'mean final loss', 'share trained'],
    rows2.map((r) => [r.lr, r.batch, r3(r.ratio), r.networks, r.diverged, r3(r.hillBefore), r3(r.hillAfter), `${r3(r.hillChange)} (${r3(r.hillChangeStderr)})`, `${r3(r.powerLawBefore)} -> ${r3(r.powerLawAfter)}`, `${r3(r.meanQ)} (${r3(r.stderrQ)})`, e2(r.meanFinalLoss), r3(r.shareTrained)])));
  md.push('');
  return { verdicts: [v1, v2], markdown: md.join('\n'), summary: { t1: t1.summary, t2: rows2 }, files };
}
