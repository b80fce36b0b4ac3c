/**
 * A store of each kind filled with simulated lawful histories (tests/helpers/briefing-sim.ts) through the chain
 * store's own ingest, day turn and mutate, and the audit's read-only source over it: what the tests of the
 * briefing's per-day counts read.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { HazardInputSchema } from '../../shared/schemas';
import { dayOf } from '../../shared/time';
import type { ChainStore } from '../../server/hazards/chain.store';
import { openAuditSource, type OpenedSource } from '../../server/audit/open-source';
import { rng } from './hazards';
import { simHazard, simMutation } from './briefing-sim';
import { ACTOR, TZ, openTestStore, prepared, type StoreKind, type TestStore } from './stores';

export const NOW = Date.parse('2024-11-25T04:00:00Z');
export const TODAY = dayOf(NOW, TZ);
const iso = (t: number) => new Date(t).toISOString();

/** A store with `n` simulated hazards and their histories (seed `seed`), turned to TODAY (so the days before it are marked). */
export async function filledStore(kind: StoreKind, n = 40, seed = 21): Promise<TestStore> {
  const store = await openTestStore(kind);
  const repo = store.repo as ChainStore;
  const r = rng(seed);
  const hazards = Array.from({ length: n }, (_, i) => simHazard(r, i, NOW, { id: `I-${String(i).padStart(3, '0')}` }));
  const inputs = prepared(hazards.map((h) => HazardInputSchema.parse({
    id: h.id, regionCode: h.regionCode, sector: h.sector, level: h.level, source: h.source, title: `模拟隐患 ${h.id}`,
    discoveredAt: iso(h.discoveredAt), ...(h.deadline ? { deadline: h.deadline } : {}),
  })));
  expect((await repo.ingest(inputs, ACTOR, iso(NOW))).every((o) => o.status === 'accepted')).toBe(true);
  await repo.turnDay(TODAY, iso(NOW));
  for (const { h, e } of hazards.flatMap((h) => h.events.map((e) => ({ h, e }))).sort((a, b) => a.e.at - b.e.at)) {
    const res = await repo.mutate(h.id, ACTOR, iso(NOW), (cur) => simMutation(e, cur));
    expect(res.ok).toBe(true);
  }
  return store;
}

/** `fn` over the audit's read-only source of the store (one read snapshot). */
export async function audit<T>(store: TestStore, fn: (opened: OpenedSource) => Promise<T>): Promise<T> {
  const opened = await openAuditSource({ DATA_DIR: store.env.DATA_DIR ?? 'unused', DATABASE_URL: store.env.DATABASE_URL });
  if (typeof opened === 'string') throw new Error(opened);
  try {
    return await fn(opened);
  } finally {
    await opened.close();
  }
}

/** Runs one statement on the store's database behind the application's back (an edit to be found); its row count. */
export async function editBehind(store: TestStore, sql: string): Promise<number> {
  if (store.kind === 'sqlite') {
    const db = new Database(join(store.env.DATA_DIR!, 'hazards.sqlite'));
    try {
      return db.prepare(sql).run().changes;
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: store.env.DATABASE_URL });
  await c.connect();
  try {
    return (await c.query(sql)).rowCount ?? 0;
  } finally {
    await c.end();
  }
}
