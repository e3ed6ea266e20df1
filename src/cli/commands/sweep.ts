/**
 * `jesd sweep <network flags; width, depth and weights may be lists> --networks K --workers W
 * --out FILE.jsonl [--resume]` (docs/cli.md; docs/sweeps.md): Monte Carlo sweep of Q(N, L)
 * over a grid of widths x depths x weight laws, on a worker pool, with a resumable JSON Lines file
 * and a summary table (or JSON with --json) on stdout.
 */
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { describeSpec, type LawSpec } from '../../spec/networkSpec.ts';
import { COUNT_PROTOCOLS, type CountProtocol } from '../../counting/protocols.ts';
import { curvesFromPoints } from '../../counting/depthCurves.ts';
import { groupBy } from '../../montecarlo/summary.ts';
import type { SweepRecord } from '../../montecarlo/records.ts';
import { runSweep } from '../../montecarlo/sweep.ts';
import type { SweepConfig } from '../../montecarlo/records.ts';
import { formatSweepTable } from '../../montecarlo/table.ts';
import { addNetworkFlags, parseChoice, parseInteger, parseNumber, parseShard, parseWorkers, resolveNetworkFlags, type NetworkFlags, type RawNetworkFlags } from '../flags.ts';
import { FlagError, log, printJson } from '../io.ts';
import { PRESETS } from '../presets.ts';

interface SweepFlags extends RawNetworkFlags {
  networks?: string; workers?: string; out?: string; resume?: boolean; force?: boolean; starts?: string;
  maxIterations?: string; tolerance?: string; maxPeriod?: string; json?: boolean; quiet?: boolean; shard?: string;
  count?: string; iterations?: string; curves?: boolean;
}

/**
 * The counting protocol flags shared by fixed-points, sweep and compare: --count P and, for
 * final-states only, --iterations T; with final-states --tolerance is the clustering tolerance.
 */
export function resolveCountFlags(raw: { count?: string; iterations?: string; tolerance?: string }): { protocol: CountProtocol; iterations?: number; clusterTolerance?: number } {
  const protocol = parseChoice('--count', raw.count ?? 'stable', COUNT_PROTOCOLS);
  if (protocol !== 'final-states') {
    if (raw.iterations !== undefined) throw new FlagError('--iterations', 'applies only with --count final-states');
    return { protocol };
  }
  const out: { protocol: CountProtocol; iterations?: number; clusterTolerance?: number } = { protocol };
  if (raw.iterations !== undefined) out.iterations = parseInteger('--iterations', raw.iterations, 1, 100_000_000);
  if (raw.tolerance !== undefined) {
    const t = parseNumber('--tolerance', raw.tolerance);
    if (!(t > 0)) throw new FlagError('--tolerance', `must be > 0, got ${raw.tolerance}`);
    out.clusterTolerance = t;
  }
  return out;
}

/** Help text of the counting protocol flags. */
export const COUNT_HELP = {
  count: `counting protocol: ${COUNT_PROTOCOLS.join('|')} (default stable = Q, the distinct stable fixed points); all = stable and unstable fixed points by Newton in pre-activation coordinates, attractors = stable fixed points plus cycles (a cycle counted once), final-states = clusters of x_T after --iterations steps at --tolerance (docs/counting.md)`,
  iterations: 'final-states: iterations T of x <- f(x) before the end points are clustered (default 1000)',
} as const;

/** Laws that take --alpha; in a --weights list, the others ignore it. */
const LAWS_WITH_ALPHA = new Set(['stable', 'pareto', 'student']);

