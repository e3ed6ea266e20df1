/**
 * `jesd modes --network FILE | <network flags> --samples K|FILE [--json]` (docs/order-preserving.md):
 * the per-layer census of order-preserving (OPT) and non-order-preserving (NPT) units over a sample
 * set, the distribution of active fractions and the linear-substitution check
 * (src/orderpreserving/modes.ts; theory/11-order-preserving.md (11.1)-(11.4)).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidSpecError } from '../../errors.ts';
import { sampleNetwork } from '../../network/network.ts';
import { describeSpec } from '../../spec/networkSpec.ts';
import {
  censusMask, layeredFromNetwork, linearSubstitution, modeCensus, randomSamples, type ModeCensus, type SubstitutionResult,
} from '../../orderpreserving/modes.ts';
import { censusSvg } from '../../orderpreserving/figures.ts';
import { parseCsvMatrix, rowsToMatrix } from '../../training/data.ts';
import { loadNetworkFile } from '../../training/file.ts';
import type { LayeredNet } from '../../training/model.ts';
import type { Matrix } from '../../types.ts';
import { addNetworkFlags, parseInteger, parseNumber, resolveNetworkFlags, singleSpec, type RawNetworkFlags } from '../flags.ts';
import { checkOutputPath, FlagError, printJson, writeOutputFile } from '../io.ts';
import { SAMPLING_FLAGS } from './fixedPoints.ts';

export const NETWORK_OPTION_HELP = 'network index within the seed (default 0), or a network file written by `jesd train` (any value that is not a plain integer is a path); a file replaces the sampling flags';

/**
 * The layered network of `--network k|FILE` or the network flags. A file may have unequal widths
 * and one activation per layer (src/training/file.ts); the sampling flags are refused beside it.
 */
export function resolveLayered(raw: RawNetworkFlags & { network?: string }): { net: LayeredNet; description: string; file: string | null; seed: number } {
  const v = raw.network;
  if (v !== undefined && !/^[0-9]+$/.test(v)) {
    for (const [k, flag] of SAMPLING_FLAGS) {
      if (raw[k] !== undefined) throw new FlagError(flag, `does not apply with --network FILE (the network is read from ${v})`);
    }
    const net = loadNetworkFile(v).net;
    return { net, description: `network file ${v}: widths [${net.widths.join(', ')}], activations [${[...new Set(net.activations)].join(', ')}]`, file: v, seed: 1 };
  }
  const spec = singleSpec(resolveNetworkFlags(raw));
  const index = parseInteger('--network', v ?? '0', 0, 0xffffffff);
  return { net: layeredFromNetwork(sampleNetwork(spec, index)), description: `${describeSpec(spec)} network=${index}`, file: null, seed: spec.seed };
}

/**
 * `--samples K|FILE`: K inputs uniform in the first activation's range box (seeded), or a file of
 * rows (JSON array of rows, or {"samples": rows}, for a .json name; CSV otherwise), whose width
 * must be the network's input width.
 */
