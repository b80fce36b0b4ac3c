/** Authentication, throttling and body checks shared by the API routes. */
import { isUtf8 } from 'node:buffer';
import { parse as parseCookie } from 'cookie';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Auth } from '../auth/auth';
import type { TokenStore } from '../auth/tokens';
import { ServiceError } from '../errors';
import { memoryBudgets, type Budget, type Budgets } from './budget';

export const SESSION_COOKIE = 'hz_session';
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
export const MAX_JSON_DEPTH = 16;

declare module 'express-serve-static-core' {
  interface Request {
    auth?: Auth;
  }
}

export function tokenFrom(authorization: string | undefined, cookieHeader: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (m) return m[1];
  return cookieHeader ? parseCookie(cookieHeader)[SESSION_COOKIE] : undefined;
}

/** Failed authentication is counted per address; a valid token always passes, whatever its address sent. */
export class AuthGate {
  private readonly failures: Budget;
  constructor(private readonly tokens: TokenStore, failureLimit: number, budgets: Budgets = memoryBudgets) {
    this.failures = budgets({ name: 'auth-failures', points: failureLimit, durationS: 300, blockS: 300 });
  }

  /** `address`: or a function giving it, asked only for a failure (Express's req.ip walks the proxy chain) */
  async check(token: string | undefined, address: string | (() => string)): Promise<Auth> {
    const auth = token ? await this.tokens.authenticate(token) : null;
    if (auth) return auth;
    const spent = await this.failures.take((typeof address === 'function' ? address() : address) || 'unknown');
    if (!spent.ok) {
      throw new ServiceError(429, 'too_many_failures', `too many failed authentications from this address; retry in ${Math.ceil(spent.retryMs / 1000)} s`, undefined, spent.retryMs);
    }
    throw new ServiceError(401, 'unauthenticated', token ? 'the token is not valid (unknown or revoked)' : 'a token is required: Authorization: Bearer <token>');
  }

  middleware(): RequestHandler {
    return (req, _res, next) => {
      this.check(tokenFrom(req.headers.authorization, req.headers.cookie), () => req.ip ?? '')
        .then((auth) => {
          req.auth = auth;
          next();
        })
        .catch(next);
    };
  }
}

/**
 * Per-token ingest budget, counted in hazards; admin tokens are never limited. One instance per app, so
 * every way of sending hazards (JSON, spreadsheet import) can spend from the same budget.
 */
export class IngestLimiter {
  private readonly budget: Budget;
  constructor(perMinute: number, budgets: Budgets = memoryBudgets) {
    this.budget = budgets({ name: 'ingest', points: perMinute, durationS: 60 });
  }
  async take(auth: Auth, n: number): Promise<void> {
    if (auth.role === 'admin' || n <= 0) return;
    const spent = await this.budget.take(auth.tokenId, n);
    if (!spent.ok) {
      // the limiter counts a refused take too: given back, so a batch refused 429 leaves the budget as it was
      // (a smaller batch still fits) — a refusal changes nothing
      await this.budget.refund(auth.tokenId, n);
      throw new ServiceError(429, 'rate_limited', `ingest limit of this token reached; retry in ${Math.ceil(spent.retryMs / 1000)} s`, undefined, spent.retryMs);
    }
  }
}

const forbiddenKey = (key: string) => `forbidden key "${key}" in JSON body`;

/**
 * JSON.parse reviver: prototype-polluting keys are refused wherever they stand. The reference for
 * `forbiddenKeyIn`, which the server uses: a reviver makes V8's JSON.parse call back into JS for every value
 * (≈ 3× the parse), one walk after a plain parse costs a few per cent of it.
 */
export function refuseForbiddenKeys(key: string, value: unknown): unknown {
  if (FORBIDDEN_KEYS.has(key)) throw new SyntaxError(forbiddenKey(key));
  return value;
}

/**
 * The key `JSON.parse(text, refuseForbiddenKeys)` would have refused first, for `v = JSON.parse(text)`, or
 * undefined. Same order as the reviver's (ECMA-262 InternalizeJSONProperty: a value's own keys in order, each
 * key's subtree before the key itself). Recursion is bounded: `guardJsonDepth` refused deeper bodies before parsing.
 */
