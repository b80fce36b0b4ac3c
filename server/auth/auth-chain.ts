/**
 * The record of who may act: every token created or revoked, every user created, disabled or given a new
 * password, every session opened or ended is one row of `auth_changes`, hash-chained like the hazards'
 * history. `npm run audit -- verify` replays it against the tokens, users and sessions tables, so a row
 * inserted by hand, an undone revocation or a swapped password hash is named.
 */
import { createHash } from 'node:crypto';

export type AuthChangeKind =
  | 'token.created' | 'token.adopted' | 'token.revoked'
  | 'user.created' | 'user.password' | 'user.disabled'
  | 'session.opened' | 'session.ended';

export type AuthChangeDraft = { at: string; kind: AuthChangeKind; subject: string; data: Record<string, string | number | boolean | null> };
export type AuthChangeRow = { seq: number; at: string; kind: string; subject: string; data: string; prev_hash: string; hash: string };

export const AUTH_GENESIS = '0'.repeat(64);
export const sha256hex = (s: string): string => createHash('sha256').update(s).digest('hex');

export const hashAuthRow = (r: Omit<AuthChangeRow, 'hash'>): string =>
  sha256hex(`${r.seq}\n${r.at}\n${r.kind}\n${r.subject}\n${r.data}\n${r.prev_hash}`);

export function sealAuthChange(c: AuthChangeDraft, head: { seq: number; hash: string } | null): AuthChangeRow {
  const base = { seq: (head?.seq ?? 0) + 1, at: c.at, kind: c.kind, subject: c.subject, data: JSON.stringify(c.data), prev_hash: head?.hash ?? AUTH_GENESIS };
  return { ...base, hash: hashAuthRow(base) };
}

/** Table rows as the audit compares them: the columns the chain vouches for (last_seen is not one). */
export type TokenAuditRow = { id: string; hash: string; role: string; region: string; name: string; created_at: string; revoked_at: string | null };
export type UserAuditRow = {
  username: string; display_name: string; role: string; region: string; source: string; password_hash: string;
  must_change: number; created_at: string; disabled_at: string | null;
};
export type SessionAuditRow = { id: string; hash: string; username: string; created_at: string; ended_at: string | null };

export interface AuthAuditSource {
  authChanges(): Promise<AuthChangeRow[]>;
  tokens(): Promise<TokenAuditRow[]>;
  users(): Promise<UserAuditRow[]>;
  sessions(): Promise<SessionAuditRow[]>;
}

export type AuthProblem = { record: string; message: string };
export type AuthAuditReport = { changes: number; problems: AuthProblem[] };

/** What each table row must be, after replaying the chain: key → canonical column text. */
type Expected = { tokens: Map<string, string>; users: Map<string, string>; sessions: Map<string, string> };

export const tokenKey = (r: TokenAuditRow) => JSON.stringify([r.hash, r.role, r.region, r.name, r.created_at, r.revoked_at]);
export const userKey = (r: UserAuditRow) =>
  JSON.stringify([r.display_name, r.role, r.region, r.source, sha256hex(r.password_hash), Number(r.must_change), r.created_at, r.disabled_at]);
export const sessionKey = (r: SessionAuditRow) => JSON.stringify([r.hash, r.username, r.created_at, r.ended_at]);

