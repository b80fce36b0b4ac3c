/**
 * The hazard service: validates, asks the store to append changes and hands the committed changes to the
 * change feed (aggregates/change-feed.ts), which applies them to the live aggregates and tells listeners.
 * Routers and socket handlers call it; nothing else writes. Its store and aggregates are its own: other
 * consumers get the port they need from app.ts.
 */
import { isWithin } from '../../shared/regions';
import {
  BatchEnvelopeSchema, HazardInputSchema, describeIssues, hasWithdrawnRegion, issueDetails, type BatchResult, type Hazard, type HazardInput, type ListQuery,
} from '../../shared/schemas';
import { addDays, dayOf } from '../../shared/time';
import { actorOf, readRegion, requireHazardInScope, requireWriter, type Auth } from '../auth/auth';
import { ServiceError } from '../errors';
import type { LiveSummaries } from '../aggregates/live-summaries';
import { toHistoryEntry, type Change } from './changes';
import type { HazardRepository, Mutation, NewHazard, StoredHazard } from './hazards.repository';
import { decodeCursor } from './list-sql';
import { normalise } from './normalise';
import { isOverdue } from '../../shared/aggregation';
import type { HeavyReads } from '../workers/reads';

export type ItemError = { code: string; message: string; details?: unknown };

/** What the service asks of the store. */
export type HazardStore = Pick<HazardRepository, 'ingest' | 'mutate' | 'turnDay' | 'get' | 'history' | 'list' | 'iterate' | 'daily'>;
/** What it reads from the live aggregates. */
export type LiveReads = Pick<LiveSummaries, 'today' | 'summary'>;
/** Where its committed changes go (the change feed). */
export type Commits = { committed(changes: readonly Change[]): Promise<void>; wake(): void };

export class HazardService {
  constructor(
    private readonly repo: HazardStore,
    private readonly live: LiveReads,
    private readonly commits: Commits,
    readonly tz: string,
    /** the one clock of the service: recorded times, "today", and what counts as the future */
    readonly now: () => number = Date.now,
    /** filtered lists off the event loop (server/workers/); without it the repository answers directly */
    private readonly reads?: Pick<HeavyReads, 'list'>,
  ) {}

  /** The aggregates' day in TZ_REGION (overdue is counted against it). */
  get today(): string {
    return this.live.today;
  }

  /** Validates one raw item; a reason to reject it, or the normalised hazard. */
  validate(raw: unknown, auth: Auth): { ok: true; item: NewHazard } | { ok: false; error: ItemError } {
    const parsed = HazardInputSchema.safeParse(raw);
    if (!parsed.success) {
      return { ok: false, error: { code: hasWithdrawnRegion(parsed.error.issues) ? 'withdrawn_region' : 'invalid_hazard', message: describeIssues(parsed.error.issues), details: issueDetails(parsed.error.issues) } };
    }
    const input = parsed.data;
    if (!isWithin(input.regionCode, auth.region)) {
      return { ok: false, error: { code: 'forbidden_region', message: `region ${input.regionCode} is outside this token's scope (${auth.region})` } };
    }
    return { ok: true, item: this.normalise(input) };
  }

  normalise(input: HazardInput): NewHazard {
    return normalise(input, this.tz);
  }

  /** A body of one hazard or `{hazards: [...]}`. */
  async report(body: unknown, auth: Auth): Promise<{ single: boolean; result: BatchResult }> {
    requireWriter(auth);
    const isBatch = typeof body === 'object' && body !== null && !Array.isArray(body) && 'hazards' in body;
    if (!isBatch) return { single: true, result: await this.ingest([body], auth) };
    const env = BatchEnvelopeSchema.safeParse(body);
    if (!env.success) {
      const tooMany = env.error.issues.some((i) => i.code === 'too_big');
      throw new ServiceError(tooMany ? 413 : 400, tooMany ? 'batch_too_large' : 'invalid_batch', describeIssues(env.error.issues));
    }
    return { single: false, result: await this.ingest(env.data.hazards, auth) };
  }

