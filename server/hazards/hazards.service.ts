/**
 * The hazard service: validates, asks the store to append changes, applies the committed changes to
 * the live aggregates and tells listeners. Routers and socket handlers call it; nothing else writes.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { isWithin } from '../../shared/regions';
import {
  BatchEnvelopeSchema, HazardInputSchema, describeIssues, issueDetails, type BatchResult, type Hazard, type HazardInput, type ListQuery,
} from '../../shared/schemas';
import { addDays, dayOf } from '../../shared/time';
import { actorOf, readRegion, requireHazardInScope, requireWriter, type Auth } from '../auth/auth';
import { ServiceError } from '../errors';
import type { LiveSummaries } from '../aggregates/live-summaries';
import { SequenceGapError } from '../aggregates/live-summaries';
import { toHistoryEntry, type Change } from './changes';
import type { HazardRepository, Mutation, NewHazard, StoredHazard } from './hazards.repository';
import { decodeCursor } from './list-sql';
import { isOverdue } from '../../shared/aggregation';

export type ItemError = { code: string; message: string; details?: unknown };
export type ServiceEvents = { applied: [Change] };

export class HazardService extends EventEmitter<ServiceEvents> {
  constructor(
    readonly repo: HazardRepository,
    readonly live: LiveSummaries,
    readonly tz: string,
    /** the one clock of the service: recorded times, "today", and what counts as the future */
    readonly now: () => number = Date.now,
  ) {
    super();
  }

  /** Validates one raw item; a reason to reject it, or the normalised hazard. */
  validate(raw: unknown, auth: Auth): { ok: true; item: NewHazard } | { ok: false; error: ItemError } {
    const parsed = HazardInputSchema.safeParse(raw);
    if (!parsed.success) {
      return { ok: false, error: { code: 'invalid_hazard', message: describeIssues(parsed.error.issues), details: issueDetails(parsed.error.issues) } };
    }
    const input = parsed.data;
    if (!isWithin(input.regionCode, auth.region)) {
      return { ok: false, error: { code: 'forbidden_region', message: `region ${input.regionCode} is outside this token's scope (${auth.region})` } };
    }
    return { ok: true, item: this.normalise(input) };
  }

  normalise(input: HazardInput): NewHazard {
    const contentHash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    return { input, contentHash, discoveredDay: dayOf(Date.parse(input.discoveredAt), this.tz) };
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
      await this.applyAll(changes);
    }
    result.rejected.sort((a, b) => (a.index ?? a.row ?? 0) - (b.index ?? b.row ?? 0));
    return result;
  }

  /** Applies committed changes in sequence order; a gap (another node's writes) is filled from the store. */
  async applyAll(changes: readonly Change[]): Promise<void> {
    for (const c of changes) {
      try {
        if (this.live.apply(c)) this.emit('applied', c);
      } catch (e) {
        if (!(e instanceof SequenceGapError)) throw e;
        await this.catchUp();
        if (this.live.apply(c)) this.emit('applied', c);
      }
    }
  }

  /** Reads and applies every change after the newest applied one. */
  async catchUp(): Promise<number> {
    let n = 0;
    for (;;) {
      const batch = await this.repo.changesSince(this.live.appliedSeq, 5000);
      for (const c of batch) {
        if (!this.live.apply(c)) continue;
        n++;
        this.emit('applied', c);
      }
      if (batch.length < 5000) return n;
    }
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
    await this.applyAll([r.change]);
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
    const page = await this.repo.list({ ...filter, region }, limit, cursor, this.live.today);
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
    if (change) await this.applyAll([change]);
    else await this.catchUp();
    return true;
  }

  view(h: StoredHazard): Hazard {
    return {
      ...h.input,
      level: h.level,
      deadline: h.deadline ?? undefined,
      status: h.status,
      listedBy: h.listedBy,
      overdue: isOverdue(h, this.live.today),
      cityCode: h.cityCode,
      reportedAt: h.reportedAt,
      updatedAt: h.updatedAt,
      closedAt: h.closedAt,
      extensions: h.extensions,
      version: h.updatedSeq,
    };
  }
}
