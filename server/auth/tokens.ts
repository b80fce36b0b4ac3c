/**
 * API tokens: random (256 bits), shown once, stored only as a SHA-256 hash (a high-entropy secret
 * needs no slow hash). Revocation takes effect on the next request; sockets are cut by the watcher.
 */
import type Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { PROVINCE_CODE, isRegionCode } from '../../shared/regions';
import { ROLES, type Role } from '../../shared/schemas';
import type { Auth } from './auth';

export type TokenInfo = { id: string; name: string; role: Role; region: string; createdAt: string; revokedAt: string | null };

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface TokenStore {
  create(opts: { role: Role; region?: string; name?: string }): Promise<{ token: string; info: TokenInfo }>;
  authenticate(token: string): Promise<Auth | null>;
  list(): Promise<TokenInfo[]>;
  revoke(id: string): Promise<boolean>;
  revokedSince(iso: string): Promise<string[]>;
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

export type TokenRow = { id: string; name: string; role: Role; region: string; created_at: string; revoked_at: string | null };
export const toInfo = (r: TokenRow): TokenInfo => ({ id: r.id, name: r.name, role: r.role, region: r.region, createdAt: r.created_at, revokedAt: r.revoked_at });

export class SqliteTokenStore implements TokenStore {
  private readonly byHash;
  constructor(private readonly db: Database.Database) {
    this.byHash = db.prepare('SELECT * FROM tokens WHERE hash = ? AND revoked_at IS NULL');
  }

  async create(opts: { role: Role; region?: string; name?: string }) {
    const { token, info, hash } = newToken(opts);
    this.db
      .prepare('INSERT INTO tokens (id, hash, role, region, name, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(info.id, hash, info.role, info.region, info.name, info.createdAt);
    return { token, info };
  }

  async authenticate(token: string): Promise<Auth | null> {
    if (!token.startsWith('hz_') || token.length > 200) return null;
    const r = this.byHash.get(hashToken(token)) as TokenRow | undefined;
    return r ? { tokenId: r.id, name: r.name, role: r.role, region: r.region } : null;
  }

  async list() {
    return (this.db.prepare('SELECT * FROM tokens ORDER BY created_at').all() as TokenRow[]).map(toInfo);
  }

  async revoke(id: string) {
    return this.db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date().toISOString(), id).changes > 0;
  }

  async revokedSince(iso: string) {
    return this.db.prepare('SELECT id FROM tokens WHERE revoked_at >= ?').pluck().all(iso) as string[];
  }
}
