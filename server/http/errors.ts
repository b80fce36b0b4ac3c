/** Every error leaves as `{error: {code, message}}`: a 4xx for what the client can fix, never a stack trace. */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { asStorageFault } from '../db/storage-fault';
import { ServiceError, isStoreUnavailable, storeUnavailable } from '../errors';

const BODY_ERRORS: Record<string, [number, string]> = {
  'entity.too.large': [413, 'too_large'],
  'entity.parse.failed': [400, 'malformed_json'],
  'encoding.unsupported': [415, 'unsupported_encoding'],
  'charset.unsupported': [415, 'unsupported_charset'],
  'request.aborted': [400, 'aborted'],
  'request.size.invalid': [400, 'bad_length'],
  'entity.verify.failed': [400, 'bad_request'],
  'parameters.too.many': [413, 'too_many_parameters'],
};

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `no route ${req.method} ${req.path}` } });
};

function sendServiceError(res: Response, err: ServiceError): void {
  if (err.retryAfterMs !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))));
  res.status(err.status).json(err.toBody());
}

/** `dataDir`: where SQLite and the evidence files live, examined when SQLite says only "I/O error". */
export function errorHandler(log: Logger, dataDir?: string): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return void res.end();
    if (err instanceof ServiceError) return void sendServiceError(res, err);
    if (isStoreUnavailable(err)) {
      log.warn({ err: (err as Error).message, path: req.path }, 'store unavailable');
      return void sendServiceError(res, storeUnavailable());
    }
    const storage = asStorageFault(err, dataDir);
    if (storage) {
      log.error({ err: (err as Error).message, cause: (err as { code?: unknown }).code, path: req.path, answer: storage.code }, 'storage fault: a write failed');
      return void sendServiceError(res, storage);
    }
    const e = err as { type?: string; status?: number; message?: string };
    const known = e.type ? BODY_ERRORS[e.type] : undefined;
    if (known) {
      const [status, code] = known;
      const message = code === 'malformed_json' ? `the body is not valid JSON: ${e.message ?? ''}`.trim() : e.message ?? code;
      return void res.status(status).json({ error: { code, message } });
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return void res.status(e.status).json({ error: { code: 'bad_request', message: e.message ?? 'bad request' } });
    }
    log.error({ err, path: req.path }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'internal error; it has been logged' } });
  };
}

const CLIENT_ERRORS: Record<string, [number, string, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'headers_too_large', 'the request line or headers are too large (a query string is limited to about 16 KB)'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'timeout', 'the request was not received in time'],
};

/**
 * node:http `clientError`: requests that never reach Express (an oversized query string, a broken
 * request line) still get the `{error}` JSON answer instead of Node's bare text.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const [status, reason, code, message] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'Bad Request', 'bad_request', 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
