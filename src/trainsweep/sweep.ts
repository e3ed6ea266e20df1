/**
 * Training sweeps (`jesd train-sweep`, docs/training.md): over depth x initial law x optimiser x
 * step budget, train `networks` N -> N autoencoders per grid point on random {lo, hi}^N patterns and
 * measure each (./sweepUnit.ts); then summarize per grid point: mean Q +- s.e., P(Q > 1), mean final
 * loss, the share that trained (loss below a threshold), and Q among trained networks only.
 *
 * The machinery is that of `jesd sweep` (src/montecarlo/): the resumable JSON Lines store with its
 * run description (jsonlStore.ts), the worker pool (pool.ts) and the one progress helper. A unit is
 * one trained network; records depend only on (seed, grid point, network index), so the file of a
 * finished run is the same bytes for any --workers and after any resume (it is rewritten in unit
 * order at the end, as `jesd sweep` does).
 */
import { InvalidSpecError, NonConvergenceError, requireFinite, requireInteger } from '../errors.ts';
import { checkOutputPath } from '../io/files.ts';
import { openJsonlStore, stableStringify, type JsonlStore } from '../montecarlo/jsonlStore.ts';
import { defaultWorkerCount } from '../montecarlo/pool.ts';
import { runStoredUnits, type ResumableRunOptions } from '../montecarlo/storedUnits.ts';
import { groupBy } from '../montecarlo/summary.ts';
import { meanAndSd } from '../numerics/stats.ts';
import { siblingModuleUrl } from '../moduleUrl.ts';
import { ACTIVATIONS, validateLaw, type ActivationName } from '../spec/networkSpec.ts';
import { validateTrainConfig, DEFAULT_TRAIN } from '../training/train.ts';
import {
  trainPointKey, trainRecordKey, trainUnitKey,
  type TrainInit, type TrainOptimizer, type TrainSweepRecord, type TrainSweepSettings, type TrainSweepUnit,
} from './sweepUnit.ts';

export type { TrainInit, TrainOptimizer, TrainSweepRecord, TrainSweepUnit } from './sweepUnit.ts';

export const TRAIN_SWEEP_FORMAT = 'jesd-train-sweep';
export const TRAIN_SWEEP_VERSION = 1;

/** A training sweep: the shared settings and the grid axes. */
export interface TrainSweepConfig extends TrainSweepSettings {
  depths: number[];
  inits: TrainInit[];
  optimizers: TrainOptimizer[];
  /** Step budgets (a grid axis: a finished run cannot be extended, since the checkpoint key holds the steps). */
  steps: number[];
  networks: number;
}

export const DEFAULT_LOSS_THRESHOLD = 1e-3;

export function validateTrainSweepConfig(c: TrainSweepConfig): TrainSweepConfig {
  requireInteger('--width', c.width, 1, 100_000);
  if (!Array.isArray(c.depths) || c.depths.length === 0) throw new InvalidSpecError('--depth', 'needs at least one depth');
  c.depths.forEach((d) => requireInteger('--depth', d, 1, 100_000));
  if (c.inits.length === 0) throw new InvalidSpecError('--init', 'needs at least one initial law');
  c.inits.forEach((i) => validateLaw('--init', { name: i.name, scale: i.scale, ...(i.alpha !== null ? { alpha: i.alpha } : {}) }));
  if (c.optimizers.length === 0) throw new InvalidSpecError('--optimizer', 'needs at least one optimiser');
  for (const o of c.optimizers) validateTrainConfig({ ...DEFAULT_TRAIN, ...o });
  if (c.steps.length === 0) throw new InvalidSpecError('--steps', 'needs at least one step budget');
  c.steps.forEach((s) => requireInteger('--steps', s, 1, 1e9));
  requireInteger('--networks', c.networks, 1, 1_000_000);
  requireInteger('--seed', c.seed, 0);
  if (!(ACTIVATIONS as readonly string[]).includes(c.activation)) throw new InvalidSpecError('--activation', `must be one of ${ACTIVATIONS.join('|')}`);
  requireInteger('--patterns', c.patterns, 1, 1_000_000);
  requireFinite('--lo', c.lo);
  requireFinite('--hi', c.hi);
  if (!(c.lo < c.hi)) throw new InvalidSpecError('--lo', `must be below --hi (${c.lo} >= ${c.hi})`);
  requireInteger('--starts', c.starts, 1, 10_000_000);
  requireFinite('--loss-threshold', c.lossThreshold);
  if (!(c.lossThreshold > 0)) throw new InvalidSpecError('--loss-threshold', `must be > 0, got ${c.lossThreshold}`);
  requireInteger('--restore-trials', c.restoreTrials, 1, 10_000);
  const dup = (xs: unknown[], flag: string) => {
    if (new Set(xs.map((x) => stableStringify(x))).size !== xs.length) throw new InvalidSpecError(flag, 'lists a value twice');
  };
  dup(c.depths, '--depth');
  dup(c.inits, '--init');
  dup(c.optimizers, '--optimizer/--lr/--batch');
  dup(c.steps, '--steps');
  return c;
}

