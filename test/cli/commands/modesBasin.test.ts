// `jesd modes` and `jesd basin`, driven in-process: the JSON contract ({"points": [{"radius", "ci"}]}),
// the exact numbers of the diagonal map sigmoid(8x - 4) (reference: test/fixtures/order-preserving.json,
// scripts/fixtures/gen_order_preserving_fixture.py), network files from the training stage, and
// one-line refusals of bad sample files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveNetworkFile } from '../../../src/training/file.ts';
import { matrix } from '../../../src/types.ts';
import { runCli } from '../../helpers/cli.ts';

const FIX = JSON.parse(readFileSync(new URL('../../fixtures/order-preserving.json', import.meta.url), 'utf8')) as {
  diagonal: { gain: number; fixedPointLow: number; fixedPointHigh: number; slopeStable: number; sampleRadius: number; weightRadiusScale: number }[];
};
const C8 = FIX.diagonal.find((c) => c.gain === 8)!;

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jesd-modes-'));
  process.env.JESD_QUIET_BACKEND = '1';
  // A classifier [3, 5, 2] (tanh, then linear) and an N -> N relu network, as `jesd train` writes them.
  const W0 = matrix(5, 3, Float64Array.from({ length: 15 }, (_, k) => Math.sin(1.3 * k + 0.4)));
  const W1 = matrix(2, 5, Float64Array.from({ length: 10 }, (_, k) => Math.cos(0.7 * k + 0.1)));
  saveNetworkFile(join(dir, 'clf.json'), { widths: [3, 5, 2], activations: ['tanh', 'linear'], weights: [W0, W1], biases: [new Float64Array(5).fill(0.1), new Float64Array(2)] });
  const D = matrix(2, 2, Float64Array.from([8, 0, 0, 8]));
  saveNetworkFile(join(dir, 'diag.json'), { widths: [2, 2], activations: ['sigmoid'], weights: [D], biases: [Float64Array.from([-4, -4])] });
  writeFileSync(join(dir, 'x3.json'), JSON.stringify({ samples: [[0.1, 0.2, 0.3], [-0.5, 0.4, 0.9], [0.7, -0.2, 0.0]] }));
  writeFileSync(join(dir, 'x4.csv'), '0.1,0.2,0.3,0.4\n0.5,0.6,0.7,0.8\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

describe('jesd basin', () => {
  it('--diagonal 8,-4 --width 3: Q = 8 corners, spectral radius 0.166372, sample-space radius 0.4787520 each', async () => {
    const r = await run(['basin', '--diagonal', '8,-4', '--width', '3', '--space', 'sample', '--direction-kind', 'coordinate', '--directions', '12', '--bisection-steps', '12', '--quiet', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.Q).toBe(8);
    expect(doc.points).toHaveLength(8);
    for (const p of doc.points) {
      for (const v of p.x) expect(Math.min(Math.abs(v - C8.fixedPointLow), Math.abs(v - C8.fixedPointHigh))).toBeLessThan(1e-9);
      expect(p.spectralRadius).toBeCloseTo(C8.slopeStable, 9);
      expect(Math.abs(p.radius - C8.sampleRadius)).toBeLessThanOrEqual(p.resolution + 1e-9);
      expect(p.lowerBoundOnly).toBe(false);
      expect(p.ci[0]).toBeLessThanOrEqual(p.radius);
      expect(p.ci[1]).toBeGreaterThanOrEqual(p.radius);
      expect(p.evaluations).toBeGreaterThan(0);
    }
  });

  it('--space weight --direction-kind scale --tau 0: radius 0.5 (bistability of sigmoid(8(1 - eta)(x - 1/2)) ends at eta = 1/2)', async () => {
    const r = await run(['basin', '--diagonal', '8,-4', '--width', '1', '--space', 'weight', '--direction-kind', 'scale', '--tau', '0', '--bisection-steps', '14', '--quiet', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.points).toHaveLength(2);
    for (const p of doc.points) {
      expect(p.radius).toBeLessThanOrEqual(C8.weightRadiusScale + p.resolution);
      expect(p.radius).toBeGreaterThan(C8.weightRadiusScale - 2e-3);
      expect(p.mapEvaluations).toBeGreaterThan(0);
    }
  });

  it('the same network from a network file gives the same radii as --diagonal (same seed)', async () => {
    const a = JSON.parse((await run(['basin', '--network', join(dir, 'diag.json'), '--directions', '6', '--bisection-steps', '8', '--quiet', '--json'])).stdout);
    const plot = join(dir, 'basin.svg');
    const b = JSON.parse((await run(['basin', '--diagonal', '8,-4', '--width', '2', '--directions', '6', '--bisection-steps', '8', '--quiet', '--json', '--plot', plot])).stdout);
    expect(readFileSync(plot, 'utf8')).toMatch(/Sample-space basin radius per stable fixed point/);
    expect(a.Q).toBe(4);
    expect(a.points.map((p: { radius: number }) => p.radius)).toEqual(b.points.map((p: { radius: number }) => p.radius));
  });

  it('--target label on a classifier file: one point per sample, in sample and weight space', async () => {
    for (const space of ['sample', 'weight']) {
      const r = await run(['basin', '--network', join(dir, 'clf.json'), '--target', 'label', '--samples', join(dir, 'x3.json'), '--space', space, '--directions', '8', '--bisection-steps', '6', '--quiet', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.points).toHaveLength(3);
      for (const p of doc.points) {
        expect(p.radius).toBeGreaterThan(0);
        expect(p.ci[0]).toBeLessThanOrEqual(p.radius);
      }
    }
  });

  it('bad input is one line naming the flag, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['basin', '--network', join(dir, 'clf.json'), '--target', 'label', '--samples', join(dir, 'x4.csv')], /--samples.*width 4.*input width is 3/],
      [['basin', '--diagonal', '8', '--width', '2'], /--diagonal/],
      [['basin', '--diagonal', '8,-4', '--width', '2', '--depth', '3'], /--depth/],
      [['basin', '--diagonal', '8,-4', '--width', '2', '--samples', '3'], /--samples/],
      [['basin', '--diagonal', '8,-4', '--width', '2', '--space', 'weight', '--direction-kind', 'coordinate'], /--direction-kind/],
      [['basin', '--network', join(dir, 'clf.json')], /widths/],
      [['modes', '--network', join(dir, 'clf.json'), '--samples', join(dir, 'x4.csv')], /--samples/],
      [['modes', '--network', join(dir, 'clf.json'), '--samples', join(dir, 'missing.json')], /--samples.*no such file/],
      [['modes', '--network', join(dir, 'clf.json'), '--width', '3'], /--width/],
      [['modes', '--width', '3', '--depth', '1', '--delta', '0'], /--delta/],
      [['basin', '--network', join(dir, 'clf.json'), '--target', 'label', '--tolerance', '1e-6'], /--tolerance/],
      [['basin', '--network', join(dir, 'clf.json'), '--target', 'label', '--samples', join(dir, 'x3.json'), '--sample-seed', '2'], /--sample-seed/],
    ];
    for (const [argv, msg] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      expect(lines, argv.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(msg);
    }
  });
});

describe('jesd modes', () => {
  it('census per layer of a network file over a sample file, with the substitution check', async () => {
    const r = await run(['modes', '--network', join(dir, 'clf.json'), '--samples', join(dir, 'x3.json'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.samples).toBe(3);
    expect(doc.layers.map((l: { width: number }) => l.width)).toEqual([5, 2]);
    // The linear output layer is all OPT; replacing OPT units by tangents leaves a linear layer unchanged.
    expect(doc.layers[1].opt).toBe(2);
    for (const l of doc.layers) expect(l.opt + l.npt).toBe(l.width);
    expect(doc.linearSubstitution.nptByLayer).toHaveLength(2);
  });

  it('relu network from flags: OPT and dead units replaced by tangents change nothing; --plot writes an SVG', async () => {
    const plot = join(dir, 'census.svg');
    const r = await run(['modes', '--width', '30', '--depth', '5', '--activation', 'relu', '--samples', '100', '--plot', plot, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.layers).toHaveLength(5);
    expect(doc.linearSubstitution.optAndDead.maxAbsChange).toBe(0);
    expect(readFileSync(plot, 'utf8')).toMatch(/<svg[^>]*>[\s\S]*OPT \(active on every sample\)/);
  });
});
