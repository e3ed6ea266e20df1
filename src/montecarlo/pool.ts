/**
 * A small worker pool on node:worker_threads.
 *
 * `runPool(units, workerModule, opts)` runs `workerModule[exportName](unit)` for every unit on
 * `opts.workers` computing threads (default: all cores), the main thread being one of them:
 * - The main thread starts at once on the first units, in process (no start-up cost).
 * - Worker threads (workers - 1 of them) start only when the work left is long enough to pay for
 *   them: estimated as units left x mean CPU time of the units run so far in process, against
 *   `minThreadWorkMs` (default WORKER_START_MS, what starting a worker costs). While they start,
 *   the main thread keeps working.
 * - A worker runs the compiled JavaScript twin of the module when a current build exists
 *   (src/moduleUrl.ts runnableModuleUrl: never older than the sources), else the sources via tsx.
 * - No thread hands work to another: every computing thread takes the next unit itself from a
 *   shared counter (Atomics.add on a SharedArrayBuffer; a worker receives the units not yet taken
 *   when it starts). So a worker never waits for the main thread, whose units may be long, and the
 *   threads finish together to within one unit. A worker posts its results about every BATCH_MS of
 *   work (one message per batch, not per unit); the main thread takes them between its own units.
 *
 * Units finish in whatever order the machine decides; `onResult` sees them one at a time in
 * completion order and the returned array is in unit order. Determinism is the caller's job and is
 * easy: a unit's work must depend only on the unit (all randomness from `stream(seed, ...path)`
 * addressed by the unit), never on which thread ran it or when.
 *
 * With `workers: 1` everything runs in-process (no threads). Between in-process units the main
 * thread yields to the event loop, so signals, timers (progress) and worker messages are handled.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { InvalidSpecError, JesdError, NonConvergenceError, ResultStoreError, requireInteger } from '../errors.ts';
import { runnableModuleUrl } from '../moduleUrl.ts';

export interface PoolOptions<TOut> {
  /** Computing threads (>= 1), the main thread included; default os.availableParallelism(). 1 runs in-process. */
  workers?: number;
  /** Name of the function exported by the worker module (default "run"). */
  exportName?: string;
  /** Called in completion order as each unit finishes; awaited before the next result is handled. */
  onResult?: (index: number, output: TOut) => void | Promise<void>;
  /**
   * Worker threads start once the estimated work left (units left x mean CPU time of the
   * in-process units) exceeds this many ms. Default: WORKER_START_MS for the module the workers would load.
   */
  minThreadWorkMs?: number;
  /**
   * false: the main thread computes nothing and `workers` worker threads start at once (tests use
   * it to exercise the threads). Default true.
   */
  mainThreadWorks?: boolean;
  /** Called when worker thread `thread` (0-based) returns a batch of `size` units (statistics, tests). */
  onBatch?: (thread: number, size: number) => void;
}

/**
 * What starting one worker costs in ms, measured on a 2-core machine (module load to ready):
 * ~60-250 ms for a JavaScript module of dist/, ~430-570 ms through tsx from the sources; rounded up.
 */
export const WORKER_START_MS = { js: 300, ts: 1000 } as const;
/** A worker thread posts its results about every BATCH_MS ms of work (one message per batch, not per unit). */
export const BATCH_MS = 25;
/** How often (wall ms) the main thread re-estimates, from its CPU time, whether worker threads would pay. */
const CHECK_MS = 5;

/** A message from src/montecarlo/workerEntry.mjs (its protocol is described there). */
interface WorkerReply<TOut> {
  ok?: boolean;
  ready?: boolean;
  done?: boolean;
  ids?: number[];
  outputs?: TOut[];
  error?: { name: string; message: string; field?: string; detail?: string; stack?: string };
}

