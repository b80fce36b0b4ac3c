/** An error that is the client's to fix, a conflict, or a known fault (503): always a code and a message. */
export class ServiceError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  toBody() {
    return { error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) } };
  }
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

/** Not now: 429 (too many at once) or 503 (took too long); the answer carries Retry-After in seconds. */
export class RetryLaterError extends ServiceError {
  constructor(status: 429 | 503, code: string, message: string, readonly retryAfterSeconds: number) {
    super(status, code, message);
  }
}
