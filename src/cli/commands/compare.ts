/**
 * `jesd compare <network flags> --depths LIST [--networks K] [--starts S] [--plot FILE.svg]`
 * (docs/cli.md): predicted Q_pred(N0, L) (src/predict, theory/06-fixed-points.md (6.5))
 * against Monte Carlo Q(N0, L) (multistart fixed-point search on K sampled networks per depth),
 * as JSON [{ depth, predictedQ, meanQ, stderrQ, ... }] and an SVG figure.
 */
import type { Command } from 'commander';
import { InvalidSpecError, NonConvergenceError } from '../../errors.ts';
import { findFixedPoints } from '../../fixedpoints/search.ts';
import { annealedComplexity, annealedFromHeavySpectrum, type AnnealedComplexity } from '../../counting/annealed.ts';
import { takesLightRoute } from '../../jacobian/index.ts';
import { countNetwork, countsFromSearch, type CountProtocol, type ProtocolOptions } from '../../counting/protocols.ts';
import { jacobian, randomInput, sampleNetwork } from '../../network/network.ts';
import { describeSpec, type NetworkSpec } from '../../network/spec.ts';
import { predictQ } from '../../predict/qPrediction.ts';
import { kacRice } from '../../counting/kacRice.ts';
import { INVERTIBLE } from '../../fixedpoints/newtonAll.ts';
import { smoothedObservables, solveHeavySpectrum, type HeavyRoute } from '../../jacobian/heavy.ts';
import { freeSurrogateSquaredSingularValues } from '../../jacobian/freeSurrogate.ts';
import { linalg } from '../../linalg/index.ts';
import { meanAndSd } from '../../montecarlo/summary.ts';
import { stream } from '../../random/rng.ts';
import { empiricalCdf, hillTailIndex } from '../../spectra/empirical.ts';
import { linePlot } from '../../report/svg.ts';
import { addNetworkFlags, parseChoice, parseInteger, parseNumberList, resolveNetworkFlags, type RawNetworkFlags } from '../flags.ts';
import { checkOutputPath, FlagError, log, printJson, writeOutputFile } from '../io.ts';
import { PRESETS } from '../presets.ts';
import { COUNT_HELP, resolveCountFlags } from './sweep.ts';

/** Which prediction `predictedQ` holds: the Kac-Rice estimate of E[# stable fixed points] (theory/06 (6.9)-(6.16), exact at finite N) or the spectral link Q = 1 + N0 p_{>1} (6.5), a hypothesis that fails the Gaussian control. */
export const PREDICTIONS = ['auto', 'kac-rice', 'spectral-link'] as const;
export type PredictionChoice = (typeof PREDICTIONS)[number];

export interface CompareRow {
  depth: number;
  /** The chosen prediction (`predictionMethod`). */
  predictedQ: number;
  predictionMethod: 'kac-rice' | 'spectral-link';
  /** Kac-Rice E[# stable fixed points] with its standard error and Kish ESS (null where it does not apply: no bias density, a non-invertible activation, or --prediction spectral-link). */
  kacRiceQ: number | null;
  kacRiceStderr: number | null;
  kacRiceEss: number | null;
  /** The spectral link 1 + N0 p_{>1} (6.5). */
  spectralLinkQ: number;
  meanQ: number;
  stderrQ: number;
  fractionAboveOne: number;
  pQAbove1: number;
  meanUnsettledShare: number;
  meanCycles: number;
  /** Mean Q over the networks with at least one stable fixed point, and its standard error. */
  meanQGivenPositive: number;
  stderrQGivenPositive: number;
  /** P(Q = 0): networks whose starts all end on cycles (or do not settle). */
  pQZero: number;
  /** Mean number of attractors (stable fixed points + stable cycles) per network, and its standard error. */
  meanAttractors: number;
  stderrAttractors: number;
  networks: number;
  failedNetworks: number;
  predictionConverged: boolean;
  /** Counting protocol of meanCount (--count; src/counting/protocols.ts). */
  protocol: CountProtocol;
  /** Mean count per network by `protocol` and its standard error (stable: meanQ). */
  meanCount: number;
  stderrCount: number;
  /** Protocol all: mean share of Newton starts that converged; null otherwise. */
  meanConvergedShare: number | null;
  /**
   * Annealed large-N complexity (1/N) log E[# fixed points] (theory/06 (6.22)-(6.26)), labelled
   * annealed: `complexity`, `expectedAll` = exp(N complexity), the route (light: free probability;
   * heavy: the population law behind spectralLinkQ) and its self-check; null where no route applies
   * (a light-tailed law with non-Gaussian biases).
   */
  annealed: (Pick<AnnealedComplexity, 'complexity' | 'expectedAll' | 'route' | 'label'> & { checkPassed: boolean }) | null;
}

