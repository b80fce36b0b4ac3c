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

export function parseHead(s: string | null | undefined): Head | null {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(s ?? '');
  return m ? { seq: Number(m[1]), hash: m[2]! } : null;
}

function parse(row: ChangeRow): Parsed | string {
  try {
    return { row, actor: JSON.parse(row.actor) as unknown, payload: JSON.parse(row.payload) as ChangePayload };
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
async function walkChain(src: AuditSource, projection: Projection, expect: Head | null, problems: Problem[]): Promise<Head> {
  let head: Head = { seq: 0, hash: GENESIS_HASH };
  for await (const row of src.changes()) {
    const seq = head.seq + 1;
    if (row.seq !== seq) {
      problems.push(row.seq > seq
        ? { record: `change ${seq}`, message: `missing: the chain jumps from change ${head.seq} to change ${row.seq}` }
        : { record: `change ${row.seq}`, message: `out of order after change ${head.seq}` });
      return head;
    }
    const bad = checkChange(row, head, expect, projection);
    if (bad) {
      problems.push({ record: `change ${seq}`, message: bad });
      return head;
    }
    head = { seq, hash: row.hash };
  }
  return head;
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

/** The columns of a hazard row as the replayed history says they must be. */
function expectedColumns(p: Projected, row: HazardTableRow, tz: string): Array<[keyof HazardTableRow, unknown]> {
  const input = JSON.parse(row.input) as { regionCode: string; sector: string; source: string; discoveredAt: string };
  const discovered = Date.parse(input.discoveredAt);
  return [
    ['content_hash', p.inputHash],
    ['region_code', p.regionCode], ['city_code', cityOf(p.regionCode) ?? p.regionCode], ['sector', p.sector],
    ['source', input.source], ['discovered_at', new Date(discovered).toISOString()], ['discovered_day', dayOf(discovered, tz)],
    ['status', p.status], ['level', p.level], ['deadline', p.deadline], ['listed_by', p.listedBy],
    ['closed_at', p.closedAt], ['closed_day', p.closedAt ? dayOf(Date.parse(p.closedAt), tz) : null], ['extensions', p.extensions],
    ['reported_at', p.reportedAt], ['created_seq', p.createdSeq], ['updated_at', p.updatedAt], ['updated_seq', p.updatedSeq],
  ];
}

function checkRow(row: HazardTableRow, p: Projected | undefined, tz: string): string | null {
  if (!p) return 'has no history: no change reported it (inserted outside the application)';
  if (sha256(row.input) !== p.inputHash) return 'its reported content (input) differs from the change that reported it';
  for (const [col, want] of expectedColumns(p, row, tz)) {
    if (row[col] !== want) return `${col} is ${JSON.stringify(row[col])} in the table, the history says ${JSON.stringify(want)}`;
  }
  return null;
}

/** Layer 3: every stored row against the replay, then every replayed hazard that has no row. */
async function checkState(src: AuditSource, projection: Projection, tz: string, problems: Problem[]): Promise<number> {
  const seen = new Set<string>();
  let n = 0;
  for await (const row of src.hazards()) {
    n++;
    seen.add(row.id);
    const bad = checkRow(row, projection.hazards.get(row.id), tz);
    if (bad && problems.length < MAX_PROBLEMS) problems.push({ record: `hazard ${row.id}`, message: bad });
  }
  for (const id of projection.hazards.keys()) {
    if (!seen.has(id) && problems.length < MAX_PROBLEMS) problems.push({ record: `hazard ${id}`, message: 'its row is missing from the hazards table' });
  }
  return n;
}

/**
 * Verifies the store. `expect`: a head copied elsewhere earlier; the chain must still contain it.
 * The state is compared only when the chain verified, since a broken chain cannot be replayed.
 */
export async function verify(src: AuditSource, tz: string, expect: Head | null = null): Promise<AuditReport> {
  const problems: Problem[] = [];
  const projection = new Projection();
  const head = await walkChain(src, projection, expect, problems);
  if (!problems.length) checkHead(await src.meta('chain_head'), head, problems);
  if (!problems.length && expect && expect.seq > head.seq) {
    problems.push({ record: `change ${head.seq + 1}`, message: `missing: the head kept elsewhere (${expect.seq}:${expect.hash}) is beyond the chain's end (${head.seq})` });
  }
  const dayMeta = await src.meta('day');
  if (!problems.length && dayMeta !== projection.day) {
    problems.push({ record: 'meta day', message: `is ${String(dayMeta)}, the newest day change says ${String(projection.day)}` });
  }
  const hazards = problems.length ? 0 : await checkState(src, projection, tz, problems);
  const authChanges = await checkAuth(src, problems);
  return { ok: problems.length === 0, changes: head.seq, hazards, head, problems, authChanges };
}
