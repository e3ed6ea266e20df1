/**
 * `jesd spectrum <network flags> [--at fixed-points|random]` (../shared/CLI.md): the empirical
 * spectrum of the input-output Jacobian J = D_L W_L ... D_1 W_1 of one sampled network
 * (theory/02-finite-networks.md (2.14), section 2.5), at random inputs or at its fixed points.
 */
import type { Command } from 'commander';
import { NonConvergenceError } from '../../errors.ts';
import { findFixedPoints } from '../../fixedpoints/search.ts';
import { jacobian, randomInput } from '../../network/network.ts';
import { describeSpec } from '../../network/spec.ts';
import { STREAM, stream } from '../../random/rng.ts';
import { pooledSpectrum, spectrumSummary } from '../../spectra/empirical.ts';
import { addNetworkFlags, parseChoice, parseInteger, type RawNetworkFlags } from '../flags.ts';
import { printJson } from '../io.ts';
import { addSearchFlags, describeNet, resolveNetwork, resolveSearchFlags, type SearchFlags } from './fixed-points.ts';

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
    const inputs = parseInteger('--inputs', raw.inputs ?? '1', 1, 100_000);
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
    const summaries = points.map((x) => spectrumSummary(jacobian(net, x)));
    const pooled = pooledSpectrum(summaries);
    const eigenvalues = Array.from(pooled.eigenvalues.re, (re, i) => [re, pooled.eigenvalues.im[i]!]);
    const doc = {
      squaredSingularValues: Array.from(pooled.squaredSingularValues),
      eigenvalues,
      moments: pooled.moments,
      quantiles: pooled.quantiles,
      fractionAboveOne: pooled.fractionAboveOne,
      meanLog: Number.isFinite(pooled.meanLog) ? pooled.meanLog : null,
      hillTailIndex: Number.isFinite(pooled.hillTailIndex) ? pooled.hillTailIndex : null,
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
    const q = pooled.quantiles;
    process.stdout.write([
      file !== null ? `network file ${file}: ${describeNet(net)}` : describeSpec(spec) + ` network=${net.index}` + (presetApplied ? ` preset=${presetApplied}` : ''),
      `Jacobian at ${points.length} ${at === 'random' ? 'random input(s)' : 'stable fixed point(s)'}: ${pooled.squaredSingularValues.length} squared singular values`,
      `  moments m1..m4: ${pooled.moments.map((m) => m.toPrecision(6)).join(', ')}`,
      `  quantiles 0.1/0.5/0.9: ${q['0.1']!.toPrecision(6)} / ${q['0.5']!.toPrecision(6)} / ${q['0.9']!.toPrecision(6)}`,
      `  fraction above one: ${pooled.fractionAboveOne.toPrecision(4)}`,
      `  spectral radius of J: ${Math.max(...eigenvalues.map(([a, b]) => Math.hypot(a!, b!))).toPrecision(6)}`,
    ].join('\n') + '\n');
  });
}
