/**
 * One contract suite for every store (docs/ARCHITECTURE.md): the same calls against SQLite and PostgreSQL, each checked on
 * its own against independent counts, then the two compared — the same fixed inputs must give byte-identical
 * chains and identical answers to every read. The PostgreSQL half is skipped with a message when no server
 * answers (and fails under HZ_REQUIRE_ALL=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashRow, type ChangeRow } from '../../server/hazards/changes';
import type { HazardRepository, StoredHazard } from '../../server/hazards/hazards.repository';
import { escalation, extension, listing, transition } from '../../server/hazards/workflow';
import { isOpen } from '../../shared/domain';
import { childrenOf } from '../../shared/regions';
import type { ListFilter } from '../../shared/schemas';
import { dayOf } from '../../shared/time';
import { postgresMissing } from '../helpers/postgres';
import { ACTOR, STORE_KINDS, TZ, at, fixedHazard, openTestStore, prepared, type StoreKind, type TestStore } from '../helpers/stores';

const pgMissing = await postgresMissing();
const skipped = (kind: StoreKind) => kind === 'postgres' && pgMissing !== null;

const TY = childrenOf('140100').map((r) => r.code); // 太原's counties
const ADMIN = { tokenId: 'tok-test', name: ACTOR.kind === 'token' ? ACTOR.name : '', role: ACTOR.role, region: '140000' };
const NOW = Date.parse('2025-01-01T00:00:00Z');
const INPUTS = [
  fixedHazard(1),
  fixedHazard(2, { level: 'major', deadline: '2024-12-05' }),
  fixedHazard(3, { regionCode: '141100', sector: 'hazchem', level: 'major', deadline: '2024-12-20' }), // a city code
  fixedHazard(4, { regionCode: TY[0], sector: 'fire', deadline: undefined }),
  fixedHazard(5, { regionCode: TY[0], sector: 'fire', deadline: '2024-11-20' }),
  fixedHazard(6, { regionCode: TY[1], sector: 'gas', source: 'self_check', deadline: '2024-12-08' }),
  fixedHazard(7, { regionCode: TY[1], sector: 'gas', deadline: '2024-12-07' }),
  fixedHazard(8, { regionCode: TY[2], sector: 'road', source: 'public_report' }),
  fixedHazard(9, { regionCode: '140213', sector: 'coal', level: 'major', deadline: '2024-12-30' }),
  fixedHazard(10, { regionCode: '140213', sector: 'coal', deadline: '2024-12-09' }),
  fixedHazard(11, { regionCode: '141102', sector: 'fire', source: 'spot_check', deadline: '2024-12-03' }),
  fixedHazard(12, { regionCode: '141102', sector: 'coal', level: 'major', deadline: '2024-12-06' }),
];
const ID = (n: number) => INPUTS[n - 1]!.id;
const fingerprints = new Map<StoreKind, unknown>();

const all = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const newestFirst = (a: StoredHazard, b: StoredHazard) =>
  a.discoveredAt !== b.discoveredAt ? (a.discoveredAt < b.discoveredAt ? 1 : -1) : -byId(a, b);
const isOverdue = (h: StoredHazard, today: string) => isOpen(h.status) && h.deadline !== null && h.deadline < today;
const sorted = <T>(xs: T[]) => [...xs].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

/** Newly overdue groups when the day turns from `prev` to `day`, counted here from the hazards themselves. */
function overdueGroups(hazards: StoredHazard[], day: string, prev: string | null) {
  const n = new Map<string, number>();
  for (const h of hazards) {
    if (!isOpen(h.status) || !h.deadline || h.deadline >= day || (prev && h.deadline < prev)) continue;
    const k = `${h.regionCode}|${h.sector}`;
    n.set(k, (n.get(k) ?? 0) + 1);
  }
  return sorted([...n].map(([k, v]) => ({ regionCode: k.split('|')[0], sector: k.split('|')[1], n: v })));
}

