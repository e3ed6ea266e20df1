/**
 * Typed errors. Every public function validates its input and throws one of these, with a message
 * that names the offending field and says what is allowed (docs/design.md section 4).
 */
export class JesdError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: a field out of range, an unknown name, an inconsistent spec. CLI exit status 2. */
export class InvalidSpecError extends JesdError {
  constructor(
    /** The field (or CLI flag) that was wrong, e.g. "width" or "--alpha". */
    readonly field: string,
    /** What was wrong and what is allowed. */
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

/** A numerical solver did not converge / could not certify its answer. CLI exit status 3. */
export class NonConvergenceError extends JesdError {
  constructor(
    message: string,
    readonly diagnostics: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A result store (JSON Lines) is unreadable or inconsistent with the requested run. Exit 2. */
export class ResultStoreError extends JesdError {}

/**
 * A file given on the command line cannot be written (or read): names the flag and the path in one
 * line. Exit status 2 when the path cannot be used (missing directory, a directory as the target,
 * no permission, read-only file system, a lock held by another run), 3 when the system failed
 * while writing a valid path (disk full, I/O error).
 */
export class OutputFileError extends JesdError {
  constructor(
    readonly flag: string,
    readonly path: string,
    message: string,
    readonly exitStatus: 2 | 3 = 2,
  ) {
    super(message);
  }
}

/** Validation helpers: throw InvalidSpecError naming the field. */
export function requireFinite(field: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InvalidSpecError(field, `must be a finite number, got ${String(v)}`);
  }
  return v;
}

export function requirePositive(field: string, v: number): number {
  requireFinite(field, v);
  if (!(v > 0)) throw new InvalidSpecError(field, `must be > 0, got ${v}`);
  return v;
}

export function requireInteger(field: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new InvalidSpecError(field, `must be ${range}, got ${String(v)}`);
  }
  return v;
}

export function requireInRange(field: string, v: number, lo: number, hi: number, loOpen = false, hiOpen = false): number {
  requireFinite(field, v);
  const okLo = loOpen ? v > lo : v >= lo;
  const okHi = hiOpen ? v < hi : v <= hi;
  if (!okLo || !okHi) {
    throw new InvalidSpecError(field, `must be in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${v}`);
  }
  return v;
}

export function requireOneOf<T extends string>(field: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) {
    throw new InvalidSpecError(field, `must be one of ${allowed.join('|')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}
