/**
 * What the service needs from a store. SQLite implements it now; PostgreSQL implements the same
 * interface, and one contract suite runs against both.
 */
import type { BriefingFacts, BriefingPeriods, PeriodNeed } from './briefing-sql';
import type { Facts } from '../../shared/aggregation';
import type { PeriodFacts } from '../../shared/briefing';
import type { Level, ListingLevel, Sector, Status } from '../../shared/domain';
import type { Actor, HazardInput, ListFilter } from '../../shared/schemas';
import type { Change, ChangeRow, HazardChangeKind } from './changes';

/** The current state of one hazard, as the projection holds it. */
export type StoredHazard = {
  id: string;
  input: HazardInput;
  regionCode: string;
  cityCode: string;
  sector: Sector;
  level: Level;
  status: Status;
  deadline: string | null;
  listedBy: ListingLevel | null;
  discoveredAt: string;
  reportedAt: string;
  updatedAt: string;
  closedAt: string | null;
  extensions: number;
  createdSeq: number;
  updatedSeq: number;
  contentHash: string;
  /** 五落实缺项, where the read computed it (lists and single reads; not the result of a write) */
  planMissing?: boolean;
};

export const factsOf = (h: Pick<StoredHazard, 'regionCode' | 'sector' | 'level' | 'status' | 'deadline' | 'listedBy'>): Facts => ({
  regionCode: h.regionCode,
  sector: h.sector,
  level: h.level,
  status: h.status,
  deadline: h.deadline,
  listed: h.listedBy !== null,
});

/** `json`: JSON.stringify(input), when the caller has it already (the content hash is taken of it): stored as it is. */
export type NewHazard = { input: HazardInput; contentHash: string; discoveredDay: string; json?: string };

export type IngestOutcome =
  | { status: 'accepted'; change: Change }
  | { status: 'duplicate' }
  | { status: 'conflict'; message: string };

/** A mutation decided on the current state inside the store's transaction. */
export type Mutation =
  | { ok: false; status: 409 | 404; code: string; message: string; details?: unknown }
  | {
      ok: true;
      kind: Exclude<HazardChangeKind, 'reported'>;
      at: string;
      data: Record<string, unknown>;
      next: Partial<Pick<StoredHazard, 'status' | 'level' | 'deadline' | 'listedBy' | 'closedAt' | 'extensions'>>;
    };

export type MutateResult =
  | { ok: true; hazard: StoredHazard; change: Change }
  | { ok: false; status: 409 | 404; code: string; message: string; details?: unknown };

export type Page<T> = { items: T[]; nextCursor: string | null };

/** Counts grouped for a rebuild: one row per distinct combination of the facts that matter. */
export type AggregateGroup = Facts & { overdue: boolean; n: number; maxSeq: number };

export type RebuildState = {
  headSeq: number;
  headHash: string;
  /** the day of the newest `day` change: overdue is counted against it */
  day: string | null;
  groups: AggregateGroup[];
  /** `day` changes, for the versions of the regions they touched */
  dayChanges: Array<{ seq: number; regions: string[] }>;
};

export type DailyRow = { day: string; new: number; newMajor: number; closed: number };

export interface HazardRepository {
  /** Appends `reported` changes for new ids; duplicates and conflicts change nothing. Durable on return. */
  ingest(items: NewHazard[], actor: Actor, recordedAt: string): Promise<IngestOutcome[]>;
  /** Reads the hazard, asks `decide` what to do, and appends the change — one transaction. */
  mutate(id: string, actor: Actor, recordedAt: string, decide: (h: StoredHazard) => Mutation): Promise<MutateResult>;
  /** Appends a `day` change when `day` is later than the stored day; null when it is not. */
  turnDay(day: string, recordedAt: string): Promise<Change | null>;
  get(id: string): Promise<StoredHazard | undefined>;
  history(id: string): Promise<Change[]>;
  list(filter: ListFilter, limit: number, cursor: string | undefined, today: string): Promise<Page<StoredHazard>>;
  /** Every matching hazard, in pages, for exports. */
  iterate(filter: ListFilter, today: string): AsyncIterable<StoredHazard>;
  daily(region: string, fromDay: string, toDay: string): Promise<DailyRow[]>;
  /**
   * What a briefing needs about one period of a region (days inclusive, in TZ_REGION): counts grouped over
   * the day columns, and the hazards that may have been open at its end with their changes (shared/briefing.ts).
   * `tz` (TZ_REGION) turns the days into moments for what only the history dates (the province's listings).
   */
  /** `need`: what the briefing reads of this period (server/hazards/briefing-sql.ts PeriodNeed; all by default) */
  periodFacts(region: string, fromDay: string, toDay: string, tz?: string, need?: PeriodNeed): Promise<PeriodFacts>;
  /** The four periods of a briefing, each with what the briefing reads of it, in one read snapshot */
  briefingFacts(region: string, periods: BriefingPeriods, tz?: string): Promise<BriefingFacts>;
  rebuildState(): Promise<RebuildState>;
  /** recorded_at of the given changes */
  recordedAtOf(seqs: number[]): Promise<Map<number, string>>;
  /** The actor of each of the given changes (missing: no such change) */
  actorsOf(seqs: number[]): Promise<Map<number, Change['actor']>>;
  changesSince(seq: number, limit: number): Promise<Change[]>;
  /** Every change in order, for the audit. */
  allChanges(): AsyncIterable<ChangeRow>;
  /** Every projected hazard row (as get() reads it), by id. */
  allHazards(): AsyncIterable<StoredHazard>;
  close(): Promise<void>;
}

export type { Facts };
