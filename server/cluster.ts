/**
 * What the nodes of one deployment share besides the database. With REDIS_URL: the Socket.IO adapter (so an
 * emit to a room reaches its sockets on every node), the presentation rooms and the rate budgets, all under
 * REDIS_PREFIX. Without it everything stays in this process — and on PostgreSQL this node holds a session
 * advisory lock for as long as it runs, so a second node without Redis refuses to start instead of running
 * half-shared (its own rooms, its own budgets). Summary deltas never pass through here: every node computes
 * them from the same ordered change stream.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Logger } from 'pino';
import type { ServerOptions } from 'socket.io';
import type { Config } from './config';
import { memoryBudgets, redisBudgets, type Budgets } from './http/budget';
import { MemoryRooms, type RoomDriver } from './realtime/present-rooms';
import { RedisRooms } from './realtime/present-redis';

/** The lock a node without Redis holds on PostgreSQL ('hznode' as digits, below 2^53). */
export const NODE_LOCK = 0x687a6e6f6465;
const CONNECT_TIMEOUT_MS = 10_000;
const RELOCK_MS = 5_000;

export type Cluster = {
  /** the Socket.IO adapter; undefined = the in-memory one (a single node) */
  adapter?: ServerOptions['adapter'];
  budgets: Budgets;
  rooms: RoomDriver;
  describe: string;
  close(): Promise<void>;
};

/** Everything in this process: one node (SQLite, or the tests' in-process apps). */
export function localCluster(): Cluster {
  return { budgets: memoryBudgets, rooms: new MemoryRooms(), describe: 'single node', close: async () => {} };
}

export async function openCluster(config: Pick<Config, 'REDIS_URL' | 'REDIS_PREFIX' | 'DATABASE_URL' | 'PRESENT_LEASE_MS'>, log: Logger): Promise<Cluster> {
  if (config.REDIS_URL) return openRedisCluster(config.REDIS_URL, config.REDIS_PREFIX, config.PRESENT_LEASE_MS, log);
  if (config.DATABASE_URL && /^postgres(ql)?:/.test(config.DATABASE_URL)) {
    const lock = await holdNodeLock(config.DATABASE_URL, log);
    return { ...localCluster(), describe: 'single node (PostgreSQL node lock held; set REDIS_URL for several nodes)', close: () => lock.release() };
  }
  return localCluster();
}

const redisLabel = (url: string): string => {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || '6379'}`;
  } catch {
    return '(unparsable REDIS_URL)';
  }
};

async function openRedisCluster(url: string, prefix: string, leaseMs: number, log: Logger): Promise<Cluster> {
  const client = new Redis(url, {
    lazyConnect: true,
    // a command waits through two reconnect attempts at most, then fails: callers answer "unavailable" or fall
    // back (budgets) instead of queueing without bound while Redis is away
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => Math.min(200 * attempt, 2_000),
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  let down = false;
  client.on('error', (err: Error) => {
    if (!down) log.warn({ err: err.message }, 'redis connection lost; reconnecting');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info('redis connection back');
    down = false;
  });
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    throw new Error(`REDIS_URL ${redisLabel(url)} is not reachable (${e instanceof Error ? e.message : String(e)}); start Redis or unset REDIS_URL for a single node`);
  }
  const rooms = new RedisRooms(client, prefix, log, leaseMs);
  return {
    // Redis Streams, not pub/sub: a packet published while a node's connection was down is read when it comes back
    adapter: createAdapter(client, { streamName: `${prefix}socket.io`, channelPrefix: `${prefix}socket.io`, maxLen: 10_000, sessionKeyPrefix: `${prefix}sio:session:` }) as ServerOptions['adapter'],
    budgets: redisBudgets(client, prefix),
    rooms,
    describe: `redis ${redisLabel(url)} prefix ${prefix}`,
    close: async () => {
      await rooms.close();
      await client.quit().catch(() => client.disconnect());
    },
  };
}

export const SECOND_NODE_MESSAGE =
  'another server node is already running on this PostgreSQL database without REDIS_URL. Several nodes must share one Redis ' +
  '(presentation rooms, rate limits and revocations go through it): set REDIS_URL (and the same REDIS_PREFIX) on every node, ' +
  'or stop the other node. A single node needs neither.';

/**
 * Takes the node lock on a connection of its own and keeps it: PostgreSQL releases a session lock when its
 * session ends, so a crashed node never blocks the next one. If the connection drops (database restart) the
 * lock is taken again as soon as the database answers.
 */
async function holdNodeLock(url: string, log: Logger): Promise<{ release(): Promise<void> }> {
  let client: pg.Client | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  const take = async (): Promise<boolean> => {
    const c = new pg.Client({ connectionString: url, application_name: 'hazard-dashboard node lock', connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    c.on('error', () => undefined);
    await c.connect();
    const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [NODE_LOCK]);
    if (!rows[0]?.ok) {
      await c.end().catch(() => undefined);
      return false;
    }
    c.on('end', () => {
      client = null;
      if (!closed) timer = setTimeout(retake, RELOCK_MS);
    });
    client = c;
    return true;
  };
  const retake = (): void => {
    timer = null;
    take().then(
      (ok) => {
        if (!ok) log.error(SECOND_NODE_MESSAGE + ' (it started while this node had lost its database connection)');
      },
      () => {
        if (!closed) timer = setTimeout(retake, RELOCK_MS);
      },
    );
  };
  if (!(await take())) throw new Error(SECOND_NODE_MESSAGE);
  return {
    release: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      await (client as pg.Client | null)?.end().catch(() => undefined);
    },
  };
}
