/**
 * Flag parsing shared by the commands: number lists/ranges and the network flags of
 * docs/cli.md. Every parser throws FlagError naming the flag and the allowed values.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { InvalidSpecError } from '../errors.ts';
import {
  ACTIVATIONS, BIAS_LAWS, SCALINGS, WEIGHT_LAWS, validateSpec,
  type ActivationName, type LawSpec, type NetworkSpec, type Scaling, type WeightLawName,
} from '../spec/networkSpec.ts';
import { FlagError } from './io.ts';
import { applyPreset, PRESETS } from './presets.ts';

/**
 * The number grammar of every flag: an optional sign, decimal digits with an optional fraction,
 * an optional exponent ("3", "-0.5", "1e-3", ".5"). Hexadecimal ("0x10"), binary, "Infinity",
 * a trailing dot ("1.") and surrounding text are refused, so a typo is never read as another number.
 */
const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?`;
const NUMBER_RE = new RegExp(`^${NUMBER}$`);
const RANGE_RE = new RegExp(`^(${NUMBER})\\.\\.(${NUMBER})(?::(${NUMBER}))?$`);

/** Parse "3", "1..10", "1..10:2" or "1,2,4" (mixed: "1,5..8"). */
export function parseNumberList(flag: string, text: string): number[] {
  const out: number[] = [];
  for (const part of String(text).split(',')) {
    const p = part.trim();
    const m = RANGE_RE.exec(p);
    if (m) {
      const a = parseNumber(flag, m[1]!), b = parseNumber(flag, m[2]!);
      const step = m[3] !== undefined ? parseNumber(flag, m[3]) : 1;
      if (!(step > 0)) throw new FlagError(flag, `range step must be > 0, got ${m[3]}`);
      if (b < a) throw new FlagError(flag, `range ${p} is empty (end < start)`);
      const n = Math.floor((b - a) / step + 1e-9);
      if (n > 1_000_000) throw new FlagError(flag, `range ${p} has too many points (at most 1000000)`);
      for (let k = 0; k <= n; k++) out.push(+(a + k * step).toPrecision(15));
    } else if (NUMBER_RE.test(p)) {
      out.push(parseNumber(flag, p));
    } else {
      throw new FlagError(flag, `expected a number, a list a,b,c or a range a..b or a..b:step, got ${JSON.stringify(p)}`);
    }
  }
  if (out.length === 0) throw new FlagError(flag, 'expected a number, a list a,b,c or a range a..b');
  return out;
}

export function parseNumber(flag: string, text: string | undefined): number {
  const t = String(text ?? '').trim();
  const v = NUMBER_RE.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(v)) throw new FlagError(flag, `expected a finite decimal number, got ${JSON.stringify(text ?? '')}`);
  return v;
}

export function parseInteger(flag: string, text: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = parseNumber(flag, text);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new FlagError(flag, `expected an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`}, got ${text}`);
  }
  return v;
}

/**
 * --workers: an integer >= 1, default every core. More workers than cores only cost memory and time
 * (each holds its own module graph; 32 workers on 2 cores ran 10x slower), so a larger value is
 * capped at the core count with one warning line on stderr (silenced by --quiet).
 */
export function parseWorkers(text: string | undefined, quiet = false): number {
  const cores = Math.max(1, availableParallelism());
  const w = parseInteger('--workers', text ?? String(cores), 1);
  if (w > cores) {
    if (!quiet) process.stderr.write(`jesd: warning: --workers ${w} is more than the ${cores} core(s) here; using ${cores}\n`);
    return cores;
  }
  return w;
}

