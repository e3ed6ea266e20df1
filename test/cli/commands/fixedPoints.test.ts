// End-to-end: spawn bin/jesd and check the JSON contract of docs/cli.md for `fixed-points` and
// `spectrum`, and the exit status / message / empty stdout on bad input.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const jesd = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/jesd', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('jesd fixed-points', () => {
  it('prints the contract JSON (Q, fixedPoints[x, stable, spectralRadius, basinShare], cycles, unsettledShare)', () => {
    const r = jesd('fixed-points', '--width', '5', '--depth', '3', '--starts', '20', '--seed', '4', '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Number.isInteger(doc.Q)).toBe(true);
    expect(doc.Q).toBe(1); // Gaussian sigma_w = 1 sigmoid network: one attracting fixed point (see fixedpoints.test.ts)
    expect(doc.fixedPoints.length).toBeGreaterThanOrEqual(1);
    for (const f of doc.fixedPoints) {
      expect(f.x).toHaveLength(5);
      expect(typeof f.stable).toBe('boolean');
      expect(typeof f.spectralRadius).toBe('number');
      expect(typeof f.basinShare).toBe('number');
    }
    expect(Array.isArray(doc.cycles)).toBe(true);
    expect(typeof doc.unsettledShare).toBe('number');
    // Shares over fixed points, cycles and unsettled runs add up to 1.
    const total = doc.fixedPoints.reduce((s: number, f: { basinShare: number }) => s + f.basinShare, 0) +
      doc.cycles.reduce((s: number, c: { basinShare: number }) => s + c.basinShare, 0) + doc.unsettledShare;
    expect(total).toBeCloseTo(1, 12);
    expect(doc.spec.scaling).toBe('natural'); // the scaling is always reported
  });

  it('--help lists the search and network flags', () => {
    const r = jesd('fixed-points', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--starts/);
    expect(r.stdout).toMatch(/--preset/);
  });
});

describe('jesd spectrum', () => {
  it('prints the contract JSON at a random input and at fixed points', () => {
    for (const at of ['random', 'fixed-points']) {
      // --starts configures the fixed-point search, so it is given (and accepted) only with --at fixed-points.
      const r = jesd('spectrum', '--width', '6', '--depth', '2', '--activation', 'tanh', '--at', at, ...(at === 'fixed-points' ? ['--starts', '10'] : []), '--json');
      expect(r.status).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.squaredSingularValues).toHaveLength(6);
      expect(doc.eigenvalues).toHaveLength(6);
      for (const e of doc.eigenvalues) expect(e).toHaveLength(2);
      expect(doc.moments).toHaveLength(4);
      expect(Object.keys(doc.quantiles).sort()).toEqual(['0.1', '0.5', '0.9']);
      expect(doc.fractionAboveOne).toBeGreaterThanOrEqual(0);
      expect(doc.fractionAboveOne).toBeLessThanOrEqual(1);
      // m1 is the mean of the listed squared singular values (same data, rounding only).
      const m1 = doc.squaredSingularValues.reduce((s: number, v: number) => s + v, 0) / 6;
      expect(doc.moments[0]).toBeCloseTo(m1, 12);
      expect(doc.at).toBe(at);
    }
  });
});

describe('honest failure', () => {
  it('spectrum --at fixed-points exits 3 with nothing on stdout when the network has no stable fixed point', () => {
    // Raw Cauchy N = 10, L = 1, seed 1: every start ends on a period-5 cycle (Q = 0); the fixed-point
    // property tests verify such reports independently.
    const fp = jesd('fixed-points', '--width', '10', '--depth', '1', '--weights', 'cauchy', '--scaling', 'raw', '--seed', '1', '--starts', '20', '--json');
    expect(fp.status).toBe(0);
    const doc = JSON.parse(fp.stdout);
    expect(doc.Q).toBe(0);
    const r = jesd('spectrum', '--width', '10', '--depth', '1', '--weights', 'cauchy', '--scaling', 'raw', '--seed', '1', '--starts', '20', '--at', 'fixed-points', '--json');
    expect(r.status).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no stable fixed point/);
  });
});

describe('bad input exits 2, names the flag, writes nothing to stdout', () => {
  const cases: [string[], RegExp][] = [
    [['fixed-points', '--width', '0', '--depth', '1'], /--width/],
    [['fixed-points', '--width', '3', '--depth', '-1'], /--depth/],
    [['fixed-points', '--width', '3', '--depth', '1', '--weights', 'stable', '--alpha', '3'], /--alpha/],
    [['fixed-points', '--width', '3', '--depth', '1', '--sigma-w', 'NaN'], /--sigma-w/],
    [['spectrum', '--width', '3', '--depth', '1', '--activation', 'softmax'], /--activation/],
    [['spectrum', '--width', '3', '--depth', '1', '--at', 'nowhere'], /--at/],
  ];
  it.each(cases)('%j', (args, flag) => {
    const r = jesd(...args, '--json');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(flag);
  });
});
