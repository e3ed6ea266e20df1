/**
 * `jesd solve <network flags without --width> --at x1,x2,...` (docs/cli.md): the limiting
 * spectrum of J J^T (theory/04-light-tailed.md (4.14)) as JSON, CSV and an SVG figure; with
 * `--compare-mc N` the pooled empirical spectrum of sampled width-N networks is overlaid and the
 * Kolmogorov distance reported.
 */
import type { Command } from 'commander';
import { createProgress, type ProgressReporter } from '../../montecarlo/progress.ts';
import { InvalidSpecError, NonConvergenceError } from '../../errors.ts';
import { solveJacobianSpectrum, takesLightRoute } from '../../jacobian/index.ts';
import { lightJacobianCdf, lightJacobianSpecOf, type WeightEnsemble } from '../../jacobian/light.ts';
import { sampleJacobianSquaredSingularValues } from '../../compare/sampler.ts';
import type { LawReport } from '../../freeprob/lawReport.ts';
import { D2_ZERO_FLOOR } from '../../meanfield/gaussian.ts';
import { histogramPlot } from '../../plot/svg.ts';
import { histogram } from '../../spectra/empirical.ts';
import { kolmogorovDistance } from '../../spectra/tabulatedLaw.ts';
import { addNetworkFlags, flagForField, parseChoice, parseInteger, parseNumber, parseNumberList, resolveNetworkFlags, type RawNetworkFlags } from '../flags.ts';
import { checkOutputPath, FlagError, log, printJson, writeOutputFile } from '../io.ts';
import { formatLawReport } from './law.ts';


/**
 * A library InvalidSpecError names a flag (exit 2) when its field is one the user gave; any other
 * field was produced inside the solver from a valid request, so it is a numerical failure (exit 3),
 * told in a sentence without internal names (the detail stays in the error's diagnostics).
 */
function flagError(e: unknown): unknown {
  if (e instanceof InvalidSpecError && !(e instanceof FlagError)) {
    // The width of the Monte Carlo networks is --compare-mc's value.
    const flag = flagForField(e.field, { width: '--compare-mc' });
    if (flag !== null) return new FlagError(flag, e.detail);
    return new NonConvergenceError('the solve failed numerically for these parameters (an intermediate quantity could not be represented in double precision); a smaller --depth or --sigma-w may work', { field: e.field, detail: e.detail });
  }
  return e;
}

type SolveFlags = RawNetworkFlags & {
  at?: string; json?: boolean; csv?: string; plot?: string; compareMc?: string; networks?: string;
  ensemble?: string; q1?: string; quadraturePoints?: string;
};

/** Extra lines of the heavy-tailed report (theory/05 (5.51)-(5.53)): quantiles, tail, E ln, p>1, diagnostics. */
function heavySummary(r: LawReport & Record<string, unknown>): string {
  const q = r.quantiles as { '0.1': number; '0.5': number; '0.9': number } | undefined;
  if (q === undefined || typeof r.tailExponent !== 'number') return '';
  const d = r.diagnostics as Record<string, unknown>;
  const num = (v: unknown, digits = 3) => (typeof v === 'number' ? v.toPrecision(digits) : String(v));
  return [
    '',
    `quantiles of lambda: q10 ${num(q['0.1'])}  q50 ${num(q['0.5'])}  q90 ${num(q['0.9'])}`,
    `tail exponent a (1 - F(x) ~ x^-a): ${num(r.tailExponent)}   E[ln lambda] >= ${num(r.meanLog)}   P(lambda > 1): ${num(r.fractionAboveOne)}`,
    `diagnostics: converged ${String(d.converged)}, replica standard error ${num(d.maxResidual, 2)}, mass on the grid ${num(d.massOnGrid)}, ${String(d.replicas)} replicas x population ${String(d.populationSize)}`,
  ].join('\n');
}

/** The first-moment self-check of a light-tailed solve (theory/04 (4.26)), one text line. */
function momentCheckLine(r: LawReport): string {
  const c = r.diagnostics.momentCheck as { expected: number; got: number; relativeError: number; tolerance: number } | undefined;
  if (c === undefined) return '';
  return `\nself-check: mean squared singular value ${c.got.toPrecision(10)}, exact ${c.expected.toPrecision(10)} (relative error ${c.relativeError.toExponential(1)}, tolerance ${c.tolerance.toExponential(1)})`;
}

