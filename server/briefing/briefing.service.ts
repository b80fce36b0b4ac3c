/**
 * Briefings: reads the store's facts for the period, the one before and the one a year earlier, and lets the
 * pure assembly in shared/ do the counting, the flags and the text.
 */
import { buildBriefing } from '../../shared/briefing-build';
import type { Briefing, Lang } from '../../shared/briefing';
import { CAMPAIGN_START, periodProblem, previousPeriod, trendPeriod, yearAgoPeriod, type Period } from '../../shared/briefing-period';
import { addDays } from '../../shared/time';
import { readRegion, type Auth } from '../auth/auth';
import { ServiceError } from '../errors';
import type { HazardRepository } from '../hazards/hazards.repository';

export type BriefingQuery = { region?: string; from?: string; to?: string; lang: Lang };

export class BriefingService {
  constructor(
    private readonly repo: Pick<HazardRepository, 'periodFacts' | 'daily'>,
    private readonly tz: string,
    /** the aggregates' day in TZ_REGION */
    private readonly today: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Without dates: the last seven days, today included. */
  periodOf(q: Pick<BriefingQuery, 'from' | 'to'>): Period {
    const to = q.to ?? this.today();
    return { from: q.from ?? addDays(to, -6), to };
  }

  async briefing(q: BriefingQuery, auth: Auth): Promise<Briefing> {
    const region = readRegion(auth, q.region);
    const period = this.periodOf(q);
    const problem = periodProblem(period, this.today());
    if (problem) throw new ServiceError(400, 'invalid_period', problem);
    const prev = previousPeriod(period);
    const ago = yearAgoPeriod(period);
    const trend = trendPeriod(period);
    // 专项整治以来: the text opens with the campaign-to-date figures a 汇报材料 needs
    const campaignFrom = CAMPAIGN_START <= period.to ? CAMPAIGN_START : period.to;
    const [current, previous, yearAgo, campaign, rows] = await Promise.all([
      this.repo.periodFacts(region, period.from, period.to),
      this.repo.periodFacts(region, prev.from, prev.to),
      this.repo.periodFacts(region, ago.from, ago.to),
      this.repo.periodFacts(region, campaignFrom, period.to),
      this.repo.daily(region, trend.from, trend.to),
    ]);
    return buildBriefing({
      region, lang: q.lang, tz: this.tz, generatedAt: new Date(this.now()).toISOString(),
      current, previous, yearAgo, campaign, trend: { ...trend, rows },
    });
  }
}
