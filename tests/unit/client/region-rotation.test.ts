import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { normalizeRegion, rotationSlot, useWallRegion } from '../../../client/composables/useWallRegion';
import { useClockStore } from '../../../client/stores/clock.store';
import { placeText } from '../../../client/lib/labels';

describe('normalizeRegion', () => {
  it.each([
    ['141100', '140000', '141100'],
    ['141102', '140000', '141100'],
    // a development zone shows its city, as a county does
    ['140471', '140000', '140400'],
    ['140471', '140400', '140400'],
    ['140000', '140000', '140000'],
    ['999999', '140000', null],
    ['140100', '141100', null],
    [null, '140000', null],
  ] as const)('%s within %s → %s', (code, home, expected) => {
    expect(normalizeRegion(code, home)).toBe(expected);
  });
});

describe('placeText: where a hazard is, in a list (ticker, overdue list, ledger)', () => {
  it.each([
    ['141102', '吕梁市 离石区'],
    // a development zone is named with its city, as a county is
    ['140471', '长治市 长治高新区'],
    ['140171', '太原市 转型综改示范区'],
    ['141100', '吕梁市'],
  ])('%s → %s', (code, text) => {
    expect(placeText(code)).toBe(text);
  });
});

describe('rotation', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    setActivePinia(createPinia());
  });
  afterEach(() => {
    useClockStore().stop();
    vi.useRealTimers();
  });

  it('is a pure function of the clock', () => {
    expect(rotationSlot(0, 30, 12)).toBe(0);
    expect(rotationSlot(29_999, 30, 12)).toBe(0);
    expect(rotationSlot(30_000, 30, 12)).toBe(1);
    expect(rotationSlot(12 * 30_000, 30, 12)).toBe(0);
  });

  it('walks the province and its 11 cities for many cycles, one slot per period', () => {
    const clock = useClockStore();
    clock.start();
    const wall = useWallRegion('140000', '?rotate=30');
    const seen: string[] = [];
    for (let i = 0; i < 12 * 50; i++) {
      seen.push(wall.region.value);
      vi.advanceTimersByTime(30_000);
    }
    expect(seen.slice(0, 12)).toEqual(['140000', '140100', '140200', '140300', '140400', '140500', '140600', '140700', '140800', '140900', '141000', '141100']);
    expect(seen.slice(-12)).toEqual(seen.slice(0, 12));
    expect(vi.getTimerCount()).toBe(1);
  });

  it('is off without ?rotate and never rotates a city scope', () => {
    useClockStore().start();
    expect(useWallRegion('140000', '').rotating.value).toBe(false);
    expect(useWallRegion('141100', '?rotate=30').rotating.value).toBe(false);
  });
});
