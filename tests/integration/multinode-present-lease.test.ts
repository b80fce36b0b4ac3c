/**
 * A presenter's node killed outright (kill -9: no disconnect handler runs) on three nodes sharing PostgreSQL and
 * Redis. The room's presenter lease in Redis is no longer renewed and runs out: followers on the other nodes are
 * told the room has no presenter, a new presenter on another node takes over from the slide the old one left, and
 * followers on a third node follow it. A presenter whose node is alive keeps its room past the lease, however long.
 * PRESENT_LEASE_MS is 5 s here (10 s by default): long enough that a loaded machine does not stall a live node past it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresentState } from '../../shared/present';
import {
  closeClients, connectClient, eventUntil, pgTokens, presentGo as go, presentJoin as join, startNode, stateOf, type Node,
} from '../helpers/cluster';
import { sleep } from '../helpers/live';
import { freshDatabase, postgresMissing, type TestDatabase } from '../helpers/postgres';
import { REDIS_URL, dropPrefix, randomPrefix, redisMissing } from '../helpers/redis';

const missing = (await postgresMissing()) ?? (await redisMissing());
const LEASE_MS = 5000;


describe.skipIf(missing !== null)('the presenter lease when the presenter\'s node dies', () => {
  const prefix = randomPrefix();
  let db: TestDatabase;
  let nodes: Node[] = [];
  let t: Record<string, string>;

  beforeAll(async () => {
    db = await freshDatabase();
    t = await pgTokens(db.url, { admin: { role: 'admin', name: 'admin' }, display: { role: 'display', name: 'display' } });
    const env = { DATABASE_URL: db.url, REDIS_URL, REDIS_PREFIX: prefix, PRESENT_LEASE_MS: String(LEASE_MS) };
    nodes = await Promise.all([1, 2, 3].map(() => startNode(env)));
  }, 200_000);
  afterAll(async () => {
    closeClients();
    await Promise.all(nodes.map((n) => n.kill()));
    await db?.drop();
    await dropPrefix(prefix);
  });

  it('a live presenter keeps its room past the lease; a killed one is taken off, and a presenter on another node takes over', async () => {
    const [a, b, c] = nodes as [Node, Node, Node];
    const presenter = await connectClient(a.url, t.admin!);
    const followerB = await connectClient(b.url, t.display!);
    const followerC = await connectClient(c.url, t.display!);
    stateOf(await join(presenter, { room: 'hall', role: 'presenter' }));
    stateOf(await join(followerB, { room: 'hall' }));
    stateOf(await join(followerC, { room: 'hall' }));
    const changes: PresentState[] = [];
    followerC.on('present:changed', (s) => changes.push(s));

    // alive: its node renews the lease, so two leases' time later it still holds the room and moves it
    await sleep(2 * LEASE_MS);
    expect(changes.filter((s) => !s.presenter)).toEqual([]);
    const moved = eventUntil(followerC, 'present:changed', (s) => s.index === 2);
    expect(stateOf(await go(presenter, { room: 'hall', index: 2 })).index).toBe(2);
    expect(await moved).toMatchObject({ index: 2, presenter: true });

    // kill -9 of the presenter's node: nothing says the presenter left, but its lease runs out
    const goneB = eventUntil(followerB, 'present:changed', (s) => !s.presenter, 10 * LEASE_MS);
    const goneC = eventUntil(followerC, 'present:changed', (s) => !s.presenter, 10 * LEASE_MS);
    await a.kill();
    expect(await goneB).toMatchObject({ room: 'hall', index: 2, presenter: false });
    expect(await goneC).toMatchObject({ room: 'hall', index: 2, presenter: false });
    // told once, by one node, though two nodes watch the room
    await sleep(LEASE_MS);
    expect(changes.filter((s) => !s.presenter)).toHaveLength(1);

    // a new presenter on B takes over from the slide the old one left; followers on C follow it
    const second = await connectClient(b.url, t.admin!);
    const back = eventUntil(followerC, 'present:changed', (s) => s.presenter);
    expect(stateOf(await join(second, { room: 'hall', role: 'presenter' }))).toMatchObject({ index: 2, presenter: true });
    expect(await back).toMatchObject({ index: 2, presenter: true });
    const followed = eventUntil(followerC, 'present:changed', (s) => s.index === 5);
    stateOf(await go(second, { room: 'hall', index: 5 }));
    expect(await followed).toMatchObject({ index: 5, presenter: true });
    // and it, alive on B, is not taken off
    await sleep(2 * LEASE_MS);
    expect(changes.at(-1)).toMatchObject({ index: 5, presenter: true });
  }, 150_000);

  it('a presenter whose node stalls past the lease is taken off, and takes its room back when its node wakes', async () => {
    const [, b, c] = nodes as [Node, Node, Node];
    const presenter = await connectClient(b.url, t.admin!);
    const follower = await connectClient(c.url, t.display!);
    stateOf(await join(presenter, { room: 'stall', role: 'presenter' }));
    stateOf(await join(follower, { room: 'stall' }));
    const gone = eventUntil(follower, 'present:changed', (s) => !s.presenter, 10 * LEASE_MS);
    b.signal('SIGSTOP');
    try {
      expect(await gone).toMatchObject({ room: 'stall', presenter: false });
    } finally {
      b.signal('SIGCONT');
    }
    // no one took over meanwhile: the same socket holds the room again, and says so to the followers
    expect(await eventUntil(follower, 'present:changed', (s) => s.presenter, 10 * LEASE_MS)).toMatchObject({ room: 'stall', presenter: true });
    const moved = eventUntil(follower, 'present:changed', (s) => s.index === 1);
    stateOf(await go(presenter, { room: 'stall', index: 1 }));
    expect(await moved).toMatchObject({ index: 1, presenter: true });
  }, 150_000);
});
