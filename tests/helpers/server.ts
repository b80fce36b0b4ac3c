/**
 * Test harness: the real server on a random port with a temporary SQLite directory.
 * `startServer` runs it as a child process (so tests can SIGKILL and restart it);
 * `startApp` runs it in this process (faster; for tests that need its internals).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openSqlite } from '../../server/db/sqlite';
import { SqliteTokenStore, type TokenStore } from '../../server/auth/tokens';
import { createApp, type App } from '../../server/app';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/logger';
import { openStore } from '../../server/store';
import { openCluster } from '../../server/cluster';
import { featureRoutes, featureSockets } from '../../server/features';
import type { Role } from '../../shared/schemas';
import { makeHazard, rng } from './hazards';

const ROOT = resolve(import.meta.dirname, '../..');
export type Tokens = { admin: string; display: string; viewer: string; reporter: string };

export const tempDir = (prefix = 'hz-test-') => mkdtempSync(join(tmpdir(), prefix));

/** Creates tokens straight in the store (as `npm run token -- create` would). */
export async function createTokens(dataDir: string, specs: Record<string, { role: Role; region?: string; name?: string }>): Promise<Record<string, string>> {
  const db = openSqlite(join(dataDir, 'hazards.sqlite'));
  try {
    return await tokensIn(new SqliteTokenStore(db), specs);
  } finally {
    db.close();
  }
}

/** Creates tokens in any token store (SQLite or PostgreSQL). */
export async function tokensIn(store: TokenStore, specs: Record<string, { role: Role; region?: string; name?: string }>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, spec] of Object.entries(specs)) out[k] = (await store.create(spec)).token;
  return out;
}

const DEFAULT_TOKENS = {
  admin: { role: 'admin', name: 'test-admin' },
  display: { role: 'display', name: 'test-display' },
  viewer: { role: 'viewer', name: 'test-viewer' },
  reporter: { role: 'reporter', name: 'test-reporter' },
} as const;

const defaultTokens = (dataDir: string) => createTokens(dataDir, DEFAULT_TOKENS) as Promise<Tokens>;

export type ChildServer = {
  url: string;
  port: number;
  dataDir: string;
  tokens: Tokens;
  /** SIGTERM and wait */
  stop(): Promise<void>;
  /** SIGKILL and wait */
  kill(): Promise<void>;
  /** start again on the same port and data */
  restart(): Promise<void>;
  output(): string;
  /** the server process's id (for /proc/PID/status: peak memory) */
  pid(): number;
};

/** Generous: on a loaded machine (several test files each starting nodes) a tsx start-up alone can take 30 s. */
const START_TIMEOUT_MS = 90_000;

/**
 * Test servers wait for their first integrity check before they listen, as production does for small stores: on a
 * loaded machine a check of a few hundred hazards may outlast production's 3 s, and a test that reads /healthz
 * right after start must not meet `checking` by chance (tests/integration/integrity-start.test.ts sets 0).
 */
const TEST_DEFAULTS = { INTEGRITY_START_WAIT_MS: '120000' };

export function spawnServer(env: Record<string, string>, onLine?: (line: string) => void): Promise<{ child: ChildProcess; port: number; out: string[] }> {
  const out: string[] = [];
  let partial = '';
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, env.HZ_ENTRY ?? 'server/index.ts')], {
    cwd: ROOT,
    env: { ...TEST_DEFAULTS, ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${START_TIMEOUT_MS / 1000} s:\n${out.join('')}`)), START_TIMEOUT_MS);
    const onData = (b: Buffer) => {
      out.push(b.toString());
      if (onLine) {
        const lines = (partial + b.toString()).split('\n');
        partial = lines.pop()!;
        for (const line of lines) onLine(line);
      }
      if (out.length > 400) out.splice(0, 200);
      const m = /LISTENING (\d+)/.exec(out.join(''));
      if (m) {
        clearTimeout(timer);
        resolvePort({ child, port: Number(m[1]), out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => out.push(b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out.join('')}`));
    });
  });
}

const waitExit = (child: ChildProcess, signal: NodeJS.Signals) =>
  new Promise<void>((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r();
    child.once('exit', () => r());
    child.kill(signal);
  });

/** `onLine` gets every line the server writes to stdout (its log), whole and in order. */
export async function startServer(opts: { dataDir?: string; env?: Record<string, string>; onLine?: (line: string) => void } = {}): Promise<ChildServer> {
  const dataDir = opts.dataDir ?? tempDir();
  const tokens = await defaultTokens(dataDir);
  const env = { HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...opts.env };
  let proc = await spawnServer(env, opts.onLine);
  const port = proc.port;
  const server: ChildServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    tokens,
    stop: () => waitExit(proc.child, 'SIGTERM'),
    kill: () => waitExit(proc.child, 'SIGKILL'),
    restart: async () => {
      await waitExit(proc.child, 'SIGKILL');
      proc = await spawnServer({ ...env, PORT: String(port) }, opts.onLine);
    },
    output: () => proc.out.join(''),
    pid: () => proc.child.pid!,
  };
  return server;
}

export type InProcessServer = { url: string; port: number; dataDir: string; tokens: Tokens; app: App; close(): Promise<void> };

export async function startApp(opts: { dataDir?: string; env?: Record<string, string>; demo?: boolean; now?: () => number } = {}): Promise<InProcessServer> {
  const dataDir = opts.dataDir ?? tempDir();
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...TEST_DEFAULTS, ...opts.env }, opts.demo ?? false);
  const store = await openStore(config);
  // in the store the app uses: the SQLite file in DATA_DIR, or PostgreSQL when env has DATABASE_URL
  const tokens = (await tokensIn(store.tokens, DEFAULT_TOKENS)) as Tokens;
  const log = createLogger(config.LOG_LEVEL);
  // with REDIS_URL the in-process app joins that cluster; without it, it stays local (several in-process apps
  // on one PostgreSQL database are the store tests' business: the production node lock is index.ts's)
  const cluster = config.REDIS_URL ? await openCluster(config, log) : undefined;
  const app = await createApp({ config, store, log, cluster, extraRoutes: featureRoutes, extraSockets: featureSockets, now: opts.now });
  const port = await app.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, port, dataDir, tokens, app, close: () => app.close() };
}

/** POSTs hazards as a batch; returns status and body. */
export async function postHazards(url: string, token: string, hazards: unknown[]): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/api/v1/hazards`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ hazards }),
  });
  return { status: res.status, body: await res.json() };
}

/** Any JSON API call. */
export async function api(url: string, token: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * A data directory holding `hazards` reports (1,000 per POST, ids `<prefix>-<k>-<i>`) written through the real
 * server, which is closed again: for tests of what a later start does with a store of some size. No periodic
 * integrity check runs while it is filled.
 */
export async function filledDataDir(hazards: number, seed: number, prefix: string): Promise<string> {
  const dir = tempDir();
  const s = await startApp({ dataDir: dir, env: { INTEGRITY_CHECK_MINUTES: '0' } });
  const r = rng(seed);
  for (let k = 0; k < hazards / 1000; k++) {
    const batch = Array.from({ length: 1000 }, (_, i) => makeHazard(r, k * 1000 + i, { id: `${prefix}-${k}-${i}` }));
    const res = await postHazards(s.url, s.tokens.admin, batch);
    if (res.body?.accepted !== 1000) throw new Error(`filling ${dir}: ${JSON.stringify(res.body).slice(0, 300)}`);
  }
  await s.close();
  return dir;
}
