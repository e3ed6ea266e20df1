/**
 * Basin radius of a stable fixed point in sample space, by bisection along random directions
 * (theory/08-associative-memory.md section 8.3, (8.4)-(8.5)).
 *
 * For direction j (a unit vector u_j) the points x*(t) = x* + t u_j, 0 <= t <= tMax, are iterated
 * under f and classified by classifyStarts (src/fixedpoints/search.ts) against the fixed point x*.
 * A coarse grid t_g = g tMax / G, g = 1..G, finds the first t that does not converge back to x*;
 * bisection between it and the grid point before it (`bisectionSteps` halvings) then gives
 * r_j = the largest t known to converge back (8.4). A direction whose whole ray converges is censored
 * at r_j = tMax. The reported radius is the q-quantile of r_1..r_D (default the median), with the
 * distribution-free order-statistic interval of (8.5), and the mean with its standard error.
 *
 * Randomness: direction j of centre `tag` is drawn from stream(seed, NETWORK, net.index, DIRECTION,
 * tag, j), so the result does not depend on the order of evaluation or on the number of workers.
 */
import { InvalidSpecError, requireInteger, requirePositive } from '../errors.ts';
import type { Network } from '../network/network.ts';
import { STREAM, stream, type Rng } from '../random/rng.ts';
import { matrix } from '../types.ts';
import { classifyStarts, type FixedPoint, type FixedPointOptions } from './search.ts';

export const DIRECTION_KINDS = ['sphere', 'coordinate'] as const;
export type DirectionKind = (typeof DIRECTION_KINDS)[number];

export interface BasinRadiusOptions {
  /** Number of directions D (default 64). */
  directions?: number;
  /** 'sphere': uniform on the Euclidean unit sphere; 'coordinate': +-e_i, i and sign uniform (default sphere). */
  directionKind?: DirectionKind;
  /** Longest distance searched (default: the Euclidean diameter sqrt(N) (hi - lo) of the activation's range box). */
  tMax?: number;
  /** Coarse grid points G on (0, tMax] before bisection (default 8). */
  gridPoints?: number;
  /** Bisection halvings after the grid (default 20). */
  bisectionSteps?: number;
  /** Quantile level q of the reported radius (default 0.5, the median over directions). */
  quantile?: number;
  /** Confidence level of the order-statistic interval (default 0.95). */
  confidence?: number;
  /** Root seed of the directions (default the network's spec.seed). */
  seed?: number;
  /** Stream path component naming this centre (e.g. the index of the pattern or fixed point; default 0). */
  tag?: number;
  /** Options of the iteration that classifies each point (classifyStarts). */
  search?: FixedPointOptions;
}

export interface BasinRadius {
  /** Per-direction radii r_j (8.4), in direction order. */
  radii: number[];
  /** Directions whose whole ray up to tMax converged (r_j = tMax, censored). */
  censored: number;
  directions: number;
  directionKind: DirectionKind;
  tMax: number;
  /** Bisection resolution: every r_j is within this of the first boundary crossing found. */
  resolution: number;
  quantile: number;
  /** The q-quantile of the radii (type 7). */
  radius: number;
  /** Order-statistic confidence interval of the q-quantile (8.5); upper is tMax when censored or too few directions. */
  lower: number;
  upper: number;
  confidence: number;
  mean: number;
  /** Standard error of the mean, sd / sqrt(D) (null for D = 1). */
  meanStandardError: number | null;
  /** Map evaluations f(x) spent (batched iteration; Newton polish not included). */
  evaluations: number;
}

/** Direction j of centre `tag` (the stream layout at the top of this file). */
export function basinDirection(net: Network, kind: DirectionKind, seed: number, tag: number, j: number): Float64Array {
  return drawDirection(net.spec.N, kind, stream(seed, STREAM.NETWORK, net.index, STREAM.DIRECTION, tag, j));
}

/** A unit direction of the given kind. */
function drawDirection(N: number, kind: DirectionKind, rng: Rng): Float64Array {
  if (kind === 'sphere') return sphereDirection(N, rng);
  const u = new Float64Array(N);
  u[rng.int(N)] = rng.uniform() < 0.5 ? -1 : 1;
  return u;
}

