/**
 * The integrity check's own thread (server/audit/integrity.ts): it opens the store read-only in one snapshot
 * (SQLite file or PostgreSQL) and runs its part of the check, posts one verdict, then exits:
 *  - `history`: walks both hash chains — the hazards' history and the auth chain of tokens, users and sessions —
 *    and replays them against their tables (server/audit/verify.ts, as `npm run audit -- verify`), telling its
 *    progress now and then;
 *  - `days`: the briefing's per-day counts against the scan of the history (server/audit/briefing-days-check.ts);
 *  - `all`: both, one after the other, in the same snapshot.
 * The walk hashes every change and, on SQLite, reads synchronously: on the server's own thread it would stop every
 * request and socket for as long as it takes (seconds at a million hazards, docs/PERFORMANCE.md); here the event
 * loop stays free.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { openAuditSource } from '../audit/open-source';
import { parseHead, verify, type Problem } from '../audit/verify';
import { checkBriefingDays } from '../audit/briefing-days-check';
import type { Query } from '../hazards/chain-driver';
import type { IntegrityMessage, IntegrityPart, IntegritySetup, IntegrityVerdict } from '../audit/integrity';

/**
 * The check's SQL through a memo: in one read snapshot the same statement with the same values gives the same rows,
 * and the briefing check's year and week both end today, so their scans share the heaviest statements (every hazard
 * still open today, with its changes). Keyed by the text and the values it names (@name). Every caller gets rows of
 * its own (copies: the rows are flat), since some add up into the rows they are given.
 */
function memoised(run: Query): Query {
  const rows = new Map<string, Promise<unknown[]>>();
  return async <T>(sql: string, params?: Record<string, unknown>) => {
    const named = [...new Set(Array.from(sql.matchAll(/@(\w+)/g), (m) => m[1]!))].sort();
    const key = `${sql}\0${JSON.stringify(named.map((k) => params?.[k]))}`;
    let hit = rows.get(key);
    if (!hit) rows.set(key, (hit = run(sql, params)));
    return (await hit).map((row) => ({ ...(row as object) })) as T[];
  };
}

const { part, ...setup } = workerData as IntegritySetup & { part: IntegrityPart };
const post = (m: IntegrityMessage) => parentPort!.postMessage(m);

async function run(): Promise<IntegrityVerdict> {
  try {
    const opened = await openAuditSource(setup);
    if (typeof opened === 'string') return { status: 'unavailable', message: opened, threadId };
    try {
      const problems: Problem[] = [];
      let changes: number | undefined;
      let authChanges: number | undefined;
      if (part !== 'days') {
        // about as many records to go as the chain is long, twice: every change walked, then the rows compared
        const total = 2 * (parseHead(await opened.source.meta('chain_head'))?.seq ?? 0);
        const r = await verify(opened.source, setup.tz, null, (done) => post({ kind: 'progress', done, total }));
        problems.push(...r.problems);
        ({ changes, authChanges } = r);
      }
      // the briefing's per-day counts, a second projection, against the same history in the same snapshot
      const today = opened.source.query && !problems.length && part !== 'history' ? await opened.source.meta('day') : null;
      if (today) {
        const days = await checkBriefingDays(memoised(opened.source.query!), setup.tz, today);
        if (days) problems.push(days);
      }
      const first = problems[0];
      return first
        ? { status: 'failed', record: first.record, message: first.message, changes, threadId }
        : { status: 'ok', changes, authChanges, threadId };
    } finally {
      await opened.close();
    }
  } catch (e) {
    // the store away is not a forged store
    return { status: 'unavailable', message: e instanceof Error ? e.message : String(e), threadId };
  }
}

void run().then((verdict) => post({ kind: 'verdict', ...verdict }));
