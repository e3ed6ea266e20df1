/**
 * One record of associative-memory measurements for an N -> N network and its stored patterns
 * (theory/08-associative-memory.md): the multistart fixed-point search (Q, cycles, unsettled starts),
 * the attractor rule (8.1), restoration per damage level (8.2)-(8.3), basin radii (8.4)-(8.5), the
 * tails of the weights (Hill (8.6), Clauset-Shalizi-Newman power-law fit of the ESD of W^T W
 * (8.7)-(8.8)), before and after training when the initial network is given, and the Jacobian
 * spectrum at the stable fixed points. Every number in the record is finite or null (JSON-safe).
 */
import { InvalidSpecError } from '../errors.ts';
import { basinRadius, type BasinRadiusOptions } from '../fixedpoints/basins.ts';
import { findFixedPoints, type FixedPointOptions } from '../fixedpoints/search.ts';
import { jacobian, type Network } from '../network/network.ts';
import { gramEigenvalues, hillTail, pooledSpectrum, powerLawFit, spectrumSummary } from '../spectra/empirical.ts';
import type { DamageSpec } from './damage.ts';
import { patternAttractors, restoration, validatePatterns, DEFAULT_PATTERN_TOLERANCE } from './restoration.ts';

export interface MeasureOptions {
  /** Fixed-point search (default: 300 starts, the study's protocol). */
  search?: FixedPointOptions;
  /** Sup-norm tolerance of the attractor and restoration rules (default 0.1). */
  tolerance?: number;
  /** Damage levels (default flip:10, flip:20, flip:30). */
  damages?: DamageSpec[];
  /** Lower and upper level of the patterns (flip target; noise clipping). Default: min and max pattern entry. */
  lo?: number;
  hi?: number;
  /** Image width for block damage. */
  width?: number;
  /** Damaged copies per pattern and level (default 10). */
  trials?: number;
  /** Basin radius options (default 16 directions); null skips the basin radii. */
  basin?: BasinRadiusOptions | null;
  /** The network before training, for the tails before vs after. */
  initial?: Network;
  /** Hill order k for the weight entries (default floor(sqrt(n))). */
  hillK?: number;
  /** Root seed of the damage and direction streams (default the network's spec.seed). */
  seed?: number;
}

export interface TailRecord {
  layer: number;
  /** Hill estimate of the tail of |W_ij| (8.6). */
  hill: { alpha: number; k: number; standardError: number } | null;
  /** CSN power-law fit of the eigenvalues of W^T W (8.7)-(8.8), density exponent. */
  powerLaw: { alpha: number; xmin: number; nTail: number; standardError: number; ksDistance: number } | null;
}

export interface MemoryRecord {
  N: number;
  L: number;
  patterns: number;
  Q: number;
  fixedPoints: number;
  cycles: number;
  unsettledShare: number;
  tolerance: number;
  /** Number of patterns that are attractors (8.1), and which. */
  attractors: number;
  attractorPatterns: boolean[];
  /** Stable fixed points farther than tolerance from every pattern. */
  spurious: number;
  restoration: { damage: string; successes: number; trials: number; rate: number; lower: number; upper: number; meanDistance: number }[];
  /** Basin radius (median over directions, with its interval) of the fixed point each attractor pattern settles on. */
  basins: { pattern: number; radius: number; lower: number; upper: number; mean: number; censored: number; directions: number; evaluations: number }[];
  tailsAfter: TailRecord[];
  tailsBefore: TailRecord[] | null;
  /** Jacobian spectrum pooled over the stable fixed points (null if none). */
  jacobianAtFixedPoints: { points: number; maxSpectralRadius: number; meanSquaredSingularValue: number; quantiles: Record<string, number>; fractionAboveOne: number } | null;
}

function finiteOrNull<T>(f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if (e instanceof InvalidSpecError) return null;
    throw e;
  }
}

