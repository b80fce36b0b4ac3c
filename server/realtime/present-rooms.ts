/**
 * Presentation rooms: which slide each room shows and who drives it. A room outlives its presenter's
 * connection (a reconnecting presenter finds the slide it left), and one presenter at a time: the newest
 * takes over. The rules are pure functions of the room as stored; where it is stored is a driver's business
 * (this process's memory, or Redis shared by every node: present-redis.ts). Every write is a compare-and-swap
 * on the room's revision, so two presenters joining on two nodes at once end with exactly one of them.
 */
import { PROVINCE_CODE, isWithin } from '../../shared/regions';
import { slidesFor, type PresentError, type PresentState } from '../../shared/present';
import type { Auth } from '../auth/auth';

export type Room = {
  name: string;
  region: string;
  slides: number;
  index: number;
  blank: boolean;
  /** the presenter's socket id (Socket.IO routes `io.to(id)` to whichever node holds it) */
  presenter: string | null;
  updatedAt: string;
  /** bumped by every write: the compare-and-swap token, and what decides which copy wins a restore */
  rev: number;
  /** the presenter whose lease ran out (its node went unheard: present-redis.ts), until someone presents again */
  lapsed?: string | null;
};

export type SwapOutcome = 'ok' | 'conflict' | 'full';

export interface RoomDriver {
  get(name: string): Promise<Room | null>;
  /**
   * Stores `next` if the stored room is still at revision `prevRev` (0: absent). 'conflict': someone moved it
   * meanwhile; 'full': a new room, and MAX_ROOMS rooms all have a presenter.
   */
  swap(name: string, prevRev: number, next: Room): Promise<SwapOutcome>;
  close(): Promise<void>;
  /** called with the rooms a driver wrote back after its store came back empty (followers may have seen a blank room meanwhile) */
  onRestored?: ((rooms: Room[]) => void) | null;
  /** shared drivers: called with rooms whose presenter's lease ran out (its node died), written without a presenter */
  onOrphaned?: ((rooms: Room[]) => void) | null;
  /** shared drivers: the rooms whose presenters' leases this node checks (those its own sockets watch) */
  watched?: () => Iterable<string>;
}

export type JoinResult =
  | { ok: true; state: PresentState; superseded: string | null }
  | { ok: false; error: PresentError };
export type GoResult = { ok: true; state: PresentState } | { ok: false; error: PresentError };

/** Rooms kept at most; past it the longest-idle room without a presenter is dropped. */
export const MAX_ROOMS = 500;
const SWAP_ATTEMPTS = 8;

export const stateOf = (r: Room): PresentState => ({
  room: r.name, region: r.region, index: r.index, slides: r.slides, blank: r.blank, presenter: r.presenter !== null, updatedAt: r.updatedAt,
});

const fresh = (name: string, region: string): Room => ({
  name, region, slides: slidesFor(region).length, index: 0, blank: false, presenter: null, updatedAt: '', rev: 0,
});

type Decision<T> = { write: Room | null; result: T };

/** A follower joins (creating the room if needed); a presenter whose scope covers the region takes the room over. */
export function decideJoin(cur: Room | null, name: string, role: 'presenter' | 'follower', asked: string | undefined, auth: Auth, socketId: string): Decision<JoinResult> {
  if (role === 'follower') {
    if (cur) return { write: null, result: { ok: true, state: stateOf(cur), superseded: null } };
    const room = fresh(name, asked ?? PROVINCE_CODE);
    return { write: room, result: { ok: true, state: stateOf(room), superseded: null } };
  }
  // the room as it stands must be in scope too: a city may not take the province's room by naming its own region
  const outside = [asked ?? cur?.region ?? PROVINCE_CODE, cur?.region].find((r) => r !== undefined && !isWithin(r, auth.region));
  if (outside) {
    const error = { code: 'forbidden_region', message: `only a token whose scope covers ${outside} may present this room (this token: ${auth.region})` };
    return { write: null, result: { ok: false, error } };
  }
  const region = asked ?? cur?.region ?? PROVINCE_CODE;
  let room: Room = cur ? { ...cur } : fresh(name, region);
  if (room.region !== region) room = { ...room, region, slides: slidesFor(region).length, index: 0, blank: false };
  const superseded = room.presenter !== null && room.presenter !== socketId ? room.presenter : null;
  room.presenter = socketId;
  room.lapsed = null;
  return { write: room, result: { ok: true, state: stateOf(room), superseded } };
}

/** Only the room's presenter moves it. */
export function decideGo(cur: Room | null, name: string, socketId: string, move: { index?: number; blank?: boolean }): Decision<GoResult> {
  const fail = (code: string, message: string): Decision<GoResult> => ({ write: null, result: { ok: false, error: { code, message } } });
  if (!cur) return fail('no_room', `no room ${name}: join it as presenter first`);
  // a presenter whose lease lapsed (its node stalled) and whom no one replaced takes the room back with its move
  const lapsedHere = cur.presenter === null && cur.lapsed === socketId;
  if (cur.presenter !== socketId && !lapsedHere) return fail('not_presenter', `only the presenter of ${name} moves it`);
  if (move.index !== undefined && move.index >= cur.slides) return fail('invalid_index', `room ${name} has ${cur.slides} slides (0–${cur.slides - 1})`);
  const room = { ...cur, presenter: socketId, lapsed: null, index: move.index ?? cur.index, blank: move.blank ?? cur.blank };
  return { write: room, result: { ok: true, state: stateOf(room) } };
}