/** Every unit in grid order: init, optimiser, steps, depth, network. Dispatch order only. */
export function trainSweepUnits(c: TrainSweepConfig): TrainSweepUnit[] {
  const units: TrainSweepUnit[] = [];
  for (const init of c.inits) for (const opt of c.optimizers) for (const steps of c.steps) for (const depth of c.depths) {
    for (let k = 0; k < c.networks; k++) {
      units.push({
        width: c.width, depth, init, opt, steps, network: k, seed: c.seed, activation: c.activation,
        patterns: c.patterns, lo: c.lo, hi: c.hi, starts: c.starts, lossThreshold: c.lossThreshold, restoreTrials: c.restoreTrials,
      });
    }
  }
  return units;
}

/** The run description written to FILE.meta.json (every parameter that changes a record). */
export function canonicalTrainSweepConfig(c: TrainSweepConfig): TrainSweepConfig {
  return {
    width: c.width, depths: [...c.depths],
    inits: c.inits.map((i) => ({ name: i.name, alpha: i.alpha, scale: i.scale, scaling: i.scaling })),
    optimizers: c.optimizers.map((o) => ({ optimizer: o.optimizer, lr: o.lr, batch: o.batch, momentum: o.momentum })),
    steps: [...c.steps], networks: c.networks, seed: c.seed, activation: c.activation, patterns: c.patterns, lo: c.lo, hi: c.hi,
    starts: c.starts, lossThreshold: c.lossThreshold, restoreTrials: c.restoreTrials,
  };
}

const FLAG_OF: Record<keyof TrainSweepConfig, string> = {
  width: '--width', depths: '--depth', inits: '--init', optimizers: '--optimizer/--lr/--batch/--momentum', steps: '--steps', networks: '--networks',
  seed: '--seed', activation: '--activation', patterns: '--patterns', lo: '--lo', hi: '--hi', starts: '--starts',
  lossThreshold: '--loss-threshold', restoreTrials: '--restore-trials',
};

function isTrainRecord(v: unknown): v is TrainSweepRecord {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  return ['width', 'depth', 'sigmaW', 'lr', 'batch', 'momentum', 'steps', 'network', 'seed', 'patterns', 'starts'].every((f) => typeof r[f] === 'number' && Number.isFinite(r[f]))
    && typeof r.weights === 'string' && typeof r.optimizer === 'string' && typeof r.diverged === 'boolean' && typeof r.trained === 'boolean';
}

function checkFinite(r: TrainSweepRecord): void {
  for (const [k, v] of Object.entries(r)) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new NonConvergenceError(`training sweep record ${trainRecordKey(r)}: field ${k} is ${v}; not written`);
  }
}

/** One record per trained network. */
export interface RunTrainSweepOptions extends ResumableRunOptions {
  /** Passed to the pool (tests: 0 starts the worker threads at once). */
  minThreadWorkMs?: number;
  /** Passed to the pool (tests: false leaves every unit to worker threads). */
  mainThreadWorks?: boolean;
}

export interface TrainSweepResult {
  records: TrainSweepRecord[];
  summary: TrainSweepRow[];
  computed: number;
  resumed: number;
}

export const TRAIN_UNIT_MODULE = { url: siblingModuleUrl(import.meta.url, './sweepUnit'), exportName: 'runTrainSweepUnit' };

