/**
 * `jesd fixed-points <network flags> [--starts K]` (../shared/CLI.md): multistart fixed-point search
 * on one sampled network (src/fixedpoints/search.ts; theory/02-finite-networks.md section 2.4).
 */
import type { Command } from 'commander';
import { findFixedPoints, type FixedPointResult } from '../../fixedpoints/search.ts';
import { sampleNetwork, type Network } from '../../network/network.ts';
import { describeSpec } from '../../network/spec.ts';
import { addNetworkFlags, parseInteger, parseNumber, resolveNetworkFlags, singleSpec, type RawNetworkFlags } from '../flags.ts';
import { FlagError, log, printJson } from '../io.ts';

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
    .option('--network <k>', 'network index within the seed (default 0)');
}

export function resolveSearchFlags(raw: SearchFlags): { starts: number; maxIterations: number; tolerance: number; maxPeriod: number; network: number } {
  const tolerance = raw.tolerance !== undefined ? parseNumber('--tolerance', raw.tolerance) : 1e-9;
  if (!(tolerance > 0)) throw new FlagError('--tolerance', `must be > 0, got ${raw.tolerance}`);
  return {
    starts: parseInteger('--starts', raw.starts ?? '200', 1, 10_000_000),
    maxIterations: parseInteger('--max-iterations', raw.maxIterations ?? '2000', 1, 100_000_000),
    tolerance,
    maxPeriod: parseInteger('--max-period', raw.maxPeriod ?? '8', 1, 1000),
    network: parseInteger('--network', raw.network ?? '0', 0, 0xffffffff),
  };
}

/** The JSON document of ../shared/CLI.md plus provenance fields. */
export function fixedPointsJson(net: Network, res: FixedPointResult, presetApplied: string | null): Record<string, unknown> {
  return {
    Q: res.Q,
    fixedPoints: res.fixedPoints.map((f) => ({
      x: Array.from(f.x), stable: f.stable, spectralRadius: f.spectralRadius, basinShare: f.basinShare, margin: f.margin, residual: f.residual,
    })),
    cycles: res.cycles.map((c) => ({ period: c.period, basinShare: c.basinShare, spectralRadius: c.spectralRadius })),
    unsettledShare: res.unsettledShare,
    starts: res.starts,
    spec: net.spec,
    network: net.index,
    description: describeSpec(net.spec),
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
  cmd.action((raw: RawNetworkFlags & SearchFlags & { json?: boolean }) => {
    const flags = resolveNetworkFlags(raw);
    const spec = singleSpec(flags);
    const search = resolveSearchFlags(raw);
    const net = sampleNetwork(spec, search.network);
    const res = findFixedPoints(net, { starts: search.starts, maxIterations: search.maxIterations, tolerance: search.tolerance, maxPeriod: search.maxPeriod });
    if (raw.json) {
      printJson(fixedPointsJson(net, res, flags.presetApplied));
      return;
    }
    const lines = [
      describeSpec(spec) + ` network=${net.index}` + (flags.presetApplied ? ` preset=${flags.presetApplied}` : ''),
      `weight multiplier ${net.weightScale.toPrecision(6)} (sigma_w x ${spec.scaling === 'natural' ? '1/a_N' : '1'})`,
      `Q = ${res.Q} stable fixed point(s) from ${res.starts} starts`,
      ...res.fixedPoints.map((f, i) => `  fixed point ${i + 1}: ${f.stable ? 'stable  ' : 'unstable'} rho=${f.spectralRadius.toPrecision(6)} basin=${(100 * f.basinShare).toFixed(1)}%`),
      ...res.cycles.map((c) => `  cycle of period ${c.period}: rho=${c.spectralRadius.toPrecision(6)} basin=${(100 * c.basinShare).toFixed(1)}%`),
      `  unsettled after ${res.diagnostics.maxIterations} iterations: ${(100 * res.unsettledShare).toFixed(1)}%` +
        (res.diagnostics.divergedStarts > 0 ? ` (${res.diagnostics.divergedStarts} start(s) overflowed)` : ''),
    ];
    process.stdout.write(lines.join('\n') + '\n');
    if (res.unsettledShare > 0) log(`jesd: ${(100 * res.unsettledShare).toFixed(1)}% of starts did not settle (not counted as fixed points)`);
  });
}
