/**
 * The briefing's per-day counts (migration 013, server/briefing/days-store.ts) are a second projection of the
 * history beside `hazards`: briefings — and the presentation's 隐患来源 slide — sum them. The integrity check
 * compares them with the history in the same read snapshot as its walk: the province's last year and last week
 * counted from the per-day tables and from the scan of `hazards` and `changes` (server/hazards/briefing-sql.ts,
 * equal on every untampered store by tests/integration/briefing-days.test.ts). docs/SECURITY.md "Integrity".
 */
import { isDeepStrictEqual } from 'node:util';
import { countPeriod } from '../../shared/briefing-count';
import { PROVINCE_CODE } from '../../shared/regions';
import { addDays } from '../../shared/time';
import type { Query } from '../hazards/chain-driver';
import { periodFactsFromDays, periodFactsWith } from '../hazards/briefing-sql';
import { badMark } from '../briefing/days-store';
import type { Problem } from './verify';

/**
 * The first period whose counts disagree with the history, or null. `today` is the day the store has turned to
 * (meta `day`, read in the same snapshot), not the clock: just after midnight the day turn may not be written yet.
 */
export async function checkBriefingDays(run: Query, tz: string, today: string): Promise<Problem | null> {
  for (const from of [addDays(today, -365), addDays(today, -6)]) {
    const [days, scan] = [await periodFactsFromDays(run, PROVINCE_CODE, from, today, tz), await periodFactsWith(run, PROVINCE_CODE, from, today, tz)];
    if (!isDeepStrictEqual(countPeriod(PROVINCE_CODE, days, tz), countPeriod(PROVINCE_CODE, scan, tz))) {
      return {
        record: 'table briefing_days',
        message: `the briefing's per-day counts for ${from}…${today} differ from what the history says (refill them: server/cli/briefing-days.ts rebuild)`,
      };
    }
  }
  // the marks stand in for every day up to them: each must be the sum of its days (most are read by no period above)
  const mark = await badMark(run);
  if (mark) {
    return {
      record: `table ${mark.table}`,
      message: `the briefing's mark of ${mark.day} differs from the sum of the per-day counts up to it (refill them: server/cli/briefing-days.ts rebuild)`,
    };
  }
  return null;
}
