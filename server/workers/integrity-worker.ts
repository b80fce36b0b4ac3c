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
import { parseHead, verify, type AuditSource, type Problem } from '../audit/verify';
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

const { part, queryTimeoutMs, ...setup } = workerData as IntegritySetup & { part: IntegrityPart };
const post = (m: IntegrityMessage) => parentPort!.postMessage(m);

/**
 * On PostgreSQL, the longest a connect or one statement of the check may take: the check's statements are pages
 * of 5,000 rows and the briefing's scans, seconds at 1,000,000 hazards; a network that hangs or a lock held
 * elsewhere (a migration) fails the check `unavailable` after this instead of holding it for ever.
 */
const QUERY_TIMEOUT_MS = 300_000;

const unavailable = (e: unknown): IntegrityVerdict => ({ status: 'unavailable', message: e instanceof Error ? e.message : String(e), threadId });

/** This thread's part of the check in the opened store's one snapshot. */
async function check(source: AuditSource): Promise<IntegrityVerdict> {
  const problems: Problem[] = [];
  let changes: number | undefined;
  let authChanges: number | undefined;
  if (part !== 'days') {
    // about as many records to go as the chain is long, twice: every change walked, then the rows compared
    const total = 2 * (parseHead(await source.meta('chain_head'))?.seq ?? 0);
    const r = await verify(source, setup.tz, null, (done) => post({ kind: 'progress', done, total }));
    problems.push(...r.problems);
    ({ changes, authChanges } = r);
  }
  // the briefing's per-day counts, a second projection, against the same history in the same snapshot
  const today = source.query && !problems.length && part !== 'history' ? await source.meta('day') : null;
  if (today) {
    const days = await checkBriefingDays(memoised(source.query!), setup.tz, today);
    if (days) problems.push(days);
  }
  const first = problems[0];
  return first
    ? { status: 'failed', record: first.record, message: first.message, changes, threadId }
    : { status: 'ok', changes, authChanges, threadId };
}

async function run(): Promise<void> {
  // the store away is not a forged store: what cannot be read is `unavailable`, never `failed`
  const opened = await openAuditSource(setup, queryTimeoutMs ?? QUERY_TIMEOUT_MS).catch(unavailable);
  if (typeof opened === 'string') return post({ kind: 'verdict', ...unavailable(opened) });
  if ('status' in opened) return post({ kind: 'verdict', ...opened });
  post({ kind: 'verdict', ...(await check(opened.source).catch(unavailable)) });
  // the verdict before the close: a connection that hangs would hold it (then the server's thread ends this one)
  try {
    await opened.close();
  } catch {
    // the verdict is given; a store that fails to close is this thread's end anyway
  }
}

void run();
