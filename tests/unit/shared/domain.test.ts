import { describe, expect, it } from 'vitest';
import { LEVEL_CODES, SECTOR_CODES, STATUS_CODES, allowedNext, checkTransition, isOpen, sectorLabel, type Level, type Status } from '../../../shared/domain';
import { LAWFUL } from '../../helpers/stream';

// LAWFUL is the lifecycle of docs/DOMAIN.md written out by hand: the reference the code is checked against.
const lawful = (from: Status, level: Level, to: Status) => LAWFUL.some(([f, t, ls]) => f === from && t === to && ls.includes(level));
const expectedNext = (from: Status, level: Level) => STATUS_CODES.filter((to) => lawful(from, level, to));

const TRIPLES = STATUS_CODES.flatMap((from) => LEVEL_CODES.flatMap((level) => STATUS_CODES.map((to) => ({ from, level, to, ok: lawful(from, level, to) }))));

describe('lifecycle', () => {
  it('covers every (status, level, to) triple', () => {
    expect(TRIPLES).toHaveLength(5 * 2 * 5);
    expect(TRIPLES.filter((t) => t.ok)).toHaveLength(11);
  });

  it.each(TRIPLES)('$from → $to ($level): allowed $ok', ({ from, level, to, ok }) => {
    const check = checkTransition(from, level, to);
    expect(check.ok).toBe(ok);
    if (check.ok) return;
    // the 409 names the current status, the target and every allowed next status — nothing else
    expect(check.allowed.sort()).toEqual(expectedNext(from, level).sort());
    expect(check.message).toContain(`from ${from} to ${to}`);
    const listed = /allowed next: (.*)$/.exec(check.message)?.[1];
    expect(listed).toBeDefined();
    if (check.allowed.length === 0) expect(listed).toMatch(/^none/);
    else expect(listed!.split(', ').sort()).toEqual(expectedNext(from, level).sort());
  });

  it.each(STATUS_CODES.flatMap((s) => LEVEL_CODES.map((l) => [s, l] as const)))('allowedNext(%s, %s)', (status, level) => {
    expect(allowedNext(status, level).sort()).toEqual(expectedNext(status, level).sort());
  });

  it('says why a major hazard cannot be fixed on the spot', () => {
    const check = checkTransition('reported', 'major', 'rectified');
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toMatch(/general hazards only/);
  });

  it.each([
    ['reported', true], ['rectifying', true], ['rectified', false], ['closed', false], ['rejected', false],
  ] as const)('isOpen(%s) = %s', (status, open) => {
    expect(isOpen(status)).toBe(open);
  });

  it('has the 20 sectors of docs/DOMAIN.md, the first 17 codes as before and 其他 last', () => {
    expect(SECTOR_CODES).toHaveLength(20);
    expect(new Set(SECTOR_CODES).size).toBe(20);
    // stored hazards keep their codes: the codes of the first round are all still there
    for (const c of ['coal', 'noncoal', 'hazchem', 'fireworks', 'indtrade', 'fire', 'construction', 'gas', 'road', 'water_transport',
      'explosives', 'special_equipment', 'power', 'tourism', 'campus', 'catering', 'agriculture', 'other']) expect(SECTOR_CODES).toContain(c);
    expect(SECTOR_CODES.at(-1)).toBe('other');
  });

  it.each([
    ['tourism', '文化和旅游'], ['campus', '教育（校园）'], ['catering', '住宿餐饮'], ['agriculture', '农业机械、渔业船舶'],
    ['water_conservancy', '水利'], ['urban_rail', '城市轨道交通'],
  ])('%s is written %s', (code, zh) => {
    expect(sectorLabel(code)).toBe(zh);
  });
});
