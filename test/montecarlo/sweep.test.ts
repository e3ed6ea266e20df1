// Sweep machinery: worker pool determinism, the resumable JSON Lines store, summary statistics.
// The pool/store tests use the synthetic unit (src/montecarlo/syntheticUnit.ts: same record shape,
// no fixed-point search) so they are fast; test/montecarlo/sweepUnit.test.ts and
// test/cli/commands/sweep.test.ts run the real unit.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, appendFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultStoreError, InvalidSpecError } from '../../src/errors.ts';
import { runPool } from '../../src/montecarlo/pool.ts';
import { recordKey, type SweepConfig, type SweepRecord } from '../../src/montecarlo/records.ts';
import { readSweepFile } from '../../src/montecarlo/store.ts';
import { runChecksum } from '../../src/montecarlo/jsonlStore.ts';
import { quantileSorted, summarizeSweep } from '../../src/montecarlo/summary.ts';
import { runSweep } from '../../src/montecarlo/sweep.ts';
import { syntheticSweepUnit } from '../../src/montecarlo/syntheticUnit.ts';
import { canonicalRecords, smallSweepConfig } from '../fixtures/sweep.ts';

const SYNTH = { url: new URL('../../src/montecarlo/syntheticUnit.ts', import.meta.url).href, exportName: 'syntheticSweepUnit' };
const dir = mkdtempSync(join(tmpdir(), 'jesd-mc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config: SweepConfig = smallSweepConfig({ widths: [3, 5], cauchyScale: 1, seed: 7, networks: 6, starts: 4 });
const canonical = canonicalRecords;

describe('runPool', () => {
  it('returns results in unit order and reports each once, for 1 and 2 workers', async () => {
    const units = Array.from({ length: 9 }, (_, k) => ({
      spec: { N: 2, L: 1 + (k % 3), activation: 'tanh' as const, weights: { name: 'gaussian' as const, scale: 1 }, bias: null, scaling: 'natural' as const, seed: 3 },
      network: k, starts: 1, fixedPointOptions: {},
    }));
    // workers 1: in process; 2: main thread plus a worker if the work pays for it; 2 and 3 with
    // mainThreadWorks false: worker threads only (the thread path, batches of one unit).
    for (const [workers, mainThreadWorks] of [[1, true], [2, true], [2, false], [3, false]] as const) {
      const seen: number[] = [];
      const out = await runPool<typeof units[number], SweepRecord>(units, SYNTH.url, { workers, mainThreadWorks, exportName: SYNTH.exportName, onResult: (i) => { seen.push(i); } });
      expect(out.map((r) => r.network)).toEqual(units.map((u) => u.network));
      expect([...seen].sort((a, b) => a - b)).toEqual(units.map((_, i) => i));
    }
  });

  it('shares the units between the main thread and a worker that takes its own, results in unit order', async () => {
    // 1000 units that take 2 ms on the main thread only: the worker (started after the first unit,
    // minThreadWorkMs 0) joins while the main thread works (2 s of work alone), takes units from the
    // shared counter without waiting for the main thread, and posts its results in batches, so once
    // it is ready it takes most of them.
    const units = Array.from({ length: 1000 }, (_, k) => ({
      spec: { N: 2, L: 1, activation: 'tanh' as const, weights: { name: 'gaussian' as const, scale: 1 }, bias: null, scaling: 'natural' as const, seed: 3 },
      network: k, starts: 1, fixedPointOptions: { mainThreadDelayMs: 2 },
    }));
    const seen: number[] = [];
    const threadIds = new Set<number>();
    let byThreads = 0, maxBatch = 0;
    const out = await runPool<typeof units[number], SweepRecord>(units, SYNTH.url, {
      workers: 2, minThreadWorkMs: 0, exportName: SYNTH.exportName, onResult: (i) => { seen.push(i); },
      onBatch: (thread, size) => { threadIds.add(thread); byThreads += size; maxBatch = Math.max(maxBatch, size); },
    });
    const ref = units.map((u) => syntheticSweepUnit({ ...u, fixedPointOptions: {} }));
    expect(out).toEqual(ref);
    expect([...seen].sort((a, b) => a - b)).toEqual(units.map((_, i) => i));
    expect(new Set(seen).size).toBe(units.length);
    expect(threadIds).toEqual(new Set([0])); // one worker thread (workers 2 = main + 1) computed some of them
    expect(byThreads).toBeGreaterThan(units.length / 2);
    expect(byThreads).toBeLessThan(units.length);
    expect(maxBatch).toBeGreaterThan(1); // units went in batches
  });

  it('a worker does not wait for the main thread: while one long unit runs in process, the worker takes the rest', async () => {
    // 100 units that take 100 ms on the main thread and microseconds on a worker. With units handed
    // to the worker by the main thread between its own units (the pool's former design: two batches
    // of about BATCH_MS in flight) the worker got about two units per main-thread unit, so about 2/3
    // of them; taking units from the shared counter, it takes all but the few the main thread
    // computes while the worker starts.
    const units = Array.from({ length: 100 }, (_, k) => ({
      spec: { N: 2, L: 1, activation: 'tanh' as const, weights: { name: 'gaussian' as const, scale: 1 }, bias: null, scaling: 'natural' as const, seed: 3 },
      network: k, starts: 1, fixedPointOptions: { mainThreadDelayMs: 100 },
    }));
    let byThreads = 0;
    const out = await runPool<typeof units[number], SweepRecord>(units, SYNTH.url, {
      workers: 2, minThreadWorkMs: 0, exportName: SYNTH.exportName, onBatch: (_t, size) => { byThreads += size; },
    });
    expect(out).toEqual(units.map((u) => syntheticSweepUnit({ ...u, fixedPointOptions: {} })));
    expect(byThreads).toBeGreaterThanOrEqual(85);
  });

  it('rethrows a worker error as the same typed error', async () => {
    const bad = [{ spec: { N: 2, L: 1, activation: 'tanh', weights: { name: 'gaussian', scale: 1 }, bias: null, scaling: 'natural', seed: 3 }, network: -1, starts: 1, fixedPointOptions: {} }];
    await expect(runPool(bad, SYNTH.url, { workers: 2, exportName: SYNTH.exportName })).rejects.toBeInstanceOf(InvalidSpecError);
    await expect(runPool(bad, SYNTH.url, { workers: 2, mainThreadWorks: false, exportName: SYNTH.exportName })).rejects.toBeInstanceOf(InvalidSpecError);
    await expect(runPool(bad, SYNTH.url, { workers: 1, exportName: SYNTH.exportName })).rejects.toBeInstanceOf(InvalidSpecError);
  });

  it('rejects workers = 0', async () => {
    await expect(runPool([1], SYNTH.url, { workers: 0 })).rejects.toThrow(/workers/);
  });
});

describe('runSweep determinism and store', () => {
  it('gives the same records and an identical summary with 1 and 2 workers', async () => {
    const a = await runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH, out: join(dir, 'w1.jsonl') });
    const b = await runSweep(config, { workers: 2, quiet: true, unitModule: SYNTH, out: join(dir, 'w2.jsonl') });
    expect(a.records).toHaveLength(2 * 2 * 2 * 6);
    expect(canonical(b.records)).toEqual(canonical(a.records));
    expect(JSON.stringify(b.summary)).toBe(JSON.stringify(a.summary));
    // Every line of the file is one record (nothing else), and the run description is in the sidecar.
    const lines = readFileSync(join(dir, 'w1.jsonl'), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(a.records.length);
    for (const l of lines) expect(JSON.parse(l)).toMatchObject({ width: expect.any(Number), depth: expect.any(Number), weights: expect.any(String), seed: 7, network: expect.any(Number), Q: expect.any(Number) });
    expect(JSON.parse(readFileSync(join(dir, 'w1.jsonl.meta.json'), 'utf8'))).toMatchObject({ format: 'jesd-sweep', version: 2, config: { widths: [3, 5], networks: 6 } });
    // A finished run's file is rewritten in unit order: the same bytes for any worker count.
    expect(readFileSync(join(dir, 'w2.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'w1.jsonl'), 'utf8'));
    expect(readFileSync(join(dir, 'w2.jsonl.meta.json'), 'utf8')).toBe(readFileSync(join(dir, 'w1.jsonl.meta.json'), 'utf8'));
    const fa = readSweepFile(join(dir, 'w1.jsonl')), fb = readSweepFile(join(dir, 'w2.jsonl'));
    expect(fb.header).toEqual(fa.header);
    expect(canonical(fb.records)).toEqual(canonical(fa.records));
    expect(canonical(fa.records)).toEqual(canonical(a.records));
  });

  it('refuses to overwrite a non-empty --out without --force, and overwrites with it', async () => {
    const path = join(dir, 'exists.jsonl');
    writeFileSync(path, 'precious\n');
    await expect(runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH, out: path })).rejects.toThrow(/--out.*--force/);
    expect(readFileSync(path, 'utf8')).toBe('precious\n');
    const r = await runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH, out: path, force: true });
    expect(readSweepFile(path).records).toHaveLength(r.records.length);
  });

  it('resumes after a crash that left a partial last line: same records, no duplicates', async () => {
    const full = await runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH });
    const path = join(dir, 'crash.jsonl');
    await runSweep(config, { workers: 2, quiet: true, unitModule: SYNTH, out: path });
    // Simulate the crash: keep 10 records, then half of the 11th line.
    const lines = readFileSync(path, 'utf8').split('\n');
    // Line 3 is dropped too, so the resumed run appends it after later units and must reorder.
    writeFileSync(path, [...lines.slice(0, 3), ...lines.slice(4, 10)].join('\n') + '\n' + lines[10]!.slice(0, 25));
    const resumed = await runSweep(config, { workers: 2, quiet: true, unitModule: SYNTH, out: path, resume: true });
    expect(resumed.resumed).toBe(9);
    expect(resumed.computed).toBe(full.records.length - 9);
    const onDisk = readSweepFile(path);
    expect(onDisk.truncatedTail).toBe(false);
    expect(new Set(onDisk.records.map(recordKey)).size).toBe(onDisk.records.length);
    expect(canonical(onDisk.records)).toEqual(canonical(full.records));
    expect(JSON.stringify(resumed.summary)).toBe(JSON.stringify(full.summary));
    // The resumed file is the same bytes as an uninterrupted run's (records in unit order).
    const ref = join(dir, 'crash-ref.jsonl');
    await runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH, out: ref });
    expect(readFileSync(path, 'utf8')).toBe(readFileSync(ref, 'utf8'));
    // Resuming a finished file computes nothing and leaves it unchanged.
    const before = readFileSync(path, 'utf8');
    const again = await runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH, out: path, resume: true });
    expect(again.computed).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('resumes from a file cut at any byte (property): same records as an uninterrupted run, each once', async () => {
    const small: SweepConfig = { ...config, widths: [3], networks: 4 };
    const full = await runSweep(small, { workers: 1, quiet: true, unitModule: SYNTH });
    const complete = join(dir, 'complete.jsonl');
    await runSweep(small, { workers: 1, quiet: true, unitModule: SYNTH, out: complete });
    const bytes = readFileSync(complete), meta = readFileSync(`${complete}.meta.json`);
    const path = join(dir, 'cut-anywhere.jsonl');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: bytes.length }), fc.boolean(), async (cut, metaWritten) => {
        // The description is written before the first record, so only an empty file can lack it.
        rmSync(`${path}.meta.json`, { force: true });
        if (metaWritten || cut > 0) writeFileSync(`${path}.meta.json`, meta);
        writeFileSync(path, bytes.subarray(0, cut));
        const r = await runSweep(small, { workers: 1, quiet: true, unitModule: SYNTH, out: path, resume: true });
        const onDisk = readSweepFile(path);
        expect(onDisk.truncatedTail).toBe(false);
        expect(new Set(onDisk.records.map(recordKey)).size).toBe(onDisk.records.length);
        expect(canonical(onDisk.records)).toEqual(canonical(full.records));
        expect(r.resumed + r.computed).toBe(full.records.length);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses to resume with different parameters, naming the flag, and leaves the file untouched', async () => {
    const path = join(dir, 'mismatch.jsonl');
    await runSweep({ ...config, networks: 2 }, { workers: 1, quiet: true, unitModule: SYNTH, out: path });
    const before = readFileSync(path, 'utf8'), metaBefore = readFileSync(`${path}.meta.json`, 'utf8');
    const cases: [Partial<SweepConfig>, RegExp][] = [
      [{ networks: 3 }, /--networks/],
      [{ widths: [3] }, /--width/],
      [{ weightLaws: [{ name: 'gaussian', scale: 2 }, { name: 'cauchy', scale: 1 }] }, /--sigma-w/],
      [{ base: { ...config.base, seed: 8 } }, /--seed/],
      [{ starts: 5 }, /--starts/],
    ];
    for (const [change, flag] of cases) {
      const err = await runSweep({ ...config, networks: 2, ...change }, { workers: 1, quiet: true, unitModule: SYNTH, out: path, resume: true }).catch((e) => e);
      expect(err).toBeInstanceOf(ResultStoreError);
      expect(String(err.message)).toMatch(flag);
      expect(String(err.message)).toMatch(/--resume/);
    }
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(readFileSync(`${path}.meta.json`, 'utf8')).toBe(metaBefore);
  });

  it('refuses to resume a file whose run description (sidecar) is missing, and a fresh run over a leftover sidecar', async () => {
    const path = join(dir, 'nometa.jsonl');
    await runSweep({ ...config, networks: 2 }, { workers: 1, quiet: true, unitModule: SYNTH, out: path });
    rmSync(`${path}.meta.json`);
    const before = readFileSync(path, 'utf8');
    await expect(runSweep({ ...config, networks: 2 }, { workers: 1, quiet: true, unitModule: SYNTH, out: path, resume: true }))
      .rejects.toThrow(/--resume.*nometa\.jsonl\.meta\.json is missing.*--out/);
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(existsSync(`${path}.meta.json`)).toBe(false);
    // A sidecar without records (crash before the first record finished): resume continues it ...
    const onlyMeta = join(dir, 'onlymeta.jsonl');
    await runSweep({ ...config, networks: 2 }, { workers: 1, quiet: true, unitModule: SYNTH, out: onlyMeta });
    rmSync(onlyMeta);
    await expect(runSweep({ ...config, networks: 2 }, { workers: 1, quiet: true, unitModule: SYNTH, out: onlyMeta })).rejects.toThrow(/--out.*meta\.json.*--resume.*--force/);
    const r = await runSweep({ ...config, networks: 2 }, { workers: 1, quiet: true, unitModule: SYNTH, out: onlyMeta, resume: true });
    expect(r.resumed).toBe(0);
    expect(readSweepFile(onlyMeta).records).toHaveLength(r.records.length);
    // ... and --force replaces records and description; no temporary file is left behind.
    await runSweep({ ...config, networks: 1 }, { workers: 1, quiet: true, unitModule: SYNTH, out: onlyMeta, force: true });
    const after = readSweepFile(onlyMeta);
    expect(after.header.config.networks).toBe(1);
    expect(after.records).toHaveLength(2 * 2 * 2);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses corrupt or unreadable resume files with a message naming --resume and --out', async () => {
    const notSweep = join(dir, 'notsweep.jsonl');
    writeFileSync(notSweep, '{"hello": 1}\n');
    await expect(runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH, out: notSweep, resume: true })).rejects.toThrow(/--resume.*not a jesd sweep file.*--out/);
    writeFileSync(`${notSweep}.meta.json`, JSON.stringify({ format: 'jesd-sweep', version: 2, config: {}, checksum: runChecksum({ format: 'jesd-sweep', version: 2, config: {} }) }) + '\n');
    await expect(runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH, out: notSweep, resume: true })).rejects.toThrow(/--resume: --width differs/);
    writeFileSync(`${notSweep}.meta.json`, '{"format": "other"}');
    await expect(runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH, out: notSweep, resume: true })).rejects.toThrow(/--resume.*not a "jesd-sweep" description.*--out/);
    expect(readFileSync(notSweep, 'utf8')).toBe('{"hello": 1}\n');
    const corruptMiddle = join(dir, 'corrupt.jsonl');
    await runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH, out: corruptMiddle });
    const lines = readFileSync(corruptMiddle, 'utf8').split('\n');
    lines[3] = 'garbage';
    writeFileSync(corruptMiddle, lines.join('\n'));
    await expect(runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH, out: corruptMiddle, resume: true })).rejects.toThrow(/--resume.*line 4 is corrupt/);
    const dup = join(dir, 'dup.jsonl');
    await runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH, out: dup });
    appendFileSync(dup, readFileSync(dup, 'utf8').split('\n')[1] + '\n');
    await expect(runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH, out: dup, resume: true })).rejects.toThrow(/line \d+ repeats record/);
    const aDir = join(dir, 'adir');
    mkdirSync(aDir);
    await expect(runSweep(config, { workers: 1, quiet: true, unitModule: SYNTH, out: aDir, resume: true })).rejects.toThrow(/--out.*directory/);
  });

  it('validates networks, starts and workers', async () => {
    await expect(runSweep({ ...config, networks: 0 }, { quiet: true, unitModule: SYNTH })).rejects.toThrow(/networks/);
    await expect(runSweep({ ...config, starts: 0 }, { quiet: true, unitModule: SYNTH })).rejects.toThrow(/starts/);
    await expect(runSweep(config, { workers: 0, quiet: true, unitModule: SYNTH })).rejects.toThrow(/workers/);
  });
});

