/**
 * Exclusive lock on an output (a result store, a reproduction directory, a checkpoint), so that two
 * runs never write one file.
 *
 * The lock is a file created atomically with O_CREAT | O_EXCL ('wx'), holding
 * `{"pid", "host", "started"}`. A second run finds it and refuses with one line naming the flag
 * (OutputFileError, exit 2). A lock left by a process that no longer runs on this host (kill -9,
 * power loss) is stale: it is taken over with a one-line warning on stderr. Taking over is itself
 * guarded by a second O_EXCL file, so two runs that find the same stale lock cannot both take it.
 * A lock of another host cannot be checked and is never taken over.
 *
 * The lock is released by `release()`, and in any case when the process exits: on a normal exit, an
 * error, an uncaught exception, and on SIGINT / SIGTERM (after the release, a signal that nobody
 * else handles is re-raised so the process still ends with it). Only SIGKILL leaves a stale lock.
 */
import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { OutputFileError } from '../errors.ts';
import { errnoCode, fileError } from '../io/files.ts';

export interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

export interface OutputLock {
  /** The lock file. */
  path: string;
  /** Remove the lock (idempotent; only removes the file while it is still this process's lock). */
  release(): void;
}

export interface AcquireLockOptions {
  /** Flag named in messages (default --out). */
  flag?: string;
  /** The output the lock protects, as the user gave it (for messages; default: the lock path). */
  target?: string;
  /** Where the stale-lock warning goes (default: one line on stderr). */
  warn?: (line: string) => void;
}

/** Lock file used for an output file FILE: FILE.lock. */
export const lockPathFor = (file: string): string => `${file}.lock`;

/** Does process `pid` run on this host? (EPERM: it runs under another user.) */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | null | 'missing' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return 'missing';
    throw e;
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.pid === 'number' && Number.isInteger(o.pid) && o.pid > 0 && typeof o.host === 'string') {
      return { pid: o.pid, host: o.host, started: String(o.started ?? '') };
    }
  } catch {
    // fall through: not a lock this module wrote (or one being written right now)
  }
  return null;
}

/** Create `path` exclusively with `content`; false when it exists. */
function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if (errnoCode(e) === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

const held = new Map<string, string>(); // lock path -> content written by this process
let hooksInstalled = false;

function releaseAll(): void {
  for (const path of [...held.keys()]) releasePath(path);
}

function releasePath(path: string): void {
  const mine = held.get(path);
  if (mine === undefined) return;
  held.delete(path);
  try {
    if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
  } catch {
    // already gone: nothing to release
  }
}

function onSignal(signal: NodeJS.Signals): void {
  releaseAll();
  // Other handlers (the CLI's "interrupted, rerun with --resume") decide how to exit; alone, end
  // the process with the signal as if nobody had listened.
  if (process.listenerCount(signal) <= 1) {
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', releaseAll);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function uninstallHooksIfIdle(): void {
  if (!hooksInstalled || held.size > 0) return;
  hooksInstalled = false;
  process.removeListener('exit', releaseAll);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
}

/**
 * Take the exclusive lock file `lockPath`. Throws OutputFileError (exit 2, naming `opts.flag`) when
 * another live run holds it, when its owner cannot be checked (another host, unreadable content),
 * or when it cannot be created. A stale lock (its process is gone, same host) is taken over with a
 * warning.
 */
export function acquireLock(lockPath: string, opts: AcquireLockOptions = {}): OutputLock {
  try {
    return tryAcquire(lockPath, opts);
  } catch (e) {
    throw fileError(opts.flag ?? '--out', opts.target ?? lockPath, e, 'lock');
  }
}

function tryAcquire(lockPath: string, opts: AcquireLockOptions): OutputLock {
  const flag = opts.flag ?? '--out';
  const target = opts.target ?? lockPath;
  const warn = opts.warn ?? ((line: string) => process.stderr.write(line + '\n'));
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  const content = JSON.stringify(me) + '\n';
  if (held.has(lockPath)) {
    throw new OutputFileError(flag, target, `${flag}: ${target} is already being written by this run (lock ${lockPath})`, 2);
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      if (createExclusive(lockPath, content)) {
        held.set(lockPath, content);
        installHooks();
        return { path: lockPath, release: () => { releasePath(lockPath); uninstallHooksIfIdle(); } };
      }
    } catch (e) {
      throw fileError(flag, target, e, 'lock');
    }
    let owner = readOwner(lockPath);
    if (owner === 'missing') continue; // released in between: try again
    if (owner === null) {
      // Possibly being written this instant by its creator: look again shortly.
      const until = Date.now() + 300;
      while (Date.now() < until) { /* brief wait */ }
      owner = readOwner(lockPath);
      if (owner === 'missing') continue;
    }
    if (owner === null) {
      throw new OutputFileError(flag, target, `${flag}: ${target} is locked by ${lockPath}, which does not name its owner; if no jesd run is writing ${target}, delete ${lockPath}`, 2);
    }
    // This process's own pid in a lock it does not hold: left by an earlier process that had the
    // same pid (pids are reused, e.g. in a restarted container), so it is stale.
    const ownPidLeftOver = owner.host === me.host && owner.pid === process.pid;
    if (!ownPidLeftOver && (owner.host !== me.host || alive(owner.pid))) {
      const where = owner.host === me.host ? `pid ${owner.pid}` : `pid ${owner.pid} on host ${owner.host}`;
      const since = owner.started ? ` since ${owner.started}` : '';
      const hint = owner.host === me.host ? 'wait for it to finish or choose another' : `if that run is gone, delete ${lockPath}; or choose another`;
      throw new OutputFileError(flag, target, `${flag}: ${target} is being written by another jesd run (${where}${since}, lock ${lockPath}); ${hint} ${flag}`, 2);
    }
    // Stale: its process is gone. Take it over under a guard so only one run does.
    const guard = `${lockPath}.takeover`;
    let guarded = false;
    try {
      guarded = createExclusive(guard, content);
      if (!guarded) {
        // A takeover in progress, or one that crashed: a guard older than 10 s is removed.
        try {
          if (Date.now() - statSync(guard).mtimeMs > 10_000) unlinkSync(guard);
        } catch {
          // gone already
        }
        continue;
      }
      const again = readOwner(lockPath);
      if (again !== 'missing' && again !== null && again.pid === owner.pid && again.host === owner.host && again.started === owner.started) {
        unlinkSync(lockPath);
        warn(`jesd: warning: taking over the stale lock ${lockPath} of pid ${owner.pid} (no longer running); its records are checked on --resume`);
      }
    } catch (e) {
      throw fileError(flag, target, e, 'lock');
    } finally {
      if (guarded) {
        try { unlinkSync(guard); } catch { /* already removed */ }
      }
    }
  }
  throw new OutputFileError(flag, target, `${flag}: could not take the lock ${lockPath} of ${target} (other runs keep taking it); try again`, 2);
}

/** Run `fn` holding the lock `lockPath`; the lock is released when `fn` settles. */
export async function withLock<T>(lockPath: string, opts: AcquireLockOptions, fn: () => Promise<T> | T): Promise<T> {
  const lock = acquireLock(lockPath, opts);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
