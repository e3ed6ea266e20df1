/**
 * The resumable result store of a sweep: a JSON Lines file (DESIGN.md section 5).
 *
 * Line 1 is a header `{"format": "jesd-sweep", "version": 1, "config": {...}}` describing the run
 * (every parameter that changes a record). Every further line is one SweepRecord, appended and
 * fsync'ed as its network finishes, so a crash loses no finished record. A crash can leave a
 * partial last line (no trailing newline); resuming drops it and recomputes that unit, which gives
 * the same record because units are deterministic.
 *
 * Errors are ResultStoreError (CLI exit 2) with messages naming --out / --resume and, on a
 * parameter mismatch, the flag that differs.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { NonConvergenceError, ResultStoreError } from '../errors.ts';
import type { LawSpec } from '../network/spec.ts';
import { recordKey, type SweepConfig, type SweepRecord } from './records.ts';

export const SWEEP_FORMAT = 'jesd-sweep';
export const SWEEP_FORMAT_VERSION = 1;

export interface SweepHeader {
  format: typeof SWEEP_FORMAT;
  version: number;
  config: CanonicalSweepConfig;
}

/** The config as written in the header: fixed key order, null for absent values. */
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
}

const canonLaw = (l: LawSpec) => ({ name: l.name, alpha: l.alpha ?? null, scale: l.scale });

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
  ];
  const keys = new Set([...Object.keys(recorded.fixedPointOptions ?? {}), ...Object.keys(requested.fixedPointOptions)]);
  for (const k of [...keys].sort()) {
    checks.push([`--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`, (recorded.fixedPointOptions ?? {})[k], requested.fixedPointOptions[k]]);
  }
  for (const [flag, a, b] of checks) if (s(a) !== s(b)) return [flag, s(a), s(b)];
  return null;
}

const RECORD_NUMBER_FIELDS = ['width', 'depth', 'sigmaW', 'seed', 'network', 'starts', 'Q', 'shareFixed', 'shareCycles', 'shareUnsettled', 'shareMarginal', 'unstableFixedPoints', 'cycles', 'elapsedMs'] as const;

function isRecord(v: unknown): v is SweepRecord {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  return RECORD_NUMBER_FIELDS.every((f) => typeof r[f] === 'number' && Number.isFinite(r[f])) && typeof r.weights === 'string';
}

export interface SweepFileContents {
  header: SweepHeader;
  records: SweepRecord[];
  /** Byte length of the complete, valid part (header + whole record lines). */
  validBytes: number;
  /** True when a partial last line (crash mid-write) was found and ignored. */
  truncatedTail: boolean;
}

/**
 * Read a sweep file. Tolerates a partial last line (reported in `truncatedTail`); anything else
 * malformed throws ResultStoreError naming `flag` (default --out) and the line.
 */
export function readSweepFile(path: string, flag = '--out'): SweepFileContents {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ResultStoreError(`${flag}: cannot read sweep file ${path}: ${(e as Error).message}`);
  }
  const lastNewline = text.lastIndexOf('\n');
  const complete = lastNewline < 0 ? '' : text.slice(0, lastNewline + 1);
  const tail = text.slice(lastNewline + 1);
  const lines = complete.split('\n').slice(0, -1);
  if (lines.length === 0) throw new ResultStoreError(`${flag}: ${path} is not a jesd sweep file (no complete header line)`);
  let header: SweepHeader;
  try {
    header = JSON.parse(lines[0]!) as SweepHeader;
  } catch {
    throw new ResultStoreError(`${flag}: ${path} is not a jesd sweep file (line 1 is not JSON)`);
  }
  if (header === null || typeof header !== 'object' || header.format !== SWEEP_FORMAT || typeof header.config !== 'object' || header.config === null) {
    throw new ResultStoreError(`${flag}: ${path} is not a jesd sweep file (line 1 is not a "${SWEEP_FORMAT}" header)`);
  }
  if (header.version !== SWEEP_FORMAT_VERSION) {
    throw new ResultStoreError(`${flag}: ${path} has sweep format version ${String(header.version)}; this jesd reads version ${SWEEP_FORMAT_VERSION}`);
  }
  const records: SweepRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    let v: unknown;
    try {
      v = JSON.parse(lines[i]!);
    } catch {
      throw new ResultStoreError(`${flag}: ${path} line ${i + 1} is corrupt (not JSON); only a partial last line can be repaired`);
    }
    if (!isRecord(v)) throw new ResultStoreError(`${flag}: ${path} line ${i + 1} is not a sweep record`);
    records.push(v);
  }
  if (tail !== '' && !tail.trimStart().startsWith('{')) {
    throw new ResultStoreError(`${flag}: ${path} ends with a line that is not a partial JSON record`);
  }
  return { header, records, validBytes: Buffer.byteLength(complete, 'utf8'), truncatedTail: tail !== '' };
}

