/**
 * Reproductions of the related papers (`jesd reproduce --study NAME`, docs/claims.md). The default
 * study, `fixed-points` (arXiv 2501.04182), is src/report/reproduce.ts; every other study is one
 * module in this folder that exports a `Study` and is listed in STUDIES with one line.
 *
 * A study writes DIR/report.md (its numbers, each with a verdict by a stated rule), its figures and
 * summary.json through `writeStudyReport` (study.ts), so that every study's report has the same shape.
 */
import { join } from 'node:path';
import { ensureOutputDirectory } from '../../io/files.ts';
import { acquireLock } from '../../montecarlo/lock.ts';
import { InvalidSpecError } from '../../errors.ts';
import type { Study, StudyOptions, StudyResult } from './study.ts';
import { landscapeStudy } from './landscape.ts';
import { timescalesStudy } from './timescales.ts';
import { allocationStudy } from './allocation.ts';
import { orderPreservingStudy } from './orderPreserving.ts';

/** Name of the default study: the fixed-point study, run by src/report/reproduce.ts. */
export const DEFAULT_STUDY = 'fixed-points';

/** One line per study module. */
export const STUDIES: Study[] = [
  landscapeStudy,
  timescalesStudy,
  allocationStudy,
  orderPreservingStudy,
];

export function studyNames(): string[] {
  return [DEFAULT_STUDY, ...STUDIES.map((s) => s.name)];
}

/** Run the study named `name` (not the default one) with its output directory created and locked. */
export async function runStudy(name: string, opts: StudyOptions): Promise<StudyResult> {
  const study = STUDIES.find((s) => s.name === name);
  if (!study) throw new InvalidSpecError('--study', `must be one of ${studyNames().join('|')}, got ${JSON.stringify(name)}`);
  ensureOutputDirectory('--out', opts.out);
  const lock = acquireLock(join(opts.out, 'reproduce.lock'), { flag: '--out', target: opts.out });
  try {
    return await study.run(opts);
  } finally {
    lock.release();
  }
}

