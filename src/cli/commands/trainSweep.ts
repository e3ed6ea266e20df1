/**
 * `jesd train-sweep`: training experiments as a resumable, worker-independent sweep
 * (src/trainsweep/sweep.ts; docs/training.md): over depth x initial law x optimiser x step budget,
 * train --networks N -> N autoencoders per grid point on random patterns and measure each; one
 * JSON line per trained network in --out, a table per series (or JSON) on stdout.
 */
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { ACTIVATIONS, SCALINGS, WEIGHT_LAWS, type ActivationName, type Scaling, type WeightLawName } from '../../spec/networkSpec.ts';
import { groupBy } from '../../montecarlo/summary.ts';
import { DEFAULT_LOSS_THRESHOLD, fallDepth, formatTrainSweepTable, runTrainSweep, seriesLabel, type TrainInit, type TrainOptimizer, type TrainSweepConfig } from '../../trainsweep/sweep.ts';
import { OPTIMIZERS, type OptimizerName } from '../../training/train.ts';
import { parseChoice, parseInteger, parseNumber, parseNumberList, parseWorkers } from '../flags.ts';
import { FlagError, log, printJson } from '../io.ts';

interface RawFlags {
  width?: string; depth?: string; init?: string; activation?: string; optimizer?: string; lr?: string; batch?: string; momentum?: string;
  steps?: string; networks?: string; patterns?: string; lo?: string; hi?: string; starts?: string; lossThreshold?: string;
  restoreTrials?: string; seed?: string; workers?: string; out?: string; resume?: boolean; force?: boolean; quiet?: boolean; json?: boolean;
}

const INIT_RE = /^([a-z]+)(?:\(([^()]*)\))?:([^:]+)(?::([a-z]+))?$/;

/** Parse one initial-law spec LAW[(ALPHA)]:SIGMA_W[:SCALING], e.g. gaussian:4, cauchy:0.125:raw, stable(1.5):4. */
export function parseInit(text: string): TrainInit {
  const m = INIT_RE.exec(text.trim());
  if (m === null) throw new FlagError('--init', `expected LAW[(ALPHA)]:SIGMA_W[:SCALING] such as gaussian:4, cauchy:0.125:raw or stable(1.5):4, got ${JSON.stringify(text)}`);
  const name = parseChoice('--init', m[1]!, WEIGHT_LAWS) as WeightLawName;
  const alpha = m[2] !== undefined ? parseNumber('--init', m[2]) : null;
  const scale = parseNumber('--init', m[3]);
  if (!(scale > 0)) throw new FlagError('--init', `sigma_w must be > 0, got ${m[3]}`);
  const scaling = parseChoice('--init', m[4] ?? 'natural', SCALINGS) as Scaling;
  if ((name === 'stable' || name === 'pareto' || name === 'student') !== (alpha !== null)) {
    throw new FlagError('--init', `${name} ${alpha === null ? 'needs a tail index, e.g. ' + name + '(1.5):4' : 'takes no tail index'}`);
  }
  return { name, alpha, scale, scaling };
}

export function resolveTrainSweepFlags(raw: RawFlags): { config: TrainSweepConfig; workers: number } {
  if (raw.depth === undefined) throw new FlagError('--depth', 'is required: a depth, a list 1,2,4 or a range 1..8');
  const ints = (flag: string, text: string, min: number, max: number) => parseNumberList(flag, text).map((v) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new FlagError(flag, `entries must be integers in [${min}, ${max}], got ${v}`);
    return v;
  });
  const depths = ints('--depth', raw.depth, 1, 100_000);
  const inits = (raw.init ?? 'gaussian:4').split(',').map(parseInit);
  const optimizers = (raw.optimizer ?? 'adam').split(',').map((s) => parseChoice('--optimizer', s.trim(), OPTIMIZERS) as OptimizerName);
  const lrs = parseNumberList('--lr', raw.lr ?? '0.01');
  lrs.forEach((v) => { if (!(v > 0)) throw new FlagError('--lr', `entries must be > 0, got ${v}`); });
  const batches = ints('--batch', raw.batch ?? '0', 0, 1e9);
  const momentum = parseNumber('--momentum', raw.momentum ?? '0');
  const opts: TrainOptimizer[] = [];
  // gd is full-batch: it takes only the batch-size entry 0 of --batch (sgd and adam take every entry).
  if (optimizers.includes('gd') && !batches.includes(0)) throw new FlagError('--batch', 'gd is full-batch: list 0 in --batch beside the minibatch sizes, or sweep minibatches with --optimizer sgd only');
  for (const optimizer of optimizers) for (const lr of lrs) for (const batch of batches) {
    if (optimizer === 'gd' && batch !== 0) continue;
    opts.push({ optimizer, lr, batch, momentum: optimizer === 'adam' ? 0 : momentum });
  }
  if (raw.resume && raw.out === undefined) throw new FlagError('--resume', 'needs --out FILE.jsonl (the file to continue)');
  if (raw.resume && raw.force) throw new FlagError('--force', 'cannot be combined with --resume (--force starts over, --resume continues)');
  if (raw.force && raw.out === undefined) throw new FlagError('--force', 'applies only with --out FILE.jsonl');
  const config: TrainSweepConfig = {
    width: parseInteger('--width', raw.width ?? '32', 1, 100_000),
    depths,
    inits,
    optimizers: opts,
    steps: ints('--steps', raw.steps ?? '3000', 1, 1e9),
    networks: parseInteger('--networks', raw.networks ?? '10', 1, 1_000_000),
    seed: parseInteger('--seed', raw.seed ?? '1', 0),
    activation: parseChoice('--activation', raw.activation ?? 'sigmoid', ACTIVATIONS) as ActivationName,
    patterns: parseInteger('--patterns', raw.patterns ?? '10', 1, 1_000_000),
    lo: parseNumber('--lo', raw.lo ?? '0.1'),
    hi: parseNumber('--hi', raw.hi ?? '0.9'),
    starts: parseInteger('--starts', raw.starts ?? '300', 1, 10_000_000),
    lossThreshold: parseNumber('--loss-threshold', raw.lossThreshold ?? String(DEFAULT_LOSS_THRESHOLD)),
    restoreTrials: parseInteger('--restore-trials', raw.restoreTrials ?? '5', 1, 10_000),
  };
  if (!(config.lossThreshold > 0)) throw new FlagError('--loss-threshold', `must be > 0, got ${raw.lossThreshold}`);
  if (!(config.lo < config.hi)) throw new FlagError('--lo', `must be below --hi (${config.lo} >= ${config.hi})`);
  return { config, workers: parseWorkers(raw.workers, raw.quiet === true) };
}

