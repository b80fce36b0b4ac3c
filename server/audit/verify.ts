/**
 * `npm run audit -- verify`: proves that the stored history and the current state are what the
 * application wrote. Three layers, each naming the first record that fails:
 *  1. the chain: seq contiguous from 1, each prev_hash the previous hash, each hash recomputed from
 *     the row's stored text (an edited, removed or reordered change breaks it);
 *  2. the head: meta `chain_head` (written in every write transaction) must be the chain's last row
 *     (a removed last change, or a change appended by hand, breaks it) — and, when given, a head copied
 *     elsewhere earlier must still be in the chain (a consistently rewritten chain breaks that);
 *  3. the state: the history replayed (replay.ts) must give every row of `hazards`, column by column,
 *     and no other row (an edited status, or a hazard inserted without history, breaks it).
 */
import { dayOf } from '../../shared/time';
import { cityOf } from '../../shared/regions';
import { GENESIS_HASH, hashRow, type ChangePayload, type ChangeRow } from '../hazards/changes';
import { Projection, sha256, type Parsed, type Projected } from './replay';
import { verifyAuth, type AuthAuditSource } from '../auth/auth-chain';
import type { Query } from '../hazards/chain-driver';

/** A stored hazard row, as the table holds it (columns the audit checks). */
export type HazardTableRow = {
  id: string; region_code: string; city_code: string; sector: string; level: string; status: string; source: string;
  deadline: string | null; listed_by: string | null; discovered_at: string; discovered_day: string; reported_at: string;
  updated_at: string; closed_at: string | null; closed_day: string | null; extensions: number; created_seq: number;
  updated_seq: number; content_hash: string; input: string;
};

/** What the audit reads; one read snapshot of the store. */
export interface AuditSource {
  changes(): AsyncIterable<ChangeRow> | Iterable<ChangeRow>;
  hazards(): AsyncIterable<HazardTableRow> | Iterable<HazardTableRow>;
  meta(key: string): Promise<string | null> | string | null;
  /** the tokens, users, sessions and their auth chain (server/auth/auth-chain.ts), in the same snapshot */
  auth?: AuthAuditSource;
  /** SQL in the same snapshot (named @params), for the projections checked beside the walk (briefing-days-check.ts) */
  query?: Query;
}

export type Head = { seq: number; hash: string };
export type Problem = { record: string; message: string };
export type AuditReport = { ok: boolean; changes: number; hazards: number; head: Head; problems: Problem[]; authChanges?: number };

/** The auth chain and the tables it vouches for; a store from before accounts (no such tables) has none. */
async function checkAuth(src: AuditSource, problems: Problem[]): Promise<number | undefined> {
  if (!src.auth) return undefined;
  try {
    const r = await verifyAuth(src.auth);
    problems.push(...r.problems.slice(0, MAX_PROBLEMS));
    return r.changes;
  } catch (e) {
    if (/no such table|does not exist/.test(e instanceof Error ? e.message : '')) return undefined;
    throw e;
  }
}

const MAX_PROBLEMS = 20;
/** records (changes walked, rows compared) between two progress reports */
const PROGRESS_EVERY = 16_384;

/** Counts records and tells `onProgress` the count every PROGRESS_EVERY of them. */
function progressTicker(onProgress?: (done: number) => void): () => void {
  if (!onProgress) return () => undefined;
  let done = 0;
  return () => {
    if (++done % PROGRESS_EVERY === 0) onProgress(done);
  };
}

export function parseHead(s: string | null | undefined): Head | null {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(s ?? '');
  return m ? { seq: Number(m[1]), hash: m[2]! } : null;
}

/**
 * The few actors of a history (the tokens and people who wrote it) stand in tens of thousands of changes each: each
 * distinct text is parsed once. The parsed value is only read (isActor, the day change's null), never changed.
 */
const actors = new Map<string, unknown>();
const MAX_ACTORS = 4096;

function actorOf(text: string): unknown {
  if (actors.has(text)) return actors.get(text);
  const actor = JSON.parse(text) as unknown;
  if (actors.size >= MAX_ACTORS) actors.clear();
  actors.set(text, actor);
  return actor;
}

