/**
 * `jesd spectrum <network flags> [--at fixed-points|random]` (docs/cli.md): the empirical
 * spectrum of the input-output Jacobian J = D_L W_L ... D_1 W_1 of one sampled network
 * (theory/02-finite-networks.md (2.14), section 2.5), at random inputs or at its fixed points.
 */
import type { Command } from 'commander';
import { NonConvergenceError } from '../../errors.ts';
import { findFixedPoints } from '../../fixedpoints/search.ts';
import { jacobian, randomInput } from '../../network/network.ts';
import { describeSpec } from '../../spec/networkSpec.ts';
import { STREAM, stream } from '../../random/rng.ts';
import { logSpectrumSummary, quantiles as sampleQuantiles, SUMMARY_QUANTILES, summarizeLogSquaredSingularValues } from '../../spectra/empirical.ts';
import { addNetworkFlags, parseChoice, parseInteger, type RawNetworkFlags } from '../flags.ts';
import { FlagError, printJson } from '../io.ts';
import { addSearchFlags, describeNet, resolveNetwork, resolveSearchFlags, type SearchFlags } from './fixedPoints.ts';

const AT = ['random', 'fixed-points'] as const;

export function register(program: Command): void {
  const cmd = program
    .command('spectrum')
    .description('empirical spectrum of the input-output Jacobian of one sampled network: squared singular values (eigenvalues of J J^T) and eigenvalues of J, at random inputs (uniform in the activation range box) or at the stable fixed points (pooled)')
    .option('--at <where>', `${AT.join('|')} (default random)`)
    .option('--inputs <K>', 'with --at random: number of random inputs whose spectra are pooled (default 1)')
    .option('--json', 'print one JSON document on stdout');
  addNetworkFlags(cmd);
  addSearchFlags(cmd);
  cmd.action((raw: RawNetworkFlags & SearchFlags & { json?: boolean; at?: string; inputs?: string }) => {
    const { net, presetApplied, file } = resolveNetwork(raw);
    const spec = net.spec;
    const at = parseChoice('--at', raw.at ?? 'random', AT);
    if (raw.inputs !== undefined && at !== 'random') throw new FlagError('--inputs', 'applies only with --at random (at fixed points the spectra of all stable fixed points are pooled)');
    const inputs = parseInteger('--inputs', raw.inputs ?? '1', 1, 100_000);
    if (at === 'random') {
      for (const [flag, value] of [['--starts', raw.starts], ['--max-iterations', raw.maxIterations], ['--tolerance', raw.tolerance], ['--max-period', raw.maxPeriod]] as const) {
        if (value !== undefined) throw new FlagError(flag, 'applies only with --at fixed-points (it configures the fixed-point search)');
      }
    }
    const search = resolveSearchFlags(raw);
    const points: Float64Array[] = [];
    const pointInfo: Record<string, unknown>[] = [];
    if (at === 'random') {
      for (let k = 0; k < inputs; k++) points.push(randomInput(net, stream(spec.seed, STREAM.NETWORK, net.index, STREAM.PROBE, k)));
    } else {
      const res = findFixedPoints(net, { starts: search.starts, maxIterations: search.maxIterations, tolerance: search.tolerance, maxPeriod: search.maxPeriod });
      const stable = res.fixedPoints.filter((f) => f.stable);
      if (stable.length === 0) {
        throw new NonConvergenceError(`no stable fixed point found from ${res.starts} starts (cycles: ${res.cycles.length}, unsettled share ${res.unsettledShare})`, res.diagnostics);
      }
      for (const f of stable) {
        points.push(f.x);
        pointInfo.push({ spectralRadius: f.spectralRadius, basinShare: f.basinShare });
      }
    }
    const summaries = points.map((x) => logSpectrumSummary(jacobian(net, x)));
    const pooled = summaries.length === 1 ? summaries[0]! : summarizeLogSquaredSingularValues(
      Float64Array.from(summaries.flatMap((s) => Array.from(s.logSquaredSingularValues))),
      {
        re: Float64Array.from(summaries.flatMap((s) => Array.from(s.eigenvalues.re))),
        im: Float64Array.from(summaries.flatMap((s) => Array.from(s.eigenvalues.im))),
      },
    );
    // One rule for text and JSON (theory/02-finite-networks.md (2.21)): a quantity that overflows double
    // precision is null with a reason, and its logarithm (always finite) is reported beside it.
    const unavailable: Record<string, string> = {};
    const OVERFLOW = 'beyond double precision (above 1.8e308); see its logarithm';
    const lin = (field: string, l: number): number | null => {
      const v = Math.exp(l);
      if (Number.isFinite(v)) return v;
      unavailable[field] = OVERFLOW;
      return null;
    };
    const eigenvalues = Array.from(pooled.eigenvalues.re, (re, i) => [re, pooled.eigenvalues.im[i]!]);
    const squared = Array.from(pooled.logSquaredSingularValues, (l) => Math.exp(l));
    const squaredFinite = squared.every((v) => Number.isFinite(v));
    if (!squaredFinite) unavailable.squaredSingularValues = OVERFLOW;
    const moments = pooled.logMoments.map((l, k) => lin(`moments.${k + 1}`, l));
    // Type-7 quantiles of lambda where lambda is representable, else e^(type-7 quantile of ln lambda).
    const linearQ = squaredFinite ? sampleQuantiles(squared, [...SUMMARY_QUANTILES]) : null;
    const quantiles = Object.fromEntries(SUMMARY_QUANTILES.map((p, i) => [String(p), linearQ !== null ? linearQ[i]! : lin(`quantiles.${p}`, pooled.logQuantiles[String(p)]!)]));
    const meanLog = Number.isFinite(pooled.meanLog) ? pooled.meanLog : null;
    if (meanLog === null) unavailable.meanLog = 'a squared singular value is exactly 0, so the mean of ln lambda is -infinity';
    const spectralRadius = Math.max(...eigenvalues.map(([a, b]) => Math.hypot(a!, b!)));
    const doc = {
      squaredSingularValues: squaredFinite ? squared : null,
      ...(squaredFinite ? {} : { logSquaredSingularValues: Array.from(pooled.logSquaredSingularValues, (l) => (Number.isFinite(l) ? l : null)) }),
      eigenvalues,
      moments,
      logMoments: pooled.logMoments.map((l) => (Number.isFinite(l) ? l : null)),
      quantiles,
      logQuantiles: Object.fromEntries(Object.entries(pooled.logQuantiles).map(([p, l]) => [p, Number.isFinite(l) ? l : null])),
      fractionAboveOne: pooled.fractionAboveOne,
      meanLog,
      hillTailIndex: Number.isFinite(pooled.hillTailIndex) ? pooled.hillTailIndex : null,
      unavailable,
      at,
      points: points.length,
      ...(at === 'fixed-points' ? { fixedPoints: pointInfo } : {}),
      spec,
      network: file ?? net.index,
      description: file !== null ? `network file ${file}: ${describeNet(net)}` : describeSpec(spec),
      weightScale: net.weightScale,
      preset: presetApplied,
    };
    if (raw.json) {
      printJson(doc);
      return;
    }
    const num = (v: number | null, l: number | null, digits: number) => (v !== null ? v.toPrecision(digits) : l !== null ? `e^${l.toPrecision(digits)}` : 'undefined');
    const q = doc.quantiles, lq = doc.logQuantiles;
    process.stdout.write([
      file !== null ? `network file ${file}: ${describeNet(net)}` : describeSpec(spec) + ` network=${net.index}` + (presetApplied ? ` preset=${presetApplied}` : ''),
      `Jacobian at ${points.length} ${at === 'random' ? 'random input(s)' : 'stable fixed point(s)'}: ${pooled.logSquaredSingularValues.length} squared singular values`,
      `  moments m1..m4: ${moments.map((m, k) => num(m, doc.logMoments[k]!, 6)).join(', ')}`,
      `  quantiles 0.1/0.5/0.9: ${['0.1', '0.5', '0.9'].map((p) => num(q[p]!, lq[p]!, 6)).join(' / ')}`,
      `  mean ln lambda: ${meanLog !== null ? meanLog.toPrecision(6) : '-infinity (a zero singular value)'}`,
      `  fraction above one: ${pooled.fractionAboveOne.toPrecision(4)}`,
      `  spectral radius of J: ${spectralRadius.toPrecision(6)}`,
    ].join('\n') + '\n');
  });
}
