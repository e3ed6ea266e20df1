// Worker-thread entry for src/montecarlo/pool.ts. Plain JavaScript on purpose: a worker thread does
// not inherit the tsx loader that bin/jesd (or vitest) installed in the main thread, so when the work
// module named in workerData is TypeScript (running from sources without a current build) this file
// registers tsx first; a JavaScript module (the build in dist/) needs no loader (a faster start).
//
// Protocol (no request messages: the worker feeds itself, so it never waits for the main thread):
// workerData = {module, exportName, claim, units, offset, batchMs}. `claim` is a SharedArrayBuffer
// holding one Int32, the index of the next unit of the whole run; every computing thread (the main
// thread too) takes unit i = Atomics.add(claim, 0, 1) until i >= offset + units.length. `units` are
// the run's units from index `offset` on (those not claimed when the worker was started).
// The worker posts {ready: true} once its module is loaded, then {ok: true, ids, outputs} about every
// `batchMs` ms of work (and with its last results), then {done: true}; for the first unit that fails
// it posts {ok: false, error: {name, message, field?, detail?, stack?}} and stops.
import { parentPort, workerData } from 'node:worker_threads';

if (new URL(workerData.module).pathname.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
const mod = await import(workerData.module);
const work = mod[workerData.exportName];
if (typeof work !== 'function') {
  throw new Error(`worker module ${workerData.module} has no exported function "${workerData.exportName}"`);
}
parentPort.postMessage({ ready: true });

const { units, offset, batchMs } = workerData;
const claim = new Int32Array(workerData.claim);
const end = offset + units.length;
let ids = [];
let outputs = [];
let since = performance.now();
const flush = () => {
  if (ids.length > 0) parentPort.postMessage({ ok: true, ids, outputs });
  ids = [];
  outputs = [];
  since = performance.now();
};
try {
  for (let i = Atomics.add(claim, 0, 1); i < end; i = Atomics.add(claim, 0, 1)) {
    outputs.push(await work(units[i - offset]));
    ids.push(i);
    if (performance.now() - since >= batchMs) flush();
  }
  flush();
  parentPort.postMessage({ done: true });
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  parentPort.postMessage({
    ok: false,
    error: { name: e.name, message: e.message, field: e.field, detail: e.detail, stack: e.stack },
  });
}