/** Default number of workers: every core the process may use. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

type Work<TIn, TOut> = (u: TIn) => TOut | Promise<TOut>;

async function loadWork<TIn, TOut>(moduleUrl: string, exportName: string): Promise<Work<TIn, TOut>> {
  const mod = (await import(moduleUrl)) as Record<string, unknown>;
  const work = mod[exportName];
  if (typeof work !== 'function') throw new Error(`worker module ${moduleUrl} has no exported function "${exportName}"`);
  return work as Work<TIn, TOut>;
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/**
 * Run `units` through the function `exportName` of `workerModule` (a file URL, string or URL).
 * Rejects with the first unit's error (rebuilt as the same typed error where it is one of ours);
 * worker threads are terminated then, and results already passed to onResult stay delivered.
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
  const mainWorks = opts.mainThreadWorks ?? true;
  const work = mainWorks ? await loadWork<TIn, TOut>(moduleUrl, exportName) : null;
  if (workers === 1 && work !== null) {
    for (let i = 0; i < units.length; i++) {
      const out = await work(units[i]!);
      results[i] = out;
      if (opts.onResult) await opts.onResult(i, out);
      // Yield to the event loop between units, so that signals (Ctrl-C: release the output's lock,
      // say how to resume) and timers (progress lines) are handled during an in-process run.
      await yieldToEventLoop();
    }
    return results;
  }
  return runMixed(units, work, moduleUrl, exportName, workers, results, opts);
}

async function runMixed<TIn, TOut>(
  units: readonly TIn[],
  work: Work<TIn, TOut> | null,
  moduleUrl: string,
  exportName: string,
  workers: number,
  results: TOut[],
  opts: PoolOptions<TOut>,
): Promise<TOut[]> {
  const n = units.length;
  const workerUrl = runnableModuleUrl(moduleUrl);
  const threshold = opts.minThreadWorkMs ?? (/\.m?js$/.test(new URL(workerUrl).pathname) ? WORKER_START_MS.js : WORKER_START_MS.ts);
  const threads: Worker[] = [];
  // Index of the next unit to compute: every computing thread takes its next unit with
  // Atomics.add(claim, 0, 1), so no thread ever waits for another to hand it work.
  const claim = new Int32Array(new SharedArrayBuffer(4));
  const claimed = () => Math.min(n, Atomics.load(claim, 0));
  let delivered = 0; // results received (in process or from a thread)
  let failed = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  let chain: Promise<void> = Promise.resolve();
  // Units computed in process before the threads start, and the process's CPU time since then
  // (read every CHECK_MS of wall time, not per unit: a read is a system call).
  let inProcessUnits = 0;
  const cpu0 = process.cpuUsage();
  let lastCheck = -Infinity;

  const fail = (err: unknown) => {
    if (failed) return;
    failed = true;
    failure = err;
    Atomics.store(claim, 0, n); // nothing more is claimed
    for (const t of threads) void t.terminate();
    wake?.();
  };
  // Results are handed to onResult one at a time, in completion order.
  const deliver = (i: number, out: TOut) => {
    results[i] = out;
    delivered++;
    chain = chain.then(async () => {
      if (!failed && opts.onResult) await opts.onResult(i, out);
    }).catch(fail);
  };
  const startThreads = (count: number) => {
    const entry = new URL('./workerEntry.mjs', import.meta.url);
    const offset = claimed();
    const pending = units.slice(offset);
    for (let k = 0; k < count; k++) {
      // The main thread (or the first worker, when it computes nothing) announces the linalg backend.
      const quiet = work !== null || k > 0;
      const env = quiet ? { ...process.env, JESD_QUIET_BACKEND: '1' } : process.env;
      const t = new Worker(entry, { workerData: { module: workerUrl, exportName, claim: claim.buffer, units: pending, offset, batchMs: BATCH_MS }, env });
      threads.push(t);
      let done = false;
      t.on('message', (msg: WorkerReply<TOut>) => {
        if (failed || msg.ready) return;
        if (msg.done) {
          done = true;
          return;
        }
        if (!msg.ok) {
          fail(rebuildError(msg.error));
          return;
        }
        msg.ids!.forEach((i, j) => deliver(i, msg.outputs![j] as TOut));
        opts.onBatch?.(k, msg.ids!.length);
        wake?.();
      });
      t.on('error', (err) => fail(err));
      t.on('exit', (code) => {
        if (!failed && !done && delivered < n) fail(new Error(`worker thread exited with code ${code} before finishing its units`));
      });
    }
  };

  let threadsStarted = false;
  if (work === null) {
    startThreads(Math.min(workers, n));
    threadsStarted = true;
  }
  try {
    while (!failed) {
      const i = work !== null ? Atomics.add(claim, 0, 1) : n;
      if (i < n) {
        let out: TOut;
        try {
          out = await work!(units[i]!);
        } catch (e) {
          fail(e);
          break;
        }
        deliver(i, out);
        await chain;
        if (!threadsStarted) {
          inProcessUnits++;
          const now = performance.now();
          const left = n - claimed();
          if (left > 0 && now - lastCheck >= CHECK_MS) {
            lastCheck = now;
            // CPU time, not wall time: on a loaded machine the wall time of a unit overstates its
            // work, and a worker's start costs more wall time in the same proportion.
            const c = process.cpuUsage(cpu0);
            if (left * ((c.user + c.system) / 1000 / inProcessUnits) > threshold) {
              startThreads(Math.min(workers - 1, left));
              threadsStarted = true;
            }
          }
        }
        // Worker messages, signals and progress timers are handled here.
        await yieldToEventLoop();
      } else if (delivered < n) {
        await new Promise<void>((r) => { wake = r; });
        wake = null;
      } else {
        break;
      }
    }
    await chain;
  } finally {
    for (const t of threads) void t.terminate();
  }
  if (failed) throw failure;
  return results;
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
