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

/** Not now: 429 (too many at once) or 503 (took too long); the answer carries Retry-After in seconds. */
export class RetryLaterError extends ServiceError {
  constructor(status: 429 | 503, code: string, message: string, readonly retryAfterSeconds: number) {
    super(status, code, message);
  }
}
