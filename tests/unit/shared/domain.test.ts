import { describe, expect, it } from 'vitest';
import { LEVEL_CODES, SECTOR_CODES, STATUS_CODES, allowedNext, checkTransition, isOpen, type Level, type Status } from '../../../shared/domain';
import { LAWFUL } from '../../helpers/stream';

// LAWFUL is the lifecycle of CONTRACT.md written out by hand: the reference the code is checked against.
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

  it('has the 18 sectors of DOMAIN.md', () => {
    expect(SECTOR_CODES).toHaveLength(18);
    expect(new Set(SECTOR_CODES).size).toBe(18);
  });
});
