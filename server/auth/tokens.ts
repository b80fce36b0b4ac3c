/**
 * API tokens: random (256 bits), shown once, stored only as a SHA-256 hash (a high-entropy secret
 * needs no slow hash). Revocation takes effect on the next request; sockets are cut by the watcher.
 * Creating and revoking a token each append a record to the auth chain (auth-chain.ts) in the same
 * transaction. The same store answers for people's sessions (accounts.ts): one `authenticate` for
 * every credential the server accepts.
 */
import type Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';
import { PROVINCE_CODE, isRegionCode } from '../../shared/regions';
import { ROLES, type Role } from '../../shared/schemas';
import { Accounts, SESSION_PREFIX } from './accounts';
import type { Auth } from './auth';
import { postgresPort, sqlitePort, type SqlPort } from './sql-port';

export type TokenInfo = { id: string; name: string; role: Role; region: string; createdAt: string; revokedAt: string | null };

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface TokenStore {
  create(opts: { role: Role; region?: string; name?: string }): Promise<{ token: string; info: TokenInfo }>;
  /** a machine token (`hz_…`) or a person's session (`hs_…`) */
  authenticate(token: string): Promise<Auth | null>;
  list(): Promise<TokenInfo[]>;
  revoke(id: string): Promise<boolean>;
  /** ids (as Auth.tokenId) of tokens revoked and sessions ended since then: their sockets are cut */
  revokedSince(iso: string): Promise<string[]>;
  readonly accounts: Accounts;
  readonly sql: SqlPort;
}

export function newToken(opts: { role: Role; region?: string; name?: string }, now = new Date()) {
  if (!ROLES.includes(opts.role)) throw new Error(`role must be one of ${ROLES.join(', ')}`);
  const region = opts.region ?? PROVINCE_CODE;
  if (!isRegionCode(region)) throw new Error(`unknown region ${region}`);
  const id = randomBytes(6).toString('hex');
  const token = `hz_${id}_${randomBytes(32).toString('base64url')}`;
  const info: TokenInfo = { id, name: opts.name ?? `${opts.role}-${id}`, role: opts.role, region, createdAt: now.toISOString(), revokedAt: null };
  return { token, info, hash: hashToken(token) };
}

export type TokenRow = { id: string; hash: string; name: string; role: Role; region: string; created_at: string; revoked_at: string | null };
export const toInfo = (r: TokenRow): TokenInfo => ({ id: r.id, name: r.name, role: r.role, region: r.region, createdAt: r.created_at, revokedAt: r.revoked_at });

const tokenData = (r: TokenRow) => ({ hash: r.hash, role: r.role, region: r.region, name: r.name, createdAt: r.created_at });

export class AuthStore implements TokenStore {
  readonly accounts: Accounts;
  private adopted: Promise<void> | null = null;

  constructor(readonly sql: SqlPort) {
    this.accounts = new Accounts(sql, () => this.adopt());
  }

  /**
   * Tokens created before the auth chain existed are recorded once (`token.adopted`), on first use: from
   * then on the chain vouches for every row.
   */
  private adopt(): Promise<void> {
    this.adopted ??= (async () => {
      const [n] = await this.sql.all<{ n: number }>('SELECT COUNT(*) AS n FROM auth_changes');
      if (Number(n?.n ?? 0) > 0) return;
      const at = new Date().toISOString();
      for (const r of await this.sql.all<TokenRow>('SELECT * FROM tokens ORDER BY created_at, id')) {
        await this.sql.audited([], { at, kind: 'token.adopted', subject: r.id, data: { ...tokenData(r) } });
        if (r.revoked_at) await this.sql.audited([], { at, kind: 'token.revoked', subject: r.id, data: { revokedAt: r.revoked_at } });
      }
    })().catch((e: unknown) => {
      this.adopted = null;
      throw e;
    });
    return this.adopted;
  }

  async create(opts: { role: Role; region?: string; name?: string }) {
    await this.adopt();
    const { token, info, hash } = newToken(opts);
    const row: TokenRow = { id: info.id, hash, name: info.name, role: info.role, region: info.region, created_at: info.createdAt, revoked_at: null };
    await this.sql.audited(
      [{ sql: 'INSERT INTO tokens (id, hash, role, region, name, created_at) VALUES (?, ?, ?, ?, ?, ?)', params: [row.id, hash, row.role, row.region, row.name, row.created_at] }],
      { at: info.createdAt, kind: 'token.created', subject: info.id, data: tokenData(row) },
    );
    return { token, info };
  }

  async authenticate(token: string): Promise<Auth | null> {
    if (token.length > 200) return null;
    if (token.startsWith(SESSION_PREFIX)) return this.accounts.authenticate(token);
    if (!token.startsWith('hz_')) return null;
    const [r] = await this.sql.all<TokenRow>('SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL', [hashToken(token)]);
    return r ? { tokenId: r.id, name: r.name, role: r.role, region: r.region } : null;
  }

  async list() {
    return (await this.sql.all<TokenRow>('SELECT * FROM tokens ORDER BY created_at')).map(toInfo);
  }

  async revoke(id: string) {
    await this.adopt();
    const at = new Date().toISOString();
    return this.sql.audited(
      [{ sql: 'UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', params: [at, id], mustChange: true }],
      { at, kind: 'token.revoked', subject: id, data: { revokedAt: at } },
    );
  }

  async revokedSince(iso: string) {
    const tokens = (await this.sql.all<{ id: string }>('SELECT id FROM tokens WHERE revoked_at >= ?', [iso])).map((r) => r.id);
    return [...tokens, ...(await this.accounts.endedSince(iso))];
  }
}

/** The SQLite store's tokens and accounts, on the store's connection. */
export class SqliteTokenStore extends AuthStore {
  constructor(db: Database.Database) {
    super(sqlitePort(db));
  }
}

/** The same rows and rules in PostgreSQL, over the store's pool. */
export class PostgresTokenStore extends AuthStore {
  constructor(pool: pg.Pool) {
    super(postgresPort(pool));
  }
}
