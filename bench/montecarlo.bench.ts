/**
 * Sweep throughput: `runSweep` on 1 computing thread (in process) against W (the main thread and
 * W - 1 worker threads; src/montecarlo/pool.ts), in one run:
 * - "2 s": fixed-point units (2 widths x 2 depths x 2 laws, 200 starts), the networks per cell
 *   calibrated so that 1 thread takes about 2 s in this run; best of 3 alternating repetitions
 *   each; target speed-up >= 1 (not slower with workers).
 * - "30 s": the same grid with the networks scaled so that 1 thread takes about 30 s (calibrated
 *   from the 2 s case in this run), best of 2 alternating repetitions each; target speed-up >= 1.8
 *   with 2 workers.
 * - the synthetic unit (~0.01 ms, src/montecarlo/syntheticUnit.ts; 160000 units, enough for the
 *   worker threads to start): the pool's own overhead, best of 3; target >= 0.9.
 * - what a worker start costs (module load to ready) from dist/ and from the sources through tsx,
 *   and what a unit costs on a worker that takes its units itself (the synthetic unit's own time
 *   included).
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

// 1. Worker start, and the cost per unit of a worker that takes its units itself (src/montecarlo/workerEntry.mjs).
async function startAndPerUnit(module: string, exportName: string, unit: unknown): Promise<{ readyMs: number; perUnit: number }> {
  const count = 5000;
  const claim = new Int32Array(new SharedArrayBuffer(4));
  const units = Array.from({ length: count }, () => unit);
  const t0 = performance.now();
  const w = new Worker(ENTRY, { workerData: { module, exportName, claim: claim.buffer, units, offset: 0, batchMs: 25 }, env: { ...process.env, JESD_QUIET_BACKEND: '1' } });
  let readyAt = 0;
  await new Promise<void>((resolve, reject) => {
    w.on('message', (m: { ready?: boolean; done?: boolean; ok?: boolean }) => {
      if (m.ready) readyAt = performance.now();
      else if (m.done) resolve();
      else if (m.ok === false) reject(new Error('synthetic unit failed'));
    });
    w.on('error', reject);
  });
  const end = performance.now();
  await w.terminate();
  return { readyMs: readyAt - t0, perUnit: (end - readyAt) / count };
}
const synthUnit = { spec: { N: 10, L: 1, ...base.base, weights: base.weightLaws[0] }, network: 0, starts: 1, fixedPointOptions: {} };
const distSynth = runnableModuleUrl(SYNTH.url);
const startRows = [];
for (const [label, url] of [['sources (tsx)', SYNTH.url], ['dist/ (built JS)', distSynth]] as const) {
  if (label.startsWith('dist') && url === SYNTH.url) continue;
  const r = await startAndPerUnit(url, SYNTH.exportName, synthUnit);
  startRows.push({ 'worker module': label, 'ready ms': Math.round(r.readyMs), 'ms/unit on the worker (5000 units, results posted every 25 ms)': +r.perUnit.toFixed(4) });
}
const fpWorker = runnableModuleUrl(DEFAULT_UNIT_MODULE.url);
console.log(`worker start and cost per unit (synthetic unit; the sweep's workers load ${fpWorker === DEFAULT_UNIT_MODULE.url ? 'the sources through tsx: the build in dist/ is missing or older than src/ (npm run build)' : 'the current build in dist/'})`);
console.table(startRows);

// 2. The sweeps.
const rows: { case: string; units: number; workers: number; ms: number; msPerUnit: number; unitsOnWorkerThreads: number; coresObtained: number; speedup: number; target: string }[] = [];
// Warm-up (module loading, JIT), then the networks per cell that make the 1-thread run about 2 s.
const probe: SweepConfig = { ...base, networks: 10, starts: 200 };
await time({ ...probe, networks: 2 }, 1);
const probeMs = (await time(probe, 1)).ms;
const small: SweepConfig = { ...probe, networks: Math.max(10, Math.round((10 * 2000) / probeMs)) };
/** The fastest of `reps` runs on 1 thread and on W, alternating (1, W, 1, W, ...), so that other load on the machine falls on both sides alike. */
async function bestOf(reps: number, c: SweepConfig, synthetic = false): Promise<[Timed, Timed]> {
  let one: Timed = { ms: Infinity, byThreads: 0, cores: 0 }, many: Timed = { ms: Infinity, byThreads: 0, cores: 0 };
  for (let rep = 0; rep < reps; rep++) {
    const a = await time(c, 1, synthetic);
    if (a.ms < one.ms) one = a;
    const b = await time(c, W, synthetic);
    if (b.ms < many.ms) many = b;
  }
  return [one, many];
}
const [best1, bestW] = await bestOf(3, small);
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
const big: SweepConfig = { ...small, networks: Math.max(10, Math.round((small.networks * 30_000) / best1.ms)) };
const s30 = add('~30 s: the same grid, more networks (best of 2)', big, ...(await bestOf(2, big)), 1.8);
// Enough synthetic units (~0.01 ms each) for about 1.5 s in process: the worker threads start, and
// each unit costs about as much to send and return as to compute, so this measures the pool's own cost.
const synth: SweepConfig = { ...base, networks: 20000, starts: 1 };
add('synthetic unit (pool overhead, best of 3)', synth, ...(await bestOf(3, synth, true)), 0.9);
console.log(`\njesd sweep throughput (${availableParallelism()} cores available; W = ${W}; speedup = time(1) / time(W); build in dist/ current: ${buildIsCurrent()})`);
console.table(rows);
console.table(effs);
console.log(`ratios: speedup(W=${W}) on ~30 s = ${s30.toFixed(2)} (target >= 1.8), on ~2 s = ${s2.toFixed(2)} (target >= 1)`);
console.log('coresObtained = CPU time of all threads / wall time: below W on the W-thread rows, the machine did not give the process W cores (other load), which bounds the speed-up whatever the pool does. cpuEfficiency = CPU time(1) / CPU time(W): the share of the W-thread CPU time that is useful work; W x cpuEfficiency is what the speed-up approaches on W idle cores (a bound, not a measurement).');
