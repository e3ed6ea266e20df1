/**
 * The theory stage of `jesd reproduce`: the predictions every section asks for (`theoryUnits`: a
 * point of the predicted Q curve, a predicted ESD), run together in the worker pool after the
 * sampling and cached in theory.jsonl, so a resumed run does not recompute them. The predictors
 * themselves are src/report/theory.ts; when one fails or does not certify its answer, its record
 * says why and the section reports its claim as "not run".
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonlStore, sidecarPath, stableStringify } from '../../montecarlo/jsonlStore.ts';
import { runPool } from '../../montecarlo/pool.ts';
import { openUnitStore, UNIT_STORE_VERSION, type UnitRecord, type UnitStore } from '../unitStore.ts';
import { UNITS_URL, type TheoryRecord, type TheoryUnit } from '../units.ts';
import { longUnitPool, unitsOfRun, type ClaimContext, type WeightedTheoryUnit } from './section.ts';

export const THEORY_FILE = 'theory.jsonl';
export const THEORY_RUN_FILES = [THEORY_FILE, `${THEORY_FILE}.meta.json`];
const THEORY_FORMAT = 'jesd-reproduce-theory';

interface TheoryStoreConfig {
  seed: number;
  scale: string;
  units: unknown[];
}

/**
 * The shards of a sharded run (`jesd reproduce --shard K/N`) compute the theory units that need no
 * sampled results (the predicted Q curve) and leave the others (a predicted ESD on the grid of the
 * sampled spectra) to the merge, so a merged directory's theory.jsonl describes a list of units that
 * is a strict prefix of the whole run's list. Such a store is rewritten under the whole run's
 * description with the same (checked) records, and the stage then computes the rest. Any other
 * difference is left to openUnitStore, which refuses it.
 */
function extendMergedStore(path: string, config: TheoryStoreConfig): void {
  if (!existsSync(path) || !existsSync(sidecarPath(path))) return;
  const recorded = readJsonlStore<TheoryRecord & UnitRecord, TheoryStoreConfig>(path, {
    format: THEORY_FORMAT, version: UNIT_STORE_VERSION, label: THEORY_FORMAT, flag: '--resume',
    isRecord: (v): v is TheoryRecord & UnitRecord => v !== null && typeof v === 'object' && typeof (v as UnitRecord).key === 'string',
  });
  const was = recorded.meta.config;
  const prefix = was.seed === config.seed && was.scale === config.scale && Array.isArray(was.units) && was.units.length < config.units.length
    && was.units.every((u, i) => stableStringify(u) === stableStringify(config.units[i]));
  if (!prefix) return;
  const store = openUnitStore<TheoryRecord & UnitRecord>(path, THEORY_FORMAT, config, { resume: false });
  try {
    store.appendAll(recorded.records);
  } finally {
    store.close();
  }
}

/** Run (or, on a resume, reuse) `units` into out/theory.jsonl; returns the records by key. */
export async function runTheoryStage(ctx: ClaimContext, units: WeightedTheoryUnit[]): Promise<Map<string, TheoryRecord>> {
  const { scale, opts, progress } = ctx;
  const path = join(ctx.out, THEORY_FILE);
  const config = {
    seed: opts.seed, scale: scale.name, units: units.map(({ unit: u }) => ({ key: u.key, spec: u.spec, grid: u.grid ?? null, budget: u.budget })),
  };
  if (opts.resume) extendMergedStore(path, config);
  const store: UnitStore<TheoryRecord & UnitRecord> = openUnitStore<TheoryRecord & UnitRecord>(path, THEORY_FORMAT, config, {
    resume: opts.resume, units: new Map(units.map(({ unit: u }) => [u.key, {}])),
  });
  try {
    for (const u of units) if (store.done.has(u.unit.key)) progress.skip(u.weight);
    const todo = unitsOfRun(ctx, units).filter((u) => !store.done.has(u.unit.key));
    await runPool<TheoryUnit, TheoryRecord>(todo.map((u) => u.unit), UNITS_URL, {
      ...longUnitPool(ctx), exportName: 'runTheoryUnit',
      onResult: (i, rec) => { store.append(rec as TheoryRecord & UnitRecord); progress.add(todo[i]!.weight); },
    });
  } finally {
    store.close();
  }
  return store.done;
}
