/**
 * Sweep throughput: the same sweep on 1 worker (in-process) and on W worker threads, for the real
 * fixed-point unit and for the synthetic unit (which measures the pool's own overhead per unit).
 * Run: node --import tsx bench/montecarlo.bench.ts [W]. Ratios are against the 1-worker run of the
 * same table row, measured in the same process.
 */
import { availableParallelism } from 'node:os';
import type { SweepConfig } from '../src/montecarlo/records.ts';
import { runSweep } from '../src/montecarlo/sweep.ts';

const W = Number(process.argv[2] ?? availableParallelism());
const SYNTH = { url: new URL('../src/montecarlo/syntheticUnit.ts', import.meta.url).href, exportName: 'syntheticSweepUnit' };

const base: Omit<SweepConfig, 'networks' | 'starts'> = {
  widths: [10, 20],
  depths: [1, 3],
  weightLaws: [{ name: 'gaussian', scale: 1 }, { name: 'cauchy', scale: 1 }],
  base: { activation: 'sigmoid', bias: { name: 'gaussian', scale: 1 }, scaling: 'natural', seed: 1 },
};

async function time(config: SweepConfig, workers: number, synthetic: boolean): Promise<number> {
  const t0 = performance.now();
  await runSweep(config, { workers, quiet: true, ...(synthetic ? { unitModule: SYNTH } : {}) });
  return performance.now() - t0;
}

const rows: { case: string; units: number; workers: number; ms: number; msPerUnit: number; speedup: number }[] = [];
for (const [label, config, synthetic] of [
  ['fixed-point unit, 200 starts', { ...base, networks: 10, starts: 200 }, false],
  ['synthetic unit (pool overhead)', { ...base, networks: 200, starts: 1 }, true],
] as const) {
  const units = base.widths.length * base.depths.length * base.weightLaws.length * config.networks;
  await time({ ...config, networks: 2 }, 1, synthetic); // warm-up (module loading, JIT)
  const t1 = await time(config, 1, synthetic);
  const tW = await time(config, W, synthetic);
  rows.push({ case: label, units, workers: 1, ms: Math.round(t1), msPerUnit: +(t1 / units).toFixed(3), speedup: 1 });
  rows.push({ case: label, units, workers: W, ms: Math.round(tW), msPerUnit: +(tW / units).toFixed(3), speedup: +(t1 / tW).toFixed(2) });
}
console.log(`jesd sweep throughput (${availableParallelism()} cores available; speedup = time(1 worker) / time(W workers))`);
console.table(rows);
