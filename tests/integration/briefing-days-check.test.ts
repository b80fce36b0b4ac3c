/**
 * The integrity check of the briefing's per-day counts (server/audit/briefing-days-check.ts), through the audit's
 * own read-only source on both stores: on a store whose counts were kept by its write path it finds nothing, and on
 * PostgreSQL it runs one statement at a time on the audit's one client (pg queues more only under a deprecation,
 * and pg 9 refuses them).
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { HazardInputSchema } from '../../shared/schemas';
import { dayOf } from '../../shared/time';
import type { Mutation } from '../../server/hazards/hazards.repository';
import type { ChainStore } from '../../server/hazards/chain.store';
import { checkBriefingDays } from '../../server/audit/briefing-days-check';
import { openAuditSource, type OpenedSource } from '../../server/audit/open-source';
import { rng } from '../helpers/hazards';
import { simHazard } from '../helpers/briefing-sim';
import { postgresMissing } from '../helpers/postgres';
import { ACTOR, STORE_KINDS, TZ, openTestStore, prepared, type StoreKind, type TestStore } from '../helpers/stores';

const pgMissing = await postgresMissing();
const skipped = (kind: StoreKind) => kind === 'postgres' && pgMissing !== null;
const NOW = Date.parse('2024-11-25T04:00:00Z');
const TODAY = dayOf(NOW, TZ);
const iso = (t: number) => new Date(t).toISOString();

/** A store with 40 simulated hazards and their histories, turned to TODAY (so the days before it are marked). */
async function filledStore(kind: StoreKind): Promise<TestStore> {
  const store = await openTestStore(kind);
  const repo = store.repo as ChainStore;
  const r = rng(21);
  const hazards = Array.from({ length: 40 }, (_, i) => simHazard(r, i, NOW, { id: `I-${String(i).padStart(3, '0')}` }));
  const inputs = prepared(hazards.map((h) => HazardInputSchema.parse({
    id: h.id, regionCode: h.regionCode, sector: h.sector, level: h.level, source: h.source, title: `模拟隐患 ${h.id}`,
    discoveredAt: iso(h.discoveredAt), ...(h.deadline ? { deadline: h.deadline } : {}),
  })));
  expect((await repo.ingest(inputs, ACTOR, iso(NOW))).every((o) => o.status === 'accepted')).toBe(true);
  await repo.turnDay(TODAY, iso(NOW));
  for (const { h, e } of hazards.flatMap((h) => h.events.map((e) => ({ h, e }))).sort((a, b) => a.e.at - b.e.at)) {
    const res = await repo.mutate(h.id, ACTOR, iso(NOW), (cur): Mutation => {
      const at = iso(e.at);
      if (e.to) return { ok: true, kind: 'transition', at, data: { to: e.to }, next: { status: e.to, closedAt: e.to === 'closed' ? at : cur.closedAt } };
      if (e.level) return { ok: true, kind: 'escalation', at, data: { level: e.level }, next: { level: e.level } };
      return { ok: true, kind: 'extension', at, data: { deadline: e.deadline }, next: { deadline: e.deadline!, extensions: cur.extensions + 1 } };
    });
    expect(res.ok).toBe(true);
  }
  return store;
}

async function audit<T>(store: TestStore, fn: (opened: OpenedSource) => Promise<T>): Promise<T> {
  const opened = await openAuditSource({ DATA_DIR: store.env.DATA_DIR ?? 'unused', DATABASE_URL: store.env.DATABASE_URL });
  if (typeof opened === 'string') throw new Error(opened);
  try {
    return await fn(opened);
  } finally {
    await opened.close();
  }
}

/** The most statements one pg client had running at once while `work` ran. */
async function mostAtOnce<T>(work: () => Promise<T>): Promise<{ value: T; most: number }> {
  const query = pg.Client.prototype.query;
  let most = 0;
  const running = new WeakMap<object, number>();
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const now = (running.get(this) ?? 0) + 1;
    running.set(this, now);
    most = Math.max(most, now);
    const out = (query as (...a: unknown[]) => unknown).apply(this, args);
    const done = () => void running.set(this, (running.get(this) ?? 1) - 1);
    if (out instanceof Promise) void out.then(done, done);
    return out;
  } as typeof query;
  try {
    return { value: await work(), most };
  } finally {
    pg.Client.prototype.query = query;
  }
}

describe.each(STORE_KINDS)('the integrity check of the %s store\'s per-day counts', (kind) => {
  it.skipIf(skipped(kind))('finds them equal to the history, one statement at a time on the audit\'s client', async () => {
    const store = await filledStore(kind);
    try {
      await audit(store, async ({ source }) => {
        const today = await source.meta('day');
        expect(today).toBe(TODAY);
        const { value, most } = await mostAtOnce(() => checkBriefingDays(source.query!, TZ, today!));
        expect(value).toBeNull();
        expect(most).toBeLessThanOrEqual(1);
      });
    } finally {
      await store.close();
      await store.dispose();
    }
  }, 60_000);
});
