/**
 * A private PostgreSQL cluster in a temporary directory on a random port, for tests that must stop or restart the
 * database (the machine's own server is shared: never restart it). Built with the distribution's initdb/pg_ctl,
 * run as the `postgres` user when the test runs as root (PostgreSQL refuses to run as root). When the binaries are
 * absent the caller skips with the message (and fails under HZ_REQUIRE_ALL=1).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { REQUIRE_ALL } from './postgres';

const BIN_ROOT = '/usr/lib/postgresql';

function binDir(): string | null {
  if (!existsSync(BIN_ROOT)) return null;
  const versions = readdirSync(BIN_ROOT).filter((v) => existsSync(join(BIN_ROOT, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(BIN_ROOT, versions[0], 'bin') : null;
}

/** Why a private cluster cannot be made here, or null. Throws under HZ_REQUIRE_ALL=1. */
export function clusterMissing(): string | null {
  if (binDir()) return null;
  const why = `no PostgreSQL server binaries (initdb, pg_ctl) under ${BIN_ROOT}`;
  if (REQUIRE_ALL) throw new Error(`${why}; HZ_REQUIRE_ALL=1 requires them`);
  console.log(`SKIPPED private PostgreSQL cluster tests: ${why}`);
  return why;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

export type Cluster = { url: string; port: number; stop(): Promise<void>; start(): Promise<void>; restart(): Promise<void>; destroy(): void };

export async function startCluster(): Promise<Cluster> {
  const bin = binDir();
  if (!bin) throw new Error('no PostgreSQL binaries');
  const dir = mkdtempSync(join(tmpdir(), 'hz-pg-'));
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  chmodSync(dir, 0o700);
  // as root, run each command as `postgres` (resolved by name by su)
  const argv = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ['su', ['postgres', '-s', '/bin/sh', '-c', [join(bin, cmd), ...args].map((a) => `'${a}'`).join(' ')]] : [join(bin, cmd), args];
  const run = (cmd: string, args: string[]) => execFileSync(...argv(cmd, args), { stdio: 'pipe', timeout: 60_000 });
  // asynchronous for the test's use: the test's own requests must keep flowing while the database is down
  const runAsync = async (cmd: string, args: string[]) => void (await promisify(execFile)(...argv(cmd, args), { timeout: 60_000 }));
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  run('initdb', ['-D', data, '--auth=trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const ctlArgs = (action: string, extra: string[] = []) => ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', ...extra, action];
  const ctl = (action: string, extra: string[] = []) => runAsync('pg_ctl', ctlArgs(action, extra));
  run('pg_ctl', ctlArgs('start'));
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start: () => ctl('start'),
    stop: () => ctl('stop', ['-m', 'fast']),
    restart: () => ctl('restart', ['-m', 'fast']),
    destroy: () => {
      try {
        run('pg_ctl', ctlArgs('stop', ['-m', 'immediate']));
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
