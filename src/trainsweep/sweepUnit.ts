/**
 * The unit of work of a training sweep (`jesd train-sweep`, docs/training.md): train network k of
 * one grid point (depth, initial law, optimiser, step budget) on its own random patterns, then
 * measure it (src/memory/measure.ts: Q, cycles, attractors, restoration from 20 % flips, the tails
 * of the weights before and after training (theory/08 (8.6)-(8.8))) and condense everything into
 * one plain-data record. Runs inside worker threads (src/montecarlo/pool.ts).
 *
 * Determinism: network k of a sweep with root seed S is exactly `jesd train --seed S+k` with the
 * grid point's flags (initial weights from stream(S+k, NETWORK, 0, LAYER, l, ...), patterns from
 * stream(S+k, DATA, 0), minibatches from stream(S+k, TRAIN, MINIBATCH, epoch)); the fixed-point
 * search and the damage draw from streams of the same seed S+k. So a record depends only on the
 * unit, never on the worker or the completion order. No timing goes into the record.
 */
import { InvalidSpecError, NonConvergenceError } from '../errors.ts';
import { measureTrainedNetwork, type TailRecord } from '../memory/measure.ts';
import type { Scaling, WeightLawName } from '../spec/networkSpec.ts';
import { meanAndSd } from '../numerics/stats.ts';
import { randomPatterns } from '../training/data.ts';
import { toNetwork } from '../training/file.ts';
import { DEFAULT_TRAIN, initNetwork, train, type InitSpec, type OptimizerName } from '../training/train.ts';
import type { ActivationName } from '../spec/networkSpec.ts';

/** Initial weight law of a grid point: law, tail index, scale sigma_w, scaling. */
export interface TrainInit {
  name: WeightLawName;
  alpha: number | null;
  scale: number;
  scaling: Scaling;
}

/** Optimiser of a grid point. batch 0 = full batch. */
export interface TrainOptimizer {
  optimizer: OptimizerName;
  lr: number;
  batch: number;
  momentum: number;
}

/** The settings every network of a training sweep shares (its grid axes aside). */
export interface TrainSweepSettings {
  width: number;
  /** Root seed: network k trains with seed + k. */
  seed: number;
  activation: ActivationName;
  /** Random patterns in {lo, hi}^N. */
  patterns: number;
  lo: number;
  hi: number;
  /** Starts of the multistart fixed-point search per network. */
  starts: number;
  /** A network "trained" when its final loss is below this. */
  lossThreshold: number;
  /** Damaged copies per pattern in the restoration check (flip 20 %). */
  restoreTrials: number;
}

/** One network of a training sweep: the shared settings and one value of each grid axis. */
export interface TrainSweepUnit extends TrainSweepSettings {
  depth: number;
  init: TrainInit;
  opt: TrainOptimizer;
  steps: number;
  /** Network index k: the training seed is seed + k. */
  network: number;
}

/** One JSON line of a training-sweep file. Numbers are finite or null (diverged runs). */
export interface TrainSweepRecord {
  width: number;
  depth: number;
  weights: WeightLawName;
  alpha: number | null;
  sigmaW: number;
  scaling: Scaling;
  optimizer: OptimizerName;
  lr: number;
  batch: number;
  momentum: number;
  steps: number;
  network: number;
  /** Training seed (root seed + network). */
  seed: number;
  patterns: number;
  starts: number;
  /** True when training stopped on a non-finite loss; the measurements are then null. */
  diverged: boolean;
  /** Step at which the loss became non-finite (diverged runs), else null. */
  divergedAt: number | null;
  /** Full-data loss (7.2) after training; null when diverged. */
  finalLoss: number | null;
  /** finalLoss below the sweep's loss threshold. */
  trained: boolean;
  Q: number | null;
  cycles: number | null;
  unsettledShare: number | null;
  /** Stored patterns that are attractors (8.1), of `patterns`. */
  attractors: number | null;
  spurious: number | null;
  /** Share of 20 %-flipped patterns restored (8.2). */
  restored20: number | null;
  /** Mean over layers of the Hill index of |W_ij| (8.6), before and after training (null if no layer had one). */
  hillBefore: number | null;
  hillAfter: number | null;
  /** Mean over layers of the CSN power-law exponent of the ESD of W^T W (8.7)-(8.8). */
  powerLawBefore: number | null;
  powerLawAfter: number | null;
}

