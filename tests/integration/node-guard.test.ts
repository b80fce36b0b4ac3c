/**
 * PostgreSQL without REDIS_URL is a single-node deployment: the first node holds the node lock, a second one
 * refuses to start with the reason (instead of running with rooms and budgets of its own), and once the first
 * node is gone — even by kill -9 — the next one starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, refusedNode, type Node } from '../helpers/cluster';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { REDIS_URL, dropPrefix, randomPrefix, redisMissing } from '../helpers/redis';

const pgMissing = await postgresMissing();
const redisGone = pgMissing === null ? await redisMissing() : pgMissing;

describe.skipIf(pgMissing !== null)('a second node on PostgreSQL without Redis', () => {
  let db: TestDatabase;
  const started: Node[] = [];
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await Promise.all(started.map((n) => n.kill()));
    await db?.drop();
  });

  it('refuses to start while the first runs, and starts once the first is killed', async () => {
    const first = await startNode({ DATABASE_URL: db.url });
    started.push(first);
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);

    const second = await refusedNode({ DATABASE_URL: db.url });
    expect(second.exitCode).toBe(1);
    expect(second.output).toContain('another server node is already running on this PostgreSQL database without REDIS_URL');
    expect(second.output).toContain('set REDIS_URL');

    await first.kill();
    // the lock was the first node's session: it went with the process
    const third = await startNode({ DATABASE_URL: db.url });
    started.push(third);
    expect((await fetch(`${third.url}/healthz`)).status).toBe(200);
  }, 300_000);

  it.skipIf(redisGone !== null)('with REDIS_URL, several nodes start on one database', async () => {
    const other = await freshDatabase();
    const prefix = randomPrefix();
    try {
      const env = { DATABASE_URL: other.url, REDIS_URL, REDIS_PREFIX: prefix };
      const nodes = await Promise.all([startNode(env), startNode(env)]);
      started.push(...nodes);
      for (const n of nodes) expect((await fetch(`${n.url}/healthz`)).status).toBe(200);
      await Promise.all(nodes.map((n) => n.kill()));
    } finally {
      await other.drop();
      await dropPrefix(prefix);
    }
  }, 200_000);
});
