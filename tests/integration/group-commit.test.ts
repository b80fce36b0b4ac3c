/**
 * Group commit (server/db/group-commit.ts) on both stores: concurrent writes share one transaction, a write that
 * fails inside it is refused alone and leaves no trace (the audit replays the chain and finds every table equal to
 * it), the waiting queue is bounded (503 beyond), and over HTTP every acknowledged report survives a SIGKILL.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openAuditSource } from '../../server/audit/open-source';
import { verify } from '../../server/audit/verify';
import { MAX_WAITING } from '../../server/db/group-commit';
import type { ChainDriver, WriteTx } from '../../server/hazards/chain-driver';
import { SET_META } from '../../server/hazards/chain-head';
import { ServiceError } from '../../server/errors';
import { transition } from '../../server/hazards/workflow';
import type { HazardInput } from '../../shared/schemas';
import { makeHazard, rng } from '../helpers/hazards';
import { postgresMissing } from '../helpers/postgres';
import { api, postHazards, startServer, type ChildServer } from '../helpers/server';
import { ACTOR, STORE_KINDS, TZ, openTestStore, prepared, type StoreKind, type TestStore } from '../helpers/stores';

const pgMissing = await postgresMissing();
const skipped = (kind: StoreKind) => kind === 'postgres' && pgMissing !== null;
const RECORDED = '2024-12-01T02:00:00.000Z';

/** The driver under a chain store, and how many groups / writes it has committed so far. */
type Grouped = ChainDriver & { groupStats: { groups: number; writes: number; largest: number } };
const driverOf = (s: TestStore) => (s.repo as unknown as { driver: Grouped }).driver;

const hazards = (seed: number, n: number, prefix: string): HazardInput[] => {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => makeHazard(r, i, { id: `${prefix}-${String(i).padStart(3, '0')}` }));
};

async function audit(s: TestStore) {
  const opened = await openAuditSource({ DATA_DIR: s.env.DATA_DIR ?? 'unused', DATABASE_URL: s.env.DATABASE_URL });
  if (typeof opened === 'string') throw new Error(opened);
  try {
    return await verify(opened.source, TZ);
  } finally {
    await opened.close();
  }
}

const count = async (s: TestStore, sql: string, params?: Record<string, unknown>) =>
  Number((await driverOf(s).query<{ n: number | string }>(sql, params))[0]!.n);

describe.each(STORE_KINDS)('group commit on %s', (kind) => {
  const stores: TestStore[] = [];
  afterAll(async () => {
    for (const s of stores) {
      await s.close();
      await s.dispose();
    }
  });
  const open = async () => {
    const s = await openTestStore(kind);
    stores.push(s);
    return s;
  };

  it.skipIf(skipped(kind))('concurrent writes share commits; the one whose rows fail is refused alone and leaves no trace', async () => {
    const s = await open();
    const driver = driverOf(s);
    const singles = hazards(11, 40, 'G');
    const before = { ...driver.groupStats };
    const [first, ...rest] = singles;
    // all issued in one turn of the event loop: they wait for the same group, in this order
    const firstDone = s.repo.ingest(prepared([first!]), ACTOR, RECORDED);
    // a write that stores rows and then fails on a real constraint: a hazards row whose id is already taken
    const taken = singles[0]!.id;
    let failedWrote = false;
    const failing = driver.write(async (tx: WriteTx) => {
      await tx.query(SET_META, { key: 'probe', value: 'must not stay' });
      failedWrote = true;
      await tx.insertHazards([{
        id: taken, regionCode: '141102', cityCode: '141100', sector: 'coal', level: 'general', source: 'inspection', deadline: null,
        discoveredAt: RECORDED, discoveredDay: '2024-12-01', contentHash: 'x', input: '{}', seq: 999_999,
      }], RECORDED);
      return { out: null, headSeq: null };
    });
    // a workflow write refused inside the transaction by its decision (it appends nothing)
    const refused = s.repo.mutate(singles[0]!.id, ACTOR, RECORDED, () => {
      throw new ServiceError(403, 'forbidden_region', 'not yours');
    });
    const restDone = rest.map((h) => s.repo.ingest(prepared([h]), ACTOR, RECORDED));
    const outcomes = await Promise.allSettled([firstDone, failing, refused, ...restDone]);

    expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: [{ status: 'accepted' }] });
    expect(outcomes[1]!.status).toBe('rejected');
    expect(failedWrote).toBe(true);
    expect(outcomes[2]).toMatchObject({ status: 'rejected', reason: { code: 'forbidden_region' } });
    for (const o of outcomes.slice(3)) expect(o).toMatchObject({ status: 'fulfilled', value: [{ status: 'accepted' }] });

    const after = driver.groupStats;
    expect(after.writes - before.writes).toBe(singles.length);
    // the writes did share commits: far fewer groups than writes
    expect(after.groups - before.groups).toBeLessThan(singles.length / 4);
    expect(after.largest).toBeGreaterThan(10);

    // no trace of the failed writes: the probe is not in meta, the chain holds exactly the 40 reports, and the audit
    // replays it to the very hazards table, per-day counts and chain head that are stored
    expect(await count(s, "SELECT COUNT(*) AS n FROM meta WHERE key = 'probe'")).toBe(0);
    expect(await count(s, 'SELECT COUNT(*) AS n FROM changes')).toBe(singles.length);
    expect(await count(s, 'SELECT COUNT(*) AS n FROM hazards')).toBe(singles.length);
    const seqs = (await driverOf(s).query<{ seq: number | string }>('SELECT seq FROM changes ORDER BY seq')).map((r) => Number(r.seq));
    expect(seqs).toEqual(singles.map((_, i) => i + 1));
    const report = await audit(s);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, changes: singles.length, hazards: singles.length });

    // each acknowledged write reads back as it was sent; the refused workflow write changed nothing
    for (const h of singles) expect((await s.repo.get(h.id))?.input).toEqual(h);
    expect((await s.repo.get(singles[0]!.id))?.status).toBe('reported');
  });

  it.skipIf(skipped(kind))('mutations grouped with reports are decided in chain order, each on the state the one before left', async () => {
    const s = await open();
    const base = hazards(12, 5, 'M');
    await s.repo.ingest(prepared(base), ACTOR, RECORDED);
    const now = Date.now();
    const at = new Date(now).toISOString();
    const auth = { tokenId: 'tok-test', name: 'admin', role: 'admin' as const, region: '140000' };
    // the same transition twice at once: grouped or not, the second is decided after the first and refused
    const twice = [0, 1].map(() => s.repo.mutate(base[0]!.id, ACTOR, at, (h) => transition({ to: 'rectifying' }, now, auth)(h, at)));
    const more = hazards(13, 10, 'N').map((h) => s.repo.ingest(prepared([h]), ACTOR, RECORDED));
    const [a, b] = await Promise.all(twice);
    expect(driverOf(s).groupStats.largest).toBeGreaterThan(10);
    await Promise.all(more);
    expect([a!.ok, b!.ok].sort()).toEqual([false, true]);
    const report = await audit(s);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, changes: 5 + 1 + 10, hazards: 15 });
  });

  it.skipIf(skipped(kind))(`refuses writes beyond ${MAX_WAITING} waiting with 503 write_queue_full, and commits the rest`, async () => {
    const s = await open();
    const driver = driverOf(s);
    // all issued in the same turn of the event loop: none has started, so every one of them is waiting
    const writes = Array.from({ length: MAX_WAITING + 5 }, (_, i) =>
      driver.write(async (tx) => {
        await tx.query(SET_META, { key: `q${i}`, value: String(i) });
        return { out: i, headSeq: null };
      }));
    const outcomes = await Promise.allSettled(writes);
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused).toHaveLength(5);
    for (const o of refused) expect((o as PromiseRejectedResult).reason).toMatchObject({ status: 503, code: 'write_queue_full' });
    expect(outcomes.slice(0, MAX_WAITING).every((o) => o.status === 'fulfilled')).toBe(true);
    expect(await count(s, "SELECT COUNT(*) AS n FROM meta WHERE key LIKE 'q%'")).toBe(MAX_WAITING);
  }, 60_000);
});

