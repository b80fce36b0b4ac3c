/**
 * What one socket may cost the server: a ceiling on its unsent output, and on how many summary
 * subscriptions and presentation rooms it holds. A client that stops reading (while its TCP stack
 * still answers pings) would otherwise make every snapshot and delta pile up in this process until
 * the heap runs out; past the ceiling the socket is cut off at once, and its client resyncs with
 * fresh snapshots when it reconnects. See docs/SECURITY.md "A socket that never reads".
 */
import type { AppSocket } from './realtime';

export type SocketLimits = {
  /** unsent bytes (queued in Engine.IO plus buffered in the WebSocket) past which the socket is dropped */
  maxUnsentBytes: number;
  /** distinct summary regions subscribed (or waiting for their snapshot) at once */
  maxSubscriptions: number;
  /** presentation rooms joined at once */
  maxPresentRooms: number;
};

/** 4 MiB ≈ 140 province snapshots: far above a wall catching up after a stall, a small constant per socket. */
export const DEFAULT_SOCKET_LIMITS: SocketLimits = { maxUnsentBytes: 4 * 1024 * 1024, maxSubscriptions: 32, maxPresentRooms: 8 };

type Packet = { data?: unknown };
/** The public part of the `ws` WebSocket that Engine.IO's websocket transport holds. */
type Wire = { bufferedAmount?: number; terminate?: () => void };
type Transport = { name: string; socket?: Wire };
/** The part of Engine.IO's socket read here: packets created and not yet handed to the transport. */
type Conn = { writeBuffer?: readonly Packet[] };

function sizeOf(p: Packet): number {
  const d = p.data;
  if (typeof d === 'string') return Buffer.byteLength(d);
  if (d instanceof ArrayBuffer || ArrayBuffer.isView(d)) return d.byteLength;
  return 16;
}

/** At least sizeOf(p), in O(1): a UTF-16 code unit is at most 3 bytes of UTF-8. */
function boundOf(p: Packet): number {
  const d = p.data;
  return typeof d === 'string' ? d.length * 3 : sizeOf(p);
}

/**
 * Watches one socket's output: packets created and not yet flushed (Engine.IO's write buffer, which grows while
 * the transport waits for the wire) plus the bytes the WebSocket has not handed to the kernel. Checked as each
 * packet is created, so the ceiling holds between two packets, not per second.
 *
 * A broadcast runs this once per socket for the same packet, so the common case costs O(1): an upper bound of the
 * unsent bytes (string lengths × 3) under the ceiling settles it; only above it are the exact UTF-8 sizes counted,
 * and the drop decided on those. Both sums are kept per write buffer (Engine.IO starts a new array at each flush),
 * each packet counted once, so a buffer that grows behind a client that does not read costs no more per packet.
 */
export function boundOutput(socket: AppSocket, maxUnsentBytes: number, onDrop: (unsent: number) => void): void {
  const conn = socket.conn;
  const engine = conn as unknown as Conn;
  const transport = (): Transport => conn.transport as unknown as Transport;
  let dropped = false;
  // the write buffer the sums are of, and how many of its packets each sum has counted
  let buffer: readonly Packet[] | undefined;
  let bound = 0;
  let bounded = 0;
  let exact = 0;
  let sized = 0;
  conn.on('packetCreate', (p: Packet) => {
    if (dropped) return;
    const t = transport();
    const wire = t.name === 'websocket' ? t.socket : undefined;
    // `p` is not in the write buffer yet: Engine.IO announces a packet before it queues it
    const waiting = engine.writeBuffer ?? [];
    if (waiting !== buffer) {
      buffer = waiting;
      bound = bounded = exact = sized = 0;
    }
    for (; bounded < waiting.length; bounded++) bound += boundOf(waiting[bounded]!);
    const buffered = wire?.bufferedAmount ?? 0;
    if (buffered + bound + boundOf(p) <= maxUnsentBytes) return;
    for (; sized < waiting.length; sized++) exact += sizeOf(waiting[sized]!);
    const unsent = buffered + exact + sizeOf(p);
    if (unsent <= maxUnsentBytes) return;
    dropped = true;
    onDrop(unsent);
    // terminate, not close: a closing handshake would wait (up to 30 s) behind the very bytes the client will not read
    if (wire?.terminate) wire.terminate();
    else conn.close();
  });
}

/** Counts what a socket holds of one kind (subscriptions, rooms) and refuses past the cap. */
export class Quota {
  private held = new Map<string, Set<string>>();

  constructor(private readonly max: number, private readonly what: string) {}

  /** Takes `key` for the socket; an error message when the socket already holds `max` other keys. */
  take(socketId: string, key: string): string | null {
    let set = this.held.get(socketId);
    if (!set) this.held.set(socketId, (set = new Set()));
    if (set.has(key)) return null;
    if (set.size >= this.max) return `at most ${this.max} ${this.what} per connection: leave one first`;
    set.add(key);
    return null;
  }

  release(socketId: string, key: string): void {
    this.held.get(socketId)?.delete(key);
  }

  forget(socketId: string): void {
    this.held.delete(socketId);
  }

  count(socketId: string): number {
    return this.held.get(socketId)?.size ?? 0;
  }
}
