/** Presentation rooms through the real server and real Socket.IO clients. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events';
import { slidesFor, type PresentAck, type PresentState } from '../../shared/present';
import { createTokens, startServer, type ChildServer } from '../helpers/server';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
let server: ChildServer;
let cityToken: string;
const open: Client[] = [];

async function client(token = server.tokens.viewer): Promise<Client> {
  const s: Client = connect(server.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  open.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

const join = (s: Client, args: Parameters<ClientToServerEvents['present:join']>[0]) =>
  new Promise<PresentAck>((resolve) => s.emit('present:join', args, resolve));
const go = (s: Client, args: Parameters<ClientToServerEvents['present:go']>[0]) =>
  new Promise<PresentAck>((resolve) => s.emit('present:go', args, resolve));
const stateOf = (a: PresentAck): PresentState => {
  if (!a.ok) throw new Error(`${a.error.code}: ${a.error.message}`);
  return a.state;
};
/** The next `event` on the socket, or a failure after `ms`. */
function next<E extends 'present:changed' | 'present:superseded'>(s: Client, event: E, ms = 1000): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    s.once(event as 'present:changed', ((v: never) => {
      clearTimeout(timer);
      resolve(v);
    }) as never);
  });
}
/** The first `present:changed` on the socket that satisfies `ok` (earlier ones, still in flight, are skipped). */
function changedUntil(s: Client, ok: (st: PresentState) => boolean, ms = 1000): Promise<PresentState> {
  return new Promise((resolve, reject) => {
    const fn = (st: PresentState) => {
      if (!ok(st)) return;
      clearTimeout(timer);
      s.off('present:changed', fn);
      resolve(st);
    };
    const timer = setTimeout(() => {
      s.off('present:changed', fn);
      reject(new Error(`no matching present:changed within ${ms} ms`));
    }, ms);
    s.on('present:changed', fn);
  });
}
const silentFor = async (s: Client, event: 'present:changed', ms = 300) => {
  let got = false;
  const fn = () => { got = true; };
  s.on(event, fn);
  await new Promise((r) => setTimeout(r, ms));
  s.off(event, fn);
  return !got;
};

beforeAll(async () => {
  server = await startServer();
  cityToken = (await createTokens(server.dataDir, { city: { role: 'display', region: '141100', name: 'lvliang-screen' } })).city!;
});
afterAll(async () => {
  for (const s of open) s.disconnect();
  await server?.stop();
});

