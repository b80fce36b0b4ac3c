/**
 * Several real server processes on one PostgreSQL database (and, when given, one Redis under a prefix of the
 * test's own), with tokens created in that database as `npm run token -- create` would.
 */
import type { ChildProcess } from 'node:child_process';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/events';
import { openStore } from '../../server/store';
import type { Role } from '../../shared/schemas';
import type { PresentAck, PresentState } from '../../shared/present';
import { spawnServer, tokensIn } from './server';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export type Node = {
  url: string;
  port: number;
  env: Record<string, string>;
  kill(): Promise<void>;
  /** sends a signal to the node's process (SIGSTOP / SIGCONT: a node that stalls and comes back) */
  signal(sig: NodeJS.Signals): void;
  output(): string;
};

export async function pgTokens(databaseUrl: string, specs: Record<string, { role: Role; region?: string; name?: string }>): Promise<Record<string, string>> {
  const store = await openStore({ DATA_DIR: 'unused', DATABASE_URL: databaseUrl, TZ_REGION: 'Asia/Shanghai' });
  try {
    return await tokensIn(store.tokens, specs);
  } finally {
    await store.close();
  }
}

const exited = (child: ChildProcess) =>
  new Promise<void>((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r();
    child.once('exit', () => r());
    child.kill('SIGKILL');
  });

export async function startNode(env: Record<string, string>): Promise<Node> {
  const full = { HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', DATA_DIR: 'unused', ...env };
  const proc = await spawnServer(full);
  return { url: `http://127.0.0.1:${proc.port}`, port: proc.port, env: full, kill: () => exited(proc.child), signal: (sig) => void proc.child.kill(sig), output: () => proc.out.join('') };
}

/** A node that must not start: resolves with its exit code and output. */
export async function refusedNode(env: Record<string, string>): Promise<{ exitCode: number | null; output: string }> {
  try {
    const n = await startNode(env);
    await n.kill();
    return { exitCode: 0, output: 'it started' };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /server exited with (\d+)/.exec(msg);
    return { exitCode: m ? Number(m[1]) : null, output: msg };
  }
}

const clients: Client[] = [];

export async function connectClient(url: string, token: string): Promise<Client> {
  const s: Client = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  clients.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  return s;
}

export function closeClients(): void {
  for (const s of clients.splice(0)) s.disconnect();
}

/** The first `event` on the socket whose payload satisfies `ok`, or a failure after `ms`. */
export function eventUntil<E extends keyof ServerToClientEvents>(s: Client, event: E, ok: (v: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true, ms = 3000): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  type V = Parameters<ServerToClientEvents[E]>[0];
  return new Promise((resolve, reject) => {
    const fn = (v: V) => {
      if (!ok(v)) return;
      clearTimeout(timer);
      s.off(event, fn as never);
      resolve(v);
    };
    const timer = setTimeout(() => {
      s.off(event, fn as never);
      reject(new Error(`no matching ${String(event)} within ${ms} ms`));
    }, ms);
    s.on(event, fn as never);
  });
}

/** `present:join` over a node's socket, answered by its ack. */
export const presentJoin = (s: Client, args: Parameters<ClientToServerEvents['present:join']>[0]) =>
  new Promise<PresentAck>((resolve) => s.emit('present:join', args, resolve));
/** `present:go` over a node's socket, answered by its ack. */
export const presentGo = (s: Client, args: Parameters<ClientToServerEvents['present:go']>[0]) =>
  new Promise<PresentAck>((resolve) => s.emit('present:go', args, resolve));
/** The room's state from an ack that must be ok. */
export const stateOf = (a: PresentAck): PresentState => {
  if (!a.ok) throw new Error(`${a.error.code}: ${a.error.message}`);
  return a.state;
};
