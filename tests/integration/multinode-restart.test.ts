/**
 * A PostgreSQL restart under two nodes that keep taking writes: every answer is a 200 or a clean 503 (never a 500),
 * /healthz says 503 while the database is gone and 200 again after, each node's change feed re-listens and catches
 * up by itself, and the screens end equal to what the database holds (every acknowledged write among it). Runs on a
 * private cluster in a temp dir (tests/helpers/pg-cluster.ts): the machine's shared server is never restarted.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVINCE_CODE } from '../../shared/regions';
import { makeHazard, rng } from '../helpers/hazards';
import { sleep } from '../helpers/live';
import { Follower, until } from '../helpers/multinode';
import { clusterMissing, startCluster, type Cluster } from '../helpers/pg-cluster';
import { pgTokens, startNode, type Node } from '../helpers/cluster';
import { REDIS_URL, dropPrefix, randomPrefix, redisMissing } from '../helpers/redis';
import { api } from '../helpers/server';

const missing = clusterMissing() ?? (await redisMissing());

async function dbCount(url: string): Promise<{ n: number; ids: Set<string> }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const ids = new Set((await c.query<{ id: string }>('SELECT id FROM hazards')).rows.map((x) => x.id));
    return { n: ids.size, ids };
  } finally {
    await c.end();
  }
}

describe.skipIf(missing !== null)('a PostgreSQL restart under two nodes', () => {
  let cluster: Cluster;
  let nodes: Node[] = [];
  let tokens: Record<string, string>;
  const prefix = randomPrefix();
  beforeAll(async () => {
    cluster = await startCluster();
    tokens = await pgTokens(cluster.url, { reporter: { role: 'reporter', name: 'rs-reporter' }, viewer: { role: 'viewer', name: 'rs-viewer' } });
    nodes = await Promise.all([0, 1].map(() => startNode({ DATABASE_URL: cluster.url, REDIS_URL, REDIS_PREFIX: prefix })));
  }, 90_000);
  afterAll(async () => {
    await Promise.all(nodes.map((x) => x.kill()));
    cluster?.destroy();
    await dropPrefix(prefix);
  });

  it('answers 200 or 503 throughout, reports it on /healthz, and converges after', async () => {
    const screens = nodes.map((x) => new Follower(x.url, tokens.viewer!, PROVINCE_CODE));
    await until(() => screens.every((f) => f.state !== null), 15_000, () => 'screens did not subscribe');
    const r = rng(77);
    const statuses = new Map<number, number>();
    const health = new Set<number>();
    const acked = new Set<string>();
    const bad: string[] = [];
    let writing = true;
    let i = 0;
    const writer = async (node: Node) => {
      while (writing) {
        const h = makeHazard(r, i++, { id: `RS-${i}` });
        const res = await api(node.url, tokens.reporter, 'POST', '/api/v1/hazards', h);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200) acked.add(h.id);
        else if (res.status !== 503 || !res.headers.get('retry-after')) bad.push(`${res.status} ${JSON.stringify(res.body)}`);
        const hz = await api(node.url, undefined, 'GET', '/healthz');
        health.add(hz.status);
        await sleep(res.status === 200 ? 30 : 100);
      }
    };
    const writers = nodes.map(writer);
    await sleep(800);
    // down for a while (not just a restart's half second), so that requests meet the database gone
    await cluster.stop();
    await sleep(1500);
    await cluster.start();
    // after the restart, writes must succeed again: wait for a few acknowledged on each node
    const before = acked.size;
    await until(() => acked.size >= before + 10, 20_000, () => `writes did not resume (statuses ${JSON.stringify([...statuses])})`);
    writing = false;
    await Promise.all(writers);

    expect(bad, 'answers other than 200 or 503 with Retry-After').toEqual([]);
    expect(statuses.get(200)).toBeGreaterThan(10);
    const { n, ids } = await dbCount(cluster.url);
    for (const id of acked) expect(ids.has(id), `acknowledged ${id} is in the database`).toBe(true);
    // every node follows to what the database holds, without a write of its own being needed
    await until(() => screens.every((f) => f.state?.totals.total === n), 10_000, () => `screens show ${screens.map((f) => f.state?.totals.total)}, database has ${n}`);
    for (const node of nodes) {
      const hz = await api(node.url, undefined, 'GET', '/healthz');
      expect(hz.status).toBe(200);
      expect(hz.body).toMatchObject({ status: 'ok', ready: true, lagSeq: 0 });
    }
    for (const f of screens) expect(f.backwards).toEqual([]);
    for (const f of screens) f.close();
    expect(statuses.get(503) ?? 0, 'writes during the outage answered 503').toBeGreaterThan(0);
    // the feed looks at the database every second: an outage of 1.5 s or more is seen by /healthz
    expect([...health].sort()).toEqual([200, 503]);
  }, 120_000);
});
