/**
 * `npm run bench`: every bench/*.bench.ts in one invocation, each in its own Node process (so one
 * bench's JIT state, threads or backend choice cannot affect another), linalg and network first,
 * then the others alphabetically. Each prints its own table.
 * JESD_BENCH_ONLY=linalg,network runs a subset. Exit status: 1 if any bench failed.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const first = ['linalg.bench.ts', 'network.bench.ts'];
const found = readdirSync(dir).filter((f) => f.endsWith('.bench.ts'));
const only = process.env.JESD_BENCH_ONLY?.split(',').map((s) => `${s.trim()}.bench.ts`);
const files = [...first.filter((f) => found.includes(f)), ...found.filter((f) => !first.includes(f)).sort()].filter((f) => only === undefined || only.includes(f));

const failed: string[] = [];
for (const f of files) {
  console.log(`\n######## bench/${f}`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${f}`], { stdio: 'inherit' });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    failed.push(f);
    console.log(`######## bench/${f} FAILED (exit ${r.status ?? r.signal}) after ${s} s`);
  } else {
    console.log(`######## bench/${f} done in ${s} s`);
  }
}
console.log(`\nbench: ${files.length - failed.length}/${files.length} benches ran${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
process.exit(failed.length ? 1 : 0);
