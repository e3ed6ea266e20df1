// Build-time CPU detection for binding.gyp (prints compiler flags, one per line).
// -march=native is used only when the compiler accepts it; the CPU features it enables are
// recorded in build/jesd-target.json so the loader (src/linalg/native.ts) refuses to load a binary
// built for a CPU with features the current CPU lacks (instead of crashing with SIGILL).
'use strict';
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const cxx = process.env.CXX || 'c++';
const root = path.resolve(__dirname, '..');
let flags = [];
let features = [];
try {
  const out = execSync(`${cxx} -march=native -dM -E -x c++ -`, { input: '', stdio: ['pipe', 'pipe', 'ignore'], timeout: 20000 }).toString();
  flags = ['-march=native'];
  const map = { __AVX512F__: 'avx512f', __AVX2__: 'avx2', __FMA__: 'fma', __AVX__: 'avx' };
  for (const [macro, feat] of Object.entries(map)) if (out.includes(`#define ${macro} `)) features.push(feat);
} catch {
  flags = [];
}
try {
  fs.mkdirSync(path.join(root, 'build'), { recursive: true });
  fs.writeFileSync(path.join(root, 'build', 'jesd-target.json'), JSON.stringify({ flags, features }) + '\n');
} catch {
  // the loader treats a missing record as "no special CPU features"
}
process.stdout.write(flags.join('\n') + '\n');
