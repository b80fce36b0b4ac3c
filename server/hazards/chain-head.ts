/**
 * The chain's end as the chain store keeps it: read from the table under the chain lock (other nodes move it
 * too), checked against meta chain_head, and the changes of one write transaction sealed after it.
 */
import { GENESIS_HASH, sealChange, type Change, type ChangeRow } from './changes';
import type { Head, Query } from './chain-driver';

export const SET_META =
  'INSERT INTO meta (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value';

export const getMeta = async (q: Query, key: string): Promise<string | null> =>
  (await q<{ value: string }>('SELECT value FROM meta WHERE key = @key', { key }))[0]?.value ?? null;

/** The newest change, the cheap way (the primary key's last entry): what the change feed polls. */
export async function lastSeq(q: Query): Promise<number> {
  const [r] = await q<{ seq: number | string }>('SELECT seq FROM changes ORDER BY seq DESC LIMIT 1');
  return r ? Number(r.seq) : 0;
}

/**
 * The chain's end, which must be the head the application last wrote (meta chain_head, written in the same
 * transaction as every change): a change removed from, or appended to, the end outside the application would
 * otherwise be sealed over by the next write and become invisible to the audit. Checked at start and under the
 * lock in every write, since other nodes keep writing while this one runs.
 */
export async function readHead(q: Query): Promise<Head> {
  const [r] = await q<{ seq: number | string | null; hash: string | null; recorded: string | null }>(
    `SELECT (SELECT seq FROM changes ORDER BY seq DESC LIMIT 1) AS seq,
            (SELECT hash FROM changes ORDER BY seq DESC LIMIT 1) AS hash,
            (SELECT value FROM meta WHERE key = 'chain_head') AS recorded`,
  );
  const actual = r?.seq != null ? `${r.seq}:${r.hash}` : null;
  const recorded = r?.recorded === `0:${GENESIS_HASH}` ? null : (r?.recorded ?? null);
  if (actual !== recorded) {
    throw new Error(
      `the change chain ends at ${actual ?? 'nothing'} but the application last wrote ${recorded ?? 'nothing'} (meta chain_head): ` +
        'the database was changed outside the application. Run `npm run audit -- verify` to name the first record that does not verify, and restore from a backup.',
    );
  }
  return r?.seq != null ? { seq: Number(r.seq), hash: r.hash! } : { seq: 0, hash: GENESIS_HASH };
}

/** One write transaction's view of the chain: changes are sealed here and stored together before commit. */
export class Appender {
  readonly rows: ChangeRow[] = [];
  constructor(readonly head: Head) {}

  /** `payloadJson`: JSON.stringify(c.payload), when the caller has it (see sealChange). */
  append(c: Omit<Change, 'seq' | 'hash' | 'prevHash'>, payloadJson?: string): Change {
    const { row, change } = sealChange({ ...c, seq: this.head.seq + 1 }, this.head.hash, payloadJson);
    this.rows.push(row);
    this.head.seq = row.seq;
    this.head.hash = row.hash;
    return change;
  }
}
