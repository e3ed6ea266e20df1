import { describe, expect, it } from 'vitest';
import { parseDamageList } from '../../src/memory/damage.ts';
import { restoreImages } from '../../src/memory/restoreImages.ts';
import { networkFromWeights } from '../../src/network/network.ts';
import { loadMnist } from '../../src/training/images.ts';
import { matrix } from '../../src/types.ts';

// Diagonal map x -> sigmoid(8x - 4) on 8 x 8 images: every image in {LO, HI}^64 is a stable fixed
// point (HI = 0.9787520 solves x = sigmoid(8x - 4), LO = 1 - HI); see theory/08 section 8.2.
let a = 0.6, b = 1;
for (let i = 0; i < 200; i++) { const m = (a + b) / 2; if (m - 1 / (1 + Math.exp(-(8 * m - 4))) < 0) a = m; else b = m; }
const HI = (a + b) / 2, LO = 1 - HI;
const N = 64;
const W = matrix(N, N);
for (let i = 0; i < N; i++) W.data[i * N + i] = 8;
const net = networkFromWeights('sigmoid', [W], [new Float64Array(N).fill(-4)]);

describe('restoreImages on binarised 8 x 8 MNIST digits', () => {
  const raw = loadMnist({ digits: [0, 1, 2], perDigit: 2, size: 8 });
  const set = { ...raw, images: raw.images.map((im) => Float64Array.from(im, (v) => (v > 0.5 ? HI : LO))) };
  it('flip:0 restores all, flip:5 (3 of 64 pixels swapped to the other level) none; grid layout', () => {
    const r = restoreImages(net, set, parseDamageList('flip:0,flip:5'), { trials: 2, seed: 1, gridImages: 4 });
    expect(r.levels.map((l) => [l.success.successes, l.success.trials])).toEqual([[12, 12], [0, 12]]);
    expect([r.grid.width, r.grid.height]).toEqual([5 * 8 + 6, 4 * 8 + 5]);
  });
  it('images of the wrong size name the option', () => {
    const big = loadMnist({ digits: [1], size: 14 });
    expect(() => restoreImages(net, big, parseDamageList('flip:5'), { field: '--dataset' })).toThrow(/^--dataset: images are 14 x 14 = 196 pixels, the network's width is N = 64$/);
  });
  it('non-finite pixels are bad input', () => {
    const bad = { ...set, images: [Float64Array.from(set.images[0]!, (v, i) => (i === 5 ? NaN : v))] };
    expect(() => restoreImages(net, bad, parseDamageList('flip:5'), { field: '--images' })).toThrow(/--images: image 0 pixel 5 is not finite/);
  });
});
