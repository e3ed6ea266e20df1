/**
 * `jesd merge OUT SHARD...` (docs/cluster.md): join the shard files of one sweep (`jesd sweep
 * --shard K/N` on several machines) into OUT, the same file a single-machine run writes, and print
 * the sweep's summary (a table, or JSON with --json).
 */
import type { Command } from 'commander';
import { mergeSweepShards } from '../../montecarlo/merge.ts';
import { formatSweepTable } from '../../montecarlo/table.ts';
import { log, printJson } from '../io.ts';

interface MergeFlags { force?: boolean; json?: boolean; quiet?: boolean }

export function register(program: Command): void {
  program
    .command('merge')
    .description(
      'merge the shard files of one sweep (written by jesd sweep --shard K/N, one per machine) into OUT, byte for byte the file a single-machine run writes ' +
        '(records in unit order, same run description OUT.meta.json); checks that the files are all N shards of one run, once each, finished and unedited; ' +
        'then prints the sweep summary',
    )
    .argument('<OUT>', 'the merged JSON Lines file (its run description goes to OUT.meta.json)')
    .argument('<SHARD...>', 'the shard files, in any order (each with its SHARD.meta.json beside it)')
    .option('--force', 'overwrite a non-empty OUT (and its OUT.meta.json) instead of refusing')
    .option('--quiet', 'no message on stderr')
    .option('--json', 'print the summary as one JSON array instead of a table')
    .addHelpText('after', [
      '',
      'Example (3 shards): jesd sweep --width 10,20 --depth 1..6 --networks 100 --shard 2/3 --out part2.jsonl   (on each machine, K = 1, 2, 3)',
      '                    jesd merge sweep.jsonl part1.jsonl part2.jsonl part3.jsonl',
      'A missing, duplicated, unfinished or foreign shard is refused (exit 2) before OUT is written. See docs/cluster.md.',
    ].join('\n'))
    .action((out: string, shards: string[], raw: MergeFlags) => {
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
