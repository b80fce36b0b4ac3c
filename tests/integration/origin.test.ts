/**
 * Same-site requests (docs/SECURITY.md): a page on another port of this host or a sibling subdomain
 * shares the site, so SameSite=Strict still sends it the victim's cookie. Writes and socket handshakes
 * authenticated by the cookie must come from this server's own origin; Bearer tokens are unaffected;
 * a `?token=` link never replaces an existing session without asking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { COLUMNS } from '../../shared/import';
import { api, startApp, type InProcessServer } from '../helpers/server';

let srv: InProcessServer;
let own: string;
const FOREIGN = 'http://127.0.0.1:1';
beforeAll(async () => {
  srv = await startApp({ env: { ALLOWED_ORIGINS: 'https://wall.example.cn' } });
  own = srv.url;
});
afterAll(async () => {
  await srv?.close();
});

const cookie = (token: string) => `hz_session=${token}`;
const hazard = (id: string) => ({ id, regionCode: '141102', sector: 'coal', level: 'general', title: '同源检查', discoveredAt: '2024-11-18T09:30:00+08:00' });
const exists = async (id: string) => (await api(srv.url, srv.tokens.admin, 'GET', `/api/v1/hazards/${id}`)).status === 200;

async function postJson(headers: Record<string, string>, id: string) {
  const res = await fetch(`${srv.url}/api/v1/hazards`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(hazard(id)) });
  return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
}

describe('writes with the session cookie', () => {
  it('from a foreign origin → 403 forbidden_origin, nothing stored', async () => {
    const r = await postJson({ cookie: cookie(srv.tokens.reporter), origin: FOREIGN }, 'ORIG-1');
    expect(r.status).toBe(403);
    expect(r.body.error?.code).toBe('forbidden_origin');
    expect(await exists('ORIG-1')).toBe(false);
  });

  it('without an Origin → 403', async () => {
    expect((await postJson({ cookie: cookie(srv.tokens.reporter) }, 'ORIG-2')).status).toBe(403);
  });

  it('from its own origin, or one in ALLOWED_ORIGINS → accepted', async () => {
    expect((await postJson({ cookie: cookie(srv.tokens.reporter), origin: own }, 'ORIG-3')).status).toBeLessThan(300);
    expect((await postJson({ cookie: cookie(srv.tokens.reporter), origin: 'https://wall.example.cn' }, 'ORIG-4')).status).toBeLessThan(300);
    expect(await exists('ORIG-3')).toBe(true);
    expect(await exists('ORIG-4')).toBe(true);
  });

  it('a Bearer token from any origin is unaffected', async () => {
    expect((await postJson({ authorization: `Bearer ${srv.tokens.reporter}`, origin: FOREIGN }, 'ORIG-5')).status).toBeLessThan(300);
  });

  it('a multipart import from a foreign origin (no preflight needed) → 403, nothing imported', async () => {
    const fd = new FormData();
    fd.append('file', new Blob([`${COLUMNS.map((c) => c.header).join(',')}\r\nORIG-6,141102,coal,一般隐患,跨源导入,,,,,2024-11-18 09:30,,\r\n`]), 'x.csv');
    const res = await fetch(`${srv.url}/api/v1/hazards/import`, { method: 'POST', headers: { cookie: cookie(srv.tokens.reporter), origin: FOREIGN }, body: fd });
    expect(res.status).toBe(403);
    expect(await exists('ORIG-6')).toBe(false);
  });

  it('reads with the cookie need no Origin', async () => {
    const res = await fetch(`${srv.url}/api/v1/summary`, { headers: { cookie: cookie(srv.tokens.viewer) } });
    expect(res.status).toBe(200);
  });
});

describe('socket handshakes', () => {
  const handshake = (opts: { origin?: string; token?: string }) =>
    new Promise<string>((resolve) => {
      const s = connect(srv.url, {
        transports: ['websocket'], reconnection: false, forceNew: true,
        extraHeaders: { cookie: cookie(srv.tokens.viewer), ...(opts.origin ? { origin: opts.origin } : {}) },
        ...(opts.token ? { auth: { token: opts.token } } : {}),
      });
      s.once('connect', () => {
        s.close();
        resolve('connected');
      });
      s.once('connect_error', (e) => {
        s.close();
        resolve(e.message);
      });
    });

  it('with the cookie from a foreign origin → refused, naming why', async () => {
    expect(await handshake({ origin: FOREIGN })).toMatch(/^forbidden_origin/);
  });
  it('with the cookie from its own origin → connected', async () => {
    expect(await handshake({ origin: own })).toBe('connected');
  });
  it('with a token in auth from any origin → connected', async () => {
    expect(await handshake({ origin: FOREIGN, token: srv.tokens.viewer })).toBe('connected');
  });
});

describe('?token= never replaces a session silently', () => {
  const page = (path: string, headers: Record<string, string> = {}) => fetch(`${srv.url}${path}`, { redirect: 'manual', headers });

  it('no session yet: the cookie is set and the token dropped from the address', async () => {
    const res = await page(`/?token=${srv.tokens.display}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('set-cookie')).toContain(`hz_session=${srv.tokens.display}`);
  });

  it('another valid session: a choice page, the cookie untouched', async () => {
    const res = await page(`/present?token=${srv.tokens.reporter}`, { cookie: cookie(srv.tokens.admin) });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    const html = await res.text();
    expect(html).toContain('test-admin');
    expect(html).toContain('test-reporter');
    expect(html).toContain('action="/session/switch"');
  });

  it('the switch is a same-origin POST: from elsewhere 403, from the page 303 with the new cookie', async () => {
    const form = new URLSearchParams({ token: srv.tokens.reporter, next: '/present' });
    const headers = { cookie: cookie(srv.tokens.admin), 'content-type': 'application/x-www-form-urlencoded' };
    const foreign = await fetch(`${srv.url}/session/switch`, { method: 'POST', redirect: 'manual', headers: { ...headers, origin: FOREIGN }, body: form });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
    const ok = await fetch(`${srv.url}/session/switch`, { method: 'POST', redirect: 'manual', headers: { ...headers, origin: own }, body: form });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/present');
    expect(ok.headers.get('set-cookie')).toContain(`hz_session=${srv.tokens.reporter}`);
  });

  it('the same token again just redirects', async () => {
    const res = await page(`/?token=${srv.tokens.admin}`, { cookie: cookie(srv.tokens.admin) });
    expect(res.status).toBe(302);
  });
});
