/**
 * A resumable JSON Lines store for the reproduction's own units of work (ESD samples, basin-image
 * rows, theory curves) (docs/design.md section 4: one record per finished unit, appended and flushed),
 * on the generic store of src/montecarlo/jsonlStore.ts.
 *
 * FILE.jsonl holds one `{"key": ..., ..., "checksum": ...}` record per line and nothing else; the
 * run description `{"format": <format>, "version": 2, "config": {...}, "checksum": ...}` is in
 * FILE.jsonl.meta.json, written atomically before the first record. Resuming checks that the
 * recorded config equals the requested one (canonical JSON equality) and every record's checksum,
 * and drops a partial last line left by a crash; the unit is then recomputed, which gives the same
 * record because units are deterministic.
 */
import { openJsonlStore, stableStringify } from '../montecarlo/jsonlStore.ts';

/** 2: records and the run description carry checksums; records hold no wall time. */
export const UNIT_STORE_VERSION = 2;

export interface UnitRecord {
  key: string;
  [field: string]: unknown;
}

export interface UnitStore<R extends UnitRecord> {
  path: string;
  /** Records already in the file (resume), then those appended, by key, in file order. */
  done: Map<string, R>;
  append(record: R): void;
  /** Append records with one fsync (a rewrite of checked records). */
  appendAll(records: readonly R[]): void;
  close(): void;
}

/**
 * Open `path` for a run. Without `resume` the file and its description are overwritten. With
 * `resume`, an absent or empty file without a description starts fresh; otherwise the description
 * must carry `format` and a config equal to `config`, and a non-empty file needs its description.
 * `opts.units` (key -> the fields that define that unit's record) makes resume refuse a record whose
 * key is not a unit of this run, or whose defining fields differ, naming the line.
 */
export function openUnitStore<R extends UnitRecord>(
  path: string, format: string, config: unknown,
  opts: { resume?: boolean; units?: Map<string, Record<string, unknown>> } = {},
): UnitStore<R> {
  const units = opts.units;
  const store = openJsonlStore<R, unknown>({
    path,
    format,
    version: UNIT_STORE_VERSION,
    config,
    resume: opts.resume,
    force: !opts.resume,
    isRecord: (v): v is R => v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as UnitRecord).key === 'string',
    keyOf: (r) => r.key,
    label: format,
    ...(units === undefined ? {} : {
      validKeys: new Set(units.keys()),
      checkRecord: (r: R) => {
        const want = units.get(r.key);
        if (want === undefined) return `unit ${r.key} is not part of this run`;
        for (const [field, v] of Object.entries(want)) {
          if (stableStringify(r[field]) !== stableStringify(v)) return `${field} is ${stableStringify(r[field])}, unit ${r.key} of this run has ${stableStringify(v)}`;
        }
        return null;
      },
    }),
    mismatch: (recorded, requested, file) =>
      stableStringify(recorded) === stableStringify(requested)
        ? null
        : `${file} was written by a run with other parameters (--scale or --seed differ)`,
  });
  return { path, done: store.done, append: (r) => store.append(r), appendAll: (rs) => store.appendAll(rs), close: () => store.close() };
}

