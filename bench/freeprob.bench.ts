/**
 * Bench (issue 3): time to produce a 400-point density of the J J^T spectrum at depth L = 50 from
 * theory (theory/04-light-tailed.md (4.14)), with and without the invariant quadrature, beside the
 * time of the same estimate by Monte Carlo at N = 400 (one sampled network: Jacobian + SVD).
 * Run: node --import tsx bench/freeprob.bench.ts
 */
import { freeMultiplicativeConvolution } from '../src/freeprob/spectrum.ts';
import { jacobianFactors, solveLightJacobian } from '../src/jacobian/light.ts';
import { sampleJacobianSquaredSingularValues } from '../src/compare/sampler.ts';

const spec = { activation: 'tanh' as const, sigmaW: 1.1, sigmaB: 0.05, L: 50 };
const grid = Array.from({ length: 400 }, (_, i) => 0.02 + (i * 10) / 399);

function time<T>(f: () => T, repeats: number): { ms: number; value: T } {
  let value = f(); // warm-up (JIT, caches)
  const t0 = performance.now();
  for (let r = 0; r < repeats; r++) value = f();
  return { ms: (performance.now() - t0) / repeats, value };
}

const densityOnly = time(() => {
  const { factors } = jacobianFactors(spec);
  return freeMultiplicativeConvolution(factors, grid, { skipInvariants: true }).report;
}, 3);
const full = time(() => solveLightJacobian(spec, grid), 1);
const mc = time(() => sampleJacobianSquaredSingularValues(spec, 400, 1, 1), 1);

const rows = [
  ['Monte Carlo N=400, 1 network (reference)', mc.ms, `${mc.value.length} squared singular values`],
  ['theory: 400-point density', densityOnly.ms, `converged=${densityOnly.value.diagnostics.converged}`],
  ['theory: density + invariants + quantiles', full.ms, `massError=${(full.value.diagnostics.massError as number).toExponential(1)}`],
] as const;
console.log(`freeprob bench: J J^T spectrum, tanh, sigma_w=1.1, sigma_b=0.05, L=50, 400 grid points`);
console.log('| task | ms | ratio to Monte Carlo | note |');
console.log('|---|---:|---:|---|');
for (const [name, ms, note] of rows) console.log(`| ${name} | ${ms.toFixed(1)} | ${(ms / mc.ms).toFixed(3)} | ${note} |`);