describe('group commit over HTTP', () => {
  let srv: ChildServer | undefined;
  afterAll(async () => {
    await srv?.stop();
  });

  it('50 concurrent clients: an invalid or conflicting report is refused alone, and every acknowledged one survives SIGKILL', async () => {
    srv = await startServer();
    const s = srv;
    const post = (h: unknown) => api(s.url, s.tokens.admin, 'POST', '/api/v1/hazards', h);
    const all = hazards(21, 2000, 'H');
    // one hazard first, so a conflicting copy of it can be sent among the concurrent ones
    expect((await postHazards(s.url, s.tokens.admin, [all[0]!])).status).toBe(200);
    const acked: HazardInput[] = [all[0]!];
    const refusals: { status: number; code: string }[] = [];
    let next = 1;
    let killed = false;
    const client = async (c: number) => {
      while (next < all.length && !killed) {
        const i = next++;
        // every 97th request is invalid (no title), every 101st a different report under a stored id
        const body = i % 97 === 0 ? { ...all[i]!, title: undefined } : i % 101 === 0 ? { ...all[0]!, title: `改过的 ${c}` } : all[i]!;
        let res: Awaited<ReturnType<typeof post>>;
        try {
          res = await post(body);
        } catch {
          return; // the server was killed with this request in flight: it may or may not have committed
        }
        if (res.status === 200) {
          expect(res.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
          acked.push(all[i]!);
        } else refusals.push({ status: res.status, code: res.body.error.code });
      }
    };
    const clients = Array.from({ length: 50 }, (_, c) => client(c));
    while (acked.length < 600) await new Promise((r) => setTimeout(r, 5));
    await s.kill();
    killed = true;
    await Promise.all(clients);
    expect(refusals.length).toBeGreaterThan(0);
    for (const r of refusals) expect([{ status: 400, code: 'invalid_hazard' }, { status: 409, code: 'conflict' }]).toContainEqual(r);

    await s.restart();
    const get = (id: string) => api(s.url, s.tokens.admin, 'GET', `/api/v1/hazards/${id}`);
    for (const h of acked) {
      const res = await get(h.id);
      expect(res.status, h.id).toBe(200);
      expect(res.body.title).toBe(h.title);
    }
    // the refused ones left nothing: the invalid ids are absent, the stored hazard is as first sent
    for (let i = 97; i < next; i += 97) expect((await get(all[i]!.id)).status).toBe(404);
    expect((await get(all[0]!.id)).body.title).toBe(all[0]!.title);
  }, 120_000);
});
