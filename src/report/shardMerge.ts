/**
 * `jesd merge OUT DIR...` for a sharded reproduction (docs/cluster.md): the N directories written by
 * `jesd reproduce --shard K/N` (one per machine) become one reproduction directory OUT, then the
 * run is completed there as a resumed run: the units that depend on every shard's results (the
 * basins of the heavy-tailed network with the most fixed points, the predicted ESDs on the grids of
 * the sampled spectra) are computed, and report.md, the figures and summary.json are written. The
 * report is the one an unsharded run writes (minus its timings): every record file of OUT holds
 * the same records under the same run description as a single-machine run's, because a shard
 * writes its records under the whole run's description (src/montecarlo/storedUnits.ts `slice`).
 *
 * Refused with one line before OUT is written: a directory that is not a shard, or is unfinished;
 * shards of another run (scale, seed, N or package version differ); a shard given twice or
 * missing; a record file whose run description differs between shards. The
 * resumed run then checks every record's checksum and refuses a record seen twice.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ResultStoreError } from '../errors.ts';
import { ensureOutputDirectory, writeOutputFile } from '../io/files.ts';
import { sidecarPath } from '../montecarlo/jsonlStore.ts';
import { runReproduction, earlierRunFiles, type ReproductionResult } from './reproduce.ts';
import { SCALE_NAMES, type ScaleName } from './scales.ts';
import { readShardFile, SHARD_FILE } from './shardFile.ts';
import { checkShardSet, shardName } from '../montecarlo/merge.ts';

/** Files of a shard directory that the merge does not copy: record descriptions, locks, timings, report, figures. */
const SHARD_OWN = /(\.meta\.json|\.lock|\.timings\.json|\.tmp|^timings\.json|^report\.md|^summary\.json|\.svg|\.png)$/;

export interface ReproduceMergeOptions {
  force?: boolean;
  workers: number;
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
}

export interface ReproduceMergeResult extends ReproductionResult {
  shards: number;
}

/** True when every path names a directory (a reproduce merge rather than a sweep merge). */
export function areDirectories(paths: readonly string[]): boolean {
  return paths.length > 0 && paths.every((p) => existsSync(p) && statSync(p).isDirectory());
}

export async function mergeReproduceShards(out: string, dirs: readonly string[], opts: ReproduceMergeOptions): Promise<ReproduceMergeResult> {
  if (dirs.length === 0) throw new ResultStoreError('merge: give the shard directories to merge after OUT');
  const same = dirs.find((d) => resolve(d) === resolve(out));
  if (same !== undefined) throw new ResultStoreError(`merge: OUT ${out} is also given as a shard; write the merge to another directory`);
  const shards = dirs.map((dir) => {
    const path = join(dir, SHARD_FILE);
    if (!existsSync(path)) throw new ResultStoreError(`merge: ${dir} is not a shard of jesd reproduce (no ${SHARD_FILE}; shards are written by jesd reproduce --shard K/N)`);
    return { dir, file: readShardFile(path) };
  });
  const first = shards[0]!;
  for (const s of shards) {
    const f = s.file;
    if (!f.finished) {
      throw new ResultStoreError(`merge: ${s.dir} holds shard ${shardName(f.shard)} unfinished; complete it with jesd reproduce --shard ${shardName(f.shard)} --scale ${f.scale} --seed ${f.seed} --resume --out ${s.dir}`);
    }
    for (const k of ['scale', 'seed', 'package'] as const) {
      if (f[k] !== first.file[k]) throw new ResultStoreError(`merge: ${s.dir} is a shard of another run than ${first.dir}: ${k} is ${f[k]} there, ${first.file[k]} in ${first.dir}`);
    }
  }
  checkShardSet(shards.map((s) => ({ name: s.dir, shard: s.file.shard })));
  if (!(SCALE_NAMES as readonly string[]).includes(first.file.scale)) throw new ResultStoreError(`merge: ${first.dir} names an unknown scale ${first.file.scale}`);

  // Every record file (with its run description) of every shard, in shard order.
  const ordered = [...shards].sort((a, b) => a.file.shard.index - b.file.shard.index).map((s) => s.dir);
  const recordFiles = [...new Set(ordered.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.jsonl'))))].sort();
  const merged: { file: string; meta: string; lines: string }[] = [];
  for (const file of recordFiles) {
    let meta: string | null = null;
    const parts: string[] = [];
    for (const dir of ordered) {
      const path = join(dir, file);
      // A section with fewer units than shards (A1 is one unit) leaves some shards without its file.
      if (!existsSync(path)) continue;
      if (!existsSync(sidecarPath(path))) throw new ResultStoreError(`merge: ${path} has no run description ${sidecarPath(path)}`);
      const m = readFileSync(sidecarPath(path), 'utf8');
      if (meta !== null && m !== meta) throw new ResultStoreError(`merge: ${sidecarPath(path)} differs from that of ${join(ordered[0]!, file)}: the shards were not run with the same parameters`);
      meta = m;
      const text = readFileSync(path, 'utf8');
      if (text !== '' && !text.endsWith('\n')) throw new ResultStoreError(`merge: ${path} ends with a partial line; resume that shard first`);
      parts.push(text);
    }
    merged.push({ file, meta: meta!, lines: parts.join('') });
  }

  ensureOutputDirectory('merge OUT', out);
  const earlier = earlierRunFiles(out);
  if (earlier.length > 0 && !opts.force) throw new ResultStoreError(`merge: ${out} holds an earlier run (${earlier.slice(0, 3).join(', ')}); choose another OUT or add --force`);
  // --force: the earlier run's records go, so none of them is taken for a unit of this one.
  for (const f of earlier) rmSync(join(out, f), { force: true });
  for (const m of merged) {
    writeOutputFile('merge OUT', join(out, m.file), m.lines);
    writeOutputFile('merge OUT', sidecarPath(join(out, m.file)), m.meta);
  }
  // Other files a shard wrote (the trained A1 network) are kept; the report, figures and timings are rewritten.
  for (const dir of ordered) {
    for (const f of readdirSync(dir)) {
      if (SHARD_OWN.test(f) || recordFiles.includes(f) || f === SHARD_FILE || existsSync(join(out, f))) continue;
      copyFileSync(join(dir, f), join(out, f));
    }
  }
  const result = await runReproduction({
    scale: first.file.scale as ScaleName, seed: first.file.seed, out, workers: opts.workers, resume: true,
    ...(opts.quiet ? { quiet: true } : {}), ...(opts.stream ? { stream: opts.stream } : {}),
  });
  return { ...result, shards: first.file.shard.count };
}