/** `--shard K/N`: shard K of N, integers with 1 <= K <= N. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (m === null) throw new FlagError('--shard', `must be K/N with integers 1 <= K <= N (e.g. 2/3), got ${JSON.stringify(text)}`);
  const index = Number(m[1]), count = Number(m[2]);
  if (!(count >= 1 && index >= 1 && index <= count)) throw new FlagError('--shard', `must be K/N with 1 <= K <= N, got ${text}`);
  return { index, count };
}

export function parseChoice<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) {
    throw new FlagError(flag, `must be one of ${allowed.join('|')}, got ${JSON.stringify(text)}`);
  }
  return text as T;
}

/** Register the network flags of docs/cli.md on a command. */
export function addNetworkFlags(cmd: Command, opts: { width?: boolean; lists?: boolean } = {}): Command {
  const lists = opts.lists ? ' (a list or range is allowed)' : '';
  if (opts.width !== false) cmd.option('--width <N>', `width N${lists}`);
  cmd
    .option('--depth <L>', `depth L${lists}`)
    .option('--activation <name>', `${ACTIVATIONS.join('|')} (default sigmoid)`)
    .option('--weights <law>', `${WEIGHT_LAWS.join('|')} (default gaussian)`)
    .option('--alpha <A>', 'tail index: stable (0,2], pareto > 0; student degrees of freedom')
    .option('--sigma-w <S>', 'weight scale sigma_w > 0 (default 1)')
    .option('--bias <law>', `${BIAS_LAWS.join('|')} (default gaussian)`)
    .option('--sigma-b <S>', 'bias scale sigma_b > 0 (default 1)')
    .option('--scaling <s>', `${SCALINGS.join('|')}: natural = 1/sqrt(N) or 1/a_N, raw = none (default natural)`)
    .option('--seed <S>', 'root seed, a non-negative integer (default 1)')
    .option('--preset <name>', `configuration preset: ${Object.keys(PRESETS).join('|')}; flags given beside it override it`);
  return cmd;
}

export interface RawNetworkFlags {
  width?: string; depth?: string; activation?: string; weights?: string; alpha?: string;
  sigmaW?: string; bias?: string; sigmaB?: string; scaling?: string; seed?: string; preset?: string;
}

/** Resolved network flags: widths and depths are lists (a single command uses the first). */
export interface NetworkFlags {
  widths: number[];
  depths: number[];
  base: Omit<NetworkSpec, 'N' | 'L'>;
  presetApplied: string | null;
}

/** Turn raw flags (after preset defaults) into specs; throws FlagError naming the flag. */
export function resolveNetworkFlags(raw: RawNetworkFlags, defaults: { width?: string; depth?: string } = {}): NetworkFlags {
  const merged: RawNetworkFlags = { ...raw };
  let presetApplied: string | null = null;
  if (raw.preset !== undefined) {
    const name = parseChoice('--preset', raw.preset, Object.keys(PRESETS));
    Object.assign(merged, applyPreset(name, raw));
    presetApplied = name;
  }
  const widthText = merged.width ?? defaults.width;
  const depthText = merged.depth ?? defaults.depth;
  const widths = widthText === undefined ? [] : parseNumberList('--width', widthText).map((w) => intIn('--width', w, 1, 100_000));
  const depths = depthText === undefined ? [] : parseNumberList('--depth', depthText).map((l) => intIn('--depth', l, 1, 100_000));
  const activation = parseChoice('--activation', merged.activation ?? 'sigmoid', ACTIVATIONS) as ActivationName;
  const weightsName = parseChoice('--weights', merged.weights ?? 'gaussian', WEIGHT_LAWS) as WeightLawName;
  const alpha = merged.alpha !== undefined ? parseNumber('--alpha', merged.alpha) : undefined;
  const sigmaW = merged.sigmaW !== undefined ? parseNumber('--sigma-w', merged.sigmaW) : 1;
  const sigmaB = merged.sigmaB !== undefined ? parseNumber('--sigma-b', merged.sigmaB) : 1;
  if (!(sigmaW > 0)) throw new FlagError('--sigma-w', `must be > 0, got ${merged.sigmaW}`);
  if (!(sigmaB > 0)) throw new FlagError('--sigma-b', `must be > 0, got ${merged.sigmaB}`);
  const biasName = parseChoice('--bias', merged.bias ?? 'gaussian', BIAS_LAWS);
  const scaling = parseChoice('--scaling', merged.scaling ?? 'natural', SCALINGS) as Scaling;
  const seed = parseInteger('--seed', merged.seed ?? '1', 0);
  // Flags that do not apply are refused, never silently ignored.
  // (Checked on the flags as typed: a preset's values never trigger these.)
  const weightsTakeAlpha = weightsName === 'stable' || weightsName === 'pareto' || weightsName === 'student' || weightsName === 'cauchy';
  if (raw.alpha !== undefined && !weightsTakeAlpha && biasName !== 'stable') {
    throw new FlagError('--alpha', `does not apply to --weights ${weightsName} with --bias ${biasName} (it is the tail index of stable/pareto weights, student degrees of freedom, or the index of stable biases)`);
  }
  if (raw.sigmaB !== undefined && biasName === 'none') {
    throw new FlagError('--sigma-b', 'does not apply with --bias none (there are no biases to scale)');
  }
  const weights: LawSpec = { name: weightsName, scale: sigmaW, ...(alpha !== undefined ? { alpha } : {}) };
  if (weightsName === 'cauchy' && alpha !== undefined && alpha !== 1) {
    throw new FlagError('--alpha', `cauchy is the stable law with alpha = 1; use --weights stable --alpha ${alpha}`);
  }
  let bias: LawSpec | null = null;
  if (biasName !== 'none') {
    // Bias laws share the weights' alpha where they need one (stable biases).
    bias = { name: biasName, scale: sigmaB, ...(biasName === 'stable' ? { alpha: alpha ?? 2 } : {}) };
  }
  const base = { activation, weights, bias, scaling, seed };
  // Validate one representative spec now so errors name flags, not internal fields.
  try {
    validateSpec({ N: widths[0] ?? 1, L: depths[0] ?? 1, ...base });
  } catch (e) {
    if (e instanceof InvalidSpecError) throw new FlagError(flagFor(e.field), e.detail);
    throw e;
  }
  return { widths, depths, base, presetApplied };
}

