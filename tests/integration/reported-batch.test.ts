/**
 * `hazard:reported:batch` (docs/API.md, Socket.IO): a client that asks for it in its handshake gets the new majors of
 * each applied write in one message per scope (at most MAX_REPORTED_BATCH hazards each), the same hazards in the same
 * order as a per-item client gets one by one; a client that does not ask keeps the per-item event; a handshake that
 * asks for something else is refused with a message that says what is wrong. Real server, real socket.io-client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../../shared/import';
import { ALL_REGIONS, isWithin } from '../../shared/regions';
import { MAX_REPORTED_BATCH } from '../../server/realtime/realtime';
import { Screen, refusal, sleep } from '../helpers/live';
import { until } from '../helpers/multinode';
import { api, createTokens, startServer, type ChildServer } from '../helpers/server';

const CITY = '141100';
const BATCH = { batch: ['hazard:reported'] };
const COUNTIES = ALL_REGIONS.filter((r) => r.level === 'county');
/** more majors than one message holds, all in one of the import's 2,000-row transactions */
const MAJORS = 2 * MAX_REPORTED_BATCH + 137;
const GENERALS = 400;

let srv: ChildServer;
let cityViewer: string;
const screens: Screen[] = [];
const connect = async (token: string, auth?: Record<string, unknown>) => {
  const s = await Screen.connect(srv.url, token, auth);
  screens.push(s);
  return s;
};

beforeAll(async () => {
  srv = await startServer();
  cityViewer = (await createTokens(srv.dataDir, { city: { role: 'viewer', region: CITY, name: '吕梁市值班员' } })).city!;
});
afterAll(async () => {
  for (const s of screens) s.close();
  await srv?.stop();
});

function ledger(): { csv: string; majors: Array<{ id: string; regionCode: string }> } {
  const header = COLUMNS.map((c) => c.header).join(',');
  const rows: string[] = [];
  const majors: Array<{ id: string; regionCode: string }> = [];
  for (let i = 0; i < MAJORS + GENERALS; i++) {
    const region = COUNTIES[(i * 7) % COUNTIES.length]!.code;
    const major = i % 4 !== 3 && majors.length < MAJORS;
    const id = `BATCH-${i}`;
    if (major) majors.push({ id, regionCode: region });
    rows.push(`${id},${region},coal,${major ? '重大隐患' : '一般隐患'},批量推送 ${i},,,,,2024-11-18 09:30,${major ? '2025-01-31' : ''},`);
  }
  return { csv: `${header}\r\n${rows.join('\r\n')}\r\n`, majors };
}

describe('hazard:reported:batch', () => {
  it('sends an import\'s new majors in a few messages of at most MAX_REPORTED_BATCH, in the per-item order, within scope', async () => {
    const perItem = await connect(srv.tokens.display);
    const batched = await connect(srv.tokens.display, BATCH);
    const cityBatched = await connect(cityViewer, BATCH);
    const { csv, majors } = ledger();
    expect(majors.length).toBe(MAJORS);
    const fd = new FormData();
    fd.append('file', new Blob([csv]), 'batch.csv');
    const res = await fetch(`${srv.url}/api/v1/hazards/import`, { method: 'POST', headers: { authorization: `Bearer ${srv.tokens.reporter}` }, body: fd });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);

    const inCity = majors.filter((m) => isWithin(m.regionCode, CITY));
    expect(inCity.length).toBeGreaterThan(10);
    await until(() => perItem.reported.length >= MAJORS && batched.reported.length >= MAJORS && cityBatched.reported.length >= inCity.length, 10_000,
      () => `per item ${perItem.reported.length}, batched ${batched.reported.length} of ${MAJORS}; city ${cityBatched.reported.length} of ${inCity.length}`);
    await sleep(300); // nothing more, nothing twice
    expect(perItem.reported.map((h) => h.id)).toEqual(majors.map((m) => m.id));
    expect(perItem.batches).toEqual([]);
    // the same hazards in the same order, in messages that each hold at most MAX_REPORTED_BATCH
    expect(batched.reported.map((h) => h.id)).toEqual(majors.map((m) => m.id));
    expect(batched.reported).toEqual(batched.reported.map((h, i) => ({ ...perItem.reported[i]!, receivedAt: h.receivedAt })));
    expect(batched.batches.length).toBeGreaterThanOrEqual(Math.ceil(MAJORS / MAX_REPORTED_BATCH));
    expect(batched.batches.length).toBeLessThanOrEqual(Math.ceil(MAJORS / MAX_REPORTED_BATCH) + 1);
    expect(Math.max(...batched.batches)).toBeLessThanOrEqual(MAX_REPORTED_BATCH);
    // a city's screen: only the city's, also batched
    expect(cityBatched.reported.map((h) => h.id)).toEqual(inCity.map((m) => m.id));
    expect(cityBatched.batches.length).toBeLessThanOrEqual(2);
  });

  it('sends a lone report at once, as a batch of one', async () => {
    const batched = await connect(srv.tokens.display, BATCH);
    const h = {
      id: 'BATCH-LONE', regionCode: '141102', sector: 'coal', level: 'major', title: '单条重大隐患',
      discoveredAt: '2024-11-18T01:30:00Z', deadline: '2025-01-31',
    };
    const res = await api(srv.url, srv.tokens.reporter, 'POST', '/api/v1/hazards', h);
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    await until(() => batched.reported.length > 0, 5000, () => 'no hazard:reported:batch for the lone report');
    expect(batched.batches).toEqual([1]);
    expect(batched.reported[0]).toMatchObject({ id: 'BATCH-LONE', regionCode: '141102', level: 'major', title: '单条重大隐患' });
  });

  it.each([
    ['an unknown event', { batch: ['summary:delta'] }],
    ['a string, not a list', { batch: 'hazard:reported' }],
    ['a list too long', { batch: Array.from({ length: 9 }, () => 'hazard:reported') }],
  ])('refuses a handshake that asks for %s, saying what is wrong', async (_what, auth) => {
    const message = await refusal(srv.url, srv.tokens.display, auth);
    expect(message).toMatch(/^invalid_request: auth\.batch must be a list of event names among hazard:reported/);
  });
});
