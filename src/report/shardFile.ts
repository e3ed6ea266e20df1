/**
 * shard.json: what one shard directory of a sharded `jesd reproduce --shard K/N` run holds (the
 * run's scale and seed, the shard, the package that wrote it, and whether every unit of the shard
 * is stored). Written by src/report/reproduce.ts, read by ./shardMerge.ts.
 */
import { readFileSync } from 'node:fs';
import { ResultStoreError } from '../errors.ts';
import { writeOutputFile } from '../io/files.ts';
import type { SweepShard } from '../montecarlo/records.ts';

export const SHARD_FILE = 'shard.json';
export const SHARD_FORMAT = 'jesd-reproduce-shard';
export const SHARD_VERSION = 1;

export interface ShardFile {
  format: typeof SHARD_FORMAT;
  version: number;
  /** Package name and version (src/version.ts): shards of other versions are not merged. */
  package: string;
  scale: string;
  seed: number;
  shard: SweepShard;
  /** True once every unit of the shard is stored. */
  finished: boolean;
}

export function writeShardFile(path: string, s: ShardFile): void {
  writeOutputFile('--out', path, JSON.stringify(s, null, 2) + '\n');
}

/** Read and check a shard.json; one-line ResultStoreError when it is not one. */
export function readShardFile(path: string): ShardFile {
  let v: Partial<ShardFile>;
  try {
    v = JSON.parse(readFileSync(path, 'utf8')) as Partial<ShardFile>;
  } catch (e) {
    throw new ResultStoreError(`${path} is not a shard description of jesd reproduce: ${(e as Error).message.split('\n')[0]}`);
  }
  const ok = v !== null && typeof v === 'object' && v.format === SHARD_FORMAT && v.version === SHARD_VERSION
    && typeof v.package === 'string' && typeof v.scale === 'string' && Number.isInteger(v.seed) && typeof v.finished === 'boolean'
    && v.shard !== undefined && Number.isInteger(v.shard.index) && Number.isInteger(v.shard.count) && v.shard.index >= 1 && v.shard.index <= v.shard.count;
  if (!ok) throw new ResultStoreError(`${path} is not a shard description of jesd reproduce (format ${SHARD_FORMAT} version ${SHARD_VERSION})`);
  return v as ShardFile;
}
