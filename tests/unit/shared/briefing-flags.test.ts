import { describe, expect, it } from 'vitest';
import type { Source } from '../../../shared/domain';
import { RULES } from '../../../shared/briefing-flags';
import { childrenOf } from '../../../shared/regions';
import { simBriefing, type SimEvent, type SimHazard } from '../../helpers/briefing-sim';

const WEEK = { from: '2024-11-11', to: '2024-11-17' };
const PREV_DAY = '2024-11-06T02:00:00Z';
const DAY = '2024-11-13T02:00:00Z';
const H = 3_600_000;

let seq = 0;
function many(n: number, regionCode: string, source: Source, at = DAY, events: (t: number) => SimEvent[] = () => []): SimHazard[] {
  return Array.from({ length: n }, () => {
    const t = Date.parse(at);
    return { id: `F-${++seq}`, regionCode, sector: 'coal', level: 'general', source, discoveredAt: t, deadline: null, events: events(t) } as SimHazard;
  });
}
const closedAfter = (hours: number) => (t: number): SimEvent[] => [{ at: t + H, to: 'rectifying' }, { at: t + hours * H * 0.5, to: 'rectified' }, { at: t + hours * H, to: 'closed' }];

/** Every county of 吕梁 reports something by self-check, except those named. */
const baseline = (except: string[] = []) =>
  childrenOf('141100').filter((c) => !except.includes(c.code)).flatMap((c) => many(3, c.code, 'self_check'));

describe('briefing flags', () => {
  it('a county that reported nothing is a blind spot, with the numbers', () => {
    const b = simBriefing([...baseline(['141102']), ...many(4, '141102', 'self_check', PREV_DAY)], '141100', WEEK);
    const blind = b.flags.filter((f) => f.rule === 'blind_spot');
    expect(blind).toEqual([{ rule: 'blind_spot', region: '141102', numbers: { new: 0, previousNew: 4 }, message: '离石区本期无隐患上报（上期4项），请核实是否存在盲区' }]);
    expect(b.text).toContain('离石区本期无隐患上报');
  });

  it('the province names the silent counties city by city', () => {
    const b = simBriefing(baseline(['141102', '141124']), '140000', WEEK);
    const f = b.flags.find((x) => x.rule === 'blind_spot_counties' && x.region === '141100');
    expect(f).toMatchObject({ regions: ['141102', '141124'], numbers: { counties: 2, of: 13 } });
    // the other ten cities reported nothing at all: blind spots themselves
    expect(b.flags.filter((x) => x.rule === 'blind_spot')).toHaveLength(10);
  });

  it.each([
    ['fires under the threshold', 3, 22, true],
    ['quiet at the threshold', 5, 20, false],
    ['quiet on a small sample', 1, 10, false],
  ])('low self-check share %s', (_name, self, others, fires) => {
    const b = simBriefing([...many(self, '140702', 'self_check'), ...many(others, '140702', 'inspection')], '140700', WEEK);
    const f = b.flags.find((x) => x.rule === 'low_self_check' && x.region === '140702');
    if (!fires) return expect(f).toBeUndefined();
    expect(f?.numbers).toEqual({ selfCheck: self, new: self + others, share: self / (self + others), threshold: RULES.selfCheckMinShare });
    expect(f?.message).toContain(`${self}项`);
  });

  it.each([
    ['fires at 30 % and above', 9, 21, true],
    ['quiet below', 8, 22, false],
  ])('many upper-level spot-check findings: %s', (_name, spot, self, fires) => {
    const b = simBriefing([...many(spot, '140702', 'spot_check'), ...many(self, '140702', 'self_check')], '140700', WEEK);
    const f = b.flags.find((x) => x.rule === 'spot_check_high' && x.region === '140702');
    expect(Boolean(f)).toBe(fires);
    if (f) expect(f.numbers).toMatchObject({ spotCheck: spot, new: spot + self, threshold: RULES.spotCheckMaxShare });
  });

  it.each([
    ['all closed within 2 h', 12, 0, 2, true],
    ['all closed, median 30 h', 12, 0, 30, false],
    ['closure 12 of 14 (85.7 %)', 12, 2, 2, false],
  ])('closure near 100 %% with a short median time: %s', (_name, closed, open, hours, fires) => {
    const b = simBriefing([...many(closed, '140702', 'self_check', DAY, closedAfter(hours)), ...many(open, '140702', 'self_check')], '140700', WEEK);
    const f = b.flags.find((x) => x.rule === 'fast_closure' && x.region === '140702');
    expect(Boolean(f)).toBe(fires);
    if (f) expect(f.numbers).toEqual({ new: closed + open, closed, share: 1, medianHours: hours, shareThreshold: 0.95, hoursThreshold: 24 });
  });

  it('a source that fell silent', () => {
    const b = simBriefing([...many(6, '140702', 'public_report', PREV_DAY), ...many(3, '140702', 'self_check')], '140700', WEEK);
    const f = b.flags.filter((x) => x.rule === 'source_silent');
    // silent in the city as a whole: one flag for the city, none repeated for the county
    expect(f).toEqual([expect.objectContaining({ region: '140700', source: 'public_report', numbers: { previous: 6, current: 0 } })]);
    expect(f[0]!.message).toBe('晋中市“群众举报（12350）”上期上报6项，本期无上报，上报来源中断');
  });

  it('a county briefing flags the county itself when it reported nothing', () => {
    const b = simBriefing(many(2, '140702', 'self_check', PREV_DAY), '140702', WEEK, 'en');
    expect(b.flags).toEqual([expect.objectContaining({ rule: 'blind_spot', region: '140702', numbers: { new: 0, previousNew: 2 } })]);
    expect(b.text).toContain('no hazard reported in 榆次区');
  });
});