export function register(program: Command): void {
  const cmd = program
    .command('solve')
    .description('limiting spectrum of J J^T (squared singular values of the input-output Jacobian): finite-variance weights by free multiplicative convolution (density, atoms, edges, moments, quantiles); heavy tails (cauchy, stable, natural scaling) by population dynamics (density, quantiles, tail exponent, P(lambda > 1))')
    .option('--at <list>', 'grid of x > 0: x1,x2,... or a..b:step')
    .option('--ensemble <e>', 'gaussian|orthogonal weights (default gaussian; orthogonal = sigma_w times Haar)')
    .option('--q1 <q>', 'second moment of layer-1 pre-activations (default: the mean-field fixed point q*)')
    .option('--quadrature-points <n>', 'atoms of the discretised D^2 law of smooth activations (Gauss-Hermite, or a moment-keeping quantisation where pre-activations saturate; default 64)')
    .option('--csv <file>', 'also write x,density as CSV')
    .option('--plot <file>', 'also write an SVG figure of the density')
    .option('--compare-mc <N>', 'overlay the Monte Carlo spectrum of width-N networks and report the Kolmogorov distance')
    .option('--networks <K>', 'networks pooled by --compare-mc (default 2)')
    .option('--json', 'print one JSON document on stdout');
  addNetworkFlags(cmd, { width: false });
  cmd.action((raw: SolveFlags) => {
    const flags = resolveNetworkFlags(raw);
    if (flags.depths.length === 0) throw new FlagError('--depth', 'is required (a positive integer)');
    if (flags.depths.length > 1) throw new FlagError('--depth', 'takes one value for this command');
    if (raw.at === undefined) throw new FlagError('--at', 'is required: a list x1,x2,... of points > 0 or a range a..b:step');
    const at = parseNumberList('--at', raw.at);
    const ensemble = parseChoice('--ensemble', raw.ensemble ?? 'gaussian', ['gaussian', 'orthogonal'] as const) as WeightEnsemble;
    const q1 = raw.q1 !== undefined ? parseNumber('--q1', raw.q1) : undefined;
    const quadraturePoints = raw.quadraturePoints !== undefined ? parseInteger('--quadrature-points', raw.quadraturePoints, 2, 400) : undefined;
    const spec = { ...flags.base, L: flags.depths[0]! };
    // Flags that do not apply to this request are refused, never silently ignored.
    if (raw.networks !== undefined && raw.compareMc === undefined) throw new FlagError('--networks', 'applies only with --compare-mc N (networks pooled by the Monte Carlo overlay)');
    if (!takesLightRoute(spec.weights)) {
      for (const [flag, value] of [['--ensemble', raw.ensemble], ['--q1', raw.q1], ['--quadrature-points', raw.quadraturePoints]] as const) {
        if (value !== undefined) throw new FlagError(flag, `does not apply to heavy-tailed --weights ${spec.weights.name} (the population-dynamics route has no ${flag.slice(2)}); it applies to finite-variance weights`);
      }
    }
    // Output paths are checked before any computation.
    if (raw.csv !== undefined) checkOutputPath('--csv', raw.csv);
    if (raw.plot !== undefined) checkOutputPath('--plot', raw.plot);
    let report: LawReport & Record<string, unknown>;
    try {
      // Progress with a measured ETA (heavy: radii x replicas of the population; light: grid points).
      const heavy = !takesLightRoute(spec.weights);
      let progress: ProgressReporter | null = null;
      const onStep = (done: number, total: number) => {
        progress ??= createProgress({ total, label: heavy ? 'solve (population dynamics)' : 'solve', units: heavy ? 'radii' : 'points' });
        progress.update(done);
      };
      try {
        report = solveJacobianSpectrum(spec, at, { ensemble, onStep, ...(q1 !== undefined ? { q1 } : {}), ...(quadraturePoints !== undefined ? { quadraturePoints } : {}) }) as LawReport & Record<string, unknown>;
      } finally {
        (progress as ProgressReporter | null)?.stop();
      }
    } catch (e) {
      throw flagError(e);
    }
    let mc: { N: number; networks: number; kolmogorov: number; samples: Float64Array } | null = null;
    if (raw.compareMc !== undefined) {
      const N = parseInteger('--compare-mc', raw.compareMc, 2, 20_000);
      const networks = parseInteger('--networks', raw.networks ?? '2', 1, 10_000);
      if (ensemble !== 'gaussian' || spec.weights.name !== 'gaussian') throw new FlagError('--compare-mc', 'needs --weights gaussian and --ensemble gaussian');
      const light = lightJacobianSpecOf(spec, q1 !== undefined ? { q1 } : {});
      log(`sampling ${networks} network(s) of width ${N}, depth ${spec.L} ...`);
      const samples = sampleJacobianSquaredSingularValues(light, N, networks, spec.seed);
      // The solved law lumps squared singular values below D2_ZERO_FLOOR times the upper edge into its
      // atom at 0 (theory/04 (4.25)); samples there are lumped the same way, so the distance compares
      // P(lambda <= x) only where the law resolves x.
      const floor = report.atoms.some((a) => a.at === 0) && report.edges !== null ? D2_ZERO_FLOOR * report.edges[1] : 0;
      const sorted = Float64Array.from(samples, (v) => (v < floor ? 0 : v)).sort();
      const grid = Array.from(sorted);
      const cdfValues = lightJacobianCdf(light, grid);
      const cdfMap = new Map<number, number>();
      grid.forEach((x, i) => cdfMap.set(x, cdfValues[i]!));
      const cdf = (x: number) => cdfMap.get(x) ?? cdfValues[cdfValues.length - 1]!;
      // Samples lumped at 0 meet the law's atom there: its left limit F(0-) is 0.
      const kolmogorov = kolmogorovDistance(sorted, cdf, (x) => (x <= 0 ? 0 : cdf(x)));
      mc = { N, networks, kolmogorov, samples };
      report.monteCarlo = { width: N, networks, seed: spec.seed, kolmogorov, samples: samples.length };
    }
    if (raw.csv !== undefined) {
      writeOutputFile('--csv', raw.csv, 'x,density\n' + report.x.map((x, i) => `${x},${report.density[i]}`).join('\n') + '\n');
    }
    if (raw.plot !== undefined) {
      // A one-point grid is drawn on [x/2, 3x/2] around its point (the figure needs a range).
      const lo0 = Math.min(...at), hi0 = Math.max(...at);
      const lo = lo0 < hi0 ? lo0 : 0.5 * lo0, hi = lo0 < hi0 ? hi0 : 1.5 * hi0;
      const title = `J J^T spectrum: ${spec.activation}, ${spec.weights.name} weights, sigma_w=${spec.weights.scale}, sigma_b=${spec.bias?.scale ?? 0}, L=${spec.L}`;
      let edges: number[] = [lo, hi];
      let heights: number[] = [0];
      const overlays = [{ name: 'theory (free probability)', x: report.x, y: report.density }];
      if (mc !== null && mc.samples.some((v) => v >= lo && v <= hi)) {
        const h = histogram(mc.samples.filter((v) => v >= lo && v <= hi), { bins: 40, range: [lo, hi] });
        const inRange = mc.samples.filter((v) => v >= lo && v <= hi).length;
        const scale = inRange / mc.samples.length; // density relative to the whole sample
        edges = Array.from(h.edges);
        heights = Array.from(h.density, (d) => d * scale);
        // Binomial error band on the histogram heights: sqrt(n_i)/(n w).
        const width = (hi - lo) / 40;
        const band = heights.map((d) => Math.sqrt(Math.max(d * width * mc!.samples.length, 1)) / (mc!.samples.length * width));
        const mids = heights.map((_, i) => 0.5 * (edges[i]! + edges[i + 1]!));
        overlays.push({ name: `Monte Carlo band (N=${mc.N}, ${mc.networks} nets)`, x: mids, y: heights, bandLo: heights.map((d, i) => Math.max(0, d - 2 * band[i]!)), bandHi: heights.map((d, i) => d + 2 * band[i]!), dashed: true } as never);
      }
      const svg = histogramPlot(edges, heights, overlays, {
        title, xLabel: 'squared singular value x', yLabel: 'density',
        caption: mc !== null ? `Kolmogorov distance to the Monte Carlo ESD: ${mc.kolmogorov.toFixed(4)}` : 'theory curve; atoms not drawn',
        histogramName: mc !== null ? 'Monte Carlo ESD' : 'none',
      });
      writeOutputFile('--plot', raw.plot, svg);
    }
    if (raw.json) printJson(report);
    else process.stdout.write(formatLawReport(report) + heavySummary(report) + momentCheckLine(report) + (mc !== null ? `\nKolmogorov distance to Monte Carlo (N=${mc.N}, ${mc.networks} networks): ${mc.kolmogorov}` : '') + '\n');
  });
}
