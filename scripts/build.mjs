// `npm run build` (also `prepare` and `prepack`): compile src/ to JavaScript and declarations in
// dist/ (tsconfig.build.json), copy the plain-JavaScript worker entry beside its pool, and write
// dist/.build-stamp last, so bin/jesd uses dist/ only after a complete build.
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
rmSync(`${root}dist`, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const r = spawnSync(process.execPath, [tsc, '-p', `${root}tsconfig.build.json`], { stdio: 'inherit' });
if (r.status !== 0) {
  process.stderr.write('jesd: build failed (tsc); bin/jesd keeps running the TypeScript sources\n');
  process.exit(r.status ?? 1);
}
cpSync(`${root}src/montecarlo/workerEntry.mjs`, `${root}dist/montecarlo/workerEntry.mjs`);
writeFileSync(`${root}dist/.build-stamp`, new Date().toISOString() + '\n');