export function forbiddenKeyIn(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  if (Array.isArray(v)) {
    for (const x of v as unknown[]) {
      const k = forbiddenKeyIn(x);
      if (k !== undefined) return k;
    }
    return undefined;
  }
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    const k = forbiddenKeyIn(o[key]);
    if (k !== undefined) return k;
    if (FORBIDDEN_KEYS.has(key)) return key;
  }
  return undefined;
}

/**
 * After express.json (parsed without a reviver): a body holding a prototype-polluting key is refused exactly as
 * the reviver's SyntaxError was (body-parser: 400, type entity.parse.failed, the error's message), so the answer
 * is the same 400 `malformed_json`.
 */
export const refuseForbiddenBody: RequestHandler = (req, _res, next) => {
  const key = forbiddenKeyIn(req.body);
  if (key === undefined) return next();
  next(Object.assign(new SyntaxError(forbiddenKey(key)), { status: 400, statusCode: 400, expose: true, type: 'entity.parse.failed' }));
};

export function depthOf(v: unknown, limit = MAX_JSON_DEPTH + 1): number {
  if (typeof v !== 'object' || v === null) return 0;
  if (limit <= 0) return 1;
  let max = 0;
  for (const child of Object.values(v)) max = Math.max(max, depthOf(child, limit - 1));
  return max + 1;
}

const tooDeep = () => new ServiceError(400, 'too_deep', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);

/**
 * express.json `verify`: measures the nesting of the raw bytes before they are parsed, so a body of
 * 100,000 brackets is a plain 400 instead of a parser that runs out of stack. UTF-8 multi-byte
 * sequences never contain ASCII bytes, so a byte scan is exact.
 */
export function guardJsonDepth(_req: unknown, _res: unknown, buf: Buffer): void {
  // a body that is not UTF-8 would be decoded with U+FFFD in place of the bad bytes, and stored so
  if (!isUtf8(buf)) throw new ServiceError(400, 'invalid_utf8', 'the body is not valid UTF-8: send JSON encoded as UTF-8');
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (inString) {
      if (b === 0x5c) i++; // backslash: skip the escaped byte
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) throw tooDeep();
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
}

/** POST bodies of the JSON API must be a JSON object, and not absurdly nested. */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  if (!req.is('application/json')) return next(new ServiceError(415, 'unsupported_media_type', 'send the body as Content-Type: application/json'));
  if (req.body === undefined || req.headers['content-length'] === '0') return next(new ServiceError(400, 'empty_body', 'the body is empty: send a JSON object'));
  const b: unknown = req.body;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) {
    const got = b === null ? 'null' : Array.isArray(b) ? 'an array' : `a ${typeof b}`;
    return next(new ServiceError(400, 'invalid_body', `the body must be a JSON object, not ${got}`));
  }
  if (depthOf(b) > MAX_JSON_DEPTH) return next(tooDeep());
  next();
}

type HeaderOp = { name: string; value?: string };

/**
 * A middleware that only sets fixed response headers (helmet with static directives) replayed from a recording:
 * it is run once here on a stand-in response, and every request then gets the same setHeader/removeHeader calls
 * in the same order, without the per-request walk through a dozen closures. Refuses (throws at start-up) a
 * middleware that does anything else: reads the request, calls another response method, or does not call next
 * synchronously without an error.
 */
export function fixedHeaders(mw: RequestHandler): RequestHandler {
  const ops: HeaderOp[] = [];
  const req = new Proxy({}, { get: (_t, p) => { throw new Error(`fixedHeaders: the middleware reads req.${String(p)}`); } });
  const stand = {
    setHeader: (name: string, value: unknown) => {
      if (typeof value !== 'string') throw new Error(`fixedHeaders: header ${name} is not a string`);
      ops.push({ name, value });
      return stand;
    },
    removeHeader: (name: string) => void ops.push({ name }),
  };
  const res = new Proxy(stand, {
    get: (t, p) => {
      if (p === 'setHeader' || p === 'removeHeader') return t[p];
      throw new Error(`fixedHeaders: the middleware uses res.${String(p)}`);
    },
  });
  let passed = false;
  mw(req as Request, res as unknown as Response, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
    passed = true;
  });
  if (!passed) throw new Error('fixedHeaders: the middleware did not call next synchronously');
  return (_req, res, next) => {
    for (const op of ops) {
      if (op.value === undefined) res.removeHeader(op.name);
      else res.setHeader(op.name, op.value);
    }
    next();
  };
}

export const asyncRoute =
  (fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };
