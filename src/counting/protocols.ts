/**
 * Four ways to count the fixed points of one sampled network, chosen by `--count` in
 * `jesd fixed-points`, `jesd sweep` and `jesd compare` (theory/06-fixed-points.md section 6.8,
 * (6.17)-(6.20)):
 *
 * - stable: the distinct stable fixed points (rho(Df(x*)) < 1) of the multistart search
 *   (src/fixedpoints/search.ts): Q of (6.1);
 * - all: the distinct fixed points, stable and unstable, by Newton on c(u) = b_L in the last layer's
 *   pre-activation coordinates from many starts (src/fixedpoints/newtonAll.ts, (6.16)), with the share
 *   of starts whose Newton run converged (a lower bound: a fixed point no start reaches is missed);
 * - attractors: the distinct attractors the multistart search reaches: stable fixed points plus
 *   periodic cycles, a cycle of any period counted once (the search de-duplicates cycles by a common
 *   orbit point);
 * - final-states: the naive protocol: iterate x <- f(x) exactly T times from every start and count
 *   the clusters of the end points x_T, two end points being in one cluster when a chain of end points
 *   links them with inf-norm steps below the tolerance (single linkage, so the count does not depend
 *   on the order of the starts). A stable p-cycle shows up as up to p clusters, and a run that has
 *   not settled after T steps as a cluster of its own.
 *
 * The starts of the stable, attractors and final-states protocols are the multistart search's:
 * start k of network `index` is stream(seed, NETWORK, index, START, k), uniform in the activation's
 * image box; so the three protocols see the same starts. The all protocol draws its Newton starts
 * from stream(seed, NETWORK, index, NEWTON_START, k) (newtonAll.ts).
 */
import { InvalidSpecError, requireInteger, requirePositive } from '../errors.ts';
import { newtonAllFixedPoints } from '../fixedpoints/newtonAll.ts';
import { findFixedPoints, type FixedPointOptions, type FixedPointResult } from '../fixedpoints/search.ts';
import { forwardBatch, randomInput, type Network } from '../network/network.ts';
import { STREAM, stream } from '../random/rng.ts';
import { matrix } from '../types.ts';

export const COUNT_PROTOCOLS = ['stable', 'all', 'attractors', 'final-states'] as const;
export type CountProtocol = (typeof COUNT_PROTOCOLS)[number];

/** Default iterations T of the final-states protocol. */
export const FINAL_STATES_ITERATIONS = 1000;
/** Default clustering tolerance of the final-states protocol (inf-norm). */
export const FINAL_STATES_TOLERANCE = 1e-6;

export interface ProtocolOptions {
  /** Starts of every protocol (default 200): search starts, Newton starts, or iterated starts. */
  starts?: number;
  /** Root seed of the starts (default: the network's spec.seed). */
  seed?: number;
  /** Options of the multistart search (stable, attractors) besides starts and seed. */
  search?: Omit<FixedPointOptions, 'starts' | 'seed'>;
  /** final-states: iterations T (default FINAL_STATES_ITERATIONS). */
  iterations?: number;
  /** final-states: clustering tolerance (default FINAL_STATES_TOLERANCE). */
  clusterTolerance?: number;
}

export interface ProtocolCount {
  protocol: CountProtocol;
  /** The count the protocol defines (see the top of this file). */
  count: number;
  starts: number;
  /** all: share of Newton starts that converged; null for the other protocols. */
  convergedShare: number | null;
  /** all: how many of the fixed points found are stable; stable/attractors: Q; final-states: null. */
  stable: number | null;
  /** attractors: cycles among the attractors; null otherwise. */
  cycles: number | null;
  /** final-states: starts whose iterates overflowed (unbounded activations; not clustered); null otherwise. */
  divergedStarts: number | null;
}

