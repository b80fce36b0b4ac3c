/**
 * The contract suite's second part: the real app (HTTP + Socket.IO) started on each store with the same
 * flow — reports, a duplicate, workflow actions, a screen following by deltas. Each store must serve what
 * its screen followed, and the two stores must serve identical summaries, versions and pushes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVINCE_CODE, childrenOf } from '../../shared/regions';
import type { Summary } from '../../shared/schemas';
import { Screen, sleep } from '../helpers/live';
import { postgresMissing } from '../helpers/postgres';
import { api, postHazards, startApp, type InProcessServer } from '../helpers/server';
import { STORE_KINDS, fixedHazard, freshStoreEnv, type StoreKind } from '../helpers/stores';

const pgMissing = await postgresMissing();
const REGIONS = [PROVINCE_CODE, '141100', '140100', '141102'];
const PLACES = ['141102', '141100', ...childrenOf('140100').slice(0, 3).map((r) => r.code), '140213', '140802'];
const HAZARDS = Array.from({ length: 40 }, (_, i) =>
  fixedHazard(i + 1, {
    regionCode: PLACES[i % PLACES.length],
    sector: (['coal', 'fire', 'gas', 'hazchem'] as const)[i % 4],
    level: i % 4 === 0 ? 'major' : 'general',
    deadline: i % 3 === 0 ? '2099-12-31' : '2024-12-10',
  }),
);
const served = new Map<StoreKind, unknown>();

type Flow = { url: string; admin: string; reporter: string };
const post = async (f: Flow, path: string, body: unknown) => {
  const res = await api(f.url, f.admin, 'POST', path, body);
  expect(res.status, `${path} → ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
};

/** The same requests, in the same order, whatever the store. */
async function runFlow(f: Flow): Promise<void> {
  expect((await postHazards(f.url, f.reporter, HAZARDS.slice(0, 30))).body).toEqual({ accepted: 30, duplicates: 0, rejected: [] });
  expect((await api(f.url, f.reporter, 'POST', '/api/v1/hazards', HAZARDS[30])).body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
  expect((await api(f.url, f.reporter, 'POST', '/api/v1/hazards', HAZARDS[30])).body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
  const conflict = await api(f.url, f.reporter, 'POST', '/api/v1/hazards', { ...HAZARDS[0], title: '改过的标题' });
  expect(conflict.status).toBe(409);
  const id = (n: number) => HAZARDS[n]!.id;
  for (let n = 0; n < 10; n++) await post(f, `/api/v1/hazards/${id(n)}/transitions`, { to: 'rectifying' });
  for (let n = 0; n < 5; n++) await post(f, `/api/v1/hazards/${id(n)}/transitions`, { to: 'rectified' });
  for (let n = 0; n < 3; n++) await post(f, `/api/v1/hazards/${id(n)}/transitions`, { to: 'closed', note: '验收合格' });
  await post(f, `/api/v1/hazards/${id(3)}/transitions`, { to: 'rectifying', note: '验收未通过' });
  await post(f, `/api/v1/hazards/${id(11)}/transitions`, { to: 'rejected', note: '重复上报' });
  await post(f, `/api/v1/hazards/${id(13)}/escalations`, { level: 'major', note: '复核升级' });
  await post(f, `/api/v1/hazards/${id(13)}/listing`, { by: 'province' }); // escalated to major just above: only majors are listed
  await post(f, `/api/v1/hazards/${id(16)}/extensions`, { deadline: '2099-06-30', reason: '设备采购周期' });
  const bad = await api(f.url, f.admin, 'POST', `/api/v1/hazards/${id(0)}/transitions`, { to: 'rectifying' });
  expect(bad.body.error.code).toBe('invalid_transition');
  expect((await postHazards(f.url, f.reporter, HAZARDS.slice(31))).body.accepted).toBe(9);
}

describe.each(STORE_KINDS)('the app on the %s store', (kind) => {
  describe.skipIf(kind === 'postgres' && pgMissing !== null)('one flow', () => {
    let app: InProcessServer;
    let dispose: () => Promise<void>;
    let screen: Screen;
    beforeAll(async () => {
      const fresh = await freshStoreEnv(kind);
      dispose = fresh.dispose;
      app = await startApp({ env: fresh.env });
    });
    afterAll(async () => {
      screen?.close();
      await app?.close();
      await dispose?.();
    });

    it('serves what a screen followed by deltas, and records it for the comparison', async () => {
      screen = await Screen.connect(app.url, app.tokens.display);
      for (const r of REGIONS) await screen.subscribe(r);
      await runFlow({ url: app.url, admin: app.tokens.admin, reporter: app.tokens.reporter });
      const summaryOf = async (r: string): Promise<Summary> => (await api(app.url, app.tokens.viewer, 'GET', `/api/v1/summary?region=${r}`)).body;
      await screen.settle(async (r) => (await summaryOf(r)).version);
      await sleep(400); // nothing more may arrive
      expect(screen.problems).toEqual([]);
      const summaries: Record<string, unknown> = {};
      for (const r of REGIONS) {
        const s = await summaryOf(r);
        expect(screen.states.get(r), r).toEqual(s);
        expect(screen.deltas.get(r)!.length, r).toBeGreaterThan(0);
        const { asOf: _asOf, ...rest } = s;
        summaries[r] = rest;
      }
      expect((summaries[PROVINCE_CODE] as Summary).totals).toMatchObject({ total: 39, closed: 3, rectified: 1 });
      const one = (await api(app.url, app.tokens.viewer, 'GET', `/api/v1/hazards/${HAZARDS[0]!.id}`)).body;
      expect(one.history.map((h: { kind: string }) => h.kind)).toEqual(['reported', 'transition', 'transition', 'transition']);
      const list = (await api(app.url, app.tokens.viewer, 'GET', '/api/v1/hazards?limit=100&overdue=true')).body;
      served.set(kind, {
        summaries,
        pushed: screen.reported.map((h) => h.id).sort(),
        history: one.history.map((h: { seq: number; kind: string; data: unknown }) => [h.seq, h.kind, h.data]),
        overdue: list.items.map((h: { id: string; status: string; version: number }) => [h.id, h.status, h.version]),
      });
    });
  });
});

describe.skipIf(pgMissing !== null)('the app on SQLite and on PostgreSQL', () => {
  it('serves identical summaries, versions, pushes and lists for the same flow', () => {
    expect(served.get('postgres')).toBeDefined();
    expect(served.get('postgres')).toEqual(served.get('sqlite'));
  });
});
