/** API tokens in PostgreSQL: the same rows and rules as SqliteTokenStore (tokens.ts), over a shared pool. */
import type pg from 'pg';
import type { Auth } from './auth';
import { hashToken, newToken, toInfo, type TokenInfo, type TokenRow, type TokenStore } from './tokens';
import type { Role } from '../../shared/schemas';

export class PostgresTokenStore implements TokenStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(opts: { role: Role; region?: string; name?: string }): Promise<{ token: string; info: TokenInfo }> {
    const { token, info, hash } = newToken(opts);
    await this.pool.query(
      'INSERT INTO tokens (id, hash, role, region, name, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [info.id, hash, info.role, info.region, info.name, info.createdAt],
    );
    return { token, info };
  }

  async authenticate(token: string): Promise<Auth | null> {
    if (!token.startsWith('hz_') || token.length > 200) return null;
    const { rows } = await this.pool.query<TokenRow>('SELECT * FROM tokens WHERE hash = $1 AND revoked_at IS NULL', [hashToken(token)]);
    const r = rows[0];
    return r ? { tokenId: r.id, name: r.name, role: r.role, region: r.region } : null;
  }

  async list(): Promise<TokenInfo[]> {
    return (await this.pool.query<TokenRow>('SELECT * FROM tokens ORDER BY created_at')).rows.map(toInfo);
  }

  async revoke(id: string): Promise<boolean> {
    const r = await this.pool.query('UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [new Date().toISOString(), id]);
    return (r.rowCount ?? 0) > 0;
  }

  async revokedSince(iso: string): Promise<string[]> {
    return (await this.pool.query<{ id: string }>('SELECT id FROM tokens WHERE revoked_at >= $1', [iso])).rows.map((r) => r.id);
  }
}
