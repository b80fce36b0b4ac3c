/**
 * The chain as the PostgreSQL store keeps it: the head read from the table (other nodes move it too), checked
 * against meta chain_head, and the changes of one write transaction sealed after it.
 */
import type pg from 'pg';
import { rows, type Db } from '../db/pg-pool';
import { GENESIS_HASH, sealChange, type Change, type ChangeRow } from './changes';

export type Head = { seq: number; hash: string };

/** The advisory lock every chain write holds until it commits ('hzchn' as digits; below 2^53, so exact as a JS number). */
export const CHAIN_LOCK = 0x687a63686e;

export const LAST_CHANGE = 'SELECT seq, hash FROM changes ORDER BY seq DESC LIMIT 1';

/**
 * The chain's end, which must be the head the application last wrote (meta chain_head, same transaction):
 * a change removed from, or appended to, the end outside the application would otherwise be sealed over by
 * the next write and become invisible to the audit (as assertChainEnd in sqlite.repository.ts). Checked at
 * start and under the lock in every write, since other nodes keep writing while this one runs.
 */
export async function readHead(db: Db | pg.Pool): Promise<Head> {
  const [r] = await rows<{ seq: number | null; hash: string | null; recorded: string | null }>(
    db,
    `SELECT h.seq, h.hash, m.value AS recorded FROM (SELECT 1) one
     LEFT JOIN (${LAST_CHANGE}) h ON true LEFT JOIN meta m ON m.key = 'chain_head'`,
  );
  const actual = r?.seq != null ? `${r.seq}:${r.hash}` : null;
  const recorded = r?.recorded === `0:${GENESIS_HASH}` ? null : (r?.recorded ?? null);
  if (actual !== recorded) {
    throw new Error(
      `the change chain ends at ${actual ?? 'nothing'} but the application last wrote ${recorded ?? 'nothing'} (meta chain_head): ` +
        'the database was changed outside the application. Run `npm run audit -- verify` to name the first record that does not verify, and restore from a backup.',
    );
  }
  return r?.seq != null ? { seq: r.seq, hash: r.hash! } : { seq: 0, hash: GENESIS_HASH };
}

export const setMeta = (db: Db, key: string, value: string) =>
  db.query('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);

export const getMeta = async (db: Db | pg.Pool, key: string): Promise<string | null> =>
  (await rows<{ value: string }>(db, 'SELECT value FROM meta WHERE key = $1', [key]))[0]?.value ?? null;

/** One write transaction's view of the chain: changes are sealed here and stored together before commit. */
export class Appender {
  readonly rows: ChangeRow[] = [];
  constructor(readonly head: Head) {}

  append(c: Omit<Change, 'seq' | 'hash' | 'prevHash'>): Change {
    const { row, change } = sealChange({ ...c, seq: this.head.seq + 1 }, this.head.hash);
    this.rows.push(row);
    this.head.seq = row.seq;
    this.head.hash = row.hash;
    return change;
  }
}
