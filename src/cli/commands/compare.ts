/**
 * `jesd compare <network flags> --depths LIST [--networks K] [--starts S] [--plot FILE.svg]`
 * (../shared/CLI.md): predicted Q_pred(N0, L) (src/predict, theory/06-fixed-points.md (6.5))
 * against Monte Carlo Q(N0, L) (multistart fixed-point search on K sampled networks per depth),
 * as JSON [{ depth, predictedQ, meanQ, stderrQ, ... }] and an SVG figure.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { findFixedPoints } from '../../fixedpoints/search.ts';
import { sampleNetwork } from '../../network/network.ts';
import { describeSpec, type NetworkSpec } from '../../network/spec.ts';
import { predictQ } from '../../predict/qPrediction.ts';
import { linePlot } from '../../report/svg.ts';
import { addNetworkFlags, parseInteger, parseNumberList, resolveNetworkFlags, type RawNetworkFlags } from '../flags.ts';
import { FlagError, log, printJson } from '../io.ts';

export interface CompareRow {
  depth: number;
  predictedQ: number;
  meanQ: number;
  stderrQ: number;
  fractionAboveOne: number;
  pQAbove1: number;
  meanUnsettledShare: number;
  meanCycles: number;
  networks: number;
  failedNetworks: number;
  predictionConverged: boolean;
}

export interface CompareOptions { networks: number; starts: number; maxIterations: number; populationSize: number; sweeps: number; onProgress?: (msg: string) => void }

/** Monte Carlo and predicted Q over depths (theory/06-fixed-points.md (6.1), (6.5)). */
export function compareDepths(base: Omit<NetworkSpec, 'L'>, depths: number[], opts: CompareOptions): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const L of depths) {
    const spec: NetworkSpec = { ...base, L };
    const qs: number[] = [];
    let failed = 0, uns = 0, cyc = 0;
    for (let k = 0; k < opts.networks; k++) {
      try {
        const r = findFixedPoints(sampleNetwork(spec, k), { starts: opts.starts, maxIterations: opts.maxIterations });
        qs.push(r.Q); uns += r.unsettledShare; cyc += r.cycles.length;
      } catch (e) {
        failed++; // a network whose search failed is excluded and counted, never silently kept
        opts.onProgress?.(`depth ${L} network ${k}: search failed: ${(e as Error).message}`);
      }
    }
    const n = qs.length;
    const mean = n > 0 ? qs.reduce((a, b) => a + b, 0) / n : 0;
    const v = n > 1 ? qs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
    const pred = predictQ(spec, { populationSize: opts.populationSize, sweeps: opts.sweeps, seed: spec.seed });
    rows.push({
      depth: L, predictedQ: pred.predictedQ, meanQ: mean, stderrQ: n > 0 ? Math.sqrt(v / n) : 0,
      fractionAboveOne: pred.fractionAboveOne, pQAbove1: n > 0 ? qs.filter((q) => q > 1).length / n : 0,
      meanUnsettledShare: n > 0 ? uns / n : 0, meanCycles: n > 0 ? cyc / n : 0,
      networks: n, failedNetworks: failed, predictionConverged: pred.diagnostics.converged,
    });
    opts.onProgress?.(`depth ${L}: meanQ ${mean.toFixed(3)} predictedQ ${pred.predictedQ.toFixed(3)}`);
  }
  return rows;
}

export function compareSvg(rows: CompareRow[], title: string, caption: string): string {
  const x = rows.map((r) => r.depth);
  return linePlot([
    { name: 'Monte Carlo mean Q (+- 1 s.e.)', x, y: rows.map((r) => r.meanQ), yErr: rows.map((r) => r.stderrQ), mode: 'both' },
    { name: 'predicted Q (theory/06 (6.5))', x, y: rows.map((r) => r.predictedQ), mode: 'line', dashed: true },
  ], { title, xLabel: 'depth L', yLabel: 'number of stable fixed points Q', caption, referenceLines: [{ y: 1, label: 'Q = 1' }] });
}

export function register(program: Command): void {
  const cmd = program
    .command('compare')
    .description('predicted Q_pred(N0, L) (population-dynamics spectrum of J J^T, theory/06 (6.5)) against Monte Carlo Q(N0, L) over depths, with standard errors')
    .option('--json', 'print one JSON document on stdout')
    .option('--depths <LIST>', 'depths, a list or range such as 1..40 (required)')
    .option('--networks <K>', 'sampled networks per depth (default 20)')
    .option('--starts <S>', 'random starts per network (default 100)')
    .option('--max-iterations <T>', 'iterations per start (default 1000)')
    .option('--population <P>', 'population size of the prediction (default 1000)')
    .option('--sweeps <S>', 'population sweeps per grid point (default 40)')
    .option('--plot <FILE.svg>', 'write the figure');
  addNetworkFlags(cmd);
  cmd.action((raw: RawNetworkFlags & { json?: boolean; depths?: string; networks?: string; starts?: string; maxIterations?: string; population?: string; sweeps?: string; plot?: string }) => {
    if (raw.depths === undefined) throw new FlagError('--depths', 'is required (a list or range of positive integers, e.g. 1..40)');
    const depths = parseNumberList('--depths', raw.depths).map((d) => {
      if (!Number.isInteger(d) || d < 1 || d > 10_000) throw new FlagError('--depths', `must be integers in [1, 10000], got ${d}`);
      return d;
    });
    const flags = resolveNetworkFlags({ ...raw, depth: raw.depth ?? String(depths[0]) });
    if (flags.widths.length !== 1) throw new FlagError('--width', 'takes exactly one value for compare (or use --preset study)');
    const base = { N: flags.widths[0]!, ...flags.base };
    const opts: CompareOptions = {
      networks: parseInteger('--networks', raw.networks ?? '20', 1, 1_000_000),
      starts: parseInteger('--starts', raw.starts ?? '100', 1, 10_000_000),
      maxIterations: parseInteger('--max-iterations', raw.maxIterations ?? '1000', 1, 100_000_000),
      populationSize: parseInteger('--population', raw.population ?? '1000', 50, 1_000_000),
      sweeps: parseInteger('--sweeps', raw.sweeps ?? '40', 4, 100_000),
      onProgress: (m) => log(m),
    };
    const desc = describeSpec({ ...base, L: depths[0]! });
    log(`jesd compare: ${desc}${flags.presetApplied ? ` (preset ${flags.presetApplied})` : ''}`);
    const rows = compareDepths(base, depths, opts);
    if (raw.plot !== undefined) {
      writeFileSync(raw.plot, compareSvg(rows, `Q(N0=${base.N}, L): prediction vs Monte Carlo, ${base.weights.name}${base.weights.alpha !== undefined ? ` alpha=${base.weights.alpha}` : ''}`,
        `${desc.replace(/ L=\d+/, '')}; ${opts.networks} networks x ${opts.starts} starts per depth; prediction Q = 1 + N0 p_{>1} (theory/06 (6.5))`));
    }
    if (raw.json) printJson(rows);
    else {
      process.stdout.write('depth  predictedQ  meanQ   stderrQ  p>1      P(Q>1)  networks\n');
      for (const r of rows) process.stdout.write(`${String(r.depth).padStart(5)}  ${r.predictedQ.toFixed(3).padStart(10)}  ${r.meanQ.toFixed(3).padStart(6)}  ${r.stderrQ.toFixed(3).padStart(7)}  ${r.fractionAboveOne.toExponential(2)}  ${r.pQAbove1.toFixed(2).padStart(6)}  ${r.networks}\n`);
    }
  });
}
