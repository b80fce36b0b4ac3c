/**
 * A Redis restart (a private redis-server without persistence, so it comes back empty) under two nodes on
 * one PostgreSQL database: while it is away writes are still answered (never a 500), presentation moves are
 * refused with a code; afterwards the room is back where the presenter left it and moves reach the other
 * node again; and screens on both nodes never lost a delta (deltas never go through Redis).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresentAck } from '../../shared/present';
import { PROVINCE_CODE } from '../../shared/regions';
import { makeHazard, rng } from '../helpers/hazards';
import { closeClients, connectClient, eventUntil, pgTokens, startNode, type Client, type Node } from '../helpers/cluster';
import { Screen } from '../helpers/live';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { privateRedis, randomPrefix, redisMissing, type PrivateRedis } from '../helpers/redis';
import { api, postHazards } from '../helpers/server';

const missing = (await postgresMissing()) ?? (await redisMissing());

const join = (s: Client, args: { room: string; role?: 'presenter' | 'follower' }) =>
  new Promise<PresentAck>((resolve) => s.emit('present:join', args, resolve));
const go = (s: Client, args: { room: string; index: number }) =>
  new Promise<PresentAck>((resolve) => s.emit('present:go', args, resolve));

describe.skipIf(missing !== null)('a Redis restart under two nodes', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let a: Node;
  let b: Node;
  let t: Record<string, string>;
  const screens: Screen[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    redis = await privateRedis();
    t = await pgTokens(db.url, { admin: { role: 'admin', name: 'admin' }, display: { role: 'display', name: 'display' }, reporter: { role: 'reporter', name: 'reporter' } });
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: randomPrefix() };
    [a, b] = await Promise.all([startNode(env), startNode(env)]);
  }, 200_000);
  afterAll(async () => {
    closeClients();
    for (const s of screens) s.close();
    await Promise.all([a?.kill(), b?.kill()]);
    await redis?.stop();
    await db?.drop();
  });

  it('answers writes while Redis is away, then restores the room and loses no delta', async () => {
    const r = rng(31);
    const presenter = await connectClient(a.url, t.admin!);
    const follower = await connectClient(b.url, t.display!);
    expect((await join(presenter, { room: 'war-room', role: 'presenter' })).ok).toBe(true);
    expect((await join(follower, { room: 'war-room' })).ok).toBe(true);
    const seen = eventUntil(follower, 'present:changed', (s) => s.index === 4);
    expect(await go(presenter, { room: 'war-room', index: 4 })).toMatchObject({ ok: true });
    await seen;

    for (const node of [a, b]) {
      const s = await Screen.connect(node.url, t.display!);
      await s.subscribe(PROVINCE_CODE);
      screens.push(s);
    }
    let sent = 0;
    const post = async (node: Node, n: number) => {
      const res = await postHazards(node.url, t.reporter!, Array.from({ length: n }, (_, i) => makeHazard(r, sent + i)));
      expect(res.status).toBe(200);
      sent += res.body.accepted;
    };
    await post(a, 3);

    await redis.stop();
    // Redis away: ingest (its budget falls back to this node's memory), reads and auth still answer
    await post(a, 4);
    await post(b, 4);
    expect((await api(b.url, 'not-a-token', 'GET', '/api/v1/summary?region=140000')).status).toBe(401);
    expect((await api(b.url, t.display, 'GET', '/api/v1/summary?region=140000')).status).toBe(200);
    // a move cannot be shared now: refused with a code, not lost silently, not a crash
    expect(await go(presenter, { room: 'war-room', index: 5 })).toMatchObject({ ok: false, error: { code: 'unavailable' } });

    await redis.start();
    // the presenter's node writes the room back (Redis came back empty): a new follower lands on slide 4
    const late = await connectClient(b.url, t.display!);
    await expect.poll(async () => {
      const ack = await join(late, { room: 'war-room' });
      return ack.ok ? ack.state.index : -1;
    }, { timeout: 15_000, interval: 500 }).toBe(4);
    // and moves cross nodes again (the adapter's stream resumed)
    const moved = eventUntil(follower, 'present:changed', (s) => s.index === 6, 10_000);
    await expect.poll(async () => (await go(presenter, { room: 'war-room', index: 6 })).ok, { timeout: 10_000, interval: 500 }).toBe(true);
    expect((await moved).presenter).toBe(true);
    await post(b, 2);

    // every delta on both nodes chained (no gap, nothing lost) and the totals are the true count
    const head = async () => (await api(a.url, t.admin, 'GET', '/api/v1/chain/head')).body.seq as number;
    for (const s of screens) {
      await s.settle(head, 15_000);
      expect(s.problems).toEqual([]);
      expect(s.states.get(PROVINCE_CODE)!.totals.total).toBe(sent);
    }
    expect(a.output() + b.output()).not.toMatch(/"level":50.*unhandled|internal error/);
  });
});
