/**
 * The change sequence: the one ordered, hash-chained history that current state and every aggregate
 * derive from. Each change carries the facts the counts need before and after it, so any node can
 * apply the stream without reading hazards.
 */
import { hash } from 'node:crypto';
import type { Facts } from '../../shared/aggregation';
import type { Actor, HistoryEntry, LegacyActor } from '../../shared/schemas';

export type HazardChangeKind = HistoryEntry['kind'];
export type ChangeKind = HazardChangeKind | 'day';

/** Open hazards that became overdue when the day turned, grouped by region × sector. */
export type DayGroup = { regionCode: string; sector: string; n: number };

export type ChangePayload = {
  data: Record<string, unknown>;
  before: Facts | null;
  after: Facts | null;
  /** for `day` changes */
  day?: string;
  overdue?: DayGroup[];
  /** for `reported` changes of major hazards: what the ticker shows */
  title?: string;
  discoveredAt?: string;
};

export type Change = {
  seq: number;
  hazardId: string | null;
  kind: ChangeKind;
  at: string;
  recordedAt: string;
  actor: Actor | LegacyActor | null;
  payload: ChangePayload;
  prevHash: string;
  hash: string;
};

/** The row as stored: text columns, hashed exactly as stored, so verification needs no re-serialisation. */
export type ChangeRow = {
  seq: number;
  hazard_id: string | null;
  kind: string;
  at: string;
  recorded_at: string;
  actor: string;
  payload: string;
  prev_hash: string;
  hash: string;
};

export const GENESIS_HASH = '0'.repeat(64);

/** (one-shot `hash`: no Hash object per row — the integrity check hashes every change, docs/PERFORMANCE.md) */
export function hashRow(r: Omit<ChangeRow, 'hash'>): string {
  return hash('sha256', `${r.seq}\n${r.hazard_id ?? ''}\n${r.kind}\n${r.at}\n${r.recorded_at}\n${r.actor}\n${r.payload}\n${r.prev_hash}`, 'hex');
}

/**
 * Builds the stored row of a new change, chained to `prevHash`. `payloadJson`, when given, must be
 * JSON.stringify(c.payload) (the ingest writes it from the input's JSON it already has: reportedPayloadJson).
 */
export function sealChange(c: Omit<Change, 'hash' | 'prevHash'>, prevHash: string, payloadJson?: string): { row: ChangeRow; change: Change } {
  const base = {
    seq: c.seq,
    hazard_id: c.hazardId,
    kind: c.kind,
    at: c.at,
    recorded_at: c.recordedAt,
    actor: JSON.stringify(c.actor),
    payload: payloadJson ?? JSON.stringify(c.payload),
    prev_hash: prevHash,
  };
  const hash = hashRow(base);
  return { row: { ...base, hash }, change: { ...c, prevHash, hash } };
}

/**
 * JSON.stringify({ data, before: null, after }) for a `reported` change whose `data` is a shallow copy of the input
 * whose JSON is `dataJson`: the same bytes (a shallow copy keeps the keys and their order), without encoding the input
 * a second time. tests/unit/server/reported-payload.test.ts holds it to JSON.stringify.
 */
export function reportedPayloadJson(dataJson: string, after: Facts): string {
  return `{"data":${dataJson},"before":null,"after":${JSON.stringify(after)}}`;
}

export function rowToChange(r: ChangeRow): Change {
  return {
    seq: r.seq,
    hazardId: r.hazard_id,
    kind: r.kind as ChangeKind,
    at: r.at,
    recordedAt: r.recorded_at,
    actor: JSON.parse(r.actor) as Actor | LegacyActor | null,
    payload: JSON.parse(r.payload) as ChangePayload,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export function toHistoryEntry(c: Change): HistoryEntry {
  return {
    seq: c.seq,
    kind: c.kind as HazardChangeKind,
    at: c.at,
    recordedAt: c.recordedAt,
    actor: c.actor,
    data: c.payload.data,
    hash: c.hash,
  };
}
