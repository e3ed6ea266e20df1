/**
 * A generic resumable JSON Lines store (one record per finished unit, appended and fsync'ed as the
 * unit finishes).
 *
 * Layout, for a store at FILE:
 * - FILE (e.g. `sweep.jsonl`): EVERY line is one record, so any JSON Lines reader can parse the file
 *   line by line without skipping anything. Each record carries a field `checksum`: the first 16 hex
 *   digits of SHA-256 over the run's checksum, a newline, and the record's canonical JSON without
 *   that field (`recordChecksum`). It ties the record to its content and to its run.
 * - FILE.meta.json (the sidecar): `{"format", "version", "config", "checksum"}`, the description of
 *   the run that produced the records (every parameter that changes a record); `checksum` is over
 *   the canonical JSON of the other three (`runChecksum`). It is written atomically (write a
 *   temporary file, fsync, rename, fsync the directory) before the first record, so it is either
 *   absent or complete.
 * - FILE.lock while a run writes the store (./lock.ts): a second writer is refused.
 *
 * Reading (resume or readJsonlStore) checks the sidecar's checksum, then every line: JSON, a record,
 * the caller's field check against the run (`checkRecord`), and its checksum; so an edited record,
 * a record copied from another run, or an edited sidecar is refused naming the line. Only a partial
 * last line (a crash in the middle of a write) is repaired: it is cut off and the unit recomputed;
 * units are deterministic, so the recomputed record equals the lost one. Every refusal is a
 * ResultStoreError (CLI exit 2) naming --resume / --out, thrown before the store modifies anything.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ResultStoreError } from '../errors.ts';
import { fileError, fsyncDir, writeAll, writeFileAtomic } from '../io/files.ts';
import { acquireLock, lockPathFor, type OutputLock } from './lock.ts';

/** The sidecar's content. */
export interface JsonlStoreMeta<C = unknown> {
  format: string;
  version: number;
  config: C;
  /** runChecksum of format, version and config. */
  checksum?: string;
}

/** Name of the per-record checksum field. */
export const CHECKSUM_FIELD = 'checksum';

const sha16 = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** Checksum of a run description: SHA-256 (16 hex digits) of the canonical JSON of {format, version, config}. */
export function runChecksum(meta: Pick<JsonlStoreMeta, 'format' | 'version' | 'config'>): string {
  return sha16(stableStringify({ format: meta.format, version: meta.version, config: meta.config }));
}

/** Checksum of one record of the run `run` (a runChecksum): over the record's canonical JSON without its checksum field. */
export function recordChecksum(run: string, record: object): string {
  const { [CHECKSUM_FIELD]: _c, ...rest } = record as Record<string, unknown>;
  return sha16(`${run}\n${stableStringify(rest)}`);
}

/** Path of the sidecar describing the run recorded in `path`. */
export const sidecarPath = (path: string): string => `${path}.meta.json`;

/** JSON with object keys sorted at every level and undefined members dropped (a canonical form). */
export function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : stableStringify(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`).join(',')}}`;
}

interface FileState { exists: boolean; size: number }

function inspect(path: string, flag: string, what: string): FileState {
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new ResultStoreError(`${flag}: ${path} is a directory; give a file name for the ${what} such as results.jsonl`);
    return { exists: true, size: st.size };
  } catch (e) {
    if (e instanceof ResultStoreError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, size: 0 };
    throw new ResultStoreError(`${flag}: cannot access ${path}: ${(e as Error).message}`);
  }
}

/** fsync a directory so a created or renamed entry in it survives a crash (best effort). */
/** Write the sidecar atomically: temporary file, fsync, rename over the target, fsync the directory. */
function writeSidecar(path: string, meta: JsonlStoreMeta): void {
  const target = sidecarPath(path);
  try {
    writeFileAtomic(target, JSON.stringify({ format: meta.format, version: meta.version, config: meta.config, checksum: runChecksum(meta) }) + '\n');
  } catch (e) {
    throw fileError('--out', target, e);
  }
}

export interface ReadJsonlStoreOptions<R> {
  format: string;
  version: number;
  isRecord(v: unknown): v is R;
  /** Flag named in error messages (default --out). */
  flag?: string;
  /** Name of the file kind in messages, e.g. "jesd sweep" -> "not a jesd sweep file" (default: format). */
  label?: string;
  /**
   * Check a record's defining fields against the run described by `config` (the sidecar's): a
   * message naming the field and the flag, or null. Runs before the checksum check.
   */
  checkRecord?(record: R, config: unknown): string | null;
}