describe('summarizeSweep', () => {
  const rec = (width: number, network: number, Q: number, extra: Partial<SweepRecord> = {}): SweepRecord => ({
    width, depth: 2, weights: 'gaussian', alpha: null, sigmaW: 1, activation: 'sigmoid', bias: 'gaussian', sigmaB: 1, biasAlpha: null,
    scaling: 'natural', seed: 1, network, starts: 10, Q, shareFixed: 0.5, shareCycles: 0.25, shareUnsettled: 0.25,
    shareMarginal: 0, unstableFixedPoints: 0, cycles: 1, maxSpectralRadius: 0.9, ...extra,
  });

  it('matches a hand computation on a small record set', () => {
    // Q = 1, 1, 2, 4 : mean 2, sample variance ((1+1+0+4)/3) = 2, stderr sqrt(2)/2, P(Q>1) = 1/2.
    // type-7 quantiles on (1,1,2,4): p=0.1 -> h=0.3 -> 1; p=0.5 -> h=1.5 -> 1.5; p=0.9 -> h=2.7 -> 2+0.7*2 = 3.4.
    const rs = [rec(4, 3, 4, { shareFixed: 0.8, maxSpectralRadius: 1.3 }), rec(4, 0, 1), rec(4, 2, 2), rec(4, 1, 1), rec(9, 0, 3, { maxSpectralRadius: null })];
    const [a, b] = summarizeSweep(rs);
    expect(a!.width).toBe(4);
    expect(a!.networks).toBe(4);
    expect(a!.meanQ).toBe(2);
    // tolerance: two floating-point operations (sqrt, divide) on exact inputs
    expect(a!.stderrQ).toBeCloseTo(Math.SQRT2 / 2, 14);
    expect(a!.pQAbove1).toBe(0.5);
    expect(a!.stderrPQAbove1).toBeCloseTo(0.25, 15);
    expect(a!.quantilesQ['0.1']).toBeCloseTo(1, 14);
    expect(a!.quantilesQ['0.5']).toBeCloseTo(1.5, 14);
    expect(a!.quantilesQ['0.9']).toBeCloseTo(3.4, 14);
    expect(a!.shareFixed).toBeCloseTo((0.8 + 0.5 * 3) / 4, 15);
    expect(a!.maxSpectralRadius).toBe(1.3);
    expect(b!.width).toBe(9);
    expect(b!.stderrQ).toBeNull();
    expect(b!.maxSpectralRadius).toBeNull();
    expect(() => summarizeSweep([rec(4, 0, 1), rec(4, 0, 2)])).toThrow(/twice/);
    // Records of another run (another seed) are never pooled with these.
    const twoSeeds = summarizeSweep([rec(4, 0, 3, { seed: 2 }), rec(4, 0, 1)]);
    expect(twoSeeds.map((r) => [r.seed, r.meanQ])).toEqual([[1, 1], [2, 3]]);
  });

  it('agrees with an independent computation and does not depend on record order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 40 }), fc.integer(), (qs, shuffleSeed) => {
        const rs = qs.map((q, k) => rec(5, k, q));
        // Independent computation: one-pass sums of x and x^2 (a different algorithm from the two-pass one).
        const n = qs.length;
        const s1 = qs.reduce((s, q) => s + q, 0), s2 = qs.reduce((s, q) => s + q * q, 0);
        const mean = s1 / n;
        const variance = (s2 - n * mean * mean) / (n - 1);
        const shuffled = [...rs].sort((x, y) => ((x.network * 2654435761 + shuffleSeed) >>> 0) % 97 - ((y.network * 2654435761 + shuffleSeed) >>> 0) % 97);
        const [row] = summarizeSweep(shuffled);
        // tolerance: Q <= 6 and n <= 40 keep the one-pass formula's cancellation error below 1e-12
        expect(Math.abs(row!.meanQ - mean)).toBeLessThan(1e-12);
        expect(Math.abs(row!.stderrQ! - Math.sqrt(Math.max(variance, 0) / n))).toBeLessThan(1e-7);
        expect(row!.pQAbove1).toBe(qs.filter((q) => q > 1).length / n);
        expect(JSON.stringify(summarizeSweep(rs))).toBe(JSON.stringify(summarizeSweep(shuffled)));
      }),
    );
  });

  it('quantileSorted interpolates linearly (type 7)', () => {
    const xs = Float64Array.from([0, 10]);
    expect(quantileSorted(xs, 0.25)).toBe(2.5);
    expect(quantileSorted(Float64Array.from([7]), 0.9)).toBe(7);
  });
});
