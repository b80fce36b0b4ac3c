import { describe, expect, it } from 'vitest';
import { binOf, binsFor } from '../../../client/lib/scale';

describe('binsFor', () => {
  it.each([
    [0, [[1, 1]]],
    [3, [[1, 1], [2, 2], [3, 3]]],
    [9, [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]],
    [67, [[1, 20], [21, 40], [41, 60], [61, 80]]],
    [1234, [[1, 500], [501, 1000], [1001, 1500]]],
  ] as const)('max %s → %j', (max, ranges) => {
    expect(binsFor('majorOpen', max).map((b) => [b.from, b.to])).toEqual(ranges);
  });

  it('always ends on the darkest class and keeps overdue on the red ramp', () => {
    const major = binsFor('majorOpen', 3);
    const overdue = binsFor('overdue', 3);
    expect(major.at(-1)!.color).toBe('#c2410c');
    expect(overdue.at(-1)!.color).toBe('#991b1b');
    expect(new Set(major.map((b) => b.color)).size).toBe(3);
  });

  it('binOf puts zero in no class and the top value in the last', () => {
    const bins = binsFor('overdue', 67);
    expect(binOf(bins, 0)).toBeNull();
    expect(binOf(bins, 1)).toBe(bins[0]);
    expect(binOf(bins, 67)).toBe(bins.at(-1));
  });
});
