// Sweeps over a cluster: `jesd sweep --shard K/N` in separate processes, then `jesd merge`, must give
// byte for byte the file (and run description, and summary) of one single-machine run; a missing or
// duplicated shard is refused with one stderr line and exit 2, writing nothing. (~6 s: 6 processes.)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errorLines, jesdProcess as jesd } from '../../helpers/spawn.ts';

const dir = mkdtempSync(join(tmpdir(), 'jesd-shard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 2 widths x 2 depths x 2 laws x 5 networks = 40 real fixed-point units (a few ms each).
const GRID = ['--width', '4,6', '--depth', '1,2', '--weights', 'gaussian,cauchy', '--networks', '5', '--starts', '20', '--seed', '3', '--quiet'];

describe('jesd sweep --shard and jesd merge', () => {
  it('3 shards run as separate processes merge into the single run\'s file, byte for byte; a missing or duplicated shard is refused with one line', async () => {
    const one = join(dir, 'one.jsonl'), merged = join(dir, 'merged.jsonl');
    const part = (k: number) => join(dir, `part${k}.jsonl`);
    const runs = await Promise.all([
      jesd(['sweep', ...GRID, '--workers', '2', '--out', one]),
      ...[1, 2, 3].map((k) => jesd(['sweep', ...GRID, '--workers', '1', '--shard', `${k}/3`, '--out', part(k)])),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    // Each shard holds exactly its round-robin slice.
    for (const k of [1, 2, 3]) {
      expect(JSON.parse(readFileSync(`${part(k)}.meta.json`, 'utf8')).config.shard).toEqual({ index: k, count: 3 });
      expect(readFileSync(part(k), 'utf8').split('\n').length - 1).toBe([13, 13, 14][3 - k]);
    }

    const [ok, missing, duplicated] = await Promise.all([
      jesd(['merge', merged, part(3), part(1), part(2)]),
      jesd(['merge', join(dir, 'missing.jsonl'), part(1), part(3)]),
      jesd(['merge', join(dir, 'dup.jsonl'), part(1), part(2), part(2), part(3)]),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(merged, 'utf8')).toBe(readFileSync(one, 'utf8'));
    expect(readFileSync(`${merged}.meta.json`, 'utf8')).toBe(readFileSync(`${one}.meta.json`, 'utf8'));
    // The merge prints the same summary table as the single run.
    expect(ok.stdout).toBe(runs[0]!.stdout);

    expect(missing.code).toBe(2);
    expect(errorLines(missing)).toEqual([expect.stringMatching(/^jesd: merge: shard 2\/3 .*is missing$/)]);
    expect(duplicated.code).toBe(2);
    expect(errorLines(duplicated)).toEqual([expect.stringMatching(/^jesd: merge: shard 2\/3 is given twice/)]);
    for (const p of ['missing.jsonl', 'dup.jsonl']) {
      expect(existsSync(join(dir, p))).toBe(false);
      expect(existsSync(join(dir, `${p}.meta.json`))).toBe(false);
    }
  });
});

