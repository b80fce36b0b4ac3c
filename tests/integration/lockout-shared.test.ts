/**
 * The sign-in lockout of two nodes on one PostgreSQL database and one Redis (under this test's own prefix):
 * failures on either node count toward one limit per account and one per address, and a success on one node
 * clears the account on both — so two nodes allow 5 wrong passwords per account, not 10.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { LOCKOUT } from '../../server/auth/lockout';
import { openStore } from '../../server/store';
import { PASSWORD, createPerson } from '../helpers/people';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { REDIS_URL, dropPrefix, randomPrefix, redisMissing } from '../helpers/redis';
import { startApp, type InProcessServer } from '../helpers/server';

const missing = (await postgresMissing()) ?? (await redisMissing());

/** A sign-in from `address` (TRUST_PROXY=loopback: the tests play client addresses as a proxy would). */
async function signInFrom(node: InProcessServer, address: string, username: string, password: string) {
  const res = await fetch(`${node.url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: node.url, 'x-forwarded-for': address },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string } }, retryAfter: res.headers.get('retry-after') };
}

describe.skipIf(missing !== null)('sign-in lockout across two nodes sharing Redis', () => {
  const prefix = randomPrefix();
  let db: TestDatabase;
  let a: InProcessServer;
  let b: InProcessServer;

  beforeAll(async () => {
    db = await freshDatabase();
    const env = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, TRUST_PROXY: 'loopback' };
    a = await startApp({ env });
    b = await startApp({ env });
    const store = await openStore(loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' }));
    try {
      for (const [u, n] of [['zhao', '赵强'], ['qian', '钱敏'], ['sun', '孙立']] as const) await createPerson(store.tokens, u, n, 'reporter', '141102');
    } finally {
      await store.close();
    }
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await db?.drop();
    await dropPrefix(prefix);
  });

  it('locks an account after 5 wrong passwords spread over both nodes, on both nodes', async () => {
    // 3 on A and 2 on B, each from an address of its own: only the account's count can reach 5
    for (const [i, node] of [a, a, a, b, b].entries()) expect((await signInFrom(node, `198.51.100.${i + 1}`, 'zhao', `wrong-${i}`)).status).toBe(401);
    for (const node of [a, b]) {
      const r = await signInFrom(node, '198.51.100.50', 'zhao', PASSWORD);
      expect([r.status, r.body.error?.code]).toEqual([429, 'too_many_failures']);
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
    }
  });

  it(`locks an address after ${LOCKOUT.perAddress} failures spread over both nodes, whatever account it tries next`, async () => {
    const address = '203.0.113.7';
    for (let i = 0; i < LOCKOUT.perAddress; i++) {
      // a different unknown name each time, so no account count reaches its limit
      expect((await signInFrom(i % 2 ? b : a, address, `ghost-${i}`, 'guess')).status).toBe(401);
    }
    for (const node of [a, b]) expect((await signInFrom(node, address, 'qian', PASSWORD)).status).toBe(429);
    expect((await signInFrom(b, '203.0.113.8', 'qian', PASSWORD)).status).toBe(200); // another address is not locked
  });

  it("a success on one node clears the account's failures on the other", async () => {
    for (let i = 0; i < LOCKOUT.perAccount - 1; i++) expect((await signInFrom(a, '192.0.2.1', 'sun', `wrong-${i}`)).status).toBe(401);
    expect((await signInFrom(b, '192.0.2.2', 'sun', PASSWORD)).status).toBe(200);
    // four more on A: had B's success stayed on B, A would count eight and refuse
    for (let i = 0; i < LOCKOUT.perAccount - 1; i++) expect((await signInFrom(a, '192.0.2.3', 'sun', `again-${i}`)).status).toBe(401);
    expect((await signInFrom(a, '192.0.2.4', 'sun', PASSWORD)).status).toBe(200);
  });
});
