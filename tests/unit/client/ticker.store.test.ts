import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { watch } from 'vue';
import { mergeTicker, TICKER_MAX, useTickerStore, type TickerItem } from '../../../client/stores/ticker.store';
import { FakeSocket } from './fake-socket';

const item = (id: string, at: number, live = true): TickerItem => ({
  id, regionCode: '141102', sector: 'coal', level: 'major', title: `隐患 ${id}`, discoveredAt: '2024-11-18T01:00:00Z', at, live,
});

describe('mergeTicker', () => {
  it('keeps the newest first, one per id, at most max', () => {
    const list = mergeTicker([item('a', 1), item('b', 3)], [item('c', 2), item('a', 9)], 3);
    expect(list.map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(list[0]!.at).toBe(9);
    expect(mergeTicker(list, [item('d', 10)], 3).map((i) => i.id)).toEqual(['d', 'a', 'b']);
  });

  it('a history re-seed never silences an item that arrived live', () => {
    const live = mergeTicker([], [item('a', 50)]);
    const reseeded = mergeTicker(live, [item('a', 40, false), item('b', 30, false)]);
    expect(reseeded.map((i) => [i.id, i.live, i.at])).toEqual([['a', true, 50], ['b', false, 30]]);
  });
});

describe('ticker store', () => {
  let socket: FakeSocket;
  beforeEach(() => {
    setActivePinia(createPinia());
    socket = new FakeSocket();
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ items: [], nextCursor: null }), { status: 200 })));
  });
  afterEach(() => {
    useTickerStore().unbind();
    vi.unstubAllGlobals();
  });

  /** A frame clock the test advances: `frame()` runs what was scheduled for the next frame. */
  function frames() {
    let queued: Array<() => void> = [];
    const schedule = (run: () => void) => {
      queued.push(run);
      return () => {
        queued = queued.filter((r) => r !== run);
      };
    };
    return { schedule, frame: () => queued.splice(0).forEach((r) => r()), get waiting() { return queued.length; } };
  }

  it('adds live major hazards, newest first, and stays bounded', () => {
    const store = useTickerStore();
    let t = 0;
    const f = frames();
    store.bind(socket, '140000', () => ++t, f.schedule);
    for (let i = 0; i < TICKER_MAX * 4; i++) {
      socket.fire('hazard:reported', { id: `H-${i}`, regionCode: '141102', sector: 'coal', level: 'major', title: `标题 ${i}`, discoveredAt: '2024-11-18T01:00:00Z' });
    }
    f.frame();
    expect(store.items).toHaveLength(TICKER_MAX);
    expect(store.items[0]!.id).toBe(`H-${TICKER_MAX * 4 - 1}`);
    expect(store.items.every((i) => i.live)).toBe(true);
  });

  it('a burst of thousands of reports (an import) changes the list once a frame, not once a report', () => {
    const store = useTickerStore();
    let t = 0;
    const f = frames();
    store.bind(socket, '140000', () => ++t, f.schedule);
    let changes = 0;
    const stop = watch(() => store.items, () => changes++, { flush: 'sync' });
    for (let i = 0; i < 3000; i++) {
      socket.fire('hazard:reported', { id: `B-${i}`, regionCode: '141102', sector: 'coal', level: 'major', title: `标题 ${i}`, discoveredAt: '2024-11-18T01:00:00Z' });
    }
    expect(changes).toBe(0);
    expect(f.waiting).toBe(1);
    f.frame();
    expect(changes).toBe(1);
    expect(store.items.map((i) => i.id).slice(0, 3)).toEqual(['B-2999', 'B-2998', 'B-2997']);
    expect(store.items).toHaveLength(TICKER_MAX);
    // the next arrival gets a frame of its own
    socket.fire('hazard:reported', { id: 'N', regionCode: '141102', sector: 'coal', level: 'major', title: 'n', discoveredAt: '2024-11-18T01:00:00Z' });
    f.frame();
    expect(changes).toBe(2);
    expect(store.items[0]!.id).toBe('N');
    stop();
  });

  it('takes hazard:reported:batch as its items in order, once a frame, skipping malformed ones', () => {
    const store = useTickerStore();
    const f = frames();
    // a batch arrives within one millisecond: the newest must still come first
    store.bind(socket, '140000', () => 1_733_000_000_000, f.schedule);
    const h = (id: string, level = 'major') => ({ id, regionCode: '141102', sector: 'coal', level, title: id, discoveredAt: '2024-11-18T01:00:00Z' });
    socket.fire('hazard:reported:batch', { hazards: Array.from({ length: 500 }, (_, i) => h(`A-${i}`)) });
    socket.fire('hazard:reported:batch', { hazards: [h('B-0'), { id: 42 }, h('B-G', 'general'), h('B-1')] });
    socket.fire('hazard:reported:batch', { hazards: 'not a list' });
    socket.fire('hazard:reported:batch', null);
    expect(f.waiting).toBe(1);
    f.frame();
    expect(store.received).toBe(502);
    expect(store.items.map((i) => i.id).slice(0, 4)).toEqual(['B-1', 'B-0', 'A-499', 'A-498']);
    expect(store.items).toHaveLength(TICKER_MAX);
    store.unbind();
    socket.fire('hazard:reported:batch', { hazards: [h('late')] });
    f.frame();
    expect(store.items[0]!.id).toBe('B-1');
  });

  it('unbind drops what waits for a frame', () => {
    const store = useTickerStore();
    const f = frames();
    store.bind(socket, '140000', Date.now, f.schedule);
    socket.fire('hazard:reported', { id: 'U', regionCode: '141102', sector: 'coal', level: 'major', title: 'u', discoveredAt: '2024-11-18T01:00:00Z' });
    store.unbind();
    f.frame();
    expect(store.items).toHaveLength(0);
    expect(f.waiting).toBe(0);
  });

  it('ignores general hazards and malformed events', () => {
    const store = useTickerStore();
    store.bind(socket, '140000');
    socket.fire('hazard:reported', { id: 'G', regionCode: '141102', sector: 'coal', level: 'general', title: 'x', discoveredAt: 'x' });
    socket.fire('hazard:reported', { id: 42 });
    expect(store.items).toHaveLength(0);
  });

  it('loads recent majors of its scope on every connect', async () => {
    const store = useTickerStore();
    store.bind(socket, '141100');
    socket.connect();
    socket.drop();
    socket.connect();
    await vi.waitFor(() => expect(vi.mocked(fetch)).toHaveBeenCalledTimes(2));
    expect(String(vi.mocked(fetch).mock.calls[0]![0])).toContain('region=141100');
    expect(String(vi.mocked(fetch).mock.calls[0]![0])).toContain('level=major');
  });

  it('flashes what a reconnect gap-fill brings that the screen never showed, not the first history', async () => {
    // whole hazards as the API answers them: the client parses REST answers with the shared schema
    const major = (id: string, reportedAt: string) => ({
      id, regionCode: '141102', sector: 'coal', level: 'major', title: `隐患 ${id}`, source: 'inspection',
      discoveredAt: '2024-11-18T01:00:00Z', deadline: '2024-12-18', reportedAt, updatedAt: reportedAt,
      status: 'reported', listedBy: null, overdue: false, cityCode: '141100', closedAt: null, extensions: 0, version: 1,
    });
    const pages = [[major('old', '2024-11-18T02:00:00Z')], [major('new', '2024-11-18T03:00:00Z'), major('old', '2024-11-18T02:00:00Z')]];
    let call = 0;
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ items: pages[call++] ?? [], nextCursor: null }), { status: 200 })));
    const store = useTickerStore();
    store.bind(socket, '140000');
    socket.connect();
    await vi.waitFor(() => expect(store.items.map((i) => [i.id, i.live])).toEqual([['old', false]]));
    socket.drop();
    socket.connect();
    await vi.waitFor(() => expect(store.items.map((i) => [i.id, i.live])).toEqual([['new', true], ['old', false]]));
  });

  it('unbind removes its listeners', () => {
    const store = useTickerStore();
    store.bind(socket, '140000');
    store.unbind();
    expect(socket.listenerCount()).toBe(0);
  });
});