export interface CompareOptions {
  networks: number; starts: number; maxIterations: number; populationSize: number; sweeps: number; replicas?: number; prediction?: PredictionChoice; kacRiceSamples?: number; onProgress?: (msg: string) => void;
  /** Counting protocol of meanCount (default stable) and its final-states options. */
  protocol?: CountProtocol;
  protocolOptions?: Pick<ProtocolOptions, 'iterations' | 'clusterTolerance'>;
}

/** Kac-Rice needs an invertible activation (fixed points in its image) and a last bias with a density (theory/06 section 6.6). */
export function kacRiceApplies(spec: Omit<NetworkSpec, 'L'>): boolean {
  return spec.bias !== null && (INVERTIBLE as readonly string[]).includes(spec.activation);
}

/** Monte Carlo and predicted Q over depths (theory/06-fixed-points.md (6.1), (6.5)). */
export function compareDepths(base: Omit<NetworkSpec, 'L'>, depths: number[], opts: CompareOptions): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const L of depths) {
    const spec: NetworkSpec = { ...base, L };
    const qs: number[] = [], att: number[] = [], counts: number[] = [], conv: number[] = [];
    const protocol = opts.protocol ?? 'stable';
    let failed = 0, uns = 0, cyc = 0;
    for (let k = 0; k < opts.networks; k++) {
      try {
        const net = sampleNetwork(spec, k);
        const r = findFixedPoints(net, { starts: opts.starts, maxIterations: opts.maxIterations });
        let c: number;
        if (protocol === 'stable' || protocol === 'attractors') c = protocol === 'stable' ? r.Q : countsFromSearch(r).attractors;
        else {
          const pc = countNetwork(net, protocol, { starts: opts.starts, ...opts.protocolOptions });
          c = pc.count;
          if (pc.convergedShare !== null) conv.push(pc.convergedShare);
        }
        qs.push(r.Q); att.push(r.Q + r.cycles.length); uns += r.unsettledShare; cyc += r.cycles.length; counts.push(c);
      } catch (e) {
        failed++; // a network whose search failed is excluded and counted, never silently kept
        opts.onProgress?.(`depth ${L} network ${k}: search failed: ${(e as Error).message}`);
      }
    }
    const n = qs.length;
    const { mean, sd } = n > 0 ? meanAndSd(qs) : { mean: 0, sd: null };
    const pos = qs.filter((q) => q > 0);
    const cond = pos.length > 0 ? meanAndSd(pos) : { mean: 0, sd: null };
    const attr = n > 0 ? meanAndSd(att) : { mean: 0, sd: null };
    const cnt = n > 0 ? meanAndSd(counts) : { mean: 0, sd: null };
    const pred = predictQ(spec, { populationSize: opts.populationSize, sweeps: opts.sweeps, seed: spec.seed, ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}) });
    let ann: AnnealedComplexity | null = null;
    try {
      ann = takesLightRoute(spec.weights) ? annealedComplexity(spec) : annealedFromHeavySpectrum(spec.N, pred.spectrum);
    } catch (e) {
      if (!(e instanceof InvalidSpecError)) throw e;
    }
    const choice = opts.prediction ?? 'auto';
    const kr = choice !== 'spectral-link' && kacRiceApplies(spec) ? kacRice(spec, { samples: opts.kacRiceSamples ?? 16384 }) : null;
    rows.push({
      depth: L, predictedQ: kr ? kr.stable.mean : pred.predictedQ, predictionMethod: kr ? 'kac-rice' : 'spectral-link',
      kacRiceQ: kr ? kr.stable.mean : null, kacRiceStderr: kr ? kr.stable.stderr : null, kacRiceEss: kr ? kr.essStable : null,
      spectralLinkQ: pred.predictedQ, meanQ: mean, stderrQ: sd !== null ? sd / Math.sqrt(n) : 0,
      fractionAboveOne: pred.fractionAboveOne, pQAbove1: n > 0 ? qs.filter((q) => q > 1).length / n : 0,
      meanUnsettledShare: n > 0 ? uns / n : 0, meanCycles: n > 0 ? cyc / n : 0,
      meanQGivenPositive: cond.mean, stderrQGivenPositive: cond.sd !== null ? cond.sd / Math.sqrt(pos.length) : 0,
      pQZero: n > 0 ? (n - pos.length) / n : 0,
      meanAttractors: attr.mean, stderrAttractors: attr.sd !== null ? attr.sd / Math.sqrt(n) : 0,
      networks: n, failedNetworks: failed, predictionConverged: pred.diagnostics.converged,
      protocol, meanCount: cnt.mean, stderrCount: cnt.sd !== null ? cnt.sd / Math.sqrt(n) : 0,
      meanConvergedShare: conv.length > 0 ? meanAndSd(conv).mean : null,
      annealed: ann === null ? null : { complexity: ann.complexity, expectedAll: ann.expectedAll, route: ann.route, label: ann.label, checkPassed: ann.check.passed },
    });
    opts.onProgress?.(`depth ${L}: meanQ ${mean.toFixed(3)} predictedQ ${rows[rows.length - 1]!.predictedQ.toFixed(3)} (${rows[rows.length - 1]!.predictionMethod})`);
  }
  return rows;
}

