/**
 * Output paths and file-system errors, for every command that writes a file.
 *
 * - `checkOutputPath(flag, path, kind)` runs before any computation: the target is not a directory
 *   (or, for kind "directory", not a file), its parent directory exists, is a directory and is
 *   writable. A failure is an OutputFileError with exit status 2 and one line naming the flag and
 *   the path.
 * - `fileError(flag, path, err)` turns a Node fs error (EACCES, EISDIR, ENOENT, ENOTDIR, EROFS,
 *   ENOSPC, ...) into an OutputFileError: exit 2 for a path that cannot be used, exit 3 when the
 *   system failed while writing (disk full, quota, I/O error), since the request itself was valid.
 * - `writeOutputFile(flag, path, data)` is writeFileSync with that mapping.
 *
 * The root user ignores permission bits, so for root a chmod'ed directory is writable and these
 * checks agree with what the write would do; a read-only file system (EROFS) is refused for anyone.
 */
import { accessSync, closeSync, constants, fsyncSync, mkdirSync, openSync, renameSync, statSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OutputFileError } from '../errors.ts';

/** Errors that mean the machine failed during a valid write (exit 3), not a bad path (exit 2). */
const SYSTEM_FAILURES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EFBIG', 'ENOMEM']);

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EISDIR: 'is a directory',
  ENOTDIR: 'a component of the path is not a directory',
  ENOENT: 'no such file or directory',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
  EBUSY: 'resource busy',
  ETXTBSY: 'file busy',
};

/** The errno code of a Node error, or undefined. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/**
 * One-line OutputFileError for a failed file operation on `path` given by `flag`. `what` is what
 * was being done ("write", "create", "read"). Already-mapped errors pass through unchanged.
 */
export function fileError(flag: string, path: string, err: unknown, what = 'write'): OutputFileError {
  if (err instanceof OutputFileError) return err;
  const code = errnoCode(err);
  const reason = code !== undefined ? REASONS[code] ?? code.toLowerCase() : String((err as Error)?.message ?? err).split('\n')[0]!;
  if (code !== undefined && SYSTEM_FAILURES.has(code)) {
    return new OutputFileError(flag, path, `${flag}: writing ${path} failed: ${reason} (${code}); free space or choose another ${flag}`, 3);
  }
  return new OutputFileError(flag, path, `${flag}: cannot ${what} ${path}: ${reason}${code !== undefined ? ` (${code})` : ''}`, 2);
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return null;
    throw e;
  }
}

/** Check that the directory `dir` (the parent of an output given by `flag`) exists and is writable. */
function checkParent(flag: string, path: string, dir: string): void {
  let st;
  try {
    st = statOrNull(dir);
  } catch (e) {
    if (errnoCode(e) === 'ENOTDIR') throw new OutputFileError(flag, path, `${flag}: cannot write ${path}: a component of ${dir} is a file, not a directory`, 2);
    throw fileError(flag, path, e);
  }
  if (st === null) throw new OutputFileError(flag, path, `${flag}: cannot write ${path}: directory ${dir} does not exist`, 2);
  if (!st.isDirectory()) throw new OutputFileError(flag, path, `${flag}: cannot write ${path}: ${dir} is a file, not a directory`, 2);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new OutputFileError(flag, path, `${flag}: cannot write ${path}: directory ${dir} is not writable (${REASONS[errnoCode(e) ?? ''] ?? errnoCode(e) ?? 'denied'})`, 2);
  }
}

/**
 * Check, before any computation, that `path` (given by `flag`) can be written:
 * - kind "file" (default): `path` is not a directory, an existing `path` is writable, and its parent
 *   directory exists and is writable;
 * - kind "directory": an existing `path` is a writable directory; a missing one must have an
 *   existing writable parent (only the last component will be created, see ensureOutputDirectory).
 * Throws OutputFileError (exit 2) naming the flag and the path.
 */
export function checkOutputPath(flag: string, path: string, kind: 'file' | 'directory' = 'file'): void {
  if (path === '') throw new OutputFileError(flag, path, `${flag}: needs a ${kind === 'file' ? 'file name' : 'directory'}, got an empty string`, 2);
  const abs = resolve(path);
  let st;
  try {
    st = statOrNull(abs);
  } catch (e) {
    if (errnoCode(e) === 'ENOTDIR') {
      checkParent(flag, path, dirname(abs));
    }
    throw fileError(flag, path, e);
  }
  if (kind === 'file') {
    if (st?.isDirectory()) throw new OutputFileError(flag, path, `${flag}: ${path} is a directory; give a file name`, 2);
    if (st !== null) {
      try {
        accessSync(abs, constants.W_OK);
      } catch (e) {
        throw fileError(flag, path, e);
      }
    }
    checkParent(flag, path, dirname(abs));
    return;
  }
  if (st !== null) {
    if (!st.isDirectory()) throw new OutputFileError(flag, path, `${flag}: ${path} is a file, not a directory; give a directory for the output files`, 2);
    try {
      accessSync(abs, constants.W_OK | constants.X_OK);
    } catch (e) {
      throw new OutputFileError(flag, path, `${flag}: directory ${path} is not writable (${REASONS[errnoCode(e) ?? ''] ?? errnoCode(e) ?? 'denied'})`, 2);
    }
    return;
  }
  const parent = dirname(abs);
  const pst = (() => {
    try {
      return statOrNull(parent);
    } catch (e) {
      throw fileError(flag, path, e, 'create');
    }
  })();
  if (pst === null) throw new OutputFileError(flag, path, `${flag}: cannot create ${path}: its parent directory ${parent} does not exist (create it first, e.g. mkdir -p ${parent})`, 2);
  checkParent(flag, path, parent);
}

/** Create the output directory `path` if missing: only its last component (the parent must exist). */
export function ensureOutputDirectory(flag: string, path: string): void {
  checkOutputPath(flag, path, 'directory');
  try {
    mkdirSync(path);
  } catch (e) {
    if (errnoCode(e) === 'EEXIST' && statSync(path).isDirectory()) return;
    throw fileError(flag, path, e, 'create');
  }
}

/** writeFileSync(path, data) with file-system errors mapped to one line naming `flag` and `path`. */
export function writeOutputFile(flag: string, path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw fileError(flag, path, e);
  }
}

/** Write all of `text` at the current position of the open file `fd` (writeSync may write less). */
export function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/** fsync the directory holding `path`, so a rename or a new file in it survives a power loss. */
export function fsyncDir(path: string): void {
  try {
    const fd = openSync(dirname(resolve(path)), 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch {
    // Some platforms cannot fsync a directory; the files' own data is fsync'ed regardless.
  }
}

/**
 * Replace `path` with `text` atomically: a temporary file beside it, fsync, rename over the target,
 * fsync the directory. A crash leaves the old file or the new one, never a partial one. Node's fs
 * errors pass through (callers name their flag with `fileError`).
 */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeAll(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(path);
}