/** Hill tail of the weight entries and CSN fit of the ESD of W^T W, per layer. */
export function weightTails(net: Network, hillK?: number): TailRecord[] {
  return net.weights.map((W, l) => {
    const abs = Float64Array.from(W.data, Math.abs);
    const h = finiteOrNull(() => hillTail(abs, hillK));
    const p = finiteOrNull(() => powerLawFit(gramEigenvalues(W)));
    return {
      layer: l + 1,
      hill: h === null ? null : { alpha: h.alpha, k: h.k, standardError: h.standardError },
      powerLaw: p === null ? null : { alpha: p.alpha, xmin: p.xmin, nTail: p.nTail, standardError: p.standardError, ksDistance: p.ksDistance },
    };
  });
}

/** Measure one network against its stored patterns (see the top of this file). */
export function measureTrainedNetwork(net: Network, patterns: Float64Array[], opts: MeasureOptions = {}): MemoryRecord {
  validatePatterns(net, patterns);
  const tol = opts.tolerance ?? DEFAULT_PATTERN_TOLERANCE;
  let lo = Infinity, hi = -Infinity;
  for (const p of patterns) for (const v of p) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  lo = opts.lo ?? lo;
  hi = opts.hi ?? hi;
  const search: FixedPointOptions = { starts: 300, ...opts.search };
  const seed = opts.seed ?? net.spec.seed;
  const fp = findFixedPoints(net, search);
  const stable = fp.fixedPoints.filter((f) => f.stable);
  const att = patternAttractors(net, patterns, stable, { tolerance: tol, search });
  const damages = opts.damages ?? [{ kind: 'flip', percent: 10 }, { kind: 'flip', percent: 20 }, { kind: 'flip', percent: 30 }];
  const rest = restoration(net, patterns, damages, { lo, hi, width: opts.width, trials: opts.trials ?? 10, tolerance: tol, seed, known: stable, search });
  const basins: MemoryRecord['basins'] = [];
  if (opts.basin !== null) {
    att.attractor.forEach((isAtt, k) => {
      const idx = att.fixedPointIndex[k];
      if (!isAtt || idx === null || idx === undefined) return;
      const b = basinRadius(net, stable[idx]!, { directions: 16, search, seed, ...opts.basin, tag: k });
      basins.push({ pattern: k, radius: b.radius, lower: b.lower, upper: b.upper, mean: b.mean, censored: b.censored, directions: b.directions, evaluations: b.evaluations });
    });
  }
  let jac: MemoryRecord['jacobianAtFixedPoints'] = null;
  if (stable.length > 0) {
    const pooled = pooledSpectrum(stable.map((f) => spectrumSummary(jacobian(net, f.x))));
    jac = {
      points: stable.length,
      maxSpectralRadius: Math.max(...stable.map((f) => f.spectralRadius)),
      meanSquaredSingularValue: pooled.moments[0]!,
      quantiles: pooled.quantiles,
      fractionAboveOne: pooled.fractionAboveOne,
    };
  }
  return {
    N: net.spec.N,
    L: net.weights.length,
    patterns: patterns.length,
    Q: fp.Q,
    fixedPoints: fp.fixedPoints.length,
    cycles: fp.cycles.length,
    unsettledShare: fp.unsettledShare,
    tolerance: tol,
    attractors: att.attractor.filter(Boolean).length,
    attractorPatterns: att.attractor,
    spurious: att.spurious.filter(Boolean).length,
    restoration: rest.levels.map((l) => ({ damage: l.damage, successes: l.success.successes, trials: l.success.trials, rate: l.success.rate, lower: l.success.lower, upper: l.success.upper, meanDistance: l.meanDistance })),
    basins,
    tailsAfter: weightTails(net, opts.hillK),
    tailsBefore: opts.initial ? weightTails(opts.initial, opts.hillK) : null,
    jacobianAtFixedPoints: jac,
  };
}
