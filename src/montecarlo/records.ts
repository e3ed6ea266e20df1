/**
 * The shapes of a Monte Carlo sweep: its configuration, its units of work (one sampled network at
 * one grid point), the record each unit produces (one JSON line), and the summary per grid point.
 * Field names follow docs/cli.md (`jesd sweep`); docs/sweeps.md lists them all.
 */
import { InvalidSpecError, requireInteger } from '../errors.ts';
import { validateSpec, type BiasLawName, type LawSpec, type NetworkSpec, type WeightLawName } from '../spec/networkSpec.ts';
import { requireProtocol, type CountProtocol } from '../counting/protocols.ts';

/**
 * Options passed through to the fixed-point search (FixedPointOptions of src/fixedpoints/search.ts
 * except starts and seed). Plain JSON data; undefined values are ignored.
 */
export type SweepFixedPointOptions = Record<string, number | string | boolean | null | undefined>;

/** A sweep: the grid widths x depths x weight laws, `networks` sampled networks per grid point. */
export interface SweepConfig {
  widths: number[];
  depths: number[];
  weightLaws: LawSpec[];
  base: Omit<NetworkSpec, 'N' | 'L' | 'weights'>;
  /** Networks sampled per grid point (network indices 0 .. networks-1). */
  networks: number;
  /** Starts of the multistart fixed-point search per network. */
  starts: number;
  fixedPointOptions?: SweepFixedPointOptions;
  /**
   * Counting protocol of src/counting/protocols.ts (`jesd sweep --count`); absent or 'stable': the
   * record's Q alone. Other protocols add `protocol` and `count` to every record.
   */
  protocol?: CountProtocol;
  /** final-states: iterations T and clustering tolerance (src/counting/protocols.ts finalStates). */
  protocolOptions?: SweepProtocolOptions;
  /** Run only this slice of the units (a cluster job's share; see shardOf). */
  shard?: SweepShard;
}

/** Options of the final-states protocol (absent: the defaults of src/counting/protocols.ts). */
export interface SweepProtocolOptions {
  iterations?: number;
  clusterTolerance?: number;
}

/**
 * Shard `index` of `count` (1 <= index <= count): the units whose position i in the grid order of
 * sweepUnits (0-based) has i mod count = index - 1. Round robin rather than contiguous blocks, so
 * every shard gets the same mix of cheap and costly grid points (units grow with width and depth).
 */
export interface SweepShard {
  index: number;
  count: number;
}

/** The shard (1-based index) that unit position `i` belongs to. */
export const shardOf = (i: number, count: number): number => (i % count) + 1;

/** The units of `shard` among `units` (all of a sweep, in grid order); all of them without a shard. */
export function shardUnits<U>(units: readonly U[], shard: SweepShard | undefined): U[] {
  return shard === undefined ? [...units] : units.filter((_, i) => shardOf(i, shard.count) === shard.index);
}

/** One unit of work: network `network` of grid point (width, depth, weight law). */
export interface SweepUnit {
  spec: NetworkSpec;
  network: number;
  starts: number;
  fixedPointOptions: SweepFixedPointOptions;
  /** Counting protocol besides Q (absent: stable, Q only). */
  protocol?: CountProtocol;
  protocolOptions?: SweepProtocolOptions;
}

/** The grid point and the rest of the network spec, shared by a sweep record and its summary row. */
export interface SweepPointFields {
  width: number;
  depth: number;
  weights: WeightLawName;
  /** Weight tail index / degrees of freedom; null for laws without one. */
  alpha: number | null;
  sigmaW: number;
  activation: string;
  bias: BiasLawName;
  /** null when bias is "none". */
  sigmaB: number | null;
  scaling: string;
  seed: number;
  starts: number;
}

/** One JSON line of a sweep file: one sampled network and what its fixed-point search found. */
export interface SweepRecord extends SweepPointFields {
  /** Bias tail index (stable biases); null otherwise. */
  biasAlpha: number | null;
  /** Network index within its grid point: the network is sampleNetwork(spec, network). */
  network: number;
  /** Number of distinct stable fixed points (theory/02-finite-networks.md (2.19)). */
  Q: number;
  /** Share of starts that ended at a stable fixed point. */
  shareFixed: number;
  /** Share of starts that ended on a cycle of period >= 2. */
  shareCycles: number;
  /** Share of starts that settled nowhere within the iteration budget. */
  shareUnsettled: number;
  /**
   * Share of starts that settled on a fixed point whose polished spectral radius is >= 1
   * (marginal cases); shareFixed + shareCycles + shareUnsettled + shareMarginal = 1.
   */
  shareMarginal: number;
  /** Distinct unstable fixed points found (by Newton polish of near-stationary starts). */
  unstableFixedPoints: number;
  /** Distinct cycles found. */
  cycles: number;
  /** Largest spectral radius of Df over all fixed points found; null when none was found. */
  maxSpectralRadius: number | null;
  /** Counting protocol of `count` (src/counting/protocols.ts); absent: the run counted Q only (stable). */
  protocol?: CountProtocol;
  /** The protocol's count for this network (absent with protocol stable: it is Q). */
  count?: number;
  /** Protocol all: share of Newton starts that converged. */
  convergedShare?: number;
}

