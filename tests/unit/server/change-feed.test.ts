/**
 * The change feed on a real SQLite chain store shared by two "nodes" in this process (two aggregates, two feeds):
 * node B never writes and has no signal (SQLite sends none), so only the safety-net poll brings it A's changes —
 * in order, each once, with the regions they touched — and its status then shows it level with the head.
 * A write on B after a gap waits for B's own catch-up loop and answers with everything applied.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ChangeFeed, type Applied } from '../../../server/aggregates/change-feed';
import { LiveSummaries } from '../../../server/aggregates/live-summaries';
import type { Auth } from '../../../server/auth/auth';
import type { ChainStore } from '../../../server/hazards/chain.store';
import { HazardService } from '../../../server/hazards/hazards.service';
import { openSqliteStore } from '../../../server/store';
import { PROVINCE_CODE, chainOf } from '../../../shared/regions';
import { DEFAULT_TZ } from '../../../shared/time';
import { makeHazard, rng } from '../../helpers/hazards';
import { tempDir } from '../../helpers/server';

const ADMIN: Auth = { tokenId: 'admin-1', name: '管理员', role: 'admin', region: PROVINCE_CODE };
const opened: Array<{ repo: ChainStore; feeds: ChangeFeed[] }> = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    for (const f of o.feeds) f.stop();
    await o.repo.close();
  }
});

async function node(repo: ChainStore) {
  const live = new LiveSummaries();
  live.rebuild(await repo.rebuildState());
  const feed = new ChangeFeed(repo, live);
  const service = new HazardService(repo, live, feed, DEFAULT_TZ);
  const applied: Applied[] = [];
  feed.on('applied', (a) => applied.push(a));
  return { live, feed, service, applied };
}

const waitFor = async (ok: () => boolean, ms = 3000) => {
  for (const end = Date.now() + ms; !ok(); ) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('ChangeFeed', () => {
  it('brings another writer\'s changes by the head poll alone, in order and once, and then reports no lag', async () => {
    const { repo } = await openSqliteStore(join(tempDir(), 'hazards.sqlite'), DEFAULT_TZ);
    const a = await node(repo);
    const b = await node(repo);
    opened.push({ repo, feeds: [a.feed, b.feed] });
    const r = rng(5);
    await a.service.ingest([1, 2, 3].map((i) => makeHazard(r, i, { regionCode: '141102' })), ADMIN);
    expect(b.live.appliedSeq).toBe(a.live.appliedSeq - 3);
    expect(b.feed.status()).toMatchObject({ lagSeq: 0, lagMs: 0 }); // B does not know yet: no signal on SQLite

    b.feed.start(40);
    await waitFor(() => b.live.appliedSeq === a.live.appliedSeq);
    expect(b.applied.map((x) => x.change.seq)).toEqual(a.applied.map((x) => x.change.seq));
    for (const x of b.applied) expect([...x.regions].sort()).toEqual([...chainOf('141102')].sort());
    expect(b.live.summary(PROVINCE_CODE)).toEqual(a.live.summary(PROVINCE_CODE));
    expect(b.feed.status()).toMatchObject({ seq: a.live.appliedSeq, head: a.live.appliedSeq, lagSeq: 0, lagMs: 0, storeReachable: true });
  });

  it('a write after a gap waits for the catch-up and returns with every change applied', async () => {
    const { repo } = await openSqliteStore(join(tempDir(), 'hazards.sqlite'), DEFAULT_TZ);
    const a = await node(repo);
    const b = await node(repo);
    opened.push({ repo, feeds: [a.feed, b.feed] });
    const r = rng(6);
    await a.service.ingest([1, 2].map((i) => makeHazard(r, i)), ADMIN);
    await b.service.ingest([makeHazard(r, 3)], ADMIN); // seq after A's two: B reads them first, then applies its own
    expect(b.live.appliedSeq).toBe(a.live.appliedSeq + 1);
    expect(b.applied.map((x) => x.change.seq)).toEqual([...a.applied.map((x) => x.change.seq), a.live.appliedSeq + 1]);
    expect(b.live.summary(PROVINCE_CODE).totals.total).toBe(3);
  });
});
