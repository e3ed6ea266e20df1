/**
 * `jesd reproduce [--scale quick|paper] [--out DIR] [--workers W] [--seed S] [--resume]`
 * (docs/cli.md, docs/claims.md): reproduces the fixed-point study (arXiv 2501.04182) and writes
 * DIR/report.md, DIR/*.svg (+ PNG) and DIR/*.jsonl. See src/report/reproduce.ts.
 */
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { runReproduction } from '../../report/reproduce.ts';
import { DEFAULT_STUDY, runStudy, STUDIES, studyNames } from '../../report/studies/index.ts';
import { SCALE_NAMES, SCALES, type ScaleName } from '../../report/scales.ts';
import { parseChoice, parseInteger, parseShard, parseWorkers } from '../flags.ts';
import { checkOutputPath, FlagError, log, printJson } from '../io.ts';

interface ReproduceFlags {
  study?: string; scale?: string; out?: string; workers?: string; seed?: string; resume?: boolean; force?: boolean; quiet?: boolean; json?: boolean; shard?: string;
}

export function register(program: Command): void {
  program
    .command('reproduce')
    .description(
      'Reproduce the fixed-point study (arXiv 2501.04182) on built-in defaults: light tails Q(N, L) = 1; heavy tails Q(N0, L) over depth ' +
        'beside its Kac-Rice prediction (C4; the spectral link from the ESD is kept as the old route) and under four counting protocols (P2); the ESD of J J^T at fixed points, predicted vs sampled; basins of attraction of one ' +
        'heavy-tailed network; trained networks: Q over depth after training from a Cauchy init (T1), the tail index of the weights vs eta / B under SGD (T2), ' +
        'restoring damaged MNIST digits by iterating a trained autoencoder (A1). Writes DIR/report.md (parameters, versions, seeds, tables, a verdict per claim with its rule, timings), ' +
        'figures (SVG + PNG), summary.json and the raw JSON Lines.',
    )
    .option('--study <name>', `which study: ${DEFAULT_STUDY} (the default: arXiv 2501.04182)${STUDIES.map((s) => `, ${s.name} (${s.paper})`).join('')}`)
    .option('--scale <name>', `quick (the default: ${SCALES.quick.description}) | paper (${SCALES.paper.description})`)
    .option('--out <DIR>', 'output directory (default reproduction); only its last component is created, its parent must exist')
    .option('--workers <W>', `worker threads, an integer >= 1 (default and maximum: all cores, here ${availableParallelism()}), more are capped with a warning; results do not depend on it`)
    .option('--seed <S>', 'root seed, a non-negative integer (default 1)')
    .option('--resume', 'continue an interrupted run in --out (same --scale and --seed): finished units are kept, the rest computed')
    .option('--force', 'replace an earlier run in --out (without --resume or --force, a directory holding one is refused)')
    .option('--shard <K/N>', 'run only shard K of N (one machine of a cluster): every section computes the units at positions K-1, K-1+N, ... of its list into --out, which holds no report; jesd merge OUT DIR1 ... DIRN joins the N directories and writes the report (docs/cluster.md)')
    .option('--quiet', 'no progress bar on stderr')
    .option('--json', 'print {"out", "files", "verdicts"} as one JSON document on stdout')
    .addHelpText('after', [
      '',
      'The networks use the study preset (see `jesd sweep --help` and docs/study-configuration.md).',
      'Same --seed gives the same report (minus its Timings and environment section) for any --workers,',
      'and a run killed and continued with --resume ends with the same report as an uninterrupted one.',
      '`--scale tiny` runs every section at very small sizes in seconds (used by the tests).',
      'With --shard K/N the N shards together compute what one run computes, and jesd merge writes the same report.',
      '',
      'Example: jesd reproduce --out reproduction --workers 2',
    ].join('\n'))
    .action(async (raw: ReproduceFlags) => {
      const scale = parseChoice('--scale', raw.scale ?? 'quick', SCALE_NAMES) as ScaleName;
      const workers = parseWorkers(raw.workers, raw.quiet === true);
      const seed = parseInteger('--seed', raw.seed ?? '1', 0);
      const study = parseChoice('--study', raw.study ?? DEFAULT_STUDY, studyNames());
      const out = raw.out ?? 'reproduction';
      if (study !== DEFAULT_STUDY) {
        if (raw.resume) throw new FlagError('--resume', `applies to --study ${DEFAULT_STUDY} only`);
        if (raw.shard !== undefined) throw new FlagError('--shard', `applies to --study ${DEFAULT_STUDY} only`);
        checkOutputPath('--out', out, 'directory');
        if (!raw.quiet) log(`jesd reproduce: study ${study}, scale ${scale}, seed ${seed} -> ${resolve(out)}`);
        const r = await runStudy(study, { out, scale, seed, workers, quiet: !!raw.quiet });
        if (raw.json) printJson({ out: r.out, files: r.files, verdicts: r.verdicts });
        else process.stdout.write([`Report: ${resolve(out, 'report.md')}`, ...r.verdicts.map((v) => `  ${v.id} ${v.verdict}: ${v.evidence}`)].join('\n') + '\n');
        return;
      }
      if (raw.resume && raw.force) throw new FlagError('--force', 'cannot be combined with --resume (--force starts over, --resume continues)');
      const shard = raw.shard === undefined ? undefined : parseShard(raw.shard);
      checkOutputPath('--out', out, 'directory');
      if (!raw.quiet) log(`jesd reproduce: scale ${scale}, seed ${seed}${shard ? `, shard ${shard.index}/${shard.count}` : ''}, ${workers} worker(s) -> ${resolve(out)}${raw.resume ? ' (resuming)' : raw.force ? ' (replacing any earlier run)' : ''}`);
      // Ctrl-C / kill: every finished unit is already on disk (fsync'ed); say how to continue.
      const interrupted = (signal: NodeJS.Signals) => {
        process.stderr.write(`\njesd reproduce: interrupted (${signal}); finished units are saved in ${resolve(out)}. Continue with: jesd reproduce --resume --out ${out} --scale ${scale} --seed ${seed}${shard ? ` --shard ${shard.index}/${shard.count}` : ''}\n`);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      };
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      let result;
      try {
        result = await runReproduction({ scale, out, workers, seed, resume: !!raw.resume, force: !!raw.force, quiet: !!raw.quiet, ...(shard ? { shard } : {}) });
      } finally {
        process.off('SIGINT', interrupted);
        process.off('SIGTERM', interrupted);
      }
      if (raw.json) {
        printJson({ out: result.out, files: result.files, verdicts: result.verdicts, ...(shard ? { shard } : {}) });
      } else if (shard) {
        process.stdout.write(`Shard ${shard.index}/${shard.count} finished in ${resolve(out)}; when all ${shard.count} are, write the report with: jesd merge OUT DIR1 ... DIR${shard.count}\n`);
      } else {
        const lines = [`Report: ${resolve(out, 'report.md')}`, ...result.verdicts.map((v) => `  ${v.id} ${v.verdict}: ${v.evidence}`)];
        process.stdout.write(lines.join('\n') + '\n');
      }
    });
}
