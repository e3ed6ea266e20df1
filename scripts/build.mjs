// `npm run build` (also `prepare` and `prepack`): compile src/ to JavaScript and declarations
// (tsconfig.build.json) in a fresh directory beside dist/, copy the plain-JavaScript worker entry
// beside its pool, write .build-stamp last, then swap the directory into place by renames, so a
// `bin/jesd` running meanwhile sees either the old complete build or the new one, never half.
import { cpSync, existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const fresh = `${root}dist.build-${process.pid}`;
const old = `${root}dist.old-${process.pid}`;
rmSync(fresh, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`, '--outDir', fresh], { stdio: 'inherit' });
if (r.status !== 0) {
  rmSync(fresh, { recursive: true, force: true });
  process.stderr.write('jesd: build failed (tsc); bin/jesd keeps running the TypeScript sources\n');
  process.exit(r.status ?? 1);
}
cpSync(`${root}src/montecarlo/workerEntry.mjs`, `${fresh}/montecarlo/workerEntry.mjs`);
writeFileSync(`${fresh}/.build-stamp`, new Date().toISOString() + '\n');
if (existsSync(`${root}dist`)) renameSync(`${root}dist`, old);
renameSync(fresh, `${root}dist`);
rmSync(old, { recursive: true, force: true });
