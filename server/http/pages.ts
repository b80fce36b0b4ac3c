/**
 * The built client, and the kiosk login: any page opened with `?token=` trades it for an httpOnly
 * session cookie and is redirected to the same address without the token.
 */
import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { serialize } from 'cookie';
import { ServiceError } from '../errors';
import { SESSION_COOKIE, asyncRoute, type AuthGate } from './middleware';

export const PAGES = ['/', '/briefing', '/present', '/hazards', '/import', '/login', '/desk', '/desk/report'];
const YEAR_SECONDS = 400 * 24 * 3600; // browsers cap cookie lifetime at 400 days; every page load renews it

export function pagesRouter(clientDir: string, gate: AuthGate): Router {
  const dir = resolve(clientDir);
  const index = resolve(dir, 'index.html');
  const r = Router();

  r.get(PAGES, asyncRoute(async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (token !== undefined) {
      try {
        await gate.check(token, req.ip ?? '');
      } catch (e) {
        // the database away is not a bad token: the error handler answers 503
        if (!(e instanceof ServiceError) || e.status === 503) throw e;
        const status = e.status;
        res.status(status).type('text/plain; charset=utf-8').send('令牌无效或已吊销 / The token is not valid or was revoked.');
        return;
      }
      const url = new URL(req.originalUrl, 'http://x');
      url.searchParams.delete('token');
      res.setHeader('Set-Cookie', serialize(SESSION_COOKIE, token, {
        httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', maxAge: YEAR_SECONDS,
      }));
      res.redirect(302, url.pathname + url.search);
      return;
    }
    if (!existsSync(index)) {
      res.status(503).type('text/plain; charset=utf-8').send('The client is not built: run `npm run build`.');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  }));

  r.use(express.static(dir, {
    index: false,
    setHeaders: (res, path) => {
      if (path.includes(`${'/'}assets${'/'}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  }));
  return r;
}
