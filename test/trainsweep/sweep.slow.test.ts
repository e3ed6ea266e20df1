/**
 * Training sweeps (src/trainsweep/sweep.ts): the records do not depend on the number of workers (a
 * worker thread really computes units here), a resumed run ends with the same file as an
 * uninterrupted one, and a record equals training and measuring that network directly with
 * `jesd train --seed S+k` semantics (the unit's documented reproduction rule).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrainSweep, type TrainSweepConfig } from '../../src/trainsweep/sweep.ts';
import { randomPatterns } from '../../src/training/data.ts';
import { train, DEFAULT_TRAIN } from '../../src/training/train.ts';
import { toNetwork } from '../../src/training/file.ts';
import { findFixedPoints } from '../../src/fixedpoints/search.ts';

const CONFIG: TrainSweepConfig = {
  width: 6, depths: [1, 2], networks: 2, seed: 5, activation: 'sigmoid', patterns: 3, lo: 0.1, hi: 0.9, starts: 12,
  inits: [{ name: 'gaussian', alpha: null, scale: 4, scaling: 'natural' }, { name: 'cauchy', alpha: null, scale: 0.5, scaling: 'raw' }],
  optimizers: [{ optimizer: 'adam', lr: 0.01, batch: 0, momentum: 0 }, { optimizer: 'sgd', lr: 2, batch: 1, momentum: 0 }],
  steps: [60], lossThreshold: 1e-3, restoreTrials: 2,
};

describe('train-sweep', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jesd-train-sweep-'));

  it('1 and 2 workers write identical files (in-process vs two worker threads)', async () => {
    const one = join(dir, 'w1.jsonl'), two = join(dir, 'w2.jsonl');
    const a = await runTrainSweep(CONFIG, { workers: 1, quiet: true, out: one });
    let threadUnits = 0;
    const b = await runTrainSweep(CONFIG, { workers: 2, quiet: true, out: two, mainThreadWorks: false, onBatch: (_t, n) => { threadUnits += n; } });
    expect(threadUnits).toBe(16);
    expect(a.records).toHaveLength(16);
    expect(readFileSync(two, 'utf8')).toBe(readFileSync(one, 'utf8'));
    expect(b.summary).toEqual(a.summary);
  }, 60_000);

  it('a resume after losing records and a partial line gives the same file', async () => {
    const one = join(dir, 'w1.jsonl');
    const full = readFileSync(one, 'utf8');
    const cut = join(dir, 'cut.jsonl');
    await runTrainSweep(CONFIG, { workers: 1, quiet: true, out: cut });
    const lines = full.split('\n');
    writeFileSync(cut, lines.slice(0, 5).join('\n') + '\n' + lines[5]!.slice(0, 20));
    const r = await runTrainSweep(CONFIG, { workers: 1, quiet: true, out: cut, resume: true });
    expect(r.resumed).toBe(5);
    expect(readFileSync(cut, 'utf8')).toBe(full);
  }, 60_000);

  it('a record is network k trained with seed S+k and searched with that seed', async () => {
    const r = await runTrainSweep({ ...CONFIG, inits: [CONFIG.inits[0]!], optimizers: [CONFIG.optimizers[0]!], depths: [2] }, { workers: 1, quiet: true });
    const rec = r.records[1]!;
    expect(rec.network).toBe(1);
    const X = randomPatterns(3, 6, 0.1, 0.9, 6);
    const t = train({
      init: { widths: [6, 6, 6], activation: 'sigmoid', weights: { name: 'gaussian', scale: 4 }, bias: null, scaling: 'natural', seed: 6 },
      config: { ...DEFAULT_TRAIN, steps: 60, seed: 6 }, inputs: X, targets: null, out: null, checkpointEvery: 0, resume: false,
    });
    expect(rec.finalLoss).toBe(t.finalLoss);
    expect(rec.Q).toBe(findFixedPoints(toNetwork(t.net), { starts: 12, seed: 6 }).Q);
  }, 60_000);
});
