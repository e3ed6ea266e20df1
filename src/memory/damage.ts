/**
 * Damage applied to stored patterns and images before restoration (theory/08-associative-memory.md
 * section 8.2): flip a share of the entries between the two levels, add Gaussian noise, or occlude a
 * square block.
 *
 * Spec strings (the `--damage` flag): "flip:P" flips round(P/100 N) entries chosen uniformly without
 * replacement, x_i -> lo + hi - x_i (on a pattern in {lo, hi}^N this swaps the two levels);
 * "noise:S" adds S times a standard normal to every entry and clips to [lo, hi]; "block:K" sets a
 * K x K square, placed uniformly at random inside the width x height image, to lo.
 */
import { InvalidSpecError, requireInteger } from '../errors.ts';
import type { Rng } from '../random/rng.ts';

export type DamageSpec =
  | { kind: 'flip'; percent: number }
  | { kind: 'noise'; sigma: number }
  | { kind: 'block'; side: number };

export const DAMAGE_KINDS = ['flip', 'noise', 'block'] as const;

/** Canonical text of a damage spec ("flip:20"). */
export function damageLabel(d: DamageSpec): string {
  return d.kind === 'flip' ? `flip:${d.percent}` : d.kind === 'noise' ? `noise:${d.sigma}` : `block:${d.side}`;
}

/** Parse "flip:P", "noise:S" or "block:K"; throws InvalidSpecError naming `field`. */
export function parseDamage(text: string, field = '--damage'): DamageSpec {
  const m = /^\s*(flip|noise|block)\s*:\s*([^\s]+)\s*$/.exec(text);
  if (!m) throw new InvalidSpecError(field, `expected flip:PERCENT, noise:SIGMA or block:SIDE, got ${JSON.stringify(text)}`);
  const v = Number(m[2]);
  if (!Number.isFinite(v)) throw new InvalidSpecError(field, `${m[1]} needs a finite number, got ${JSON.stringify(m[2])}`);
  if (m[1] === 'flip') {
    if (!(v >= 0 && v <= 100)) throw new InvalidSpecError(field, `flip percent must be in [0, 100], got ${v}`);
    return { kind: 'flip', percent: v };
  }
  if (m[1] === 'noise') {
    if (!(v >= 0)) throw new InvalidSpecError(field, `noise sigma must be >= 0, got ${v}`);
    return { kind: 'noise', sigma: v };
  }
  if (!(Number.isInteger(v) && v >= 0)) throw new InvalidSpecError(field, `block side must be a non-negative integer, got ${v}`);
  return { kind: 'block', side: v };
}

/** Parse a comma-separated list of damage specs ("flip:10,flip:20,block:4"). */
export function parseDamageList(text: string, field = '--damage'): DamageSpec[] {
  const parts = text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (parts.length === 0) throw new InvalidSpecError(field, 'needs at least one damage spec (flip:P, noise:S or block:K)');
  return parts.map((p) => parseDamage(p, field));
}

export interface DamageContext {
  /** Lower and upper level of the entries (patterns in {lo, hi}^N; images: the pixel range). */
  lo: number;
  hi: number;
  /** Image width for block damage (default: sqrt(N) for a square image). */
  width?: number;
}

/** A damaged copy of x (see the top of this file). */
export function applyDamage(x: Float64Array, d: DamageSpec, rng: Rng, ctx: DamageContext): Float64Array {
  const N = x.length;
  const { lo, hi } = ctx;
  const y = Float64Array.from(x);
  if (d.kind === 'flip') {
    const m = Math.round((d.percent / 100) * N);
    // Partial Fisher-Yates: the first m entries of a uniform permutation.
    const idx = Int32Array.from({ length: N }, (_, i) => i);
    for (let i = 0; i < m; i++) {
      const j = i + rng.int(N - i);
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
      y[idx[i]!] = lo + hi - x[idx[i]!]!;
    }
    return y;
  }
  if (d.kind === 'noise') {
    for (let i = 0; i < N; i++) y[i] = Math.min(hi, Math.max(lo, x[i]! + d.sigma * rng.normal()));
    return y;
  }
  const width = ctx.width ?? Math.round(Math.sqrt(N));
  requireInteger('width', width, 1);
  if (N % width !== 0) throw new InvalidSpecError('width', `image width ${width} does not divide N = ${N}`);
  const height = N / width;
  if (d.side > Math.min(width, height)) throw new InvalidSpecError('--damage', `block side ${d.side} exceeds the ${width} x ${height} image`);
  const r0 = rng.int(height - d.side + 1);
  const c0 = rng.int(width - d.side + 1);
  for (let r = r0; r < r0 + d.side; r++) for (let c = c0; c < c0 + d.side; c++) y[r * width + c] = lo;
  return y;
}
