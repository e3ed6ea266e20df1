/**
 * A cheap deterministic stand-in for the fixed-point unit, with the same input and record shape.
 * It exercises the sweep machinery (pool, store, resume, summary) without the cost of real
 * fixed-point searches: tests use it, and bench/ can use it to measure the pool's overhead.
 * Its numbers mean nothing physically: Q = 1 + (number of 3 uniforms below 0.3), shares from
 * uniforms, all drawn from stream(seed, SAMPLE, N, L, law index, network) so a record depends only
 * on (seed, grid point, network) like the real unit. `fixedPointOptions.delayMs` (number) makes
 * each unit busy-wait that long (for interruption tests); `fixedPointOptions.mainThreadDelayMs`
 * only when the unit runs on the main thread (pool tests: a slow main thread leaves units to the
 * worker threads whatever the machine's load).
 */
import { isMainThread } from 'node:worker_threads';
import { requireInteger } from '../errors.ts';
import { stream, STREAM } from '../random/rng.ts';
import { WEIGHT_LAWS } from '../spec/networkSpec.ts';
import type { SweepRecord, SweepUnit } from './records.ts';

export function syntheticSweepUnit(unit: SweepUnit): SweepRecord {
  const { spec, network } = unit;
  requireInteger('network', network, 0, 0xffffffff);
  const lawIndex = WEIGHT_LAWS.indexOf(spec.weights.name);
  const rng = stream(spec.seed, STREAM.SAMPLE, spec.N, spec.L, lawIndex, Math.round((spec.weights.alpha ?? 0) * 1000), network);
  let Q = 1;
  for (let i = 0; i < 3; i++) if (rng.uniform() < 0.3) Q++;
  const a = rng.uniform(), b = rng.uniform();
  const shareCycles = 0.2 * a;
  const shareUnsettled = 0.1 * b;
  const delay = Number(unit.fixedPointOptions.delayMs ?? 0) + (isMainThread ? Number(unit.fixedPointOptions.mainThreadDelayMs ?? 0) : 0);
  if (delay > 0) {
    const until = Date.now() + delay;
    while (Date.now() < until) { /* busy wait: simulates work that occupies a core */ }
  }
  return {
    width: spec.N, depth: spec.L, weights: spec.weights.name, alpha: spec.weights.alpha ?? null, sigmaW: spec.weights.scale,
    activation: spec.activation, bias: spec.bias === null ? 'none' : (spec.bias.name as SweepRecord['bias']),
    sigmaB: spec.bias?.scale ?? null, biasAlpha: spec.bias?.alpha ?? null, scaling: spec.scaling, seed: spec.seed,
    network, starts: unit.starts, Q, shareFixed: 1 - shareCycles - shareUnsettled, shareCycles, shareUnsettled, shareMarginal: 0,
    unstableFixedPoints: rng.int(3), cycles: shareCycles > 0.1 ? 1 : 0, maxSpectralRadius: 0.5 + rng.uniform(),
  };
}
