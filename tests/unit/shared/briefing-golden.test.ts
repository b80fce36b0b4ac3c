/**
 * The briefing text for a fixed, hand-written data set, word for word: what an official reads. Every figure below
 * can be counted from the hazards listed here (see the comments).
 */
import { describe, expect, it } from 'vitest';
import type { SimHazard } from '../../helpers/briefing-sim';
import { simBriefing } from '../../helpers/briefing-sim';

const at = (iso: string) => Date.parse(iso);
let n = 0;
const hz = (regionCode: string, sector: SimHazard['sector'], level: SimHazard['level'], source: SimHazard['source'], day: string, events: SimHazard['events'] = [], over: Partial<SimHazard> = {}): SimHazard =>
  ({ id: `G-${++n}`, regionCode, sector, level, source, discoveredAt: at(`${day}T02:00:00Z`), deadline: '2024-12-31', events, ...over });

// 吕梁: the week 2024-12-09..15, the previous week 12-02..08
const DATA: SimHazard[] = [
  // previous week: 2 new (离石区), one closed in it
  hz('141102', 'coal', 'major', 'inspection', '2024-12-03', [{ at: at('2024-12-04T02:00:00Z'), to: 'rectifying' }, { at: at('2024-12-05T02:00:00Z'), to: 'rectified' }, { at: at('2024-12-06T02:00:00Z'), to: 'closed' }]),
  hz('141102', 'coal', 'general', 'self_check', '2024-12-04'),
  // this week: 5 new — 3 in 孝义市, 1 in 离石区, 1 on the city code (市本级)
  hz('141181', 'coal', 'major', 'self_check', '2024-12-10', [{ at: at('2024-12-11T02:00:00Z'), to: 'rectifying' }, { at: at('2024-12-12T02:00:00Z'), to: 'rectified' }]),
  hz('141181', 'hazchem', 'general', 'spot_check', '2024-12-10', [{ at: at('2024-12-10T03:00:00Z'), to: 'rectified' }, { at: at('2024-12-11T03:00:00Z'), to: 'closed' }]),
  hz('141181', 'coal', 'general', 'public_report', '2024-12-11', [], { deadline: '2024-12-12' }),
  hz('141102', 'fire', 'general', 'inspection', '2024-12-12', [{ at: at('2024-12-13T02:00:00Z'), level: 'major' }]),
  hz('141100', 'gas', 'general', 'self_check', '2024-12-13'),
  // a report found false: in no count
  hz('141181', 'coal', 'general', 'public_report', '2024-12-11', [{ at: at('2024-12-11T05:00:00Z'), to: 'rejected' }]),
];

describe('briefing text, word for word', () => {
  const b = simBriefing(DATA, '141100', { from: '2024-12-09', to: '2024-12-15' }, 'zh', at('2024-12-16T00:00:00Z'));

  it('has the figures the data gives', () => {
    expect(b.current).toMatchObject({ new: 5, newMajor: 2, closed: 1, open: 4, overdue: 1, total: 7, major: 3, rectified: 1, closedToDate: 2, rejected: 1 });
    expect(b.campaign).toMatchObject({ total: 7, major: 3, rectified: 3, majorRectified: 2 });
  });

  it('reads as an official writes it', () => {
    expect(b.text).toBe(
      '专项整治以来（2023年11月20日起），吕梁市累计排查隐患7项，其中重大隐患3项；整改率（含已整改待验收）42.9%，重大隐患整改率66.7%；暂无省级挂牌督办重大隐患。'
      + '2024年12月9日至12月15日，新增隐患5项，较上期增加3项、增长150.0%，其中重大隐患2项；销号1项。'
      + '截至2024年12月15日，未整改隐患4项，其中逾期未整改1项；整改率（含已整改待验收）42.9%，较上期下降7.1个百分点，销号率28.6%，重大隐患整改率66.7%。'
      + '从来源看，企业自查发现2项、部门检查发现1项、督查暗访发现1项、群众举报（12350）1项；新增较多的县（市、区）是孝义市（3项）、离石区（1项）；行业领域中煤矿新增最多（2项）。'
      + '开发区及市本级新增1项。'
      + '需关注：文水县、交城县、兴县、临县、柳林县、石楼县、岚县、方山县等本期无隐患上报，请核实是否存在盲区。',
    );
  });
});
