/**
 * What one socket may cost the server (docs/SECURITY.md "A socket that never reads"): a raw WebSocket
 * client speaks just enough of the Socket.IO protocol to subscribe thousands of times, never reads a
 * byte of the answers, and answers pings blindly so the server cannot time it out. The server must cut
 * it off, keep its memory near where it started, and keep answering /healthz. Then the per-socket caps
 * on summary subscriptions and presentation rooms, through the real Socket.IO client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from '../../shared/events';
import type { PresentAck } from '../../shared/present';
import { ALL_REGIONS, PROVINCE_CODE } from '../../shared/regions';
import { DEFAULT_SOCKET_LIMITS } from '../../server/realtime/socket-bounds';
import { api, startServer, type ChildServer } from '../helpers/server';

let server: ChildServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

/** One value of the server's Prometheus text (loopback needs no token). */
async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** Connects on the WebSocket transport and completes the Socket.IO handshake; then stops reading. */
function rawViewer(token: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/socket.io/?EIO=4&transport=websocket`);
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('0{')) ws.send(`40${JSON.stringify({ token })}`);
      else if (text.startsWith('40')) {
        ws.pause();
        resolve(ws);
      } else if (text.startsWith('44')) reject(new Error(`handshake refused: ${text}`));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a client that never reads', () => {
  it('is cut off; the server keeps its memory and keeps answering', async () => {
    const rssBefore = await metric('process_resident_memory_bytes');
    const sockets = await Promise.all([0, 1, 2].map(() => rawViewer(server.tokens.viewer)));
    const closed = sockets.map((ws) => new Promise<void>((r) => ws.once('close', () => r())));
    // 3 × 20,000 subscribe packets of ~45 bytes: unbounded, each queues a province snapshot (tens of MB per socket)
    const packet = `42["summary:subscribe",{"region":"${PROVINCE_CODE}"}]`;
    for (let round = 0; round < 20; round++) {
      for (const ws of sockets) {
        if (ws.readyState !== WebSocket.OPEN) continue;
        for (let i = 0; i < 1000; i++) ws.send(`42${round * 1000 + i}${packet.slice(2)}`);
        ws.send('3'); // a pong, sent blind: the client never reads the pings
      }
      await sleep(50);
      expect((await api(server.url, undefined, 'GET', '/healthz')).status).toBe(200);
    }
    await sleep(500);
    const dropped = await metric('hz_sockets_dropped_total');
    const rssAfter = await metric('process_resident_memory_bytes');
    // a generous bound: three unbounded sockets pinned 460 MB here (and grow until the heap runs out)
    expect(rssAfter - rssBefore).toBeLessThan(200 * 1024 * 1024);
    expect(dropped).toBeGreaterThanOrEqual(3);
    expect(await metric('hz_sockets_connected')).toBe(0);
    for (const ws of sockets) ws.resume();
    await Promise.all(closed);
    const health = await api(server.url, undefined, 'GET', '/healthz');
    expect(health.status).toBe(200);
  }, 60_000);
});

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
async function client(): Promise<Client> {
  const s: Client = connect(server.url, { auth: { token: server.tokens.viewer }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

describe('per-socket caps', () => {
  it(`holds at most ${DEFAULT_SOCKET_LIMITS.maxSubscriptions} summary subscriptions; leaving one frees a place`, async () => {
    const s = await client();
    const max = DEFAULT_SOCKET_LIMITS.maxSubscriptions;
    const regions = ALL_REGIONS.slice(0, max + 1).map((r) => r.code);
    const sub = (region: string) => new Promise<SubscribeAck>((r) => s.emit('summary:subscribe', { region }, r));
    for (const region of regions.slice(0, max)) expect((await sub(region)).ok).toBe(true);
    // the same region again is no new subscription
    expect((await sub(regions[0]!)).ok).toBe(true);
    const refused = await sub(regions[max]!);
    expect(refused).toMatchObject({ ok: false, error: { code: 'too_many_subscriptions' } });
    await new Promise((r) => s.emit('summary:unsubscribe', { region: regions[0]! }, r));
    expect((await sub(regions[max]!)).ok).toBe(true);
    s.close();
  });

  it(`joins at most ${DEFAULT_SOCKET_LIMITS.maxPresentRooms} presentation rooms`, async () => {
    const s = await client();
    const max = DEFAULT_SOCKET_LIMITS.maxPresentRooms;
    const join = (room: string) => new Promise<PresentAck>((r) => s.emit('present:join', { room, role: 'follower' }, r));
    for (let i = 0; i < max; i++) expect((await join(`cap-${i}`)).ok).toBe(true);
    expect(await join(`cap-${max}`)).toMatchObject({ ok: false, error: { code: 'too_many_rooms' } });
    // a fresh connection starts with none
    s.close();
    const again = await client();
    expect((await new Promise<PresentAck>((r) => again.emit('present:join', { room: `cap-${max}`, role: 'follower' }, r))).ok).toBe(true);
    again.close();
  });
});