  /** Validates every item, commits the valid ones in one transaction, then applies them live. */
  async ingest(raws: readonly unknown[], auth: Auth): Promise<BatchResult> {
    requireWriter(auth);
    const result: BatchResult = { accepted: 0, duplicates: 0, rejected: [] };
    const valid: NewHazard[] = [];
    const validIndex: number[] = [];
    const reject = (i: number, raw: unknown, error: ItemError) => {
      const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined;
      result.rejected.push({ index: i, ...(id !== undefined ? { id: id.slice(0, 64) } : {}), error });
    };
    raws.forEach((raw, i) => {
      const v = this.validate(raw, auth);
      if (v.ok) {
        valid.push(v.item);
        validIndex.push(i);
      } else reject(i, raw, v.error);
    });
    if (valid.length) {
      const outcomes = await this.repo.ingest(valid, actorOf(auth), new Date(this.now()).toISOString());
      const changes: Change[] = [];
      outcomes.forEach((o, k) => {
        if (o.status === 'accepted') {
          result.accepted++;
          changes.push(o.change);
        } else if (o.status === 'duplicate') result.duplicates++;
        else reject(validIndex[k]!, valid[k]!.input, { code: 'conflict', message: o.message });
      });
      await this.commits.committed(changes);
    }
    result.rejected.sort((a, b) => (a.index ?? a.row ?? 0) - (b.index ?? b.row ?? 0));
    return result;
  }

  /** Runs a workflow action on one hazard, scoped to the writer's region. */
  async mutate(id: string, auth: Auth, decide: (h: StoredHazard, recordedAt: string) => Mutation): Promise<Hazard> {
    requireWriter(auth);
    const recordedAt = new Date(this.now()).toISOString();
    const r = await this.repo.mutate(id, actorOf(auth), recordedAt, (h) => {
      requireHazardInScope(auth, id, h.regionCode);
      return decide(h, recordedAt);
    });
    if (!r.ok) throw new ServiceError(r.status, r.code, r.message, r.details);
    await this.commits.committed([r.change]);
    return this.view(r.hazard);
  }

  async get(id: string, auth: Auth): Promise<Hazard> {
    const h = await this.repo.get(id);
    if (!h) throw new ServiceError(404, 'not_found', `no hazard ${id}`);
    requireHazardInScope(auth, id, h.regionCode);
    const history = (await this.repo.history(id)).map(toHistoryEntry);
    return { ...this.view(h), history };
  }

  async list(q: ListQuery, auth: Auth): Promise<{ items: Hazard[]; nextCursor: string | null }> {
    const region = readRegion(auth, q.region);
    if (q.cursor && !decodeCursor(q.cursor)) throw new ServiceError(400, 'invalid_cursor', 'cursor is not one this server gave out');
    const { limit, cursor, ...filter } = q;
    const task = { filter: { ...filter, region }, limit, cursor, today: this.live.today };
    const page = await (this.reads ? this.reads.list(task) : this.repo.list(task.filter, limit, cursor, task.today));
    return { items: page.items.map((h) => this.view(h)), nextCursor: page.nextCursor };
  }

  summary(region: string | undefined, auth: Auth) {
    return this.live.summary(readRegion(auth, region));
  }

  /** New and closed hazards per day for the last `days` days (today included), oldest first. */
  async trend(region: string | undefined, days: number, auth: Auth) {
    const r = readRegion(auth, region);
    const to = dayOf(this.now(), this.tz);
    const from = addDays(to, -(days - 1));
    const rows = new Map((await this.repo.daily(r, from, to)).map((d) => [d.day, d]));
    const out = [];
    for (let d = from; d <= to; d = addDays(d, 1)) out.push(rows.get(d) ?? { day: d, new: 0, newMajor: 0, closed: 0 });
    return { region: r, days: out };
  }

  /** Turns the day when the calendar in TZ_REGION has moved past the aggregates' day. */
  async checkDay(): Promise<boolean> {
    const today = dayOf(this.now(), this.tz);
    if (today <= this.live.today) return false;
    const change = await this.repo.turnDay(today, new Date(this.now()).toISOString());
    // null: another node turned it; the change feed brings that change here
    if (change) await this.commits.committed([change]);
    else this.commits.wake();
    return true;
  }

  /** The stored hazard without a scope check, for the import's "is this row the hazard as it stands" test. */
  stored(id: string): Promise<StoredHazard | undefined> {
    return this.repo.get(id);
  }

  view(h: StoredHazard): Hazard {
    return hazardView(h, this.live.today);
  }
}

/** The API's view of a stored hazard on `today` (overdue depends on the day): also used off the event loop. */
export function hazardView(h: StoredHazard, today: string): Hazard {
  return {
    ...h.input,
    level: h.level,
    deadline: h.deadline ?? undefined,
    status: h.status,
    listedBy: h.listedBy,
    overdue: isOverdue(h, today),
    cityCode: h.cityCode,
    reportedAt: h.reportedAt,
    updatedAt: h.updatedAt,
    closedAt: h.closedAt,
    extensions: h.extensions,
    version: h.updatedSeq,
    ...(h.planMissing === undefined ? {} : { planMissing: h.planMissing }),
  };
}
