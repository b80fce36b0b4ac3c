/**
 * People's accounts and their sessions. A person signs in with a username and a password (scrypt,
 * passwords.ts) and gets a session: a random secret in an httpOnly cookie, stored only as its SHA-256.
 * A session ends on logout, when the person is disabled or given a new password, and after a working
 * day without a request (SESSION_IDLE_MS). Every change to who may act is an auth-chain record.
 */
import { createHash, randomBytes } from 'node:crypto';
import { isRegionCode, PROVINCE_CODE } from '../../shared/regions';
import { SOURCE_CODES, type Source } from '../../shared/domain';
import type { Role } from '../../shared/schemas';
import type { Auth } from './auth';
import { sha256hex } from './auth-chain';
import { dummyHash, hashPassword, oneTimePassword, passwordProblem, verifyPassword } from './passwords';
import type { SqlPort } from './sql-port';
import { storageFaultOf } from '../db/storage-fault';

export const SESSION_PREFIX = 'hs_';
/** a working day (and the evening) without a request ends a person's session */
export const SESSION_IDLE_MS = 10 * 3600_000;
/** last_seen is written at most this often per session: one small write a minute, not one per request */
const TOUCH_MS = 60_000;
export const USER_ROLES = ['admin', 'reporter', 'viewer'] as const satisfies readonly Role[];
export const USERNAME_RE = /^[a-z0-9][a-z0-9._-]{1,31}$/;

export type UserInfo = {
  username: string; displayName: string; role: Role; region: string; source: Source;
  mustChangePassword: boolean; createdAt: string; disabledAt: string | null;
};

type UserRow = {
  username: string; display_name: string; role: Role; region: string; source: Source; password_hash: string;
  must_change: number; created_at: string; disabled_at: string | null;
};
type SessionRow = UserRow & { id: string; last_seen: string };

const toUser = (r: UserRow): UserInfo => ({
  username: r.username, displayName: r.display_name, role: r.role, region: r.region, source: r.source,
  mustChangePassword: Number(r.must_change) === 1, createdAt: r.created_at, disabledAt: r.disabled_at,
});

export class AccountError extends Error {}

export type NewUser = { username: string; displayName: string; role: Role; region?: string; source?: string; password?: string };

export class Accounts {
  constructor(private readonly sql: SqlPort, private readonly ready: () => Promise<void>) {}

  /** Creates a person; without a chosen password, a one-time one that must be changed at first login. */
  async create(u: NewUser): Promise<{ user: UserInfo; oneTimePassword: string | null }> {
    const username = u.username.trim().toLowerCase();
    if (!USERNAME_RE.test(username)) throw new AccountError('username: 2–32 of a–z 0–9 . _ - (starting with a letter or digit)');
    const displayName = u.displayName.trim();
    if (!displayName || displayName.length > 100) throw new AccountError('display name: 1–100 characters');
    if (!(USER_ROLES as readonly string[]).includes(u.role)) throw new AccountError(`role must be one of ${USER_ROLES.join(', ')}`);
    const region = u.region ?? PROVINCE_CODE;
    if (!isRegionCode(region)) throw new AccountError(`unknown region ${region}`);
    const source = (u.source ?? 'inspection') as Source;
    if (!SOURCE_CODES.includes(source)) throw new AccountError(`source must be one of ${SOURCE_CODES.join(', ')}`);
    const chosen = u.password;
    if (chosen !== undefined) {
      const why = passwordProblem(chosen);
      if (why) throw new AccountError(why);
    }
    const password = chosen ?? oneTimePassword();
    const hash = await hashPassword(password);
    const mustChange = chosen === undefined ? 1 : 0;
    const at = new Date().toISOString();
    await this.ready();
    const [exists] = await this.sql.all('SELECT 1 FROM users WHERE username = ?', [username]);
    if (exists) throw new AccountError(`user ${username} already exists`);
    await this.sql.audited(
      [{ sql: 'INSERT INTO users (username, display_name, role, region, source, password_hash, must_change, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', params: [username, displayName, u.role, region, source, hash, mustChange, at] }],
      { at, kind: 'user.created', subject: username, data: { displayName, role: u.role, region, source, passwordHash: sha256hex(hash), mustChange, createdAt: at } },
    );
    const user = await this.get(username);
    return { user: user!, oneTimePassword: chosen === undefined ? password : null };
  }

  async get(username: string): Promise<UserInfo | null> {
    const [r] = await this.sql.all<UserRow>('SELECT * FROM users WHERE username = ?', [username]);
    return r ? toUser(r) : null;
  }

  async list(): Promise<UserInfo[]> {
    return (await this.sql.all<UserRow>('SELECT * FROM users ORDER BY username')).map(toUser);
  }

  /** Disables the person and ends every session they hold. */
  async disable(username: string): Promise<boolean> {
    await this.ready();
    const at = new Date().toISOString();
    const ok = await this.sql.audited(
      [{ sql: 'UPDATE users SET disabled_at = ? WHERE username = ? AND disabled_at IS NULL', params: [at, username], mustChange: true }],
      { at, kind: 'user.disabled', subject: username, data: { disabledAt: at } },
    );
    if (ok) await this.endSessionsOf(username, at);
    return ok;
  }

