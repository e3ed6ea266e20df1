import { describe, expect, it } from 'vitest';
import { stream, streamState } from '../../src/random/rng.ts';

describe('seeded streams', () => {
  it('are deterministic: the same (seed, path) gives the same numbers', () => {
    const a = stream(7, 1, 2, 3);
    const b = stream(7, 1, 2, 3);
    for (let i = 0; i < 100; i++) expect(a.uniform()).toBe(b.uniform());
  });
  it('differ across paths and seeds', () => {
    expect(streamState(7, [1, 2])).not.toEqual(streamState(7, [2, 1]));
    expect(streamState(7, [1])).not.toEqual(streamState(8, [1]));
    expect(streamState(7, [])).not.toEqual(streamState(7, [0]));
  });
  it('pins the first output of a stream so any platform drift is caught', () => {
    // A golden value, not a computed result: xoroshiro128+ is pure 32-bit integer arithmetic, so
    // these numbers are identical on every machine. If this fails, the stream derivation changed
    // and every seeded result of the project changes with it (bump the results format version).
    const r = stream(0);
    expect(r.uint32()).toBe(279553962);
    expect(r.uniform()).toBe(0.8574976029636882);
    expect(stream(42, 1, 2).normal()).toBe(0.6195537923833857);
  });
  it('uniform has mean 1/2 and variance 1/12; normal has mean 0 and variance 1 (5 sigma)', () => {
    const r = stream(123, 4);
    const n = 200_000;
    let s = 0, s2 = 0, g = 0, g2 = 0, g4 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      s += u; s2 += u * u;
      const z = r.normal();
      g += z; g2 += z * z; g4 += z ** 4;
    }
    expect(Math.abs(s / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(s2 / n - 1 / 3)).toBeLessThan(5 * Math.sqrt(4 / 45 / n));
    expect(Math.abs(g / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(g2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(g4 / n - 3)).toBeLessThan(5 * Math.sqrt(96 / n));
  });
});
