/**
 * Presentation rooms in Redis, shared by every node: one JSON value per room and an index of rooms by last
 * use (for the cap). A compare-and-swap on the room's revision runs as one Lua script, so two nodes writing
 * one room at once cannot both win.
 *
 * Recovery: Redis may restart empty (no persistence is assumed). Each node keeps the newest copy it has read
 * or written of every room it touched, and when the connection comes back it writes each copy back unless
 * Redis already holds one at least as new. The presenter's node made the last move, so its copy has the
 * highest revision and wins whatever order the nodes come back in.
 *
 * Presenter lease: a room's presenter is a socket on one node, and a node killed outright (kill -9, power) never
 * runs its disconnect handler. So every write that names a presenter also sets a lease key beside the room, with a
 * TTL (`PRESENT_LEASE_MS`, default 10 s) that the presenter's node renews every quarter of it while that socket
 * still holds the room. Every node looks, as often, at the rooms its own followers watch: a room whose presenter
 * has no lease left is written without one (one Lua script, so of several nodes looking exactly one writes), and
 * its followers — on every node, through the adapter — are told the room has no presenter. A new presenter on any
 * node takes over at any time (the newest always does); the lease only bounds how long a dead one is shown as there.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MAX_ROOMS, type Room, type RoomDriver, type SwapOutcome } from './present-rooms';

/** An idle room is forgotten after a week (a presentation is an afternoon; a room name is reused weeks later). */
const ROOM_TTL_MS = 7 * 24 * 3600 * 1000;
/** How long a presenter's node may go unheard before its presenter is taken off the room (docs/OPERATIONS.md). */
export const PRESENT_LEASE_MS = 10_000;

/** The written room names a presenter (ARGV[6], '' for none): its lease starts now; without one it goes. */
const LEASE = `
if ARGV[6] ~= '' then redis.call('SET', KEYS[3], ARGV[6], 'PX', ARGV[7]) else redis.call('DEL', KEYS[3]) end`;

/**
 * KEYS: room, index, lease · ARGV: expected rev (0 = absent), next JSON, ttl ms, now ms, name, presenter, lease ms.
 * Returns 1 when written.
 */
const SWAP = `
local cur = redis.call('GET', KEYS[1])
local rev = 0
if cur then rev = tonumber(cjson.decode(cur).rev) or 0 end
if rev ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])${LEASE}
return 1`;

/** Same arguments, but writes when Redis has no copy or an older one (ARGV[1] is the copy's own rev). */
const RESTORE = `
local cur = redis.call('GET', KEYS[1])
if cur and (tonumber(cjson.decode(cur).rev) or 0) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])${LEASE}
return 1`;

/**
 * KEYS: room, lease · ARGV: presenter, lease ms, now (ISO), room ttl ms. Renews the lease while that socket still
 * presents the room (1). A presenter whose lease ran out while its socket stayed (its node stalled) and whom no one
 * has replaced takes the room back: returns the room written. 0 when the socket no longer presents the room.
 */
const RENEW = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
local room = cjson.decode(cur)
if room.presenter == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
  return 1
