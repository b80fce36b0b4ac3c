/**
 * Presentation rooms in Redis, shared by every node: one JSON value per room and an index of rooms by last
 * use (for the cap). A compare-and-swap on the room's revision runs as one Lua script, so two nodes writing
 * one room at once cannot both win.
 *
 * Recovery: Redis may restart empty (no persistence is assumed). Each node keeps the newest copy it has read
 * or written of every room it touched, and when the connection comes back it writes each copy back unless
 * Redis already holds one at least as new. The presenter's node made the last move, so its copy has the
 * highest revision and wins whatever order the nodes come back in.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MAX_ROOMS, type Room, type RoomDriver, type SwapOutcome } from './present-rooms';

/** An idle room is forgotten after a week (a presentation is an afternoon; a room name is reused weeks later). */
const ROOM_TTL_MS = 7 * 24 * 3600 * 1000;

/** KEYS: room, index · ARGV: expected rev (0 = absent), next JSON, ttl ms, now ms, name. Returns 1 when written. */
const SWAP = `
local cur = redis.call('GET', KEYS[1])
local rev = 0
if cur then rev = tonumber(cjson.decode(cur).rev) or 0 end
if rev ~= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
return 1`;

/** Same arguments, but writes when Redis has no copy or an older one (ARGV[1] is the copy's own rev). */
const RESTORE = `
local cur = redis.call('GET', KEYS[1])
if cur and (tonumber(cjson.decode(cur).rev) or 0) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
return 1`;

type Scripted = Redis & {
  hzRoomSwap(room: string, index: string, rev: number, json: string, ttl: number, now: number, name: string): Promise<number>;
  hzRoomRestore(room: string, index: string, rev: number, json: string, ttl: number, now: number, name: string): Promise<number>;
};

export class RedisRooms implements RoomDriver {
  private readonly client: Scripted;
  private readonly index: string;
  /** the newest copy of each room this node touched, least recently used first (bounded like the rooms) */
  private known = new Map<string, Room>();
  private wasDown = false;
  onRestored: ((rooms: Room[]) => void) | null = null;

  constructor(client: Redis, private readonly prefix: string, private readonly log: Logger) {
    client.defineCommand('hzRoomSwap', { numberOfKeys: 2, lua: SWAP });
    client.defineCommand('hzRoomRestore', { numberOfKeys: 2, lua: RESTORE });
    this.client = client as Scripted;
    this.index = `${prefix}present:rooms`;
    client.on('close', this.onClose);
    client.on('ready', this.onReady);
  }

  private key = (name: string) => `${this.prefix}present:room:${name}`;

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
    const ok = await this.client.hzRoomSwap(this.key(name), this.index, prevRev, JSON.stringify(next), ROOM_TTL_MS, Date.now(), name);
    if (ok === 1) this.remember(next);
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
      await this.client.multi().del(this.key(name)).zrem(this.index, name).exec();
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
      const ok = await this.client.hzRoomRestore(this.key(room.name), this.index, room.rev, JSON.stringify(room), ROOM_TTL_MS, Date.now(), room.name);
      if (ok === 1) written.push(room);
    }
    if (written.length) {
      this.log.info({ rooms: written.length }, 'presentation rooms restored into Redis after a reconnect');
      this.onRestored?.(written);
    }
    return written.length;
  }

  async close(): Promise<void> {
    this.client.off('close', this.onClose);
    this.client.off('ready', this.onReady);
  }
}
