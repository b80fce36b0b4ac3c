/**
 * The fan-out benchmark's peer (fanout.ts): a plain Socket.IO server, the same version and options as the real
 * one (SOCKET_OPTIONS), that does nothing but what fan-out needs. It answers `summary:subscribe` with the version
 * the replay starts from and puts the socket in the region's room; on `replay` it broadcasts the given messages
 * (deltas, heartbeats, hazard:reported), recorded from the real server's socket 0, at the recorded moments — so the
 * same bytes reach the same sockets at the same rate, deltas in the same chain of versions. No authentication,
 * store or timers of its own.
 * Run by fanout.ts over IPC: `listen` → `{port}`, `replay` → `replayed`.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { SOCKET_OPTIONS } from '../../server/realtime/realtime';

/** watchers.ts `clock` (not imported: that module acts as a watcher process in any child it is loaded in) */
const clock = () => performance.timeOrigin + performance.now();

/** `replay`: broadcast each delta at `origin + at` (ms on the clock the processes share, watchers.ts `clock`) */
export type PeerMessage =
  | { type: 'version'; version: number }
  | { type: 'replay'; origin: number; messages: Array<{ at: number; event: string; data: unknown }> }
  | { type: 'stop' };
export type PeerAnswer = { type: 'listening'; port: number } | { type: 'replayed'; sent: number };

if (process.send) {
  const send = (m: PeerAnswer) => process.send!(m);
  const http = createServer();
  const io = new Server(http, SOCKET_OPTIONS);
  let snapshotVersion = 0;
  io.on('connection', (socket) => {
    socket.on('summary:subscribe', (args: { region: string }, ack: (r: unknown) => void) => {
      void socket.join(`summary:${args.region}`);
      ack({ ok: true, summary: { region: args.region, version: snapshotVersion } });
    });
  });
  process.on('message', (msg: PeerMessage) => {
    if (msg.type === 'version') snapshotVersion = msg.version;
    else if (msg.type === 'replay') {
      let sent = 0;
      const all = msg.messages;
      for (const { at, event, data } of all) {
        setTimeout(() => {
          // a delta to its region's room, as the real server sends it; anything else to every socket (in the run all
          // sockets share one scope, so the real server's heartbeats and hazard:reported reached every one of them)
          if (event === 'summary:delta') io.to(`summary:${(data as { region: string }).region}`).emit(event, data);
          else io.emit(event, data);
          if (++sent === all.length) send({ type: 'replayed', sent });
        }, Math.max(0, msg.origin + at - clock()));
      }
      if (all.length === 0) send({ type: 'replayed', sent });
    } else {
      io.close();
      process.disconnect();
    }
  });
  http.listen(0, '127.0.0.1', () => {
    const addr = http.address();
    send({ type: 'listening', port: typeof addr === 'object' && addr ? addr.port : 0 });
  });
}
