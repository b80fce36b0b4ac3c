/**
 * LiveFeed's timing rule on a fake clock: a quiet region's change leaves at once, later changes wait
 * for the end of the 250 ms window after the last delta, and a burst yields exactly one delta per
 * window. Real SQLite, a real Socket.IO server and client; only the feed's clock is the test's.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { PROVINCE_CODE } from '../../../shared/regions';
import { DEFAULT_TZ } from '../../../shared/time';
import { ChangeFeed } from '../../../server/aggregates/change-feed';
import { LiveSummaries } from '../../../server/aggregates/live-summaries';
import type { Auth } from '../../../server/auth/auth';
import { openSqliteStore } from '../../../server/store';
import { HazardService } from '../../../server/hazards/hazards.service';
import { FLUSH_MS, HEARTBEAT_MS, LiveFeed, type IO } from '../../../server/realtime/realtime';
import { FakeTimers } from '../../helpers/fake-timers';
import { makeHazard, rng } from '../../helpers/hazards';
import { Screen, sleep } from '../../helpers/live';
import { tempDir } from '../../helpers/server';

const ADMIN: Auth = { tokenId: 'admin-1', name: '省应急厅管理员', role: 'admin', region: PROVINCE_CODE };
const COUNTY = '141102';
const START = 1_000_000;

type Sent = { region: string; fromVersion: number; version: number; at: number };
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A feed over a real store and Socket.IO server, on a fake clock, logging each delta it sends. */
async function feedOnFakeClock(timers = new FakeTimers(START)) {
  const { repo } = await openSqliteStore(join(tempDir(), 'hazards.sqlite'), DEFAULT_TZ);
  const live = new LiveSummaries();
  const changes = new ChangeFeed(repo, live);
  const service = new HazardService(repo, live, changes, DEFAULT_TZ);
  live.rebuild(await repo.rebuildState());
  await service.checkDay();
  const sent: Sent[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      const line = JSON.parse(chunk.toString()) as Sent & { msg: string };
      if (line.msg === 'delta sent') sent.push({ region: line.region, fromVersion: line.fromVersion, version: line.version, at: line.at });
      done();
    },
  });
  const http = createServer();
  const io: IO = new Server(http, { serveClient: false });
  io.use((socket, next) => {
    socket.data.auth = ADMIN;
    next();
  });
  const feed = new LiveFeed(io, live, changes, { timers, log: pino({ level: 'debug' }, sink) });
  io.on('connection', (s) => feed.attach(s));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const screen = await Screen.connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, 'any');
  closers.push(() => repo.close(), () => new Promise<void>((r) => io.close(() => r())), () => feed.close(), () => screen.close());
  const r = rng(14);
  let n = 0;
  const report = async (count = 1) => {
    const hazards = Array.from({ length: count }, () => makeHazard(r, n++, { regionCode: COUNTY }));
    const { result } = await service.report(count === 1 ? hazards[0] : { hazards }, ADMIN);
    expect(result.accepted).toBe(count);
  };
  /** Waits (real time) until the screen holds the service's version of the region. */
  const caughtUp = async (region: string) => {
    for (let i = 0; screen.states.get(region)!.version !== live.version(region); i++) {
      if (i > 200) throw new Error(`${region}: screen stuck at ${screen.states.get(region)!.version}, feed at ${live.version(region)}`);
      await sleep(10);
    }
  };
  return { timers, live, screen, sent, report, caughtUp };
}

describe('LiveFeed on a fake clock', () => {
  it('sends a quiet region at once, then at most one delta per 250 ms window', async () => {
    const f = await feedOnFakeClock();
    await f.screen.subscribe(COUNTY);
    await f.report();
    expect(f.sent).toEqual([]); // not before the next turn of the loop
    f.timers.advance(0);
    await f.caughtUp(COUNTY);
    expect(f.sent.map((s) => s.at)).toEqual([START]);

    // within the window: held until it ends, and the two writes leave as one delta
    await f.report();
    f.timers.advance(FLUSH_MS - 1);
    await f.report(3);
    expect(f.sent).toHaveLength(1);
    f.timers.advance(1);
    await f.caughtUp(COUNTY);
    expect(f.sent.map((s) => s.at)).toEqual([START, START + FLUSH_MS]);
    expect(f.sent[1]!.fromVersion).toBe(f.sent[0]!.version);

    // quiet for longer than the window: the next change leaves at once again
    f.timers.advance(1000);
    await f.report();
    f.timers.advance(0);
    await f.caughtUp(COUNTY);
    const quietAt = START + FLUSH_MS + 1000;
    expect(f.sent.at(-1)!.at).toBe(quietAt);

    // a write every 40 ms for a second: one delta at the end of each window, none in between
    for (let t = 0; t < 1000; t += 40) {
      await f.report(2);
      f.timers.advance(40);
    }
    f.timers.advance(FLUSH_MS);
    await f.caughtUp(COUNTY);
    const times = f.sent.map((s) => s.at);
    expect(times.slice(3)).toEqual([1, 2, 3, 4].map((k) => quietAt + k * FLUSH_MS));
    for (const [i, s] of f.sent.entries()) if (i) expect(s.fromVersion, `delta ${i} chains on`).toBe(f.sent[i - 1]!.version);
    expect(f.screen.problems).toEqual([]);
    expect(f.screen.deltas.get(COUNTY)!.map((d) => d.version)).toEqual(f.sent.map((s) => s.version));
    expect(f.screen.states.get(COUNTY)).toEqual(f.live.summary(COUNTY));
  });

  it('holds the window when a timer fires early against the clock (as Node\'s can)', async () => {
    class EarlyTimers extends FakeTimers {
      override after(ms: number, fn: () => void) {
        return super.after(ms > 7 ? ms - 7 : ms, fn);
      }
    }
    const f = await feedOnFakeClock(new EarlyTimers(START));
    await f.screen.subscribe(COUNTY);
    await f.report();
    f.timers.advance(0);
    await f.report();
    f.timers.advance(FLUSH_MS - 1);
    expect(f.sent.map((s) => s.at)).toEqual([START]);
    f.timers.advance(1);
    await f.caughtUp(COUNTY);
    expect(f.sent.map((s) => s.at)).toEqual([START, START + FLUSH_MS]);
  });

  it('beats on the fake clock, with its time', async () => {
    const f = await feedOnFakeClock();
    const before = f.screen.heartbeats.length; // one on connect
    f.timers.advance(HEARTBEAT_MS - 1);
    await sleep(50);
    expect(f.screen.heartbeats).toHaveLength(before);
    f.timers.advance(1);
    for (let i = 0; f.screen.heartbeats.length === before && i < 200; i++) await sleep(10);
    expect(f.screen.heartbeats.at(-1)!.at).toBe(new Date(START + HEARTBEAT_MS).toISOString());
  });
});
