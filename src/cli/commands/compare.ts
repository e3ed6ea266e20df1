/**
 * `jesd compare <network flags> --depths LIST [--networks K] [--starts S] [--plot FILE.svg]`
 * (docs/cli.md; library code in src/compare/): predicted Q_pred(N0, L) (src/predict, theory/06-fixed-points.md (6.5))
 * against Monte Carlo Q(N0, L) (multistart fixed-point search on K sampled networks per depth),
 * as JSON [{ depth, predictedQ, meanQ, stderrQ, ... }] and an SVG figure.
 */
import type { Command } from 'commander';
import { compareDepths, kacRiceApplies, PREDICTIONS, type CompareOptions, type PredictionChoice } from '../../compare/depths.ts';
import { spectrumAccuracy } from '../../compare/spectrumAccuracy.ts';
import { describeSpec } from '../../spec/networkSpec.ts';
import { compareSvg } from '../../report/compareFigure.ts';
import { addNetworkFlags, parseChoice, parseInteger, parseNumberList, resolveNetworkFlags, type RawNetworkFlags } from '../flags.ts';
import { checkOutputPath, FlagError, log, printJson, writeOutputFile } from '../io.ts';
import { PRESETS } from '../presets.ts';
import { COUNT_HELP, resolveCountFlags } from './sweep.ts';

