/**
 * The resumable result store of a sweep, on the generic JSON Lines store (./jsonlStore.ts).
 *
 * FILE.jsonl holds one SweepRecord per line and nothing else (one JSON line per network, with its
 * `checksum`), appended and fsync'ed as its network finishes, so a crash loses no finished record.
 * FILE.jsonl.meta.json holds the run description `{"format": "jesd-sweep", "version": 2,
 * "config": {...}, "checksum": ...}` (every parameter that changes a record), written atomically
 * before the first record. A crash can leave a partial last line; resuming drops it and recomputes
 * that unit, which gives the same record because units are deterministic. On resume every record's
 * defining fields (seed, starts, activation, bias, scaling, grid point) are checked against the run.
 *
 * Errors are ResultStoreError (CLI exit 2) with messages naming --out / --resume and, on a
 * parameter mismatch, the flag that differs.
 */
import { NonConvergenceError } from '../errors.ts';
import type { LawSpec } from '../spec/networkSpec.ts';
import { openJsonlStore, readJsonlStore } from './jsonlStore.ts';
import { recordKey, type SweepConfig, type SweepRecord } from './records.ts';

export const SWEEP_FORMAT = 'jesd-sweep';
/** 2: records carry a checksum and no wall time; the sidecar carries its own checksum. */
export const SWEEP_FORMAT_VERSION = 2;

export interface SweepHeader {
  format: typeof SWEEP_FORMAT;
  version: number;
  config: CanonicalSweepConfig;
}

/** The config as written in the run description (FILE.jsonl.meta.json): fixed key order, null for absent values. */
export interface CanonicalSweepConfig {
  widths: number[];
  depths: number[];
  weightLaws: { name: string; alpha: number | null; scale: number }[];
  base: {
    activation: string;
    bias: { name: string; alpha: number | null; scale: number } | null;
    scaling: string;
    seed: number;
  };
  networks: number;
  starts: number;
  fixedPointOptions: Record<string, unknown>;
  /** Present only when the run counts by a protocol other than stable (`jesd sweep --count`). */
  protocol?: string;
  /** Present only with protocol final-states and options given: {iterations?, clusterTolerance?}. */
  protocolOptions?: Record<string, unknown>;
  /** Present only in a shard's description (`jesd sweep --shard K/N`): {index: K, count: N}. */
  shard?: { index: number; count: number };
}

const canonLaw = (l: LawSpec) => ({ name: l.name, alpha: l.alpha ?? null, scale: l.scale });

function sortedKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export function canonicalConfig(config: SweepConfig): CanonicalSweepConfig {
  const fpo = config.fixedPointOptions ?? {};
  const sortedFpo: Record<string, unknown> = {};
  for (const k of Object.keys(fpo).sort()) if (fpo[k] !== undefined) sortedFpo[k] = fpo[k];
  return {
    widths: [...config.widths],
    depths: [...config.depths],
    weightLaws: config.weightLaws.map(canonLaw),
    base: {
      activation: config.base.activation,
      bias: config.base.bias === null ? null : canonLaw(config.base.bias),
      scaling: config.base.scaling,
      seed: config.base.seed,
    },
    networks: config.networks,
    starts: config.starts,
    fixedPointOptions: sortedFpo,
    // Absent for the default protocol, so the description of a plain Q sweep is what it always was.
    ...(config.protocol === undefined || config.protocol === 'stable' ? {} : { protocol: config.protocol }),
    ...(config.protocolOptions === undefined ? {} : { protocolOptions: sortedKeys(config.protocolOptions as Record<string, unknown>) }),
    ...(config.shard === undefined ? {} : { shard: { index: config.shard.index, count: config.shard.count } }),
  };
}

export function sweepHeader(config: SweepConfig): SweepHeader {
  return { format: SWEEP_FORMAT, version: SWEEP_FORMAT_VERSION, config: canonicalConfig(config) };
}