  /** A new one-time password (to be changed at next login); the person's sessions end. */
  async resetPassword(username: string): Promise<string | null> {
    const password = oneTimePassword();
    const ok = await this.setPassword(username, password, true);
    return ok ? password : null;
  }

  /** The person's own change: the current password must be right; a one-time password is then spent. */
  async changePassword(username: string, current: string, next: string): Promise<'ok' | 'wrong' | string> {
    const [r] = await this.sql.all<UserRow>('SELECT * FROM users WHERE username = ? AND disabled_at IS NULL', [username]);
    if (!r || !(await verifyPassword(current, r.password_hash))) return 'wrong';
    const why = passwordProblem(next);
    if (why) return why;
    if (next === current) return 'the new password must differ from the current one';
    await this.setPassword(username, next, false);
    return 'ok';
  }

  private async setPassword(username: string, password: string, mustChange: boolean): Promise<boolean> {
    const hash = await hashPassword(password);
    await this.ready();
    const at = new Date().toISOString();
    const ok = await this.sql.audited(
      [{ sql: 'UPDATE users SET password_hash = ?, must_change = ? WHERE username = ?', params: [hash, mustChange ? 1 : 0, username], mustChange: true }],
      { at, kind: 'user.password', subject: username, data: { passwordHash: sha256hex(hash), mustChange: mustChange ? 1 : 0 } },
    );
    if (ok && mustChange) await this.endSessionsOf(username, at);
    return ok;
  }

  /**
   * The person whose password this is, or null — the same null, after the same scrypt work, for an
   * unknown username, a disabled person and a wrong password.
   */
  async check(username: string, password: string): Promise<UserInfo | null> {
    const [r] = await this.sql.all<UserRow>('SELECT * FROM users WHERE username = ?', [username.trim().toLowerCase()]);
    const ok = await verifyPassword(password, r?.password_hash ?? (await dummyHash()));
    return r && ok && !r.disabled_at ? toUser(r) : null;
  }

  /** Opens a session for a checked person: the secret is returned once, only its hash is stored. */
  async openSession(user: UserInfo): Promise<string> {
    await this.ready();
    const id = randomBytes(9).toString('base64url');
    const token = `${SESSION_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
    const hash = createHash('sha256').update(token).digest('hex');
    const at = new Date().toISOString();
    await this.sql.audited(
      [{ sql: 'INSERT INTO sessions (id, hash, username, created_at, last_seen) VALUES (?, ?, ?, ?, ?)', params: [id, hash, user.username, at, at] }],
      { at, kind: 'session.opened', subject: id, data: { hash, username: user.username, createdAt: at } },
    );
    return token;
  }

  async authenticate(token: string, now = Date.now()): Promise<Auth | null> {
    const hash = createHash('sha256').update(token).digest('hex');
    const [r] = await this.sql.all<SessionRow>(
      `SELECT s.id, s.last_seen, u.* FROM sessions s JOIN users u ON u.username = s.username
        WHERE s.hash = ? AND s.ended_at IS NULL AND u.disabled_at IS NULL`,
      [hash],
    );
    if (!r) return null;
    const seen = Date.parse(r.last_seen);
    if (now - seen > SESSION_IDLE_MS) return null;
    // a disk that is full or read-only must not lock readers out: the touch waits for the next request
    if (now - seen > TOUCH_MS) {
      await this.sql.run('UPDATE sessions SET last_seen = ? WHERE id = ?', [new Date(now).toISOString(), r.id]).catch((e: unknown) => {
        if (!storageFaultOf(e)) throw e;
      });
    }
    const u = toUser(r);
    return {
      tokenId: `session:${r.id}`, name: u.displayName, role: u.role, region: u.region,
      user: { username: u.username, displayName: u.displayName, source: u.source, mustChangePassword: u.mustChangePassword },
    };
  }

  async endSession(sessionId: string): Promise<boolean> {
    await this.ready();
    const at = new Date().toISOString();
    return this.sql.audited(
      [{ sql: 'UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL', params: [at, sessionId], mustChange: true }],
      { at, kind: 'session.ended', subject: sessionId, data: { endedAt: at } },
    );
  }

  private async endSessionsOf(username: string, at: string): Promise<void> {
    const open = await this.sql.all<{ id: string }>('SELECT id FROM sessions WHERE username = ? AND ended_at IS NULL', [username]);
    for (const s of open) {
      await this.sql.audited(
        [{ sql: 'UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL', params: [at, s.id], mustChange: true }],
        { at, kind: 'session.ended', subject: s.id, data: { endedAt: at } },
      );
    }
  }

  /** Sessions ended since `iso`, as Auth.tokenId: the revocation watcher cuts their sockets. */
  async endedSince(iso: string): Promise<string[]> {
    return (await this.sql.all<{ id: string }>('SELECT id FROM sessions WHERE ended_at >= ?', [iso])).map((r) => `session:${r.id}`);
  }
}
