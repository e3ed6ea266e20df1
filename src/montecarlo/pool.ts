/**
 * A small worker pool on node:worker_threads (DESIGN.md section 4, `src/montecarlo/`).
 *
 * `runPool(units, workerModule, opts)` runs `workerModule[exportName](unit)` for every unit, on
 * `opts.workers` threads (default: all cores). Each worker holds at most two units at a time (one
 * running, one queued), so units finish
 * in whatever order the machine decides; `onResult` sees them in completion order and the returned
 * array is in unit order. Determinism is the caller's job and is easy: a unit's work must depend
 * only on the unit (all randomness from `stream(seed, ...path)` addressed by the unit), never on
 * which worker ran it or when.
 *
 * Worker threads do not inherit the tsx loader of the main thread, so workers start from the plain
 * JavaScript file `workerEntry.mjs`, which registers tsx and then imports the TypeScript module.
 * With `workers: 1` everything runs in-process (no threads), which is also the fallback.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InvalidSpecError, JesdError, NonConvergenceError, ResultStoreError, requireInteger } from '../errors.ts';

export interface PoolOptions<TOut> {
  /** Number of worker threads (>= 1); default os.availableParallelism(). 1 runs in-process. */
  workers?: number;
  /** Name of the function exported by the worker module (default "run"). */
  exportName?: string;
  /** Called in completion order as each unit finishes; awaited before the next result is handled. */
  onResult?: (index: number, output: TOut) => void | Promise<void>;
}

interface WorkerReply<TOut> {
  id?: number;
  ok?: boolean;
  ready?: boolean;
  output?: TOut;
  error?: { name: string; message: string; field?: string; detail?: string; stack?: string };
}

/** Default number of workers: every core the process may use. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Run `units` through the function `exportName` of `workerModule` (a file URL, string or URL).
 * Rejects with the first unit's error (rebuilt as the same typed error where it is one of ours);
 * outstanding workers are terminated then, and results already passed to onResult stay delivered.
 */
export async function runPool<TIn, TOut>(
  units: readonly TIn[],
  workerModule: string | URL,
  opts: PoolOptions<TOut> = {},
): Promise<TOut[]> {
  const workers = requireInteger('workers', opts.workers ?? defaultWorkerCount(), 1, 4096);
  const exportName = opts.exportName ?? 'run';
  const moduleUrl = typeof workerModule === 'string' ? workerModule : workerModule.href;
  const results = new Array<TOut>(units.length);
  if (units.length === 0) return results;
  if (workers === 1) {
    const mod = (await import(moduleUrl)) as Record<string, unknown>;
    const work = mod[exportName];
    if (typeof work !== 'function') throw new Error(`worker module ${moduleUrl} has no exported function "${exportName}"`);
    for (let i = 0; i < units.length; i++) {
      const out = (await (work as (u: TIn) => TOut | Promise<TOut>)(units[i]!)) as TOut;
      results[i] = out;
      if (opts.onResult) await opts.onResult(i, out);
      // Yield to the event loop between units, so that signals (Ctrl-C: release the output's lock,
      // say how to resume) and timers (progress lines) are handled during an in-process run.
      await new Promise<void>((r) => setImmediate(r));
    }
    return results;
  }
  return runThreads(units, moduleUrl, exportName, Math.min(workers, units.length), results, opts.onResult);
}

function runThreads<TIn, TOut>(
  units: readonly TIn[],
  moduleUrl: string,
  exportName: string,
  threadCount: number,
  results: TOut[],
  onResult: PoolOptions<TOut>['onResult'],
): Promise<TOut[]> {
  return new Promise<TOut[]>((resolve, reject) => {
    const entry = new URL('./workerEntry.mjs', import.meta.url);
    const threads: Worker[] = [];
    let next = 0;
    let done = 0;
    let failed = false;
    // Results are handed to onResult one at a time, in completion order.
    let chain: Promise<void> = Promise.resolve();

    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      for (const t of threads) void t.terminate();
      reject(err);
    };
    const feed = (t: Worker) => {
      if (failed || next >= units.length) return;
      const id = next++;
      t.postMessage({ id, input: units[id] });
    };

    for (let k = 0; k < threadCount; k++) {
      // Only the first worker announces the linalg backend on stderr (src/linalg/index.ts).
      const env = k === 0 ? process.env : { ...process.env, JESD_QUIET_BACKEND: '1' };
      const t = new Worker(entry, { workerData: { module: moduleUrl, exportName }, env });
      threads.push(t);
      t.on('message', (msg: WorkerReply<TOut>) => {
        if (failed) return;
        if (msg.ready) {
          // Two units in flight per worker hide the message round trip behind work.
          feed(t);
          feed(t);
          return;
        }
        if (!msg.ok) {
          fail(rebuildError(msg.error));
          return;
        }
        const id = msg.id!;
        results[id] = msg.output as TOut;
        feed(t);
        chain = chain.then(async () => {
          if (failed) return;
          if (onResult) await onResult(id, msg.output as TOut);
          done++;
          if (done === units.length) {
            for (const th of threads) void th.terminate();
            resolve(results);
          }
        }).catch(fail);
      });
      t.on('error', (err) => fail(err));
      t.on('exit', (code) => {
        if (!failed && done < units.length && code !== 0) fail(new Error(`worker thread exited with code ${code} before finishing its units`));
      });
    }
  });
}

/** Rebuild a typed error posted by a worker (classes do not cross the thread boundary). */
function rebuildError(e: WorkerReply<unknown>['error']): Error {
  if (!e) return new Error('worker failed without an error message');
  let err: Error;
  if (e.name === 'InvalidSpecError' || e.name === 'FlagError') err = new InvalidSpecError(e.field ?? 'input', e.detail ?? e.message);
  else if (e.name === 'NonConvergenceError') err = new NonConvergenceError(e.message);
  else if (e.name === 'ResultStoreError') err = new ResultStoreError(e.message);
  else if (e.name === 'JesdError') err = new JesdError(e.message);
  else {
    err = new Error(e.message);
    err.name = e.name;
  }
  if (e.stack) err.stack = `${err.name}: ${err.message} (in a worker thread)\n${e.stack}`;
  return err;
}