/** A unit vector uniform on the sphere of R^n (a normalised Gaussian vector). */
export function sphereDirection(n: number, rng: Rng): Float64Array {
  const u = new Float64Array(n);
  let norm = 0;
  while (norm === 0) {
    for (let i = 0; i < n; i++) u[i] = rng.normal();
    norm = Math.hypot(...u);
  }
  for (let i = 0; i < n; i++) u[i] = u[i]! / norm;
  return u;
}

/** log C(n, k) p^k (1-p)^(n-k). */
function logBinomialPmf(n: number, k: number, p: number): number {
  let lc = 0;
  for (let i = 1; i <= k; i++) lc += Math.log((n - k + i) / i);
  return lc + (k > 0 ? k * Math.log(p) : 0) + (n - k > 0 ? (n - k) * Math.log1p(-p) : 0);
}

/**
 * Distribution-free confidence interval of the q-quantile from a sorted sample (8.5): with
 * B ~ Bin(D, q), lower = x_(l) for the largest l with P(B < l) <= (1 - c)/2, upper = x_(u) for the
 * smallest u with P(B >= u) <= (1 - c)/2 (1-based order statistics). Returns null for an end that no
 * order statistic reaches.
 */
export function quantileOrderInterval(sorted: ArrayLike<number>, q: number, confidence: number): { lower: number | null; upper: number | null } {
  const D = sorted.length;
  if (D === 0) throw new InvalidSpecError('values', 'quantile interval of an empty sample');
  const a = (1 - confidence) / 2;
  const cdf: number[] = []; // cdf[k] = P(B <= k)
  let acc = 0;
  for (let k = 0; k <= D; k++) {
    acc += Math.exp(logBinomialPmf(D, k, q));
    cdf.push(acc);
  }
  let l = 0;
  for (let cand = 1; cand <= D; cand++) if (cdf[cand - 1]! <= a) l = cand;
  let u = 0;
  for (let cand = D; cand >= 1; cand--) if (1 - cdf[cand - 1]! <= a) u = cand;
  return { lower: l >= 1 ? sorted[l - 1]! : null, upper: u >= 1 ? sorted[u - 1]! : null };
}

/**
 * The ray search of (8.4), for any outcome test: D rays t in (0, tMax], a coarse grid of G points per
 * ray finds the first t whose outcome differs from the centre's, then `steps` bisection halvings
 * between it and the grid point before it. `keeps(items)` answers, for each (ray j, distance t),
 * whether the outcome is kept (one batched call per grid pass and per halving). radii[j] is the
 * largest t known to keep the outcome; censored[j] is true when every grid point kept it (radii[j] = tMax).
 */
export function bisectRays(D: number, tMax: number, G: number, steps: number, keeps: (items: { j: number; t: number }[]) => boolean[]): { radii: Float64Array; censored: boolean[] } {
  const gridItems: { j: number; t: number }[] = [];
  for (let j = 0; j < D; j++) for (let g = 1; g <= G; g++) gridItems.push({ j, t: (g * tMax) / G });
  const ok = keeps(gridItems);
  const loT = new Float64Array(D);
  const hiT = new Float64Array(D).fill(Infinity);
  for (let j = 0; j < D; j++) {
    for (let g = 1; g <= G; g++) {
      if (!ok[j * G + g - 1]) {
        hiT[j] = (g * tMax) / G;
        loT[j] = ((g - 1) * tMax) / G;
        break;
      }
    }
    if (hiT[j] === Infinity) loT[j] = tMax;
  }
  const open = Array.from({ length: D }, (_, j) => j).filter((j) => hiT[j] !== Infinity);
  for (let s = 0; s < steps && open.length > 0; s++) {
    const mids = open.map((j) => ({ j, t: (loT[j]! + hiT[j]!) / 2 }));
    const res = keeps(mids);
    mids.forEach(({ j, t }, r) => {
      if (res[r]) loT[j] = t;
      else hiT[j] = t;
    });
  }
  return { radii: loT, censored: Array.from(hiT, (h) => h === Infinity) };
}

