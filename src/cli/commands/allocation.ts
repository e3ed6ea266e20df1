/**
 * `jesd allocation --arch linear|relu|lrnn --widths LIST [--steps T] --allocation A [--allocation B ...]
 * --inputs m [--draws D] [--starts S] [--plot FILE]`: expressivity of a learnable subset A
 * (theory/12-allocation.md, docs/allocation.md): the rank of J_A with its singular-value gap, the
 * capacity m*(A) and the match probability MP(A, m), by src/expressivity/analyze.ts.
 */
import type { Command } from 'commander';
import { ARCHS, validateArch, type ArchSpec } from '../../expressivity/allocation.ts';
import { analyzeAllocation, CAPACITY_MAX_SIZE, matchCurve, matchFigure, type AllocationReport } from '../../expressivity/analyze.ts';
import { parseAllocation } from '../../expressivity/masks.ts';
import { InvalidSpecError } from '../../errors.ts';
import { createProgress } from '../../montecarlo/progress.ts';
import { renderSvg } from '../../plot/svg.ts';
import { parseChoice, parseInteger, parseNumberList } from '../flags.ts';
import { checkOutputPath, FlagError, printJson, writeOutputFile } from '../io.ts';

interface AllocationFlags {
  arch?: string; widths?: string; steps?: string; allocation: string[]; inputs?: string; draws?: string; starts?: string;
  maxIterations?: string; seed?: string; plot?: string; json?: boolean; quiet?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** Rethrow a library error under the flag's name. */
function asFlag<T>(flag: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InvalidSpecError && !(e instanceof FlagError)) throw new FlagError(flag, e.detail);
    throw e;
  }
}

function fmtGap(g: number | null): string {
  return g === null ? 'none (J_A = 0)' : g.toExponential(2);
}