/** Resolve the flags of `jesd sweep` into a SweepConfig; throws FlagError naming the flag. */
export function resolveSweepFlags(raw: SweepFlags): { config: SweepConfig; workers: number; flags: NetworkFlags } {
  const names = (raw.weights ?? (raw.preset !== undefined ? undefined : 'gaussian'))?.split(',').map((s) => s.trim());
  if (names !== undefined && new Set(names).size !== names.length) throw new FlagError('--weights', `lists a law twice: ${raw.weights}`);
  if (names !== undefined && names.length > 1 && raw.alpha !== undefined && !names.some((n) => LAWS_WITH_ALPHA.has(n))) {
    throw new FlagError('--alpha', `none of the laws in --weights ${raw.weights} takes alpha (stable, pareto and student do)`);
  }
  const perLaw = (names ?? [undefined]).map((name) => {
    const r: RawNetworkFlags = { ...raw, weights: name };
    if (names !== undefined && names.length > 1 && name !== undefined && !LAWS_WITH_ALPHA.has(name)) r.alpha = undefined;
    return resolveNetworkFlags(r);
  });
  const flags = perLaw[0]!;
  if (flags.widths.length === 0) throw new FlagError('--width', 'is required: a positive integer, a list 5,10,20 or a range 5..20:5');
  if (flags.depths.length === 0) throw new FlagError('--depth', 'is required: a positive integer, a list 1,2,4 or a range 1..10');
  if (new Set(flags.widths).size !== flags.widths.length) throw new FlagError('--width', `lists a width twice: ${raw.width}`);
  if (new Set(flags.depths).size !== flags.depths.length) throw new FlagError('--depth', `lists a depth twice: ${raw.depth}`);
  const biasText = JSON.stringify(flags.base.bias);
  for (const f of perLaw) {
    if (JSON.stringify(f.base.bias) !== biasText) throw new FlagError('--alpha', 'stable biases take their alpha from --alpha, which must then mean the same for every law in --weights');
  }
  const weightLaws: LawSpec[] = perLaw.map((f) => f.base.weights);
  const { weights: _w, ...base } = flags.base;
  const networks = parseInteger('--networks', raw.networks ?? '20', 1, 10_000_000);
  const workers = parseWorkers(raw.workers, raw.quiet === true);
  const starts = parseInteger('--starts', raw.starts ?? '200', 1, 10_000_000);
  const counting = resolveCountFlags(raw);
  // With final-states, --tolerance is the clustering tolerance; the search keeps its default.
  const tolerance = raw.tolerance !== undefined && counting.protocol !== 'final-states' ? parseNumber('--tolerance', raw.tolerance) : 1e-9;
  if (!(tolerance > 0)) throw new FlagError('--tolerance', `must be > 0, got ${raw.tolerance}`);
  const fixedPointOptions = {
    maxIterations: parseInteger('--max-iterations', raw.maxIterations ?? '2000', 1, 100_000_000),
    tolerance,
    maxPeriod: parseInteger('--max-period', raw.maxPeriod ?? '8', 1, 1000),
  };
  if (raw.curves && !flags.depths.includes(1)) throw new FlagError('--curves', 'needs depth 1 in --depth (a curve rises above its L = 1 value)');
  if (raw.curves && flags.depths.length < 2) throw new FlagError('--curves', 'needs at least two depths in --depth');
  if (raw.resume && raw.out === undefined) throw new FlagError('--resume', 'needs --out FILE.jsonl (the file to continue)');
  if (raw.resume && raw.force) throw new FlagError('--force', 'cannot be combined with --resume (--force starts over, --resume continues)');
  if (raw.force && raw.out === undefined) throw new FlagError('--force', 'applies only with --out FILE.jsonl (there is no file to replace)');
  const config: SweepConfig = { widths: flags.widths, depths: flags.depths, weightLaws, base, networks, starts, fixedPointOptions };
  if (counting.protocol !== 'stable') config.protocol = counting.protocol;
  if (counting.iterations !== undefined || counting.clusterTolerance !== undefined) {
    config.protocolOptions = {
      ...(counting.iterations !== undefined ? { iterations: counting.iterations } : {}),
      ...(counting.clusterTolerance !== undefined ? { clusterTolerance: counting.clusterTolerance } : {}),
    };
  }
  if (raw.shard !== undefined) {
    const units = flags.widths.length * flags.depths.length * weightLaws.length * networks;
    const { index, count } = parseShard(raw.shard);
    if (count > units) throw new FlagError('--shard', `N = ${count} is more than the ${units} networks of the sweep`);
    if (raw.out === undefined) throw new FlagError('--shard', 'needs --out FILE.jsonl (the shard\'s file, for jesd merge)');
    config.shard = { index, count };
  }
  return { config, workers, flags };
}

