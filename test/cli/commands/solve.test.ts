import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectReference, referenceWhere } from '../../fixtures/reference.ts';

const jesd = (...args: string[]) => spawnSync('bin/jesd', args, { encoding: 'utf8', cwd: join(import.meta.dirname, '..', '..', '..') });

describe('jesd law / jesd solve (docs/cli.md)', () => {
  it('law --name marchenko-pastur and fuss-catalan --json', () => {
    const ref = referenceWhere('freeprob', { law: 'marchenko-pastur', ratio: 1 }); // mpmath, relative 1e-12
    const mp = jesd('law', '--name', 'marchenko-pastur', '--at', ref.map((c) => c.x).join(','), '--json');
    expect(mp.status).toBe(0);
    const r = JSON.parse(mp.stdout);
    ref.forEach((c, i) => expectReference(r.density[i], c, 'jesd law marchenko-pastur'));
    expect(r.edges).toEqual([0, 4]);
    expect(r.atoms).toEqual([]);
    expect(r.moments).toEqual([1, 2, 5, 14]);
    const fcat = JSON.parse(jesd('law', '--name', 'fuss-catalan', '--depth', '3', '--at', '1,2', '--json').stdout);
    expect(fcat.edges[1]).toBeCloseTo(256 / 27, 10);
    expect(fcat.moments.map((m: number) => Math.round(m))).toEqual([1, 4, 22, 140]);
  });

  it('law with an unknown name exits 2 listing the allowed names', () => {
    const r = jesd('law', '--name', 'nope', '--at', '1');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--name/);
    expect(r.stderr).toMatch(/marchenko-pastur/);
    expect(r.stderr).toMatch(/fuss-catalan/);
  });

  it('solve relu network: JSON fields, diagnostics, CSV and SVG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jesd-solve-'));
    const ref = referenceWhere('jacobian', { quantity: 'relu-density', depth: 2 }); // mpmath, relative 1e-10
    const r = jesd('solve', '--activation', 'relu', '--weights', 'gaussian', '--sigma-w', String(Math.SQRT2), '--bias', 'none',
      '--depth', '2', '--at', ref.map((c) => c.x).join(','), '--json', '--csv', join(dir, 'd.csv'), '--plot', join(dir, 'd.svg'));
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    ref.forEach((c, i) => expectReference(out.density[i], c, 'jesd solve relu L = 2'));
    expect(out.atoms).toEqual([{ at: 0, mass: 0.5 }]);
    expect(out.diagnostics.converged).toBe(true);
    expect(out.diagnostics.maxResidual).toBeLessThan(1e-10);
    expectReference(out.edges[1], referenceWhere('jacobian', { quantity: 'relu-right-edge', depth: 2 })[0]!, 'jesd solve relu edge');
    expect(readFileSync(join(dir, 'd.csv'), 'utf8').split('\n')[0]).toBe('x,density');
    expect(readFileSync(join(dir, 'd.svg'), 'utf8')).toMatch(/<svg/);
  });

  it('solve bad input exits 2 naming the flag', () => {
    const cases: [string[], RegExp][] = [
      [['--sigma-w', '0', '--depth', '2', '--at', '1'], /--sigma-w/],
      [['--sigma-w', '1', '--depth', '0', '--at', '1'], /--depth/],
      [['--activation', 'tanh', '--depth', '2', '--at', '-1,1'], /--at/],
    ];
    for (const [args, flag] of cases) {
      const r = jesd('solve', ...args, '--json');
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(flag);
      expect(r.stderr.trim().split('\n').length).toBe(1);
    }
  });
});
