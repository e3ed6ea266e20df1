import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { areaDownsample, encodePngGray, gridImage, loadMnist, readPngGray } from '../../src/training/images.ts';
import { stream } from '../../src/random/rng.ts';

describe('area averaging (theory/08 (8.9))', () => {
  const rng = stream(4, 77);
  const img = Float64Array.from({ length: 28 * 28 }, () => rng.uniform());
  it('28 -> 14 is the mean of 2 x 2 blocks', () => {
    const out = areaDownsample(img, 28, 28, 14, 14);
    for (let I = 0; I < 14; I++) for (let J = 0; J < 14; J++) {
      const m = (img[2 * I * 28 + 2 * J]! + img[2 * I * 28 + 2 * J + 1]! + img[(2 * I + 1) * 28 + 2 * J]! + img[(2 * I + 1) * 28 + 2 * J + 1]!) / 4;
      expect(out[I * 14 + J]).toBeCloseTo(m, 14);
    }
  });
  it('28 -> 8 (fractional overlaps) preserves the image mean and constants', () => {
    const out = areaDownsample(img, 28, 28, 8, 8);
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out)).toBeCloseTo(mean(img), 13);
    const c = areaDownsample(new Float64Array(784).fill(0.3), 28, 28, 8, 8);
    c.forEach((v) => expect(v).toBeCloseTo(0.3, 14));
  });
});

describe('MNIST from the mnist package', () => {
  it('loads digits area-averaged to 14 x 14 = 196 pixels in [0, 1]', () => {
    const set = loadMnist({ digits: [3, 7], perDigit: 2 });
    expect(set.width * set.height).toBe(196);
    expect(set.images.length).toBe(4);
    expect(set.labels).toEqual([3, 3, 7, 7]);
    for (const im of set.images) {
      expect(Math.min(...im)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...im)).toBeLessThanOrEqual(1);
      expect(Math.max(...im)).toBeGreaterThan(0.5); // a digit has ink
    }
  });
  it('refuses a digit outside 0..9', () => {
    expect(() => loadMnist({ digits: [10] })).toThrow(/digits/);
  });
});

describe('PNG in and out', () => {
  it('round trip of grey levels to 8 bits, with pixel scaling', () => {
    const px = Float64Array.from([0, 0.25, 0.5, 1, 0.1, 0.9]);
    const dir = mkdtempSync(join(tmpdir(), 'jesd-png-'));
    const f = join(dir, 'a.png');
    writeFileSync(f, encodePngGray(px, 3, 2, 2));
    const back = readPngGray(f);
    expect([back.width, back.height]).toEqual([6, 4]);
    expect(back.pixels[0 * 6 + 2]).toBeCloseTo(Math.round(0.25 * 255) / 255, 2);
    expect(back.pixels[3 * 6 + 5]).toBeCloseTo(Math.round(0.9 * 255) / 255, 2);
  });
  it('a file that is not a PNG is bad input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jesd-png-'));
    const f = join(dir, 'b.png');
    writeFileSync(f, 'not a png');
    expect(() => readPngGray(f, '--images')).toThrow(/--images: cannot read PNG/);
  });
  it('grid places cells with gaps', () => {
    const g = gridImage([[new Float64Array(4).fill(1), new Float64Array(4).fill(0)]], 2, 2, 1);
    expect([g.width, g.height]).toEqual([7, 4]);
    expect(g.pixels[1 * 7 + 1]).toBe(1);
    expect(g.pixels[1 * 7 + 4]).toBe(0);
    expect(g.pixels[0]).toBe(0.5);
  });
});

describe("the 'mnist' data set of the training registry", () => {
  it('P images cycling through the digits, mapped to [lo, hi], through getDataset', async () => {
    const { getDataset } = await import('../../src/training/data.ts');
    const ds = getDataset('mnist', { dim: 64, patterns: 12, lo: 0.1, hi: 0.9 });
    expect([ds.inputs.rows, ds.inputs.cols]).toEqual([12, 64]);
    const ref = loadMnist({ digits: [1], offset: 1, size: 8 }).images[0]!;
    for (let i = 0; i < 64; i++) expect(ds.inputs.data[11 * 64 + i]).toBeCloseTo(0.1 + 0.8 * ref[i]!, 14);
    expect(() => getDataset('mnist', { dim: 50 })).toThrow(/--width: mnist images are square/);
  });
});