export function register(program: Command): void {
  program
    .command('allocation')
    .description('expressivity of a learnable subset A of the weights (teacher-student, reconstructed from Schlisselberg & Darshan, arXiv 2502.06300): rank of the Jacobian J_A of the outputs on m inputs with its singular-value gap, capacity m*(A), match probability MP(A, m) by Levenberg-Marquardt from several starts')
    .option('--arch <a>', `${ARCHS.join('|')} (default linear)`)
    .option('--widths <LIST>', 'layer widths d_0,...,d_L (lrnn: d_in,n,d_out)')
    .option('--steps <T>', 'lrnn: number of time steps (default 1)')
    .option('--allocation <A>', 'learnable weights: full | full:L | rows:L:LIST | cols:L:LIST | diag:L | perrow:L:K, joined by +, or a JSON mask file; layers from 1, rows and columns from 0; repeat the flag to compare allocations', collect, [] as string[])
    .option('--inputs <m>', 'number of inputs m (with --plot: the largest m of the figure)')
    .option('--draws <D>', 'teacher/student draws for MP (default 20)')
    .option('--starts <S>', 'Levenberg-Marquardt starts per draw (default 10)')
    .option('--max-iterations <K>', 'Levenberg-Marquardt iteration cap per start (default 200)')
    .option('--seed <S>', 'root seed, a non-negative integer (default 1)')
    .option('--plot <FILE>', 'write the figure MP vs m = 1..inputs, one curve per allocation (.svg, or .png)')
    .option('--quiet', 'no progress lines on stderr')
    .option('--json', 'print one JSON document on stdout')
    .action((raw: AllocationFlags) => {
      if (raw.plot !== undefined) checkOutputPath('--plot', raw.plot);
      const arch = parseChoice('--arch', raw.arch ?? 'linear', ARCHS);
      if (raw.widths === undefined) throw new FlagError('--widths', 'is required (layer widths, e.g. 10,10,1)');
      const widths = parseNumberList('--widths', raw.widths);
      if (arch !== 'lrnn' && raw.steps !== undefined) throw new FlagError('--steps', 'applies to --arch lrnn only');
      const steps = parseInteger('--steps', raw.steps ?? '1', 1, 10_000);
      const spec: ArchSpec = { arch, widths, steps };
      asFlag('--widths', () => validateArch({ ...spec, steps: arch === 'lrnn' ? steps : 1 }));
      if (raw.allocation.length === 0) throw new FlagError('--allocation', 'is required (e.g. full, rows:1:0, cols:1:0, diag:1, or a JSON mask file)');
      const allocations = raw.allocation.map((t) => parseAllocation(spec, t, '--allocation'));
      if (raw.inputs === undefined) throw new FlagError('--inputs', 'is required (the number of inputs m >= 1)');
      const m = parseInteger('--inputs', raw.inputs, 1, 100_000);
      const draws = parseInteger('--draws', raw.draws ?? '20', 1, 1_000_000);
      const starts = parseInteger('--starts', raw.starts ?? '10', 1, 10_000);
      const maxIterations = parseInteger('--max-iterations', raw.maxIterations ?? '200', 1, 1_000_000);
      const seed = parseInteger('--seed', raw.seed ?? '1', 0);
      const opts = { draws, starts, seed, maxIterations };
      const progress = createProgress({ total: allocations.length * draws, label: 'allocation', units: 'draws', quiet: raw.quiet });
      const reports: AllocationReport[] = allocations.map((a, i) => asFlag('--inputs', () => analyzeAllocation(spec, a, m, { ...opts, onProgress: (d) => progress.update(i * draws + d) })));
      progress.stop();
      let curves: { label: string; points: ReturnType<typeof matchCurve> }[] | undefined;
      if (raw.plot !== undefined) {
        const p2 = createProgress({ total: allocations.length * m, label: 'allocation figure', units: 'points', quiet: raw.quiet });
        curves = allocations.map((a, i) => ({ label: a.label, points: matchCurve(spec, a, m, { ...opts, onProgress: (k) => p2.update(i * m + k) }) }));
        p2.stop();
        const svg = matchFigure(spec, curves, draws);
        writeOutputFile('--plot', raw.plot, raw.plot.toLowerCase().endsWith('.png') ? renderSvg(svg).png : svg);
      }
      const first = reports[0]!;
      if (raw.json) {
        printJson({
          arch, widths, ...(arch === 'lrnn' ? { steps } : {}), seed, starts,
          ...first,
          allocations: reports,
          ...(curves ? { curves } : {}),
        });
        return;
      }
      const lines = [`${arch} ${widths.join(',')}${arch === 'lrnn' ? ` T=${steps}` : ''}, m = ${m} inputs, seed ${seed}`];
      for (const r of reports) {
        lines.push(
          `allocation ${r.allocation} (M = ${r.size})`,
          `  rank J_A = ${r.rank} of m d_out = ${r.rowsOfJ} (all weights: ${r.fullRank}); gap sigma_r/sigma_r+1 = ${fmtGap(r.gap)}`,
          `  singular values of J_A: sigma_1 = ${(r.singularValues[0] ?? 0).toExponential(3)}, sigma_r = ${(r.singularValues[r.rank - 1] ?? 0).toExponential(3)}, sigma_r+1 = ${(r.singularValues[r.rank] ?? 0).toExponential(3)} (all of them: --json)`,
          `  capacity m* = ${r.capacity ?? `not computed (M > ${CAPACITY_MAX_SIZE}: the bisection needs SVDs of up to M x M)`}`,
          `  MP = ${r.matchProbability.toFixed(3)} [${r.matchInterval[0].toFixed(3)}, ${r.matchInterval[1].toFixed(3)}] (${r.matchedDraws}/${r.draws} draws; unconverged solves ${(100 * r.unconvergedShare).toFixed(1)}%${r.predictedMatchProbability !== null ? `; rank prediction ${r.predictedMatchProbability}` : ''})`,
        );
      }
      if (raw.plot !== undefined) lines.push(`figure: ${raw.plot}`);
      process.stdout.write(lines.join('\n') + '\n');
    });
}
