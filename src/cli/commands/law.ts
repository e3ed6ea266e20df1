/**
 * `jesd law --name NAME [--ratio C] [--depth L] [--alpha A] --at x1,x2,...` (docs/cli.md):
 * a named law evaluated on a grid, as JSON {x, density, atoms, edges, moments, diagnostics}.
 */
import type { Command } from 'commander';
import { InvalidSpecError } from '../../errors.ts';
import { NAMED_LAWS } from '../../freeprob/namedLaws.ts';
import { LEVY_ALPHA_RANGE } from '../../freeprob/levy.ts';
import type { LawReport } from '../../freeprob/lawReport.ts';
import { flagForField, parseInteger, parseNumber, parseNumberList } from '../flags.ts';
import { FlagError, printJson } from '../io.ts';

/** The parameters each named law takes (besides --at). */
const LAW_FLAGS: Record<string, readonly string[]> = {
  semicircle: [], 'marchenko-pastur': ['--ratio'], 'fuss-catalan': ['--depth'], levy: ['--alpha'], 'levy-wishart': ['--alpha', '--ratio'],
};

export function toFlagError(e: unknown): unknown {
  if (e instanceof InvalidSpecError && !(e instanceof FlagError)) {
    const flag = flagForField(e.field) ?? `--${e.field}`;
    return new FlagError(flag, e.detail);
  }
  return e;
}

/** Plain-text rendering of a LawReport (the default output without --json). */
export function formatLawReport(r: LawReport): string {
  const lines = [`edges: ${r.edges ? `[${r.edges[0]}, ${r.edges[1]}]` : 'unbounded'}`];
  lines.push(`atoms: ${r.atoms.length ? r.atoms.map((a) => `${a.mass} at ${a.at}`).join(', ') : 'none'}`);
  lines.push(`moments: ${r.moments.length ? r.moments.map((m) => (m === null ? 'beyond double precision' : String(m))).join(', ') : '(diverge)'}`);
  lines.push('x\tdensity');
  r.x.forEach((x, i) => lines.push(`${x}\t${r.density[i]}`));
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('law')
    .description('a named spectral law on a grid: density, atoms, support edges, moments')
    .option('--name <name>', `law: ${Object.keys(NAMED_LAWS).join('|')}`)
    .option('--ratio <C>', 'marchenko-pastur and levy-wishart aspect ratio c = N/M > 0 (default 1)')
    .option('--depth <L>', 'fuss-catalan order L >= 1 (default 2)')
    .option('--alpha <A>', `levy and levy-wishart tail index in [${LEVY_ALPHA_RANGE[0]}, ${LEVY_ALPHA_RANGE[1]}] (default 1, the Cauchy case)`)
    .option('--at <list>', 'grid: x1,x2,... or a..b:step')
    .option('--json', 'print one JSON document on stdout')
    .action((raw: { name?: string; ratio?: string; depth?: string; alpha?: string; at?: string; json?: boolean }) => {
      const allowed = Object.keys(NAMED_LAWS);
      if (raw.name === undefined) throw new FlagError('--name', `is required: one of ${allowed.join('|')}`);
      const law = NAMED_LAWS[raw.name];
      if (!law) throw new FlagError('--name', `must be one of ${allowed.join('|')}, got ${JSON.stringify(raw.name)}`);
      if (raw.at === undefined) throw new FlagError('--at', 'is required: a list x1,x2,... or a range a..b:step');
      const at = parseNumberList('--at', raw.at);
      // A flag that the chosen law does not take is refused, never silently ignored.
      for (const [flag, value] of [['--ratio', raw.ratio], ['--depth', raw.depth], ['--alpha', raw.alpha]] as const) {
        if (value !== undefined && !LAW_FLAGS[raw.name]!.includes(flag)) {
          throw new FlagError(flag, `does not apply to --name ${raw.name} (it takes ${LAW_FLAGS[raw.name]!.length ? LAW_FLAGS[raw.name]!.join(', ') : 'no parameter'} besides --at)`);
        }
      }
      const opts = {
        at,
        ...(raw.ratio !== undefined ? { ratio: parseNumber('--ratio', raw.ratio) } : {}),
        ...(raw.depth !== undefined ? { depth: parseInteger('--depth', raw.depth, 1) } : {}),
        ...(raw.alpha !== undefined ? { alpha: parseNumber('--alpha', raw.alpha) } : {}),
      };
      let report: LawReport;
      try {
        report = law(opts);
      } catch (e) {
        throw toFlagError(e);
      }
      if (raw.json) printJson(report);
      else process.stdout.write(formatLawReport(report) + '\n');
    });
}
