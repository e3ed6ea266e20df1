/**
 * `jesd count <network flags> --method kac-rice|multistart`: the expected number of fixed points
 * (all, and stable: rho(Df) < 1) at one grid point, by the exact finite-N Kac-Rice estimator
 * (src/counting/kacRice.ts, theory/06 section 6.6) or by counting them with multistart Newton on
 * `--networks` networks (src/counting/multistart.ts).
 */
import type { Command } from 'commander';
import { INVERTIBLE } from '../../fixedpoints/newtonAll.ts';
import { KISH_ESS_MIN, kacRice, PROPOSALS, type Proposal } from '../../counting/kacRice.ts';
import { countByMultistart } from '../../counting/multistart.ts';
import { createProgress } from '../../montecarlo/progress.ts';
import { describeSpec } from '../../spec/networkSpec.ts';
import { addNetworkFlags, parseChoice, parseInteger, resolveNetworkFlags, singleSpec, type RawNetworkFlags } from '../flags.ts';
import { FlagError, log, printJson } from '../io.ts';

const METHODS = ['kac-rice', 'multistart'] as const;

interface CountFlags extends RawNetworkFlags {
  method?: string; samples?: string; samplesPerNetwork?: string; proposal?: string; networks?: string; starts?: string;
  json?: boolean; quiet?: boolean;
}

function fmt(e: { mean: number; stderr: number }): string {
  return `${e.mean.toFixed(4)} +- ${e.stderr.toFixed(4)}`;
}

export function register(program: Command): void {
  const cmd = program
    .command('count')
    .description('expected number of fixed points, all (stable and unstable) and stable (rho(Df) < 1), at one grid point: the exact finite-N Kac-Rice estimator (importance sampling over the last layer\'s pre-activation, last bias integrated out) or multistart Newton counting on sampled networks')
    .option('--method <m>', `${METHODS.join('|')} (default kac-rice)`)
    .option('--samples <S>', 'kac-rice: number of importance draws in all (default 20000)')
    .option('--samples-per-network <P>', 'kac-rice: draws per sampled network (default 64)')
    .option('--proposal <q>', `kac-rice: ${PROPOSALS.join('|')} (default fixed-points)`)
    .option('--networks <K>', 'multistart: number of networks (default 100)')
    .option('--starts <k>', 'multistart: Newton starts per network (default 100)')
    .option('--quiet', 'no progress lines on stderr')
    .option('--json', 'print one JSON document on stdout');
  addNetworkFlags(cmd);
  cmd.action((raw: CountFlags) => {
    const flags = resolveNetworkFlags(raw);
    const spec = singleSpec(flags);
    const method = parseChoice('--method', raw.method ?? 'kac-rice', METHODS);
    // A flag of the other method is refused, never silently ignored.
    const other: [string, string | undefined][] = method === 'kac-rice'
      ? [['--networks', raw.networks], ['--starts', raw.starts]]
      : [['--samples', raw.samples], ['--samples-per-network', raw.samplesPerNetwork], ['--proposal', raw.proposal]];
    for (const [flag, value] of other) {
      if (value !== undefined) throw new FlagError(flag, `does not apply to --method ${method}`);
    }
    if (!(INVERTIBLE as readonly string[]).includes(spec.activation)) {
      throw new FlagError('--activation', `counting in pre-activation coordinates needs ${INVERTIBLE.join('|')}, got ${spec.activation}`);
    }
    const base = { description: describeSpec(spec), spec, preset: flags.presetApplied };
    if (method === 'kac-rice') {
      if (spec.bias === null) throw new FlagError('--bias', 'Kac-Rice integrates the last bias out and needs a bias law with a density (gaussian|cauchy|stable); with --bias none use --method multistart');
      const samples = parseInteger('--samples', raw.samples ?? '20000', 2, 1e9);
      const samplesPerNetwork = parseInteger('--samples-per-network', raw.samplesPerNetwork ?? '64', 1, 1e9);
      const proposal = parseChoice('--proposal', raw.proposal ?? 'fixed-points', PROPOSALS) as Proposal;
      const total = Math.max(2, Math.ceil(samples / samplesPerNetwork));
      const progress = createProgress({ total, label: 'count kac-rice', quiet: raw.quiet });
      const res = kacRice(spec, { samples, samplesPerNetwork, proposal, onProgress: (d) => progress.update(d) });
      progress.stop();
      if (res.warning) log(`jesd: warning: ${res.warning}`);
      if (raw.json) {
        printJson({ ...res, ...base });
        return;
      }
      process.stdout.write([
        describeSpec(spec) + (flags.presetApplied ? ` preset=${flags.presetApplied}` : ''),
        `Kac-Rice (${res.proposal} proposal): ${res.samples} draws on ${res.networks} networks`,
        `E[# fixed points]        = ${fmt(res.all)}`,
        `E[# stable fixed points] = ${fmt(res.stable)}`,
        `effective sample size (Kish): all ${res.ess.toFixed(0)}, stable ${res.essStable.toFixed(0)} (threshold ${KISH_ESS_MIN})`,
        ...(res.warning ? [`WARNING: ${res.warning}`] : []),
      ].join('\n') + '\n');
      return;
    }
    const networks = parseInteger('--networks', raw.networks ?? '100', 2, 1e9);
    const starts = parseInteger('--starts', raw.starts ?? '100', 1, 1e7);
    const progress = createProgress({ total: networks, label: 'count multistart', quiet: raw.quiet });
    const res = countByMultistart(spec, { networks, starts, onProgress: (d) => progress.update(d) });
    progress.stop();
    if (raw.json) {
      printJson({ ...res, ...base });
      return;
    }
    process.stdout.write([
      describeSpec(spec) + (flags.presetApplied ? ` preset=${flags.presetApplied}` : ''),
      `multistart Newton: ${res.networks} networks x ${res.starts} starts (converged starts: ${(100 * res.convergedShare).toFixed(1)}%, lowest network ${(100 * res.minConvergedShare).toFixed(1)}%)`,
      `E[# fixed points]        = ${fmt(res.all)}  (a lower bound: missed fixed points are not counted)`,
      `E[# stable fixed points] = ${fmt(res.stable)}`,
    ].join('\n') + '\n');
  });
}
