/** API tokens in PostgreSQL: the same store as SQLite's (tokens.ts) over the pool's SQL port. */
export { PostgresTokenStore } from './tokens';
