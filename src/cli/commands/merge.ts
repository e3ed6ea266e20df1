/**
 * `jesd merge OUT SHARD...` (docs/cluster.md): join the shard files of one sweep (`jesd sweep
 * --shard K/N` on several machines) into OUT, the same file a single-machine run writes, and print
 * the sweep's summary (a table, or JSON with --json); or, when the shards are directories written
 * by `jesd reproduce --shard K/N`, join them into the reproduction directory OUT and write its
 * report (src/report/shardMerge.ts).
 */
import type { Command } from 'commander';
import { mergeSweepShards } from '../../montecarlo/merge.ts';
import { formatSweepTable } from '../../montecarlo/table.ts';
import { FlagError, log, printJson } from '../io.ts';
import { resolve } from 'node:path';
import { areDirectories, mergeReproduceShards } from '../../report/shardMerge.ts';
import { parseWorkers } from '../flags.ts';

interface MergeFlags { force?: boolean; json?: boolean; quiet?: boolean; workers?: string }

export function register(program: Command): void {
  program
    .command('merge')
    .description(
      'merge the shard files of one sweep (written by jesd sweep --shard K/N, one per machine) into OUT, byte for byte the file a single-machine run writes ' +
        '(records in unit order, same run description OUT.meta.json); checks that the files are all N shards of one run, once each, finished and unedited; ' +
        'then prints the sweep summary. Given the directories of a sharded jesd reproduce (--shard K/N), joins them into the directory OUT, ' +
        'computes what needs every shard (the basins, the predicted ESDs) and writes the report an unsharded run writes',
    )
    .argument('<OUT>', 'the merged JSON Lines file (its run description goes to OUT.meta.json), or the reproduction directory')
    .argument('<SHARD...>', 'the shard files, in any order (each with its SHARD.meta.json beside it), or the shard directories of jesd reproduce')
    .option('--force', 'overwrite a non-empty OUT (and its OUT.meta.json) instead of refusing')
    .option('--quiet', 'no message on stderr')
    .option('--json', 'print the summary as one JSON array instead of a table (reproduce shards: {"out", "files", "verdicts", "shards"})')
    .option('--workers <W>', 'reproduce shards: worker threads for the units that need every shard (default all cores)')
    .addHelpText('after', [
      '',
      'Example (3 shards): jesd sweep --width 10,20 --depth 1..6 --networks 100 --shard 2/3 --out part2.jsonl   (on each machine, K = 1, 2, 3)',
      '                    jesd merge sweep.jsonl part1.jsonl part2.jsonl part3.jsonl',
      'Example (reproduce): jesd reproduce --scale paper --shard 2/3 --out part2   (on each machine), then jesd merge reproduction part1 part2 part3',
      'A missing, duplicated, unfinished or foreign shard is refused (exit 2) before OUT is written. See docs/cluster.md.',
    ].join('\n'))
    .action(async (out: string, shards: string[], raw: MergeFlags) => {
      if (areDirectories(shards)) {
        const workers = parseWorkers(raw.workers, raw.quiet === true);
        const r = await mergeReproduceShards(out, shards, { force: raw.force, workers, quiet: raw.quiet });
        if (!raw.quiet) log(`jesd merge: ${r.shards} reproduce shards -> ${resolve(out)}`);
        if (raw.json) printJson({ out: r.out, files: r.files, verdicts: r.verdicts, shards: r.shards });
        else process.stdout.write([`Report: ${resolve(out, 'report.md')}`, ...r.verdicts.map((v) => `  ${v.id} ${v.verdict}: ${v.evidence}`)].join('\n') + '\n');
        return;
      }
      if (raw.workers !== undefined) throw new FlagError('--workers', 'applies to the shard directories of jesd reproduce only');
      const result = mergeSweepShards(out, shards, { force: raw.force });
      if (!raw.quiet) log(`jesd merge: ${result.shards} shards, ${result.records.length} networks -> ${out}`);
      if (raw.json) {
        printJson(result.summary);
      } else {
        const lawOrder = result.config.weightLaws.map((l) => ({ weights: l.name, alpha: l.alpha ?? null, sigmaW: l.scale }));
        process.stdout.write(formatSweepTable(result.summary, { lawOrder }));
      }
    });
}
