/**
 * Restoration of damaged images by iterating an N -> N network (theory/08-associative-memory.md
 * (8.2)-(8.3)): the library side of `jesd restore`. Pixels in [0, 1] are mapped affinely onto the
 * activation's range box [lo, hi] (sigmoid: unchanged; tanh: 2 v - 1) before damage and iteration,
 * and back for the PNG grid.
 */
import { InvalidSpecError, requireInteger } from '../errors.ts';
import type { FixedPointOptions } from '../fixedpoints/search.ts';
import type { Network } from '../network/network.ts';
import { gridImage, requireFinitePixels, type ImageSet } from '../training/images.ts';
import type { DamageSpec } from './damage.ts';
import { restoration, type RestorationLevel } from './restoration.ts';

export interface RestoreImagesOptions {
  /** Damaged copies per image and level (default 1). */
  trials?: number;
  /** Sup-norm tolerance of the success rule, in pixel units [0, 1] (default 0.1). */
  tolerance?: number;
  seed?: number;
  /** Images shown in the grid (default min(8, number of images)). */
  gridImages?: number;
  search?: FixedPointOptions;
  /** Confidence of the Wilson intervals (default 0.95). */
  confidence?: number;
  /** Name of the option that supplied the images, for errors (default 'images'). */
  field?: string;
}

export interface RestoreImagesResult {
  levels: RestorationLevel[];
  tolerance: number;
  trials: number;
  evaluations: number;
  /** Grid: one row per shown image: original, then damaged / restored for each level (first trial). */
  grid: { pixels: Float64Array; width: number; height: number };
}

/** Damage, iterate and score a set of images (see the top of this file). */
export function restoreImages(net: Network, set: ImageSet, damages: DamageSpec[], opts: RestoreImagesOptions = {}): RestoreImagesResult {
  const field = opts.field ?? 'images';
  const N = net.spec.N;
  if (set.width * set.height !== N) {
    throw new InvalidSpecError(field, `images are ${set.width} x ${set.height} = ${set.width * set.height} pixels, the network's width is N = ${N}`);
  }
  if (set.images.length === 0) throw new InvalidSpecError(field, 'no images');
  requireFinitePixels(field, set.images);
  const [lo, hi] = net.activation.range;
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) throw new InvalidSpecError('activation', `image restoration needs a bounded activation range, ${net.spec.activation} has [${lo}, ${hi}]`);
  const toNet = (v: number) => lo + (hi - lo) * v;
  const toPix = (v: number) => (v - lo) / (hi - lo);
  const patterns = set.images.map((im) => Float64Array.from(im, toNet));
  const tolPix = opts.tolerance ?? 0.1;
  const trials = requireInteger('trials', opts.trials ?? 1, 1, 100_000);
  const res = restoration(net, patterns, damages, {
    lo, hi, width: set.width, trials, tolerance: tolPix * (hi - lo), seed: opts.seed, search: opts.search, confidence: opts.confidence, keep: true,
  });
  const shown = requireInteger('gridImages', opts.gridImages ?? Math.min(8, set.images.length), 1, set.images.length);
  const rows: Float64Array[][] = [];
  for (let i = 0; i < shown; i++) {
    const row = [set.images[i]!];
    res.samples!.forEach((level) => {
      const s = level[i * trials]!;
      row.push(Float64Array.from(s.damaged, toPix), Float64Array.from(s.restored, toPix));
    });
    rows.push(row);
  }
  return { levels: res.levels, tolerance: tolPix, trials, evaluations: res.evaluations, grid: gridImage(rows, set.width, set.height, 1) };
}