function intIn(flag: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new FlagError(flag, `must be an integer in [${lo}, ${hi}], got ${v}`);
  return v;
}

/**
 * The one map from the fields library errors name (InvalidSpecError.field: NetworkSpec paths and the
 * parameters of the solvers) to the flags that set them.
 */
export const FIELD_FLAGS: Readonly<Record<string, string>> = {
  width: '--width', depth: '--depth', activation: '--activation', scaling: '--scaling', seed: '--seed',
  'weights.name': '--weights', 'weights.alpha': '--alpha', 'weights.scale': '--sigma-w',
  'bias.name': '--bias', 'bias.alpha': '--alpha', 'bias.scale': '--sigma-b',
  sigmaW: '--sigma-w', sigmaB: '--sigma-b', alpha: '--alpha', ratio: '--ratio', at: '--at',
  q1: '--q1', ensemble: '--ensemble', quadraturePoints: '--quadrature-points', networks: '--networks',
};

/**
 * The flag for a library field: FIELD_FLAGS (after a command's `overrides`, e.g. a width that a
 * command sets through another flag), `at[i]` -> --at, a field that already is a flag; null for a
 * field no flag sets (an internal quantity).
 */
export function flagForField(field: string, overrides: Readonly<Record<string, string>> = {}): string | null {
  return overrides[field] ?? FIELD_FLAGS[field] ?? (field.startsWith('at[') ? '--at' : field.startsWith('--') ? field : null);
}

function flagFor(field: string): string {
  return flagForField(field) ?? field;
}

/** A single network spec from flags (first width and depth). */
export function singleSpec(flags: NetworkFlags): NetworkSpec {
  if (flags.widths.length === 0) throw new FlagError('--width', 'is required (a positive integer)');
  if (flags.depths.length === 0) throw new FlagError('--depth', 'is required (a positive integer)');
  if (flags.widths.length > 1) throw new FlagError('--width', 'takes one value for this command (use `jesd sweep` for lists)');
  if (flags.depths.length > 1) throw new FlagError('--depth', 'takes one value for this command (use `jesd sweep` or `jesd compare` for lists)');
  return { N: flags.widths[0]!, L: flags.depths[0]!, ...flags.base };
}
