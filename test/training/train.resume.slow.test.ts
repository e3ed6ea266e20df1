// End-to-end: `jesd train` killed with SIGKILL mid-training and resumed with --resume ends with
// bit-identical weights to an uninterrupted run (minibatch SGD with momentum, and Adam), and the
// "Bad input" contract of `jesd train` / `--network FILE` (exit status, one stderr line).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'jesd-resume-'));
const jesd = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/jesd', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, JESD_QUIET_BACKEND: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

async function killWhenCheckpointed(args: string[], ckpt: string, out: string): Promise<boolean> {
  const child = spawn(process.execPath, ['bin/jesd', ...args], { cwd: root, stdio: 'ignore' });
  let killedMidRun = false;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (existsSync(ckpt)) {
        killedMidRun = !existsSync(out);
        child.kill('SIGKILL');
        clearInterval(timer);
      }
    }, 5);
    child.on('exit', () => {
      clearInterval(timer);
      resolve();
    });
  });
  return killedMidRun;
}

describe('jesd train --resume after SIGKILL', () => {
  for (const opt of [['--optimizer', 'sgd', '--batch', '7', '--momentum', '0.9', '--lr', '0.5'], ['--optimizer', 'adam', '--lr', '0.01']]) {
    it(`gives bit-identical weights (${opt.join(' ')})`, async () => {
      const tag = opt[1]!;
      const common = ['train', '--width', '24', '--depth', '4', '--patterns', '20', '--steps', '6000', '--checkpoint-every', '100', '--seed', '5', '--quiet', ...opt];
      const full = join(dir, `${tag}-full.json`);
      expect(jesd(...common, '--out', full).status).toBe(0);
      const cut = join(dir, `${tag}-cut.json`);
      const killed = await killWhenCheckpointed([...common, '--out', cut], `${cut}.ckpt.json`, cut);
      expect(killed).toBe(true);
      expect(existsSync(cut)).toBe(false);
      const r = jesd(...common, '--out', cut, '--resume', '--json');
      expect(r.status).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.resumedFrom).toBeGreaterThan(0);
      const a = JSON.parse(readFileSync(full, 'utf8'));
      const b = JSON.parse(readFileSync(cut, 'utf8'));
      expect(b.weights).toEqual(a.weights);
      expect(b.biases).toEqual(a.biases);
      expect(existsSync(`${cut}.ckpt.json`)).toBe(false);
    }, 60_000);
  }
});

describe('jesd train: bad input', () => {
  it('a data file whose dimension differs from the width: exit 2, one line naming --data', () => {
    const f = join(dir, 'd.json');
    writeFileSync(f, JSON.stringify([[0.1, 0.9, 0.1], [0.9, 0.1, 0.9]]));
    const r = jesd('train', '--width', '4', '--data', 'file', '--data-file', f, '--out', join(dir, 'x.json'));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--data: data dimension 3 differs from the network input width 4/);
  });
  it('a non-finite entry in a CSV data file: exit 2 naming the line', () => {
    const f = join(dir, 'd.csv');
    writeFileSync(f, '0.1,0.9\n0.5,nan\n');
    const r = jesd('train', '--width', '2', '--data', 'file', '--data-file', f, '--out', join(dir, 'x.json'));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/line 2.*not a finite number/);
  });
  it('a diverging training: exit 3 with the step and the learning rate, the last good checkpoint kept intact', () => {
    const out = join(dir, 'div.json');
    const r = jesd('train', '--width', '8', '--depth', '1', '--activation', 'linear', '--optimizer', 'gd', '--lr', '50', '--steps', '400', '--checkpoint-every', '2', '--out', out, '--quiet');
    expect(r.status).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/diverged at step \d+ .*learning rate 50/);
    expect(existsSync(out)).toBe(false);
    const ck = JSON.parse(readFileSync(`${out}.ckpt.json`, 'utf8'));
    expect(ck.weights.flat().every(Number.isFinite)).toBe(true);
  });
  it('--network with a missing, truncated or wrong-version file: exit 2 naming the file', () => {
    const good = join(dir, 'g.json');
    expect(jesd('train', '--width', '3', '--depth', '1', '--steps', '1', '--out', good, '--quiet').status).toBe(0);
    const text = readFileSync(good, 'utf8');
    const trunc = join(dir, 't.json');
    writeFileSync(trunc, text.slice(0, text.length >> 1));
    const v2 = join(dir, 'v2.json');
    writeFileSync(v2, text.replace('"version":1', '"version":2'));
    for (const [f, re] of [[join(dir, 'none.json'), /no such file/], [trunc, /truncated/], [v2, /version/]] as const) {
      const r = jesd('fixed-points', '--network', f, '--starts', '5');
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(f.split('/').pop()!);
      expect(r.stderr).toMatch(re);
    }
    const r = jesd('fixed-points', '--network', good, '--width', '3');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--width: does not apply with --network FILE/);
  });
});
