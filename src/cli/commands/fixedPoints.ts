/**
 * `jesd fixed-points <network flags> [--starts K]` (docs/cli.md): multistart fixed-point search
 * on one sampled network (src/fixedpoints/search.ts; theory/02-finite-networks.md section 2.4).
 */
import type { Command } from 'commander';
import { countNetwork, countsFromSearch, type ProtocolCount } from '../../counting/protocols.ts';
import { findFixedPoints, type FixedPointResult } from '../../fixedpoints/search.ts';
import { sampleNetwork, type Network } from '../../network/network.ts';
import { describeSpec } from '../../spec/networkSpec.ts';
import { readNetwork } from '../../training/file.ts';
import { addNetworkFlags, parseInteger, parseNumber, resolveNetworkFlags, singleSpec, type RawNetworkFlags } from '../flags.ts';
import { FlagError, log, printJson } from '../io.ts';
import { COUNT_HELP, resolveCountFlags } from './sweep.ts';

export interface SearchFlags {
  starts?: string; maxIterations?: string; tolerance?: string; maxPeriod?: string; network?: string;
}

/** Add the search flags shared by fixed-points and spectrum --at fixed-points. */
export function addSearchFlags(cmd: Command): Command {
  return cmd
    .option('--starts <K>', 'number of random starts in the activation range box (default 200)')
    .option('--max-iterations <T>', 'iterations of x <- f(x) per start before a run counts as unsettled (default 2000)')
    .option('--tolerance <eps>', 'settling tolerance on ||x_t - x_{t-p}||_inf (default 1e-9)')
    .option('--max-period <P>', 'longest periodic attractor detected (default 8)')
    .option('--network <k|FILE>', 'network index within the seed (default 0), or a network file written by `jesd train` (any value that is not a plain integer is a path, e.g. ./3 for a file named 3); a file replaces the sampling flags');
}

export const SAMPLING_FLAGS: [keyof RawNetworkFlags, string][] = [
  ['width', '--width'], ['depth', '--depth'], ['activation', '--activation'], ['weights', '--weights'], ['alpha', '--alpha'],
  ['sigmaW', '--sigma-w'], ['bias', '--bias'], ['sigmaB', '--sigma-b'], ['scaling', '--scaling'], ['seed', '--seed'], ['preset', '--preset'],
];

/**
 * The network a command works on: network `--network k` sampled from the flags, or the network file
 * `--network FILE` (equal widths, one activation; see src/training/file.ts), in which case the
 * sampling flags do not apply and are refused.
 */
export function resolveNetwork(raw: RawNetworkFlags & SearchFlags): { net: Network; presetApplied: string | null; file: string | null } {
  const v = raw.network;
  if (v !== undefined && !/^[0-9]+$/.test(v)) {
    for (const [k, flag] of SAMPLING_FLAGS) {
      if (raw[k] !== undefined) throw new FlagError(flag, `does not apply with --network FILE (the network is read from ${v})`);
    }
    return { net: readNetwork(v), presetApplied: null, file: v };
  }
  const flags = resolveNetworkFlags(raw);
  const spec = singleSpec(flags);
  const search = resolveSearchFlags(raw);
  return { net: sampleNetwork(spec, search.network), presetApplied: flags.presetApplied, file: null };
}

export function resolveSearchFlags(raw: SearchFlags): { starts: number; maxIterations: number; tolerance: number; maxPeriod: number; network: number } {
  const tolerance = raw.tolerance !== undefined ? parseNumber('--tolerance', raw.tolerance) : 1e-9;
  if (!(tolerance > 0)) throw new FlagError('--tolerance', `must be > 0, got ${raw.tolerance}`);
  return {
    starts: parseInteger('--starts', raw.starts ?? '200', 1, 10_000_000),
    maxIterations: parseInteger('--max-iterations', raw.maxIterations ?? '2000', 1, 100_000_000),
    tolerance,
    maxPeriod: parseInteger('--max-period', raw.maxPeriod ?? '8', 1, 1000),
    network: raw.network !== undefined && !/^[0-9]+$/.test(raw.network) ? 0 : parseInteger('--network', raw.network ?? '0', 0, 0xffffffff),
  };
}