export interface JsonlStoreContents<R, C = unknown> {
  meta: JsonlStoreMeta<C>;
  records: R[];
  /** Byte length of the whole record lines (everything before a partial last line). */
  validBytes: number;
  /** True when a partial last line (crash mid-write) was found and ignored. */
  truncatedTail: boolean;
}

/** Read and check the sidecar of `path`; throws ResultStoreError naming `flag`. */
function readSidecar(path: string, format: string, version: number, flag: string, label: string): JsonlStoreMeta {
  const target = sidecarPath(path);
  let text: string;
  try {
    text = readFileSync(target, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ResultStoreError(`${flag}: ${path} is not a ${label} file: its run description ${basename(target)} is missing${legacyHint(path, format)}`);
    }
    throw new ResultStoreError(`${flag}: cannot read the run description ${target}: ${(e as Error).message}`);
  }
  let meta: Partial<JsonlStoreMeta>;
  try {
    meta = JSON.parse(text) as Partial<JsonlStoreMeta>;
  } catch {
    throw new ResultStoreError(`${flag}: the run description ${target} is not JSON, so ${path} is not a readable ${label} file`);
  }
  if (meta === null || typeof meta !== 'object' || meta.format !== format || !('config' in meta)) {
    throw new ResultStoreError(`${flag}: the run description ${target} is not a "${format}" description, so ${path} is not a ${label} file`);
  }
  if (meta.version !== version) {
    throw new ResultStoreError(`${flag}: ${target} describes ${label} format version ${String(meta.version)}; this jesd reads version ${version}`);
  }
  if (typeof meta.checksum !== 'string') {
    throw new ResultStoreError(`${flag}: the run description ${target} has no checksum, so ${path} cannot be trusted`);
  }
  if (meta.checksum !== runChecksum(meta as JsonlStoreMeta)) {
    throw new ResultStoreError(`${flag}: the run description ${target} was edited (its checksum does not match its content), so ${path} cannot be trusted`);
  }
  return meta as JsonlStoreMeta;
}

/** When line 1 of `path` is a header of the layout before sidecars, say how to convert the file. */
function legacyHint(path: string, format: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    const first = JSON.parse(text.slice(0, text.indexOf('\n'))) as { format?: unknown; config?: unknown };
    if (first?.format === format && typeof first.config === 'object') {
      return ` (line 1 is a header of the older layout: move it to ${basename(sidecarPath(path))}, e.g. head -n 1 F > F.meta.json && sed -i 1d F)`;
    }
  } catch {
    // not the old layout: nothing to add
  }
  return '';
}

/**
 * Parse the record lines of `path` (no sidecar check). A partial last line is tolerated and reported
 * in `truncatedTail`; a corrupt or non-record complete line throws ResultStoreError naming `flag`.
 */