describe('the second-round flags, each with its rule and numbers', () => {
  const of = (n: number, regionCode: string, over: Partial<SimHazard> = {}): SimHazard[] =>
    many(n, regionCode, 'self_check').map((h) => ({ ...h, ...over }));

  it('a coal city with no coal hazard in the period: sector_absent', () => {
    const b = simBriefing(of(25, '140602', { sector: 'fire' }), '140600', WEEK);
    expect(b.flags.find((f) => f.rule === 'sector_absent' && f.region === '140600')).toMatchObject({
      sector: 'coal', numbers: { sectorNew: 0, new: 25, minSample: RULES.minSample },
      message: '朔州市为煤矿重点地区，本期新增隐患25项中煤矿为0项，请核实是否漏报',
    });
    expect(simBriefing(of(25, '140602'), '140600', WEEK).flags.some((f) => f.rule === 'sector_absent' && f.region === '140600')).toBe(false);
  });

  it('a county reporting far less than its peers: few_reports', () => {
    const counties = childrenOf('141100').map((c) => c.code);
    const all = counties.flatMap((c) => many(c === '141102' ? 1 : 20, c, 'self_check'));
    const f = simBriefing(all, '141100', WEEK).flags.filter((x) => x.rule === 'few_reports');
    expect(f).toEqual([expect.objectContaining({ region: '141102', numbers: { new: 1, peerMedian: 20, share: 0.05, threshold: RULES.fewReportsShare } })]);
    expect(f[0]!.message).toBe('离石区本期新增隐患1项，仅为同级地区中位数20项的5.0%，低于20.0%，上报数量明显偏少，请核实');
  });

  it('a source whose reports are often found false: rejected_high, by source', () => {
    const t = Date.parse(DAY);
    const rejected = many(4, '141102', 'public_report').map((h) => ({ ...h, events: [{ at: t + H, to: 'rejected' as const }] }));
    const b = simBriefing([...baseline(), ...many(6, '141102', 'public_report'), ...rejected], '141100', WEEK);
    expect(b.flags.find((f) => f.rule === 'rejected_high' && f.region === '141102')).toMatchObject({
      source: 'public_report', numbers: { rejected: 4, reported: 10, share: 0.4, threshold: RULES.rejectedMaxShare },
    });
    expect(b.bySource.public_report).toMatchObject({ new: 6, rejected: 4 });
    // 3 of 10 rejected is at the threshold: fires; 2 of 10 does not
    const two = simBriefing([...baseline(), ...many(8, '141102', 'public_report'), ...rejected.slice(0, 2)], '141100', WEEK);
    expect(two.flags.some((f) => f.rule === 'rejected_high' && f.region === '141102')).toBe(false);
  });

  it('a hazard extended again and again, once in the period: repeated_extension', () => {
    const t = Date.parse(DAY);
    const h: SimHazard = { id: 'EXT-9', regionCode: '141102', sector: 'coal', level: 'major', source: 'inspection', discoveredAt: t - 20 * 24 * H, deadline: '2024-11-01',
      events: [{ at: t - 10 * 24 * H, deadline: '2024-11-10' }, { at: t, deadline: '2024-11-30' }] };
    const f = simBriefing([...baseline(), h], '141100', WEEK).flags.find((x) => x.rule === 'repeated_extension');
    expect(f).toMatchObject({ region: '141102', hazardId: 'EXT-9', numbers: { extensions: 2, inPeriod: 1, threshold: 2 } });
    // both extensions before the period: not this period's sign
    const before = simBriefing([...baseline(), { ...h, events: h.events.map((e) => ({ ...e, at: e.at - 15 * 24 * H })) }], '141100', WEEK);
    expect(before.flags.some((x) => x.rule === 'repeated_extension')).toBe(false);
  });
});