const tooMany = {
  ok: false, error: { code: 'too_many_rooms', message: `${MAX_ROOMS} presented rooms are held, the most kept: join an existing room` },
} as const;

const unavailable = (e: unknown): { ok: false; error: PresentError } => ({
  ok: false,
  error: { code: 'unavailable', message: `presentation rooms cannot be reached just now (${e instanceof Error ? e.message : String(e)}); retry in a moment` },
});

export class PresentRooms {
  /** rooms each local socket presents: a disconnect releases exactly those */
  private presenting = new Map<string, Set<string>>();

  constructor(private readonly driver: RoomDriver = new MemoryRooms(), private readonly now: () => number = Date.now) {}

  /** Reads the room, decides, writes with compare-and-swap; decides again on the newer room if another node won. */
  private async update<T>(name: string, decide: (cur: Room | null) => Decision<T>): Promise<T> {
    for (let i = 0; i < SWAP_ATTEMPTS; i++) {
      const cur = await this.driver.get(name);
      const { write, result } = decide(cur);
      if (!write) return result;
      const next = { ...write, updatedAt: new Date(this.now()).toISOString(), rev: (cur?.rev ?? 0) + 1 };
      const outcome = await this.driver.swap(name, cur?.rev ?? 0, next);
      if (outcome === 'ok') return rewritten(result, next);
      if (outcome === 'full') return tooMany as T;
    }
    throw new Error(`room ${name} kept changing under ${SWAP_ATTEMPTS} attempts`);
  }

  async join(name: string, role: 'presenter' | 'follower', asked: string | undefined, auth: Auth, socketId: string): Promise<JoinResult> {
    try {
      const r = await this.update(name, (cur) => decideJoin(cur, name, role, asked, auth, socketId));
      if (r.ok && role === 'presenter') {
        const set = this.presenting.get(socketId) ?? new Set();
        this.presenting.set(socketId, set.add(name));
      }
      return r;
    } catch (e) {
      return unavailable(e);
    }
  }

  async go(name: string, socketId: string, move: { index?: number; blank?: boolean }): Promise<GoResult> {
    try {
      return await this.update(name, (cur) => decideGo(cur, name, socketId, move));
    } catch (e) {
      return unavailable(e);
    }
  }

  /** The rooms a disconnected socket presented: they keep their slide and lose their presenter. */
  async left(socketId: string): Promise<PresentState[]> {
    const names = this.presenting.get(socketId) ?? new Set<string>();
    this.presenting.delete(socketId);
    const out: PresentState[] = [];
    for (const name of names) {
      const state = await this.update(name, (cur) => {
        if (!cur || cur.presenter !== socketId) return { write: null, result: null };
        const room = { ...cur, presenter: null };
        return { write: room, result: stateOf(room) };
      }).catch(() => null);
      if (state) out.push(state);
    }
    return out;
  }

  /** Rooms written back after the shared store restarted: their followers should hear the state again. */
  set onRestored(fn: (states: PresentState[]) => void) {
    this.driver.onRestored = (rooms) => fn(rooms.map(stateOf));
  }

  /** Rooms whose presenter's node went unheard (a lease ran out): their followers should hear it has gone. */
  set onOrphaned(fn: (states: PresentState[]) => void) {
    this.driver.onOrphaned = (rooms) => fn(rooms.map(stateOf));
  }

  /** The rooms this node's own followers watch: the driver checks their presenters' leases. */
  set watched(fn: () => Iterable<string>) {
    this.driver.watched = fn;
  }

  close(): Promise<void> {
    return this.driver.close();
  }
}

/** The decision's answer carries the state as written (its updatedAt is the write's). */
function rewritten<T>(result: T, written: Room): T {
  const r = result as { ok?: boolean; state?: PresentState };
  return (r && r.ok && r.state ? { ...r, state: stateOf(written) } : result) as T;
}

/** One process: a bounded map, least recently used first. */
export class MemoryRooms implements RoomDriver {
  private rooms = new Map<string, Room>();

  async get(name: string): Promise<Room | null> {
    return this.rooms.get(name) ?? null;
  }

  async swap(name: string, prevRev: number, next: Room): Promise<SwapOutcome> {
    if ((this.rooms.get(name)?.rev ?? 0) !== prevRev) return 'conflict';
    if (prevRev === 0 && !this.roomForOne()) return 'full';
    // Map order is insertion order: re-inserting keeps the least recently used first
    this.rooms.delete(name);
    this.rooms.set(name, next);
    return 'ok';
  }

  /** Makes room for one more: drops the longest-idle room without a presenter; false when every room has one. */
  private roomForOne(): boolean {
    if (this.rooms.size < MAX_ROOMS) return true;
    for (const [k, r] of this.rooms) {
      if (r.presenter !== null) continue;
      this.rooms.delete(k);
      return true;
    }
    return false;
  }

  get size(): number {
    return this.rooms.size;
  }

  async close(): Promise<void> {}
}
