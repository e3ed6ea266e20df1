/**
 * Verdict rules of the trained-network claims (src/report/claims/): every branch of T1, T2 and A1
 * on hand-made tables, and Kendall's tau against values counted by hand.
 */
import { describe, expect, it } from 'vitest';
import { kendallTau, t1Verdict, t2Verdict, type T2Row } from '../../../src/report/claims/training.ts';
import { a1Verdict, type A1Level } from '../../../src/report/claims/restoration.ts';
import type { TrainSweepRow } from '../../../src/trainsweep/sweep.ts';

const row = (depth: number, meanQ: number, pQAbove1: number, shareTrained = 1): TrainSweepRow => ({
  width: 32, depth, weights: 'cauchy', alpha: null, sigmaW: 0.125, scaling: 'raw', optimizer: 'adam', lr: 0.01, batch: 0, momentum: 0, steps: 3000,
  networks: 4, diverged: 0, meanQ, stderrQ: 0.5, pQAbove1, meanFinalLoss: 1e-3, shareTrained, lossThreshold: 1e-3, trainedNetworks: 4,
  meanQTrained: meanQ, stderrQTrained: 0.5, shareAttractors: 1, meanSpurious: 0, meanRestored20: 0.5,
  meanHillBefore: 1, meanHillAfter: 1.2, meanPowerLawBefore: null, meanPowerLawAfter: null,
});

const t2 = (ratio: number, hillAfter: number | null, se = 0.1, hillBefore = 6): T2Row => ({
  lr: ratio, batch: 1, ratio, networks: 3, diverged: hillAfter === null ? 3 : 0, hillBefore, hillAfter,
  hillChange: hillAfter === null ? null : hillAfter - hillBefore, hillChangeStderr: hillAfter === null ? null : se,
  powerLawBefore: null, powerLawAfter: null, meanQ: 10, stderrQ: 1, meanFinalLoss: 1e-4, shareTrained: 1,
});

const level = (damage: string, successes: number, trials: number, lower: number): A1Level => ({ damage, successes, trials, rate: successes / trials, lower, upper: 1, meanDistance: 0.1 });

describe('trained-network claim verdicts', () => {
  it('T1: rise then fall to 1; interior peak without the fall; monotone', () => {
    expect(t1Verdict([row(1, 3, 0.5), row(4, 9, 1), row(16, 1.05, 0.05, 0)]).verdict).toBe('reproduced');
    expect(t1Verdict([row(1, 3, 0.5), row(4, 9, 1), row(16, 4, 0.8)]).verdict).toBe('partly reproduced');
    expect(t1Verdict([row(1, 9, 1), row(4, 5, 1), row(16, 1, 0)]).verdict).toBe('not reproduced');
    expect(t1Verdict([]).verdict).toBe('not run');
    expect(t1Verdict([row(1, 3, 0.5), row(4, 9, 1), row(16, 1.05, 0.05, 0)]).evidence).toContain('max mean Q = 9 at L=4 (interior');
  });

  it('T2: heavier and falling; only one of the two; neither; all diverged', () => {
    expect(t2Verdict([t2(0.1, 5.9), t2(1, 5), t2(10, 3)]).verdict).toBe('reproduced');
    // Falls with eta / B but the last point is within 2 s.e. of the initial index.
    expect(t2Verdict([t2(0.1, 8), t2(1, 7), t2(10, 5.9, 0.1)]).verdict).toBe('partly reproduced');
    // Heavier at the largest ratio but no downward trend (tau = +1/3).
    expect(t2Verdict([t2(0.1, 3), t2(1, 5), t2(10, 4)]).verdict).toBe('partly reproduced');
    expect(t2Verdict([t2(0.1, 5), t2(1, 6), t2(10, 7)]).verdict).toBe('not reproduced');
    expect(t2Verdict([t2(0.1, null), t2(1, null)]).verdict).toBe('not run');
  });

  it("Kendall's tau by hand", () => {
    expect(kendallTau([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(kendallTau([1, 2, 3], [3, 5, 4])).toBeCloseTo(1 / 3, 15); // pairs: (1,2) +, (1,3) +, (2,3) -
    expect(kendallTau([1, 2, 3, 4], [1, 1, 2, 0])).toBeCloseTo(-1 / 6, 15); // +0, +1, -1, +1, -1, -1 over 6
  });

  it('A1: every level above chance; some; none; flip:0 is not counted', () => {
    const undamaged = level('flip:0', 50, 50, 0.93);
    expect(a1Verdict([undamaged, level('flip:10', 30, 50, 0.46), level('block:4', 20, 50, 0.27)], 10, 1e-6).verdict).toBe('reproduced');
    expect(a1Verdict([undamaged, level('flip:10', 30, 50, 0.46), level('block:4', 3, 50, 0.02)], 10, 1e-6).verdict).toBe('partly reproduced');
    expect(a1Verdict([undamaged, level('flip:10', 3, 50, 0.02)], 10, null).verdict).toBe('not reproduced');
    expect(a1Verdict([undamaged], 10, null).verdict).toBe('not run');
  });
});
