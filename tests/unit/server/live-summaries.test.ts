import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_REGIONS, PROVINCE_CODE, chainOf } from '../../../shared/regions';
import type { HazardInput } from '../../../shared/schemas';
import { DEFAULT_TZ, addDays, dayOf } from '../../../shared/time';
import { LiveSummaries, SequenceGapError } from '../../../server/aggregates/live-summaries';
import type { Auth } from '../../../server/auth/auth';
import { ChangeFeed } from '../../../server/aggregates/change-feed';
import { openSqliteStore } from '../../../server/store';
import type { ChainStore } from '../../../server/hazards/chain.store';
import type { Change } from '../../../server/hazards/changes';
import { HazardService } from '../../../server/hazards/hazards.service';
import { escalation, extension, listing, transition } from '../../../server/hazards/workflow';
import { makeHazard, rng } from '../../helpers/hazards';
import { tempDir } from '../../helpers/server';
import { applyOp, modelOf, pickOp, tally, type ModelHazard, type Op } from '../../helpers/stream';

const ADMIN: Auth = { tokenId: 'admin-1', name: '省应急厅管理员', role: 'admin', region: PROVINCE_CODE };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A real SQLite store on a temp file, a service on a movable clock, and every change it applied. */
async function node(file = join(tempDir(), 'hazards.sqlite'), start = Date.parse('2024-03-01T02:00:00Z')) {
  const { repo } = await openSqliteStore(file, DEFAULT_TZ);
  const clock = { now: start };
  const live = new LiveSummaries();
  const feed = new ChangeFeed(repo, live);
  const service = new HazardService(repo, live, feed, DEFAULT_TZ, () => clock.now);
  live.rebuild(await repo.rebuildState());
  live.setAsOf(await repo.recordedAtOf(live.versionSeqs()));
  await service.checkDay();
  const applied: Change[] = [];
  feed.on('applied', (a) => applied.push(a.change));
  opened.push(repo);
  return { file, repo, clock, live, feed, service, applied };
}
type Node = Awaited<ReturnType<typeof node>>;
const opened: ChainStore[] = [];
afterEach(async () => {
  for (const r of opened.splice(0)) await r.close().catch(() => undefined);
});

const today = (n: Node) => dayOf(n.clock.now, DEFAULT_TZ);

/** A hazard discovered shortly before the node's clock, due within a few days of it. */
function hazardAt(n: Node, r: ReturnType<typeof rng>, i: number, over: Partial<HazardInput> = {}): HazardInput {
  const discovered = n.clock.now - r.int(2 * DAY);
  const deadline = addDays(dayOf(discovered, DEFAULT_TZ), r.int(6));
  return makeHazard(r, i, { discoveredAt: new Date(discovered).toISOString(), deadline, ...over });
}

function decide(op: Op, now: number) {
  switch (op.kind) {
    case 'transition':
      return transition({ to: op.to }, now);
    case 'escalation':
      return escalation({ level: op.level, note: op.note, ...(op.deadline ? { deadline: op.deadline } : {}) });
    case 'listing':
      return listing({ by: op.by }, ADMIN);
    case 'extension':
      return extension({ deadline: op.deadline, reason: op.reason });
  }
}

/** Reports, lawful actions and day turns, through the service; the model follows what was accepted. */
async function randomStream(n: Node, seed: number, steps: number): Promise<ModelHazard[]> {
  const r = rng(seed);
  const model: ModelHazard[] = [];
  for (let step = 0; step < steps; step++) {
    n.clock.now += r.int(10 * 60_000);
    const roll = r.next();
    if (roll < 0.3 || model.length < 5) {
      const batch = Array.from({ length: 1 + r.int(15) }, (_, k) => hazardAt(n, r, step * 100 + k));
      const res = await n.service.ingest(batch, ADMIN);
      expect(res).toEqual({ accepted: batch.length, duplicates: 0, rejected: [] });
      model.push(...batch.map(modelOf));
    } else if (roll < 0.92) {
      const op = pickOp(r, model, n.live.today);
      if (!op) continue;
      await n.service.mutate(op.id, ADMIN, decide(op, n.clock.now));
      applyOp(model.find((h) => h.id === op.id)!, op);
    } else {
      n.clock.now += (1 + r.int(2)) * DAY;
      expect(await n.service.checkDay()).toBe(true);
    }
  }
  return model;
}

