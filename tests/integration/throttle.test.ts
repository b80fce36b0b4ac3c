/**
 * Throttling: failed authentication is limited per address while valid tokens from that address keep
 * working (a command centre's screens share one address); ingest is limited per token, never for admin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng, makeHazard } from '../helpers/hazards';
import { refusal, Screen } from '../helpers/live';
import { api, createTokens, postHazards, startApp, type InProcessServer } from '../helpers/server';

const LIMIT = 5;

describe('failed authentication from one address', () => {
  let s: InProcessServer;
  beforeAll(async () => {
    // TRUST_PROXY=loopback: the tests play several client addresses through X-Forwarded-For, as a proxy would
    s = await startApp({ env: { AUTH_FAILURE_LIMIT: String(LIMIT), TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => s?.close());

  const from = (ip: string, token?: string) =>
    fetch(`${s.url}/api/v1/summary`, { headers: { 'x-forwarded-for': ip, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  it(`answers 401 ${LIMIT} times, then 429 — while a valid token from the same address keeps working`, async () => {
    const ip = '198.51.100.10';
    for (let i = 0; i < LIMIT; i++) expect((await from(ip, `hz_guess${i}_${'x'.repeat(40)}`)).status).toBe(401);
    const blocked = await from(ip, 'hz_guess_again');
    expect(blocked.status).toBe(429);
    const body = (await blocked.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('too_many_failures');
    expect(body.error.message).toMatch(/retry in \d+ s/);
    expect((await from(ip)).status).toBe(429); // no token at all counts too

    for (const token of [s.tokens.display, s.tokens.viewer, s.tokens.admin]) expect((await from(ip, token)).status).toBe(200);
    expect((await from('198.51.100.11', 'hz_other_client')).status).toBe(401); // another address is not blocked
    expect((await from(ip, s.tokens.display)).status).toBe(200);
  });

  it('the kiosk login and the socket handshake share the same throttle, and valid tokens still pass', async () => {
    // sockets and pages see the connecting address (loopback here), so this block is for 127.0.0.1
    for (let i = 0; i < LIMIT; i++) await api(s.url, `hz_bad${i}_x`, 'GET', '/api/v1/session');
    const page = await fetch(`${s.url}/?token=hz_bad_page`, { redirect: 'manual' });
    expect(page.status).toBe(429);
    expect(await refusal(s.url, 'hz_bad_socket')).toMatch(/too_many_failures/);
    const screen = await Screen.connect(s.url, s.tokens.display);
    expect((await screen.subscribe('140000')).region).toBe('140000');
    screen.close();
    const login = await fetch(`${s.url}/?token=${encodeURIComponent(s.tokens.display)}`, { redirect: 'manual' });
    expect(login.status).toBe(302);
  });
});

describe('per-token ingest limit', () => {
  const PER_MINUTE = 20;
  let s: InProcessServer;
  let other: string;
  beforeAll(async () => {
    s = await startApp({ env: { INGEST_LIMIT_PER_MINUTE: String(PER_MINUTE) } });
    other = (await createTokens(s.dataDir, { other: { role: 'reporter', name: '另一个市' } })).other!;
  });
  afterAll(() => s?.close());

  it('answers 429 once a reporter token has sent its hazards for the minute, storing nothing of the refused request', async () => {
    const r = rng(7);
    const first = await postHazards(s.url, s.tokens.reporter, Array.from({ length: 15 }, (_, i) => makeHazard(r, i)));
    expect(first.status).toBe(200);
    expect(first.body.accepted).toBe(15);

    const over = Array.from({ length: 10 }, (_, i) => makeHazard(r, 100 + i));
    const refused = await postHazards(s.url, s.tokens.reporter, over);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/retry in \d+ s/) });
    expect((await api(s.url, s.tokens.admin, 'GET', `/api/v1/hazards/${over[0]!.id}`)).status).toBe(404);
    // the refused 10 spent nothing: the 5 left of the minute's 20 still fit, then nothing does
    expect((await postHazards(s.url, s.tokens.reporter, Array.from({ length: 5 }, (_, i) => makeHazard(r, 150 + i)))).body.accepted).toBe(5);
    const single = await api(s.url, s.tokens.reporter, 'POST', '/api/v1/hazards', makeHazard(r, 200));
    expect(single.status).toBe(429);

    // per token: another reporter is not affected, and reads of the limited token still work
    expect((await postHazards(s.url, other, [makeHazard(r, 300)])).body.accepted).toBe(1);
    expect((await api(s.url, s.tokens.reporter, 'GET', '/api/v1/summary')).status).toBe(200);
    const summary = await api(s.url, s.tokens.admin, 'GET', '/api/v1/summary');
    expect(summary.body.totals.total).toBe(21);
  });

  it('never limits an admin token', async () => {
    const r = rng(8);
    for (let k = 0; k < 3; k++) {
      const res = await postHazards(s.url, s.tokens.admin, Array.from({ length: 50 }, (_, i) => makeHazard(r, 1000 * k + i)));
      expect(res.status).toBe(200);
      expect(res.body.accepted).toBe(50);
    }
  });
});
