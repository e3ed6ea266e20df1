// `jesd reproduce --shard K/N` and `jesd merge OUT DIR...`: bad input is one stderr line and exit 2,
// before anything is computed or written (the sharded run itself: test/report/shardMerge.slow.test.ts).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'jesd-reproduce-shard-flags-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const lines = (s: string) => s.split('\n').filter((l) => l !== '' && !l.startsWith('jesd: linalg backend'));

describe('jesd reproduce --shard: refusals', () => {
  it.each([
    ['0/3', /^jesd: --shard: must be K\/N with 1 <= K <= N, got 0\/3$/],
    ['4/3', /^jesd: --shard: must be K\/N with 1 <= K <= N, got 4\/3$/],
    ['two/3', /^jesd: --shard: must be K\/N with integers 1 <= K <= N \(e\.g\. 2\/3\), got "two\/3"$/],
  ])('--shard %s', async (shard, message) => {
    const out = join(dir, `bad-${shard.replace('/', '-')}`);
    const r = await runCli(['reproduce', '--scale', 'tiny', '--quiet', '--shard', shard, '--out', out]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(message)]);
    expect(existsSync(out)).toBe(false);
  });

  it('--shard applies to the fixed-point study only', async () => {
    const r = await runCli(['reproduce', '--study', 'landscape', '--scale', 'tiny', '--quiet', '--shard', '1/2', '--out', join(dir, 'landscape')]);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^jesd: --shard: applies to --study fixed-points only$/)]);
  });

  it('merge refuses a directory that is not a shard, and one whose shard.json is not one', async () => {
    const plain = join(dir, 'plain');
    mkdirSync(plain);
    const forged = join(dir, 'forged');
    mkdirSync(forged);
    writeFileSync(join(forged, 'shard.json'), '{"format": "something else"}\n');
    const a = await runCli(['merge', join(dir, 'merged-a'), plain]);
    expect(a.code).toBe(2);
    expect(lines(a.stderr)).toEqual([expect.stringMatching(/^jesd: merge: .*plain is not a shard of jesd reproduce \(no shard\.json; shards are written by jesd reproduce --shard K\/N\)$/)]);
    const b = await runCli(['merge', join(dir, 'merged-b'), forged]);
    expect(b.code).toBe(2);
    expect(lines(b.stderr)).toEqual([expect.stringMatching(/forged\/shard\.json is not a shard description of jesd reproduce/)]);
    expect(existsSync(join(dir, 'merged-a')) || existsSync(join(dir, 'merged-b'))).toBe(false);
  });
});
