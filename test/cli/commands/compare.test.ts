/**
 * End-to-end: `jesd compare` as docs/cli.md states it (JSON fields, exit statuses, --plot).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'jesd');

describe('jesd compare', () => {
  it('prints [{depth, predictedQ, meanQ, stderrQ}] and writes the SVG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jesd-compare-'));
    const svg = join(dir, 'q.svg');
    const out = execFileSync(bin, ['compare', '--preset', 'study', '--weights', 'cauchy', '--depths', '1..3', '--networks', '3', '--starts', '10', '--population', '200', '--sweeps', '8', '--samples', '1024', '--json', '--plot', svg], { encoding: 'utf8', timeout: 60_000 });
    const rows = JSON.parse(out) as { depth: number; predictedQ: number; predictionMethod: string; kacRiceQ: number; kacRiceStderr: number; spectralLinkQ: number; meanQ: number; stderrQ: number }[];
    expect(rows.map((r) => r.depth)).toEqual([1, 2, 3]);
    for (const r of rows) {
      // Sigmoid with Gaussian biases: predictedQ is the Kac-Rice E[# stable], a count >= 0 with its
      // standard error; the spectral link 1 + N0 p>1 is kept beside it and is >= 1 by construction.
      expect(r.predictionMethod).toBe('kac-rice');
      expect(r.predictedQ).toBe(r.kacRiceQ);
      expect(r.predictedQ).toBeGreaterThanOrEqual(0);
      expect(r.kacRiceStderr).toBeGreaterThan(0);
      expect(r.spectralLinkQ).toBeGreaterThanOrEqual(1);
      expect(r.meanQ).toBeGreaterThanOrEqual(0);
      expect(r.stderrQ).toBeGreaterThanOrEqual(0);
    }
    expect(readFileSync(svg, 'utf8')).toContain('<svg');
  }, 90_000);

  it('exits 2 naming the flag on bad input', () => {
    const r = spawnSync(bin, ['compare', '--preset', 'study', '--depths', '0..2'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--depths');
    const r2 = spawnSync(bin, ['compare', '--preset', 'study', '--weights', 'lognormal', '--depths', '1'], { encoding: 'utf8', timeout: 30_000 });
    expect(r2.status).toBe(2);
    expect(r2.stderr).toContain('--weights');
    // A trained network file is one network, not a law: refused with the commands that do read it.
    const r3 = spawnSync(bin, ['compare', '--network', 'net.json', '--depths', '1'], { encoding: 'utf8', timeout: 30_000 });
    expect(r3.status).toBe(2);
    expect(r3.stderr.trim().split('\n')).toHaveLength(1);
    expect(r3.stderr).toContain('fixed-points --network');
  }, 60_000);

  it('--help prints the study preset values', () => {
    const out = execFileSync(bin, ['compare', '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(out).toContain('--preset');
    expect(out).toContain('study sets:');
    expect(out).toContain('scaling=raw');
  }, 30_000);
});
