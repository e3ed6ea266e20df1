/**
 * Associative-memory measurements of an N -> N map f (theory/08-associative-memory.md sections
 * 8.1-8.2): which stored patterns are attractors, spurious attractors, and restoration of damaged
 * patterns by iterating f. They take any Network (sampled, explicit or trained).
 *
 * Distances are sup-norm ||a - b||_inf. The iteration and its classification are those of
 * classifyStarts (src/fixedpoints/search.ts): a start "ends at" a fixed point when it settles on it.
 *
 * Attractor rule (8.1): pattern p is an attractor when the iteration from p settles on a stable fixed
 * point x* with ||x* - p||_inf <= tolerance. Spurious attractor: a stable fixed point farther than
 * tolerance from every pattern. Restoration rule (8.2): a damaged copy of p is restored when the
 * iteration from it settles on a fixed point x* with ||x* - p||_inf <= tolerance (cycles and
 * unsettled runs are failures).
 *
 * Randomness: trial t of pattern i at damage level j uses stream(seed, DAMAGE, j, i, t).
 */
import { InvalidSpecError, requireInteger, requirePositive } from '../errors.ts';
import { classifyStarts, type FixedPoint, type FixedPointOptions } from '../fixedpoints/search.ts';
import type { Network } from '../network/network.ts';
import { wilsonInterval, type BinomialInterval } from '../numerics/stats.ts';
import { STREAM, stream } from '../random/rng.ts';
import { matrix } from '../types.ts';
import { applyDamage, damageLabel, type DamageContext, type DamageSpec } from './damage.ts';

/** Default sup-norm tolerance of the attractor and restoration rules. */
export const DEFAULT_PATTERN_TOLERANCE = 0.1;

