/**
 * The unit of work of a sweep: sample network `network` of a grid point and run the multistart
 * fixed-point search on it (src/fixedpoints/search.ts; theory/02-finite-networks.md section 2.4:
 * stability by the spectral radius of Df, (2.17)-(2.19); Q = number of distinct stable fixed points),
 * then condense the result into one SweepRecord. Runs inside worker threads (see pool.ts), so it
 * takes and returns plain data only.
 *
 * Determinism: the weights come from stream(seed, NETWORK, network, LAYER, l, ...) and start k from
 * stream(seed, NETWORK, network, START, k) (network.ts, search.ts), so the record depends only on
 * the unit, never on the worker or the order of completion. No timing goes into the record.
 */
import { InvalidSpecError, NonConvergenceError } from '../errors.ts';
import { countNetwork, countsFromSearch } from '../counting/protocols.ts';
import { findFixedPoints, type FixedPointOptions } from '../fixedpoints/search.ts';
import { sampleNetwork } from '../network/network.ts';
import type { SweepRecord, SweepUnit } from './records.ts';

/** Search options a sweep may pass through (starts is separate; the seed is the spec's). */
export const SWEEP_SEARCH_OPTIONS = ['maxIterations', 'tolerance', 'dedupTolerance', 'maxPeriod', 'newtonTolerance', 'newtonProbes'] as const;

export function searchOptionsFor(unit: SweepUnit): FixedPointOptions {
  const opts: FixedPointOptions = { starts: unit.starts };
  for (const [k, v] of Object.entries(unit.fixedPointOptions)) {
    if (v === undefined) continue;
    if (!(SWEEP_SEARCH_OPTIONS as readonly string[]).includes(k)) {
      throw new InvalidSpecError('fixedPointOptions', `unknown option ${JSON.stringify(k)}; allowed: ${SWEEP_SEARCH_OPTIONS.join(', ')}`);
    }
    if (typeof v !== 'number') throw new InvalidSpecError(`fixedPointOptions.${k}`, `must be a number, got ${JSON.stringify(v)}`);
    (opts as Record<string, number>)[k] = v;
  }
  return opts;
}

export function runSweepUnit(unit: SweepUnit): SweepRecord {
  const { spec, network } = unit;
  const net = sampleNetwork(spec, network);
  const res = findFixedPoints(net, searchOptionsFor(unit));
  let shareFixed = 0, shareMarginal = 0, unstable = 0;
  let maxRho: number | null = null;
  for (const fp of res.fixedPoints) {
    if (!Number.isFinite(fp.spectralRadius)) {
      throw new NonConvergenceError(`network ${network} (N=${spec.N} L=${spec.L}): a fixed point has non-finite spectral radius`);
    }
    if (fp.stable) shareFixed += fp.basinShare;
    else {
      unstable++;
      shareMarginal += fp.basinShare;
    }
    if (maxRho === null || fp.spectralRadius > maxRho) maxRho = fp.spectralRadius;
  }
  let shareCycles = 0;
  for (const c of res.cycles) shareCycles += c.basinShare;
  // A counting protocol besides Q (src/counting/protocols.ts): attractors come from this search,
  // all and final-states run on the same network and starts.
  const protocol = unit.protocol !== undefined && unit.protocol !== 'stable' ? unit.protocol : null;
  let extra: Pick<SweepRecord, 'protocol' | 'count' | 'convergedShare'> = {};
  if (protocol === 'attractors') extra = { protocol, count: countsFromSearch(res).attractors };
  else if (protocol !== null) {
    const c = countNetwork(net, protocol, { starts: unit.starts, iterations: unit.protocolOptions?.iterations, clusterTolerance: unit.protocolOptions?.clusterTolerance });
    extra = { protocol, count: c.count, ...(c.convergedShare !== null ? { convergedShare: c.convergedShare } : {}) };
  }
  return {
    width: spec.N,
    depth: spec.L,
    weights: spec.weights.name,
    alpha: spec.weights.alpha ?? null,
    sigmaW: spec.weights.scale,
    activation: spec.activation,
    bias: spec.bias === null ? 'none' : (spec.bias.name as SweepRecord['bias']),
    sigmaB: spec.bias?.scale ?? null,
    biasAlpha: spec.bias?.alpha ?? null,
    scaling: spec.scaling,
    seed: spec.seed,
    network,
    starts: res.starts,
    Q: res.Q,
    shareFixed,
    shareCycles,
    shareUnsettled: res.unsettledShare,
    shareMarginal,
    unstableFixedPoints: unstable,
    cycles: res.cycles.length,
    maxSpectralRadius: maxRho,
    ...extra,
  };
}
