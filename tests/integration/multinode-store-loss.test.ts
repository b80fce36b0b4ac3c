/**
 * One node loses its database while another keeps writing. Node A reaches PostgreSQL directly, node B through
 * a proxy the test cuts (connections destroyed, new ones refused) or stalls (connections open, no byte passes:
 * a network that hangs). While B cannot see the database, A's writes are invisible to it, so B must not vouch
 * for its numbers: its heartbeats keep coming but say `store: 'unavailable'`, and its /healthz is not ready.
 * Once the database is back, B says `ok` again and its screen catches up with A's writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHazard, rng } from '../helpers/hazards';
import { pgTokens, startNode, type Node } from '../helpers/cluster';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { REDIS_URL, dropPrefix, randomPrefix, redisMissing } from '../helpers/redis';
import { cuttableProxy, type CuttableProxy } from '../helpers/tcp-proxy';
import { Screen, sleep } from '../helpers/live';
import { api, postHazards } from '../helpers/server';

const missing = (await postgresMissing()) ?? (await redisMissing());
const PROVINCE = '140000';

describe.skipIf(missing !== null)('a node that loses its database while another writes', () => {
  const prefix = randomPrefix();
  let db: TestDatabase;
  let proxy: CuttableProxy;
  let a: Node;
  let b: Node;
  let t: Record<string, string>;
  let screen: Screen;
  let next = 0;
  const r = rng(11);

  const health = async (n: Node) => {
    const res = await api(n.url, undefined, 'GET', '/healthz');
    return { code: res.status, ...(res.body as { status: string; ready: boolean }) };
  };
  const lastBeat = () => screen.heartbeats.at(-1);
  const writeOnA = async (n: number) => {
    const res = await postHazards(a.url, t.reporter!, Array.from({ length: n }, () => makeHazard(r, next++)));
    expect(res.status).toBe(200);
  };
  const totalOn = async (n: Node) => (await api(n.url, t.viewer, 'GET', `/api/v1/summary?region=${PROVINCE}`)).body.totals.total as number;

  beforeAll(async () => {
    db = await freshDatabase();
    t = await pgTokens(db.url, { viewer: { role: 'viewer', name: 'wall' }, reporter: { role: 'reporter', name: 'feed' } });
    const url = new URL(db.url);
    proxy = await cuttableProxy(Number(url.port || 5432), url.hostname);
    url.port = String(proxy.port);
    const env = { REDIS_URL, REDIS_PREFIX: prefix };
    a = await startNode({ ...env, DATABASE_URL: db.url });
    b = await startNode({ ...env, DATABASE_URL: url.toString() });
    await writeOnA(10);
    for (let i = 0; (await totalOn(b)) !== 10; i++) {
      if (i > 100) throw new Error('node B never saw A\'s first writes');
      await sleep(100);
    }
    screen = await Screen.connect(b.url, t.viewer!);
    await screen.subscribe(PROVINCE);
  }, 200_000);
  afterAll(async () => {
    screen?.close();
    await Promise.all([a?.kill(), b?.kill()]);
    await proxy?.close();
    await db?.drop();
    await dropPrefix(prefix);
  });

  it('says so in every heartbeat and in /healthz while its database is cut, and catches up when it is back', async () => {
    expect(lastBeat()).toMatchObject({ store: 'ok' });
    expect(await health(b)).toMatchObject({ code: 200, status: 'ok', ready: true });

    await proxy.cut();
    // told at once (not at the next 5 s beat), and it keeps beating: the screen learns why, it is not left guessing
    await expect.poll(() => lastBeat()?.store, { timeout: 10_000, interval: 100 }).toBe('unavailable');
    expect(await health(b)).toMatchObject({ code: 503, status: 'store_unavailable', ready: false });
    const beatsAtLoss = screen.heartbeats.length;
    await writeOnA(5); // A goes on writing what B cannot know
    await expect.poll(() => screen.heartbeats.length, { timeout: 12_000, interval: 250 }).toBeGreaterThan(beatsAtLoss);
    expect(screen.heartbeats.slice(beatsAtLoss).every((h) => h.store === 'unavailable')).toBe(true);
    expect(screen.states.get(PROVINCE)!.totals.total).toBe(10);
    expect((await health(b)).ready).toBe(false);

    await proxy.mend();
    await expect.poll(() => lastBeat()?.store, { timeout: 20_000, interval: 100 }).toBe('ok');
    await expect.poll(() => screen.states.get(PROVINCE)!.totals.total, { timeout: 15_000 }).toBe(15);
    await expect.poll(async () => (await health(b)).status, { timeout: 10_000 }).toBe('ok');
    expect(screen.problems).toEqual([]);
  }, 150_000);

  it('a database that hangs (no answer, no error) counts as lost too, and flows on when it answers again', async () => {
    expect(lastBeat()).toMatchObject({ store: 'ok' });
    proxy.stall();
    await writeOnA(3);
    await expect.poll(() => lastBeat()?.store, { timeout: 15_000, interval: 100 }).toBe('unavailable');
    expect(await health(b)).toMatchObject({ code: 503, status: 'store_unavailable', ready: false });
    expect(screen.states.get(PROVINCE)!.totals.total).toBe(15);

    await proxy.mend();
    await expect.poll(() => lastBeat()?.store, { timeout: 20_000, interval: 100 }).toBe('ok');
    await expect.poll(() => screen.states.get(PROVINCE)!.totals.total, { timeout: 15_000 }).toBe(18);
    await expect.poll(async () => (await health(b)).status, { timeout: 10_000 }).toBe('ok');
    expect(b.output()).not.toContain('unhandled error');
  }, 150_000);
});
