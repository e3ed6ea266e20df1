/**
 * The theory stage of `jesd reproduce`: the predictions every section asks for (`theoryUnits`: a
 * point of the predicted Q curve, a predicted ESD), run together in the worker pool after the
 * sampling and cached in theory.jsonl, so a resumed run does not recompute them. The predictors
 * themselves are src/report/theory.ts; when one fails or does not certify its answer, its record
 * says why and the section reports its claim as "not run".
 */
import { join } from 'node:path';
import { runPool } from '../../montecarlo/pool.ts';
import { openUnitStore, type UnitRecord, type UnitStore } from '../unitStore.ts';
import { UNITS_URL, type TheoryRecord, type TheoryUnit } from '../units.ts';
import type { ClaimContext, WeightedTheoryUnit } from './section.ts';

export const THEORY_FILE = 'theory.jsonl';
export const THEORY_RUN_FILES = [THEORY_FILE, `${THEORY_FILE}.meta.json`];

/** Run (or, on a resume, reuse) `units` into out/theory.jsonl; returns the records by key. */
export async function runTheoryStage(ctx: ClaimContext, units: WeightedTheoryUnit[]): Promise<Map<string, TheoryRecord>> {
  const { scale, opts, progress } = ctx;
  const store: UnitStore<TheoryRecord & UnitRecord> = openUnitStore<TheoryRecord & UnitRecord>(join(ctx.out, THEORY_FILE), 'jesd-reproduce-theory', {
    seed: opts.seed, scale: scale.name, units: units.map(({ unit: u }) => ({ key: u.key, spec: u.spec, grid: u.grid ?? null, budget: u.budget })),
  }, { resume: opts.resume, units: new Map(units.map(({ unit: u }) => [u.key, {}])) });
  try {
    for (const u of units) if (store.done.has(u.unit.key)) progress.skip(u.weight);
    const todo = units.filter((u) => !store.done.has(u.unit.key));
    await runPool<TheoryUnit, TheoryRecord>(todo.map((u) => u.unit), UNITS_URL, {
      workers: opts.workers, exportName: 'runTheoryUnit',
      onResult: (i, rec) => { store.append(rec as TheoryRecord & UnitRecord); progress.add(todo[i]!.weight); },
    });
  } finally {
    store.close();
  }
  return store.done;
}