type Data = Record<string, unknown>;
const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Applies one change to the expected state; the reason it does not apply, or null. */
function applyChange(e: Expected, kind: string, subject: string, d: Data): string | null {
  const patch = (map: Map<string, string>, what: string, edit: (cols: unknown[]) => void): string | null => {
    const cur = map.get(subject);
    if (!cur) return `changes ${what} ${subject}, which no earlier record created`;
    const cols = JSON.parse(cur) as unknown[];
    edit(cols);
    map.set(subject, JSON.stringify(cols));
    return null;
  };
  switch (kind) {
    case 'token.created':
    case 'token.adopted':
      e.tokens.set(subject, JSON.stringify([d.hash, d.role, d.region, d.name, d.createdAt, null]));
      return null;
    case 'token.revoked':
      return patch(e.tokens, 'token', (c) => (c[5] = s(d.revokedAt)));
    case 'user.created':
      e.users.set(subject, JSON.stringify([d.displayName, d.role, d.region, d.source, d.passwordHash, Number(d.mustChange), d.createdAt, null]));
      return null;
    case 'user.password':
      return patch(e.users, 'user', (c) => {
        c[4] = d.passwordHash;
        c[5] = Number(d.mustChange);
      });
    case 'user.disabled':
      return patch(e.users, 'user', (c) => (c[7] = s(d.disabledAt)));
    case 'session.opened':
      e.sessions.set(subject, JSON.stringify([d.hash, d.username, d.createdAt, null]));
      return null;
    case 'session.ended':
      return patch(e.sessions, 'session', (c) => (c[3] = s(d.endedAt)));
    default:
      return `kind "${kind}" is not one this audit knows`;
  }
}

function compare(problems: AuthProblem[], what: string, expected: Map<string, string>, rows: Array<[string, string]>): void {
  const seen = new Set<string>();
  for (const [id, key] of rows) {
    seen.add(id);
    const want = expected.get(id);
    if (want === undefined) problems.push({ record: `${what} ${id}`, message: 'is in the table but no auth record created it (inserted outside the application)' });
    else if (want !== key) problems.push({ record: `${what} ${id}`, message: 'differs from what its auth records say (edited outside the application, e.g. a revocation undone)' });
  }
  for (const id of expected.keys()) {
    if (!seen.has(id)) problems.push({ record: `${what} ${id}`, message: 'is recorded in the auth chain but missing from the table' });
  }
}

/** Walks the auth chain (links and hashes), replays it, and compares the tables. */
export async function verifyAuth(src: AuthAuditSource): Promise<AuthAuditReport> {
  const problems: AuthProblem[] = [];
  const e: Expected = { tokens: new Map(), users: new Map(), sessions: new Map() };
  const rows = await src.authChanges();
  let head = { seq: 0, hash: AUTH_GENESIS };
  for (const r of rows) {
    const record = `auth change ${r.seq}`;
    let why: string | null = null;
    if (r.seq !== head.seq + 1) why = `follows auth change ${head.seq}: a record is missing`;
    else if (r.prev_hash !== head.hash) why = `its prev_hash does not link to auth change ${head.seq}`;
    else if (hashAuthRow(r) !== r.hash) why = 'its stored content does not match its hash (changed outside the application)';
    else {
      try {
        why = applyChange(e, r.kind, r.subject, JSON.parse(r.data) as Data);
      } catch {
        why = 'its data is not valid JSON';
      }
    }
    if (why) {
      problems.push({ record, message: why });
      return { changes: head.seq, problems };
    }
    head = { seq: r.seq, hash: r.hash };
  }
  compare(problems, 'token', e.tokens, (await src.tokens()).map((t) => [t.id, tokenKey(t)]));
  compare(problems, 'user', e.users, (await src.users()).map((u) => [u.username, userKey(u)]));
  compare(problems, 'session', e.sessions, (await src.sessions()).map((x) => [x.id, sessionKey(x)]));
  return { changes: rows.length, problems };
}

/** The audit source over any port (the audit opens its own read-only handle). */
export function portAuditSource(all: <T>(sql: string) => Promise<T[]>): AuthAuditSource {
  return {
    authChanges: () => all<AuthChangeRow>('SELECT * FROM auth_changes ORDER BY seq'),
    tokens: () => all<TokenAuditRow>('SELECT id, hash, role, region, name, created_at, revoked_at FROM tokens ORDER BY id'),
    users: () => all<UserAuditRow>('SELECT * FROM users ORDER BY username'),
    sessions: () => all<SessionAuditRow>('SELECT id, hash, username, created_at, ended_at FROM sessions ORDER BY id'),
  };
}