/** First difference between a recorded and a requested config, as [flag, recorded, requested]. */
export function configMismatch(recorded: CanonicalSweepConfig, requested: CanonicalSweepConfig): [string, string, string] | null {
  const s = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));
  const checks: [string, unknown, unknown][] = [
    ['--width', recorded.widths, requested.widths],
    ['--depth', recorded.depths, requested.depths],
    ['--weights', recorded.weightLaws?.map((l) => l.name), requested.weightLaws.map((l) => l.name)],
    ['--alpha', recorded.weightLaws?.map((l) => l.alpha), requested.weightLaws.map((l) => l.alpha)],
    ['--sigma-w', recorded.weightLaws?.map((l) => l.scale), requested.weightLaws.map((l) => l.scale)],
    ['--activation', recorded.base?.activation, requested.base.activation],
    ['--bias', recorded.base?.bias?.name ?? 'none', requested.base.bias?.name ?? 'none'],
    ['--sigma-b', recorded.base?.bias?.scale ?? null, requested.base.bias?.scale ?? null],
    ['--alpha', recorded.base?.bias?.alpha ?? null, requested.base.bias?.alpha ?? null],
    ['--scaling', recorded.base?.scaling, requested.base.scaling],
    ['--seed', recorded.base?.seed, requested.base.seed],
    ['--networks', recorded.networks, requested.networks],
    ['--starts', recorded.starts, requested.starts],
    ['--count', recorded.protocol ?? 'stable', requested.protocol ?? 'stable'],
    ['--iterations', recorded.protocolOptions?.iterations, requested.protocolOptions?.iterations],
    ['--tolerance', recorded.protocolOptions?.clusterTolerance, requested.protocolOptions?.clusterTolerance],
  ];
  const shardText = (c: CanonicalSweepConfig) => (c.shard === undefined ? 'none' : `${c.shard.index}/${c.shard.count}`);
  checks.push(['--shard', shardText(recorded), shardText(requested)]);
  const keys = new Set([...Object.keys(recorded.fixedPointOptions ?? {}), ...Object.keys(requested.fixedPointOptions)]);
  for (const k of [...keys].sort()) {
    checks.push([`--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`, (recorded.fixedPointOptions ?? {})[k], requested.fixedPointOptions[k]]);
  }
  for (const [flag, a, b] of checks) if (s(a) !== s(b)) return [flag, s(a), s(b)];
  return null;
}

const RECORD_NUMBER_FIELDS = ['width', 'depth', 'sigmaW', 'seed', 'network', 'starts', 'Q', 'shareFixed', 'shareCycles', 'shareUnsettled', 'shareMarginal', 'unstableFixedPoints', 'cycles'] as const;

/**
 * The first defining field of `r` that is not what the run `config` (canonical, from the sidecar)
 * gives every record, as "FIELD is X, the run has FLAG Y"; null when all agree. The grid point and
 * network index are checked by the key (a unit of the run, once).
 */
export function recordFieldMismatch(r: SweepRecord, config: CanonicalSweepConfig): string | null {
  const s = (v: unknown) => JSON.stringify(v ?? null);
  const law = config.weightLaws?.find((l) => l.name === r.weights && (l.alpha ?? null) === (r.alpha ?? null) && l.scale === r.sigmaW);
  const checks: [string, string, unknown, unknown][] = [
    ['seed', '--seed', r.seed, config.base?.seed],
    ['starts', '--starts', r.starts, config.starts],
    ['activation', '--activation', r.activation, config.base?.activation],
    ['protocol', '--count', r.protocol ?? 'stable', config.protocol ?? 'stable'],
    ['scaling', '--scaling', r.scaling, config.base?.scaling],
    ['bias', '--bias', r.bias, config.base?.bias?.name ?? 'none'],
    ['sigmaB', '--sigma-b', r.sigmaB, config.base?.bias?.scale ?? null],
    ['biasAlpha', '--alpha', r.biasAlpha, config.base?.bias?.alpha ?? null],
    ['width', '--width', config.widths?.includes(r.width) ? null : r.width, null],
    ['depth', '--depth', config.depths?.includes(r.depth) ? null : r.depth, null],
    ['weights', '--weights', law === undefined ? `${r.weights} alpha ${s(r.alpha)} sigma_w ${r.sigmaW}` : null, null],
    ['network', '--networks', Number.isInteger(r.network) && r.network >= 0 && r.network < config.networks ? null : r.network, null],
  ];
  for (const [field, flag, got, want] of checks) {
    if (s(got) !== s(want)) return want === null ? `${field} ${s(got)} is outside the run's ${flag}` : `${field} is ${s(got)}, the run has ${flag} ${s(want)}`;
  }
  return null;
}

