import { describe, expect, it } from 'vitest';
import { formatSeconds } from '../../src/montecarlo/progress.ts';

// Expected strings are written out by hand from the format: seconds with one decimal below a minute,
// then whole seconds as XmYYs below an hour, then whole minutes as XhYYm; a carry never shows 60.
describe('formatSeconds', () => {
  it.each([
    [0, '0.0s'], [12.34, '12.3s'], [59.94, '59.9s'], [59.96, '1m00s'], [61, '1m01s'],
    [779.6, '13m00s'], [779.4, '12m59s'], [3599.4, '59m59s'], [3599.7, '1h00m'], [7170, '2h00m'], [5400, '1h30m'],
  ])('%s s -> %s', (s, text) => {
    expect(formatSeconds(s)).toBe(text);
  });
  it('never prints a 60 in the seconds or minutes field', () => {
    for (let s = 0; s < 20000; s += 0.37) expect(formatSeconds(s)).not.toMatch(/[hm]60/);
  });
});
