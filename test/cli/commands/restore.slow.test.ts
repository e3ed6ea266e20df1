// End-to-end: `jesd restore` JSON, PNG grid, and one-line errors with exit 2.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPngGray } from '../../../src/training/images.ts';
import { saveNetworkFile } from '../../../src/training/file.ts';
import { matrix } from '../../../src/types.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const jesd = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/jesd', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), 'jesd-restore-'));

describe('jesd restore', () => {
  it('--network FILE: the diagonal map sigmoid(8x - 4) restores binarised images exactly for flip:0 and never for flip:25', () => {
    // Every image in {LO, HI}^16 is a stable fixed point (HI = 0.9787520 solves x = sigmoid(8x - 4)); flipping
    // entries between LO and HI gives another fixed point, so flip:k restores nothing for k >= 1 (theory/08 8.2).
    let a = 0.6, b = 1;
    for (let i = 0; i < 200; i++) { const m = (a + b) / 2; if (m - 1 / (1 + Math.exp(-(8 * m - 4))) < 0) a = m; else b = m; }
    const HI = (a + b) / 2, LO = 1 - HI;
    const N = 16;
    const W = matrix(N, N);
    for (let i = 0; i < N; i++) W.data[i * N + i] = 8;
    const netFile = join(dir, 'diag.json');
    saveNetworkFile(netFile, { widths: [N, N], activations: ['sigmoid'], weights: [W], biases: [new Float64Array(N).fill(-4)] });
    const imgs = join(dir, 'bin.json');
    const images = [0b1010011001011001, 0b0000111100001111, 0b1111000011110000].map((bits) => Array.from({ length: N }, (_, i) => ((bits >> i) & 1 ? HI : LO)));
    writeFileSync(imgs, JSON.stringify({ width: 4, height: 4, images }));
    const r = jesd('restore', '--network', netFile, '--images', imgs, '--damage', 'flip:0,flip:25', '--trials', '3', '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.network).toBe(netFile);
    expect(doc.levels.map((l: { successes: number; trials: number }) => [l.successes, l.trials])).toEqual([[9, 9], [0, 9]]);
    const bad = jesd('restore', '--network', netFile, '--width', '16', '--images', imgs);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^jesd: --width: does not apply with --network FILE/m);
  });

  it('MNIST 8 x 8 on an N = 64 network: one level per damage spec, Wilson bounds around the rate, grid PNG of the stated size', () => {
    const out = join(dir, 'grid.png');
    const r = jesd('restore', '--width', '64', '--depth', '1', '--digits', '1,7', '--damage', 'flip:10,block:2', '--trials', '2', '--out', out, '--scale', '2', '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.levels.map((l: { damage: string }) => l.damage)).toEqual(['flip:10', 'block:2']);
    for (const l of doc.levels) {
      expect(l.trials).toBe(4);
      expect(l.lower).toBeLessThanOrEqual(l.rate);
      expect(l.upper).toBeGreaterThanOrEqual(l.rate);
    }
    // 2 rows (images) x 5 columns (original + 2 x (damaged, restored)) of 8 x 8 cells, 1-pixel gaps, scale 2.
    const png = readPngGray(out);
    expect([png.width, png.height]).toEqual([2 * (5 * 8 + 6), 2 * (2 * 8 + 3)]);
  });

  it('images whose pixel count differs from the width: exit 2 naming --images', () => {
    const f = join(dir, 'imgs.json');
    writeFileSync(f, JSON.stringify({ width: 3, height: 3, images: [[0, 0, 0, 0, 1, 0, 0, 0, 0]] }));
    const r = jesd('restore', '--width', '16', '--depth', '1', '--images', f);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('jesd: --')).join('')).toBe("jesd: --images: images are 3 x 3 = 9 pixels, the network's width is N = 16");
    expect(r.stdout).toBe('');
  });

  it('a non-finite pixel: exit 2, one line', () => {
    const f = join(dir, 'inf.json');
    writeFileSync(f, '{"width": 2, "height": 2, "images": [[0, 1e999, 0, 1]]}');
    const r = jesd('restore', '--width', '4', '--depth', '1', '--images', f);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^jesd: --images: image 0 pixel 1 is not finite \(Infinity\)$/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad damage spec names --damage; --help lists the flags', () => {
    const r = jesd('restore', '--width', '64', '--depth', '1', '--damage', 'smudge:2');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^jesd: --damage: expected flip:PERCENT/m);
    const h = jesd('restore', '--help');
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/--damage/);
    expect(h.stdout).toMatch(/--images/);
  });
});
