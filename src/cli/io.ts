/** CLI plumbing shared by every command: exit codes, JSON output, errors (docs/cli.md). */
import { InvalidSpecError, JesdError, NonConvergenceError, OutputFileError, ResultStoreError } from '../errors.ts';
import { errnoCode, fileError } from '../io/files.ts';

export { checkOutputPath, ensureOutputDirectory, writeOutputFile, fileError } from '../io/files.ts';

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 2;
export const EXIT_SOLVE_FAILED = 3;

/** Error raised by flag parsing: names the flag and what it allows. */
export class FlagError extends InvalidSpecError {}

/** Write one JSON document to stdout (progress and logs go to stderr). */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, jsonReplacer) + '\n');
}

/** Typed arrays serialize as plain arrays; non-finite numbers are refused (never print NaN). */
export function jsonReplacer(_key: string, v: unknown): unknown {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (typeof v === 'number' && !Number.isFinite(v)) {
    throw new NonConvergenceError(`refusing to write a non-finite number (${v}) at field "${_key}"`);
  }
  return v;
}

export function log(msg: string): void {
  process.stderr.write(msg + '\n');
}

/** Map an error to its exit status and a one-line message on stderr. */
export function exitFor(err: unknown): number {
  if (err instanceof OutputFileError) {
    log(`jesd: ${err.message}`);
    return err.exitStatus;
  }
  if (err instanceof InvalidSpecError || err instanceof ResultStoreError) {
    log(`jesd: ${err.message}`);
    return EXIT_BAD_INPUT;
  }
  if (err instanceof NonConvergenceError) {
    log(`jesd: solve failed: ${err.message}`);
    return EXIT_SOLVE_FAILED;
  }
  if (err instanceof JesdError) {
    log(`jesd: ${err.message}`);
    return EXIT_BAD_INPUT;
  }
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string' && String((err as { code: string }).code).startsWith('commander.')) {
    return EXIT_BAD_INPUT; // commander already printed its message
  }
  // A file-system error that no command mapped to its flag: still one line, naming the path.
  const code = errnoCode(err);
  const path = (err as NodeJS.ErrnoException | null)?.path;
  if (code !== undefined && typeof path === 'string') {
    const syscall = (err as NodeJS.ErrnoException).syscall;
    const mapped = fileError('file', path, err, syscall === 'open' || syscall === 'read' || syscall === 'stat' ? 'open' : 'write');
    log(`jesd: ${mapped.message.replace(/^file: /, '').replace(/; free space or choose another file$/, '; free space and try again')}`);
    return mapped.exitStatus;
  }
  log(`jesd: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return 1;
}