end
if room.presenter ~= cjson.null or room.lapsed ~= ARGV[1] then return 0 end
room.presenter = ARGV[1]
room.lapsed = cjson.null
room.rev = (tonumber(room.rev) or 0) + 1
room.updatedAt = ARGV[3]
local out = cjson.encode(room)
redis.call('SET', KEYS[1], out, 'PX', ARGV[4])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return out`;

/**
 * KEYS: room, lease · ARGV: now (ISO), room ttl ms. A room whose presenter's lease has run out is written without a
 * presenter (rev + 1); returns the room written, or false when it still has a live presenter (or none, or no room).
 */
const REAP = `
local cur = redis.call('GET', KEYS[1])
if not cur then return false end
local room = cjson.decode(cur)
if type(room.presenter) ~= 'string' or redis.call('EXISTS', KEYS[2]) == 1 then return false end
room.lapsed = room.presenter
room.presenter = cjson.null
room.rev = (tonumber(room.rev) or 0) + 1
room.updatedAt = ARGV[1]
local out = cjson.encode(room)
redis.call('SET', KEYS[1], out, 'PX', ARGV[2])
return out`;

type Scripted = Redis & {
  hzRoomSwap(room: string, index: string, lease: string, rev: number, json: string, ttl: number, now: number, name: string, presenter: string, leaseMs: number): Promise<number>;
  hzRoomRestore(room: string, index: string, lease: string, rev: number, json: string, ttl: number, now: number, name: string, presenter: string, leaseMs: number): Promise<number>;
  hzRoomRenew(room: string, lease: string, presenter: string, leaseMs: number, now: string, ttl: number): Promise<number | string>;
  hzRoomReap(room: string, lease: string, now: string, ttl: number): Promise<string | null>;
};

export class RedisRooms implements RoomDriver {
  private readonly client: Scripted;
  private readonly index: string;
  /** the newest copy of each room this node touched, least recently used first (bounded like the rooms) */
  private known = new Map<string, Room>();
  private wasDown = false;
  /** rooms whose presenter this node wrote (a socket of its own): their leases are renewed while it still presents */
  private held = new Map<string, string>();
  private readonly ticker: NodeJS.Timeout;
  onRestored: ((rooms: Room[]) => void) | null = null;
  onOrphaned: ((rooms: Room[]) => void) | null = null;
  watched: () => Iterable<string> = () => [];

  constructor(client: Redis, private readonly prefix: string, private readonly log: Logger, private readonly leaseMs = PRESENT_LEASE_MS) {
    client.defineCommand('hzRoomSwap', { numberOfKeys: 3, lua: SWAP });
    client.defineCommand('hzRoomRestore', { numberOfKeys: 3, lua: RESTORE });
    client.defineCommand('hzRoomRenew', { numberOfKeys: 2, lua: RENEW });
    client.defineCommand('hzRoomReap', { numberOfKeys: 2, lua: REAP });
    this.client = client as Scripted;
    this.index = `${prefix}present:rooms`;
    client.on('close', this.onClose);
    client.on('ready', this.onReady);
    this.ticker = setInterval(() => void this.tick(), Math.max(50, Math.floor(leaseMs / 4)));
    this.ticker.unref();
  }

  private key = (name: string) => `${this.prefix}present:room:${name}`;
  private leaseKey = (name: string) => `${this.prefix}present:lease:${name}`;

  /** Renews this node's presenters' leases, then takes the presenter off watched rooms whose lease ran out. */
  private async tick(): Promise<void> {
    if (this.client.status !== 'ready') return;
    try {
      const retaken: Room[] = [];
      for (const [name, presenter] of [...this.held]) {
        const out = await this.client.hzRoomRenew(this.key(name), this.leaseKey(name), presenter, this.leaseMs, new Date().toISOString(), ROOM_TTL_MS);
        if (out === 0 && this.held.get(name) === presenter) this.held.delete(name);
        if (typeof out !== 'string') continue;
        const room = JSON.parse(out) as Room;
        this.remember(room);
        retaken.push(room);
      }
      // its followers were told the room had no presenter: they hear it has one again
      if (retaken.length) this.onRestored?.(retaken);
      const orphaned: Room[] = [];
      for (const name of new Set(this.watched())) {
        if (this.held.has(name)) continue;
        const raw = await this.client.hzRoomReap(this.key(name), this.leaseKey(name), new Date().toISOString(), ROOM_TTL_MS);
        if (raw === null) continue;
        const room = JSON.parse(raw) as Room;
        this.remember(room);
        orphaned.push(room);
      }
      if (orphaned.length) {
        this.log.info({ rooms: orphaned.map((r) => r.name) }, 'presentation rooms: presenter lease ran out (its node is gone); followers told');
        this.onOrphaned?.(orphaned);
      }
    } catch (err) {
      this.log.debug({ err }, 'presentation rooms: lease tick failed (retried at the next)');
    }
  }

  /** What this node wrote about a room's presenter: a socket of its own holds it now, or no one does. */
  private hold(room: Room): void {
    if (room.presenter === null) this.held.delete(room.name);
    else this.held.set(room.name, room.presenter);
  }

  private remember(room: Room): void {
    this.known.delete(room.name);
    this.known.set(room.name, room);
    if (this.known.size > MAX_ROOMS) this.known.delete(this.known.keys().next().value as string);
  }

  async get(name: string): Promise<Room | null> {
    const raw = await this.client.get(this.key(name));
    if (raw === null) return null;
    const room = JSON.parse(raw) as Room;
    const mine = this.known.get(name);
    if (!mine || mine.rev <= room.rev) this.remember(room);
    return room;
  }

  async swap(name: string, prevRev: number, next: Room): Promise<SwapOutcome> {
    if (prevRev === 0 && !(await this.roomForOne())) return 'full';
    const ok = await this.client.hzRoomSwap(this.key(name), this.index, this.leaseKey(name), prevRev, JSON.stringify(next), ROOM_TTL_MS, Date.now(), name, next.presenter ?? '', this.leaseMs);
    if (ok === 1) {
      this.remember(next);
      this.hold(next);
    }
    return ok === 1 ? 'ok' : 'conflict';
  }

  /**
   * Past MAX_ROOMS, drops the longest-idle room without a presenter (and index entries whose room expired);
   * false when the idlest rooms all have one. Approximate under races between nodes, bounded all the same.
   */
  private async roomForOne(): Promise<boolean> {
    if ((await this.client.zcard(this.index)) < MAX_ROOMS) return true;
    let freed = false;
    for (const name of await this.client.zrange(this.index, '0', '49')) {
      const raw = await this.client.get(this.key(name));
      if (raw !== null && (JSON.parse(raw) as Room).presenter !== null) continue;
      await this.client.multi().del(this.key(name)).del(this.leaseKey(name)).zrem(this.index, name).exec();
      freed = true;
      if (raw !== null) break;
    }
    return freed;
  }

  private onClose = (): void => {
    this.wasDown = true;
  };

  private onReady = (): void => {
    if (!this.wasDown) return;
    this.wasDown = false;
    this.restore().catch((err: unknown) => this.log.warn({ err }, 'presentation rooms: restore after reconnect failed'));
  };

  /** Writes back every room this node knows, unless Redis holds a copy at least as new. */
  async restore(): Promise<number> {
    const written: Room[] = [];
    for (const room of [...this.known.values()]) {
      // a restored presenter gets a fresh lease: its node renews it if that socket is still there, else it runs out
      const ok = await this.client.hzRoomRestore(this.key(room.name), this.index, this.leaseKey(room.name), room.rev, JSON.stringify(room), ROOM_TTL_MS, Date.now(), room.name, room.presenter ?? '', this.leaseMs);
      if (ok === 1) written.push(room);
    }
    if (written.length) {
      this.log.info({ rooms: written.length }, 'presentation rooms restored into Redis after a reconnect');
      this.onRestored?.(written);
    }
    return written.length;
  }

  async close(): Promise<void> {
    clearInterval(this.ticker);
    this.client.off('close', this.onClose);
    this.client.off('ready', this.onReady);
  }
}
