/**
 * What the two Q(N, L) sections (light.ts, heavy.ts) share: the sweep configuration from a scale's
 * grid and the study's network configuration, the resumable sweep run with its progress, and the
 * per-grid-point Q statistics.
 */
import { join } from 'node:path';
import { groupBy } from '../../montecarlo/summary.ts';
import { meanAndSd } from '../../numerics/stats.ts';
import { runSweep, type SweepResult } from '../../montecarlo/sweep.ts';
import type { SweepConfig, SweepRecord } from '../../montecarlo/records.ts';
import type { QGrid, ReproductionScale } from '../scales.ts';
import type { QRow } from '../verdicts.ts';
import { cumulativeProgress, type ClaimContext, type SpecBase } from './section.ts';

export function sweepConfig(grid: QGrid, base: SpecBase, scale: ReproductionScale): SweepConfig {
  const { weights, ...rest } = base;
  return {
    widths: grid.widths, depths: grid.depths, weightLaws: [weights], base: rest,
    networks: grid.networks, starts: grid.starts, fixedPointOptions: { ...scale.fixedPointOptions },
  };
}

/** Units of progress of a sweep over `grid`. */
export function sweepWork(grid: QGrid): number {
  return grid.widths.length * grid.depths.length * grid.networks;
}

/** Run `config` (resumably) into out/`file`, moving the progress bar. */
export async function runSweepSection(ctx: ClaimContext, config: SweepConfig, file: string): Promise<SweepResult> {
  const { opts } = ctx;
  return runSweep(config, { out: join(ctx.out, file), resume: opts.resume, force: !opts.resume, workers: opts.workers, quiet: true, onProgress: cumulativeProgress(ctx.progress), slice: opts.shard });
}

/** Per-grid-point Q statistics from sweep records (sorted by network index before summing). */
export function qRows(records: readonly SweepRecord[]): QRow[] {
  const groups = groupBy(records, (r) => `${r.width}|${r.depth}`);
  const rows: QRow[] = [];
  for (const g0 of groups.values()) {
    const g = [...g0].sort((a, b) => a.network - b.network);
    const n = g.length;
    const { mean, sd } = meanAndSd(g.map((r) => r.Q));
    const stderr = sd === null ? null : sd / Math.sqrt(n);
    rows.push({
      width: g[0]!.width, depth: g[0]!.depth, networks: n, meanQ: mean, stderrQ: stderr,
      minQ: Math.min(...g.map((r) => r.Q)), maxQ: Math.max(...g.map((r) => r.Q)),
      pQAbove1: g.filter((r) => r.Q > 1).length / n, pQEquals1: g.filter((r) => r.Q === 1).length / n,
      pQEquals0: g.filter((r) => r.Q === 0).length / n,
    });
  }
  return rows.sort((a, b) => a.width - b.width || a.depth - b.depth);
}
