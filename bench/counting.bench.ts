/**
 * Counting fixed points (theory/06 section 6.6): the Kac-Rice estimator (src/counting/kacRice.ts)
 * against multistart Newton counting (src/counting/multistart.ts), which is the reference measured
 * in the same run. Configuration: sigmoid, raw Cauchy weights sigma_w = 1, Gaussian biases
 * sigma_b = 1 (the study preset's laws), seed 1.
 * 1. E[# stable] at N = 5, L = 4 to standard error 0.01: seconds for each method and their ratio
 *    (networks are added one at a time until the running standard error reaches the target,
 *    after at least 200 networks, so that a sample of identical counts cannot stop it early).
 * 2. ESS per second at N = 10, L = 1 and 2 for the broad proposal, the fixed-points proposal without
 *    its staircase component and with one Newton start per auxiliary bias (regionShare 0, image
 *    weight 0.3, searchStarts 1: the previous default, the mixture (6.15) alone) and the default
 *    fixed-points proposal with the staircase component (6.41) (Gaussian and Cauchy weights, raw scaling).
 * 3. Largest N (L = 4) at which Kac-Rice reaches standard error 0.02 on E[# stable] within 60 s:
 *    each N runs for JESD_BENCH_COUNT_SECONDS (default 8) and the time to 0.02 is projected from
 *    the measured variance per second (se^2 t is constant for a Monte Carlo mean).
 */
import { kacRice, kacRiceNetwork, meanStderr, type NetworkKacRice } from '../src/counting/kacRice.ts';
import { newtonAllFixedPoints } from '../src/fixedpoints/newtonAll.ts';
import { linalg } from '../src/linalg/index.ts';
import { sampleNetwork } from '../src/network/network.ts';
import type { NetworkSpec, WeightLawName } from '../src/spec/networkSpec.ts';

const spec = (N: number, L: number, weights: WeightLawName = 'cauchy'): NetworkSpec => ({
  N, L, activation: 'sigmoid', weights: { name: weights, scale: 1 }, bias: { name: 'gaussian', scale: 1 }, scaling: 'raw', seed: 1,
});

/** Add networks until the running stderr of the per-network values reaches `target` (or `maxSeconds`). */
function untilStderr(value: (n: number) => number, target: number, maxSeconds: number): { seconds: number; networks: number; mean: number; stderr: number } {
  const vals: number[] = [];
  const t0 = performance.now();
  for (let n = 0; ; n++) {
    vals.push(value(n));
    const seconds = (performance.now() - t0) / 1000;
    if (vals.length >= 200 && (n + 1) % 10 === 0) {
      const e = meanStderr(vals);
      if (e.stderr <= target || seconds > maxSeconds) return { seconds, networks: vals.length, ...e };
    }
  }
}

console.log(`backend ${linalg().name}`);
const s54 = spec(5, 4);
const kr = untilStderr((n) => kacRiceNetwork(sampleNetwork(s54, n)).stable, 0.01, 120);
const ms = untilStderr((n) => newtonAllFixedPoints(sampleNetwork(s54, n), { starts: 50 }).stable, 0.01, 120);
console.log('1. E[# stable], N = 5, L = 4, raw Cauchy, to standard error 0.01');
console.log(`   kac-rice   ${kr.seconds.toFixed(2)} s  (${kr.networks} networks x 64 draws)  ${kr.mean.toFixed(4)} +- ${kr.stderr.toFixed(4)}`);
console.log(`   multistart ${ms.seconds.toFixed(2)} s  (${ms.networks} networks x 50 starts)  ${ms.mean.toFixed(4)} +- ${ms.stderr.toFixed(4)}`);
console.log(`   kac-rice / multistart time ratio ${(kr.seconds / ms.seconds).toFixed(2)}`);

console.log('2. ESS per second at N = 10 (10240 draws)');
const variants = [
  { label: 'broad', opts: { proposal: 'broad' as const } },
  { label: 'previous', opts: { proposal: 'fixed-points' as const, regionShare: 0, imageWeight: 0.3, searchStarts: 1 } },
  { label: 'staircase', opts: { proposal: 'fixed-points' as const } },
];
for (const L of [1, 2]) for (const w of ['gaussian', 'cauchy'] as const) {
  for (const { label, opts } of variants) {
    const t = performance.now();
    const r = kacRice(spec(10, L, w), { samples: 10240, ...opts });
    const sec = (performance.now() - t) / 1000;
    console.log(`   L = ${L} ${w.padEnd(8)} ${label.padEnd(10)} ESS ${r.ess.toFixed(0).padStart(6)}  ${(r.ess / sec).toFixed(0).padStart(6)} /s  all ${r.all.mean.toFixed(3)} +- ${r.all.stderr.toFixed(3)}  stable ${r.stable.mean.toFixed(3)} +- ${r.stable.stderr.toFixed(3)}`);
  }
}

console.log('3. Kac-Rice E[# stable], L = 4, raw Cauchy: projected seconds to standard error 0.02');
const budget = Number(process.env.JESD_BENCH_COUNT_SECONDS ?? 8);
let largest = 0;
for (const N of (process.env.JESD_BENCH_COUNT_SIZES ?? '5,10,15,20,30').split(',').map(Number)) {
  const per: NetworkKacRice[] = [];
  const t0 = performance.now();
  while ((performance.now() - t0) / 1000 < budget || per.length < 20) per.push(kacRiceNetwork(sampleNetwork(spec(N, 4), per.length)));
  const sec = (performance.now() - t0) / 1000;
  const e = meanStderr(per.map((p) => p.stable));
  const ess = per.reduce((a, p) => a + p.sumWs, 0) ** 2 / per.reduce((a, p) => a + p.sumWs2, 0);
  const projected = (sec * e.stderr ** 2) / 0.02 ** 2;
  if (projected <= 60 && ess >= 100) largest = N;
  console.log(`   N = ${String(N).padStart(3)}: ${per.length} networks in ${sec.toFixed(1)} s, ${e.mean.toFixed(3)} +- ${e.stderr.toFixed(3)}, ESS ${ess.toFixed(0)}, projected ${projected.toFixed(1)} s`);
}
console.log(`   largest N reaching 0.02 within 60 s (projected, ESS >= 100): ${largest}`);
