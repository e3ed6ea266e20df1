/**
 * Merging the shards of a sweep (`jesd sweep --shard K/N` on several machines, then `jesd merge`).
 *
 * Shard K of N holds the units whose position i in the grid order has i mod N = K - 1
 * (records.ts shardUnits), in its own store whose run description carries `shard: {index, count}`.
 * `mergeSweepShards` checks that the files are the N shards of one run and writes OUT exactly as a
 * single-machine run of that sweep writes its file: the same records in unit order, each with the
 * checksum of the unsharded run, and the same run description (without the shard). Refusals are
 * ResultStoreError (CLI exit 2), one line naming the file:
 * - a file that is not a sweep file, is edited (checksums), or is not a shard;
 * - a shard of another run (any parameter apart from the shard differs from the first file's);
 * - a shard given twice, or a shard missing;
 * - an unfinished shard (fewer records than its units: resume it first) or a record outside its shard.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ResultStoreError } from '../errors.ts';
import { sidecarPath } from './jsonlStore.ts';
import { checkOutputPath } from '../io/files.ts';
import { recordKey, shardUnits, sweepUnits, unitKey, type SweepConfig, type SweepRecord, type SweepShard, type SweepSummaryRow } from './records.ts';
import { configMismatch, openSweepStore, readSweepFile, type CanonicalSweepConfig } from './store.ts';
import { summarizeSweep } from './summary.ts';

export interface MergeResult {
  /** The run's config (without shard), rebuilt from the shards' description. */
  config: SweepConfig;
  records: SweepRecord[];
  summary: SweepSummaryRow[];
  shards: number;
}

/** The SweepConfig a canonical description stands for (the inverse of canonicalConfig, shard dropped). */
export function configFromCanonical(c: CanonicalSweepConfig): SweepConfig {
  const law = (l: { name: string; alpha: number | null; scale: number }) => ({ name: l.name, scale: l.scale, ...(l.alpha === null ? {} : { alpha: l.alpha }) });
  return {
    widths: [...c.widths],
    depths: [...c.depths],
    weightLaws: c.weightLaws.map(law) as SweepConfig['weightLaws'],
    base: {
      activation: c.base.activation,
      bias: c.base.bias === null ? null : law(c.base.bias),
      scaling: c.base.scaling,
      seed: c.base.seed,
    } as SweepConfig['base'],
    networks: c.networks,
    starts: c.starts,
    fixedPointOptions: { ...c.fixedPointOptions } as SweepConfig['fixedPointOptions'],
  };
}

const nonEmpty = (p: string) => existsSync(p) && statSync(p).size > 0;

export const shardName = (s: { index: number; count: number }) => `${s.index}/${s.count}`;

/**
 * Check that `shards` (each named by its file or directory) are shards 1..N of one run, each once:
 * the same N, no index twice, none missing (`jesd merge` of sweeps and of reproductions).
 */
export function checkShardSet(shards: readonly { name: string; shard: SweepShard }[]): void {
  const first = shards[0]!;
  const count = first.shard.count;
  const byIndex = new Map<number, string>();
  for (const s of shards) {
    if (s.shard.count !== count) throw new ResultStoreError(`merge: ${s.name} is shard ${shardName(s.shard)}, ${first.name} is shard ${shardName(first.shard)}: the shards of one run have the same N`);
    const twin = byIndex.get(s.shard.index);
    if (twin !== undefined) throw new ResultStoreError(`merge: shard ${shardName(s.shard)} is given twice (${twin} and ${s.name})`);
    byIndex.set(s.shard.index, s.name);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((k) => !byIndex.has(k));
  if (missing.length > 0) {
    throw new ResultStoreError(`merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((k) => `${k}/${count}`).join(', ')} of ${first.name}'s run ${missing.length > 1 ? 'are' : 'is'} missing`);
  }
}

/**
 * Check `shardPaths` (the N shard files of one sweep, any order) and write their merge to `out`
 * (refused when `out` holds records unless `force`). See the module comment for what is checked.
 */
export function mergeSweepShards(out: string, shardPaths: readonly string[], opts: { force?: boolean } = {}): MergeResult {
  if (shardPaths.length === 0) throw new ResultStoreError('merge: give the shard files to merge after OUT');
  checkOutputPath('OUT', out);
  const same = shardPaths.find((p) => resolve(p) === resolve(out));
  if (same !== undefined) throw new ResultStoreError(`merge: OUT ${out} is also given as a shard; write the merge to another file`);
  if (!opts.force && (nonEmpty(out) || existsSync(sidecarPath(out)))) throw new ResultStoreError(`merge: OUT ${out} exists; add --force to overwrite it`);
  const shards = shardPaths.map((path) => {
    const file = readSweepFile(path, 'merge');
    const shard = file.header.config.shard;
    if (shard === undefined) throw new ResultStoreError(`merge: ${path} is a whole sweep, not a shard (shards are written by jesd sweep --shard K/N)`);
    return { path, file, shard };
  });
  const first = shards[0]!;
  const { shard: _s, ...runConfig } = first.file.header.config;
  const count = first.shard.count;
  for (const s of shards) {
    const { shard: _x, ...other } = s.file.header.config;
    const m = configMismatch(runConfig as CanonicalSweepConfig, other as CanonicalSweepConfig);
    if (m !== null) throw new ResultStoreError(`merge: ${s.path} is a shard of another run than ${first.path}: ${m[0]} differs (${m[1]} there, ${m[2]} here)`);
  }
  checkShardSet(shards.map((s) => ({ name: s.path, shard: s.shard })));

  const config = configFromCanonical(runConfig as CanonicalSweepConfig);
  const all = sweepUnits(config);
  const byKey = new Map<string, SweepRecord>();
  for (const s of shards) {
    const mine = new Set(shardUnits(all, s.shard).map(unitKey));
    if (s.file.truncatedTail) throw new ResultStoreError(`merge: ${s.path} (shard ${shardName(s.shard)}) ends with a partial record; finish it with its jesd sweep command and --resume`);
    s.file.records.forEach((r, i) => {
      const key = recordKey(r);
      if (!mine.has(key)) throw new ResultStoreError(`merge: ${s.path} line ${i + 1} (${key}) is not a unit of shard ${shardName(s.shard)}`);
      if (byKey.has(key)) throw new ResultStoreError(`merge: ${s.path} line ${i + 1} repeats record ${key}`);
      byKey.set(key, r);
    });
    const have = s.file.records.length;
    if (have !== mine.size) throw new ResultStoreError(`merge: ${s.path} (shard ${shardName(s.shard)}) is unfinished: ${have} of ${mine.size} networks; finish it with its jesd sweep command and --resume`);
  }
  const records = all.map((u) => byKey.get(unitKey(u))!);
  const store = openSweepStore(out, config, { force: opts.force });
  try {
    store.appendAll(records);
  } finally {
    store.close();
  }
  return { config, records, summary: summarizeSweep(records), shards: count };
}
