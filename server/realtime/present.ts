/**
 * Socket handlers of the presentation rooms: validate → PresentRooms → ack → emit. Followers get
 * `present:changed` for every move; a presenter that was taken over gets `present:superseded`. The emits go
 * through the Socket.IO adapter, so with REDIS_URL a presenter on one node drives followers on every node.
 */
import { PresentGoSchema, PresentJoinSchema, type PresentAck } from '../../shared/present';
import { describeIssues } from '../../shared/schemas';
import { argsAndAck, type AppSocket, type IO } from './realtime';
import { PresentRooms } from './present-rooms';
import { DEFAULT_SOCKET_LIMITS, Quota } from './socket-bounds';

export const presentRoom = (name: string) => `present:${name}`;

const invalid = (issues: Parameters<typeof describeIssues>[0]): PresentAck => ({ ok: false, error: { code: 'invalid_request', message: describeIssues(issues) } });

function attach(io: IO, rooms: PresentRooms, joined: Quota, socket: AppSocket): void {
  socket.on('present:join', async (...params: unknown[]) => {
    const [args, ack] = argsAndAck<PresentAck>(params);
    if (!ack) return;
    const parsed = PresentJoinSchema.safeParse(args);
    if (!parsed.success) return ack(invalid(parsed.error.issues));
    const { room, role, region } = parsed.data;
    const refused = joined.take(socket.id, room);
    if (refused) return ack({ ok: false, error: { code: 'too_many_rooms', message: refused } });
    const r = await rooms.join(room, role, region, socket.data.auth, socket.id);
    if (!r.ok) {
      joined.release(socket.id, room);
      return ack(r);
    }
    // a socket that went away while the rooms answered: its disconnect handler has already run, so leave no presenter behind
    if (!socket.connected) return void rooms.left(socket.id);
    void socket.join(presentRoom(room));
    if (r.superseded) {
      io.to(r.superseded).emit('present:superseded', { room, message: `another presenter (${socket.data.auth.name}) took over room ${room}` });
    }
    ack({ ok: true, state: r.state });
    if (role === 'presenter') socket.to(presentRoom(room)).emit('present:changed', r.state);
  });

  socket.on('present:go', async (...params: unknown[]) => {
    const [args, ack] = argsAndAck<PresentAck>(params);
    const reply = ack ?? (() => {});
    const parsed = PresentGoSchema.safeParse(args);
    if (!parsed.success) return reply(invalid(parsed.error.issues));
    const r = await rooms.go(parsed.data.room, socket.id, parsed.data);
    reply(r);
    if (r.ok) io.to(presentRoom(parsed.data.room)).emit('present:changed', r.state);
  });

  socket.on('disconnect', async () => {
    joined.forget(socket.id);
    for (const state of await rooms.left(socket.id)) io.to(presentRoom(state.room)).emit('present:changed', state);
  });
}

/** The presentation rooms with a socket on this node (the adapter's rooms are this node's own). */
function* localRooms(io: IO): Iterable<string> {
  for (const [key, members] of io.of('/').adapter.rooms) {
    if (members.size && key.startsWith('present:')) yield key.slice('present:'.length);
  }
}

export function attachPresent(io: IO, rooms = new PresentRooms(), maxRoomsPerSocket = DEFAULT_SOCKET_LIMITS.maxPresentRooms): PresentRooms {
  const joined = new Quota(maxRoomsPerSocket, 'presentation rooms');
  io.on('connection', (socket) => attach(io, rooms, joined, socket));
  rooms.onRestored = (states) => {
    for (const state of states) io.to(presentRoom(state.room)).emit('present:changed', state);
  };
  // a presenter's node killed outright never says its presenter left: its lease runs out, and one node tells everyone
  rooms.onOrphaned = (states) => {
    for (const state of states) io.to(presentRoom(state.room)).emit('present:changed', state);
  };
  rooms.watched = () => localRooms(io);
  return rooms;
}
