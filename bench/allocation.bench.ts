/**
 * Allocation expressivity (theory/12, src/expressivity/): rank and gap of 1000 x 1000 Jacobians
 * J_A (d_out m = 1000 rows, M = 1000 learnable weights, m = 100 inputs), target < 1 s on the native
 * backend:
 *  1. a whole layer of a linear net (100,10,10, W_1 learnable): read from the Kronecker factors (12.8);
 *  2. a mask that is not a whole layer (100,20,10, 50 entries in every row of W_1): build J_A and
 *     take its SVD.
 * The reference measured in the same run is the backend's singular values of a Gaussian
 * 1000 x 1000 matrix (the kernel case 2 reads the rank from). Best of 3 after a warm-up.
 */
import { allocationJacobian, allocationRank, genericPoint, type ArchSpec } from '../src/expressivity/allocation.ts';
import { parseAllocation } from '../src/expressivity/masks.ts';
import { linalg } from '../src/linalg/index.ts';
import { stream } from '../src/random/rng.ts';
import { bestMs } from './timing.ts';

const m = 100;
const timing = { maxReps: 3, minReps: 3, budgetMs: 0 };
console.log(`backend ${linalg().name}`);
const rg = stream(1, 555);
const g = { rows: 1000, cols: 1000, data: new Float64Array(1e6).map(() => rg.normal()) };
const ref = bestMs(() => void linalg().singularValues(g), timing);
console.log(`reference: singular values of a Gaussian 1000 x 1000: ${ref.toFixed(0)} ms`);
for (const [widths, text, what] of [[[100, 10, 10], 'full:1', 'whole layer (Kronecker factors)'], [[100, 20, 10], 'perrow:1:50', 'mask (SVD of J_A)']] as const) {
  const spec: ArchSpec = { arch: 'linear', widths: [...widths], steps: 1 };
  const a = parseAllocation(spec, text);
  const point = genericPoint(spec, m, 1, 0);
  const { jacobian } = allocationJacobian(spec, a, point.weights, point.inputs);
  let rank = -1, gap: number | null = null;
  const ms = bestMs(() => {
    const r = allocationRank(spec, a, point, m);
    rank = r.rank; gap = r.gap;
  }, timing);
  console.log(`${what}: ${widths.join(',')} ${text}, J_A ${jacobian.rows} x ${jacobian.cols}: rank ${rank}, gap ${gap === null ? 'none' : (gap as number).toExponential(2)}`);
  console.log(`  rank + gap ${ms.toFixed(0).padStart(6)} ms (target < 1000 ms on native); ratio to the reference ${(ms / ref).toFixed(3)}`);
}
