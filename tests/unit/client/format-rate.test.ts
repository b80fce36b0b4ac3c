import { describe, expect, it } from 'vitest';
import { formatRate } from '../../../client/lib/format';
import { pct1 } from '../../../shared/briefing-text';

describe('formatRate', () => {
  it.each([
    [140 / 320, '43.8%'], // half up, as the briefing prints it (a floor gave 43.7%)
    [29 / 62, '46.8%'],
    [0, '0.0%'],
    [1, '100.0%'],
    [9999 / 10000, '99.9%'], // never 100% while something is still open
    [1 / 3, '33.3%'],
  ])('%f → %s', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });

  it('prints what the briefing text prints for the same counts, below the 100% cap', () => {
    for (let total = 1; total <= 400; total += 7) {
      for (let done = 0; done < total; done += 3) expect(formatRate(done / total)).toBe(`${Math.min(pct1(done / total), 99.9).toFixed(1)}%`);
    }
  });
});
