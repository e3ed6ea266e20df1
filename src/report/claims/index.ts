/**
 * The claims of `jesd reproduce` about trained networks (T1, T2: ./training.ts; A1:
 * ./restoration.ts), run after the untrained sections by one call from src/report/reproduce.ts.
 */
import type { ScaleName } from '../scales.ts';
import type { ClaimVerdict } from '../verdicts.ts';
import { RESTORATION_CLAIM_UNITS, runRestorationClaim } from './restoration.ts';
import { runTrainingClaims, trainingClaimUnits, type ClaimContext } from './training.ts';

export type { ClaimContext } from './training.ts';

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
export async function runTrainedClaims(ctx: ClaimContext): Promise<TrainedClaimsOutput> {
  const t = await runTrainingClaims(ctx);
  const a = await runRestorationClaim(ctx);
  return {
    verdicts: [...t.verdicts, ...a.verdicts],
    markdown: ['', t.markdown, a.markdown].join('\n'),
    summary: { ...(t.summary as Record<string, unknown>), ...(a.summary as Record<string, unknown>) },
    files: [...t.files, ...a.files],
  };
}