function parseRecords<R>(path: string, opts: ReadJsonlStoreOptions<R>, flag: string, label: string, meta: JsonlStoreMeta): Omit<JsonlStoreContents<R>, 'meta'> {
  const run = meta.checksum!;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], validBytes: 0, truncatedTail: false };
    throw new ResultStoreError(`${flag}: cannot read ${path}: ${(e as Error).message}`);
  }
  const lastNewline = text.lastIndexOf('\n');
  const complete = text.slice(0, lastNewline + 1);
  const tail = text.slice(lastNewline + 1);
  const lines = complete === '' ? [] : complete.split('\n').slice(0, -1);
  const records: R[] = [];
  for (let i = 0; i < lines.length; i++) {
    let v: unknown;
    try {
      v = JSON.parse(lines[i]!);
    } catch {
      throw new ResultStoreError(`${flag}: ${path} line ${i + 1} is corrupt (not JSON); only a partial last line can be repaired`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ResultStoreError(`${flag}: ${path} line ${i + 1} is not a ${label} record`);
    const { [CHECKSUM_FIELD]: sum, ...record } = v as Record<string, unknown>;
    if (!opts.isRecord(record)) throw new ResultStoreError(`${flag}: ${path} line ${i + 1} is not a ${label} record`);
    const wrong = opts.checkRecord?.(record, meta.config) ?? null;
    if (wrong !== null) throw new ResultStoreError(`${flag}: ${path} line ${i + 1} is not a record of this run: ${wrong}`);
    if (typeof sum !== 'string') throw new ResultStoreError(`${flag}: ${path} line ${i + 1} has no checksum`);
    if (sum !== recordChecksum(run, record)) {
      throw new ResultStoreError(`${flag}: ${path} line ${i + 1} was edited (its checksum does not match the record and the run description ${basename(sidecarPath(path))})`);
    }
    records.push(record);
  }
  if (tail !== '' && !tail.trimStart().startsWith('{')) {
    throw new ResultStoreError(`${flag}: ${path} ends with a line that is not a partial JSON record`);
  }
  return { records, validBytes: Buffer.byteLength(complete, 'utf8'), truncatedTail: tail !== '' };
}

/**
 * Read a store: the run description from the sidecar and every record line of `path`. Tolerates a
 * partial last line (reported in `truncatedTail`); anything else malformed, or a missing sidecar,
 * throws ResultStoreError naming `opts.flag` (default --out).
 */
export function readJsonlStore<R, C = unknown>(path: string, opts: ReadJsonlStoreOptions<R>): JsonlStoreContents<R, C> {
  const flag = opts.flag ?? '--out';
  const label = opts.label ?? opts.format;
  inspect(path, flag, `${label} records`);
  const meta = readSidecar(path, opts.format, opts.version, flag, label) as JsonlStoreMeta<C>;
  return { meta, ...parseRecords(path, opts, flag, label, meta) };
}

export interface OpenJsonlStoreOptions<R, C> extends ReadJsonlStoreOptions<R> {
  path: string;
  /** The requested run's description, written to the sidecar (canonical form recommended). */
  config: C;
  /** Continue the run recorded at `path` (its sidecar must describe the same run). */
  resume?: boolean;
  /** Without `resume`: replace an existing store instead of refusing. */
  force?: boolean;
  keyOf(record: R): string;
  /**
   * The first difference between the recorded and the requested config as a message naming the flag
   * (e.g. "--depth differs from the run recorded in F (recorded [1], requested [2])"), or null when
   * they describe the same run. Default: canonical JSON equality with a generic message.
   */
  mismatch?(recorded: unknown, requested: C, path: string): string | null;
  /** When given, every resumed record's key must be in it (a unit of this run). */
  validKeys?: Set<string>;
}

export interface JsonlStore<R> {
  path: string;
  /** Records in the file (resumed ones, then appended ones), by key, in file order. */
  done: Map<string, R>;
  /** Append one record as one line and fsync it; refuses a key already in the store. */
  append(record: R): void;
  /** Append records, one line each, with one fsync at the end (bulk writes such as a merge). */
  appendAll(records: readonly R[]): void;
  /**
   * Put the file's lines in the order of `keys` (every key of the store, once): the records are
   * written to FILE.tmp, fsync'ed, and renamed over FILE, so a crash leaves the old or the new file,
   * both complete. Nothing is written when the file is already in that order. No append after it.
   */
  reorder(keys: readonly string[]): void;
  close(): void;
  /** True when a partial last line was cut off on resume. */
  repairedTail: boolean;
}

/**
 * Open the store at `opts.path` for a run.
 * - Fresh run (no `resume`): refuses an existing non-empty file or an existing sidecar unless `force`,
 *   which replaces both. The sidecar is written before the (emptied) record file is used.
 * - Resume: with neither a non-empty file nor a sidecar, starts fresh. A non-empty file without its
 *   sidecar is refused. Otherwise the sidecar must describe the requested run, every complete line
 *   must be a record whose key is valid and unique, and a partial last line is cut off.
 */
export function openJsonlStore<R, C>(opts: OpenJsonlStoreOptions<R, C>): JsonlStore<R> {
  // The lock comes first: two runs must not both read, check and then write the same store.
  const lock = acquireLock(lockPathFor(opts.path), { flag: '--out', target: opts.path });
  try {
    return openLocked(opts, lock);
  } catch (e) {
    lock.release();
    throw e;
  }
}

function openLocked<R, C>(opts: OpenJsonlStoreOptions<R, C>, lock: OutputLock): JsonlStore<R> {
  const { path } = opts;
  const label = opts.label ?? opts.format;
  const meta: JsonlStoreMeta<C> = { format: opts.format, version: opts.version, config: opts.config };
  const run = runChecksum(meta);
  const file = inspect(path, '--out', `${label} records`);
  const side = inspect(sidecarPath(path), '--out', 'run description');
  const done = new Map<string, R>();
  let repairedTail = false;
  let writeMeta = true;
  let truncateTo: number | null = null;

  if (!opts.resume) {
    if ((file.size > 0 || side.exists) && !opts.force) {
      const what = file.size > 0 ? `${path} exists and is not empty` : `${basename(sidecarPath(path))} (the run description of an earlier run) exists`;
      throw new ResultStoreError(`--out: ${what}; add --resume to continue it or --force to overwrite it`);
    }
    truncateTo = 0;
  } else if (file.size > 0 || side.exists) {
    const fail = (e: unknown): never => {
      throw new ResultStoreError(`${(e as Error).message} (cannot resume --out ${path})`);
    };
    let recorded: JsonlStoreMeta;
    try {
      recorded = readSidecar(path, opts.format, opts.version, '--resume', label);
    } catch (e) {
      return fail(e);
    }
    const mismatch = opts.mismatch
      ? opts.mismatch(recorded.config, opts.config, path)
      : stableStringify(recorded.config) === stableStringify(opts.config) ? null : `the run recorded in ${path} has other parameters`;
    if (mismatch !== null) {
      throw new ResultStoreError(`--resume: ${mismatch}; repeat the recorded flags or choose another --out`);
    }
    let contents: Omit<JsonlStoreContents<R>, 'meta'>;
    try {
      contents = parseRecords(path, opts, '--resume', label, recorded);
    } catch (e) {
      return fail(e);
    }
    for (const [i, r] of contents.records.entries()) {
      const key = opts.keyOf(r);
      if (opts.validKeys && !opts.validKeys.has(key)) throw new ResultStoreError(`--resume: ${path} line ${i + 1} (${key}) is not a unit of this run (cannot resume --out ${path})`);
      if (done.has(key)) throw new ResultStoreError(`--resume: ${path} line ${i + 1} repeats record ${key}; the file was edited or merged by hand (cannot resume --out ${path})`);
      done.set(key, r);
    }
    if (contents.truncatedTail) {
      truncateTo = contents.validBytes;
      repairedTail = true;
    }
    writeMeta = false;
  }

  // Every check passed: only now modify anything. Old records go first (truncated and fsync'ed, so a
  // crash never leaves them beside a new description), then the description, then appends.
  let fd: number;
  try {
    fd = openSync(path, 'a');
    if (truncateTo !== null && file.size > truncateTo) {
      ftruncateSync(fd, truncateTo);
      fsyncSync(fd);
    }
  } catch (e) {
    throw fileError('--out', path, e);
  }
  try {
    if (writeMeta) writeSidecar(path, meta);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  if (!file.exists) fsyncDir(path);
  let closed = false;
  let fdOpen = true;
  const lineOf = (record: R) => JSON.stringify({ ...record, [CHECKSUM_FIELD]: recordChecksum(run, record as object) }) + '\n';
  const appendLines = (records: readonly R[]) => {
    if (closed || !fdOpen) throw new ResultStoreError(`--out: ${path} is closed`);
    const keys = new Set<string>();
    for (const record of records) {
      const key = opts.keyOf(record);
      if (done.has(key) || keys.has(key)) throw new ResultStoreError(`--out: record ${key} is already in ${path}; each unit is written once`);
      keys.add(key);
    }
    try {
      writeAll(fd, records.map(lineOf).join(''));
      fsyncSync(fd);
    } catch (e) {
      // The finished records before these are on disk; a partial line is repaired by --resume.
      throw fileError('--out', path, e);
    }
    for (const record of records) done.set(opts.keyOf(record), record);
  };
  return {
    path,
    done,
    repairedTail,
    append: (record: R) => appendLines([record]),
    appendAll: (records: readonly R[]) => appendLines(records),
    reorder(keys: readonly string[]) {
      if (closed) throw new ResultStoreError(`--out: ${path} is closed`);
      const current = [...done.keys()];
      if (keys.length !== current.length || new Set(keys).size !== keys.length || keys.some((k) => !done.has(k))) {
        throw new ResultStoreError(`--out: cannot reorder ${path}: the order given is not the store's records`);
      }
      if (fdOpen) {
        fdOpen = false;
        closeSync(fd);
      }
      if (keys.every((k, i) => k === current[i])) return;
      try {
        writeFileAtomic(path, keys.map((k) => lineOf(done.get(k)!)).join(''));
      } catch (e) {
        throw fileError('--out', path, e);
      }
      const reordered = new Map(keys.map((k) => [k, done.get(k)!]));
      done.clear();
      for (const [k, r] of reordered) done.set(k, r);
    },
    close() {
      if (!closed) {
        closed = true;
        try {
          if (fdOpen) closeSync(fd);
        } finally {
          fdOpen = false;
          lock.release();
        }
      }
    },
  };
}
