/**
 * Shutdown does not wait for a running integrity check (server/audit/integrity.ts `stop`). The check walks the
 * whole history — about a minute of CPU at 1,000,000 hazards, first at start and then every
 * INTEGRITY_CHECK_MINUTES — and SIGTERM gives the node 9.5 s (server/main.ts) before it exits 1 without draining
 * its requests or closing its store. The check's threads only read, so stopping them loses nothing: a node
 * stopped during its check exits 0 without the check's verdict (the next start checks again).
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, filledDataDir, spawnServer } from '../helpers/server';

const HAZARDS = 10_000;
let dir: string;

beforeAll(async () => {
  dir = await filledDataDir(HAZARDS, 93, 'SD');
}, 180_000);

describe('SIGTERM while the first integrity check runs', () => {
  let child: ChildProcess | undefined;
  afterAll(() => void child?.kill('SIGKILL'));

  it('stops the check and exits 0 without waiting for its verdict', async () => {
    const lines: string[] = [];
    const started = await spawnServer(
      { HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'info', INTEGRITY_START_WAIT_MS: '0', INTEGRITY_CHECK_MINUTES: '0' },
      (line) => lines.push(line),
    );
    child = started.child;
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    const health = await api(`http://127.0.0.1:${started.port}`, undefined, 'GET', '/healthz');
    // the premise: the check is still running when the signal is sent
    expect(health.body).toMatchObject({ status: 'checking' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const messages = lines.flatMap((l) => {
      try {
        return [(JSON.parse(l) as { msg?: string }).msg ?? ''];
      } catch {
        return [];
      }
    });
    const from = messages.indexOf('shutting down');
    expect(from).toBeGreaterThanOrEqual(0);
    // without `stop` ending the check's threads, close() waited for them and logged their verdict first
    expect(messages.slice(from)).not.toContain('integrity verified');
  }, 120_000);
});
