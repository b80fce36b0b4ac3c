/**
 * The database away (every connection cut, new ones refused) under a running node: requests that need it get
 * 503 `store_unavailable` with Retry-After — never a 500 — and the node serves again, unrestarted, as soon
 * as the database is back. PostgreSQL is reached through a proxy the test cuts, so the machine's shared
 * server is never stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHazard, rng } from '../helpers/hazards';
import { pgTokens, startNode, type Node } from '../helpers/cluster';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { cuttableProxy, type CuttableProxy } from '../helpers/tcp-proxy';
import { refusal } from '../helpers/live';
import { api } from '../helpers/server';

const pgMissing = await postgresMissing();

describe.skipIf(pgMissing !== null)('PostgreSQL unreachable under a running node', () => {
  let db: TestDatabase;
  let proxy: CuttableProxy;
  let node: Node;
  let t: Record<string, string>;

  beforeAll(async () => {
    db = await freshDatabase();
    t = await pgTokens(db.url, { admin: { role: 'admin', name: 'admin' }, reporter: { role: 'reporter', name: 'reporter' } });
    const url = new URL(db.url);
    proxy = await cuttableProxy(Number(url.port || 5432), url.hostname);
    url.port = String(proxy.port);
    node = await startNode({ DATABASE_URL: url.toString() });
  }, 200_000);
  afterAll(async () => {
    await node?.kill();
    await proxy?.close();
    await db?.drop();
  });

  it('answers 503 store_unavailable with Retry-After while it is away, and serves again when it is back', async () => {
    const r = rng(5);
    const post = (id: number) => api(node.url, t.reporter, 'POST', '/api/v1/hazards', { hazards: [makeHazard(r, id)] });
    expect((await post(1)).status).toBe(200);

    await proxy.cut();
    const answers = [
      await post(2),
      await api(node.url, t.reporter, 'GET', '/api/v1/hazards?limit=5'),
      await api(node.url, t.admin, 'GET', '/api/v1/chain/head'),
      // a token of the right shape: only the database can say whether it is valid
      await api(node.url, 'hz_0123456789abcdef0123456789abcdef', 'GET', '/api/v1/summary?region=140000'),
    ];
    for (const res of answers) {
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('store_unavailable');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // a page opened with ?token= is not told its token is bad
    expect((await fetch(`${node.url}/?token=${t.admin}`, { redirect: 'manual' })).status).toBe(503);
    // a socket is refused with the reason, and retries by itself
    expect(await refusal(node.url, t.admin!)).toContain('store_unavailable');

    await proxy.mend();
    await expect.poll(async () => (await post(3)).status, { timeout: 20_000, interval: 500 }).toBe(200);
    const list = await api(node.url, t.reporter, 'GET', '/api/v1/hazards?limit=10');
    expect(list.status).toBe(200);
    expect(node.output()).not.toContain('unhandled error');
  });
});