/** Summary of one grid point over its networks; the spec fields are copied from the records (the scaling is always reported). */
export interface SweepSummaryRow extends SweepPointFields {
  networks: number;
  meanQ: number;
  /** Standard error of meanQ: sample standard deviation (n-1) / sqrt(n); null when networks < 2. */
  stderrQ: number | null;
  /** Sample standard deviation of Q (n-1 denominator); null when networks < 2. */
  sdQ: number | null;
  minQ: number;
  maxQ: number;
  /** Quantiles of Q (linear interpolation between order statistics, Hyndman-Fan type 7). */
  quantilesQ: { '0.1': number; '0.5': number; '0.9': number };
  /** Fraction of networks with Q > 1. */
  pQAbove1: number;
  /** Binomial standard error of pQAbove1, sqrt(p(1-p)/n). */
  stderrPQAbove1: number;
  /** Means over networks of the record shares. */
  shareFixed: number;
  shareCycles: number;
  shareUnsettled: number;
  shareMarginal: number;
  meanUnstableFixedPoints: number;
  /** Largest spectral radius over every fixed point of every network; null when none. */
  maxSpectralRadius: number | null;
  /** Counting protocol of meanCount (present only when the records carry one). */
  protocol?: CountProtocol;
  /** Mean of the records' `count` and its standard error (null when networks < 2). */
  meanCount?: number;
  stderrCount?: number | null;
  /** Protocol all: mean share of converged Newton starts. */
  meanConvergedShare?: number;
}

/** Identity of a weight law inside a sweep (name, alpha, scale). */
export function lawKey(name: string, alpha: number | null | undefined, scale: number): string {
  return `${name}:${alpha ?? '-'}:${scale}`;
}

/** Identity of a grid point. */
export function gridKey(width: number, depth: number, law: string): string {
  return `${law}|${width}|${depth}`;
}

/** Identity of a unit / record: grid point and network index. */
export function recordKey(r: Pick<SweepRecord, 'width' | 'depth' | 'weights' | 'alpha' | 'sigmaW' | 'network'>): string {
  return `${gridKey(r.width, r.depth, lawKey(r.weights, r.alpha, r.sigmaW))}#${r.network}`;
}

/** Validate a sweep configuration; errors name the field (CLI flags map onto these names). */
export function validateSweepConfig(config: SweepConfig): SweepConfig {
  if (!Array.isArray(config.widths) || config.widths.length === 0) throw new InvalidSpecError('widths', 'needs at least one width');
  if (!Array.isArray(config.depths) || config.depths.length === 0) throw new InvalidSpecError('depths', 'needs at least one depth');
  if (!Array.isArray(config.weightLaws) || config.weightLaws.length === 0) throw new InvalidSpecError('weightLaws', 'needs at least one weight law');
  requireInteger('networks', config.networks, 1, 10_000_000);
  requireInteger('starts', config.starts, 1, 100_000_000);
  for (const w of config.widths) for (const l of config.depths) for (const law of config.weightLaws) {
    validateSpec({ N: w, L: l, ...config.base, weights: law });
  }
  const dup = (xs: unknown[], field: string) => {
    const seen = new Set(xs.map((x) => JSON.stringify(x)));
    if (seen.size !== xs.length) throw new InvalidSpecError(field, 'lists a value twice');
  };
  if (config.protocol !== undefined) requireProtocol(config.protocol);
  if (config.protocolOptions !== undefined) {
    if (config.protocol !== 'final-states') throw new InvalidSpecError('protocolOptions', 'apply only to the final-states protocol');
    if (config.protocolOptions.iterations !== undefined) requireInteger('iterations', config.protocolOptions.iterations, 1, 100_000_000);
    const tol = config.protocolOptions.clusterTolerance;
    if (tol !== undefined && !(tol > 0 && Number.isFinite(tol))) throw new InvalidSpecError('clusterTolerance', `must be a finite number > 0, got ${tol}`);
  }
  if (config.shard !== undefined) {
    const total = config.widths.length * config.depths.length * config.weightLaws.length * config.networks;
    requireInteger('shard', config.shard.count, 1, total);
    requireInteger('shard', config.shard.index, 1, config.shard.count);
  }
  dup(config.widths, 'widths');
  dup(config.depths, 'depths');
  dup(config.weightLaws.map((l) => lawKey(l.name, l.alpha, l.scale)), 'weightLaws');
  return config;
}

/**
 * Every unit of a sweep, in grid order: weight law (as listed), then width, then depth, then
 * network index. The order is only the dispatch order; results do not depend on it.
 */
export function sweepUnits(config: SweepConfig): SweepUnit[] {
  // The units of a cell share one spec object, and all units one options object (units are read,
  // never written): a worker thread receives them in one message, where a shared object is
  // serialised once (src/montecarlo/pool.ts).
  const units: SweepUnit[] = [];
  const fixedPointOptions = config.fixedPointOptions ?? {};
  const protocolOptions = config.protocolOptions === undefined ? undefined : { ...config.protocolOptions };
  for (const weights of config.weightLaws) for (const N of config.widths) for (const L of config.depths) {
    const spec = { N, L, ...config.base, weights };
    for (let k = 0; k < config.networks; k++) {
      const unit: SweepUnit = { spec, network: k, starts: config.starts, fixedPointOptions };
      if (config.protocol !== undefined && config.protocol !== 'stable') {
        unit.protocol = config.protocol;
        if (protocolOptions !== undefined) unit.protocolOptions = protocolOptions;
      }
      units.push(unit);
    }
  }
  return units;
}

/** The record key a unit will produce. */
export function unitKey(u: SweepUnit): string {
  return `${gridKey(u.spec.N, u.spec.L, lawKey(u.spec.weights.name, u.spec.weights.alpha, u.spec.weights.scale))}#${u.network}`;
}