/** Run a training sweep (see the top of this file). */
export async function runTrainSweep(config: TrainSweepConfig, opts: RunTrainSweepOptions = {}): Promise<TrainSweepResult> {
  validateTrainSweepConfig(config);
  const workers = requireInteger('--workers', opts.workers ?? defaultWorkerCount(), 1, 4096);
  if (opts.resume && opts.out === undefined) throw new InvalidSpecError('--resume', 'needs an output file (--out) to resume from');
  const units = trainSweepUnits(config);
  let store: JsonlStore<TrainSweepRecord> | null = null;
  const canon = canonicalTrainSweepConfig(config);
  if (opts.out !== undefined) {
    checkOutputPath('--out', opts.out);
    store = openJsonlStore<TrainSweepRecord, TrainSweepConfig>({
      path: opts.out, format: TRAIN_SWEEP_FORMAT, version: TRAIN_SWEEP_VERSION, config: canon, label: 'jesd train-sweep',
      resume: opts.resume, force: opts.force, isRecord: isTrainRecord, keyOf: trainRecordKey, validKeys: new Set(units.map(trainUnitKey)),
      mismatch: (recorded, requested, file) => {
        const rec = (recorded ?? {}) as Record<string, unknown>;
        for (const k of Object.keys(FLAG_OF) as (keyof TrainSweepConfig)[]) {
          if (stableStringify(rec[k]) !== stableStringify(requested[k])) {
            return `${FLAG_OF[k]} differs from the run recorded in ${file} (recorded ${stableStringify(rec[k])}, requested ${stableStringify(requested[k])})`;
          }
        }
        return null;
      },
    });
  }
  try {
    const { records, computed, resumed } = await runStoredUnits<TrainSweepUnit, TrainSweepRecord>({
      units, unitKey: trainUnitKey, recordKey: trainRecordKey, store, module: TRAIN_UNIT_MODULE, workers, what: 'training sweep',
      check: checkFinite, label: 'train-sweep', quiet: opts.quiet, onStart: opts.onStart, onProgress: opts.onProgress,
      pool: { onBatch: opts.onBatch, minThreadWorkMs: opts.minThreadWorkMs, mainThreadWorks: opts.mainThreadWorks },
      slice: opts.slice,
    });
    return { records, summary: summarizeTrainSweep(records, config.lossThreshold), computed, resumed };
  } finally {
    store?.close();
  }
}

/** Summary of one grid point. Means over networks that did not diverge; nulls where no network qualifies. */
export interface TrainSweepRow {
  width: number;
  depth: number;
  weights: string;
  alpha: number | null;
  sigmaW: number;
  scaling: string;
  optimizer: string;
  lr: number;
  batch: number;
  momentum: number;
  steps: number;
  networks: number;
  diverged: number;
  meanQ: number | null;
  stderrQ: number | null;
  pQAbove1: number | null;
  meanFinalLoss: number | null;
  /** Share of all networks (diverged count as not trained) with final loss below the threshold. */
  shareTrained: number;
  lossThreshold: number;
  trainedNetworks: number;
  meanQTrained: number | null;
  stderrQTrained: number | null;
  /** Mean share of the stored patterns that are attractors. */
  shareAttractors: number | null;
  meanSpurious: number | null;
  meanRestored20: number | null;
  meanHillBefore: number | null;
  meanHillAfter: number | null;
  meanPowerLawBefore: number | null;
  meanPowerLawAfter: number | null;
}

function stats(xs: (number | null)[]): { mean: number | null; stderr: number | null } {
  const v = xs.filter((x): x is number => x !== null);
  if (v.length === 0) return { mean: null, stderr: null };
  const { mean, sd } = meanAndSd(v);
  return { mean, stderr: sd === null ? null : sd / Math.sqrt(v.length) };
}

/** Summary per grid point (records sorted by network index before any sum: order-independent). */
export function summarizeTrainSweep(records: readonly TrainSweepRecord[], lossThreshold: number): TrainSweepRow[] {
  const rows: TrainSweepRow[] = [];
  for (const g0 of groupBy(records, trainPointKey).values()) {
    const g = [...g0].sort((a, b) => a.network - b.network);
    const ok = g.filter((r) => !r.diverged);
    const trained = ok.filter((r) => r.trained);
    const q = stats(ok.map((r) => r.Q));
    const qt = stats(trained.map((r) => r.Q));
    const f = g[0]!;
    rows.push({
      width: f.width, depth: f.depth, weights: f.weights, alpha: f.alpha, sigmaW: f.sigmaW, scaling: f.scaling,
      optimizer: f.optimizer, lr: f.lr, batch: f.batch, momentum: f.momentum, steps: f.steps,
      networks: g.length, diverged: g.length - ok.length,
      meanQ: q.mean, stderrQ: q.stderr,
      pQAbove1: ok.length === 0 ? null : ok.filter((r) => (r.Q ?? 0) > 1).length / ok.length,
      meanFinalLoss: stats(ok.map((r) => r.finalLoss)).mean,
      shareTrained: trained.length / g.length, lossThreshold,
      trainedNetworks: trained.length, meanQTrained: qt.mean, stderrQTrained: qt.stderr,
      shareAttractors: stats(ok.map((r) => (r.attractors === null ? null : r.attractors / r.patterns))).mean,
      meanSpurious: stats(ok.map((r) => r.spurious)).mean,
      meanRestored20: stats(ok.map((r) => r.restored20)).mean,
      meanHillBefore: stats(ok.map((r) => r.hillBefore)).mean,
      meanHillAfter: stats(ok.map((r) => r.hillAfter)).mean,
      meanPowerLawBefore: stats(ok.map((r) => r.powerLawBefore)).mean,
      meanPowerLawAfter: stats(ok.map((r) => r.powerLawAfter)).mean,
    });
  }
  return rows;
}