function parse(row: ChangeRow): Parsed | string {
  try {
    return { row, actor: actorOf(row.actor), payload: JSON.parse(row.payload) as ChangePayload };
  } catch {
    return 'its actor or payload is not valid JSON';
  }
}

/** The reason one change does not verify at position `seq` after `head`, or null. */
function checkChange(row: ChangeRow, head: Head, expect: Head | null, projection: Projection): string | null {
  if (row.prev_hash !== head.hash) return `its prev_hash does not link to change ${head.seq}`;
  if (hashRow(row) !== row.hash) return 'its stored content does not match its hash (changed outside the application)';
  if (expect?.seq === row.seq && expect.hash !== row.hash) return `its hash differs from the head kept elsewhere (${expect.seq}:${expect.hash})`;
  const parsed = parse(row);
  return typeof parsed === 'string' ? parsed : projection.apply(parsed);
}

/** Layer 1 (and the replay): stops at the first change that does not verify, since every later one depends on it. */
async function walkChain(src: AuditSource, projection: Projection, expect: Head | null, problems: Problem[], tick: () => void): Promise<Head> {
  let head: Head = { seq: 0, hash: GENESIS_HASH };
  await each(src.changes(), (row) => {
    tick();
    const seq = head.seq + 1;
    if (row.seq !== seq) {
      problems.push(row.seq > seq
        ? { record: `change ${seq}`, message: `missing: the chain jumps from change ${head.seq} to change ${row.seq}` }
        : { record: `change ${row.seq}`, message: `out of order after change ${head.seq}` });
      return false;
    }
    const bad = checkChange(row, head, expect, projection);
    if (bad) {
      problems.push({ record: `change ${seq}`, message: bad });
      return false;
    }
    head = { seq, hash: row.hash };
    return true;
  });
  return head;
}

/**
 * `visit` on each row until it answers false. A synchronous source (SQLite) is walked with a plain loop: `for await`
 * over it would cost a promise and a trip through the microtask queue per row, for a million rows.
 */
async function each<T>(rows: AsyncIterable<T> | Iterable<T>, visit: (row: T) => boolean): Promise<void> {
  if (Symbol.asyncIterator in rows) {
    for await (const row of rows) if (!visit(row)) return;
  } else {
    for (const row of rows) if (!visit(row)) return;
  }
}

/** Layer 2: the meta head the application wrote against the chain's real end. */
function checkHead(meta: string | null, head: Head, problems: Problem[]): void {
  const recorded = parseHead(meta);
  if (!recorded) {
    if (head.seq > 0 || meta !== null) problems.push({ record: 'meta chain_head', message: `is ${meta === null ? 'missing' : `unreadable (${meta})`}` });
    return;
  }
  if (recorded.seq > head.seq) {
    problems.push({ record: `change ${head.seq + 1}`, message: `missing: chain_head records ${recorded.seq}:${recorded.hash} but the chain ends at change ${head.seq}` });
  } else if (recorded.seq < head.seq) {
    problems.push({ record: `change ${recorded.seq + 1}`, message: `not written by the application: chain_head records ${recorded.seq}, the chain goes on to ${head.seq}` });
  } else if (recorded.hash !== head.hash) {
    problems.push({ record: `change ${head.seq}`, message: `its hash differs from chain_head (${recorded.seq}:${recorded.hash})` });
  }
}

/**
 * The first column of a hazard row that is not what the replayed history says, with the value it should have, or
 * null. Column by column, the cheapest first, stopping at the first difference (no list of every column per row).
 * `source` and `discovered_at` come from the report's data, which is the row's `input` (their hashes are equal).
 */
