/**
 * Same-origin checks for what a browser sends by itself. The session cookie is SameSite=Strict, which
 * stops other *sites* but not other origins of the same site (another port of this host, a sibling
 * subdomain): a page there could POST a multipart import or open a WebSocket with the victim's cookie.
 * So a state-changing request or a socket handshake authenticated by the cookie must carry an `Origin`
 * that is this server's own (or one listed in ALLOWED_ORIGINS). Bearer tokens are not sent by browsers on
 * their own, so API clients using them are not affected. See docs/SECURITY.md "Same-site requests".
 */
import type { RequestHandler } from 'express';
import { parse as parseCookie } from 'cookie';
import { ServiceError } from '../errors';
import { SESSION_COOKIE } from './middleware';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** ALLOWED_ORIGINS: comma-separated origins (`https://dashboard.example.cn`), compared exactly. */
export const parseAllowedOrigins = (v: string | undefined): string[] =>
  (v ?? '').split(',').map((s) => s.trim().replace(/\/+$/, '')).filter(Boolean);

/** True when `origin` names the host the request was sent to, or is explicitly allowed. */
export function sameOrigin(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin || origin === 'null') return false;
  if (allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

export const usesSessionCookie = (authorization: string | undefined, cookie: string | undefined): boolean =>
  !/^Bearer\s+\S+$/i.test(authorization ?? '') && cookie !== undefined && parseCookie(cookie)[SESSION_COOKIE] !== undefined;

export const forbiddenOrigin = (origin: string | undefined) =>
  new ServiceError(403, 'forbidden_origin', `${origin ? `origin ${origin.slice(0, 200)}` : 'a request without an Origin header'} may not use this session: only this server's own pages may (ALLOWED_ORIGINS widens it)`);

/** Express middleware: writes authenticated by the session cookie need a same-origin `Origin`. */
export function originGuard(allowed: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    if (SAFE.has(req.method) || !usesSessionCookie(req.headers.authorization, req.headers.cookie)) return next();
    const origin = req.headers.origin;
    next(sameOrigin(origin, req.host, allowed) ? undefined : forbiddenOrigin(origin));
  };
}
