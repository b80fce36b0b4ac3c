/**
 * 省级挂牌督办 in the campaign-to-date opening: every hazard the province listed in the period, from the history's
 * listing changes (server/hazards/briefing-sql.ts provinceListings), and how many of them are closed (已销号).
 */
import { describe, expect, it } from 'vitest';
import { provinceListings, type ListingRow } from '../../../server/hazards/briefing-sql';
import { simBriefing, type SimHazard } from '../../helpers/briefing-sim';

const listing = (id: string, by: string, status: ListingRow['status'] = 'rectifying', closedDay: string | null = null): ListingRow =>
  ({ id, payload: JSON.stringify({ data: { by }, before: null, after: null }), status, closedDay });

describe('provinceListings', () => {
  it('counts each hazard the province listed once, a lifted or repeated listing included; a city listing is not the province\'s', () => {
    expect(provinceListings([
      listing('A', 'province'), listing('A', 'province'), // listed, lifted (摘牌), listed again: one hazard
      listing('B', 'city'), listing('B', 'province'), // raised from city to province
      listing('C', 'city'),
      listing('D', 'county'),
    ], '2024-12-15')).toEqual({ listed: 2, closed: 0 });
  });

  it('of those, closed (已销号) by the end of the period only', () => {
    expect(provinceListings([
      listing('A', 'province', 'closed', '2024-12-15'),
      listing('B', 'province', 'closed', '2024-12-16'),
      listing('C', 'province', 'rectified'),
      listing('D', 'city', 'closed', '2024-12-01'),
    ], '2024-12-15')).toEqual({ listed: 3, closed: 1 });
  });

  it('nothing listed: 0 of 0', () => {
    expect(provinceListings([], '2024-12-15')).toEqual({ listed: 0, closed: 0 });
  });
});

describe('the briefing text names them', () => {
  const at = (iso: string) => Date.parse(iso);
  const hz = (id: string, day: string, over: Partial<SimHazard> = {}): SimHazard => ({
    id, regionCode: '141102', sector: 'coal', level: 'major', source: 'inspection', discoveredAt: at(`${day}T02:00:00Z`), deadline: '2025-06-30', events: [], ...over,
  });
  const data = [
    // discovered long before the period, listed by the province in the campaign: counts
    hz('L-1', '2024-01-10', { listedBy: 'province', listedAt: at('2024-02-01T02:00:00Z') }),
    // listed and closed
    hz('L-2', '2024-03-01', { listedBy: 'province', listedAt: at('2024-03-02T02:00:00Z'), events: [
      { at: at('2024-03-05T02:00:00Z'), to: 'rectifying' }, { at: at('2024-03-10T02:00:00Z'), to: 'rectified' }, { at: at('2024-03-12T02:00:00Z'), to: 'closed' }] }),
    // listed by the province after the period: not yet
    hz('L-3', '2024-03-01', { listedBy: 'province', listedAt: at('2024-12-20T02:00:00Z') }),
    // listed by the city
    hz('L-4', '2024-03-01', { listedBy: 'city', listedAt: at('2024-03-02T02:00:00Z') }),
  ];
  it('counts the listings of the campaign up to the period\'s end', () => {
    const b = simBriefing(data, '141100', { from: '2024-12-09', to: '2024-12-15' }, 'zh', at('2024-12-16T00:00:00Z'));
    expect(b.campaign).toMatchObject({ provinceListed: 2, provinceListedClosed: 1 });
    expect(b.text).toContain('省级挂牌督办重大隐患2项（已销号1项）');
  });
});