export function register(program: Command): void {
  program
    .command('train-sweep')
    .description(
      'training experiments as a resumable sweep: over depths x initial laws x optimisers (x learning rates x batch sizes) x step budgets, train --networks ' +
        'N -> N autoencoders per grid point on random {lo,hi}^N patterns (network k is `jesd train --seed S+k`), measure each (Q from the multistart search, ' +
        'attractors, restoration from 20% flips, Hill and power-law tail indices of the weights before and after), append one JSON line per network to --out, ' +
        'and print per depth: mean Q +- s.e., P(Q>1), mean final loss, share trained, Q among trained networks',
    )
    .option('--width <N>', 'width N of every layer (default 32)')
    .option('--depth <L>', 'depths: a number, a list 1,2,4 or a range 1..8 (required)')
    .option('--init <specs>', `initial weight laws, comma-separated LAW[(ALPHA)]:SIGMA_W[:SCALING] with LAW ${WEIGHT_LAWS.join('|')} and SCALING natural (default: sigma_w / a_N) or raw, e.g. gaussian:4,cauchy:0.125:raw,stable(1.5):4 (default gaussian:4)`)
    .option('--activation <name>', `${ACTIVATIONS.join('|')} on every layer (default sigmoid)`)
    .option('--optimizer <list>', `optimisers ${OPTIMIZERS.join('|')}, comma-separated (default adam)`)
    .option('--lr <list>', 'learning rates, a number or a list (default 0.01)')
    .option('--batch <list>', 'minibatch sizes (0 = full batch), a number or a list (default 0); gd takes only the entry 0')
    .option('--momentum <mu>', 'heavy-ball momentum in [0, 1) for gd and sgd (default 0)')
    .option('--steps <list>', 'step budgets, a number or a list such as 3000,12000,48000 (default 3000)')
    .option('--networks <K>', 'networks per grid point (default 10)')
    .option('--patterns <P>', 'random patterns per network (default 10)')
    .option('--lo <a>', 'low pattern level (default 0.1)')
    .option('--hi <b>', 'high pattern level (default 0.9)')
    .option('--starts <S>', 'starts of the fixed-point search per network (default 300)')
    .option('--loss-threshold <e>', `a network counts as trained when its final loss is below this (default ${DEFAULT_LOSS_THRESHOLD})`)
    .option('--restore-trials <T>', 'damaged copies per pattern in the 20%-flip restoration check (default 5)')
    .option('--seed <S>', 'root seed: network k trains with seed S+k (default 1)')
    .option('--workers <W>', `worker threads (default and maximum: all cores, here ${availableParallelism()}); results do not depend on it`)
    .option('--out <FILE>', 'JSON Lines file, one line per trained network (appended and fsync\'ed); run description in FILE.meta.json')
    .option('--resume', 'continue the run recorded in --out (same flags); finished networks are skipped')
    .option('--force', 'overwrite a non-empty --out instead of refusing')
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print {"summary": rows, "fallDepths": [...]} as one JSON document instead of tables')
    .addHelpText('after', [
      '',
      'A step budget is a grid axis: a finished training run is not extended (each budget is its own run).',
      'Example (does the depth where Q falls back to 1 move with the budget?):',
      '  jesd train-sweep --width 32 --depth 8,12,16,24 --steps 3000,12000 --networks 4 --out budget.jsonl',
    ].join('\n'))
    .action(async (raw: RawFlags) => {
      const { config, workers } = resolveTrainSweepFlags(raw);
      const units = config.depths.length * config.inits.length * config.optimizers.length * config.steps.length * config.networks;
      const interrupted = (signal: NodeJS.Signals) => {
        log(`\njesd train-sweep: interrupted by ${signal}; ${raw.out !== undefined ? `finished networks are saved in ${raw.out}; rerun the same command with --resume to continue` : 'no --out was given, nothing was saved'}`);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      };
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      let result;
      try {
        result = await runTrainSweep(config, {
          out: raw.out, resume: raw.resume, force: raw.force, workers, quiet: raw.quiet,
          onStart: (info) => {
            if (!raw.quiet) log(`jesd train-sweep: ${units} networks on ${workers} worker(s)${raw.out !== undefined ? `; records -> ${raw.out}` : '; no --out: records are not saved'}${raw.resume ? `; resumed ${info.resumed}, ${info.total - info.resumed} to go` : ''}`);
          },
        });
      } finally {
        process.off('SIGINT', interrupted);
        process.off('SIGTERM', interrupted);
      }
      const fallDepths = [...groupBy(result.summary, (r) => seriesLabel(r)).entries()].map(([series, rows]) => ({ series, fallDepth: fallDepth(rows) }));
      if (raw.json) printJson({ summary: result.summary, fallDepths });
      else process.stdout.write(formatTrainSweepTable(result.summary));
    });
}
