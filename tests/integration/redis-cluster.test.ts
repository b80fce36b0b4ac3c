/**
 * Three server processes on one PostgreSQL database and one Redis (under a prefix of this test's own):
 * a presenter on one node drives followers on the two others and a newer presenter takes over everywhere;
 * a revocation reaches the token's sockets on every node; the rate budgets are one budget, not one per node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../server/store';
import { slidesFor } from '../../shared/present';
import { makeHazard, rng } from '../helpers/hazards';
import {
  closeClients, connectClient, eventUntil, pgTokens, presentGo as go, presentJoin as join, startNode, stateOf, type Node,
} from '../helpers/cluster';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { REDIS_URL, dropPrefix, randomPrefix, redisMissing } from '../helpers/redis';
import { api, postHazards } from '../helpers/server';

const missing = (await postgresMissing()) ?? (await redisMissing());


describe.skipIf(missing !== null)('three nodes sharing PostgreSQL and Redis', () => {
  const prefix = randomPrefix();
  let db: TestDatabase;
  let nodes: Node[] = [];
  let t: Record<string, string>;

  beforeAll(async () => {
    db = await freshDatabase();
    t = await pgTokens(db.url, {
      admin: { role: 'admin', name: 'admin' },
      viewer: { role: 'viewer', name: 'viewer' },
      display: { role: 'display', name: 'display' },
      reporter: { role: 'reporter', name: 'reporter' },
      doomed: { role: 'display', name: 'to-be-revoked' },
    });
    const env = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, INGEST_LIMIT_PER_MINUTE: '10', AUTH_FAILURE_LIMIT: '5' };
    nodes = await Promise.all([1, 2, 3].map(() => startNode(env)));
  }, 200_000);
  afterAll(async () => {
    closeClients();
    await Promise.all(nodes.map((n) => n.kill()));
    await db?.drop();
    await dropPrefix(prefix);
  });

  it('a presenter on node A drives followers on nodes B and C; a newer presenter on B takes over everywhere', async () => {
    const [a, b, c] = nodes as [Node, Node, Node];
    const presenter = await connectClient(a.url, t.admin!);
    const onB = await connectClient(b.url, t.display!);
    const onC = await connectClient(c.url, t.viewer!);
    expect(stateOf(await join(presenter, { room: 'hall', role: 'presenter' }))).toMatchObject({ region: '140000', index: 0, presenter: true, slides: slidesFor('140000').length });
    expect(stateOf(await join(onB, { room: 'hall' }))).toMatchObject({ index: 0, presenter: true });
    expect(stateOf(await join(onC, { room: 'hall' }))).toMatchObject({ index: 0, presenter: true });

    const seenB = eventUntil(onB, 'present:changed', (s) => s.index === 3);
    const seenC = eventUntil(onC, 'present:changed', (s) => s.index === 3);
    expect(stateOf(await go(presenter, { room: 'hall', index: 3 })).index).toBe(3);
    expect(await seenB).toMatchObject({ room: 'hall', index: 3, presenter: true });
    expect(await seenC).toMatchObject({ room: 'hall', index: 3, presenter: true });

    // a late follower on C lands on the current slide, read from Redis, not from C's memory
    const late = await connectClient(c.url, t.display!);
    expect(stateOf(await join(late, { room: 'hall' })).index).toBe(3);

    // a newer presenter on B: the one on A is told (across nodes), and can no longer move the room
    const second = await connectClient(b.url, t.admin!);
    const told = eventUntil(presenter, 'present:superseded');
    expect(stateOf(await join(second, { room: 'hall', role: 'presenter' })).index).toBe(3);
    expect((await told).room).toBe('hall');
    expect(await go(presenter, { room: 'hall', index: 5 })).toMatchObject({ ok: false, error: { code: 'not_presenter' } });
    const movedC = eventUntil(onC, 'present:changed', (s) => s.index === 6);
    const movedA = eventUntil(presenter, 'present:changed', (s) => s.index === 6);
    stateOf(await go(second, { room: 'hall', index: 6 }));
    expect((await movedC).presenter).toBe(true);
    expect((await movedA).index).toBe(6);

    // the presenter's node notices it leave: followers on the other nodes see the room without a presenter
    const gone = eventUntil(onC, 'present:changed', (s) => !s.presenter);
    second.disconnect();
    expect(await gone).toMatchObject({ index: 6, presenter: false });
  });

  it('two presenters joining on two nodes at the same moment: exactly one of them holds the room', async () => {
    const [a, b] = nodes as [Node, Node, Node];
    const p1 = await connectClient(a.url, t.admin!);
    const p2 = await connectClient(b.url, t.admin!);
    const superseded: string[] = [];
    p1.on('present:superseded', () => superseded.push('p1'));
    p2.on('present:superseded', () => superseded.push('p2'));
    await Promise.all([join(p1, { room: 'race', role: 'presenter' }), join(p2, { room: 'race', role: 'presenter' })]);
    const [r1, r2] = await Promise.all([go(p1, { room: 'race', index: 1 }), go(p2, { room: 'race', index: 2 })]);
    // one move is refused as not_presenter, one succeeds; and the loser was told (unless it lost before it joined)
    expect([r1.ok, r2.ok].filter(Boolean)).toHaveLength(1);
    const loser = r1.ok ? 'p2' : 'p1';
    await expect.poll(() => superseded, { timeout: 3000 }).toContain(loser);
  });

  it('revoking a token disconnects its sockets on every node', async () => {
    const screens = await Promise.all(nodes.map((n) => connectClient(n.url, t.doomed!)));
    const told = screens.map((s) => eventUntil(s, 'session:revoked', () => true, 8000));
    const closed = screens.map((s) => new Promise<string>((r) => s.once('disconnect', r)));
    const store = await openStore({ DATA_DIR: 'unused', DATABASE_URL: db.url, TZ_REGION: 'Asia/Shanghai' });
    try {
      const info = (await store.tokens.list()).find((i) => i.name === 'to-be-revoked')!;
      expect(await store.tokens.revoke(info.id)).toBe(true);
    } finally {
      await store.close();
    }
    for (const m of await Promise.all(told)) expect(m.message).toBe('this token was revoked');
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect', 'io server disconnect']);
  });

  it('the ingest budget is one budget across nodes', async () => {
    const r = rng(9);
    const hz = Array.from({ length: 14 }, (_, i) => makeHazard(r, i));
    const first = await postHazards(nodes[0]!.url, t.reporter!, hz.slice(0, 6));
    expect(first.status).toBe(200);
    // 6 spent on A; B has the 4 that remain, not a budget of its own
    expect((await postHazards(nodes[1]!.url, t.reporter!, hz.slice(6, 10))).status).toBe(200);
    const third = await api(nodes[2]!.url, t.reporter!, 'POST', '/api/v1/hazards', { hazards: hz.slice(10, 11) });
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('rate_limited');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await postHazards(nodes[0]!.url, t.reporter!, hz.slice(11, 12))).status).toBe(429);
    // the admin is never limited, on any node
    expect((await postHazards(nodes[1]!.url, t.admin!, hz.slice(12, 14))).status).toBe(200);
  });

  it('failed authentications from one address are counted across nodes', async () => {
    // AUTH_FAILURE_LIMIT=5: three bad tokens on A and two on B spend it; the next one on C is throttled
    for (const [i, n] of [0, 0, 0, 1, 1].entries()) {
      const res = await api(nodes[n]!.url, `bad-token-${i}`, 'GET', '/api/v1/summary?region=140000');
      expect(res.status).toBe(401);
    }
    const throttled = await api(nodes[2]!.url, 'bad-token-x', 'GET', '/api/v1/summary?region=140000');
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('too_many_failures');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    // a valid token still passes from that address
    expect((await api(nodes[2]!.url, t.viewer, 'GET', '/api/v1/summary?region=140000')).status).toBe(200);
  });
});
