/**
 * Fan-out to many screens (docs/perf/fanout.md): 50 real socket.io-client sockets on the province, 10 of them also on
 * a city, while reports arrive one by one and in a burst. Every socket must receive byte-identical packets for a
 * region, each chained from its snapshot (fromVersion = the version held), ending at the server's own summary; and
 * the server must encode each delta once for all its sockets (one room broadcast, Socket.IO's encoder called once
 * per delta), never once per socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVINCE_CODE } from '../../shared/regions';
import type { Summary } from '../../shared/schemas';
import { makeHazard, rng } from '../helpers/hazards';
import { Screen, sleep } from '../helpers/live';
import { api, postHazards, startApp, type InProcessServer } from '../helpers/server';

const CITY = '141100'; // 吕梁市
const SOCKETS = 50;
const ON_CITY = 10;

let srv: InProcessServer;
const screens: Screen[] = [];
/** per screen and region, every summary:delta packet exactly as it came off the wire */
const wire: Array<Map<string, string[]>> = [];
/** summary:delta packets the server's Socket.IO encoder was asked to encode */
let encoded = 0;

beforeAll(async () => {
  srv = await startApp();
  const encoder = srv.app.io.encoder as { encode(packet: { data?: unknown[] }): unknown[] };
  const encode = encoder.encode.bind(encoder);
  encoder.encode = (packet) => {
    if (packet.data?.[0] === 'summary:delta') encoded++;
    return encode(packet);
  };
});
afterAll(async () => {
  for (const s of screens) s.close();
  await srv?.close();
});

const summaryOf = async (region: string): Promise<Summary> => (await api(srv.url, srv.tokens.admin, 'GET', `/api/v1/summary?region=${region}`)).body;

describe(`one delta for ${SOCKETS} sockets`, () => {
  it('reaches every socket byte-identical, each chain holds, and is encoded once', async () => {
    for (let i = 0; i < SOCKETS; i++) {
      const screen = await Screen.connect(srv.url, srv.tokens.display);
      const packets = new Map<string, string[]>();
      // the Engine.IO message before Socket.IO decodes it: `2["summary:delta",{…}]`
      screen.socket.io.engine.on('packet', (p: { type: string; data?: unknown }) => {
        if (p.type !== 'message' || typeof p.data !== 'string' || !p.data.startsWith('2["summary:delta"')) return;
        const region = (JSON.parse(p.data.slice(1)) as [string, { region: string }])[1].region;
        packets.set(region, [...(packets.get(region) ?? []), p.data]);
      });
      await screen.subscribe(PROVINCE_CODE);
      if (i < ON_CITY) await screen.subscribe(CITY);
      screens.push(screen);
      wire.push(packets);
    }
    const r = rng(5);
    // one by one, each in a window of its own (a delta each), then a burst that coalesces
    for (let i = 0; i < 6; i++) {
      const res = await postHazards(srv.url, srv.tokens.reporter, [makeHazard(r, i, i % 2 ? { regionCode: '141102' } : {})]);
      expect(res.body.accepted).toBe(1);
      await sleep(300);
    }
    await Promise.all(Array.from({ length: 20 }, (_, i) => postHazards(srv.url, srv.tokens.reporter, [makeHazard(r, 100 + i, i % 3 ? {} : { regionCode: '141121' })])));
    const final = new Map<string, Summary>();
    for (const region of [PROVINCE_CODE, CITY]) final.set(region, await summaryOf(region));
    for (const s of screens) await s.settle(async (region) => final.get(region)!.version);
    // nothing may arrive after the final versions (a late duplicate would break the chain the settle saw)
    await sleep(400);

    for (const [region, watchers] of [[PROVINCE_CODE, screens.length], [CITY, ON_CITY]] as const) {
      const first = wire[0]!.get(region) ?? [];
      expect(first.length, region).toBeGreaterThanOrEqual(3);
      for (let i = 0; i < watchers; i++) {
        expect(wire[i]!.get(region), `socket ${i}, ${region}`).toEqual(first);
        const s = screens[i]!;
        expect(s.problems).toEqual([]);
        const { totals, byRegion, bySector, matrix, version } = s.states.get(region)!;
        const want = final.get(region)!;
        expect({ totals, byRegion, bySector, matrix, version }).toEqual({ totals: want.totals, byRegion: want.byRegion, bySector: want.bySector, matrix: want.matrix, version: want.version });
      }
    }
    for (let i = ON_CITY; i < SOCKETS; i++) expect(wire[i]!.has(CITY)).toBe(false);
    // each distinct delta encoded once, whichever number of sockets it went to
    const distinct = (wire[0]!.get(PROVINCE_CODE)?.length ?? 0) + (wire[0]!.get(CITY)?.length ?? 0);
    expect(encoded).toBe(distinct);
  }, 60_000);
});