/** Identity of a grid point (everything but the network index). */
export function trainPointKey(r: { width: number; depth: number; weights: string; alpha: number | null; sigmaW: number; scaling: string; optimizer: string; lr: number; batch: number; momentum: number; steps: number }): string {
  return `${r.weights}:${r.alpha ?? '-'}:${r.sigmaW}:${r.scaling}|${r.optimizer}:${r.lr}:${r.batch}:${r.momentum}|${r.steps}|${r.width}|${r.depth}`;
}

export function trainRecordKey(r: TrainSweepRecord): string {
  return `${trainPointKey(r)}#${r.network}`;
}

export function trainUnitKey(u: TrainSweepUnit): string {
  return `${trainPointKey(unitPointFields(u))}#${u.network}`;
}

function unitPointFields(u: TrainSweepUnit) {
  return {
    width: u.width, depth: u.depth, weights: u.init.name, alpha: u.init.alpha, sigmaW: u.init.scale, scaling: u.init.scaling,
    optimizer: u.opt.optimizer, lr: u.opt.lr, batch: u.opt.batch, momentum: u.opt.momentum, steps: u.steps,
  };
}

export function unitInitSpec(u: TrainSweepUnit): InitSpec {
  return {
    widths: Array.from({ length: u.depth + 1 }, () => u.width),
    activation: u.activation,
    weights: { name: u.init.name, scale: u.init.scale, ...(u.init.alpha !== null ? { alpha: u.init.alpha } : {}) },
    bias: null,
    scaling: u.init.scaling,
    seed: u.seed + u.network,
  };
}

/** Mean over layers of a tail statistic, null when no layer has one. */
function meanTail(tails: TailRecord[] | null, pick: (t: TailRecord) => number | null | undefined): number | null {
  if (tails === null) return null;
  const v = tails.map(pick).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return v.length === 0 ? null : meanAndSd(v).mean;
}

export function runTrainSweepUnit(u: TrainSweepUnit): TrainSweepRecord {
  const init = unitInitSpec(u);
  const seed = init.seed;
  const inputs = randomPatterns(u.patterns, u.width, u.lo, u.hi, seed);
  const base: TrainSweepRecord = {
    ...unitPointFields(u), network: u.network, seed, patterns: u.patterns, starts: u.starts,
    diverged: false, divergedAt: null, finalLoss: null, trained: false, Q: null, cycles: null, unsettledShare: null,
    attractors: null, spurious: null, restored20: null, hillBefore: null, hillAfter: null, powerLawBefore: null, powerLawAfter: null,
  };
  let res;
  try {
    res = train({
      init, inputs, targets: null, out: null, checkpointEvery: 0, resume: false,
      config: { ...DEFAULT_TRAIN, optimizer: u.opt.optimizer, lr: u.opt.lr, batch: u.opt.batch, momentum: u.opt.momentum, steps: u.steps, seed, logEvery: Math.max(1, u.steps) },
    });
  } catch (e) {
    // A diverging network is a result of the sweep (large eta / B), not a failure of it.
    if (e instanceof NonConvergenceError) {
      const step = e.diagnostics.step;
      return { ...base, diverged: true, divergedAt: typeof step === 'number' ? step : null };
    }
    throw e;
  }
  const patterns = Array.from({ length: u.patterns }, (_, p) => inputs.data.slice(p * u.width, (p + 1) * u.width));
  let m;
  try {
    m = measureTrainedNetwork(toNetwork(res.net), patterns, {
      search: { starts: u.starts, seed }, seed, basin: null, trials: u.restoreTrials,
      damages: [{ kind: 'flip', percent: 20 }], initial: toNetwork(initNetwork(init)), lo: u.lo, hi: u.hi,
    });
  } catch (e) {
    if (e instanceof InvalidSpecError) throw new NonConvergenceError(`network ${u.network} (seed ${seed}, L=${u.depth}): measurement failed: ${e.message}`);
    throw e;
  }
  return {
    ...base,
    finalLoss: res.finalLoss,
    trained: res.finalLoss < u.lossThreshold,
    Q: m.Q,
    cycles: m.cycles,
    unsettledShare: m.unsettledShare,
    attractors: m.attractors,
    spurious: m.spurious,
    restored20: m.restoration[0]!.rate,
    hillBefore: meanTail(m.tailsBefore, (t) => t.hill?.alpha),
    hillAfter: meanTail(m.tailsAfter, (t) => t.hill?.alpha),
    powerLawBefore: meanTail(m.tailsBefore, (t) => t.powerLaw?.alpha),
    powerLawAfter: meanTail(m.tailsAfter, (t) => t.powerLaw?.alpha),
  };
}