/** The newest change touching each region, computed from the changes themselves. */
function newestTouching(changes: readonly Change[]): Map<string, Change> {
  const out = new Map<string, Change>();
  for (const c of changes) {
    const regions = c.kind === 'day'
      ? (c.payload.overdue ?? []).flatMap((g) => chainOf(g.regionCode))
      : [c.payload.before, c.payload.after].flatMap((f) => (f ? chainOf(f.regionCode) : []));
    for (const region of regions) out.set(region, c);
  }
  return out;
}

describe('LiveSummaries', () => {
  it.each([7, 11, 99])('seed %i: counts, versions and asOf follow the change sequence; a rebuild from the store equals them', async (seed) => {
    const n = await node();
    const model = await randomStream(n, seed, 250);
    expect(n.applied.length).toBe(n.live.appliedSeq - 1); // every change but the first day turn, applied in order
    expect(n.applied.map((c) => c.seq)).toEqual(n.applied.map((_, i) => i + 2));
    expect(n.applied.filter((c) => c.kind === 'day').length).toBeGreaterThan(3);

    const newest = newestTouching(n.applied);
    for (const { code } of ALL_REGIONS) {
      const s = n.live.summary(code);
      expect(s.version, `version of ${code}`).toBe(newest.get(code)?.seq ?? 0);
      expect(s.asOf, `asOf of ${code}`).toBe(newest.get(code)?.recordedAt ?? new Date(0).toISOString());
      const { totals, byRegion, bySector, matrix } = s;
      expect({ totals, byRegion, bySector, matrix }, `counts of ${code}`).toEqual(tally(code, model, n.live.today));
    }
    expect(n.live.today).toBe(today(n));
    expect(n.live.summary(PROVINCE_CODE).totals.overdue).toBeGreaterThan(0);

    // a restart: close the store, open the file again, rebuild from grouped rows
    await n.repo.close();
    const again = await node(n.file, n.clock.now);
    expect(again.applied).toEqual([]); // no new day turn: the rebuilt day is today
    for (const { code } of ALL_REGIONS) expect(again.live.summary(code), code).toEqual(n.live.summary(code));
    expect(again.live.appliedSeq).toBe(n.live.appliedSeq);

    // a restart two days later: the day turns at start-up and overdue counts follow, without any event
    await again.repo.close();
    const later = await node(n.file, n.clock.now + 2 * DAY);
    expect(later.live.today).toBe(addDays(n.live.today, 2));
    for (const { code } of ALL_REGIONS) {
      const { totals, byRegion, bySector, matrix } = later.live.summary(code);
      expect({ totals, byRegion, bySector, matrix }, code).toEqual(tally(code, model, later.live.today));
    }
    expect(later.live.summary(PROVINCE_CODE).totals.overdue).toBeGreaterThan(n.live.summary(PROVINCE_CODE).totals.overdue);
  }, 60_000); // hundreds of fsynced commits: slow on a busy machine

  it('turns the day: open hazards whose deadline has passed become overdue, with versions of the touched regions only', async () => {
    const n = await node();
    const r = rng(5);
    const due = today(n);
    const discoveredAt = new Date(n.clock.now - HOUR).toISOString();
    const items = [
      hazardAt(n, r, 1, { id: 'open-1', regionCode: '141102', sector: 'coal', level: 'major', deadline: due, discoveredAt }),
      hazardAt(n, r, 2, { id: 'open-2', regionCode: '141100', sector: 'coal', level: 'general', deadline: due, discoveredAt }),
      hazardAt(n, r, 3, { id: 'later', regionCode: '141102', sector: 'coal', level: 'general', deadline: addDays(due, 1), discoveredAt }),
      hazardAt(n, r, 4, { id: 'fixed', regionCode: '140105', sector: 'gas', level: 'general', deadline: due, discoveredAt }),
    ];
    await n.service.ingest(items, ADMIN);
    await n.service.mutate('fixed', ADMIN, transition({ to: 'rectified' }, n.clock.now));
    expect(n.live.summary(PROVINCE_CODE).totals.overdue).toBe(0);
    const before = n.live.version('140100');

    n.clock.now += DAY;
    expect(await n.service.checkDay()).toBe(true);
    expect(await n.service.checkDay()).toBe(false); // once a day
    const day = n.applied.at(-1)!;
    expect(day.kind).toBe('day');
    expect(n.live.today).toBe(today(n));
    expect(n.live.summary(PROVINCE_CODE).totals.overdue).toBe(2);
    expect(n.live.summary('141100').totals.overdue).toBe(2);
    expect(n.live.summary('141100').byRegion['141102']!.overdue).toBe(1); // the city-code hazard is in no county
    expect(n.live.summary('141102').bySector.coal!.overdue).toBe(1);
    expect(n.live.summary('140100').totals.overdue).toBe(0); // rectified: not open, not overdue
    for (const region of ['141102', '141100', PROVINCE_CODE]) expect(n.live.version(region)).toBe(day.seq);
    expect(n.live.version('140100')).toBe(before);

    n.clock.now += DAY;
    await n.service.checkDay();
    expect(n.live.summary(PROVINCE_CODE).totals.overdue).toBe(3); // `later` is due yesterday now
  });

  it('ignores a change already applied and throws on a gap, changing nothing either way', async () => {
    const source = await node();
    const r = rng(3);
    await source.service.ingest([1, 2, 3].map((i) => hazardAt(source, r, i, { regionCode: '141102', level: 'major' })), ADMIN);
    const [c2, c3, c4] = source.applied;
    const live = new LiveSummaries(); // nothing applied yet
    expect(live.appliedSeq).toBe(0);
    expect(live.apply((await source.repo.changesSince(0, 1))[0]!)).not.toBeNull(); // the first day turn
    expect([...live.apply(c2!)!].sort()).toEqual([...chainOf('141102')].sort());
    const after2 = live.summary(PROVINCE_CODE);
    expect(live.apply(c2!)).toBeNull();
    expect(live.summary(PROVINCE_CODE)).toEqual(after2);
    expect(() => live.apply(c4!)).toThrow(SequenceGapError);
    expect(live.summary(PROVINCE_CODE)).toEqual(after2);
    expect(live.appliedSeq).toBe(c2!.seq);
    expect(live.apply(c3!)).not.toBeNull();
    expect(live.apply(c4!)).not.toBeNull();
    expect(live.summary('141102').totals.major).toBe(3);
  });

  it('fills a gap from the store: two nodes on one store converge', async () => {
    const a = await node();
    const liveB = new LiveSummaries();
    liveB.rebuild(await a.repo.rebuildState());
    const feedB = new ChangeFeed(a.repo, liveB);
    const b = new HazardService(a.repo, liveB, feedB, DEFAULT_TZ, () => a.clock.now);
    const r = rng(8);
    await a.service.ingest([1, 2, 3, 4].map((i) => hazardAt(a, r, i)), ADMIN); // B does not see these
    expect(liveB.appliedSeq).toBe(a.live.appliedSeq - 4);
    // B's own write arrives after a gap: B's feed reads the missing changes, and the write answers once applied
    await b.ingest([hazardAt(a, r, 5)], ADMIN);
    expect(liveB.appliedSeq).toBe(a.live.appliedSeq + 1);
    await a.feed.committed(await a.repo.changesSince(a.live.appliedSeq, 10));
    expect(liveB.appliedSeq).toBe(a.live.appliedSeq);
    for (const code of [PROVINCE_CODE, '141100', '140100']) expect(liveB.summary(code)).toEqual(a.live.summary(code));
  });
});
