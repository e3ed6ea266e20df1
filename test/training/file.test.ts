import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError } from '../../src/errors.ts';
import { forward } from '../../src/network/network.ts';
import { loadNetworkFile, readNetwork, saveNetworkFile } from '../../src/training/file.ts';
import type { LayeredNet } from '../../src/training/model.ts';
import { matrix } from '../../src/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'jesd-netfile-'));

function net2(): LayeredNet {
  return {
    widths: [2, 2, 2],
    activations: ['sigmoid', 'sigmoid'],
    weights: [matrix(2, 2, Float64Array.from([0.1, -0.2, 1 / 3, Math.PI])), matrix(2, 2, Float64Array.from([1e-300, 2, -3, 4]))],
    biases: [Float64Array.from([0.5, -0.25]), Float64Array.from([0, 1 / 7])],
  };
}

describe('network file', () => {
  it('round-trips every float64 exactly and converts to a Network with the same forward map', () => {
    const p = join(dir, 'a.json');
    const n = net2();
    saveNetworkFile(p, n, { optimizer: 'adam' }, [{ step: 0, loss: 0.5 }]);
    const f = loadNetworkFile(p);
    expect(Array.from(f.net.weights[0]!.data)).toEqual(Array.from(n.weights[0]!.data));
    expect(Array.from(f.net.biases[1]!)).toEqual(Array.from(n.biases[1]!));
    expect(f.training).toEqual({ optimizer: 'adam' });
    const net = readNetwork(p);
    // f(x) by hand: sigmoid(W1 sigmoid(W0 x + b0) + b1)
    const s = (z: number) => 1 / (1 + Math.exp(-z));
    const x = [0.3, 0.7];
    const h = [s(0.1 * 0.3 - 0.2 * 0.7 + 0.5), s((1 / 3) * 0.3 + Math.PI * 0.7 - 0.25)];
    const y = [s(1e-300 * h[0]! + 2 * h[1]!), s(-3 * h[0]! + 4 * h[1]! + 1 / 7)];
    const out = forward(net, Float64Array.from(x));
    expect(out[0]).toBeCloseTo(y[0]!, 14);
    expect(out[1]).toBeCloseTo(y[1]!, 14);
  });

  const bad = (name: string, mutate: (doc: Record<string, unknown>) => unknown, field: RegExp) =>
    it(`rejects ${name} with InvalidSpecError naming the file and field`, () => {
      const p = join(dir, `${name.replace(/\W/g, '_')}.json`);
      saveNetworkFile(p, net2());
      const doc = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
      const out = mutate(doc);
      writeFileSync(p, typeof out === 'string' ? out : JSON.stringify(doc));
      try {
        loadNetworkFile(p);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidSpecError);
        expect((e as Error).message).toContain(p);
        expect((e as Error).message).toMatch(field);
      }
    });
  bad('wrong version', (d) => { d.version = 2; }, /version/);
  bad('wrong format', (d) => { d.format = 'other'; }, /format/);
  bad('missing weights', (d) => { delete d.weights; }, /weights/);
  bad('wrong shape', (d) => { (d.weights as number[][])[1]!.pop(); }, /weights\[1\]/);
  bad('bias length', (d) => { (d.biases as number[][])[0]!.push(1); }, /biases\[0\]/);
  bad('non-finite weight', (d) => { (d.weights as unknown[][])[0]![2] = null; }, /weights\[0\]\[2\]/);
  bad('unknown activation', (d) => { (d.activations as string[])[1] = 'swish'; }, /activations\[1\]/);
  bad('truncated file', () => readFileSync(join(dir, 'a.json'), 'utf8').slice(0, 60), /truncated/);

  it('rejects a missing file and a non-square network for the N -> N conversion', () => {
    expect(() => loadNetworkFile(join(dir, 'nope.json'))).toThrow(/no such file/);
    const p = join(dir, 'rect.json');
    saveNetworkFile(p, { widths: [2, 3], activations: ['tanh'], weights: [matrix(3, 2)], biases: [new Float64Array(3)] });
    expect(() => readNetwork(p)).toThrow(/equal widths/);
  });
});