function firstDifference(p: Projected, row: HazardTableRow, tz: string): [keyof HazardTableRow, unknown] | null {
  if (row.content_hash !== p.inputHash) return ['content_hash', p.inputHash];
  if (row.region_code !== p.regionCode) return ['region_code', p.regionCode];
  const city = cityOf(p.regionCode) ?? p.regionCode;
  if (row.city_code !== city) return ['city_code', city];
  if (row.sector !== p.sector) return ['sector', p.sector];
  if (row.source !== p.source) return ['source', p.source];
  const discovered = Date.parse(String(p.discoveredAt));
  const discoveredAt = new Date(discovered).toISOString();
  if (row.discovered_at !== discoveredAt) return ['discovered_at', discoveredAt];
  const discoveredDay = dayOf(discovered, tz);
  if (row.discovered_day !== discoveredDay) return ['discovered_day', discoveredDay];
  if (row.status !== p.status) return ['status', p.status];
  if (row.level !== p.level) return ['level', p.level];
  if (row.deadline !== p.deadline) return ['deadline', p.deadline];
  if (row.listed_by !== p.listedBy) return ['listed_by', p.listedBy];
  if (row.closed_at !== p.closedAt) return ['closed_at', p.closedAt];
  const closedDay = p.closedAt ? dayOf(Date.parse(p.closedAt), tz) : null;
  if (row.closed_day !== closedDay) return ['closed_day', closedDay];
  if (row.extensions !== p.extensions) return ['extensions', p.extensions];
  if (row.reported_at !== p.reportedAt) return ['reported_at', p.reportedAt];
  if (row.created_seq !== p.createdSeq) return ['created_seq', p.createdSeq];
  if (row.updated_at !== p.updatedAt) return ['updated_at', p.updatedAt];
  if (row.updated_seq !== p.updatedSeq) return ['updated_seq', p.updatedSeq];
  return null;
}

function checkRow(row: HazardTableRow, p: Projected | undefined, tz: string): string | null {
  if (!p) return 'has no history: no change reported it (inserted outside the application)';
  if (sha256(row.input) !== p.inputHash) return 'its reported content (input) differs from the change that reported it';
  const diff = firstDifference(p, row, tz);
  return diff ? `${diff[0]} is ${JSON.stringify(row[diff[0]])} in the table, the history says ${JSON.stringify(diff[1])}` : null;
}

/**
 * Layer 3: every stored row against the replay, then every replayed hazard that has no row. Ids are unique in the
 * table (its primary key), so when as many rows had a replayed hazard as were replayed, none is missing; only when
 * the counts differ are the ids read again to name the missing ones (no set of every id on a good store).
 */
async function checkState(src: AuditSource, projection: Projection, tz: string, problems: Problem[], tick: () => void): Promise<number> {
  let n = 0;
  let matched = 0;
  await each(src.hazards(), (row) => {
    tick();
    n++;
    const p = projection.hazards.get(row.id);
    if (p) matched++;
    const bad = checkRow(row, p, tz);
    if (bad && problems.length < MAX_PROBLEMS) problems.push({ record: `hazard ${row.id}`, message: bad });
    return true;
  });
  if (matched === projection.hazards.size) return n;
  const seen = new Set<string>();
  await each(src.hazards(), (row) => {
    seen.add(row.id);
    return true;
  });
  for (const id of projection.hazards.keys()) {
    if (!seen.has(id) && problems.length < MAX_PROBLEMS) problems.push({ record: `hazard ${id}`, message: 'its row is missing from the hazards table' });
  }
  return n;
}

/**
 * Verifies the store. `expect`: a head copied elsewhere earlier; the chain must still contain it.
 * The state is compared only when the chain verified, since a broken chain cannot be replayed.
 */
export async function verify(src: AuditSource, tz: string, expect: Head | null = null, onProgress?: (done: number) => void): Promise<AuditReport> {
  const problems: Problem[] = [];
  const projection = new Projection();
  const tick = progressTicker(onProgress);
  const head = await walkChain(src, projection, expect, problems, tick);
  if (!problems.length) checkHead(await src.meta('chain_head'), head, problems);
  if (!problems.length && expect && expect.seq > head.seq) {
    problems.push({ record: `change ${head.seq + 1}`, message: `missing: the head kept elsewhere (${expect.seq}:${expect.hash}) is beyond the chain's end (${head.seq})` });
  }
  const dayMeta = await src.meta('day');
  if (!problems.length && dayMeta !== projection.day) {
    problems.push({ record: 'meta day', message: `is ${String(dayMeta)}, the newest day change says ${String(projection.day)}` });
  }
  const hazards = problems.length ? 0 : await checkState(src, projection, tz, problems, tick);
  const authChanges = await checkAuth(src, problems);
  return { ok: problems.length === 0, changes: head.seq, hazards, head, problems, authChanges };
}