/** Basin radius of a stable fixed point (see the top of this file; theory/08 (8.4)-(8.5)). */
export function basinRadius(net: Network, center: FixedPoint, opts: BasinRadiusOptions = {}): BasinRadius {
  const N = net.spec.N;
  if (center.x.length !== N) throw new InvalidSpecError('center', `must have length N = ${N}, got ${center.x.length}`);
  if (!center.stable) throw new InvalidSpecError('center', `must be a stable fixed point (spectral radius ${center.spectralRadius} >= 1)`);
  const D = requireInteger('directions', opts.directions ?? 64, 1, 1_000_000);
  const kind = opts.directionKind ?? 'sphere';
  if (!(DIRECTION_KINDS as readonly string[]).includes(kind)) throw new InvalidSpecError('directionKind', `must be one of ${DIRECTION_KINDS.join('|')}, got ${JSON.stringify(kind)}`);
  const [lo, hi] = net.activation.range;
  const defaultTMax = Math.sqrt(N) * (hi - lo);
  if (opts.tMax === undefined && !Number.isFinite(defaultTMax)) throw new InvalidSpecError('tMax', `is required for an unbounded activation (${net.spec.activation})`);
  const tMax = requirePositive('tMax', opts.tMax ?? defaultTMax);
  const G = requireInteger('gridPoints', opts.gridPoints ?? 8, 1, 10_000);
  const steps = requireInteger('bisectionSteps', opts.bisectionSteps ?? 20, 0, 60);
  const q = opts.quantile ?? 0.5;
  if (!(q > 0 && q < 1)) throw new InvalidSpecError('quantile', `must be in (0, 1), got ${q}`);
  const confidence = opts.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new InvalidSpecError('confidence', `must be in (0, 1), got ${confidence}`);
  const seed = requireInteger('seed', opts.seed ?? net.spec.seed, 0);
  const tag = requireInteger('tag', opts.tag ?? 0, 0, 0xffffffff);
  const dirs: Float64Array[] = [];
  for (let j = 0; j < D; j++) dirs.push(basinDirection(net, kind, seed, tag, j));

  let evaluations = 0;
  /** Does x* + t_j u_j converge back to x*, for each (j, t_j)? One batched classification. */
  const convergesBack = (items: { j: number; t: number }[]): boolean[] => {
    if (items.length === 0) return [];
    const X = matrix(items.length, N);
    items.forEach(({ j, t }, r) => {
      const u = dirs[j]!;
      for (let i = 0; i < N; i++) X.data[r * N + i] = center.x[i]! + t * u[i]!;
    });
    const res = classifyStarts(net, X, [center], opts.search);
    evaluations += res.evaluations;
    return res.outcomes.map((o) => o.kind === 'fixed' && o.index === 0);
  };

  const { radii: rays, censored: censoredMask } = bisectRays(D, tMax, G, steps, convergesBack);
  const radii = Array.from(rays);
  const censored = censoredMask.filter(Boolean).length;
  const sorted = Float64Array.from(radii).sort();
  const h = (D - 1) * q;
  const f = Math.floor(h);
  const radius = sorted[f]! + (h - f) * (sorted[Math.min(f + 1, D - 1)]! - sorted[f]!);
  const ci = quantileOrderInterval(sorted, q, confidence);
  const mean = radii.reduce((a, b) => a + b, 0) / D;
  const sd = D > 1 ? Math.sqrt(radii.reduce((a, r) => a + (r - mean) ** 2, 0) / (D - 1)) : null;
  return {
    radii, censored, directions: D, directionKind: kind, tMax,
    resolution: tMax / G / 2 ** steps,
    quantile: q, radius,
    lower: ci.lower ?? 0, upper: ci.upper ?? tMax, confidence,
    mean, meanStandardError: sd === null ? null : sd / Math.sqrt(D),
    evaluations,
  };
}
