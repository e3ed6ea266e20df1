// End-to-end: spawn bin/jesd count and check its JSON contract ({method, all: {mean, stderr},
// stable: {mean, stderr}, ess}), width 1, the low-ESS warning and the bad-input exits.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const jesd = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/jesd', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, JESD_QUIET_BACKEND: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('jesd count', () => {
  it('kac-rice at width 1 prints the contract JSON; E[# all] = 1 within 4 standard errors for Gaussian sigma_w = 1 (c(u) is monotone unless |w| > 4)', () => {
    const r = jesd('count', '--width', '1', '--depth', '1', '--samples', '2048', '--seed', '3', '--json', '--quiet');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.method).toBe('kac-rice');
    for (const k of ['all', 'stable']) {
      expect(typeof doc[k].mean).toBe('number');
      expect(doc[k].stderr).toBeGreaterThan(0);
    }
    expect(Math.abs(doc.all.mean - 1)).toBeLessThan(4 * doc.all.stderr);
    expect(doc.ess).toBeGreaterThan(100);
    expect(doc.warning).toBeUndefined();
    expect(doc.spec.N).toBe(1);
  });

  it('multistart prints the same keys and the converged share', () => {
    const r = jesd('count', '--width', '2', '--depth', '2', '--method', 'multistart', '--networks', '10', '--starts', '10', '--json', '--quiet');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.method).toBe('multistart');
    expect(doc.all.mean).toBeGreaterThanOrEqual(1);
    expect(typeof doc.stable.stderr).toBe('number');
    expect(doc.convergedShare).toBeGreaterThan(0.5);
  });

  it('a low effective sample size gives a warning field and a stderr line', () => {
    const r = jesd('count', '--preset', 'study', '--depth', '1', '--proposal', 'broad', '--samples', '256', '--json', '--quiet');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).warning).toMatch(/effective sample size below 100/);
    expect(r.stderr).toMatch(/warning: effective sample size/);
  });

  it('--bias none with kac-rice: exit 2, one stderr line naming --bias, empty stdout', () => {
    const r = jesd('count', '--width', '3', '--depth', '2', '--bias', 'none');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/--bias/);
  });

  it('a non-invertible activation: exit 2 naming --activation', () => {
    const r = jesd('count', '--width', '3', '--depth', '2', '--activation', 'relu');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--activation/);
  });
});