export function compareSvg(rows: CompareRow[], title: string, caption: string): string {
  const x = rows.map((r) => r.depth);
  return linePlot([
    { name: 'Monte Carlo mean Q (+- 1 s.e.)', x, y: rows.map((r) => r.meanQ), yErr: rows.map((r) => r.stderrQ), mode: 'both' },
    { name: 'Monte Carlo E[Q | Q >= 1] (+- 1 s.e.)', x, y: rows.map((r) => r.meanQGivenPositive), yErr: rows.map((r) => r.stderrQGivenPositive), mode: 'both' },
    { name: 'Monte Carlo attractors (fixed points + cycles)', x, y: rows.map((r) => r.meanAttractors), yErr: rows.map((r) => r.stderrAttractors), mode: 'both' },
    ...(rows.some((r) => r.kacRiceQ !== null)
      ? [{ name: 'Kac-Rice E[# stable fixed points] (theory/06 (6.9)-(6.16), +- 1 s.e.)', x, y: rows.map((r) => r.kacRiceQ ?? NaN), yErr: rows.map((r) => r.kacRiceStderr ?? 0), mode: 'both' as const }]
      : []),
    { name: 'spectral link 1 + N0 p>1 (theory/06 (6.5), a hypothesis)', x, y: rows.map((r) => r.spectralLinkQ), mode: 'line', dashed: true },
  ], { title, xLabel: 'depth L', yLabel: 'stable fixed points / attractors per network', caption, referenceLines: [{ y: 1, label: 'Q = 1' }] });
}

