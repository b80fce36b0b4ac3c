/**
 * People sign in and out: POST /api/v1/session {username, password} sets the httpOnly SameSite=Strict
 * session cookie; DELETE /api/v1/session ends it; POST /api/v1/session/password changes the password
 * (required after a one-time password before anything else). Mounted before the token gate: signing in
 * needs no token.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { serialize } from 'cookie';
import { z } from 'zod';
import type { Person } from './auth';
import type { UserInfo } from './accounts';
import { Lockout } from './lockout';
import type { TokenStore } from './tokens';
import type { Budgets } from '../http/budget';
import { ServiceError } from '../errors';
import { parseOr400 } from '../http/validate';
import { SESSION_COOKIE, asyncRoute, requireJson, tokenFrom, type AuthGate } from '../http/middleware';

export const LoginSchema = z.strictObject({ username: z.string().min(1, 'is required').max(64), password: z.string().min(1, 'is required').max(256) });
export const PasswordSchema = z.strictObject({ current: z.string().min(1, 'is required').max(256), next: z.string().min(1, 'is required').max(256) });

export const userView = (u: UserInfo | (Person & { role: string; region: string })) => ({
  username: u.username, displayName: u.displayName, role: u.role, region: u.region, source: u.source,
  mustChangePassword: 'mustChangePassword' in u ? u.mustChangePassword : false,
});

const invalid = () => new ServiceError(401, 'invalid_credentials', 'wrong username or password');

function setCookie(req: Request, res: Response, value: string, maxAge?: number): void {
  // no Max-Age: the cookie ends with the browser; the server ends the session after a working day idle
  res.setHeader('Set-Cookie', serialize(SESSION_COOKIE, value, {
    httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', ...(maxAge !== undefined ? { maxAge } : {}),
  }));
}

/**
 * Mounted at /api/v1/session (so other API requests do not walk its routes). `budgets`: the app's rate budgets,
 * shared by every node with REDIS_URL (the lockout counts there).
 */
export function sessionRouter(tokens: TokenStore, gate: AuthGate, budgets: Budgets): Router {
  const r = Router();
  const lockout = new Lockout(budgets);

  r.post('/', requireJson, asyncRoute(async (req, res) => {
    const body = parseOr400(LoginSchema, req.body);
    const address = req.ip ?? '';
    await lockout.check(body.username, address);
    const user = await tokens.accounts.check(body.username, body.password);
    if (!user) {
      await lockout.failed(body.username, address);
      throw invalid();
    }
    await lockout.succeeded(body.username);
    setCookie(req, res, await tokens.accounts.openSession(user));
    res.json({ user: userView(user) });
  }));

  const signedIn: RequestHandler = (req, _res, next) => {
    gate.check(tokenFrom(req.headers.authorization, req.headers.cookie), req.ip ?? '').then((auth) => {
      req.auth = auth;
      next();
    }, next);
  };

  r.delete('/', signedIn, asyncRoute(async (req, res) => {
    const id = req.auth!.tokenId;
    if (id.startsWith('session:')) await tokens.accounts.endSession(id.slice('session:'.length));
    setCookie(req, res, '', 0);
    res.status(204).end();
  }));

  r.post('/password', requireJson, signedIn, asyncRoute(async (req, res) => {
    const body = parseOr400(PasswordSchema, req.body);
    const person = req.auth!.user;
    if (!person) throw new ServiceError(403, 'not_a_person', 'only a person signed in with a password can change it');
    await lockout.check(person.username, req.ip ?? '');
    const outcome = await tokens.accounts.changePassword(person.username, body.current, body.next);
    if (outcome === 'wrong') {
      await lockout.failed(person.username, req.ip ?? '');
      throw new ServiceError(403, 'wrong_password', 'the current password is not right');
    }
    if (outcome !== 'ok') throw new ServiceError(400, 'weak_password', outcome, [{ path: 'next', message: outcome }]);
    res.json({ user: userView({ ...person, mustChangePassword: false, role: req.auth!.role, region: req.auth!.region }) });
  }));
  return r;
}

/** After the gate: a person still holding a one-time password may only read who they are and change it. */
export const requirePasswordChanged: RequestHandler = (req, _res, next) => {
  if (req.auth?.user?.mustChangePassword && !(req.method === 'GET' && req.path === '/session')) {
    return next(new ServiceError(403, 'password_change_required', 'change the one-time password first: POST /api/v1/session/password'));
  }
  next();
};
