/**
 * `jesd reproduce`: the fixed-point study (arXiv 2501.04182) end to end, on built-in defaults
 * (docs/claims.md). The study is a list of sections (src/report/claims/index.ts CLAIMS), each one
 * claim or a few claims sharing their data, each with a resumable JSON Lines file in the output
 * directory:
 *
 * 1. light.jsonl  light tails: Q(N, L) over a grid of N and L (runSweep, Gaussian weights);
 * 2. heavy.jsonl  heavy tails: Q(N0, L) over depth (runSweep, Cauchy weights), beside the Q curve
 *                 predicted from the ESD equation (src/predict/);
 * 3. esd.jsonl    the ESD of J J^T at stable fixed points, sampled vs predicted, for a few (N, L);
 * 4. basins.jsonl basins of attraction of one heavy-tailed network in 2-D slices;
 *    theory.jsonl caches the predictions the sections ask for (src/report/claims/theory.ts), so a
 *    resumed run does not recompute them.
 *
 * This module runs the sections (src/report/claims/section.ts describes the phases), then writes
 * report.md (src/report/markdown.ts: parameters, versions, seeds, tables, a verdict per claim by
 * stated rules, timings in a separate marked section), the figures and summary.json.
 *
 * Determinism: every unit depends only on (seed, grid point, network index) (see
 * src/montecarlo/sweep.ts and ./units.ts); everything aggregated is sorted by unit key before it
 * is summed; so the report (minus its timings section) is the same for any worker count, and a
 * killed run resumed with `resume: true` ends with the same report as an uninterrupted one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidSpecError, OutputFileError, ResultStoreError, requireInteger } from '../errors.ts';
import { ensureOutputDirectory, writeOutputFile } from '../io/files.ts';
import { acquireLock } from '../montecarlo/lock.ts';
import { studySpec } from '../spec/presets.ts';
import { createProgress } from '../montecarlo/progress.ts';
import { SCALES } from './scales.ts';
import { CLAIMS } from './claims/index.ts';
import type { ClaimContext, ClaimReport, ClaimSection, ReproduceOptions, SpecBase, WeightedTheoryUnit } from './claims/section.ts';
import { runTheoryStage, THEORY_FILE, THEORY_RUN_FILES } from './claims/theory.ts';
import { reportMarkdown, timingsMarkdown } from './markdown.ts';
import { readShardFile, SHARD_FILE, SHARD_FORMAT, SHARD_VERSION, writeShardFile, type ShardFile } from './shardFile.ts';
import { packageVersion } from '../version.ts';
import type { TheoryRecord } from './units.ts';
import type { ClaimVerdict } from './verdicts.ts';

export interface ReproductionResult {
  out: string;
  files: string[];
  verdicts: ClaimVerdict[];
  timings: Record<string, number>;
}

export async function runReproduction(opts: ReproduceOptions): Promise<ReproductionResult> {
  const scale = SCALES[opts.scale];
  if (!scale) throw new InvalidSpecError('--scale', `must be one of ${Object.keys(SCALES).join('|')}, got ${JSON.stringify(opts.scale)}`);
  requireInteger('--workers', opts.workers, 1, 4096);
  requireInteger('--seed', opts.seed, 0);
  const out = opts.out;
  if (opts.resume && opts.force) throw new InvalidSpecError('--force', 'cannot be combined with --resume (--force starts over, --resume continues)');
  // Only the last component of --out is created; the whole directory is locked for the run.
  ensureOutputDirectory('--out', out);
  const lock = acquireLock(join(out, REPRODUCE_LOCK), { flag: '--out', target: out });
  try {
    if (!opts.resume && !opts.force) {
      const earlier = earlierRunFiles(out);
      if (earlier.length > 0) {
        throw new OutputFileError('--out', out, `--out: ${out} holds an earlier run (${earlier.slice(0, 3).join(', ')}${earlier.length > 3 ? ', ...' : ''}); add --resume to continue it or --force to replace it`, 2);
      }
    }
    if (opts.shard !== undefined) checkShardDirectory(opts, out);
    else if (opts.resume && existsSync(join(out, SHARD_FILE))) {
      const held = readShardFile(join(out, SHARD_FILE)).shard;
      throw new ResultStoreError(`--resume: ${out} holds shard ${held.index}/${held.count} of a sharded run; resume it with --shard ${held.index}/${held.count}, or join the shards with jesd merge`);
    }
    return await reproduceLocked(opts, out);
  } catch (e) {
    // A section store of another --scale or --seed names the internal grid flag (e.g. "--width
    // differs"); the user typed --scale and --seed, so name those.
    if (opts.resume && e instanceof ResultStoreError && /differs from the run recorded/.test(e.message)) {
      const file = /recorded in (\S+)/.exec(e.message)?.[1] ?? out;
      throw new ResultStoreError(`--resume: ${out} holds a run made with another --scale or --seed (its grid in ${file} differs); repeat that run's --scale and --seed, or use --force to replace it`);
    }
    throw e;
  } finally {
    lock.release();
  }
}

/** Lock file of a reproduction directory while a run writes it. */
export const REPRODUCE_LOCK = 'reproduce.lock';

/** Files of `jesd reproduce` (besides figures) whose presence marks an earlier run in a directory. */
const RUN_FILES = [...CLAIMS.flatMap((c) => c.runFiles), ...THEORY_RUN_FILES, 'report.md', 'summary.json', SHARD_FILE];

/**
 * A shard directory names its shard in shard.json from its first unit on, with `finished: false`
 * until every unit of the shard is stored; `jesd merge` takes finished shards only. A directory is
 * resumed only as the shard it holds, so two shards never share one directory.
 */
