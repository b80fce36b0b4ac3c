/**
 * The heavy reads themselves, written once over a HazardRepository: run inline (PostgreSQL, whose queries
 * are already asynchronous) or inside a read worker over its own read-only SQLite connection.
 */
import type { Writable } from 'node:stream';
import { buildBriefing } from '../../shared/briefing-build';
import type { Briefing, Lang } from '../../shared/briefing';
import { previousPeriod, trendPeriod, yearAgoPeriod, type Period } from '../../shared/briefing-period';
import type { ListFilter } from '../../shared/schemas';
import type { HazardRepository, Page, StoredHazard } from '../hazards/hazards.repository';
import { exportView, writeCsv, writeXlsx, type ExportRow } from '../import/export';

/** A briefing of a region and period already checked against the caller's scope and today. */
export type BriefingTask = { region: string; period: Period; lang: Lang; tz: string; now: number; /** CAMPAIGN_START */ campaignStart: string };
export type ListTask = { filter: ListFilter; limit: number; cursor?: string; today: string };
export type ExportTask = { format: 'csv' | 'xlsx'; filter: ListFilter; today: string };

/** `briefingFacts` when the reads have it (the store); else the four periods one by one (the scan, for comparison). */
type Reads = Pick<HazardRepository, 'periodFacts' | 'daily' | 'list' | 'iterate' | 'actorsOf'> & Partial<Pick<HazardRepository, 'briefingFacts'>>;

export async function briefingFrom(repo: Reads, t: BriefingTask): Promise<Briefing> {
  const { region, period } = t;
  const prev = previousPeriod(period);
  const ago = yearAgoPeriod(period);
  const trend = trendPeriod(period);
  // 专项整治以来: the text opens with the campaign-to-date figures a 汇报材料 needs
  const campaignFrom = t.campaignStart <= period.to ? t.campaignStart : period.to;
  const periods = { current: period, previous: prev, yearAgo: ago, campaign: { from: campaignFrom, to: period.to } };
  const [{ current, previous, yearAgo, campaign }, rows] = await Promise.all([
    repo.briefingFacts ? repo.briefingFacts(region, periods, t.tz) : Promise.all([
      repo.periodFacts(region, period.from, period.to, t.tz),
      // of these the briefing reads the counts by child and source (the flags), the totals alone
      repo.periodFacts(region, prev.from, prev.to, t.tz, 'counts'),
      repo.periodFacts(region, ago.from, ago.to, t.tz, 'total'),
      repo.periodFacts(region, campaignFrom, period.to, t.tz, 'total'),
    ]).then(([current, previous, yearAgo, campaign]) => ({ current, previous, yearAgo, campaign })),
    repo.daily(region, trend.from, trend.to),
  ]);
  return buildBriefing({
    region, lang: t.lang, tz: t.tz, generatedAt: new Date(t.now).toISOString(),
    current, previous, yearAgo, campaign, trend: { ...trend, rows },
  });
}

export function listFrom(repo: Reads, t: ListTask): Promise<Page<StoredHazard>> {
  return repo.list(t.filter, t.limit, t.cursor, t.today);
}

const ACTOR_BATCH = 500;

/** Each hazard as the API shows it, with who reported it and who made its last change (looked up a batch at a time). */
async function* rows(repo: Reads, filter: ListFilter, today: string): AsyncGenerator<ExportRow> {
  let batch: StoredHazard[] = [];
  const flush = async () => {
    const actors = await repo.actorsOf(batch.flatMap((h) => [h.createdSeq, h.updatedSeq]));
    const out = batch.map((h) => ({ hazard: exportView(h, today), reportedBy: actors.get(h.createdSeq) ?? null, changedBy: actors.get(h.updatedSeq) ?? null }));
    batch = [];
    return out;
  };
  for await (const h of repo.iterate(filter, today)) {
    batch.push(h);
    if (batch.length >= ACTOR_BATCH) yield* await flush();
  }
  if (batch.length) yield* await flush();
}

/** Writes the export to `out` with back-pressure; resolves with the number of rows. */
export async function exportFrom(repo: Reads, t: ExportTask, out: Writable): Promise<number> {
  const hazards = rows(repo, t.filter, t.today);
  if (t.format === 'xlsx') return writeXlsx(out, hazards);
  const n = await writeCsv(out, hazards);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return n;
}
