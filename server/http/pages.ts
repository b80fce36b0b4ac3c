/**
 * The built client, and the kiosk login: any page opened with `?token=` trades it for an httpOnly
 * session cookie and is redirected to the same address without the token. A browser that already holds
 * a different valid session is asked first (a link from anywhere must not swap an admin's session for a
 * reporter's token unnoticed): the switch is a same-origin form POST, which another origin cannot make.
 */
import express, { Router } from 'express';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { serialize } from 'cookie';
import { ServiceError } from '../errors';
import { parse as parseCookie } from 'cookie';
import type { Auth } from '../auth/auth';
import { SESSION_COOKIE, asyncRoute, type AuthGate } from './middleware';
import { forbiddenOrigin, sameOrigin } from './origin';

export const PAGES = ['/', '/briefing', '/present', '/hazards', '/import', '/login', '/desk', '/desk/report'];
const YEAR_SECONDS = 400 * 24 * 3600; // browsers cap cookie lifetime at 400 days; every page load renews it

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const who = (a: Auth) => `${esc(a.name)}（${esc(a.role)}，${esc(a.region)}）`;

/** The page that asks before a `?token=` link replaces the session this browser holds. */
function choicePage(current: Auth, next: Auth, token: string, path: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>切换会话 / Switch session</title></head>
<body style="font:18px sans-serif;max-width:40em;margin:4em auto">
<h1>切换会话？/ Switch session?</h1>
<p>此浏览器已登录为 ${who(current)}。链接中的令牌属于 ${who(next)}。</p>
<p>This browser is signed in as ${who(current)}; the link carries the token of ${who(next)}.</p>
<form method="post" action="/session/switch"><input type="hidden" name="token" value="${esc(token)}"><input type="hidden" name="next" value="${esc(path)}">
<button type="submit">切换为 ${esc(next.name)} / Switch</button> <a href="${esc(path)}">保留当前会话 / Keep the current session</a></form>
</body></html>`;
}

export function pagesRouter(clientDir: string, gate: AuthGate, allowedOrigins: readonly string[] = []): Router {
  const dir = resolve(clientDir);
  const index = resolve(dir, 'index.html');
  const r = Router();

  const setSession = (res: express.Response, token: string, secure: boolean) =>
    res.setHeader('Set-Cookie', serialize(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: YEAR_SECONDS }));
  /** The session this browser holds now, if it is still valid. */
  const currentSession = async (req: express.Request): Promise<{ token: string; auth: Auth } | null> => {
    const token = req.headers.cookie ? parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined;
    if (!token) return null;
    const auth = await gate.check(token, req.ip ?? '').catch(() => null);
    return auth ? { token, auth } : null;
  };

  r.post('/session/switch', express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 4 }), asyncRoute(async (req, res) => {
    if (!sameOrigin(req.headers.origin, req.host, allowedOrigins)) throw forbiddenOrigin(req.headers.origin);
    const body = req.body as { token?: unknown; next?: unknown } | undefined;
    const token = typeof body?.token === 'string' ? body.token : '';
    // `next` as it came, unless it is no URL at all ('http://[': new URL throws, which was a 500); URL.canParse is in
    // every Node the engines field allows (URL.parse only from 20.18)
    const asked = typeof body?.next === 'string' && URL.canParse(body.next, 'http://x') ? new URL(body.next, 'http://x') : null;
    const next = asked && PAGES.includes(asked.pathname) ? asked : new URL('/', 'http://x');
    await gate.check(token, req.ip ?? '');
    setSession(res, token, req.secure);
    res.redirect(303, next.pathname + next.search);
  }));

  r.get(PAGES, asyncRoute(async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (token !== undefined) {
      let auth: Auth;
      try {
        auth = await gate.check(token, req.ip ?? '');
      } catch (e) {
        // the database away is not a bad token: the error handler answers 503
        if (!(e instanceof ServiceError) || e.status === 503) throw e;
        const status = e.status;
        res.status(status).type('text/plain; charset=utf-8').send('令牌无效或已吊销 / The token is not valid or was revoked.');
        return;
      }
      const url = new URL(req.originalUrl, 'http://x');
      url.searchParams.delete('token');
      const current = await currentSession(req);
      if (current && current.token !== token) {
        res.setHeader('Cache-Control', 'no-store');
        res.type('html').send(choicePage(current.auth, auth, token, url.pathname + url.search));
        return;
      }
      setSession(res, token, req.secure);
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
