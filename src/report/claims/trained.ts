/**
 * The section of `jesd reproduce` about trained networks: claims T1, T2 (./training.ts) and A1
 * (./restoration.ts). Its run trains and measures the networks (resumable record files t1, t2, a1)
 * and writes its figures; its report passes on their verdicts and Markdown.
 */
import type { ReproductionScale, ScaleName } from '../scales.ts';
import type { ClaimVerdict } from '../verdicts.ts';
import { RESTORATION_CLAIM_UNITS, runRestorationClaim } from './restoration.ts';
import { runTrainingClaims, trainingClaimUnits, type TrainedClaimContext } from './training.ts';
import type { ClaimSection } from './section.ts';
import { shardOf } from '../../montecarlo/records.ts';

/** Record files (with their .meta.json) whose presence marks an earlier run in a directory. */
export const TRAINED_CLAIM_FILES = ['t1', 't2', 'a1'].flatMap((s) => [`${s}.jsonl`, `${s}.jsonl.meta.json`]);

/** Progress units (trained networks) of the trained-network claims at a scale. */
export function trainedClaimUnits(scale: ScaleName): number {
  return trainingClaimUnits(scale) + RESTORATION_CLAIM_UNITS;
}

export interface TrainedClaimsOutput {
  verdicts: ClaimVerdict[];
  markdown: string;
  summary: Record<string, unknown>;
  files: string[];
}

/** Run T1, T2 and A1 into ctx.out (resumable); their verdicts, report sections, summary and files. */
export async function runTrainedClaims(ctx: TrainedClaimContext): Promise<TrainedClaimsOutput> {
  const t = await runTrainingClaims(ctx);
  // A1 is one unit (position 0): in a sharded run, shard 1 runs it.
  if (ctx.shard && shardOf(0, ctx.shard.count) !== ctx.shard.index) return { ...t, summary: {} };
  const a = await runRestorationClaim(ctx);
  return {
    verdicts: [...t.verdicts, ...a.verdicts],
    markdown: [t.markdown, a.markdown].join('\n'),
    summary: { ...(t.summary as Record<string, unknown>), ...(a.summary as Record<string, unknown>) },
    files: [...t.files, ...a.files],
  };
}

export const trainedSection: ClaimSection<TrainedClaimsOutput> = {
  id: 'trained',
  runFiles: TRAINED_CLAIM_FILES,
  progressLabel: 'trained networks (T1, T2, A1)',
  timingLabel: 'trained networks (T1, T2, A1)',
  work: (scale: ReproductionScale) => trainedClaimUnits(scale.name),
  async run(ctx) {
    const output = await runTrainedClaims({ scale: ctx.scale.name, out: ctx.out, seed: ctx.opts.seed, workers: ctx.opts.workers, resume: ctx.opts.resume, progress: ctx.progress, ...(ctx.opts.shard ? { shard: ctx.opts.shard } : {}) });
    return { result: output, files: output.files };
  },
  report(_ctx, output) {
    return {
      verdicts: output.verdicts,
      whatWasRun: ['Trained networks: T1 (heavy-tail-initialised autoencoders trained by Adam, Q over depth), T2 (tail index of the weights before and after SGD training, against eta / B), A1 (damaged MNIST digits restored by iterating a trained autoencoder); sizes in their sections.'],
      heading: 'Trained networks: T1, T2, A1',
      // The two modules write their parts under level-2 headings; inside this section they are level 3.
      markdown: [output.markdown.replace(/^## /gm, '### ')],
      summary: { trained: output.summary },
      files: [],
    };
  },
};
