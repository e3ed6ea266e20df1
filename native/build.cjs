// `npm ci` / `npm install` hook (package.json scripts.install): build the native linalg addon with
// node-gyp from native/*.cc using the locally installed Node headers. It never fails the install
// and never downloads anything: if headers, a compiler or node-gyp are missing, or the build fails,
// it prints one line and the pure-TypeScript backend is used.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
function skip(why) {
  process.stdout.write(`jesd: native linalg backend not built (${why}); using the TypeScript backend\n`);
  process.exit(0);
}
if (process.env.JESD_SKIP_NATIVE_BUILD === '1') skip('JESD_SKIP_NATIVE_BUILD=1');

// Local headers only: nodedir from npm config, else the prefix of this node binary.
const candidates = [process.env.npm_config_nodedir, path.resolve(path.dirname(process.execPath), '..')].filter(Boolean);
const nodedir = candidates.find((d) => fs.existsSync(path.join(d, 'include', 'node', 'node_api.h')));
if (!nodedir) skip('no local Node headers (include/node/node_api.h) found; not downloading them');

// node-gyp: the copy bundled with npm (npm exports its path), else one on PATH.
const gypCandidates = [
  process.env.npm_config_node_gyp,
  process.env.npm_execpath && path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter(Boolean);
const bundled = gypCandidates.find((p) => fs.existsSync(p));
const [cmd, pre] = bundled ? [process.execPath, [bundled]] : ['node-gyp', []];
const res = spawnSync(cmd, [...pre, 'rebuild', `--nodedir=${nodedir}`, '--loglevel=error'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
  timeout: 300000,
  env: { ...process.env, npm_config_nodedir: nodedir },
});
if (res.error || res.status !== 0) {
  const err = `${res.error ? res.error.message : ''}${res.stderr ? res.stderr.toString() : ''}`.split('\n').find((l) => /error/i.test(l)) || `exit ${res.status}`;
  skip(`build failed: ${err.trim().slice(0, 160)}`);
}
process.stdout.write('jesd: native linalg backend built (build/Release/jesd_linalg.node)\n');