function isRecord(v: unknown): v is SweepRecord {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  return RECORD_NUMBER_FIELDS.every((f) => typeof r[f] === 'number' && Number.isFinite(r[f])) && typeof r.weights === 'string';
}

export interface SweepFileContents {
  /** The run description, read from the sidecar FILE.jsonl.meta.json. */
  header: SweepHeader;
  records: SweepRecord[];
  /** Byte length of the complete, valid part of FILE.jsonl (the whole record lines). */
  validBytes: number;
  /** True when a partial last line (crash mid-write) was found and ignored. */
  truncatedTail: boolean;
}

const STORE_OPTIONS = {
  format: SWEEP_FORMAT, version: SWEEP_FORMAT_VERSION, isRecord, label: 'jesd sweep',
  checkRecord: (r: SweepRecord, config: unknown) => recordFieldMismatch(r, config as CanonicalSweepConfig),
} as const;

/**
 * Read a sweep file and its run description (FILE.jsonl.meta.json). Tolerates a partial last line
 * (reported in `truncatedTail`); anything else malformed, or a missing description, throws
 * ResultStoreError naming `flag` (default --out) and the line.
 */
export function readSweepFile(path: string, flag = '--out'): SweepFileContents {
  const { meta, records, validBytes, truncatedTail } = readJsonlStore<SweepRecord, CanonicalSweepConfig>(path, { ...STORE_OPTIONS, flag });
  return { header: meta as SweepHeader, records, validBytes, truncatedTail };
}

export interface SweepStore {
  path: string;
  /** Records already in the file (resume), by recordKey. */
  done: Map<string, SweepRecord>;
  /** Append one record as one line and fsync it. */
  append(record: SweepRecord): void;
  /** Append records with one fsync (a merge). */
  appendAll(records: readonly SweepRecord[]): void;
  /** Rewrite the file with its records in this order of keys (atomic rename); no append after it. */
  reorder(keys: readonly string[]): void;
  close(): void;
  /** True when a partial last line was dropped on resume. */
  repairedTail: boolean;
}

/** JSON would silently turn NaN/Infinity into null: refuse them instead. */
function checkFinite(record: SweepRecord): void {
  for (const [k, v] of Object.entries(record)) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new NonConvergenceError(`sweep record ${recordKey(record)}: field ${k} is ${v}; not written`);
  }
}

/**
 * Open the store for a run. Fresh run: the file must be absent or empty and have no run description
 * unless `force`. Resume: with no records and no description, starts fresh; otherwise the
 * description must match `config` exactly (error names the differing flag), records must be units of
 * this sweep and unique, and a partial last line is cut off before appending.
 */
export function openSweepStore(
  path: string,
  config: SweepConfig,
  opts: { resume?: boolean; force?: boolean; validKeys?: Set<string> } = {},
): SweepStore {
  const store = openJsonlStore<SweepRecord, CanonicalSweepConfig>({
    ...STORE_OPTIONS,
    path,
    config: canonicalConfig(config),
    resume: opts.resume,
    force: opts.force,
    validKeys: opts.validKeys,
    keyOf: recordKey,
    mismatch: (recorded, requested, file) => {
      if (recorded === null || typeof recorded !== 'object') return `the run description of ${file} has no config object; choose another --out`;
      const m = configMismatch(recorded as CanonicalSweepConfig, requested);
      return m === null ? null : `${m[0]} differs from the run recorded in ${file} (recorded ${m[1]}, requested ${m[2]})`;
    },
  });
  return {
    path,
    done: store.done,
    repairedTail: store.repairedTail,
    append(record: SweepRecord) {
      checkFinite(record);
      store.append(record);
    },
    appendAll(records: readonly SweepRecord[]) {
      records.forEach(checkFinite);
      store.appendAll(records);
    },
    reorder: (keys: readonly string[]) => store.reorder(keys),
    close: () => store.close(),
  };
}
