/**
 * The cross-check table of docs/counting.md: Kac-Rice (src/counting/kacRice.ts) vs multistart Newton
 * (src/counting/multistart.ts) for E[# fixed points] and E[# stable fixed points], sigmoid, Gaussian
 * biases sigma_b = 1, sigma_w = 1, seed 1.
 * Usage: node --import tsx scripts/counting-table.ts WEIGHTS SCALING [widths] [depths] [samples] [networks] [starts]
 * Prints one markdown row per (N, L) and the same as JSON Lines on stderr.
 */
import { kacRice } from '../src/counting/kacRice.ts';
import { countByMultistart } from '../src/counting/multistart.ts';
import type { NetworkSpec, Scaling, WeightLawName } from '../src/spec/networkSpec.ts';

const [weights = 'gaussian', scaling = 'raw', widths = '1,2,3,5', depths = '1,2,4,8', samples = '8192', networks = '200', starts = '50'] = process.argv.slice(2);
const f = (m: number, s: number) => `${m.toFixed(3)} ± ${s.toFixed(3)}`;
for (const N of widths.split(',').map(Number)) {
  for (const L of depths.split(',').map(Number)) {
    const spec: NetworkSpec = { N, L, activation: 'sigmoid', weights: { name: weights as WeightLawName, scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: scaling as Scaling, seed: 1 };
    let t = performance.now();
    const kr = kacRice(spec, { samples: Number(samples) });
    const tk = (performance.now() - t) / 1000;
    t = performance.now();
    const ms = countByMultistart(spec, { networks: Number(networks), starts: Number(starts) });
    const tm = (performance.now() - t) / 1000;
    const z = (k: 'all' | 'stable') => (kr[k].mean - ms[k].mean) / Math.max(Math.hypot(kr[k].stderr, ms[k].stderr), 1e-12);
    console.log(`| ${weights} | ${scaling} | ${N} | ${L} | ${f(kr.all.mean, kr.all.stderr)} | ${f(ms.all.mean, ms.all.stderr)} | ${z('all').toFixed(1)} | ${f(kr.stable.mean, kr.stable.stderr)} | ${f(ms.stable.mean, ms.stable.stderr)} | ${z('stable').toFixed(1)} | ${kr.ess.toFixed(0)} | ${(100 * ms.convergedShare).toFixed(1)} | ${tk.toFixed(1)} / ${tm.toFixed(1)} |`);
    process.stderr.write(JSON.stringify({ weights, scaling, N, L, kr, ms: { ...ms, perNetwork: undefined }, zAll: z('all'), zStable: z('stable') }) + '\n');
  }
}
