/**
 * Sweep throughput: `runSweep` on 1 computing thread (in process) against W (the main thread and
 * W - 1 worker threads; src/montecarlo/pool.ts), in one run:
 * - "2 s": 80 fixed-point units (2 widths x 2 depths x 2 laws x 10 networks, 200 starts), best of 3
 *   alternating repetitions each; target speed-up >= 1 (not slower with workers).
 * - "30 s": the same grid with the networks scaled so that 1 thread takes about 30 s (calibrated
 *   from the 2 s case in this run); target speed-up >= 1.8 with 2 workers.
 * - the synthetic unit (~0.05 ms, src/montecarlo/syntheticUnit.ts): the pool's own overhead.
 * - what a worker start costs (module load to ready) from dist/ and from the sources through tsx,
 *   and the round trip of one unit per message against a batch of 64.
 * Each row also gives the cores the process obtained (CPU time / wall time): on a shared machine the
 * speed-up cannot exceed it.
 * Run: node --import tsx bench/montecarlo.bench.ts [W]. Ratios are against the 1-thread run of the
 * same case, measured in this process. Workers run the dist/ build only when it is current
 * (npm run build after the last edit under src/); the first table says which.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SweepConfig } from '../src/montecarlo/records.ts';
import { DEFAULT_UNIT_MODULE, runSweep } from '../src/montecarlo/sweep.ts';
import { buildIsCurrent, runnableModuleUrl } from '../src/moduleUrl.ts';

const W = Number(process.argv[2] ?? Math.min(2, availableParallelism()));
const SYNTH = { url: new URL('../src/montecarlo/syntheticUnit.ts', import.meta.url).href, exportName: 'syntheticSweepUnit' };
const ENTRY = new URL('../src/montecarlo/workerEntry.mjs', import.meta.url);

const base: Omit<SweepConfig, 'networks' | 'starts'> = {
  widths: [10, 20],
  depths: [1, 3],
  weightLaws: [{ name: 'gaussian', scale: 1 }, { name: 'cauchy', scale: 1 }],
  base: { activation: 'sigmoid', bias: { name: 'gaussian', scale: 1 }, scaling: 'natural', seed: 1 },
};
const unitsOf = (c: SweepConfig) => c.widths.length * c.depths.length * c.weightLaws.length * c.networks;

interface Timed { ms: number; byThreads: number; cores: number }
/** Wall time, units computed on worker threads, and the cores the process obtained (CPU time / wall time, all threads). */
async function time(config: SweepConfig, workers: number, synthetic = false): Promise<Timed> {
  let byThreads = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await runSweep(config, { workers, quiet: true, ...(synthetic ? { unitModule: SYNTH } : {}), onBatch: (_t, n) => { byThreads += n; } });
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ms, byThreads, cores: (c.user + c.system) / 1000 / ms };
}

// 1. Worker start and message round trip.
async function startAndRoundTrip(module: string, exportName: string, unit: unknown): Promise<{ readyMs: number; perUnitSingle: number; perUnitBatch: number }> {
  const t0 = performance.now();
  const w = new Worker(ENTRY, { workerData: { module, exportName }, env: { ...process.env, JESD_QUIET_BACKEND: '1' } });
  await new Promise((r) => w.once('message', r));
  const readyMs = performance.now() - t0;
  const ask = (inputs: unknown[]) => new Promise((r) => { w.once('message', r); w.postMessage({ id: 0, inputs }); });
  for (let i = 0; i < 50; i++) await ask([unit]); // warm-up
  let t = performance.now();
  for (let i = 0; i < 500; i++) await ask([unit]);
  const perUnitSingle = (performance.now() - t) / 500;
  const batch = Array.from({ length: 64 }, () => unit);
  t = performance.now();
  for (let i = 0; i < 20; i++) await ask(batch);
  const perUnitBatch = (performance.now() - t) / (20 * 64);
  await w.terminate();
  return { readyMs, perUnitSingle, perUnitBatch };
}
const synthUnit = { spec: { N: 10, L: 1, ...base.base, weights: base.weightLaws[0] }, network: 0, starts: 1, fixedPointOptions: {} };
const distSynth = runnableModuleUrl(SYNTH.url);
const startRows = [];
for (const [label, url] of [['sources (tsx)', SYNTH.url], ['dist/ (built JS)', distSynth]] as const) {
  if (label.startsWith('dist') && url === SYNTH.url) continue;
  const r = await startAndRoundTrip(url, SYNTH.exportName, synthUnit);
  startRows.push({ 'worker module': label, 'ready ms': Math.round(r.readyMs), 'ms/unit, 1 per message': +r.perUnitSingle.toFixed(3), 'ms/unit, 64 per message': +r.perUnitBatch.toFixed(4) });
}
const fpWorker = runnableModuleUrl(DEFAULT_UNIT_MODULE.url);
console.log(`worker start and round trip (synthetic unit; the sweep's workers load ${fpWorker === DEFAULT_UNIT_MODULE.url ? 'the sources through tsx: the build in dist/ is missing or older than src/ (npm run build)' : 'the current build in dist/'})`);
console.table(startRows);

