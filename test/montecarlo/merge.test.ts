// Sharded sweeps in process (synthetic unit): slices are disjoint and complete, the merge equals one
// run's file, and jesd merge refuses a foreign, whole, unfinished or edited shard naming the file.
// test/cli/commands/merge.slow.test.ts runs the shards as separate bin/jesd processes.
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultStoreError } from '../../src/errors.ts';
import { mergeSweepShards } from '../../src/montecarlo/merge.ts';
import { runSweep } from '../../src/montecarlo/sweep.ts';
import { shardOf, shardUnits, sweepUnits, unitKey } from '../../src/montecarlo/records.ts';
import { smallSweepConfig } from '../fixtures/sweep.ts';

const dir = mkdtempSync(join(tmpdir(), 'jesd-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mergeSweepShards refusals (in process, synthetic unit)', () => {
  const SYNTH = { url: new URL('../../src/montecarlo/syntheticUnit.ts', import.meta.url).href, exportName: 'syntheticSweepUnit' };
  const config = smallSweepConfig({ widths: [3, 5], cauchyScale: 1, seed: 11, networks: 4, starts: 2 });
  const shard = async (name: string, index: number, count: number, seed = 11) => {
    const p = join(dir, name);
    await runSweep({ ...config, base: { ...config.base, seed }, shard: { index, count } }, { workers: 1, quiet: true, unitModule: SYNTH, out: p });
    return p;
  };

  it('slices are disjoint and cover every unit, round robin by position', () => {
    const all = sweepUnits(config);
    const slices = [1, 2, 3, 4, 5].map((k) => shardUnits(all, { index: k, count: 5 }).map(unitKey));
    expect(slices.flat().sort()).toEqual(all.map(unitKey).sort());
    all.forEach((u, i) => expect(slices[shardOf(i, 5) - 1]).toContain(unitKey(u)));
    expect(shardOf(0, 5)).toBe(1);
    expect(shardOf(7, 5)).toBe(3);
  });

  it('refuses a foreign shard, a whole sweep, an unfinished shard and an edited record, naming the file', async () => {
    const a = await shard('a1.jsonl', 1, 2), b = await shard('a2.jsonl', 2, 2);
    const foreign = await shard('f2.jsonl', 2, 2, 12);
    const other = await shard('o2.jsonl', 2, 3);
    const whole = join(dir, 'whole.jsonl');
    await runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH, out: whole });
    const full = mergeSweepShards(join(dir, 'ab.jsonl'), [b, a]);
    expect(readFileSync(join(dir, 'ab.jsonl'), 'utf8')).toBe(readFileSync(whole, 'utf8'));
    expect(full.records).toHaveLength(32);

    const refused = (paths: string[], re: RegExp) => {
      const err = (() => { try { mergeSweepShards(join(dir, 'never.jsonl'), paths); } catch (e) { return e; } return null; })();
      expect(err).toBeInstanceOf(ResultStoreError);
      expect((err as Error).message).toMatch(re);
      expect((err as Error).message).not.toContain('\n');
      expect(existsSync(join(dir, 'never.jsonl'))).toBe(false);
    };
    refused([a, foreign], /f2\.jsonl is a shard of another run .*--seed differs/);
    refused([a, other], /o2\.jsonl is shard 2\/3, .*a1\.jsonl is shard 1\/2/);
    refused([a, whole], /whole\.jsonl is a whole sweep, not a shard/);
    // Unfinished: a shard with its last record cut off (a crash), and one with a partial last line.
    const cut = join(dir, 'cut2.jsonl');
    const lines = readFileSync(b, 'utf8').split('\n').filter((l) => l !== '');
    copyFileSync(`${b}.meta.json`, `${cut}.meta.json`);
    appendFileSync(cut, lines.slice(0, -1).map((l) => l + '\n').join(''));
    refused([a, cut], /cut2\.jsonl \(shard 2\/2\) is unfinished: 15 of 16 networks/);
    appendFileSync(cut, lines.at(-1)!.slice(0, 20));
    refused([a, cut], /cut2\.jsonl \(shard 2\/2\) ends with a partial record/);
    // An edited record fails its checksum.
    const edited = join(dir, 'edit2.jsonl');
    copyFileSync(`${b}.meta.json`, `${edited}.meta.json`);
    appendFileSync(edited, readFileSync(b, 'utf8').replace(/"Q":(\d)/, (_m, q) => `"Q":${Number(q) + 1}`));
    refused([a, edited], /edit2\.jsonl line 1 was edited/);
    refused([], /give the shard files/);
    expect(() => mergeSweepShards(a, [a, b], { force: true })).toThrow(/OUT .*a1\.jsonl is also given as a shard/);
  });
});
