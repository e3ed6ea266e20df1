/**
 * The common interface of the sections of `jesd reproduce` (one claim, or a few claims that share
 * their data, per section) and the helpers their tables and figures share. A section is one module
 * in this folder exporting a `ClaimSection`, listed with one line in CLAIMS (./index.ts); the run
 * (src/report/reproduce.ts) and the report assembly (src/report/markdown.ts) only loop over CLAIMS.
 *
 * A run has three phases:
 * 1. `run`, in CLAIMS order: the section's Monte Carlo units, appended to its own resumable JSON
 *    Lines file(s) in the output directory; it may read the results of sections listed before it
 *    (`ctx.result(otherSection)`).
 * 2. The theory stage (./theory.ts): every section's `theoryUnits` (predictions computed from the
 *    spec, cached in theory.jsonl so a resumed run does not recompute them), run together.
 * 3. `report`, in CLAIMS order: verdicts, figures (written into the output directory), the
 *    section's Markdown, its lines of "What was run" and its entries of summary.json; it may read
 *    every section's result and every theory result.
 */
import { join } from 'node:path';
import { fileError, writeOutputFile } from '../../io/files.ts';
import type { ProgressReporter } from '../../montecarlo/progress.ts';
import type { NetworkSpec } from '../../spec/networkSpec.ts';
import { shardUnits, type SweepShard } from '../../montecarlo/records.ts';
import type { ReproductionScale, ScaleName } from '../scales.ts';
import { svgToPng } from '../../plot/svg.ts';
import type { TheoryRecord, TheoryUnit } from '../units.ts';
import type { ClaimVerdict } from '../verdicts.ts';

/** A network spec without its size: the study's configuration for one law of weights. */
export type SpecBase = Omit<NetworkSpec, 'N' | 'L'>;

export interface ReproduceOptions {
  scale: ScaleName;
  out: string;
  workers: number;
  seed: number;
  resume: boolean;
  /** Replace an earlier run in `out` (without it, and without `resume`, an earlier run is refused). */
  force?: boolean;
  /** No progress output. */
  quiet?: boolean;
  /** Where progress and log lines go (default stderr). */
  stream?: NodeJS.WriteStream;
  /**
   * One shard of the run (`--shard K/N`): every section computes only the units at positions i of
   * its unit list with shardOf(i, N) = K, and units that depend on another section's results wait
   * for the merge (src/report/shardMerge.ts); no report is written.
   */
  shard?: SweepShard;
}

/** What every section sees. */
export interface ClaimContext {
  scale: ReproductionScale;
  opts: ReproduceOptions;
  /** Output directory (exists, locked for the run). */
  out: string;
  /** The `study` preset's network configuration with light-tailed (Gaussian) and heavy-tailed (Cauchy) weights. */
  bases: { gaussian: SpecBase; cauchy: SpecBase };
  progress: ProgressReporter;
  /** The result of a section's `run` (a section listed before the caller, or any section in `report`). */
  result<R>(section: ClaimSection<R>): R;
  /** The record of a theory unit by key (phase 3 only; undefined when the unit was not run). */
  theory(key: string): TheoryRecord['result'] | undefined;
}

/** A theory unit with its progress weight (in "sampled networks"; only the ETA uses it). */
export interface WeightedTheoryUnit {
  unit: TheoryUnit;
  weight: number;
}

/** What a section contributes to report.md and summary.json. */
export interface ClaimReport {
  verdicts: ClaimVerdict[];
  /** Bullets of the report's "What was run" list (without the leading "- "). */
  whatWasRun: string[];
  /** Heading of the section's part of report.md (numbered by the assembly). */
  heading: string;
  /** Body of that part (Markdown; figures it embeds are already written). */
  markdown: string[];
  /** Entries of summary.json, in order. */
  summary: Record<string, unknown>;
  /** Files written in this phase (figures), in order. */
  files: string[];
}

