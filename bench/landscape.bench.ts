/**
 * Landscape stage (theory/09-landscape.md):
 *  - the 5-point experiment of arXiv 2402.05626 (width 50, init 50^-3, lr 1e-3, 6e5 full-batch GD
 *    steps) through src/landscape/gd.ts gradientDescent, wall time; target under 10 s;
 *  - its time per step as a ratio to NumPy doing the same arithmetic (bench/numpy_reference.py
 *    --landscape-gd 50,20000; vectorised over the batch, one Python loop iteration per step),
 *    measured in the same run.
 */
import { BUILTIN_DATA, initShallowNet } from '../src/landscape/model.ts';
import { gradientDescent } from '../src/landscape/gd.ts';
import { numpyReference } from './numpyRef.ts';

const data = BUILTIN_DATA['wu-5point']!();
const d = data.defaults!;
const np = numpyReference(['--sizes', '', '--network-sizes', '', '--landscape-gd', `${d.width},20000`]);
console.log(`\n== wu-5point: ${d.steps} GD steps, width ${d.width}, N = 5, d = 2 (target < 10 s); ${typeof np === 'string' ? `no NumPy ratio: ${np}` : `NumPy ${np.numpy}`}\n`);
const net = initShallowNet({ d: 2, k: 1, r: d.width, scale: d.initScale, seed: 0 });
gradientDescent(net, data, { lr: d.lr, steps: 20_000, snapshots: false }); // warm-up (JIT)
const t0 = performance.now();
const res = gradientDescent(net, data, { lr: d.lr, steps: d.steps });
const s = (performance.now() - t0) / 1000;
const stepUs = (s * 1e6) / d.steps;
const ref = typeof np === 'string' ? undefined : np.landscape?.stepUs;
console.table([
  { what: 'jesd gradientDescent', 'total s': +s.toFixed(2), 'us / step': +stepUs.toFixed(3), 'x NumPy': ref ? +(stepUs / ref).toFixed(3) : '', 'final loss': res.finalLoss.toPrecision(10) },
  ...(ref ? [{ what: 'NumPy (same arithmetic)', 'total s': +((ref * d.steps) / 1e6).toFixed(2), 'us / step': +ref.toFixed(3), 'x NumPy': 1, 'final loss': '' }] : []),
]);