/** Every page of a list, following nextCursor. */
async function pages(repo: HazardRepository, filter: ListFilter, limit: number, today: string) {
  const items: StoredHazard[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await repo.list(filter, limit, cursor, today);
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
  throw new Error('the cursor never ended');
}

const FILTERS: Array<[string, ListFilter, (h: StoredHazard, today: string) => boolean]> = [
  ['everything', {}, () => true],
  ['a city (its counties and the city code)', { region: '141100' }, (h) => h.cityCode === '141100'],
  ['a county', { region: '141102' }, (h) => h.regionCode === '141102'],
  ['a sector', { sector: 'fire' }, (h) => h.sector === 'fire'],
  ['a level', { level: 'major' }, (h) => h.level === 'major'],
  ['a status', { status: 'rectifying' }, (h) => h.status === 'rectifying'],
  ['a source', { source: 'self_check' }, (h) => h.input.source === 'self_check'],
  ['overdue', { overdue: true }, isOverdue],
  ['not overdue', { overdue: false }, (h, t) => !isOverdue(h, t)],
  ['listed', { listed: true }, (h) => h.listedBy !== null],
  ['not listed', { listed: false }, (h) => h.listedBy === null],
  ['combined', { region: '140100', sector: 'gas', overdue: true }, (h, t) => h.cityCode === '140100' && h.sector === 'gas' && isOverdue(h, t)],
];

describe.each(STORE_KINDS)('the %s store', (kind) => {
  describe.skipIf(skipped(kind))('keeps the repository contract', () => {
    let s: TestStore;
    let repo: TestStore['repo'];
    const hazards = async () => all(repo.allHazards());
    beforeAll(async () => {
      s = await openTestStore(kind);
      repo = s.repo;
    });
    afterAll(async () => {
      await s?.repo.close();
      await s?.dispose();
    });

    it('ingest: accepted, duplicate and conflicting items, within a batch and across batches', async () => {
      const changed = { ...INPUTS[1]!, title: '同一编号，不同内容' };
      const first = await repo.ingest(prepared([INPUTS[0]!, INPUTS[1]!, INPUTS[2]!, INPUTS[0]!, changed]), ACTOR, at(1));
      expect(first.map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted', 'duplicate', 'conflict']);
      expect(first[4]).toMatchObject({ message: `hazard ${ID(2)} exists with different content` });
      const second = await repo.ingest(prepared([...INPUTS.slice(3), INPUTS[2]!, { ...INPUTS[0]!, level: 'major' }]), ACTOR, at(2));
      expect(second.map((o) => o.status)).toEqual([...INPUTS.slice(3).map(() => 'accepted'), 'duplicate', 'conflict']);
      const accepted = [...first, ...second].flatMap((o) => (o.status === 'accepted' ? [o.change] : []));
      expect(accepted.map((c) => c.seq)).toEqual(INPUTS.map((_, i) => i + 1));
      expect(accepted[0]).toMatchObject({ hazardId: ID(1), kind: 'reported', at: INPUTS[0]!.discoveredAt, recordedAt: at(1), actor: ACTOR, prevHash: GENESIS_HASH });
      expect(accepted[2]!.payload).toEqual({ data: INPUTS[2], before: null, after: { regionCode: '141100', sector: 'hazchem', level: 'major', status: 'reported', deadline: '2024-12-20', listed: false } });
      // a conflict leaves no trace: the stored content is the first one
      expect((await repo.get(ID(2)))!.input).toEqual(INPUTS[1]);
      expect(await repo.get(ID(3))).toMatchObject({ regionCode: '141100', cityCode: '141100', status: 'reported', createdSeq: 3, updatedSeq: 3, reportedAt: at(1) });
      expect(await repo.chainHead()).toEqual({ seq: 12, hash: accepted[11]!.hash });
    });

    it('mutate: applies a decision, answers 404, and leaves nothing behind when the decision refuses or throws', async () => {
      const ok = await repo.mutate(ID(1), ACTOR, at(3), (h) => transition({ to: 'rectifying' }, NOW)(h, at(3)));
      expect(ok).toMatchObject({ ok: true, hazard: { status: 'rectifying', updatedSeq: 13, updatedAt: at(3) }, change: { seq: 13, kind: 'transition' } });
      if (!ok.ok) return;
      expect(ok.change.payload.before).toMatchObject({ status: 'reported' });
      expect(ok.change.payload.after).toMatchObject({ status: 'rectifying' });
      // a read adds 五落实缺项 (a general hazard here: false), which a write's answer does not compute
      expect(ok.hazard.planMissing).toBeUndefined();
      expect(await repo.get(ID(1))).toEqual({ ...ok.hazard, planMissing: false });
      expect(await repo.mutate('C-99', ACTOR, at(4), () => ({ ok: false, status: 409, code: 'x', message: 'x' }))).toEqual({ ok: false, status: 404, code: 'not_found', message: 'no hazard C-99' });
      const refused = await repo.mutate(ID(1), ACTOR, at(4), (h) => transition({ to: 'closed' }, NOW)(h, at(4)));
      expect(refused).toMatchObject({ ok: false, status: 409, code: 'invalid_transition', details: { current: 'rectifying' } });
      await expect(repo.mutate(ID(1), ACTOR, at(4), () => { throw new Error('out of scope'); })).rejects.toThrow('out of scope');
      expect((await repo.chainHead()).seq).toBe(13);
      expect(await repo.get(ID(1))).toEqual({ ...ok.hazard, planMissing: false });
    });

    it('mutate: every workflow action lands in the projection and the history', async () => {
      const act = async (n: number, w: number, decide: (h: StoredHazard, r: string) => ReturnType<ReturnType<typeof transition>>) => {
        const r = await repo.mutate(ID(n), ACTOR, at(w), (h) => decide(h, at(w)));
        expect(r.ok, JSON.stringify(r)).toBe(true);
        return r.ok ? r.hazard : undefined;
      };
      await act(1, 4, transition({ to: 'rectified' }, NOW));
      const closed = await act(1, 5, transition({ to: 'closed', at: '2024-12-01T17:30:00Z', note: '验收合格' }, NOW));
      expect(closed).toMatchObject({ status: 'closed', closedAt: '2024-12-01T17:30:00.000Z' });
      expect(await act(5, 6, escalation({ level: 'major', note: '复核升级' }))).toMatchObject({ level: 'major', deadline: '2024-11-20' });
      expect(await act(5, 7, listing({ by: 'city', document: '并安办〔2024〕7号' }, ADMIN))).toMatchObject({ listedBy: 'city' });
      expect(await act(7, 8, extension({ deadline: '2024-12-15', reason: '设备采购周期' }))).toMatchObject({ deadline: '2024-12-15', extensions: 1 });
      await act(8, 9, transition({ to: 'rejected', note: '重复上报' }, NOW));
      await act(9, 10, transition({ to: 'rectifying' }, NOW));
      const history = await repo.history(ID(1));
      expect(history.map((c) => [c.kind, c.payload.data.to ?? null])).toEqual([['reported', null], ['transition', 'rectifying'], ['transition', 'rectified'], ['transition', 'closed']]);
      expect(history.map((c) => c.seq)).toEqual([1, 13, 14, 15]);
      expect(history[3]).toMatchObject({ at: '2024-12-01T17:30:00.000Z', recordedAt: at(5), actor: ACTOR });
      expect((await repo.history('C-99'))).toEqual([]);
    });

    it('turnDay: appends the newly overdue groups once per later day, never for the same or an earlier day', async () => {
      const before = await hazards();
      const d1 = await repo.turnDay('2024-12-06', at(11));
      expect(d1).toMatchObject({ kind: 'day', hazardId: null, actor: null, recordedAt: at(11), payload: { day: '2024-12-06' } });
      expect(sorted(d1!.payload.overdue!)).toEqual(overdueGroups(before, '2024-12-06', null));
      expect(d1!.payload.overdue!.length).toBeGreaterThan(1);
      expect(await repo.turnDay('2024-12-06', at(12))).toBeNull();
      expect(await repo.turnDay('2024-12-01', at(12))).toBeNull();
      const d2 = await repo.turnDay('2024-12-11', at(12));
      expect(sorted(d2!.payload.overdue!)).toEqual(overdueGroups(await hazards(), '2024-12-11', '2024-12-06'));
      expect(d2!.seq).toBe(d1!.seq + 1);
    });

    it.each(FILTERS)('list and iterate: %s, newest first, every page once', async (_name, filter, keep) => {
      const today = '2024-12-11';
      const expected = (await hazards()).filter((h) => keep(h, today)).sort(newestFirst);
      expect(expected.length, 'the fixture exercises this filter').toBeGreaterThan(0);
      expect((await pages(repo, filter, 2, today)).map((h) => h.id)).toEqual(expected.map((h) => h.id));
      expect(await pages(repo, filter, 500, today)).toEqual(expected);
      expect(await all(repo.iterate(filter, today))).toEqual(expected);
    });

    it.each(FILTERS)('list ordered by deadline: %s, earliest deadline first, every page once', async (_name, filter, keep) => {
      const today = '2024-12-11';
      const byDeadline = (a: StoredHazard, b: StoredHazard) => (a.deadline! < b.deadline! ? -1 : a.deadline! > b.deadline! ? 1 : a.id < b.id ? -1 : 1);
      const expected = (await hazards()).filter((h) => keep(h, today) && h.deadline !== null).sort(byDeadline);
      const ordered = { ...filter, order: 'deadline' as const };
      expect((await pages(repo, ordered, 2, today)).map((h) => h.id)).toEqual(expected.map((h) => h.id));
      expect(await pages(repo, ordered, 500, today)).toEqual(expected);
    });

    it.each(['140000', '141100', '141102', '140105'])('daily counts for %s match the hazards', async (region) => {
      const mine = (h: StoredHazard) => region === '140000' || h.cityCode === region || h.regionCode === region;
      const days = new Map<string, { day: string; new: number; newMajor: number; closed: number }>();
      const row = (day: string) => days.get(day) ?? days.set(day, { day, new: 0, newMajor: 0, closed: 0 }).get(day)!;
      for (const h of (await hazards()).filter(mine)) {
        const d = dayOf(Date.parse(h.discoveredAt), TZ);
        if (h.status !== 'rejected' && d >= '2024-11-02' && d <= '2024-12-31') {
          row(d).new++;
          if (h.level === 'major') row(d).newMajor++;
        }
        if (h.status === 'closed') row(dayOf(Date.parse(h.closedAt!), TZ)).closed++;
      }
      const expected = [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
      expect(await repo.daily(region, '2024-11-02', '2024-12-31')).toEqual(expected);
    });

    it('rebuildState: grouped counts of every hazard, the head and the day changes', async () => {
      const state = await repo.rebuildState();
      const head = await repo.chainHead();
      expect({ seq: state.headSeq, hash: state.headHash }).toEqual(head);
      expect(state.day).toBe('2024-12-11');
      const groups = new Map<string, { n: number; maxSeq: number }>();
      // maxSeq is the newest change of the facts group, overdue or not (the stores group the facts once)
      const maxOfFacts = new Map<string, number>();
      const factsKey = (h: StoredHazard) => JSON.stringify([h.regionCode, h.sector, h.level, h.status, h.listedBy !== null]);
      for (const h of await hazards()) maxOfFacts.set(factsKey(h), Math.max(maxOfFacts.get(factsKey(h)) ?? 0, h.updatedSeq));
      for (const h of await hazards()) {
        const overdue = h.deadline !== null && h.deadline < '2024-12-11';
        const k = JSON.stringify([h.regionCode, h.sector, h.level, h.status, h.listedBy !== null, overdue]);
        const g = groups.get(k) ?? { n: 0, maxSeq: 0 };
        groups.set(k, { n: g.n + 1, maxSeq: maxOfFacts.get(factsKey(h))! });
      }
      const got = state.groups.map((g) => [JSON.stringify([g.regionCode, g.sector, g.level, g.status, g.listed, g.overdue]), { n: g.n, maxSeq: g.maxSeq }]);
      expect(new Map(got as Array<[string, { n: number; maxSeq: number }]>)).toEqual(groups);
      expect(state.dayChanges.map((d) => d.seq)).toEqual([head.seq - 1, head.seq]);
    });

    it('the chain: contiguous, linked and hashed over the stored text; changesSince and recordedAtOf read it', async () => {
      const rows: ChangeRow[] = await all(repo.allChanges());
      const head = await repo.chainHead();
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: head.seq }, (_, i) => i + 1));
      rows.forEach((r, i) => {
        expect(r.prev_hash).toBe(i === 0 ? GENESIS_HASH : rows[i - 1]!.hash);
        expect(hashRow(r)).toBe(r.hash);
      });
      expect(rows[rows.length - 1]!.hash).toBe(head.hash);
      const since = await repo.changesSince(5, 4);
      expect(since.map((c) => c.seq)).toEqual([6, 7, 8, 9]);
      expect(since.map((c) => c.hash)).toEqual(rows.slice(5, 9).map((r) => r.hash));
      expect(await repo.changesSince(head.seq, 10)).toEqual([]);
      expect(await repo.recordedAtOf([1, 13, 9999])).toEqual(new Map([[1, at(1)], [13, at(3)], [9999, new Date(0).toISOString()]]));
    });

    it('allHazards: every row once, by id, as get() reads it', async () => {
      const rows = await hazards();
      expect(rows.map((h) => h.id)).toEqual(INPUTS.map((h) => h.id));
      for (const h of rows) expect(await repo.get(h.id)).toEqual(h);
    });

    it('periodFacts: a period of the briefing, counted from the same rows', async () => {
      const facts = await repo.scanPeriodFacts('140000', '2024-11-01', '2024-11-30');
      const live = (await hazards()).filter((h) => h.status !== 'rejected');
      const n = (rows: Array<{ n: number }>) => rows.reduce((a, r) => a + r.n, 0);
      expect(n(facts.discovered)).toBe(live.length);
      expect(n(facts.closedBy) + facts.unsettled.length).toBe(live.length);
      expect(n(facts.closed)).toBe(0);
      expect(facts.unsettled.map((u) => u.id).sort()).toEqual(live.map((h) => h.id));
      // the per-day counts the store kept count the same hazards, without listing them: once by sector, once by source
      const days = await repo.periodFacts('140000', '2024-11-01', '2024-11-30');
      const bySector = <T extends { part?: string }>(rows: T[] = []) => rows.filter((r) => r.part === 'sector');
      for (const part of ['sector', 'source']) expect(n(days.discovered.filter((r) => r.part === part))).toBe(live.length);
      expect(n(bySector(days.closedBy)) + n(bySector(days.ends))).toBe(live.length);
      expect(days.unsettled).toEqual([]);
      const dec = await repo.periodFacts('141100', '2024-11-01', '2024-12-31');
      expect(n(bySector(dec.closed))).toBe(1);
      // the closure is counted (not listed: one of many new hazards cannot make a fast-closure share)
      expect(bySector(dec.ends).reduce((a, r) => a + r.newClosed, 0)).toBe(1);
      expect(dec.closures).toEqual([]);
      expect((await repo.scanPeriodFacts('141100', '2024-11-01', '2024-12-31')).closures)
        .toMatchObject([{ regionCode: '141102', discoveredAt: (await repo.get(ID(1)))!.discoveredAt, closedAt: '2024-12-01T17:30:00.000Z' }]);
    });

    it('leaves a fingerprint of every read for the comparison of the stores', async () => {
      const today = '2024-12-11';
      const facts = await repo.periodFacts('140000', '2024-11-15', '2024-12-10');
      fingerprints.set(kind, {
        changes: await all(repo.allChanges()),
        hazards: await hazards(),
        lists: await Promise.all(FILTERS.map(([, f]) => pages(repo, f, 3, today))),
        daily: await repo.daily('140000', '2024-11-01', '2024-12-31'),
        rebuild: { ...(await repo.rebuildState()), groups: sorted((await repo.rebuildState()).groups) },
        period: Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, Array.isArray(v) ? sorted(v as unknown[]) : v])),
      });
    });
  });
});

describe.skipIf(pgMissing !== null)('SQLite and PostgreSQL', () => {
  it('given the same calls, hold byte-identical chains and answer every read identically', () => {
    expect(fingerprints.get('postgres')).toBeDefined();
    expect(fingerprints.get('postgres')).toEqual(fingerprints.get('sqlite'));
  });
});
