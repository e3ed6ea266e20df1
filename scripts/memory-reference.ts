/**
 * Train one network of the reference configuration (N = 32, P = 10 random {0.1, 0.9} patterns, sigmoid,
 * W = 4 g / sqrt(N) or 4 c / N (Cauchy), biases from 0, full-batch Adam lr 0.01, 3000 steps) and print one JSON line of
 * measureTrainedNetwork (theory/08-associative-memory.md). Usage:
 *   node --import tsx scripts/memory-reference.ts L SEED [gaussian|cauchy]
 * The output holds wall-clock times (trainMs, measureMs) for orientation only; they are not results.
 */
import { train, DEFAULT_TRAIN, initNetwork } from '../src/training/train.ts';
import { randomPatterns } from '../src/training/data.ts';
import { toNetwork } from '../src/training/file.ts';
import { measureTrainedNetwork } from '../src/memory/measure.ts';
import { parseDamageList } from '../src/memory/damage.ts';
const [L, seed, law] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4] ?? 'gaussian'];
const N = 32, P = 10;
const X = randomPatterns(P, N, 0.1, 0.9, seed);
// The probe's scalings: Gaussian W = 4 g / sqrt(N) (natural), Cauchy W = 4 c / N (raw 4 / N; the
// natural Cauchy constant a_N = 2 N / pi would give 4 pi c / (2 N)).
const init = law === 'cauchy'
  ? { widths: Array(L + 1).fill(N), activation: 'sigmoid' as const, weights: { name: 'cauchy' as const, scale: 4 / N }, bias: null, scaling: 'raw' as const, seed }
  : { widths: Array(L + 1).fill(N), activation: 'sigmoid' as const, weights: { name: 'gaussian' as const, scale: 4 }, bias: null, scaling: 'natural' as const, seed };
const t0 = Date.now();

const before = toNetwork(initNetwork(init));
const res = train({ init, config: { ...DEFAULT_TRAIN, seed }, inputs: X, targets: null, out: null, checkpointEvery: 0, resume: false });
const t1 = Date.now();
const net = toNetwork(res.net);
const pats = Array.from({ length: P }, (_, k) => X.data.slice(k * N, (k + 1) * N));
const rec = measureTrainedNetwork(net, pats, { search: { starts: 300, seed }, lo: 0.1, hi: 0.9, damages: parseDamageList('flip:10,flip:20'), trials: 10, basin: { directions: 8, bisectionSteps: 12 }, initial: before, seed });
const t2 = Date.now();
console.log(JSON.stringify({ L, seed, law, loss: res.finalLoss, Q: rec.Q, cycles: rec.cycles, unsettled: rec.unsettledShare, attractors: rec.attractors, spurious: rec.spurious,
  restore: rec.restoration.map((r) => `${r.damage} ${r.successes}/${r.trials} [${r.lower.toFixed(2)},${r.upper.toFixed(2)}]`),
  basinMedian: rec.basins.map((b) => +b.radius.toFixed(3)),
  hillBefore: rec.tailsBefore!.map((t) => t.hill && +t.hill.alpha.toFixed(2)), hillAfter: rec.tailsAfter.map((t) => t.hill && +t.hill.alpha.toFixed(2)),
  plAfter: rec.tailsAfter.map((t) => t.powerLaw && +t.powerLaw.alpha.toFixed(2)), plBefore: rec.tailsBefore!.map((t) => t.powerLaw && +t.powerLaw.alpha.toFixed(2)),
  jacMaxRho: rec.jacobianAtFixedPoints?.maxSpectralRadius.toFixed(3), trainMs: t1 - t0, measureMs: t2 - t1 }));
