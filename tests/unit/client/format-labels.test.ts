/** The one date-time formatter and the one set of code labels the screens share (client/lib). */
import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../../../client/lib/format';
import { levelName, sectorName, sourceName, statusName } from '../../../client/lib/labels';
import { SECTORS } from '../../../shared/domain';

describe('formatDateTime', () => {
  it('writes an instant on the region’s wall clock, minutes precision', () => {
    expect(formatDateTime('2024-11-18T01:30:59Z')).toBe('2024-11-18 09:30'); // Asia/Shanghai by default
    expect(formatDateTime('2024-11-18T23:05:00+08:00', 'Asia/Shanghai')).toBe('2024-11-18 23:05');
    expect(formatDateTime('2024-11-18T16:00:00Z', 'Asia/Shanghai')).toBe('2024-11-19 00:00'); // h23, never 24:00
    expect(formatDateTime('2024-11-18T01:30:00Z', 'UTC')).toBe('2024-11-18 01:30'); // the time zone is honoured, not fixed
  });

  it('shows a string that is not a time as it is', () => {
    expect(formatDateTime('not a time')).toBe('not a time');
  });
});

describe('code labels', () => {
  it('every sector in Chinese and in English; an unknown code as it is', () => {
    for (const s of SECTORS) {
      expect(sectorName(s.code, 'zh')).toBe(s.zh);
      expect(sectorName(s.code, 'en')).toBe(s.en);
    }
    expect(sectorName('no-such-sector', 'zh')).toBe('no-such-sector');
  });

  it('levels, statuses and sources', () => {
    expect(levelName('major', 'zh')).toBe('重大隐患');
    expect(levelName('major', 'en')).toMatch(/major/i);
    expect(statusName('rectifying', 'zh')).toBe('整改中');
    expect(sourceName(undefined, 'zh')).toBe('');
  });
});
