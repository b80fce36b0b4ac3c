/**
 * Three server processes on one PostgreSQL database, each with real socket.io-client screens: every node applies
 * every change without writing itself (the change feed: LISTEN/NOTIFY + head poll), so every screen's snapshot +
 * deltas equal a count the test keeps itself from what was acknowledged; heartbeats and /healthz report the head;
 * and when one node is killed with -9, its screens move through a TCP round-robin balancer to the others and
 * never show a total lower than one they showed. Skipped with a message without PostgreSQL or Redis (fails under
 * HZ_REQUIRE_ALL=1); Redis only because several nodes need it (server/cluster.ts), under a prefix of this test's own.
 */
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVINCE_CODE } from '../../shared/regions';
import type { HazardInput } from '../../shared/schemas';
import { makeHazard, rng } from '../helpers/hazards';
import { sleep } from '../helpers/live';
import { Follower, roundRobin, until } from '../helpers/multinode';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { pgTokens, startNode, type Node } from '../helpers/cluster';
import { REDIS_URL, dropPrefix, randomPrefix, redisMissing } from '../helpers/redis';
import { api, postHazards } from '../helpers/server';
import { modelOf, tally, type ModelHazard } from '../helpers/stream';

const missing = (await postgresMissing()) ?? (await redisMissing());
const REGIONS = [PROVINCE_CODE, '141100', '140100', '141102'];

describe.skipIf(missing !== null)('three nodes on one PostgreSQL database', () => {
  let db: TestDatabase;
  let nodes: Node[] = [];
  let tokens: Record<string, string>;
  // several nodes need REDIS_URL (the node guard, server/cluster.ts); this test's keys under a prefix of its own
  const prefix = randomPrefix();
  const followers: Follower[] = [];
  const model = new Map<string, ModelHazard>();
  const r = rng(20241201);
  let n = 0;

  const batch = (size: number): HazardInput[] => Array.from({ length: size }, () => makeHazard(r, n++, { id: `MN-${n}` }));
  async function write(node: Node, items: HazardInput[]): Promise<void> {
    const res = items.length === 1
      ? await api(node.url, tokens.reporter, 'POST', '/api/v1/hazards', items[0])
      : await postHazards(node.url, tokens.reporter!, items);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ accepted: items.length });
    for (const h of items) model.set(h.id, modelOf(h));
  }
  /** Every follower shows exactly the independent count of every acknowledged write (key order aside). */
  async function allAgree(list: Follower[], timeoutMs: number): Promise<void> {
    const agrees = (f: Follower) => {
      if (!f.state) return false;
      const { totals, byRegion, bySector, matrix } = f.state;
      return isDeepStrictEqual({ totals, byRegion, bySector, matrix }, tally(f.region, model.values(), f.state.today));
    };
    await until(() => list.every(agrees), timeoutMs, () => {
      const off = list.filter((f) => !agrees(f));
      return `${off.length} of ${list.length} screens differ, e.g. ${off[0]?.region} total ${off[0]?.state?.totals.total} (want ${tally(off[0]!.region, model.values(), off[0]?.state?.today ?? '').totals.total})`;
    });
  }

  beforeAll(async () => {
    db = await freshDatabase();
    tokens = await pgTokens(db.url, { reporter: { role: 'reporter', name: 'mn-reporter' }, viewer: { role: 'viewer', name: 'mn-viewer' } });
    nodes = await Promise.all([0, 1, 2].map(() => startNode({ DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix })));
  }, 90_000);
  afterAll(async () => {
    for (const f of followers) f.close();
    await Promise.all(nodes.map((x) => x.kill()));
    await db?.drop();
    await dropPrefix(prefix);
  });

  it('applies writes spread over the nodes, and writes on one node only, on every node without its writing', async () => {
    for (const node of nodes) for (const region of REGIONS) followers.push(new Follower(node.url, tokens.viewer!, region));
    await until(() => followers.every((f) => f.state !== null), 15_000, () => 'screens did not all subscribe');
    // spread: each round one batch per node at once, of varying sizes
    for (let round = 0; round < 8; round++) await Promise.all(nodes.map((node, i) => write(node, batch(1 + ((round * 7 + i * 5) % 25)))));
    await allAgree(followers, 10_000);
    // one node only: the others never write, and still follow within moments (not at their next write)
    for (let i = 0; i < 30; i++) await write(nodes[0]!, batch(1));
    await allAgree(followers, 3000);

    const head = (await api(nodes[0]!.url, undefined, 'GET', '/healthz')).body.head as number;
    for (const node of nodes) {
      const health = await api(node.url, undefined, 'GET', '/healthz');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok', ready: true, seq: head, head, lagSeq: 0, lagMs: 0 });
      const summary = (await api(node.url, tokens.viewer, 'GET', `/api/v1/summary?region=${PROVINCE_CODE}`)).body;
      expect(summary.totals.total).toBe(model.size);
    }
    // heartbeats (every 5 s) carry this node's position and the global head: equal once caught up
    const onB = followers.filter((f) => f.url === nodes[1]!.url);
    await until(() => onB.every((f) => f.heartbeats.some((h) => h.version === head && h.head === head)), 7000, () => 'no heartbeat with version = head = last change');
    for (const f of followers) expect(f.backwards, f.region).toEqual([]);
  }, 90_000);

  it('after kill -9 of one node its screens move to the others through a balancer, and no total goes backwards', async () => {
    let alive = nodes.map((x) => x.port);
    const lb = await roundRobin(() => alive);
    const behind = Array.from({ length: 12 }, (_, i) => new Follower(`http://127.0.0.1:${lb.port}`, tokens.viewer!, REGIONS[i % REGIONS.length]!));
    followers.push(...behind);
    try {
      await until(() => behind.every((f) => f.state !== null), 15_000, () => 'balanced screens did not subscribe');
      const victim = nodes[1]!;
      // writes go on meanwhile, to the nodes that stay (so every write is acknowledged and counted)
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing; i++) {
          await write(nodes[i % 2 === 0 ? 0 : 2]!, batch(1 + (i % 4)));
          await sleep(40);
        }
      })();
      await sleep(600);
      alive = alive.filter((p) => p !== victim.port);
      await victim.kill();
      await sleep(1500);
      writing = false;
      await writer;
      await allAgree(behind, 10_000);
      expect(behind.filter((f) => f.connects > 1).length, 'screens that reconnected').toBeGreaterThan(0);
      for (const f of behind) expect(f.backwards, f.region).toEqual([]);
    } finally {
      await lb.close();
    }
  }, 90_000);
});
