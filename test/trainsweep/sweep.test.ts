/**
 * Summary of a training sweep (src/trainsweep/sweep.ts) on hand-made records, against values computed
 * by hand: mean Q and its standard error, P(Q > 1), the trained share with diverged networks
 * counted as not trained, Q among trained networks, and the fall depth rule. Also the --init grammar.
 */
import { describe, expect, it } from 'vitest';
import { fallDepth, summarizeTrainSweep, type TrainSweepRecord, type TrainSweepRow } from '../../src/trainsweep/sweep.ts';
import { parseInit } from '../../src/cli/commands/trainSweep.ts';
import { InvalidSpecError } from '../../src/errors.ts';

const rec = (network: number, Q: number | null, finalLoss: number | null, depth = 2): TrainSweepRecord => ({
  width: 4, depth, weights: 'gaussian', alpha: null, sigmaW: 4, scaling: 'natural', optimizer: 'adam', lr: 0.01, batch: 0, momentum: 0, steps: 10,
  network, seed: 1 + network, patterns: 2, starts: 5, diverged: finalLoss === null, divergedAt: finalLoss === null ? 3 : null, finalLoss,
  trained: finalLoss !== null && finalLoss < 1e-3, Q, cycles: 0, unsettledShare: 0, attractors: Q === null ? null : 1, spurious: 0, restored20: 0.5,
  hillBefore: 6, hillAfter: 4, powerLawBefore: null, powerLawAfter: 3,
});

describe('training sweep summary', () => {
  it('means, standard errors and shares by hand', () => {
    // Q = 1, 3, 5 with losses 1e-4, 1e-2, 1e-5 (two trained), and one diverged network.
    const [row] = summarizeTrainSweep([rec(3, null, null), rec(2, 5, 1e-5), rec(0, 1, 1e-4), rec(1, 3, 1e-2)], 1e-3);
    expect(row!.networks).toBe(4);
    expect(row!.diverged).toBe(1);
    expect(row!.meanQ).toBeCloseTo(3, 14);
    expect(row!.stderrQ).toBeCloseTo(2 / Math.sqrt(3), 14); // sd of 1, 3, 5 is 2
    expect(row!.pQAbove1).toBeCloseTo(2 / 3, 14);
    expect(row!.meanFinalLoss).toBeCloseTo((1e-4 + 1e-2 + 1e-5) / 3, 16);
    expect(row!.shareTrained).toBe(0.5);
    expect(row!.trainedNetworks).toBe(2);
    expect(row!.meanQTrained).toBeCloseTo(3, 14);
    expect(row!.stderrQTrained).toBeCloseTo(2, 14); // sd of 1, 5 is 2*sqrt(2), over sqrt(2)
    expect(row!.shareAttractors).toBeCloseTo(0.5, 14);
    expect(row!.meanHillAfter).toBe(4);
    expect(row!.meanPowerLawBefore).toBeNull();
  });

  it('fall depth: smallest depth from which on mean Q <= 1.1', () => {
    const rows = (qs: [number, number][]) => qs.map(([depth, meanQ]) => ({ depth, meanQ }) as TrainSweepRow);
    expect(fallDepth(rows([[1, 5], [8, 9], [16, 1.05], [24, 1]]))).toBe(16);
    expect(fallDepth(rows([[1, 1], [8, 9], [16, 1.2], [24, 1]]))).toBe(24);
    expect(fallDepth(rows([[1, 1], [8, 9], [16, 1], [24, 2]]))).toBeNull();
  });

  it('--init grammar', () => {
    expect(parseInit('gaussian:4')).toEqual({ name: 'gaussian', alpha: null, scale: 4, scaling: 'natural' });
    expect(parseInit('cauchy:0.125:raw')).toEqual({ name: 'cauchy', alpha: null, scale: 0.125, scaling: 'raw' });
    expect(parseInit('stable(1.5):4')).toEqual({ name: 'stable', alpha: 1.5, scale: 4, scaling: 'natural' });
    for (const bad of ['stable:4', 'gaussian(2):4', 'gaussian:-1', 'gaussian:4:wide', 'normal:4', 'gaussian']) {
      expect(() => parseInit(bad), bad).toThrow(InvalidSpecError);
    }
  });
});