export interface SweepStore {
  path: string;
  /** Records already in the file (resume), by recordKey. */
  done: Map<string, SweepRecord>;
  /** Append one record as one line and fsync it. */
  append(record: SweepRecord): void;
  close(): void;
  /** True when a partial last line was dropped on resume. */
  repairedTail: boolean;
}

/**
 * Open the store for a run. Fresh run: the file must be absent or empty unless `force`. Resume: an
 * absent or empty file starts fresh; otherwise the header must match `config` exactly (error names
 * the differing flag), records must be units of this sweep and unique, and a partial last line is
 * cut off before appending.
 */
export function openSweepStore(
  path: string,
  config: SweepConfig,
  opts: { resume?: boolean; force?: boolean; validKeys?: Set<string> } = {},
): SweepStore {
  const header = sweepHeader(config);
  const headerLine = JSON.stringify(header) + '\n';
  let size = 0;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new ResultStoreError(`--out: ${path} is a directory; give a file name such as sweep.jsonl`);
    size = st.size;
  } catch (e) {
    if (e instanceof ResultStoreError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new ResultStoreError(`--out: cannot access ${path}: ${(e as Error).message}`);
  }
  const done = new Map<string, SweepRecord>();
  let repairedTail = false;
  let fresh = size === 0;
  if (size > 0 && !opts.resume) {
    if (!opts.force) throw new ResultStoreError(`--out: ${path} exists and is not empty; add --resume to continue it or --force to overwrite it`);
    fresh = true;
  }
  if (size > 0 && opts.resume) {
    const raw = readFileSync(path, 'utf8');
    if (!raw.includes('\n') && headerLine.startsWith(raw)) {
      fresh = true; // crashed while writing the header: nothing finished yet
    } else {
      let contents: SweepFileContents;
      try {
        contents = readSweepFile(path, '--resume');
      } catch (e) {
        throw new ResultStoreError(`${(e as Error).message} (cannot resume --out ${path})`);
      }
      const mismatch = configMismatch(contents.header.config, header.config);
      if (mismatch) {
        const [flag, was, now] = mismatch;
        throw new ResultStoreError(
          `--resume: ${flag} differs from the run recorded in ${path} (recorded ${was}, requested ${now}); repeat the recorded flags or choose another --out`,
        );
      }
      for (const [i, r] of contents.records.entries()) {
        const key = recordKey(r);
        if (opts.validKeys && !opts.validKeys.has(key)) throw new ResultStoreError(`--resume: ${path} record ${i + 1} (${key}) is not a unit of this sweep`);
        if (done.has(key)) throw new ResultStoreError(`--resume: ${path} holds record ${key} twice; the file was edited or merged by hand`);
        done.set(key, r);
      }
      if (contents.truncatedTail) {
        truncateSync(path, contents.validBytes);
        repairedTail = true;
      }
    }
  }
  let fd: number;
  try {
    fd = openSync(path, fresh ? 'w' : 'a');
  } catch (e) {
    throw new ResultStoreError(`--out: cannot open ${path} for writing: ${(e as Error).message}`);
  }
  const writeLine = (line: string) => {
    const buf = Buffer.from(line, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  };
  if (fresh || fstatSync(fd).size === 0) {
    writeLine(headerLine);
    // Make the new file's directory entry durable too (a crash right after creation keeps the file).
    try {
      const dirFd = openSync(dirname(resolve(path)), 'r');
      try { fsyncSync(dirFd); } finally { closeSync(dirFd); }
    } catch {
      // Some platforms cannot fsync a directory; the file's own data is fsync'ed regardless.
    }
  }
  let closed = false;
  return {
    path,
    done,
    repairedTail,
    append(record: SweepRecord) {
      if (closed) throw new ResultStoreError(`--out: ${path} is closed`);
      // JSON would silently turn NaN/Infinity into null: refuse them instead.
      for (const [k, v] of Object.entries(record)) {
        if (typeof v === 'number' && !Number.isFinite(v)) throw new NonConvergenceError(`sweep record ${recordKey(record)}: field ${k} is ${v}; not written`);
      }
      writeLine(JSON.stringify(record) + '\n');
    },
    close() {
      if (!closed) closeSync(fd);
      closed = true;
    },
  };
}