export interface SpectrumAccuracyRow {
  depth: number;
  width: number;
  route: HeavyRoute | 'monte-carlo' | 'free-surrogate';
  quantiles: { '0.1': number; '0.5': number; '0.9': number };
  tailExponent: number;
  meanLog: number;
  fractionAboveOne: number;
  /** |ln(q_route / q_MC)| per quantile (absent for the Monte Carlo row). */
  logError?: { '0.1': number; '0.5': number; '0.9': number };
  samples?: number;
  failedNetworks?: number;
  massOnGrid?: number;
  /**
   * Inversion-free distance (theory (5.51)): max over the evaluation radii r of
   * |S_route(r) - S_MC(r)|, S(r) = E[r^2 / (r^2 + lambda^2)] (absent for the Monte Carlo row).
   */
  smoothedDistance?: number;
  /** Largest replica standard error of the route's S(r). */
  replicaError?: number;
  /**
   * Rank error per quantile: |F_MC(q_route(p)) - p|, the Monte Carlo CDF at the predicted quantile
   * minus its level (absent for the Monte Carlo row). Well conditioned where the law of ln lambda
   * is flat (the lower tail), unlike the log error.
   */
  rankError?: { '0.1': number; '0.5': number; '0.9': number };
}

/**
 * Monte Carlo squared singular values of J at a point uniform in the activation box, pooled over
 * networks; tail exponent by the Hill estimator on the top 2 percent (theory/05 (5.52) compares to it).
 */
export function monteCarloSpectrum(spec: NetworkSpec, networks: number, sampler?: (spec: NetworkSpec, k: number) => Float64Array): { quantiles: SpectrumAccuracyRow['quantiles']; tailExponent: number; meanLog: number; fractionAboveOne: number; samples: number; failedNetworks: number; lambdas: Float64Array } {
  const all: number[] = [];
  let failed = 0;
  for (let k = 0; k < networks; k++) {
    let lams: Float64Array;
    try {
      if (sampler !== undefined) lams = sampler(spec, k);
      else {
        const net = sampleNetwork(spec, k);
        const x = randomInput(net, stream(spec.seed, 0x5bec, k));
        lams = linalg().singularValues(jacobian(net, x)).map((sv) => Math.max(sv * sv, Number.MIN_VALUE));
      }
    } catch (e) {
      // a failed SVD is skipped and counted, never silently replaced
      failed++;
      continue;
    }
    for (const v of lams) all.push(v);
  }
  if (all.length === 0) throw new NonConvergenceError(`Monte Carlo spectrum: every SVD failed (${failed} networks)`, { failed });
  all.sort((a, b) => a - b);
  const q = (p: number) => all[Math.floor(p * (all.length - 1))]!;
  const k = Math.max(5, Math.floor(all.length * 0.02));
  let tailExponent = -1; // -1: undefined (the k largest values are all equal)
  try {
    tailExponent = hillTailIndex(all, k);
  } catch (e) {
    if (!(e instanceof InvalidSpecError)) throw e;
  }
  return {
    quantiles: { '0.1': q(0.1), '0.5': q(0.5), '0.9': q(0.9) },
    tailExponent,
    meanLog: all.reduce((a, b) => a + Math.log(b), 0) / all.length,
    fractionAboveOne: all.filter((v) => v > 1).length / all.length,
    samples: all.length,
    failedNetworks: failed,
    lambdas: Float64Array.from(all),
  };
}

