// End-to-end: `jesd restore` JSON, PNG grid, and one-line errors with exit 2.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPngGray } from '../src/training/images.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const jesd = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/jesd', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), 'jesd-restore-'));

describe('jesd restore', () => {
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