/** Label of a grid point's series (everything but the depth). */
export function seriesLabel(r: Pick<TrainSweepRow, 'weights' | 'alpha' | 'sigmaW' | 'scaling' | 'optimizer' | 'lr' | 'batch' | 'momentum' | 'steps'>): string {
  const law = `${r.weights}${r.alpha !== null ? `(${r.alpha})` : ''}*${r.sigmaW}${r.scaling === 'raw' ? ' raw' : ''}`;
  const opt = `${r.optimizer} lr ${r.lr}${r.batch > 0 ? ` B ${r.batch}` : ''}${r.momentum > 0 ? ` mu ${r.momentum}` : ''}`;
  return `${law}, ${opt}, ${r.steps} steps`;
}

/**
 * The depth where Q falls back to 1 for one series (7.10): the smallest depth of the grid from which on
 * (it and every larger depth) the mean Q is <= 1.1; null when the largest depth is above 1.1.
 */
export function fallDepth(rows: readonly TrainSweepRow[]): number | null {
  const rs = [...rows].sort((a, b) => a.depth - b.depth);
  let d: number | null = null;
  for (let i = rs.length - 1; i >= 0; i--) {
    const q = rs[i]!.meanQ;
    if (q === null || q > 1.1) break;
    d = rs[i]!.depth;
  }
  return d;
}

const f3 = (v: number | null) => (v === null ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(3));
const e2 = (v: number | null) => (v === null ? '-' : v === 0 ? '0' : v.toExponential(1));

/** Plain-text tables, one block per series (init, optimiser, steps), one row per depth. */
export function formatTrainSweepTable(rows: readonly TrainSweepRow[]): string {
  if (rows.length === 0) return '(no results)\n';
  const series = groupBy(rows, (r) => seriesLabel(r));
  const out: string[] = [];
  const f = rows[0]!;
  out.push(`# N = ${f.width}; Q = stable fixed points per trained network; trained = final loss < ${f.lossThreshold}; Hill / PL = mean over layers of the Hill index of |W_ij| / power-law exponent of the ESD of W^T W, before -> after training`);
  const head = ['L', 'nets', 'div', 'mean Q', '+- s.e.', 'P(Q>1)', 'loss', 'trained', 'Q trained', 'attr', 'restored', 'Hill', 'PL'];
  const widths = [4, 5, 4, 7, 7, 6, 8, 7, 14, 5, 8, 11, 11];
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join(' ');
  for (const [label, rs] of series) {
    out.push('', `## ${label}${rs.length > 1 && fallDepth(rs) !== null ? `: mean Q <= 1.1 from L = ${fallDepth(rs)} on` : ''}`, line(head));
    for (const r of [...rs].sort((a, b) => a.depth - b.depth)) {
      out.push(line([
        String(r.depth), String(r.networks), String(r.diverged), f3(r.meanQ), f3(r.stderrQ), f3(r.pQAbove1), e2(r.meanFinalLoss), f3(r.shareTrained),
        r.trainedNetworks === 0 ? '-' : `${f3(r.meanQTrained)}+-${f3(r.stderrQTrained)}`, f3(r.shareAttractors), f3(r.meanRestored20),
        `${r.meanHillBefore === null ? '-' : r.meanHillBefore.toFixed(1)}->${r.meanHillAfter === null ? '-' : r.meanHillAfter.toFixed(1)}`,
        `${r.meanPowerLawBefore === null ? '-' : r.meanPowerLawBefore.toFixed(1)}->${r.meanPowerLawAfter === null ? '-' : r.meanPowerLawAfter.toFixed(1)}`,
      ]));
    }
  }
  return out.join('\n') + '\n';
}
