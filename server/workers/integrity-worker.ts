/**
 * The integrity check's own thread (server/audit/integrity.ts): it opens the store read-only in one snapshot
 * (SQLite file or PostgreSQL), walks both hash chains — the hazards' history and the auth chain of tokens,
 * users and sessions — replays them against their tables (server/audit/verify.ts, as `npm run audit -- verify`)
 * and posts one verdict, then exits. The walk hashes every change and, on SQLite, reads synchronously: on the
 * server's own thread it would stop every request and socket for as long as it takes (seconds at a million
 * hazards, docs/PERFORMANCE.md); here the event loop stays free.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { openAuditSource } from '../audit/open-source';
import { verify } from '../audit/verify';
import { checkBriefingDays } from '../audit/briefing-days-check';
import type { IntegritySetup, IntegrityVerdict } from '../audit/integrity';

const setup = workerData as IntegritySetup;

async function run(): Promise<IntegrityVerdict> {
  try {
    const opened = await openAuditSource(setup);
    if (typeof opened === 'string') return { status: 'unavailable', message: opened, threadId };
    try {
      const r = await verify(opened.source, setup.tz);
      // the briefing's per-day counts, a second projection, against the same history in the same snapshot
      const today = opened.source.query ? await opened.source.meta('day') : null;
      if (!r.problems.length && opened.source.query && today) {
        const days = await checkBriefingDays(opened.source.query, setup.tz, today);
        if (days) r.problems.push(days);
      }
      const first = r.problems[0];
      return first
        ? { status: 'failed', record: first.record, message: first.message, changes: r.changes, threadId }
        : { status: 'ok', changes: r.changes, authChanges: r.authChanges, threadId };
    } finally {
      await opened.close();
    }
  } catch (e) {
    // the store away is not a forged store
    return { status: 'unavailable', message: e instanceof Error ? e.message : String(e), threadId };
  }
}

void run().then((verdict) => parentPort!.postMessage(verdict));
