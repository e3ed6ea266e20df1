/**
 * A resumable JSON Lines store for the reproduction's own units of work (ESD samples, basin-image
 * rows, theory curves) (DESIGN.md section 5: one record per finished unit, appended and flushed).
 *
 * Line 1: `{"format": <format>, "version": 1, "config": {...}}`; then one `{"key": ..., ...}` per
 * unit. Resuming checks that the recorded config equals the requested one (JSON equality) and drops
 * a partial last line left by a crash; the unit is then recomputed, which gives the same record
 * because units are deterministic.
 */
import { closeSync, fsyncSync, openSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import { ResultStoreError } from '../errors.ts';

export const UNIT_STORE_VERSION = 1;

export interface UnitRecord {
  key: string;
  [field: string]: unknown;
}

export interface UnitStore<R extends UnitRecord> {
  path: string;
  /** Records already in the file (resume), by key, in file order. */
  done: Map<string, R>;
  append(record: R): void;
  close(): void;
}

function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`).join(',')}}`;
}

/**
 * Open `path` for a run. Without `resume` the file is overwritten. With `resume`, an absent or empty
 * file starts fresh; otherwise its header must carry `format` and a config equal to `config`.
 */
export function openUnitStore<R extends UnitRecord>(path: string, format: string, config: unknown, opts: { resume?: boolean } = {}): UnitStore<R> {
  const headerLine = stableStringify({ format, version: UNIT_STORE_VERSION, config }) + '\n';
  const done = new Map<string, R>();
  let fresh = true;
  if (opts.resume) {
    let size = 0;
    try {
      size = statSync(path).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new ResultStoreError(`--resume: cannot read ${path}: ${(e as Error).message}`);
    }
    if (size > 0) {
      const text = readFileSync(path, 'utf8');
      const last = text.lastIndexOf('\n');
      if (last < 0) {
        if (!headerLine.startsWith(text)) throw new ResultStoreError(`--resume: ${path} is not a ${format} file`);
      } else {
        const lines = text.slice(0, last).split('\n');
        let header: { format?: unknown; version?: unknown; config?: unknown };
        try {
          header = JSON.parse(lines[0]!) as typeof header;
        } catch {
          throw new ResultStoreError(`--resume: ${path} line 1 is not JSON; remove the output directory or choose another --out`);
        }
        if (header.format !== format || header.version !== UNIT_STORE_VERSION) {
          throw new ResultStoreError(`--resume: ${path} is not a ${format} (version ${UNIT_STORE_VERSION}) file`);
        }
        if (stableStringify(header.config) !== stableStringify(config)) {
          throw new ResultStoreError(`--resume: ${path} was written by a run with other parameters (--scale or --seed differ); repeat the recorded flags or choose another --out`);
        }
        for (let i = 1; i < lines.length; i++) {
          let rec: R;
          try {
            rec = JSON.parse(lines[i]!) as R;
          } catch {
            throw new ResultStoreError(`--resume: ${path} line ${i + 1} is corrupt; only a partial last line can be repaired`);
          }
          if (typeof rec?.key !== 'string') throw new ResultStoreError(`--resume: ${path} line ${i + 1} has no "key"`);
          done.set(rec.key, rec);
        }
        if (last + 1 < text.length) truncateSync(path, Buffer.byteLength(text.slice(0, last + 1), 'utf8'));
        fresh = false;
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
  if (fresh) writeLine(headerLine);
  let closed = false;
  return {
    path,
    done,
    append(record: R) {
      if (closed) throw new ResultStoreError(`${path} is closed`);
      writeLine(JSON.stringify(record) + '\n');
      done.set(record.key, record);
    },
    close() {
      if (!closed) closeSync(fd);
      closed = true;
    },
  };
}