// 2. The sweeps.
const rows: { case: string; units: number; workers: number; ms: number; msPerUnit: number; unitsOnWorkerThreads: number; coresObtained: number; speedup: number; target: string }[] = [];
const small: SweepConfig = { ...base, networks: 10, starts: 200 };
await time({ ...small, networks: 2 }, 1); // warm-up (module loading, JIT)
let best1: Timed = { ms: Infinity, byThreads: 0, cores: 0 }, bestW: Timed = { ms: Infinity, byThreads: 0, cores: 0 };
for (let rep = 0; rep < 3; rep++) {
  const a = await time(small, 1);
  if (a.ms < best1.ms) best1 = a;
  const b = await time(small, W);
  if (b.ms < bestW.ms) bestW = b;
}
const effs: { case: string; cpuEfficiency: number; 'W x cpuEfficiency': number }[] = [];
const add = (label: string, c: SweepConfig, one: Timed, many: Timed, target: number) => {
  const units = unitsOf(c);
  rows.push({ case: label, units, workers: 1, ms: Math.round(one.ms), msPerUnit: +(one.ms / units).toFixed(3), unitsOnWorkerThreads: 0, coresObtained: +one.cores.toFixed(2), speedup: 1, target: '' });
  const s = one.ms / many.ms;
  // CPU time of the 1-thread run over that of the W-thread run: 1 means the threads add no work
  // (start-up, messages, idle spinning); W x this bounds the speed-up on W otherwise idle cores.
  const eff = (one.cores * one.ms) / (many.cores * many.ms);
  effs.push({ case: label, cpuEfficiency: +eff.toFixed(2), 'W x cpuEfficiency': +(W * eff).toFixed(2) });
  rows.push({ case: label, units, workers: W, ms: Math.round(many.ms), msPerUnit: +(many.ms / units).toFixed(3), unitsOnWorkerThreads: many.byThreads, coresObtained: +many.cores.toFixed(2), speedup: +s.toFixed(2), target: `>= ${target}: ${s >= target ? 'met' : 'NOT met'}` });
  return s;
};
const s2 = add('~2 s: fixed-point units, 200 starts (best of 3)', small, best1, bestW, 1);
const big: SweepConfig = { ...small, networks: Math.max(10, Math.round((10 * 30_000) / best1.ms)) };
const b1 = await time(big, 1);
const bW = await time(big, W);
const s30 = add('~30 s: the same grid, more networks', big, b1, bW, 1.8);
const y1 = await time({ ...base, networks: 200, starts: 1 }, 1, true);
const yW = await time({ ...base, networks: 200, starts: 1 }, W, true);
add('synthetic unit (pool overhead)', { ...base, networks: 200, starts: 1 }, y1, yW, 0.9);
console.log(`\njesd sweep throughput (${availableParallelism()} cores available; W = ${W}; speedup = time(1) / time(W); build in dist/ current: ${buildIsCurrent()})`);
console.table(rows);
console.table(effs);
console.log(`ratios: speedup(W=${W}) on ~30 s = ${s30.toFixed(2)} (target >= 1.8), on ~2 s = ${s2.toFixed(2)} (target >= 1)`);
console.log('coresObtained = CPU time of all threads / wall time: below W on the W-thread rows, the machine did not give the process W cores (other load), which bounds the speed-up whatever the pool does. cpuEfficiency = CPU time(1) / CPU time(W): the share of the W-thread CPU time that is useful work; W x cpuEfficiency is what the speed-up approaches on W idle cores (a bound, not a measurement).');
