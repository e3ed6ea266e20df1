/**
 * The loop every resumable sweep shares (`jesd sweep`, src/montecarlo/sweep.ts; `jesd train-sweep`,
 * src/trainsweep/sweep.ts): skip the units whose records the store already holds, run the others on
 * the worker pool, check that each record answers its unit, append it (fsync'ed) and move the
 * progress bar, then put the file's lines into unit order. The file of a finished run is therefore
 * the same bytes for any number of workers and after any number of resumes.
 */
import { runPool, type PoolOptions } from './pool.ts';
import { createProgress } from './progress.ts';
import { shardOf, type SweepShard } from './records.ts';

/** The options every resumable sweep takes (`runSweep`, `runTrainSweep`). */
export interface ResumableRunOptions {
  /** JSON Lines file: one record per finished unit (appended, fsync'ed), its run description in OUT.meta.json, OUT.lock while running. */
  out?: string;
  /** Continue the run recorded in `out` (parameters must match), skipping finished units. */
  resume?: boolean;
  /** Overwrite a non-empty `out` when not resuming. */
  force?: boolean;
  /** Worker threads; default os.availableParallelism(); 1 runs in-process. */
  workers?: number;
  /** Called after each finished unit with (done, total), done counting resumed units. */
  onProgress?: (done: number, total: number) => void;
  /** Called once the store is open and the work is known, before any unit runs. */
  onStart?: (info: { total: number; resumed: number; workers: number }) => void;
  /** No progress output on stderr. */
  quiet?: boolean;
  /** Called when a worker thread returns a batch of units (pool statistics; see pool.ts). */
  onBatch?: (thread: number, size: number) => void;
  /** Run one slice of the units under the whole run's description (`slice` below; `jesd reproduce --shard`). */
  slice?: SweepShard;
}

/** The part of a record store (jsonlStore.ts) the loop uses; null runs without a file. */
export interface UnitStore<R> {
  done: Map<string, R>;
  append(record: R): void;
  reorder(keys: readonly string[]): void;
}

export interface StoredUnitsOptions<U, R> {
  units: readonly U[];
  unitKey(unit: U): string;
  recordKey(record: R): string;
  store: UnitStore<R> | null;
  /** The work function: module URL and export name (it receives U and returns R). */
  module: { url: string; exportName: string };
  workers: number;
  /** Names the run in the error raised when a record does not answer its unit ("sweep"). */
  what: string;
  /** Checks a record before it is written (throws to refuse it). */
  check?: (record: R) => void;
  /** Progress-bar label (default "sweep"). */
  label?: string;
  quiet?: boolean;
  onStart?: (info: { total: number; resumed: number; workers: number }) => void;
  onProgress?: (done: number, total: number) => void;
  pool?: Pick<PoolOptions<R>, 'onBatch' | 'minThreadWorkMs' | 'mainThreadWorks'>;
  /**
   * Run only the units at positions i of `units` with shardOf(i, count) = index (one shard of a
   * `jesd reproduce --shard K/N` run); the others are neither run nor expected, and the records
   * returned are those the store holds. The store's description stays the whole run's.
   */
  slice?: SweepShard;
}

/** Run the units not yet in the store; every record (resumed and new) in unit order. */
export async function runStoredUnits<U, R>(o: StoredUnitsOptions<U, R>): Promise<{ records: R[]; computed: number; resumed: number }> {
  const order = new Map<string, number>(o.units.map((u, i) => [o.unitKey(u), i]));
  const done = new Map<string, R>(o.store ? o.store.done : []);
  const slice = o.slice;
  const mine = slice === undefined ? o.units : o.units.filter((_, i) => shardOf(i, slice.count) === slice.index);
  const todo = mine.filter((u) => !done.has(o.unitKey(u)));
  const total = mine.length;
  const resumed = total - todo.length;
  o.onStart?.({ total, resumed, workers: o.workers });
  const progress = createProgress({ total, initial: resumed, units: 'networks', quiet: o.quiet || o.onProgress !== undefined, ...(o.label ? { label: o.label } : {}) });
  let finished = resumed;
  o.onProgress?.(finished, total);
  try {
    await runPool<U, R>(todo, o.module.url, {
      ...o.pool,
      workers: o.workers,
      exportName: o.module.exportName,
      onResult: (i, record) => {
        const key = o.recordKey(record);
        if (key !== o.unitKey(todo[i]!)) throw new Error(`${o.what} unit ${o.unitKey(todo[i]!)} returned a record for ${key}`);
        o.check?.(record);
        o.store?.append(record);
        done.set(key, record);
        finished++;
        progress.update(finished);
        o.onProgress?.(finished, total);
      },
    });
  } finally {
    progress.stop();
  }
  const records = [...done.values()].sort((a, b) => order.get(o.recordKey(a))! - order.get(o.recordKey(b))!);
  o.store?.reorder(records.map(o.recordKey));
  return { records, computed: todo.length, resumed };
}
