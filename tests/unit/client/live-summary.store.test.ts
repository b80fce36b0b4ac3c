import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useLiveSummaryStore } from '../../../client/stores/live-summary.store';
import { useClockStore } from '../../../client/stores/clock.store';
import { DISCONNECT_STALE_MS, LagWatch, STALE_AFTER_MS } from '../../../client/stores/summary-sync';
import { OLDER_RETRY_MS, RESET_CONFIRM_MS, RESNAPSHOT_GRACE_MS, SUBSCRIBE_RETRY_MS } from '../../../client/stores/live-summary.store';
import { FakeSocket } from './fake-socket';
import { deltaTo, fact, summaryOf } from './fixtures';

describe('live summary store', () => {
  let socket: FakeSocket;

  beforeEach(() => {
    vi.useFakeTimers({ now: new Date('2024-11-18T01:00:00Z') });
    setActivePinia(createPinia());
    socket = new FakeSocket();
  });
  afterEach(() => {
    useLiveSummaryStore().unbind();
    useClockStore().stop();
    vi.useRealTimers();
  });

  function setup(snapshotVersion = 10) {
    const store = useLiveSummaryStore();
    let version = snapshotVersion;
    let facts = [fact()];
    socket.onSubscribe = (region, ack) => ack({ ok: true, summary: summaryOf(region, facts, version) });
    store.bind(socket);
    store.show(['140000']);
    socket.connect();
    return {
      store,
      serverMoves(next: typeof facts, v: number) {
        facts = next;
        version = v;
      },
    };
  }

  it('subscribes on connect and shows the snapshot', () => {
    const { store } = setup();
    expect(socket.subscribes('140000')).toBe(1);
    expect(store.summaries['140000']!.version).toBe(10);
    expect(store.summaries['140000']!.totals.majorOpen).toBe(1);
  });

  it('applies deltas in order', () => {
    const { store } = setup();
    const two = [fact(), fact({ regionCode: '140105' })];
    socket.fire('summary:delta', deltaTo('140000', two, 10, 11));
    socket.fire('summary:delta', deltaTo('140000', [...two, fact({ status: 'closed' })], 11, 12));
    const s = store.summaries['140000']!;
    expect(s.version).toBe(12);
    expect(s.totals).toMatchObject({ total: 3, majorOpen: 2, closed: 1 });
    expect(store.resyncs).toBe(0);
  });

  it('re-subscribes on a version gap and takes the fresh snapshot', () => {
    const { store, serverMoves } = setup();
    const truth = [fact(), fact(), fact({ regionCode: '140213', sector: 'gas' })];
    serverMoves(truth, 14);
    socket.fire('summary:delta', deltaTo('140000', truth, 13, 14)); // 11..13 never arrived
    expect(store.resyncs).toBe(1);
    expect(socket.subscribes('140000')).toBe(2);
    expect(store.summaries['140000']!.version).toBe(14);
    expect(store.summaries['140000']!.totals.total).toBe(3);
    // and carries on from there
    socket.fire('summary:delta', deltaTo('140000', [...truth, fact()], 14, 15));
    expect(store.summaries['140000']!.totals.total).toBe(4);
  });

  it('ignores a duplicate delta without resyncing', () => {
    const { store } = setup();
    socket.fire('summary:delta', deltaTo('140000', [fact(), fact()], 9, 10));
    expect(store.resyncs).toBe(0);
    expect(store.summaries['140000']!.totals.total).toBe(1);
  });

  it('drops a malformed delta', () => {
    const { store } = setup();
    socket.fire('summary:delta', { region: '140000', fromVersion: 10, version: 11, changes: { totals: { total: 'many' } } });
    expect(store.rejected).toBe(1);
    expect(store.summaries['140000']!.version).toBe(10);
  });

  it('goes stale 15 s after the last heartbeat and live again with the next one', () => {
    const { store } = setup();
    const clock = useClockStore();
    clock.start();
    expect(store.freshness).toBe('live');
    vi.advanceTimersByTime(5_000);
    socket.fire('server:heartbeat', { version: 10, at: new Date().toISOString() });
    vi.advanceTimersByTime(STALE_AFTER_MS);
    expect(store.freshness).toBe('live');
    vi.advanceTimersByTime(1_000);
    expect(store.freshness).toBe('stale');
    socket.fire('server:heartbeat', { version: 10, at: new Date().toISOString() });
    vi.advanceTimersByTime(1_000);
    expect(store.freshness).toBe('live');
  });

  it('a wall clock set back an hour does not keep a silent screen live: it goes stale 15 s after the last signal all the same', () => {
    const { store } = setup();
    const clock = useClockStore();
    clock.start();
    socket.fire('server:heartbeat', { version: 10, at: new Date().toISOString() });
    vi.advanceTimersByTime(1_000);
    expect(store.freshness).toBe('live');
    // the OS clock goes back an hour (a bad NTP step, a hand-set clock); the monotonic clock does not
    vi.setSystemTime(Date.now() - 3_600_000);
    vi.advanceTimersByTime(STALE_AFTER_MS);
    expect(store.freshness).toBe('stale');
    expect(store.signalAgeMs).toBeGreaterThan(STALE_AFTER_MS);
  });

  it('a delta counts as a sign of life too', () => {
    const { store } = setup();
    useClockStore().start();
    vi.advanceTimersByTime(14_000);
    socket.fire('summary:delta', deltaTo('140000', [fact(), fact()], 10, 11));
    vi.advanceTimersByTime(14_000);
    expect(store.freshness).toBe('live');
    vi.advanceTimersByTime(2_000);
    expect(store.freshness).toBe('stale');
  });

  it('re-subscribes after a reconnect, without a reload', () => {
    const { store, serverMoves } = setup();
    socket.drop();
    serverMoves([fact(), fact()], 20);
    socket.connect();
    expect(socket.subscribes('140000')).toBe(2);
    expect(store.summaries['140000']!.version).toBe(20);
  });

  it('takes the store as reset when two heartbeats in a row put its head below what it shows; one alone only doubts', () => {
    const { store, serverMoves } = setup(50);
    useClockStore().start();
    serverMoves([], 3);
    socket.fire('server:heartbeat', { version: 3, at: new Date().toISOString() });
    // one beat: the numbers stay, in doubt (lagging once the grace has passed), no older snapshot taken
    expect(store.summaries['140000']!.version).toBe(50);
    vi.advanceTimersByTime(RESNAPSHOT_GRACE_MS + 1_000);
    expect(store.freshness).toBe('lagging');
    vi.advanceTimersByTime(RESET_CONFIRM_MS - RESNAPSHOT_GRACE_MS);
    socket.fire('server:heartbeat', { version: 3, at: new Date().toISOString() });
    expect(store.summaries['140000']!.version).toBe(3);
    expect(store.summaries['140000']!.totals.total).toBe(0);
    vi.advanceTimersByTime(1_000);
    expect(store.freshness).toBe('live');
  });

  it('a burst of low heartbeats (a node attaching, its database back) is not two in a row: the reset waits for one 4 s on', () => {
    const { store, serverMoves } = setup(50);
    useClockStore().start();
    serverMoves([], 3);
    socket.fire('server:heartbeat', { version: 3, head: 3, at: new Date().toISOString() });
    vi.advanceTimersByTime(100);
    socket.fire('server:heartbeat', { version: 3, head: 3, at: new Date().toISOString() });
    expect(store.summaries['140000']!.version).toBe(50);
    // a node cut off from its database is no witness of the head
    vi.advanceTimersByTime(RESET_CONFIRM_MS);
    socket.fire('server:heartbeat', { version: 3, head: 3, store: 'unavailable', at: new Date().toISOString() });
    expect(store.summaries['140000']!.version).toBe(50);
    socket.fire('server:heartbeat', { version: 3, head: 3, store: 'ok', at: new Date().toISOString() });
    expect(store.summaries['140000']!.version).toBe(3);
  });

  it('one odd heartbeat between good ones does not roll the screen back', () => {
    const { store } = setup(50);
    useClockStore().start();
    socket.fire('server:heartbeat', { version: 3, head: 3, at: new Date().toISOString() });
    vi.advanceTimersByTime(5_000);
    socket.fire('server:heartbeat', { version: 50, head: 50, at: new Date().toISOString() });
    vi.advanceTimersByTime(5_000);
    socket.fire('server:heartbeat', { version: 3, head: 3, at: new Date().toISOString() });
    expect(store.summaries['140000']!.version).toBe(50);
    expect(store.summaries['140000']!.totals.total).toBe(1);
  });

  it('retries a subscription whose ack never comes', () => {
    const { store } = setup();
    socket.onSubscribe = null;
    store.show(['140000', '141100']);
    expect(socket.subscribes('141100')).toBe(1);
    vi.advanceTimersByTime(15_001);
    expect(socket.subscribes('141100')).toBe(2);
    socket.pendingAcks.at(-1)!.ack({ ok: true, summary: summaryOf('141100', [fact()], 7) });
    expect(store.summaries['141100']!.version).toBe(7);
  });

  it('unsubscribes regions no longer shown and keeps at most those shown', () => {
    const { store } = setup();
    store.show(['140000', '141100']);
    store.show(['140000', '140200']);
    expect(Object.keys(store.summaries).sort()).toEqual(['140000', '140200']);
    expect(socket.sent.filter((s) => s.event === 'summary:unsubscribe').map((s) => s.args[0])).toEqual([{ region: '141100' }]);
  });

  it('unbind removes every listener and timer', () => {
    const { store } = setup();
    socket.onSubscribe = null;
    store.show(['140000', '141100']);
    store.unbind();
    expect(socket.listenerCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  const beat = (version: number, head?: number) => socket.fire('server:heartbeat', { version, ...(head === undefined ? {} : { head }), at: new Date().toISOString() });

  it('a disconnect the socket reports turns the screen stale within 2 s, not 15 s later', () => {
    const { store } = setup();
    useClockStore().start();
    beat(10, 10);
    expect(store.freshness).toBe('live');
    socket.drop();
    vi.advanceTimersByTime(DISCONNECT_STALE_MS - 100);
    expect(store.freshness).toBe('live');
    vi.advanceTimersByTime(2_000 - (DISCONNECT_STALE_MS - 100));
    expect(store.freshness).toBe('stale');
  });

  it('a reconnect within the moment does not flash stale; after a longer loss it is stale until the server speaks', () => {
    const { store } = setup();
    useClockStore().start();
    socket.drop();
    vi.advanceTimersByTime(200);
    socket.connect();
    vi.advanceTimersByTime(2_000);
    expect(store.freshness).toBe('live');
    socket.drop();
    vi.advanceTimersByTime(3_000);
    socket.onSubscribe = null; // the snapshot will not have come yet
    socket.connect();
    expect(store.freshness).toBe('stale');
    beat(10, 10);
    // the node speaks, but what is shown is from before the loss until its snapshot comes
    expect(store.freshness).toBe('lagging');
    socket.pendingAcks.shift()!.ack({ ok: true, summary: summaryOf('140000', [fact()], 10) });
    expect(store.freshness).toBe('live');
  });

  it('after a reconnect, numbers from before the loss are not live while their snapshot does not come', () => {
    const { store } = setup(10);
    useClockStore().start();
    socket.drop();
    vi.advanceTimersByTime(3_000);
    socket.onSubscribe = (_region, ack) => ack({ ok: false, error: { code: 'internal', message: 'snapshot failed' } });
    socket.connect();
    beat(10, 10); // the new node is up to date; the screen still shows what it had before the loss
    expect(store.summaries['140000']!.version).toBe(10);
    expect(store.freshness).not.toBe('live');
    for (let i = 0; i < 6; i++) {
      vi.advanceTimersByTime(5_000);
      beat(20, 20);
      expect(store.freshness).toBe('lagging');
    }
    socket.onSubscribe = (region, ack) => ack({ ok: true, summary: summaryOf(region, [fact(), fact()], 20) });
    vi.advanceTimersByTime(SUBSCRIBE_RETRY_MS);
    expect(store.summaries['140000']!.version).toBe(20);
    expect(store.freshness).toBe('live');
  });

  it('a quick reconnect whose snapshot comes at once never leaves live', () => {
    const { store } = setup(10);
    useClockStore().start();
    socket.drop();
    vi.advanceTimersByTime(200);
    socket.connect();
    beat(10, 10);
    for (let i = 0; i < 4; i++) {
      expect(store.freshness).toBe('live');
      vi.advanceTimersByTime(1_000);
    }
  });

  it('a missed delta whose resnapshot does not come is lagging, not live, while heartbeats keep coming', () => {
    const { store } = setup(10);
    useClockStore().start();
    beat(10, 10);
    socket.onSubscribe = null; // the resnapshot hangs
    socket.fire('summary:delta', deltaTo('140000', [fact(), fact(), fact()], 12, 13)); // 11..12 never arrived
    expect(store.resyncs).toBe(1);
    expect(store.freshness).toBe('live'); // one round trip is not worth a flash
    vi.advanceTimersByTime(RESNAPSHOT_GRACE_MS + 1_000);
    beat(13, 13);
    expect(store.summaries['140000']!.version).toBe(10);
    expect(store.freshness).toBe('lagging');
    socket.pendingAcks.shift()!.ack({ ok: true, summary: summaryOf('140000', [fact(), fact(), fact()], 13) });
    expect(store.freshness).toBe('live');
  });

  it('a silent loss (no disconnect event, nothing arrives) goes stale after 15 s, as before', () => {
    const { store } = setup();
    useClockStore().start();
    vi.advanceTimersByTime(STALE_AFTER_MS - 1_000);
    expect(store.freshness).toBe('live');
    vi.advanceTimersByTime(2_000);
    expect(store.freshness).toBe('stale');
  });

  it('never replaces what it shows with an older snapshot: it asks again and takes the first that is not older', () => {
    const { store, serverMoves } = setup(12);
    expect(store.summaries['140000']!.version).toBe(12);
    // reconnected to a node that has applied only up to 9 of the 15 committed
    serverMoves([], 9);
    socket.drop();
    socket.connect();
    beat(9, 15);
    expect(store.summaries['140000']!.version).toBe(12);
    expect(store.olderSnapshots).toBe(1);
    expect(store.freshness).toBe('lagging');
    const asked = socket.subscribes('140000');
    vi.advanceTimersByTime(OLDER_RETRY_MS);
    expect(socket.subscribes('140000')).toBe(asked + 1);
    expect(store.summaries['140000']!.version).toBe(12);
    serverMoves([fact(), fact(), fact()], 15);
    vi.advanceTimersByTime(OLDER_RETRY_MS);
    expect(store.summaries['140000']!.version).toBe(15);
    expect(store.summaries['140000']!.totals.total).toBe(3);
  });

  it('stays live between heartbeats while deltas newer than the last heartbeat arrive: the node that sent them has them', () => {
    const { store } = setup(10);
    useClockStore().start();
    beat(10, 10);
    socket.fire('summary:delta', deltaTo('140000', [fact()], 10, 11));
    expect(store.summaries['140000']!.version).toBe(11);
    expect(store.freshness).toBe('live');
    vi.advanceTimersByTime(2_000);
    socket.fire('summary:delta', deltaTo('140000', [fact(), fact()], 11, 12));
    expect(store.freshness).toBe('live');
    // the next heartbeat from the same node says 12: nothing changes
    beat(12, 12);
    expect(store.freshness).toBe('live');
  });

  it('shows lagging while heartbeats say the node stays behind the head, live once it catches up', () => {
    const { store } = setup(10);
    beat(10, 14);
    expect(store.freshness).toBe('live'); // one beat ahead: a write in flight
    beat(12, 16);
    expect(store.freshness).toBe('lagging'); // 12 < 14, known 5 s ago
    expect(store.behind).toBe(4);
    beat(16, 16);
    expect(store.freshness).toBe('live');
    expect(store.behind).toBe(0);
  });

  it('a node that says it cannot reach its database is stale with that reason while it keeps beating, live again on ok', () => {
    const { store } = setup(10);
    useClockStore().start();
    beat(10, 10);
    expect(store.freshness).toBe('live');
    socket.fire('server:heartbeat', { version: 10, head: 10, store: 'unavailable', at: new Date().toISOString() });
    expect(store.freshness).toBe('stale');
    expect(store.storeDown).toBe(true);
    vi.advanceTimersByTime(5_000);
    socket.fire('server:heartbeat', { version: 10, head: 10, store: 'unavailable', at: new Date().toISOString() });
    expect(store.freshness).toBe('stale'); // beats arrive, but they vouch for nothing
    socket.fire('server:heartbeat', { version: 10, head: 10, store: 'ok', at: new Date().toISOString() });
    expect(store.freshness).toBe('live');
    expect(store.storeDown).toBe(false);
  });

  it('the database reason belongs to the node that said it: a reconnect clears it until the next node speaks', () => {
    const { store } = setup(10);
    socket.fire('server:heartbeat', { version: 10, head: 10, store: 'unavailable', at: new Date().toISOString() });
    expect(store.storeDown).toBe(true);
    socket.drop();
    expect(store.storeDown).toBe(false);
    socket.connect();
    beat(10, 10); // a server without the field is taken at its word: ok
    expect(store.freshness).toBe('live');
  });

  it.each([
    ['lagging', () => { beat(10, 14); beat(10, 14); }],
    ['cut off from its database', () => socket.fire('server:heartbeat', { version: 10, head: 10, store: 'unavailable', at: new Date().toISOString() })],
  ] as const)('a node that was %s never turns live when its connection drops', (_name, say) => {
    const { store } = setup(10);
    useClockStore().start();
    say();
    expect(store.freshness).not.toBe('live');
    socket.drop();
    expect(store.freshness).toBe('stale');
    vi.advanceTimersByTime(DISCONNECT_STALE_MS + 1_000);
    expect(store.freshness).toBe('stale');
    socket.connect();
    beat(10, 10); // the next node speaks for itself
    expect(store.freshness).toBe('live');
  });

  it('says 校验中 (verifying), never live, while the node\'s first check of its history runs; live once it passes', () => {
    const { store } = setup(10);
    socket.fire('server:integrity', { status: 'checking' });
    beat(10, 10);
    expect(store.freshness).toBe('verifying');
    socket.fire('server:integrity', { status: 'ok', checkedAt: new Date().toISOString() });
    expect(store.freshness).toBe('live');
  });

  it('a verdict belongs to the node that gave it: after a reconnect only the new node\'s word counts', () => {
    const { store } = setup(10);
    socket.fire('server:integrity', { status: 'checking' });
    socket.drop();
    socket.connect();
    beat(10, 10); // this node said nothing: it has verified its store
    expect(store.freshness).toBe('live');
    socket.fire('server:integrity', { status: 'failed', record: 'change 3' });
    expect(store.freshness).toBe('integrity');
  });

  it.each([
    ['steady', [[5, 5], [6, 6], [9, 9]], [false, false, false]],
    ['writes in flight, each caught up by the next beat', [[5, 7], [7, 9], [9, 12]], [false, false, false]],
    ['stuck behind', [[5, 8], [6, 8], [7, 9]], [false, true, true]],
    ['caught up after lagging', [[5, 8], [6, 8], [8, 8]], [false, true, false]],
  ] as const)('LagWatch: %s', (_name, beats, expected) => {
    const w = new LagWatch();
    expect(beats.map(([v, h]) => (w.beat(v, h), w.lagging))).toEqual(expected);
  });
});