export function supDistance(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Check patterns: non-empty, each of length N, finite. */
export function validatePatterns(net: Network, patterns: Float64Array[], field = 'patterns'): void {
  if (patterns.length === 0) throw new InvalidSpecError(field, 'needs at least one pattern');
  patterns.forEach((p, k) => {
    if (p.length !== net.spec.N) throw new InvalidSpecError(field, `pattern ${k} has ${p.length} entries, the network's width is N = ${net.spec.N}`);
    for (let i = 0; i < p.length; i++) if (!Number.isFinite(p[i]!)) throw new InvalidSpecError(field, `pattern ${k} entry ${i} is not finite (${p[i]})`);
  });
}

export interface Ending {
  /** 'fixed' (settled on fixedPoints[index]), 'cycle' or 'unsettled'. */
  kind: 'fixed' | 'cycle' | 'unsettled';
  /** Index into the fixed-point list returned beside it (kind 'fixed'). */
  index: number | null;
  /** The fixed point settled on, or the last iterate. */
  x: Float64Array;
}

/** Iterate f from every start; where it ends (fixed points matched against `known` first). */
export function iterateToEnd(net: Network, starts: Float64Array[], known: FixedPoint[], search?: FixedPointOptions): { endings: Ending[]; fixedPoints: FixedPoint[]; evaluations: number } {
  const N = net.spec.N;
  const X = matrix(starts.length, N);
  starts.forEach((s, r) => X.data.set(s, r * N));
  const res = classifyStarts(net, X, known, search);
  const endings = res.outcomes.map((o, r): Ending => {
    if (o.kind === 'fixed') return { kind: 'fixed', index: o.index, x: res.fixedPoints[o.index]!.x };
    return { kind: o.kind, index: null, x: res.finals[r]! };
  });
  return { endings, fixedPoints: res.fixedPoints, evaluations: res.evaluations };
}

export interface AttractorReport {
  /** attractor[k]: pattern k is an attractor under rule (8.1). */
  attractor: boolean[];
  /** Index into `stable` of the fixed point pattern k settles on (null: not a listed stable point). */
  fixedPointIndex: (number | null)[];
  /** ||end - p_k||_inf of the iteration from pattern k. */
  distance: number[];
  /** spurious[j]: stable[j] is farther than tolerance from every pattern. */
  spurious: boolean[];
  tolerance: number;
}

/** Attractor and spurious-attractor rule (8.1) for the given stable fixed points. */
export function patternAttractors(net: Network, patterns: Float64Array[], stable: FixedPoint[], opts: { tolerance?: number; search?: FixedPointOptions } = {}): AttractorReport {
  validatePatterns(net, patterns);
  const tol = requirePositive('tolerance', opts.tolerance ?? DEFAULT_PATTERN_TOLERANCE);
  const { endings, fixedPoints } = iterateToEnd(net, patterns, stable, opts.search);
  const attractor: boolean[] = [];
  const fixedPointIndex: (number | null)[] = [];
  const distance: number[] = [];
  endings.forEach((e, k) => {
    const d = supDistance(e.x, patterns[k]!);
    distance.push(d);
    const fp = e.index === null ? null : fixedPoints[e.index]!;
    const isStable = fp !== null && fp.stable;
    fixedPointIndex.push(e.index !== null && e.index < stable.length ? e.index : null);
    attractor.push(e.kind === 'fixed' && isStable && d <= tol);
  });
  const spurious = stable.map((fp) => patterns.every((p) => supDistance(fp.x, p) > tol));
  return { attractor, fixedPointIndex, distance, spurious, tolerance: tol };
}

export interface RestorationLevel {
  damage: string;
  /** Successes over trials with the Wilson interval (8.3). */
  success: BinomialInterval;
  /** Mean sup distance between the end point and the original. */
  meanDistance: number;
}

export interface RestorationOptions extends DamageContext {
  /** Damaged copies per pattern and level (default 1). */
  trials?: number;
  /** Sup-norm tolerance of the success rule (default DEFAULT_PATTERN_TOLERANCE). */
  tolerance?: number;
  /** Root seed of the damage streams (default the network's spec.seed). */
  seed?: number;
  /** Fixed points known in advance (matched first; e.g. from findFixedPoints). */
  known?: FixedPoint[];
  search?: FixedPointOptions;
  /** Confidence level of the Wilson intervals (default 0.95). */
  confidence?: number;
  /** Keep the damaged and restored vectors (for image grids). */
  keep?: boolean;
}

export interface RestorationResult {
  levels: RestorationLevel[];
  tolerance: number;
  trials: number;
  evaluations: number;
  /** With keep: per level, per pattern and trial (index i * trials + t), the damaged and restored vectors. */
  samples?: { damaged: Float64Array; restored: Float64Array; success: boolean }[][];
}

/** Restoration success per damage level (rule (8.2), Wilson interval (8.3)). */
export function restoration(net: Network, patterns: Float64Array[], damages: DamageSpec[], opts: RestorationOptions): RestorationResult {
  validatePatterns(net, patterns);
  if (damages.length === 0) throw new InvalidSpecError('damages', 'needs at least one damage level');
  const tol = requirePositive('tolerance', opts.tolerance ?? DEFAULT_PATTERN_TOLERANCE);
  const trials = requireInteger('trials', opts.trials ?? 1, 1, 1_000_000);
  const seed = requireInteger('seed', opts.seed ?? net.spec.seed, 0);
  let known = opts.known ?? [];
  let evaluations = 0;
  const levels: RestorationLevel[] = [];
  const samples: { damaged: Float64Array; restored: Float64Array; success: boolean }[][] = [];
  damages.forEach((d, j) => {
    const damaged: Float64Array[] = [];
    const origin: number[] = [];
    patterns.forEach((p, i) => {
      for (let t = 0; t < trials; t++) {
        damaged.push(applyDamage(p, d, stream(seed, STREAM.DAMAGE, j, i, t), opts));
        origin.push(i);
      }
    });
    const run = iterateToEnd(net, damaged, known, opts.search);
    known = run.fixedPoints;
    evaluations += run.evaluations;
    let successes = 0;
    let dist = 0;
    const kept: { damaged: Float64Array; restored: Float64Array; success: boolean }[] = [];
    run.endings.forEach((e, r) => {
      const dd = supDistance(e.x, patterns[origin[r]!]!);
      const ok = e.kind === 'fixed' && dd <= tol;
      if (ok) successes++;
      dist += dd;
      if (opts.keep) kept.push({ damaged: damaged[r]!, restored: e.x, success: ok });
    });
    levels.push({ damage: damageLabel(d), success: wilsonInterval(successes, damaged.length, opts.confidence), meanDistance: dist / damaged.length });
    if (opts.keep) samples.push(kept);
  });
  return { levels, tolerance: tol, trials, evaluations, ...(opts.keep ? { samples } : {}) };
}
