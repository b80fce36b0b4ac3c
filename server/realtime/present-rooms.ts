/**
 * Presentation rooms: which slide each room shows and who drives it. A room outlives its presenter's
 * connection (a reconnecting presenter finds the slide it left), and one presenter at a time: the newest
 * takes over. State is per server process; behind several nodes a room's sockets must reach the same node.
 */
import { PROVINCE_CODE, isWithin } from '../../shared/regions';
import { slidesFor, type PresentError, type PresentState } from '../../shared/present';
import type { Auth } from '../auth/auth';

type Room = {
  name: string;
  region: string;
  slides: number;
  index: number;
  blank: boolean;
  presenter: string | null;
  updatedAt: string;
};

export type JoinResult =
  | { ok: true; state: PresentState; superseded: string | null }
  | { ok: false; error: PresentError };
export type GoResult = { ok: true; state: PresentState } | { ok: false; error: PresentError };

/** Rooms kept at most; past it the longest-idle room without a presenter is dropped. */
export const MAX_ROOMS = 500;

export class PresentRooms {
  private rooms = new Map<string, Room>();

  constructor(private readonly now: () => number = Date.now) {}

  private stamp(r: Room): void {
    r.updatedAt = new Date(this.now()).toISOString();
    // Map order is insertion order: re-inserting keeps the least recently used first
    this.rooms.delete(r.name);
    this.rooms.set(r.name, r);
  }

  /** Makes room for one more: drops the longest-idle room without a presenter; false when every room has one. */
  private roomForOne(): boolean {
    if (this.rooms.size < MAX_ROOMS) return true;
    for (const [k, r] of this.rooms) {
      if (r.presenter === null) {
        this.rooms.delete(k);
        return true;
      }
    }
    return false;
  }

  private create(name: string, region: string): Room {
    const r: Room = { name, region, slides: slidesFor(region).length, index: 0, blank: false, presenter: null, updatedAt: '' };
    this.stamp(r);
    return r;
  }

  state(r: Room): PresentState {
    return { room: r.name, region: r.region, index: r.index, slides: r.slides, blank: r.blank, presenter: r.presenter !== null, updatedAt: r.updatedAt };
  }

  /** A follower joins (creating the room if needed); a presenter whose scope covers the region takes the room over. */
  join(name: string, role: 'presenter' | 'follower', asked: string | undefined, auth: Auth, socketId: string): JoinResult {
    const existing = this.rooms.get(name);
    if (!existing && !this.roomForOne()) {
      return { ok: false, error: { code: 'too_many_rooms', message: `this server holds ${MAX_ROOMS} presented rooms, the most it keeps: join an existing room` } };
    }
    if (role === 'follower') return { ok: true, state: this.state(existing ?? this.create(name, asked ?? PROVINCE_CODE)), superseded: null };
    // the room as it stands must be in scope too: a city may not take the province's room by naming its own region
    const outside = [asked ?? existing?.region ?? PROVINCE_CODE, existing?.region].find((r) => r !== undefined && !isWithin(r, auth.region));
    if (outside) {
      return { ok: false, error: { code: 'forbidden_region', message: `only a token whose scope covers ${outside} may present this room (this token: ${auth.region})` } };
    }
    const region = asked ?? existing?.region ?? PROVINCE_CODE;
    const room = existing ?? this.create(name, region);
    if (room.region !== region) Object.assign(room, { region, slides: slidesFor(region).length, index: 0, blank: false });
    const superseded = room.presenter !== null && room.presenter !== socketId ? room.presenter : null;
    room.presenter = socketId;
    this.stamp(room);
    return { ok: true, state: this.state(room), superseded };
  }

  /** Only the room's presenter moves it. */
  go(name: string, socketId: string, move: { index?: number; blank?: boolean }): GoResult {
    const room = this.rooms.get(name);
    if (!room) return { ok: false, error: { code: 'no_room', message: `no room ${name}: join it as presenter first` } };
    if (room.presenter !== socketId) return { ok: false, error: { code: 'not_presenter', message: `only the presenter of ${name} moves it` } };
    if (move.index !== undefined && move.index >= room.slides) {
      return { ok: false, error: { code: 'invalid_index', message: `room ${name} has ${room.slides} slides (0–${room.slides - 1})` } };
    }
    if (move.index !== undefined) room.index = move.index;
    if (move.blank !== undefined) room.blank = move.blank;
    this.stamp(room);
    return { ok: true, state: this.state(room) };
  }

  /** The rooms a disconnected socket presented: they keep their slide and lose their presenter. */
  left(socketId: string): PresentState[] {
    const out: PresentState[] = [];
    for (const r of this.rooms.values()) {
      if (r.presenter !== socketId) continue;
      r.presenter = null;
      out.push(this.state(r));
    }
    return out;
  }

  get size(): number {
    return this.rooms.size;
  }
}
