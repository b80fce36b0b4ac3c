/**
 * The baseline: what better-sqlite3 alone does with the same rows on this machine. Same schema and
 * pragmas (openSqlite: WAL, synchronous=FULL), the same two rows per hazard (hazards + changes),
 * one transaction per batch. Everything the rows need (JSON, hashes) is built before the clock starts,
 * so the figure is the store's ceiling, not the service's.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import { openSqlite } from '../../server/db/sqlite';
import { GENESIS_HASH, sealChange, type ChangePayload } from '../../server/hazards/changes';
import { normalise } from '../../server/hazards/normalise';
import type { NewHazard } from '../../server/hazards/hazards.repository';
import { getRegion } from '../../shared/regions';
import type { HazardInput } from '../../shared/schemas';
import { DEFAULT_TZ } from '../../shared/time';
import { tempDir } from '../../tests/helpers/server';
import { BENCH_AUTH, batches } from './rows';
import { percentile } from './util';

/** `storedBytes`: the database's size after the inserts (pages × page size). */
export type RawResult = { rate: number; elapsedMs: number; rows: number; writtenBytes: number; cpuMs: number; storedBytes: number };

type Params = { hazard: Record<string, unknown>; change: Record<string, unknown> };

function buildParams(hazards: HazardInput[], prepare: (h: HazardInput) => NewHazard): Params[] {
  const recordedAt = new Date().toISOString();
  const actor = { tokenId: BENCH_AUTH.tokenId, name: BENCH_AUTH.name, role: BENCH_AUTH.role };
  let prev = GENESIS_HASH;
  return hazards.map((input, i) => {
    const item = prepare(input);
    const region = getRegion(input.regionCode)!;
    const facts = { regionCode: input.regionCode, sector: input.sector, level: input.level, status: 'reported' as const, deadline: input.deadline ?? null, listed: false };
    const payload: ChangePayload = { data: { ...input }, before: null, after: facts };
    const { row } = sealChange({ seq: i + 1, hazardId: input.id, kind: 'reported', at: input.discoveredAt, recordedAt, actor, payload }, prev);
    prev = row.hash;
    return {
      change: row,
      hazard: {
        id: input.id, region_code: input.regionCode, city_code: region.level === 'city' ? region.code : region.parent!,
        sector: input.sector, level: input.level, status: 'reported', source: input.source, deadline: input.deadline ?? null,
        discovered_at: new Date(input.discoveredAt).toISOString(), discovered_day: item.discoveredDay, reported_at: recordedAt,
        content_hash: item.contentHash, input: JSON.stringify(input), seq: i + 1,
      },
    };
  });
}

/** Bytes this process has caused to be written to storage so far. */
const written = () => Number(/^write_bytes: (\d+)/m.exec(readFileSync('/proc/self/io', 'utf8'))?.[1] ?? NaN);

/**
 * `inMemory`: the same inserts on a :memory: database, to separate the disk's share from SQLite's own work;
 * `without`: indexes to drop first, to price what each costs at ingest.
 */
export async function benchRaw(hazards: HazardInput[], batchSize: number, opts: { inMemory?: boolean; without?: string[] } = {}): Promise<RawResult> {
  const dir = tempDir('hz-bench-raw-');
  const db = openSqlite(opts.inMemory ? ':memory:' : join(dir, 'hazards.sqlite'));
  for (const index of opts.without ?? []) db.exec(`DROP INDEX ${index}`);
  try {
    const params = buildParams(hazards, (h) => normalise(h, DEFAULT_TZ));
    const insertChange = db.prepare(
      `INSERT INTO changes (seq, hazard_id, kind, at, recorded_at, actor, payload, prev_hash, hash)
       VALUES (@seq, @hazard_id, @kind, @at, @recorded_at, @actor, @payload, @prev_hash, @hash)`,
    );
    const insertHazard = db.prepare(
      `INSERT INTO hazards (id, region_code, city_code, sector, level, status, source, deadline, listed_by, discovered_at,
         discovered_day, reported_at, updated_at, closed_at, closed_day, extensions, created_seq, updated_seq, content_hash, input)
       VALUES (@id, @region_code, @city_code, @sector, @level, @status, @source, @deadline, NULL, @discovered_at,
         @discovered_day, @reported_at, @reported_at, NULL, NULL, 0, @seq, @seq, @content_hash, @input)`,
    );
    const insertBatch = db.transaction((rows: Params[]) => {
      for (const p of rows) {
        insertChange.run(p.change);
        insertHazard.run(p.hazard);
      }
    });
    const w0 = written();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const b of batches(params, batchSize)) insertBatch.immediate(b);
    const elapsedMs = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return {
      rate: (hazards.length / elapsedMs) * 1000, elapsedMs, rows: hazards.length, writtenBytes: written() - w0, cpuMs: (c.user + c.system) / 1000,
      storedBytes: (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number),
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What one durable commit costs on this disk right now: `n` single-row transactions under the store's
 * pragmas (WAL, synchronous=FULL), p50 and p99 in ms. better-sqlite3 commits on the event loop, so this
 * is also how long a server stalls per write.
 */
export function commitLatency(n = 100): { p50: number; p99: number } {
  const dir = tempDir('hz-bench-fsync-');
  const db = openSqlite(join(dir, 'hazards.sqlite'));
  try {
    const set = db.prepare("INSERT INTO meta (key, value) VALUES ('bench', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      set.run(String(i));
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 50), p99: percentile(times, 99) };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The peer: the simplest durable insert of the same rows. One plain table (id primary key, the row as
 * JSON), WAL, synchronous=NORMAL as the issue defines it (durable against a process crash; a power cut may lose
 * the last commits — the store itself runs synchronous=FULL), one prepared INSERT per row, `batchSize` rows
 * per IMMEDIATE transaction. The JSON text is made before the clock starts: only SQLite is timed.
 */
export function benchPeer(hazards: HazardInput[], batchSize: number): RawResult {
  const dir = tempDir('hz-bench-peer-');
  const db = new Database(join(dir, 'peer.sqlite'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE hazards (id TEXT PRIMARY KEY, body TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO hazards (id, body) VALUES (?, ?)');
    const rows = hazards.map((h) => [h.id, JSON.stringify(h)] as const);
    const insertBatch = db.transaction((b: (readonly [string, string])[]) => {
      for (const [id, body] of b) insert.run(id, body);
    });
    const w0 = written();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const b of batches(rows, batchSize)) insertBatch.immediate(b);
    const elapsedMs = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return {
      rate: (hazards.length / elapsedMs) * 1000, elapsedMs, rows: hazards.length, writtenBytes: written() - w0, cpuMs: (c.user + c.system) / 1000,
      storedBytes: (db.pragma('page_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number),
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