export function register(program: Command): void {
  const cmd = program
    .command('compare')
    .description('predicted Q_pred(N0, L) (population-dynamics spectrum of J J^T, theory/06 (6.5)) against Monte Carlo Q(N0, L) over depths, with standard errors.\n' +
      `--preset study sets: ${Object.entries(PRESETS.study!.flagsFor(undefined)).map(([k, v]) => `${k}=${v}`).join(' ')} (${PRESETS.study!.description})`)
    .option('--json', 'print one JSON document on stdout')
    .option('--depths <LIST>', 'depths, a list or range such as 1..40 (required)')
    .option('--networks <K>', 'sampled networks per depth (default 20)')
    .option('--starts <S>', 'random starts per network (default 100)')
    .option('--max-iterations <T>', 'iterations per start (default 1000)')
    .option('--population <P>', 'population size of the prediction (default 1000)')
    .option('--sweeps <S>', 'population sweeps per grid point (default 40)')
    .option('--replicas <R>', 'independent populations averaged per grid point; their spread is the error bar (default 3)')
    .option('--prediction <p>', `${PREDICTIONS.join('|')}: what predictedQ holds; auto = kac-rice where it applies (a bias law with a density, sigmoid|tanh|erf), else spectral-link (default auto)`)
    .option('--samples <S>', 'Kac-Rice importance draws per depth (default 16384)')
    .option('--count <P>', COUNT_HELP.count + '; the rows then carry meanCount and stderrCount beside meanQ')
    .option('--iterations <T>', COUNT_HELP.iterations)
    .option('--tolerance <eps>', 'with --count final-states: the clustering tolerance of the end points (default 1e-6)')
    .option('--plot <FILE.svg>', 'write the figure')
    .option('--network <FILE>', 'refused with a reason: compare sets theory for a law of random networks beside networks sampled from it; a trained network file is one network (use fixed-points --network and spectrum --network)')
    .option('--spectrum', 'instead of Q: compare predicted spectrum quantiles of J J^T (population and decoupled routes, and the free surrogate by Haar-rotated Monte Carlo) with Monte Carlo at each --width (a list) and depth');
  addNetworkFlags(cmd);
  cmd.action((raw: RawNetworkFlags & { json?: boolean; depths?: string; networks?: string; starts?: string; maxIterations?: string; population?: string; sweeps?: string; plot?: string; spectrum?: boolean; replicas?: string; prediction?: string; samples?: string; count?: string; iterations?: string; tolerance?: string; network?: string }) => {
    if (raw.network !== undefined) throw new FlagError('--network', 'compare puts the theory of a law of random networks beside networks sampled from that law; a network file is one trained network, with no law to sample: use `jesd fixed-points --network FILE` and `jesd spectrum --network FILE --at fixed-points`');
    if (raw.plot !== undefined) checkOutputPath('--plot', raw.plot); // before the whole computation
    if (raw.depths === undefined) throw new FlagError('--depths', 'is required (a list or range of positive integers, e.g. 1..40)');
    const depths = parseNumberList('--depths', raw.depths).map((d) => {
      if (!Number.isInteger(d) || d < 1 || d > 10_000) throw new FlagError('--depths', `must be integers in [1, 10000], got ${d}`);
      return d;
    });
    if (raw.depth !== undefined) throw new FlagError('--depth', 'does not apply to compare: give the depths with --depths LIST');
    const flags = resolveNetworkFlags({ ...raw, depth: String(depths[0]) });
    if (raw.spectrum) {
      for (const [flag, v] of [['--count', raw.count], ['--iterations', raw.iterations], ['--tolerance', raw.tolerance]] as const) {
        if (v !== undefined) throw new FlagError(flag, 'does not apply with --spectrum');
      }
      const rows = spectrumAccuracy(flags.base, flags.widths, depths, {
        ...(raw.networks !== undefined ? { networks: parseInteger('--networks', raw.networks, 1, 1_000_000) } : {}),
        populationSize: parseInteger('--population', raw.population ?? '1500', 50, 1_000_000),
        replicas: parseInteger('--replicas', raw.replicas ?? '3', 1, 1000),
        sweeps: parseInteger('--sweeps', raw.sweeps ?? '40', 4, 100_000),
        onProgress: (m) => log(m),
      });
      if (raw.json) printJson(rows);
      else {
        process.stdout.write('depth  width  route           q10        q50        q90        tail   E[ln]   p>1     |ln err| q10/q50/q90  rank err q10/q50/q90  dist(S)\n');
        for (const r of rows) {
          const e = r.logError ? `${r.logError['0.1'].toFixed(2)}/${r.logError['0.5'].toFixed(2)}/${r.logError['0.9'].toFixed(2)}` : '';
          process.stdout.write(`${String(r.depth).padStart(5)}  ${String(r.width).padStart(5)}  ${r.route.padEnd(14)}  ${r.quantiles['0.1'].toExponential(2)}  ${r.quantiles['0.5'].toExponential(2)}  ${r.quantiles['0.9'].toExponential(2)}  ${r.tailExponent.toFixed(2).padStart(5)}  ${r.meanLog.toFixed(2).padStart(6)}  ${r.fractionAboveOne.toFixed(4)}  ${e.padEnd(14)}  ${r.rankError ? `${r.rankError['0.1'].toFixed(3)}/${r.rankError['0.5'].toFixed(3)}/${r.rankError['0.9'].toFixed(3)}` : ''.padEnd(17)}     ${r.smoothedDistance !== undefined ? r.smoothedDistance.toFixed(4) : ''}\n`);
        }
      }
      return;
    }
    if (flags.widths.length === 0) throw new FlagError('--width', 'is required for compare (one positive integer), or use --preset study');
    if (flags.widths.length !== 1) throw new FlagError('--width', 'takes exactly one value for compare (or use --preset study)');
    const base = { N: flags.widths[0]!, ...flags.base };
    const counting = resolveCountFlags(raw);
    if (raw.tolerance !== undefined && counting.protocol !== 'final-states') throw new FlagError('--tolerance', 'applies only with --count final-states');
    const opts: CompareOptions = {
      protocol: counting.protocol,
      protocolOptions: { iterations: counting.iterations, clusterTolerance: counting.clusterTolerance },
      networks: parseInteger('--networks', raw.networks ?? '20', 1, 1_000_000),
      starts: parseInteger('--starts', raw.starts ?? '100', 1, 10_000_000),
      maxIterations: parseInteger('--max-iterations', raw.maxIterations ?? '1000', 1, 100_000_000),
      populationSize: parseInteger('--population', raw.population ?? '1000', 50, 1_000_000),
      sweeps: parseInteger('--sweeps', raw.sweeps ?? '40', 4, 100_000),
      replicas: parseInteger('--replicas', raw.replicas ?? '3', 1, 1000),
      prediction: parseChoice('--prediction', raw.prediction ?? 'auto', PREDICTIONS) as PredictionChoice,
      kacRiceSamples: parseInteger('--samples', raw.samples ?? '16384', 64, 1e9),
      onProgress: (m) => log(m),
    };
    if (opts.prediction === 'kac-rice' && !kacRiceApplies(base)) {
      throw new FlagError('--prediction', 'kac-rice needs a bias law with a density (--bias gaussian|cauchy|stable) and --activation sigmoid|tanh|erf');
    }
    if (raw.samples !== undefined && (opts.prediction === 'spectral-link' || !kacRiceApplies(base))) throw new FlagError('--samples', 'applies only to the Kac-Rice prediction');
    const desc = describeSpec({ ...base, L: depths[0]! });
    log(`jesd compare: ${desc}${flags.presetApplied ? ` (preset ${flags.presetApplied})` : ''}`);
    const rows = compareDepths(base, depths, opts);
    if (raw.plot !== undefined) {
      writeOutputFile('--plot', raw.plot, compareSvg(rows, `Q(N0=${base.N}, L): prediction vs Monte Carlo, ${base.weights.name}${base.weights.alpha !== undefined ? ` alpha=${base.weights.alpha}` : ''}`,
        `${desc.replace(/ L=\d+/, '')}; ${opts.networks} networks x ${opts.starts} starts per depth; predictedQ: ${rows[0]?.predictionMethod ?? ''}`));
    }
    if (raw.json) printJson(rows);
    else {
      process.stdout.write(`predictedQ: ${rows[0]?.predictionMethod === 'kac-rice' ? 'Kac-Rice E[# stable] (theory/06 (6.9)-(6.16))' : 'spectral link 1 + N0 p>1 (theory/06 (6.5))'}\n`);
      process.stdout.write('depth  predictedQ  kr s.e.  link Q  meanQ   stderrQ  E[Q|Q>0]  attractors  P(Q=0)  P(Q>1)  p>1       networks\n');
      for (const r of rows) process.stdout.write(`${String(r.depth).padStart(5)}  ${r.predictedQ.toFixed(3).padStart(10)}  ${r.kacRiceStderr !== null ? r.kacRiceStderr.toFixed(3).padStart(7) : '      -'}  ${r.spectralLinkQ.toFixed(3).padStart(6)}  ${r.meanQ.toFixed(3).padStart(6)}  ${r.stderrQ.toFixed(3).padStart(7)}  ${r.meanQGivenPositive.toFixed(3).padStart(8)}  ${r.meanAttractors.toFixed(3).padStart(10)}  ${r.pQZero.toFixed(2).padStart(6)}  ${r.pQAbove1.toFixed(2).padStart(6)}  ${r.fractionAboveOne.toExponential(2)}  ${r.networks}\n`);
      process.stdout.write(`annealed large-N count of all fixed points exp(N Sigma_ann) (theory/06 (6.26); not the quenched count): ${rows.map((r) => `L=${r.depth} ${r.annealed === null ? 'n/a' : `${r.annealed.expectedAll.toFixed(3)} (Sigma=${r.annealed.complexity.toExponential(2)}, ${r.annealed.route}${r.annealed.checkPassed ? '' : ', solve not certified'})`}`).join('; ')}\n`);
      if (opts.protocol !== 'stable') {
        process.stdout.write(`count (--count ${opts.protocol}) per network: ${rows.map((r) => `L=${r.depth} ${r.meanCount.toFixed(3)} +- ${r.stderrCount.toFixed(3)}${r.meanConvergedShare !== null ? ` (Newton converged ${(100 * r.meanConvergedShare).toFixed(1)}%)` : ''}`).join('; ')}\n`);
      }
    }
  });
}
