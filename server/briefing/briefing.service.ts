/**
 * Briefings: checks the region against the caller's scope and the period against today, then has the
 * heavy reads (server/workers/) read the store's facts for the period, the one before and the one a year
 * earlier and run the pure assembly in shared/ — off the event loop, bounded.
 */
import type { Briefing, Lang } from '../../shared/briefing';
import { CAMPAIGN_START, periodProblem, type Period } from '../../shared/briefing-period';
import { addDays } from '../../shared/time';
import { readRegion, type Auth } from '../auth/auth';
import { ServiceError } from '../errors';
import type { HeavyReads } from '../workers/reads';

export type BriefingQuery = { region?: string; from?: string; to?: string; lang: Lang };

export class BriefingService {
  constructor(
    private readonly reads: Pick<HeavyReads, 'briefing'>,
    private readonly tz: string,
    /** the aggregates' day in TZ_REGION */
    private readonly today: () => string,
    private readonly now: () => number = Date.now,
    /** CAMPAIGN_START: where the 专项整治以来 figures begin */
    private readonly campaignStart: string = CAMPAIGN_START,
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
    return this.reads.briefing({ region, period, lang: q.lang, tz: this.tz, now: this.now(), campaignStart: this.campaignStart });
  }
}