export function requireProtocol(protocol: string): CountProtocol {
  if (!(COUNT_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new InvalidSpecError('count', `must be one of ${COUNT_PROTOCOLS.join('|')}, got ${JSON.stringify(protocol)}`);
  }
  return protocol as CountProtocol;
}

/** The counts of the stable and attractors protocols from one multistart search result. */
export function countsFromSearch(res: FixedPointResult): { stable: number; attractors: number; cycles: number } {
  return { stable: res.Q, attractors: res.Q + res.cycles.length, cycles: res.cycles.length };
}

/** Number of connected components of the graph "inf-norm distance < tol" on the points (single linkage). */
export function clusterCount(points: readonly Float64Array[], tol: number): number {
  const n = points.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  let components = n;
  for (let i = 0; i < n; i++) {
    const a = points[i]!;
    for (let j = i + 1; j < n; j++) {
      const b = points[j]!;
      let close = true;
      for (let k = 0; k < a.length; k++) {
        if (!(Math.abs(a[k]! - b[k]!) < tol)) {
          close = false;
          break;
        }
      }
      if (!close) continue;
      const ri = find(i), rj = find(j);
      if (ri !== rj) {
        parent[ri] = rj;
        components--;
      }
    }
  }
  return components;
}

/**
 * The final-states protocol (6.20): iterate every start T times (batched by forwardBatch) and count
 * the clusters of the end points. Starts are the multistart search's starts.
 */
export function finalStates(net: Network, opts: { starts?: number; seed?: number; iterations?: number; tolerance?: number } = {}): { clusters: number; starts: number; divergedStarts: number; finals: Float64Array[] } {
  const S = requireInteger('starts', opts.starts ?? 200, 1, 10_000_000);
  const seed = requireInteger('seed', opts.seed ?? net.spec.seed, 0);
  const T = requireInteger('iterations', opts.iterations ?? FINAL_STATES_ITERATIONS, 1, 100_000_000);
  const tol = requirePositive('clusterTolerance', opts.tolerance ?? FINAL_STATES_TOLERANCE);
  const N = net.spec.N;
  let X = matrix(S, N);
  for (let k = 0; k < S; k++) X.data.set(randomInput(net, stream(seed, STREAM.NETWORK, net.index, STREAM.START, k)), k * N);
  for (let t = 0; t < T; t++) X = forwardBatch(net, X);
  const finals: Float64Array[] = [];
  let diverged = 0;
  for (let k = 0; k < S; k++) {
    const x = X.data.slice(k * N, (k + 1) * N);
    if (x.every(Number.isFinite)) finals.push(x);
    else diverged++;
  }
  return { clusters: clusterCount(finals, tol), starts: S, divergedStarts: diverged, finals };
}

/** Count the fixed points of one network by `protocol` (see the top of this file). */
export function countNetwork(net: Network, protocol: CountProtocol, opts: ProtocolOptions = {}): ProtocolCount {
  requireProtocol(protocol);
  const starts = requireInteger('starts', opts.starts ?? 200, 1, 10_000_000);
  const seed = opts.seed ?? net.spec.seed;
  const none = { convergedShare: null, stable: null, cycles: null, divergedStarts: null };
  if (protocol === 'all') {
    const r = newtonAllFixedPoints(net, { starts, seed });
    return { ...none, protocol, count: r.all, starts, convergedShare: r.convergedShare, stable: r.stable };
  }
  if (protocol === 'final-states') {
    const r = finalStates(net, { starts, seed, iterations: opts.iterations, tolerance: opts.clusterTolerance });
    return { ...none, protocol, count: r.clusters, starts, divergedStarts: r.divergedStarts };
  }
  const res = findFixedPoints(net, { ...opts.search, starts, seed });
  const c = countsFromSearch(res);
  return protocol === 'stable'
    ? { ...none, protocol, count: c.stable, starts, stable: c.stable }
    : { ...none, protocol, count: c.attractors, starts, stable: c.stable, cycles: c.cycles };
}
