/**
 * What a browser is told: helmet's headers (CSP without inline script, frame-ancestors, nosniff), the
 * kiosk session cookie (httpOnly, SameSite=Strict, Secure behind https), and who may read /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type InProcessServer } from '../helpers/server';

/** The CSP as a map directive → sources. */
function csp(header: string | null): Map<string, string[]> {
  return new Map((header ?? '').split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k!, v]));
}

describe('headers and cookies', () => {
  let s: InProcessServer;
  let proxied: InProcessServer;
  beforeAll(async () => {
    s = await startApp();
    proxied = await startApp({ env: { TRUST_PROXY: 'loopback' } });
  });
  afterAll(async () => {
    await s?.close();
    await proxied?.close();
  });

  it.each(['/', '/briefing', '/api/v1/summary', '/api/v1/nothing', '/healthz'])('%s carries a strict CSP, nosniff and framing rules', async (path) => {
    const res = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${s.tokens.viewer}` } });
    const policy = csp(res.headers.get('content-security-policy'));
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'self'"]);
    expect(policy.get('base-uri')).toEqual(["'self'"]);
    expect(policy.has('script-src-attr') ? policy.get('script-src-attr') : ["'none'"]).not.toContain("'unsafe-inline'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('trades ?token= for an httpOnly, SameSite=Strict cookie and drops it from the address', async () => {
    const res = await fetch(`${s.url}/briefing?region=140100&token=${encodeURIComponent(s.tokens.display)}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/briefing?region=140100');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^hz_session=/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Path=\//);
    expect(cookie).not.toMatch(/;\s*Secure/i); // plain http: a Secure cookie would never come back
    const session = await fetch(`${s.url}/api/v1/session`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(((await session.json()) as { role: string }).role).toBe('display');
  });

  it('marks the cookie Secure behind an https proxy when TRUST_PROXY is set, and only then', async () => {
    const ask = (srv: InProcessServer) =>
      fetch(`${srv.url}/?token=${encodeURIComponent(srv.tokens.display)}`, { redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
    expect((await ask(proxied)).headers.get('set-cookie')).toMatch(/;\s*Secure/i);
    // without TRUST_PROXY the header is anyone's to send, so it is ignored
    expect((await ask(s)).headers.get('set-cookie')).not.toMatch(/;\s*Secure/i);
  });

  it('a bad ?token= gets no cookie', async () => {
    const res = await fetch(`${s.url}/?token=hz_forged_token`, { redirect: 'manual' });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('serves /metrics to loopback, and through a proxy only to admin tokens', async () => {
    expect((await fetch(`${s.url}/metrics`)).status).toBe(200);
    const remote = (token?: string) =>
      fetch(`${proxied.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7', ...(token ? { authorization: `Bearer ${token}` } : {}) } });
    expect((await remote()).status).toBe(401);
    expect((await remote(proxied.tokens.viewer)).status).toBe(403);
    const ok = await remote(proxied.tokens.admin);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^hz_chain_head\{hash="[0-9a-f]{64}"\} \d+$/m);
  });
});
