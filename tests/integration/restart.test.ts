/**
 * Durability: every acknowledged write survives SIGKILL, and the aggregates rebuilt at start-up are
 * the ones the server had (counts, versions, asOf), equal to a count the test keeps itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_REGIONS } from '../../shared/regions';
import type { HazardInput, Summary } from '../../shared/schemas';
import { makeHazard, rng } from '../helpers/hazards';
import { api, postHazards, startServer, type ChildServer } from '../helpers/server';
import { applyOp, modelOf, pickOp, requestOf, tally, type ModelHazard, type Op } from '../helpers/stream';

let srv: ChildServer;
const model = new Map<string, ModelHazard>();

const get = (path: string) => api(srv.url, srv.tokens.viewer, 'GET', path);
const today = async (): Promise<string> => (await get('/api/v1/session')).body.today;

async function allSummaries(): Promise<Map<string, Summary>> {
  const bodies = await Promise.all(ALL_REGIONS.map(async ({ code }) => [code, (await get(`/api/v1/summary?region=${code}`)).body] as const));
  return new Map<string, Summary>(bodies);
}

async function expectCountsMatchModel(): Promise<void> {
  const day = await today();
  for (const [code, s] of await allSummaries()) {
    const { totals, byRegion, bySector, matrix } = s;
    expect({ totals, byRegion, bySector, matrix }, code).toEqual(tally(code, model.values(), day));
  }
}

/** One write, by a client that treats only a 200 as an acknowledgement. */
type Write = { report: HazardInput[] } | { op: Op };
async function send(item: Write): Promise<'acked' | 'unknown'> {
  try {
    if ('report' in item) {
      const res = await postHazards(srv.url, srv.tokens.reporter, item.report);
      expect(res.body).toEqual({ accepted: item.report.length, duplicates: 0, rejected: [] });
      for (const h of item.report) model.set(h.id, modelOf(h));
    } else {
      const { path, body } = requestOf(item.op);
      const res = await api(srv.url, srv.tokens.reporter, 'POST', path, body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      applyOp(model.get(item.op.id)!, item.op);
    }
    return 'acked';
  } catch (e) {
    if (e instanceof Error && e.name === 'AssertionError') throw e;
    return 'unknown'; // the server died with the request in flight: it may or may not have committed
  }
}

beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv?.stop();
});

describe('restart after SIGKILL', () => {
  it('rebuilds the very same summaries — counts, versions, asOf — equal to an independent count', async () => {
    const r = rng(31337);
    const day = await today();
    let n = 0;
    for (let step = 0; step < 90; step++) {
      if (step % 3 === 0 || model.size < 10) {
        await send({ report: Array.from({ length: 1 + r.int(30) }, () => makeHazard(r, n++)) });
      } else {
        const all = [...model.values()];
        const op = pickOp(r, r.next() < 0.7 ? all.slice(0, 40) : all, day);
        if (op) await send({ op });
      }
    }
    const before = await allSummaries();
    await expectCountsMatchModel();
    await srv.kill();
    await srv.restart();
    const after = await allSummaries();
    for (const { code } of ALL_REGIONS) expect(after.get(code), code).toEqual(before.get(code));
  }, 120_000);

  it('loses nothing acknowledged when killed while clients keep posting', async () => {
    const acked: Write[] = [];
    const unknown: Write[] = [];
    let stop = false;
    /** a reporting system that posts batches and moves its own hazards along, until the server is gone */
    const writer = async (w: number) => {
      const r = rng(1000 + w);
      const own: ModelHazard[] = [];
      const day = await today();
      for (let i = 0; !stop; i++) {
        const op = own.length > 5 && r.next() < 0.5 ? pickOp(r, own, day) : null;
        const item: Write = op ? { op } : { report: Array.from({ length: 1 + r.int(40) }, (_, k) => makeHazard(r, 100_000 * (w + 1) + i * 50 + k)) };
        const outcome = await send(item);
        if (outcome === 'unknown') {
          unknown.push(item);
          return;
        }
        acked.push(item);
        if ('report' in item) own.push(...item.report.map((h) => model.get(h.id)!));
      }
    };
    const writers = [0, 1, 2].map(writer);
    while (acked.length < 60) await new Promise((res) => setTimeout(res, 10));
    await srv.kill(); // the writers are mid-request
    stop = true;
    await Promise.all(writers);
    expect(unknown.length).toBeGreaterThan(0);

    await srv.restart();
    // what was in flight at the kill may or may not be there: read which, and follow it
    for (const item of unknown) {
      if ('report' in item) {
        const found = await Promise.all(item.report.map(async (h) => (await get(`/api/v1/hazards/${h.id}`)).status));
        expect(new Set(found).size, 'a batch commits whole or not at all').toBe(1);
        if (found[0] === 200) for (const h of item.report) model.set(h.id, modelOf(h));
      } else {
        // each hazard is moved by one writer only, and a writer stops at its first unanswered request:
        // the op committed exactly when it is the last entry of the hazard's history
        const op = item.op;
        const last = (await get(`/api/v1/hazards/${op.id}`)).body.history.at(-1) as { kind: string; data: Record<string, unknown> };
        const committed =
          (op.kind === 'transition' && last.kind === 'transition' && last.data.to === op.to) ||
          (op.kind === 'escalation' && last.kind === 'escalation' && last.data.to === op.level) ||
          (op.kind === 'listing' && last.kind === 'listing' && last.data.by === op.by) ||
          (op.kind === 'extension' && last.kind === 'extension' && last.data.to === op.deadline);
        if (committed) applyOp(model.get(op.id)!, op);
      }
    }
    // every acknowledged hazard is there, in the state its acknowledgements left it
    const hazards = [...model.values()];
    for (let i = 0; i < hazards.length; i += 16) {
      await Promise.all(hazards.slice(i, i + 16).map(async (h) => {
        const res = await get(`/api/v1/hazards/${h.id}`);
        expect(res.status, h.id).toBe(200);
        expect(res.body, h.id).toMatchObject({ status: h.status, level: h.level, regionCode: h.regionCode, listedBy: h.listedBy });
        expect(res.body.deadline ?? null, h.id).toBe(h.deadline);
      }));
    }
    await expectCountsMatchModel();
    const head = (await api(srv.url, srv.tokens.admin, 'GET', '/api/v1/chain/head')).body;
    expect((await get('/api/v1/summary')).body.version).toBeLessThanOrEqual(head.seq);
    expect((await api(srv.url, undefined, 'GET', '/healthz')).body.seq).toBe(head.seq);
  }, 120_000);
});
