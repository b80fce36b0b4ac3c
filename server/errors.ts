/** An error that is the client's to fix (or a conflict): always a 4xx with a code and a message. */
export class ServiceError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429,
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
