// Worker-thread entry for src/montecarlo/pool.ts. Plain JavaScript on purpose: a worker thread does
// not inherit the tsx loader that bin/jesd (or vitest) installed in the main thread, so when the work
// module named in workerData is TypeScript (running from the sources) this file registers tsx first;
// from the build in dist/ the module is JavaScript and no loader is needed (a faster worker start).
// Protocol: the parent posts {id, input}; the worker answers {id, ok: true, output} or
// {id, ok: false, error: {name, message, field?, detail?, stack?}}.
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
    const output = await work(msg.input);
    parentPort.postMessage({ id: msg.id, ok: true, output });
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
