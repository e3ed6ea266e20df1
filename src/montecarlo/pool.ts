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
 * - Units go to a worker in batches of about BATCH_MS of work (one message per batch, not per
 *   unit), at most IN_FLIGHT batches per worker (one running, one queued, so a worker does not
 *   wait for the main thread to finish its own unit before it gets more). Batches shrink towards
 *   the end, and the last units get no second batch queued, so the threads finish together.
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
/** Target work per message to a worker, ms. */
export const BATCH_MS = 25;
/** Largest batch, in units. */
const MAX_BATCH = 256;
/** Batches queued per worker. */
const IN_FLIGHT = 2;

interface WorkerReply<TOut> {
  id?: number;
  ok?: boolean;
  ready?: boolean;
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
  let next = 0; // next unit to hand out
  let outstanding = 0; // units handed to worker threads and not yet returned
  let failed = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  let chain: Promise<void> = Promise.resolve();
  let inProcessMs = 0;
  let inProcessUnits = 0;
  let inProcessCpuMs = 0; // CPU time of the in-process units before the threads start
  let batchSeq = 0;

  const fail = (err: unknown) => {
    if (failed) return;
    failed = true;
    failure = err;
    for (const t of threads) void t.terminate();
    wake?.();
  };
  // Results are handed to onResult one at a time, in completion order.
  const deliver = (i: number, out: TOut) => {
    results[i] = out;
    chain = chain.then(async () => {
      if (!failed && opts.onResult) await opts.onResult(i, out);
    }).catch(fail);
  };
  const batchSize = () => {
    const left = n - next;
    const bySpeed = inProcessUnits === 0 ? 1 : Math.floor(BATCH_MS / Math.max(inProcessMs / inProcessUnits, 1e-3));
    return Math.max(1, Math.min(MAX_BATCH, bySpeed, Math.ceil(left / (2 * workers))));
  };
  const startThreads = (count: number) => {
    const entry = new URL('./workerEntry.mjs', import.meta.url);
    for (let k = 0; k < count; k++) {
      // The main thread (or the first worker, when it computes nothing) announces the linalg backend.
      const quiet = work !== null || k > 0;
      const env = quiet ? { ...process.env, JESD_QUIET_BACKEND: '1' } : process.env;
      const t = new Worker(entry, { workerData: { module: workerUrl, exportName }, env });
      threads.push(t);
      const inFlight = new Map<number, number[]>();
      const feed = () => {
        if (failed || next >= n) return;
        // Near the end a worker gets no second batch: the main thread takes those units instead of
        // waiting for a queue it cannot reach.
        if (work !== null && inFlight.size >= 1 && n - next < 2 * workers) return;
        const size = batchSize();
        const ids = Array.from({ length: size }, (_, j) => next + j);
        next += size;
        outstanding += size;
        const id = batchSeq++;
        inFlight.set(id, ids);
        t.postMessage({ id, inputs: ids.map((i) => units[i]) });
      };
      t.on('message', (msg: WorkerReply<TOut>) => {
        if (failed) return;
        if (msg.ready) {
          for (let q = 0; q < IN_FLIGHT; q++) feed();
          return;
        }
        if (!msg.ok) {
          fail(rebuildError(msg.error));
          return;
        }
        const ids = inFlight.get(msg.id!)!;
        inFlight.delete(msg.id!);
        ids.forEach((i, j) => deliver(i, msg.outputs![j] as TOut));
        opts.onBatch?.(k, ids.length);
        outstanding -= ids.length;
        feed();
        wake?.();
      });
      t.on('error', (err) => fail(err));
      t.on('exit', (code) => {
        if (!failed && inFlight.size > 0) fail(new Error(`worker thread exited with code ${code} before finishing its units`));
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
      if (work !== null && next < n) {
        const i = next++;
        const t0 = performance.now();
        const c0 = threadsStarted ? null : process.cpuUsage();
        let out: TOut;
        try {
          out = await work(units[i]!);
        } catch (e) {
          fail(e);
          break;
        }
        inProcessMs += performance.now() - t0;
        inProcessUnits++;
        if (c0 !== null) {
          const c = process.cpuUsage(c0);
          inProcessCpuMs += (c.user + c.system) / 1000;
        }
        deliver(i, out);
        await chain;
        // CPU time, not wall time: on a loaded machine the wall time of a unit overstates its work,
        // and a worker's start costs more wall time in the same proportion.
        if (!threadsStarted && n - next > 0 && (n - next) * (inProcessCpuMs / inProcessUnits) > threshold) {
          startThreads(Math.min(workers - 1, n - next));
          threadsStarted = true;
        }
        // Worker messages, signals and progress timers are handled here.
        await yieldToEventLoop();
      } else if (outstanding > 0 || (work === null && next < n)) {
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
