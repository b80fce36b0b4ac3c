/** Summaries built with the shared aggregation, so fixtures obey the same rules as the server's. */
import { summarizeFacts, type Facts } from '../../../shared/aggregation';
import type { Summary, SummaryDelta } from '../../../shared/schemas';

export const TODAY = '2024-11-18';

export function fact(over: Partial<Facts> = {}): Facts {
  return { regionCode: '141102', sector: 'coal', level: 'major', status: 'reported', deadline: '2024-12-18', listed: false, ...over };
}

export function summaryOf(region: string, facts: Facts[], version: number): Summary {
  return { region, name: region, version, asOf: `2024-11-18T01:00:${String(version % 60).padStart(2, '0')}Z`, today: TODAY, ...summarizeFacts(region, facts, TODAY) };
}

/** The delta that takes `from` (at fromVersion) to the summary of `facts` (at version): every part replaced. */
export function deltaTo(region: string, facts: Facts[], fromVersion: number, version: number): SummaryDelta {
  const s = summaryOf(region, facts, version);
  return { region, fromVersion, version, asOf: s.asOf, changes: { totals: s.totals, byRegion: s.byRegion, bySector: s.bySector, matrix: s.matrix } };
}
