/**
 * The training loop (theory/07-training.md (7.1)-(7.8)) against an independent NumPy implementation:
 * test/fixtures/training-numpy.json, written by scripts/fixtures/gen_training_fixture.py (NumPy;
 * initial weights and data from NumPy's generator). Cases: widths 6-6-6 sigmoid autoencoder,
 * 5-7-3 tanh/sigmoid supervised pairs with ridge 0.01, 4-4-4-4 erf/linear/tanh autoencoder with
 * ridge 0.001; full-batch gd with momentum and Adam. Tolerance 1e-9 absolute on every weight and
 * bias after 100-200 steps (both sides are float64; the difference is rounding order only).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ActivationName } from '../../src/spec/networkSpec.ts';
import type { LayeredNet } from '../../src/training/model.ts';
import { DEFAULT_TRAIN, train, type OptimizerName } from '../../src/training/train.ts';
import { matrix } from '../../src/types.ts';

interface Case {
  widths: number[]; activations: ActivationName[]; P: number; autoencoder: boolean; weightDecay: number; steps: number; momentum: number;
  lr: Record<'gd' | 'adam', number>;
  init: { weights: number[][]; biases: number[][] };
  inputs: number[][]; targets: number[][] | null;
  results: Record<'gd' | 'adam', { weights: number[][]; biases: number[][]; finalLoss: number }>;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/training-numpy.json', import.meta.url), 'utf8')) as { cases: Case[] };
const rows = (r: number[][]) => matrix(r.length, r[0]!.length, Float64Array.from(r.flat()));

describe('training matches NumPy', () => {
  fixture.cases.forEach((c, ci) => {
    for (const opt of ['gd', 'adam'] as const) {
      it(`case ${ci} (widths ${c.widths.join('-')}, ${c.activations.join('/')}, ${c.autoencoder ? 'autoencoder' : 'supervised'}, ridge ${c.weightDecay}), ${opt}`, () => {
        const net: LayeredNet = {
          widths: c.widths, activations: c.activations,
          weights: c.init.weights.map((w, l) => matrix(c.widths[l + 1]!, c.widths[l]!, Float64Array.from(w))),
          biases: c.init.biases.map((b) => Float64Array.from(b)),
        };
        const res = train({
          init: { widths: c.widths, activation: c.activations[0]!, outputActivation: c.activations[c.activations.length - 1]!, weights: { name: 'gaussian', scale: 1 }, bias: null, scaling: 'natural', seed: 1 },
          initialNet: net,
          config: { ...DEFAULT_TRAIN, optimizer: opt as OptimizerName, lr: c.lr[opt], steps: c.steps, momentum: opt === 'gd' ? c.momentum : 0, weightDecay: c.weightDecay },
          inputs: rows(c.inputs), targets: c.targets === null ? null : rows(c.targets), out: null, checkpointEvery: 0, resume: false,
        });
        const ref = c.results[opt];
        res.net.weights.forEach((w, l) => w.data.forEach((v, i) => expect(Math.abs(v - ref.weights[l]![i]!)).toBeLessThan(1e-9)));
        res.net.biases.forEach((b, l) => b.forEach((v, i) => expect(Math.abs(v - ref.biases[l]![i]!)).toBeLessThan(1e-9)));
        expect(Math.abs(res.finalLoss - ref.finalLoss)).toBeLessThan(1e-12 + 1e-9 * ref.finalLoss);
      });
    }
  });
});
