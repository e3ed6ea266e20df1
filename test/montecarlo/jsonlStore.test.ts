// The generic resumable JSON Lines store (src/montecarlo/jsonlStore.ts) on its own, with a toy
// record type: every line of the file is a record, the run description is in FILE.meta.json.
// The sweep-specific behaviour (flag names in mismatches, crash at any byte) is in montecarlo.test.ts.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultStoreError } from '../../src/errors.ts';
import { openJsonlStore, readJsonlStore, recordChecksum, runChecksum, sidecarPath, stableStringify } from '../../src/montecarlo/jsonlStore.ts';

interface Toy { key: string; v: number }
const isToy = (x: unknown): x is Toy => typeof x === 'object' && x !== null && typeof (x as Toy).key === 'string' && typeof (x as Toy).v === 'number';
const dir = mkdtempSync(join(tmpdir(), 'jesd-jsonl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const base = { format: 'toy', version: 3, isRecord: isToy, keyOf: (r: Toy) => r.key };

describe('openJsonlStore / readJsonlStore', () => {
  it('writes only records to the file and the description to the sidecar; resumes and repairs a partial line', () => {
    const path = join(dir, 'a.jsonl');
    const s1 = openJsonlStore({ ...base, path, config: { n: 1, list: [1, 2] } });
    const run = runChecksum({ format: 'toy', version: 3, config: { n: 1, list: [1, 2] } });
    expect(JSON.parse(readFileSync(sidecarPath(path), 'utf8'))).toEqual({ format: 'toy', version: 3, config: { n: 1, list: [1, 2] }, checksum: run });
    expect(readFileSync(path, 'utf8')).toBe(''); // description before the first record, file created
    s1.append({ key: 'a', v: 1 });
    s1.append({ key: 'b', v: 2 });
    expect(() => s1.append({ key: 'a', v: 9 })).toThrow(/already in/);
    s1.close();
    expect(readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l))).toEqual([{ key: 'a', v: 1 }, { key: 'b', v: 2 }].map((r) => ({ ...r, checksum: recordChecksum(run, r) })));
    appendFileSync(path, '{"key":"c","v"'); // a crash mid-line
    const read = readJsonlStore(path, base);
    expect(read.truncatedTail).toBe(true);
    expect(read.records.map((r) => r.key)).toEqual(['a', 'b']);
    // Key order of the config does not matter to the default comparison (canonical JSON).
    const s2 = openJsonlStore({ ...base, path, config: { list: [1, 2], n: 1 }, resume: true });
    expect(s2.repairedTail).toBe(true);
    expect([...s2.done.keys()]).toEqual(['a', 'b']);
    s2.append({ key: 'c', v: 3 });
    s2.close();
    const line = (key: string, v: number) => `{"key":"${key}","v":${v},"checksum":"${recordChecksum(run, { key, v })}"}\n`;
    expect(readFileSync(path, 'utf8')).toBe(line('a', 1) + line('b', 2) + line('c', 3));
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('refuses, without modifying anything: other config, other format or version, missing sidecar, fresh run over a store', () => {
    const path = join(dir, 'b.jsonl');
    const s = openJsonlStore({ ...base, path, config: { n: 1 } });
    s.append({ key: 'a', v: 1 });
    s.close();
    const rec = readFileSync(path, 'utf8'), meta = readFileSync(sidecarPath(path), 'utf8');
    const refusals: [() => unknown, RegExp][] = [
      [() => openJsonlStore({ ...base, path, config: { n: 2 }, resume: true }), /^--resume: the run recorded in .* has other parameters/],
      [() => openJsonlStore({ ...base, path, config: { n: 2 }, resume: true, mismatch: () => '--n differs' }), /^--resume: --n differs; repeat the recorded flags/],
      [() => openJsonlStore({ ...base, format: 'other', path, config: { n: 1 }, resume: true }), /--resume.*not a "other" description.*--out/],
      [() => openJsonlStore({ ...base, version: 4, path, config: { n: 1 }, resume: true }), /version 3; this jesd reads version 4/],
      [() => openJsonlStore({ ...base, path, config: { n: 1 }, resume: true, validKeys: new Set(['z']) }), /line 1 \(a\) is not a unit of this run/],
      [() => openJsonlStore({ ...base, path, config: { n: 1 } }), /^--out: .* exists and is not empty; add --resume .* or --force/],
    ];
    for (const [open, message] of refusals) {
      expect(open).toThrow(ResultStoreError);
      expect(open).toThrow(message);
    }
    rmSync(sidecarPath(path));
    expect(() => openJsonlStore({ ...base, path, config: { n: 1 }, resume: true })).toThrow(/^--resume: .* is not a toy file: its run description b\.jsonl\.meta\.json is missing/);
    expect(() => readJsonlStore(path, { ...base, flag: '--in' })).toThrow(/^--in: .*meta\.json is missing/);
    expect(readFileSync(path, 'utf8')).toBe(rec);
    writeFileSync(sidecarPath(path), meta);
    // --force replaces both files.
    openJsonlStore({ ...base, path, config: { n: 5 }, force: true }).close();
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(readJsonlStore(path, base).meta.config).toEqual({ n: 5 });
  });

  it('names the older layout (description as line 1) when its sidecar is missing', () => {
    const path = join(dir, 'legacy.jsonl');
    writeFileSync(path, '{"format":"toy","version":3,"config":{"n":1}}\n{"key":"a","v":1}\n');
    expect(() => openJsonlStore({ ...base, path, config: { n: 1 }, resume: true })).toThrow(/line 1 is a header of the older layout: move it to legacy\.jsonl\.meta\.json/);
    expect(existsSync(sidecarPath(path))).toBe(false);
  });

  it('stableStringify sorts keys at every level and drops undefined members', () => {
    expect(stableStringify({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
  });
});
