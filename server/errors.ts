/**
 * An error that is the client's to fix (or a conflict): always a 4xx with a code and a message. 503 is for a
 * known passing fault (the database away for a moment), 507 a full disk (server/db/storage-fault.ts): the client
 * should retry after `retryAfterMs`.
 */
export class ServiceError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503 | 507,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** sent as Retry-After (whole seconds, rounded up) */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
  toBody() {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
}

/** How long a client should wait before retrying after the store was unreachable. */
export const STORE_RETRY_MS = 2_000;

export const storeUnavailable = (): ServiceError =>
  new ServiceError(503, 'store_unavailable', 'the database cannot be reached just now; retry shortly (a report sent again is recognised by its id and stored once)', undefined, STORE_RETRY_MS);

/** Node socket errors that mean "the server is not there (right now)". */
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * PostgreSQL SQLSTATEs of a server going away or not yet accepting: class 08 (connection exception),
 * 57P01–57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections).
 */
const PG_STATES = /^(08...|57P0[123]|53300)$/;
/** node-postgres says these in plain words, without a code. */
const PG_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|terminating connection/i;

/**
 * True for an error of the database client that says the server was unreachable or dropped the connection,
 * as opposed to a bug or bad data (its cause chain is followed a few steps).
 */
export function isConnectionError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NET_CODES.has(code) || PG_STATES.test(code))) return true;
    if (typeof message === 'string' && PG_MESSAGES.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The database cannot be reached right now (connection refused or lost, the server shutting down or starting up):
 * nothing was changed that the caller can see, and the same request may succeed in a moment. The HTTP layer
 * answers it 503 with Retry-After; the change feed reconnects. Thrown by the store's drivers (server/db/).
 */
export class StoreUnavailableError extends Error {
  readonly code = 'store_unavailable';
  constructor(override readonly cause: unknown) {
    super(`the database is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * A request that met the database away gets 503 + Retry-After: its transaction was rolled back (or never
 * began), so the client's retry is safe — ingest dedupes by id. The store's drivers wrap such errors in
 * StoreUnavailableError; other callers (the token store, the node lock) may still throw the client's own.
 */
export const isStoreUnavailable = (err: unknown): boolean => err instanceof StoreUnavailableError || isConnectionError(err);
