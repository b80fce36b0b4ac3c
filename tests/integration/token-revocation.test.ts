/**
 * Token revocation on both stores, against the real databases: a revoked token stops authenticating at
 * once (HTTP answers 401 on the next request), revoking twice or an unknown id changes nothing, and
 * `revokedSince` (what the socket watcher polls) names exactly the tokens revoked since the time asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TZ } from '../../shared/time';
import type { Store } from '../../server/db/store-type';
import { openStore } from '../../server/store';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { api, startApp, tempDir, type InProcessServer } from '../helpers/server';

const pgMissing = await postgresMissing();

async function revocationContract(open: () => Promise<Store>): Promise<void> {
  const store = await open();
  try {
    const kept = await store.tokens.create({ role: 'viewer', name: 'kept' });
    const doomed = await store.tokens.create({ role: 'reporter', region: '141100', name: 'doomed' });
    expect(await store.tokens.authenticate(doomed.token)).toEqual({ tokenId: doomed.info.id, name: 'doomed', role: 'reporter', region: '141100' });
    const before = new Date(Date.now() - 1000).toISOString();
    expect(await store.tokens.revoke(doomed.info.id)).toBe(true);
    expect(await store.tokens.authenticate(doomed.token)).toBeNull();
    expect(await store.tokens.authenticate(kept.token)).not.toBeNull();
    expect(await store.tokens.revoke(doomed.info.id), 'a second revoke').toBe(false);
    expect(await store.tokens.revoke('nosuchtoken'), 'an unknown id').toBe(false);
    expect(await store.tokens.revokedSince(before)).toEqual([doomed.info.id]);
    expect(await store.tokens.revokedSince(new Date(Date.now() + 1000).toISOString())).toEqual([]);
    const listed = (await store.tokens.list()).find((t) => t.id === doomed.info.id)!;
    expect(listed.revokedAt).not.toBeNull();
    expect((await store.tokens.list()).find((t) => t.id === kept.info.id)!.revokedAt).toBeNull();
  } finally {
    await store.close();
  }
}

describe('token revocation, SQLite', () => {
  it('holds the revocation rules', () => revocationContract(() => openStore({ DATA_DIR: tempDir(), TZ_REGION: DEFAULT_TZ })));
});

describe.skipIf(pgMissing !== null)('token revocation, PostgreSQL', () => {
  let db: TestDatabase;
  let s: InProcessServer;
  beforeAll(async () => {
    db = await freshDatabase();
    s = await startApp({ env: { DATABASE_URL: db.url } });
  });
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  it('holds the revocation rules', () => revocationContract(() => openStore({ DATA_DIR: tempDir(), DATABASE_URL: db.url, TZ_REGION: DEFAULT_TZ })));

  it('a token revoked in PostgreSQL is refused on the next request', async () => {
    expect((await api(s.url, s.tokens.viewer, 'GET', '/api/v1/session')).status).toBe(200);
    const store = await openStore({ DATA_DIR: tempDir(), DATABASE_URL: db.url, TZ_REGION: DEFAULT_TZ });
    try {
      const id = (await store.tokens.list()).find((t) => t.name === 'test-viewer')!.id;
      expect(await store.tokens.revoke(id)).toBe(true);
    } finally {
      await store.close();
    }
    const res = await api(s.url, s.tokens.viewer, 'GET', '/api/v1/session');
    expect(res.status).toBe(401);
    expect((await api(s.url, s.tokens.admin, 'GET', '/api/v1/session')).status).toBe(200);
  });
});
