// Worker-thread entry for src/montecarlo/pool.ts. Plain JavaScript on purpose: a worker thread does
// not inherit the tsx loader that bin/jesd (or vitest) installed in the main thread, so when the work
// module named in workerData is TypeScript (running from sources without a current build) this file
// registers tsx first; a JavaScript module (the build in dist/) needs no loader (a faster start).
// Protocol: the parent posts {id, inputs: [...]} (a batch of units); the worker runs them in order
// and answers {id, ok: true, outputs: [...]} or {id, ok: false, error: {name, message, field?,
// detail?, stack?}} for the first unit that fails.
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
parentPort.on('message', async (msg) => {
  try {
    const outputs = [];
    for (const input of msg.inputs) outputs.push(await work(input));
    parentPort.postMessage({ id: msg.id, ok: true, outputs });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    parentPort.postMessage({
      id: msg.id,
      ok: false,
      error: { name: e.name, message: e.message, field: e.field, detail: e.detail, stack: e.stack },
    });
  }
});
parentPort.postMessage({ ready: true });