describe('presentation rooms', () => {
  it('the presenter moves, a follower receives it within a second, a late joiner lands on the current slide', async () => {
    const presenter = await client(server.tokens.admin);
    const follower = await client(server.tokens.display);
    expect(stateOf(await join(presenter, { room: 'prov', role: 'presenter' }))).toMatchObject({ region: '140000', index: 0, presenter: true, slides: slidesFor('140000').length });
    expect(stateOf(await join(follower, { room: 'prov' }))).toMatchObject({ index: 0, presenter: true });
    const t0 = Date.now();
    const changed = next(follower, 'present:changed');
    expect(stateOf(await go(presenter, { room: 'prov', index: 3 })).index).toBe(3);
    expect(await changed).toMatchObject({ room: 'prov', index: 3, blank: false });
    expect(Date.now() - t0).toBeLessThan(1000);
    const late = await client(server.tokens.viewer);
    expect(stateOf(await join(late, { room: 'prov' })).index).toBe(3);
    const blank = next(late, 'present:changed');
    await go(presenter, { room: 'prov', blank: true });
    expect(await blank).toMatchObject({ index: 3, blank: true });
  });

  it('a follower cannot move the room', async () => {
    const presenter = await client(server.tokens.admin);
    const follower = await client(server.tokens.viewer);
    stateOf(await join(presenter, { room: 'r2', role: 'presenter' }));
    stateOf(await join(follower, { room: 'r2' }));
    const silent = silentFor(presenter, 'present:changed');
    const a = await go(follower, { room: 'r2', index: 5 });
    expect(a).toMatchObject({ ok: false, error: { code: 'not_presenter' } });
    expect(await silent).toBe(true);
    expect(await go(follower, { room: 'nowhere', index: 1 })).toMatchObject({ ok: false, error: { code: 'no_room' } });
  });

  it('the newest presenter takes over and the previous one is told', async () => {
    const first = await client(server.tokens.admin);
    const second = await client(server.tokens.viewer);
    const follower = await client(server.tokens.display);
    stateOf(await join(first, { room: 'r3', role: 'presenter' }));
    stateOf(await join(follower, { room: 'r3' }));
    await go(first, { room: 'r3', index: 2 });
    const told = next(first, 'present:superseded');
    expect(stateOf(await join(second, { room: 'r3', role: 'presenter' })).index).toBe(2);
    expect((await told).room).toBe('r3');
    expect(await go(first, { room: 'r3', index: 4 })).toMatchObject({ ok: false, error: { code: 'not_presenter' } });
    const moved = changedUntil(follower, (st) => st.index === 4);
    stateOf(await go(second, { room: 'r3', index: 4 }));
    expect((await moved).presenter).toBe(true);
  });

  it('the room keeps its slide when the presenter drops, and the presenter comes back to it', async () => {
    const presenter = await client(server.tokens.admin);
    const follower = await client(server.tokens.display);
    stateOf(await join(presenter, { room: 'r4', role: 'presenter' }));
    stateOf(await join(follower, { room: 'r4' }));
    const moved = changedUntil(follower, (st) => st.index === 6);
    await go(presenter, { room: 'r4', index: 6 });
    await moved;
    const gone = changedUntil(follower, (st) => !st.presenter);
    presenter.disconnect();
    expect(await gone).toMatchObject({ index: 6, presenter: false });
    const again = await client(server.tokens.admin);
    const back = changedUntil(follower, (st) => st.presenter);
    expect(stateOf(await join(again, { room: 'r4', role: 'presenter' }))).toMatchObject({ index: 6, presenter: true });
    expect(await back).toMatchObject({ index: 6, presenter: true });
  });

  it('only a token whose scope covers the room region may present', async () => {
    const city = await client(cityToken);
    expect(await join(city, { room: 'r5', role: 'presenter' })).toMatchObject({ ok: false, error: { code: 'forbidden_region' } });
    const prov = await client(server.tokens.admin);
    stateOf(await join(prov, { room: 'r6', role: 'presenter' }));
    // a city cannot take over the province's room
    expect(await join(city, { room: 'r6', role: 'presenter' })).toMatchObject({ ok: false, error: { code: 'forbidden_region' } });
    expect(await go(prov, { room: 'r6', index: 1 })).toMatchObject({ ok: true });
    // its own city's room, yes: the city's slides (each county in turn)
    expect(stateOf(await join(city, { room: 'r7', role: 'presenter', region: '141100' }))).toMatchObject({ region: '141100', slides: slidesFor('141100').length });
    // and it may follow the province's room
    expect(stateOf(await join(city, { room: 'r6' })).index).toBe(1);
  });

  it.each([
    ['a bad room name', 'present:join', { room: 'a b' }, 'invalid_request'],
    ['an unknown role', 'present:join', { room: 'r8', role: 'boss' }, 'invalid_request'],
    ['an unknown region', 'present:join', { room: 'r8', role: 'presenter', region: '999999' }, 'invalid_request'],
    ['a move without index or blank', 'present:go', { room: 'r8' }, 'invalid_request'],
    ['a negative index', 'present:go', { room: 'r8', index: -1 }, 'invalid_request'],
  ] as const)('refuses %s', async (_name, event, args, code) => {
    const s = await client(server.tokens.admin);
    const a = await new Promise<PresentAck>((resolve) => (s.emit as any)(event, args, resolve));
    expect(a).toMatchObject({ ok: false, error: { code } });
  });

  it('refuses an index past the last slide', async () => {
    const s = await client(server.tokens.admin);
    const st = stateOf(await join(s, { room: 'r9', role: 'presenter', region: '140300' }));
    expect(await go(s, { room: 'r9', index: st.slides })).toMatchObject({ ok: false, error: { code: 'invalid_index' } });
    expect(stateOf(await go(s, { room: 'r9', index: st.slides - 1 })).index).toBe(st.slides - 1);
  });
});
