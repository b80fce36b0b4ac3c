/** Authentication, throttling and body checks shared by the API routes. */
import { parse as parseCookie } from 'cookie';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Auth } from '../auth/auth';
import type { TokenStore } from '../auth/tokens';
import { ServiceError } from '../errors';

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
  private readonly failures: RateLimiterMemory;
  constructor(private readonly tokens: TokenStore, failureLimit: number) {
    this.failures = new RateLimiterMemory({ points: failureLimit, duration: 300, blockDuration: 300 });
  }

  async check(token: string | undefined, address: string): Promise<Auth> {
    const auth = token ? await this.tokens.authenticate(token) : null;
    if (auth) return auth;
    try {
      await this.failures.consume(address || 'unknown');
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        throw new ServiceError(429, 'too_many_failures', `too many failed authentications from this address; retry in ${Math.ceil(e.msBeforeNext / 1000)} s`);
      }
      throw e;
    }
    throw new ServiceError(401, 'unauthenticated', token ? 'the token is not valid (unknown or revoked)' : 'a token is required: Authorization: Bearer <token>');
  }

  middleware(): RequestHandler {
    return (req, _res, next) => {
      this.check(tokenFrom(req.headers.authorization, req.headers.cookie), req.ip ?? '')
        .then((auth) => {
          req.auth = auth;
          next();
        })
        .catch(next);
    };
  }
}

/** Per-token ingest budget, counted in hazards; admin tokens are never limited. */
export class IngestLimiter {
  private readonly limiter: RateLimiterMemory;
  constructor(perMinute: number) {
    this.limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  }
  async take(auth: Auth, n: number): Promise<void> {
    if (auth.role === 'admin' || n <= 0) return;
    try {
      await this.limiter.consume(auth.tokenId, n);
    } catch (e) {
      if (e instanceof RateLimiterRes) {
        throw new ServiceError(429, 'rate_limited', `ingest limit of this token reached; retry in ${Math.ceil(e.msBeforeNext / 1000)} s`);
      }
      throw e;
    }
  }
}

/** JSON.parse reviver: prototype-polluting keys are refused wherever they stand. */
export function refuseForbiddenKeys(key: string, value: unknown): unknown {
  if (FORBIDDEN_KEYS.has(key)) throw new SyntaxError(`forbidden key "${key}" in JSON body`);
  return value;
}

export function depthOf(v: unknown, limit = MAX_JSON_DEPTH + 1): number {
  if (typeof v !== 'object' || v === null) return 0;
  if (limit <= 0) return 1;
  let max = 0;
  for (const child of Object.values(v)) max = Math.max(max, depthOf(child, limit - 1));
  return max + 1;
}

/** POST bodies of the JSON API must be JSON, and not absurdly nested. */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  if (!req.is('application/json')) return next(new ServiceError(415, 'unsupported_media_type', 'send the body as Content-Type: application/json'));
  if (req.body === undefined) return next(new ServiceError(400, 'malformed_json', 'the body is empty'));
  if (depthOf(req.body) > MAX_JSON_DEPTH) return next(new ServiceError(400, 'too_deep', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`));
  next();
}

export const asyncRoute =
  (fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler =>
  (req, res, next) => {
    fn(req, res).catch(next);
  };
