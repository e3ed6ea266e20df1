/**
 * Levy-matrix solvers (theory/05-heavy-tailed.md 5.3-5.4): cost per density point, expressed as a
 * ratio to one evaluation of the core integrals Phi/Psi (levyPhiPsi, (5.12)-(5.14)) measured in the
 * same run. `node --import tsx bench/levy.bench.ts`.
 */
import { levyPhiPsi } from '../src/freeprob/levyCore.ts';
import { levyMatrixDensity, levyScaledWishartDensity, levyWishartDensity } from '../src/freeprob/levy.ts';
import { stableD2Law, stableScaleFixedPoint } from '../src/meanfield/stable.ts';

function time(fn: () => void, reps: number): number {
  fn(); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) fn();
  return (performance.now() - t0) / reps;
}

const ref = time(() => { levyPhiPsi(0.75, { re: 0, im: -1.3 }, { re: 0.6, im: 0.2 }); }, 2000);
const grid = Array.from({ length: 40 }, (_, i) => 0.25 * i);
const spec = { alpha: 1, activation: 'tanh' as const, sigmaW: 1, sigmaB: 0.5, convention: 'natural' as const };
const law = stableD2Law(1, 'tanh', stableScaleFixedPoint(spec).value);
const rows: [string, number, number][] = [
  ['levyPhiPsi (reference, 1 call)', ref, 1],
  ['levyMatrixDensity alpha=1, per point (40 pts)', time(() => levyMatrixDensity(1, grid), 3) / grid.length, 0],
  ['levyMatrixDensity alpha=1.5, per point (40 pts)', time(() => levyMatrixDensity(1.5, grid), 3) / grid.length, 0],
  ['levyWishartDensity alpha=1, c=0.5, per point (20 pts)', time(() => levyWishartDensity(1, 0.5, grid.slice(4, 24)), 2) / 20, 0],
  [`levyScaledWishartDensity tanh D^2 law (${law.points.length} pts), per point`, time(() => levyScaledWishartDensity(1, 1, law, [0.5, 2]), 1) / 2, 0],
];
console.log('case | ms | ratio to one Phi/Psi call');
console.log('---|---|---');
for (const [name, ms] of rows) console.log(`${name} | ${ms.toFixed(3)} | ${(ms / ref).toFixed(1)}`);