export interface ClaimSection<R> {
  /** Short name (used in messages). */
  id: string;
  /** Files of the output directory that mark an earlier run (record files and their descriptions). */
  runFiles: string[];
  /** Progress label while the section runs, and the name of its row in the timings table. */
  progressLabel: string;
  timingLabel: string;
  /** Units of progress the whole section counts (in "sampled networks"), including its theory units. */
  work(scale: ReproductionScale): number;
  /** Phase 1: compute (resumably), write the section's records, list the files written. */
  run(ctx: ClaimContext): Promise<{ result: R; files: string[] }>;
  /** Phase 2 input: theory units this section needs, in order. Units it counted in `work` but does not need are skipped in progress here. */
  theoryUnits?(ctx: ClaimContext, result: R): WeightedTheoryUnit[];
  /** Phase 3. */
  report(ctx: ClaimContext, result: R): ClaimReport;
}

/**
 * Pool options for units that can take minutes (a Kac-Rice depth, an ESD sample at N = 100, a
 * theory point at the paper scale): with more than one worker the main thread computes none of
 * them, so Ctrl-C is handled at once instead of after the unit the main thread is in.
 */
export function longUnitPool(ctx: ClaimContext): { workers: number; mainThreadWorks: boolean } {
  return { workers: ctx.opts.workers, mainThreadWorks: ctx.opts.workers === 1 };
}

/**
 * The records of `units` (a section's whole list) that a store holds, in unit order, after the
 * run: every unit of this run must be there (a shard's records are its own units' only).
 */
export function storedRecords<U extends { key: string }, R>(ctx: ClaimContext, units: readonly U[], done: ReadonlyMap<string, R>): R[] {
  const missing = unitsOfRun(ctx, units).find((u) => !done.has(u.key));
  if (missing !== undefined) throw new Error(`reproduce: unit ${missing.key} has no record after its section ran`);
  return units.flatMap((u) => done.get(u.key) ?? []);
}

/** The units of `units` (a section's whole list, in its fixed order) that this run computes: all, or its shard's. */
export function unitsOfRun<U>(ctx: ClaimContext, units: readonly U[]): U[] {
  return shardUnits(units, ctx.opts.shard);
}

// ---------------------------------------------------------------------------------------------
// Shared formatting

export const r3 = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(3));
export const sci = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 1e-2 && Math.abs(v) < 1e4 ? v.toPrecision(4) : v.toExponential(3));

export function mdTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Write figure `name` as SVG and PNG into `out`; push both file names onto `files`. */
export function writeFigure(out: string, name: string, svg: string, files: string[]): void {
  writeOutputFile('--out', join(out, `${name}.svg`), svg);
  const png = join(out, `${name}.png`);
  try {
    svgToPng(svg, png);
  } catch (e) {
    throw fileError('--out', png, e);
  }
  files.push(`${name}.svg`, `${name}.png`);
}

/**
 * Progress weight of a theory unit at depth L, in "sampled networks" of the heavy-tailed sweep: a
 * population solve costs about 0.7 of them per layer at population 800 x 40 sweeps, and scales
 * with population x sweeps (measured on the paper run: 36 points, 938 layers in all at population
 * 3000 x 80 sweeps, took about 11.5 CPU-minutes, a heavy-tailed network 0.155 CPU-seconds). Only
 * the ETA uses it.
 */
export function theoryWeight(scale: ReproductionScale, L: number): number {
  return Math.max(1, Math.round(0.7 * L * (scale.theory.populationSize * scale.theory.sweeps) / (800 * 40)));
}

/**
 * An `onProgress(done)` for the resumable runners (runSweep, runTrainSweep) that moves the shared
 * bar: their first report counts the units a resume found done, which move the bar, not the ETA.
 */
export function cumulativeProgress(progress: ProgressReporter): (done: number) => void {
  let last = -1;
  return (done) => {
    if (last < 0) progress.skip(done);
    else progress.add(done - last);
    last = done;
  };
}
