/**
 * A big store is served while its first integrity check runs, flagged (issue 10, docs/SECURITY.md "Integrity"):
 * the check walks the whole history (about a minute of CPU at 1,000,000 hazards), so start-up waits for it only
 * INTEGRITY_START_WAIT_MS. Here the wait is 0 on a 20,000-hazard store: the node answers requests at once, but
 * /healthz says 503 `checking` (a balancer keeps traffic on checked nodes) and a socket is told `checking`
 * (screens say 校验中, never 实时) until the check passes; then 200 `ok`, and the socket hears `ok`.
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrityNotice } from '../../shared/events';
import { api, filledDataDir, startApp } from '../helpers/server';

const HAZARDS = 20_000;
let dir: string;

beforeAll(async () => {
  dir = await filledDataDir(HAZARDS, 91, 'IS');
}, 180_000);

describe('serving a big store while its first integrity check runs', () => {
  let s: Awaited<ReturnType<typeof startApp>>;
  afterAll(async () => s?.close());

  it('answers at once, flagged checking on /healthz and on sockets, then ok once the check passes', async () => {
    s = await startApp({ dataDir: dir, env: { INTEGRITY_CHECK_MINUTES: '0', INTEGRITY_START_WAIT_MS: '0' } });
    const socket = connect(s.url, { auth: { token: s.tokens.viewer }, transports: ['websocket'], reconnection: false, forceNew: true });
    const notices: IntegrityNotice[] = [];
    socket.on('server:integrity', (n: IntegrityNotice) => notices.push(n));
    try {
      const early = await api(s.url, undefined, 'GET', '/healthz');
      expect(early.status).toBe(503);
      expect(early.body).toMatchObject({ status: 'checking', ready: false, integrity: { status: 'checking' } });
      // the node serves meanwhile: the numbers are there, the screens say they are not yet confirmed
      const summary = await api(s.url, s.tokens.viewer, 'GET', '/api/v1/summary?region=140000');
      expect(summary.status).toBe(200);
      expect(summary.body.totals.total).toBe(HAZARDS);

      const deadline = Date.now() + 120_000;
      let health = early;
      while (health.status !== 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        health = await api(s.url, undefined, 'GET', '/healthz');
      }
      expect(health.body).toMatchObject({ status: 'ok', ready: true, integrity: { status: 'ok' } });
      await expect.poll(() => notices.map((n) => n.status), { timeout: 10_000 }).toEqual(['checking', 'ok']);
    } finally {
      socket.close();
    }
  }, 180_000);
});