export function register(program: Command): void {
  const cmd = program
    .command('sweep')
    .description(
      'Monte Carlo sweep of Q (stable fixed points per network) over widths x depths x weight laws: samples --networks networks per grid point, ' +
        'runs the multistart fixed-point search on each on --workers threads, appends one JSON line per network to --out (fsync, resumable with --resume), ' +
        'then prints a summary per grid point: mean Q, standard error, quantiles, P(Q>1) and the basin shares',
    );
  addNetworkFlags(cmd, { lists: true });
  cmd
    .option('--networks <K>', 'networks sampled per grid point, an integer >= 1 (default 20)')
    .option('--workers <W>', `worker threads, an integer >= 1 (default and maximum: all cores, here ${availableParallelism()}), more are capped with a warning; 1 runs in-process`)
    .option('--out <FILE>', 'JSON Lines file, every line one finished network\'s record (appended and fsync\'ed); the run description goes to FILE.meta.json')
    .option('--resume', 'continue the run recorded in --out: parameters must match; finished networks are skipped')
    .option('--force', 'overwrite a non-empty --out (and its FILE.meta.json) instead of refusing')
    .option('--starts <S>', 'random starts of the fixed-point search per network (default 200)')
    .option('--max-iterations <T>', 'iterations of x <- f(x) per start before it counts as unsettled (default 2000)')
    .option('--tolerance <eps>', 'settling tolerance on ||x_t - x_{t-p}||_inf (default 1e-9); with --count final-states the clustering tolerance of the end points (default 1e-6)')
    .option('--max-period <P>', 'longest periodic attractor detected (default 8)')
    .option('--count <P>', COUNT_HELP.count + '; records then carry protocol and count, and a resumed run must use the same --count')
    .option('--iterations <T>', COUNT_HELP.iterations)
    .option('--shard <K/N>', 'run only shard K of N (1 <= K <= N): the networks at positions i = K-1, K-1+N, ... of the grid order; needs --out; join the N files with jesd merge (docs/cluster.md)')
    .option('--curves', 'per-network depth curves: network k at depth L is the first L layers of network k at any larger depth, so each network\'s counts over --depth (which must include 1) form one curve; prints, per width and law, the share of networks whose curve rises above its L = 1 value and above 1, then returns to 1, with a 95% Wilson interval (JSON: {summary, curves})')
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print the summary as one JSON array instead of a table')
    .addHelpText('after', [
      '',
      '--weights takes a list (e.g. gaussian,cauchy): the laws are swept side by side; --alpha then applies to stable/pareto/student only.',
      ...Object.entries(PRESETS).map(([name, p]) => `--preset ${name}: ${p.description}.`),
      'Results are identical for any --workers: network k of a grid point depends only on (seed, grid point, k). See docs/sweeps.md.',
      '',
      'Example: jesd sweep --width 10 --depth 1..6 --weights gaussian,cauchy --networks 100 --out sweep.jsonl',
    ].join('\n'))
    .action(async (raw: SweepFlags) => {
      const { config, workers, flags } = resolveSweepFlags(raw);
      const first = { N: config.widths[0]!, L: config.depths[0]!, ...config.base, weights: config.weightLaws[0]! };
      const units = config.widths.length * config.depths.length * config.weightLaws.length * config.networks;
      const intro = (info: { total: number; resumed: number }) => {
        if (raw.quiet) return;
        log(
          `jesd sweep: ${units} networks (${config.widths.length} widths x ${config.depths.length} depths x ${config.weightLaws.length} laws x ${config.networks})` +
            `${config.shard ? ` [shard ${config.shard.index}/${config.shard.count}: ${info.total} of them]` : ''}` +
            ` on ${workers} worker(s); first: ${describeSpec(first)}${flags.presetApplied ? ` [preset ${flags.presetApplied}]` : ''}` +
            `${raw.out !== undefined ? `; records -> ${raw.out}` : '; no --out: records are not saved'}` +
            `${raw.resume ? `; resumed ${info.resumed} finished networks, ${info.total - info.resumed} to go` : ''}`,
        );
      };
      // Ctrl-C / SIGTERM: every finished record is already fsync'ed; say how to continue.
      const interrupted = (signal: NodeJS.Signals) => {
        log(`\njesd sweep: interrupted by ${signal}; ${raw.out !== undefined ? `finished networks are saved in ${raw.out}; rerun the same command with --resume to continue` : 'no --out was given, nothing was saved'}`);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      };
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      let result;
      try {
        result = await runSweep(config, { out: raw.out, resume: raw.resume, force: raw.force, workers, quiet: raw.quiet, onStart: intro });
      } finally {
        process.off('SIGINT', interrupted);
        process.off('SIGTERM', interrupted);
      }
      const curves = raw.curves ? sweepCurves(result.records) : null;
      if (raw.json) {
        printJson(curves === null ? result.summary : { summary: result.summary, curves });
      } else {
        const lawOrder = config.weightLaws.map((l) => ({ weights: l.name, alpha: l.alpha ?? null, sigmaW: l.scale }));
        if (config.shard) process.stdout.write(`# shard ${config.shard.index}/${config.shard.count}: this shard's networks only; jesd merge joins the shards (docs/cluster.md)\n`);
        if (flags.presetApplied) process.stdout.write(`# preset ${flags.presetApplied}: ${PRESETS[flags.presetApplied]!.description}\n`);
        process.stdout.write(formatSweepTable(result.summary, { lawOrder }));
        for (const c of curves ?? []) {
          const w = c.riseAndReturn;
          process.stdout.write(`# depth curves (${c.protocol}), N=${c.width} ${c.weights}${c.alpha !== null ? `(alpha=${c.alpha})` : ''} sigma_w=${c.sigmaW}: ${w.successes} of ${w.trials} networks rise above their L=1 value and above 1, then return to 1 (${(100 * w.rate).toFixed(1)}%, 95% Wilson interval ${(100 * w.lower).toFixed(1)}-${(100 * w.upper).toFixed(1)}%)\n`);
        }
      }
    });
}

/**
 * Per-network depth curves of a sweep's records (src/counting/depthCurves.ts), one entry per
 * (width, weight law); the value is the record's count when the run has a protocol, else Q.
 */
export function sweepCurves(records: readonly SweepRecord[]) {
  const groups = groupBy(records, (r) => `${r.width}|${r.weights}|${r.alpha}|${r.sigmaW}`);
  return [...groups.values()].map((g) => {
    const depths = [...new Set(g.map((r) => r.depth))].sort((a, b) => a - b);
    const s = curvesFromPoints(g.map((r) => ({ network: r.network, depth: r.depth, value: r.count ?? r.Q })), depths);
    const r0 = g[0]!;
    return { width: r0.width, weights: r0.weights, alpha: r0.alpha, sigmaW: r0.sigmaW, protocol: r0.protocol ?? 'stable', ...s };
  });
}
