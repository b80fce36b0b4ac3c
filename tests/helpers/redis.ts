/**
 * Redis for tests. The machine's Redis (127.0.0.1:6379) is shared with other people: every test names its
 * keys, streams and channels under a random prefix of its own and removes them afterwards; nothing here ever
 * flushes a database. A test that must restart Redis starts a private redis-server on a random port.
 * When Redis is unreachable the tests are skipped with a plain message — unless HZ_REQUIRE_ALL=1 (CI).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { REQUIRE_ALL } from './postgres';

export const REDIS_URL = process.env.HZ_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function ping(url: string): Promise<void> {
  const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.ping();
  } finally {
    c.disconnect();
  }
}

/** Why Redis cannot be used here, or null when it can. Throws under HZ_REQUIRE_ALL=1. */
export async function redisMissing(): Promise<string | null> {
  try {
    await ping(REDIS_URL);
    return null;
  } catch (e) {
    const why = `Redis not reachable at ${REDIS_URL} (${e instanceof Error ? e.message : String(e)})`;
    if (REQUIRE_ALL) throw new Error(`${why}; HZ_REQUIRE_ALL=1 requires it`);
    console.log(`SKIPPED Redis tests: ${why}`);
    return why;
  }
}

/** A prefix no one else uses: `hz-test-<random>:`. */
export const randomPrefix = (): string => `hz-test-${randomBytes(5).toString('hex')}:`;

/** Deletes every key under `prefix` (SCAN, never FLUSH*). */
export async function dropPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const c = new Redis(url, { maxRetriesPerRequest: 1 });
  c.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await c.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await c.del(...keys);
    } while (cursor !== '0');
  } finally {
    c.disconnect();
  }
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });

export type PrivateRedis = { url: string; port: number; stop(): Promise<void>; start(): Promise<void> };

/** A redis-server of the test's own (no persistence: a restart comes back empty, the hard case). */
export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      try {
        await ping(url);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`private redis-server on ${port} did not start`);
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return resolve();
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  await start();
  return { url, port, stop, start };
}