/** Predicted (population, decoupled) vs Monte Carlo spectrum quantiles (docs/heavy-tailed-accuracy.md). */
export function spectrumAccuracy(base: Omit<NetworkSpec, 'L' | 'N'>, widths: number[], depths: number[], opts: { networks?: number; populationSize: number; sweeps: number; replicas?: number; routes?: HeavyRoute[]; freeSurrogate?: boolean; onProgress?: (m: string) => void }): SpectrumAccuracyRow[] {
  const rows: SpectrumAccuracyRow[] = [];
  type P = '0.1' | '0.5' | '0.9';
  const ps: P[] = ['0.1', '0.5', '0.9'];
  for (const L of depths) {
    const theory = new Map<HeavyRoute, ReturnType<typeof solveHeavySpectrum>>();
    for (const N of widths) {
      const spec: NetworkSpec = { ...base, N, L };
      for (const route of opts.routes ?? ['population', 'decoupled'] as const) {
        // natural scaling: the limit does not depend on N, solve once per depth
        if (base.scaling === 'raw' || !theory.has(route)) {
          theory.set(route, solveHeavySpectrum(spec, { route, populationSize: opts.populationSize, sweeps: opts.sweeps, seed: base.seed, ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}) }));
        }
      }
      const networks = opts.networks ?? Math.max(1, Math.ceil(1600 / N));
      const { lambdas, ...mc } = monteCarloSpectrum(spec, networks);
      rows.push({ depth: L, width: N, route: 'monte-carlo', ...mc });
      const logError = (q: SpectrumAccuracyRow['quantiles']) => Object.fromEntries(ps.map((p) => [p, Math.abs(Math.log(q[p] / mc.quantiles[p]))])) as SpectrumAccuracyRow['quantiles'];
      const rankError = (q: SpectrumAccuracyRow['quantiles']) => Object.fromEntries(ps.map((p) => [p, Math.abs(empiricalCdf(lambdas, q[p]) - Number(p))])) as SpectrumAccuracyRow['quantiles'];
      const distance = (r: ArrayLike<number>, S: ArrayLike<number>) => {
        const sm = smoothedObservables(lambdas, r);
        let dist = 0;
        for (let j = 0; j < sm.cdf.length; j++) dist = Math.max(dist, Math.abs(sm.cdf[j]! - S[j]!));
        return dist;
      };
      let rGrid: Float64Array | undefined;
      for (const [route, th] of theory) {
        rGrid = th.smoothed.r;
        rows.push({
          depth: L, width: N, route, quantiles: th.quantiles, tailExponent: Number.isFinite(th.tailExponent) ? th.tailExponent : -1,
          meanLog: th.meanLog, fractionAboveOne: th.fractionAboveOne, massOnGrid: th.diagnostics.massOnGrid,
          logError: logError(th.quantiles), rankError: rankError(th.quantiles),
          smoothedDistance: distance(th.smoothed.r, th.smoothed.cdf), replicaError: th.diagnostics.maxResidual,
        });
      }
      if (opts.freeSurrogate ?? true) {
        // the S-transform product (5.40) by Haar-rotated Monte Carlo of the same networks (theory 5.9)
        const { lambdas: fl, ...fr } = monteCarloSpectrum(spec, networks, freeSurrogateSquaredSingularValues);
        const r = rGrid ?? Float64Array.from({ length: 61 }, (_, j) => Math.pow(10, 6 - j * (8 * L + 10) / 60));
        rows.push({
          depth: L, width: N, route: 'free-surrogate', ...fr,
          logError: logError(fr.quantiles), rankError: rankError(fr.quantiles),
          smoothedDistance: distance(r, smoothedObservables(fl, r).cdf),
        });
      }
      opts.onProgress?.(`spectrum L=${L} N=${N} done`);
    }
  }
  return rows;
}

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
    .option('--spectrum', 'instead of Q: compare predicted spectrum quantiles of J J^T (population and decoupled routes, and the free surrogate by Haar-rotated Monte Carlo) with Monte Carlo at each --width (a list) and depth');
  addNetworkFlags(cmd);
  cmd.action((raw: RawNetworkFlags & { json?: boolean; depths?: string; networks?: string; starts?: string; maxIterations?: string; population?: string; sweeps?: string; plot?: string; spectrum?: boolean; replicas?: string; prediction?: string; samples?: string; count?: string; iterations?: string; tolerance?: string }) => {
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
