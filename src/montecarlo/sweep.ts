/**
 * Monte Carlo sweeps (docs/design.md sections 2 and 4; docs/sweeps.md): for every grid point
 * (width N, depth L, weight law) sample `networks` networks, run the multistart fixed-point search
 * on each, and record Q(N, L) and the basin shares; then summarize per grid point.
 *
 * Unit k of a grid point is the network sampleNetwork(spec, k), whose randomness is the stream
 * (seed, NETWORK, k, ...) of src/random/rng.ts; the fixed-point search draws its starts from
 * streams addressed the same way. So a record depends only on (seed, grid point, k): the same
 * records come out for any number of workers and any completion order, and a resumed run equals
 * an uninterrupted one. Records are appended as units finish (a crash loses nothing) and, when all
 * are done, the file is rewritten in unit order: a finished run's file is the same bytes whatever
 * the worker count, resumes or sharding (config.shard runs one slice; ./merge.ts joins them).
 */
import { InvalidSpecError, requireInteger } from '../errors.ts';
import { checkOutputPath, writeOutputFile } from '../io/files.ts';
import { defaultWorkerCount } from './pool.ts';
import { recordKey, shardUnits, sweepUnits, unitKey, validateSweepConfig, type SweepConfig, type SweepRecord, type SweepSummaryRow, type SweepUnit } from './records.ts';
import { openSweepStore, type SweepStore } from './store.ts';
import { siblingModuleUrl } from '../moduleUrl.ts';
import { summarizeSweep } from './summary.ts';
import { runStoredUnits, type ResumableRunOptions } from './storedUnits.ts';

/** `out` also gets OUT.timings.json, the wall time of each invocation. */
export interface RunSweepOptions extends ResumableRunOptions {
  /**
   * The work function, as a module URL and export name; default the fixed-point unit
   * (./sweepUnit.ts, runSweepUnit). It receives a SweepUnit and returns a SweepRecord.
   */
  unitModule?: { url: string; exportName: string };
}

export interface SweepResult {
  /** Every record of the sweep (resumed and new), sorted by grid order then network index. */
  records: SweepRecord[];
  summary: SweepSummaryRow[];
  /** Units computed in this call (total minus those resumed from the file). */
  computed: number;
  resumed: number;
}

/** Where a sweep with `out` writes the wall time of its last invocation. */
export const timingsPath = (out: string): string => `${out}.timings.json`;

export const DEFAULT_UNIT_MODULE = { url: siblingModuleUrl(import.meta.url, './sweepUnit'), exportName: 'runSweepUnit' };

/** Run a sweep; see the module comment for the determinism guarantee. */
export async function runSweep(config: SweepConfig, opts: RunSweepOptions = {}): Promise<SweepResult> {
  validateSweepConfig(config);
  const workers = requireInteger('workers', opts.workers ?? defaultWorkerCount(), 1, 4096);
  if (opts.resume && opts.out === undefined) throw new InvalidSpecError('resume', 'needs an output file (out) to resume from');
  // A shard runs its slice of the units (records.ts shardUnits); its store's description names the shard.
  const units = shardUnits(sweepUnits(config), config.shard);
  let store: SweepStore | null = null;
  if (opts.out !== undefined) {
    checkOutputPath('--out', opts.out);
    store = openSweepStore(opts.out, config, { resume: opts.resume, force: opts.force, validKeys: new Set(units.map(unitKey)) });
  }
  const t0 = performance.now();
  try {
    const { records, computed, resumed } = await runStoredUnits<SweepUnit, SweepRecord>({
      units, unitKey, recordKey, store, module: opts.unitModule ?? DEFAULT_UNIT_MODULE, workers, what: 'sweep',
      quiet: opts.quiet, onStart: opts.onStart, onProgress: opts.onProgress, pool: { onBatch: opts.onBatch }, slice: opts.slice,
    });
    if (opts.out !== undefined) {
      // Timings never go into the records: they differ between identical runs.
      const timings = { workers, computed, resumed, wallMs: Math.round(performance.now() - t0) };
      writeOutputFile('--out', timingsPath(opts.out), JSON.stringify(timings) + '\n');
    }
    return { records, summary: summarizeSweep(records), computed, resumed };
  } finally {
    store?.close();
  }
}
