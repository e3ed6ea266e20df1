/**
 * Complex arithmetic: the hand-written {re, im} helpers of src/freeprob/complex.ts against mathjs
 * complex numbers (the project's chosen library for complex arithmetic), on a representative inner
 * loop of src/freeprob: the Stieltjes transform G(z) = (1/n) sum_k 1/(z - t_k) of a discrete measure
 * with n = 64 atoms (theory/01-transforms.md (1.1)) at 10^5 complex points.
 * mathjs is timed two ways: its Complex class methods (the fastest mathjs path) and its typed
 * functions math.subtract / math.divide / math.add (the documented API). Ratios are against the
 * plain helpers measured in the same run; all three sums are checked to agree.
 * `node --import tsx bench/complex.bench.ts [points]`.
 */
import { add as mAdd, complex as mComplex, divide as mDivide, subtract as mSubtract, type Complex as MComplex } from 'mathjs';
import * as C from '../src/freeprob/complex.ts';
import { stream } from '../src/random/rng.ts';
import { bestMs } from './timing.ts';

const POINTS = Number(process.argv[2] ?? 100_000);
const ATOMS = 64;
const rng = stream(2024, 17);
const atoms = Float64Array.from({ length: ATOMS }, () => rng.normal());
const zRe = Float64Array.from({ length: POINTS }, () => 4 * rng.uniform() - 2);
const zIm = Float64Array.from({ length: POINTS }, () => 0.01 + rng.uniform());
const ONE = C.complex(1);

function plain(): C.Complex {
  let total = C.complex(0);
  for (let p = 0; p < POINTS; p++) {
    const z = C.complex(zRe[p]!, zIm[p]!);
    let g = C.complex(0);
    for (let k = 0; k < ATOMS; k++) g = C.add(g, C.div(ONE, C.sub(z, C.complex(atoms[k]!))));
    total = C.add(total, C.scale(g, 1 / ATOMS));
  }
  return total;
}

/** The methods of mathjs's Complex class (complex.js), which mathjs's type declarations omit. */
interface ComplexMethods { re: number; im: number; add(b: ComplexMethods): ComplexMethods; sub(b: ComplexMethods): ComplexMethods; mul(b: ComplexMethods): ComplexMethods; div(b: ComplexMethods): ComplexMethods }
const mc = (re: number, im: number): ComplexMethods => mComplex(re, im) as unknown as ComplexMethods;

const mOne = mComplex(1, 0);
function mathjsMethods(): C.Complex {
  const one = mc(1, 0);
  let total = mc(0, 0);
  for (let p = 0; p < POINTS; p++) {
    const z = mc(zRe[p]!, zIm[p]!);
    let g = mc(0, 0);
    for (let k = 0; k < ATOMS; k++) g = g.add(one.div(z.sub(mc(atoms[k]!, 0))));
    total = total.add(g.mul(mc(1 / ATOMS, 0)));
  }
  return { re: total.re, im: total.im };
}

function mathjsFunctions(): C.Complex {
  let total = mComplex(0, 0);
  for (let p = 0; p < POINTS; p++) {
    const z = mComplex(zRe[p]!, zIm[p]!);
    let g: MComplex = mComplex(0, 0);
    for (let k = 0; k < ATOMS; k++) g = mAdd(g, mDivide(mOne, mSubtract(z, mComplex(atoms[k]!, 0))) as MComplex);
    total = mAdd(total, mDivide(g, ATOMS) as MComplex);
  }
  return { re: total.re, im: total.im };
}

const TIMING = { maxReps: 5, budgetMs: 3000 };
const results: { name: string; value: C.Complex; ms: number }[] = [];
for (const [name, fn] of [['plain {re, im} (src/freeprob/complex.ts)', plain], ['mathjs Complex methods', mathjsMethods], ['mathjs typed functions', mathjsFunctions]] as const) {
  let value = C.complex(0);
  const ms = bestMs(() => { value = fn(); }, TIMING);
  results.push({ name, value, ms });
}
const ref = results[0]!;
console.log(`\n== complex arithmetic: Stieltjes transform of ${ATOMS} atoms at ${POINTS} points (${(ATOMS * POINTS / 1e6).toFixed(1)}M complex divisions)\n`);
console.table(results.map((r) => ({
  implementation: r.name,
  ms: r.ms.toFixed(1),
  'x plain': (r.ms / ref.ms).toFixed(1),
  'rel. diff of sum': (C.abs(C.sub(r.value, ref.value)) / C.abs(ref.value)).toExponential(1),
})));
for (const r of results) {
  if (!(C.abs(C.sub(r.value, ref.value)) <= 1e-9 * C.abs(ref.value))) throw new Error(`${r.name} disagrees with the plain helpers`);
}