export function readSamples(flag: string, text: string, net: LayeredNet, seed: number): { X: Matrix; source: string } {
  if (/^[0-9]+$/.test(text)) {
    const K = parseInteger(flag, text, 1, 1_000_000);
    return { X: randomSamples(net, K, seed), source: `${K} random inputs (seed ${seed})` };
  }
  let body: string;
  try {
    body = readFileSync(text, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FlagError(flag, code === 'ENOENT' ? `no such file ${JSON.stringify(text)} (give a sample count K or a sample file)` : `cannot read ${text}: ${(e as Error).message}`);
  }
  let X: Matrix;
  try {
    if (/\.json$/i.test(text)) {
      let doc: unknown;
      try {
        doc = JSON.parse(body);
      } catch (e) {
        throw new InvalidSpecError(text, `not valid JSON: ${(e as Error).message}`);
      }
      const rows = Array.isArray(doc) ? doc : (doc as { samples?: unknown } | null)?.samples;
      X = rowsToMatrix(rows, text);
    } else {
      X = parseCsvMatrix(body, text);
    }
  } catch (e) {
    if (e instanceof InvalidSpecError) throw new FlagError(flag, `${e.field}: ${e.detail}`);
    throw e;
  }
  if (X.cols !== net.widths[0]) throw new FlagError(flag, `${text}: samples have width ${X.cols}, the network's input width is ${net.widths[0]}`);
  return { X, source: `${X.rows} samples from ${text}` };
}

/** The census and substitution document of `jesd modes --json`. */
export function modesJson(census: ModeCensus, opt: SubstitutionResult, byLayer: SubstitutionResult[]): Record<string, unknown> {
  return {
    samples: census.samples,
    delta: census.delta,
    layers: census.layers,
    linearSubstitution: {
      optAndDead: opt,
      nptByLayer: byLayer.map((r, l) => ({ layer: l + 1, substituted: r.substituted[l], maxAbsChange: r.maxAbsChange, relativeChange: r.relativeChange })),
    },
  };
}

export function register(program: Command): void {
  const cmd = program
    .command('modes')
    .description('census of order-preserving (OPT: active on every sample) and non-order-preserving (NPT) units per layer over a sample set, the distribution of active fractions, and the linear-substitution check (a reconstruction of arXiv 2501.02436; docs/order-preserving.md)')
    .option('--samples <K|FILE>', 'K random inputs uniform in the input box, or a sample file (.json: array of rows; otherwise CSV) of the network input width (default 200)')
    .option('--sample-seed <S>', 'seed of the random inputs (default: the network seed, 1 for a file)')
    .option('--delta <d>', 'relative slope threshold in (0, 1]: a unit is active on a sample when phi\'(z) >= d sup phi\' (default 0.1; any d gives the same census for relu and hardtanh)')
    .option('--bins <B>', 'bins of the active-fraction histogram (default 10)')
    .option('--network <k|FILE>', NETWORK_OPTION_HELP)
    .option('--plot <FILE.svg>', 'write the census per layer as an SVG figure')
    .option('--json', 'print one JSON document on stdout');
  addNetworkFlags(cmd);
  cmd.action((raw: RawNetworkFlags & { network?: string; samples?: string; sampleSeed?: string; delta?: string; bins?: string; plot?: string; json?: boolean }) => {
    if (raw.plot !== undefined) checkOutputPath('--plot', raw.plot);
    const delta = raw.delta !== undefined ? parseNumber('--delta', raw.delta) : undefined;
    if (delta !== undefined && !(delta > 0 && delta <= 1)) throw new FlagError('--delta', `must be in (0, 1], got ${raw.delta}`);
    const bins = parseInteger('--bins', raw.bins ?? '10', 1, 1000);
    const { net, description, seed } = resolveLayered(raw);
    const sampleSeed = raw.sampleSeed !== undefined ? parseInteger('--sample-seed', raw.sampleSeed, 0) : seed;
    const { X, source } = readSamples('--samples', raw.samples ?? '200', net, sampleSeed);
    const census = modeCensus(net, X, { bins, ...(delta !== undefined ? { delta } : {}) });
    const opt = linearSubstitution(net, X, censusMask(census, 'opt+dead'));
    const byLayer = census.layers.map((c) => linearSubstitution(net, X, censusMask(census, 'npt', c.layer)));
    if (raw.plot !== undefined) writeOutputFile('--plot', raw.plot, censusSvg(census, `OPT/NPT census per layer: ${description}`));
    if (raw.json) {
      printJson({ network: description, sampleSource: source, ...modesJson(census, opt, byLayer) });
      return;
    }
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    const lines = [
      description,
      `${source}; active when phi'(z) >= ${census.delta} sup phi'`,
      'layer  width  activation   OPT     NPT     dead   mean active  NPT linearised: rel. change',
      ...census.layers.map((c, l) => `${String(c.layer).padStart(5)}  ${String(c.width).padStart(5)}  ${c.activation.padEnd(10)} ${pct(c.optFraction).padStart(6)}  ${pct(c.npt / c.width).padStart(6)}  ${pct(c.dead / c.width).padStart(6)}  ${c.meanActiveFraction.toFixed(3).padStart(11)}  ${byLayer[l]!.relativeChange === null ? 'n/a' : byLayer[l]!.relativeChange!.toPrecision(3)}`),
      `OPT and dead units replaced by their tangents: max |change| ${opt.maxAbsChange.toPrecision(3)}, relative change ${opt.relativeChange === null ? 'n/a' : opt.relativeChange.toPrecision(3)}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  });
}
