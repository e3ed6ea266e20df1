// A reproduction over a cluster: `jesd reproduce --shard K/N` in 3 separate processes, then
// `jesd merge OUT DIR1 DIR2 DIR3`, must write the report of one single-machine run (report.md minus
// its timings section, summary.json and every figure byte for byte; every record file holding the
// same lines under the same run description). A missing, duplicated or unfinished shard, or a
// directory resumed as another shard, is refused with one line (exit 2) and writes nothing.
// (~15 s: 5 processes at --scale tiny.)
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stripTimings } from '../../src/report/markdown.ts';
import { errorLines, jesdProcess as jesd } from '../helpers/spawn.ts';

const dir = mkdtempSync(join(tmpdir(), 'jesd-reproduce-shard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RUN = ['reproduce', '--scale', 'tiny', '--seed', '2', '--quiet'];
const at = (name: string) => join(dir, name);
const lines = (path: string) => readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').sort();

describe('jesd reproduce --shard and jesd merge', () => {
  it('3 shards run as separate processes merge into the report of one run; bad shard sets are refused with one line', async () => {
    const runs = await Promise.all([
      jesd([...RUN, '--workers', '2', '--out', at('one')]),
      ...[1, 2, 3].map((k) => jesd([...RUN, '--workers', '1', '--shard', `${k}/3`, '--out', at(`part${k}`)])),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    for (const k of [1, 2, 3]) {
      expect(JSON.parse(readFileSync(join(at(`part${k}`), 'shard.json'), 'utf8'))).toMatchObject({ shard: { index: k, count: 3 }, finished: true, scale: 'tiny', seed: 2 });
      expect(existsSync(join(at(`part${k}`), 'report.md'))).toBe(false);
    }
    // The shards split the heavy-tailed sweep: together they hold each of its records once.
    const heavy = [1, 2, 3].flatMap((k) => lines(join(at(`part${k}`), 'heavy.jsonl')));
    expect(heavy.sort()).toEqual(lines(join(at('one'), 'heavy.jsonl')));
    expect(new Set(heavy).size).toBe(heavy.length);

    const merged = await jesd(['merge', at('merged'), at('part3'), at('part1'), at('part2'), '--workers', '1', '--json', '--quiet']);
    expect(merged.code, merged.stderr).toBe(0);
    const out = JSON.parse(merged.stdout) as { verdicts: unknown[]; shards: number };
    expect(out.shards).toBe(3);
    const one = at('one'), m = at('merged');
    expect(stripTimings(readFileSync(join(m, 'report.md'), 'utf8'))).toBe(stripTimings(readFileSync(join(one, 'report.md'), 'utf8')));
    expect(readFileSync(join(m, 'summary.json'), 'utf8')).toBe(readFileSync(join(one, 'summary.json'), 'utf8'));
    const files = readdirSync(one).filter((f) => !/timings\.json$|^report\.md$/.test(f));
    expect(readdirSync(m).filter((f) => !/timings\.json$|^report\.md$/.test(f)).sort()).toEqual([...files].sort());
    for (const f of files) {
      if (f.endsWith('.jsonl')) expect(lines(join(m, f)), f).toEqual(lines(join(one, f)));
      else if (f.endsWith('.png')) expect(readFileSync(join(m, f)).length, f).toBeGreaterThan(0);
      else expect(readFileSync(join(m, f), 'utf8'), f).toBe(readFileSync(join(one, f), 'utf8'));
    }
    // The sweep files are byte for byte a single run's (their lines are put in unit order).
    expect(readFileSync(join(m, 'heavy.jsonl'), 'utf8')).toBe(readFileSync(join(one, 'heavy.jsonl'), 'utf8'));

    const unfinished = at('unfinished');
    rmSync(unfinished, { recursive: true, force: true });
    const copy = await jesd([...RUN, '--workers', '1', '--shard', '2/3', '--out', unfinished]);
    expect(copy.code, copy.stderr).toBe(0);
    const sf = join(unfinished, 'shard.json');
    writeFileSync(sf, readFileSync(sf, 'utf8').replace('"finished": true', '"finished": false'));
    const [missing, duplicated, notDone, wrongShard, unsharded] = await Promise.all([
      jesd(['merge', at('m-missing'), at('part1'), at('part3')]),
      jesd(['merge', at('m-dup'), at('part1'), at('part2'), at('part2'), at('part3')]),
      jesd(['merge', at('m-unfinished'), at('part1'), unfinished, at('part3')]),
      jesd([...RUN, '--shard', '1/3', '--resume', '--out', at('part2')]),
      jesd([...RUN, '--resume', '--out', at('part3')]),
    ]);
    expect(missing.code).toBe(2);
    expect(errorLines(missing)).toEqual([expect.stringMatching(/^jesd: merge: shard 2\/3 of .*part1's run is missing$/)]);
    expect(duplicated.code).toBe(2);
    expect(errorLines(duplicated)).toEqual([expect.stringMatching(/^jesd: merge: shard 2\/3 is given twice \(.*part2 and .*part2\)$/)]);
    expect(notDone.code).toBe(2);
    expect(errorLines(notDone)).toEqual([expect.stringMatching(/unfinished; complete it with jesd reproduce --shard 2\/3 .*--resume/)]);
    for (const d of ['m-missing', 'm-dup', 'm-unfinished']) expect(existsSync(at(d))).toBe(false);
    expect(wrongShard.code).toBe(2);
    expect(errorLines(wrongShard)).toEqual([expect.stringMatching(/holds shard 2\/3, not 1\/3/)]);
    expect(unsharded.code).toBe(2);
    expect(errorLines(unsharded)).toEqual([expect.stringMatching(/holds shard 3\/3 of a sharded run; resume it with --shard 3\/3/)]);
  }, 120_000);
});