/** The JSON document of docs/cli.md plus provenance fields. */
export function fixedPointsJson(net: Network, res: FixedPointResult, presetApplied: string | null, file: string | null = null): Record<string, unknown> {
  return {
    Q: res.Q,
    fixedPoints: res.fixedPoints.map((f) => ({
      x: Array.from(f.x), stable: f.stable, spectralRadius: f.spectralRadius, basinShare: f.basinShare, margin: f.margin, residual: f.residual,
    })),
    cycles: res.cycles.map((c) => ({ period: c.period, basinShare: c.basinShare, spectralRadius: c.spectralRadius })),
    unsettledShare: res.unsettledShare,
    starts: res.starts,
    spec: net.spec,
    network: file ?? net.index,
    description: file !== null ? `network file ${file}: ${describeNet(net)}` : describeSpec(net.spec),
    weightScale: net.weightScale,
    preset: presetApplied,
    diagnostics: res.diagnostics,
    // The only field that differs between two identical runs.
    timings: res.timings,
  };
}

export function register(program: Command): void {
  const cmd = program
    .command('fixed-points')
    .description('find the fixed points x* = f(x*) of one sampled network: multistart iteration, Newton polish, stability by the spectral radius of Df(x*); reports periodic attractors and unsettled runs separately (Q counts stable fixed points only)')
    .option('--json', 'print one JSON document on stdout');
  addNetworkFlags(cmd);
  addSearchFlags(cmd);
  cmd
    .option('--count <P>', COUNT_HELP.count + '; the JSON then has a count object')
    .option('--iterations <T>', COUNT_HELP.iterations);
  cmd.action((raw: RawNetworkFlags & SearchFlags & { json?: boolean; count?: string; iterations?: string }) => {
    const counting = resolveCountFlags(raw);
    const finalStates = counting.protocol === 'final-states';
    // With final-states, --tolerance is the clustering tolerance; the search keeps its default.
    const search = resolveSearchFlags(finalStates ? { ...raw, tolerance: undefined } : raw);
    const { net, presetApplied, file } = resolveNetwork(raw);
    const spec = net.spec;
    const res = findFixedPoints(net, { starts: search.starts, maxIterations: search.maxIterations, tolerance: search.tolerance, maxPeriod: search.maxPeriod });
    let count: ProtocolCount | null = null;
    if (raw.count !== undefined) {
      if (counting.protocol === 'stable' || counting.protocol === 'attractors') {
        const c = countsFromSearch(res);
        count = { protocol: counting.protocol, count: counting.protocol === 'stable' ? c.stable : c.attractors, starts: res.starts, convergedShare: null, stable: c.stable, cycles: counting.protocol === 'attractors' ? c.cycles : null, divergedStarts: null };
      } else {
        count = countNetwork(net, counting.protocol, { starts: search.starts, iterations: counting.iterations, clusterTolerance: counting.clusterTolerance });
      }
    }
    if (raw.json) {
      printJson({ ...fixedPointsJson(net, res, presetApplied, file), ...(count !== null ? { count } : {}) });
      return;
    }
    const lines = [
      file !== null ? `network file ${file}: ${describeNet(net)}` : describeSpec(spec) + ` network=${net.index}` + (presetApplied ? ` preset=${presetApplied}` : ''),
      ...(file !== null ? [] : [`weight multiplier ${net.weightScale.toPrecision(6)} (sigma_w x ${spec.scaling === 'natural' ? '1/a_N' : '1'})`]),
      `Q = ${res.Q} stable fixed point(s) from ${res.starts} starts`,
      ...res.fixedPoints.map((f, i) => `  fixed point ${i + 1}: ${f.stable ? 'stable  ' : 'unstable'} rho=${f.spectralRadius.toPrecision(6)} basin=${(100 * f.basinShare).toFixed(1)}%`),
      ...res.cycles.map((c) => `  cycle of period ${c.period}: rho=${c.spectralRadius.toPrecision(6)} basin=${(100 * c.basinShare).toFixed(1)}%`),
      `  unsettled after ${res.diagnostics.maxIterations} iterations: ${(100 * res.unsettledShare).toFixed(1)}%` +
        (res.diagnostics.divergedStarts > 0 ? ` (${res.diagnostics.divergedStarts} start(s) overflowed)` : ''),
      ...(count === null ? [] : [`count (--count ${count.protocol}) = ${count.count}` + (count.convergedShare !== null ? ` (Newton starts converged: ${(100 * count.convergedShare).toFixed(1)}%; ${count.stable} stable)` : '') + (count.cycles !== null ? ` (${count.stable} stable fixed point(s) + ${count.cycles} cycle(s))` : '')]),
    ];
    process.stdout.write(lines.join('\n') + '\n');
    if (res.unsettledShare > 0) log(`jesd: ${(100 * res.unsettledShare).toFixed(1)}% of starts did not settle (not counted as fixed points)`);
  });
}

/** One line for an explicit (file) network: width, depth, activation. */
export function describeNet(net: Network): string {
  return `N=${net.spec.N} L=${net.spec.L} phi=${net.spec.activation} (explicit weights)`;
}