function checkShardDirectory(opts: ReproduceOptions, out: string): void {
  const shard = opts.shard!;
  requireInteger('--shard', shard.count, 1);
  requireInteger('--shard', shard.index, 1, shard.count);
  const path = join(out, SHARD_FILE);
  if (opts.resume && earlierRunFiles(out).length > 0) {
    const held = existsSync(path) ? readShardFile(path) : null;
    if (held === null) throw new ResultStoreError(`--resume: ${out} holds a run that is not a shard; resume it without --shard, or give each shard its own --out`);
    if (held.shard.index !== shard.index || held.shard.count !== shard.count) {
      throw new ResultStoreError(`--resume: ${out} holds shard ${held.shard.index}/${held.shard.count}, not ${shard.index}/${shard.count}; give each shard its own --out`);
    }
  }
  writeShardFile(path, shardDescription(opts, false));
}

/** What shard.json says of a shard of this run. */
function shardDescription(opts: ReproduceOptions, finished: boolean): ShardFile {
  return { format: SHARD_FORMAT, version: SHARD_VERSION, package: packageVersion(), scale: opts.scale, seed: opts.seed, shard: opts.shard!, finished };
}

/** timings.json: wall time per stage of this invocation (kept out of the report's compared part and of every record). */
function writeTimings(out: string, opts: ReproduceOptions, timings: Record<string, number>): void {
  const ms = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)]));
  writeOutputFile('--out', join(out, 'timings.json'), JSON.stringify({ workers: opts.workers, resumed: opts.resume, ...(opts.shard ? { shard: opts.shard } : {}), ms }, null, 2) + '\n');
}

/** The files of an earlier reproduction found in `out` (a record file or its run description counts). */
export function earlierRunFiles(out: string): string[] {
  return RUN_FILES.filter((f) => existsSync(join(out, f)));
}

async function reproduceLocked(opts: ReproduceOptions, out: string): Promise<ReproductionResult> {
  const scale = SCALES[opts.scale]!;
  const files: string[] = [];
  const timings: Record<string, number> = {};
  const tAll = performance.now();
  const bases: { gaussian: SpecBase; cauchy: SpecBase } = { gaussian: studySpec('gaussian', opts.seed), cauchy: studySpec('cauchy', opts.seed) };
  const results = new Map<ClaimSection<unknown>, unknown>();
  let theory: Map<string, TheoryRecord> | null = null;
  const all = CLAIMS.reduce((acc, c) => acc + c.work(scale), 0);
  // A shard computes about one N-th of the work (the basins and predicted ESDs wait for the merge).
  const total = opts.shard ? Math.ceil(all / opts.shard.count) : all;
  const progress = createProgress({ total, label: 'reproduce', quiet: opts.quiet, ...(opts.stream ? { stream: opts.stream } : {}) });
  const ctx: ClaimContext = {
    scale, opts, out, bases, progress,
    result<R>(section: ClaimSection<R>): R {
      if (!results.has(section as ClaimSection<unknown>)) throw new Error(`reproduce: the result of section ${section.id} is asked for before it ran`);
      return results.get(section as ClaimSection<unknown>) as R;
    },
    theory(key) {
      if (theory === null) throw new Error('reproduce: a theory result is asked for before the theory stage ran');
      return theory.get(key)?.result;
    },
  };

  try {
    // 1. Each section's Monte Carlo units, in order.
    for (const c of CLAIMS) {
      const t = performance.now();
      progress.setSection(c.progressLabel);
      const r = await c.run(ctx);
      results.set(c, r.result);
      files.push(...r.files);
      timings[c.timingLabel] = performance.now() - t;
    }

    // 2. Theory (cached in theory.jsonl).
    let t = performance.now();
    progress.setSection('theory: ESD equation and Q prediction');
    const units: WeightedTheoryUnit[] = CLAIMS.flatMap((c) => c.theoryUnits?.(ctx, results.get(c)) ?? []);
    theory = await runTheoryStage(ctx, units);
    files.push(THEORY_FILE);
    timings['theory'] = performance.now() - t;

    if (opts.shard) {
      // A shard ends here: its records are complete; the report is written by jesd merge.
      timings['total'] = performance.now() - tAll;
      writeTimings(out, opts, timings);
      writeShardFile(join(out, SHARD_FILE), shardDescription(opts, true));
      files.push('timings.json', SHARD_FILE);
      return { out, files, verdicts: [], timings };
    }

    // 3. Verdicts, figures and report. The verdict table lists the study's claims in section
    // order, then the project's own checks (ids starting with P).
    t = performance.now();
    progress.setSection('figures and report');
    const sections: ClaimReport[] = CLAIMS.map((c) => c.report(ctx, results.get(c)));
    for (const s of sections) files.push(...s.files);
    const claimed = sections.flatMap((s) => s.verdicts);
    // The study's claims about untrained networks (C), then about trained ones (T) and their application (A), then the project's checks (P); by number within each.
    const rank = (v: ClaimVerdict) => Math.max(0, 'CTAP'.indexOf(v.id[0]!));
    const verdicts = [...claimed].sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id, 'en', { numeric: true }));
    const report = reportMarkdown({ scale, opts, bases, sections, verdicts, files });
    timings['figures and report'] = performance.now() - t;
    timings['total'] = performance.now() - tAll;
    const summary = { scale: scale.name, seed: opts.seed, verdicts, ...Object.assign({}, ...sections.map((s) => s.summary)) as Record<string, unknown> };
    writeOutputFile('--out', join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    files.push('summary.json');
    writeTimings(out, opts, timings);
    files.push('timings.json');
    writeOutputFile('--out', join(out, 'report.md'), report + '\n' + timingsMarkdown(opts, timings));
    files.unshift('report.md');
    return { out, files, verdicts, timings };
  } finally {
    progress.stop();
  }
}
