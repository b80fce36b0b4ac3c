/**
 * A briefing's four periods in one read (server/hazards/briefing-sql.ts briefingFactsFromDays): the same facts as
 * reading each period alone, on both stores, for a province (whose sector prefixes one period reads by county and
 * the others by city), a city and a county — with each prefix point the periods share read once (6 points of
 * each table, not 16 reads).
 */
import { describe, expect, it } from 'vitest';
import { PROVINCE_CODE, childrenOf } from '../../shared/regions';
import type { PeriodFacts } from '../../shared/briefing';
import { previousPeriod, yearAgoPeriod, type Period } from '../../shared/briefing-period';
import { addDays } from '../../shared/time';
import { briefingFactsFromDays, periodFactsFromDays, type Query } from '../../server/hazards/briefing-sql';
import { audit, filledStore, TODAY } from '../helpers/briefing-store';
import { postgresMissing } from '../helpers/postgres';
import { STORE_KINDS, TZ, type StoreKind } from '../helpers/stores';

const pgMissing = await postgresMissing();
const skipped = (kind: StoreKind) => kind === 'postgres' && pgMissing !== null;
/** Facts with every list in one order: the rows' order is the SQL's (GROUP BY or not), which nothing reads. */
const sorted = (facts: Record<string, PeriodFacts>) => JSON.parse(JSON.stringify(facts, (_k, v: unknown) =>
  Array.isArray(v) ? [...v].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) : v)) as unknown;
const REGIONS = [PROVINCE_CODE, '141100', childrenOf('141100')[0]!.code];
const PERIODS: Period[] = [
  { from: addDays(TODAY, -6), to: TODAY }, { from: addDays(TODAY, -40), to: addDays(TODAY, -11) }, { from: addDays(TODAY, -364), to: TODAY },
];

describe.each(STORE_KINDS)('the four periods of a briefing from the %s store\'s counts', (kind) => {
  it.skipIf(skipped(kind))('are those read one by one, each shared prefix point read once', async () => {
    const store = await filledStore(kind, 120, 5);
    try {
      await audit(store, async ({ source }) => {
        let points = 0;
        const run: Query = (sql, params) => {
          if (sql.includes('SELECT MAX(mark_day) AS d FROM briefing_mark_days WHERE mark_day <= @day')) points++;
          return source.query!(sql, params);
        };
        for (const region of REGIONS) {
          for (const period of PERIODS) {
            // the campaign a year before the end, as the bench has it: its start the day after the year-ago period's end
            const periods = { current: period, previous: previousPeriod(period), yearAgo: yearAgoPeriod(period), campaign: { from: addDays(period.to, -364), to: period.to } };
            points = 0;
            const together = await briefingFactsFromDays(run, region, periods, TZ);
            expect(points).toBeLessThanOrEqual(12);
            const alone = {
              current: await periodFactsFromDays(run, region, period.from, period.to, TZ, 'all'),
              previous: await periodFactsFromDays(run, region, periods.previous.from, periods.previous.to, TZ, 'counts'),
              yearAgo: await periodFactsFromDays(run, region, periods.yearAgo.from, periods.yearAgo.to, TZ, 'total'),
              campaign: await periodFactsFromDays(run, region, periods.campaign.from, periods.campaign.to, TZ, 'total'),
            };
            expect(sorted(together)).toEqual(sorted(alone));
            if (region === PROVINCE_CODE) expect(together.current.discovered.length).toBeGreaterThan(0);
          }
        }
      });
    } finally {
      await store.close();
      await store.dispose();
    }
  }, 120_000);
});
