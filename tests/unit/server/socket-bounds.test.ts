/**
 * boundOutput's O(1) check (an upper bound first, exact UTF-8 sizes only near the ceiling, sums kept per write
 * buffer) must drop exactly when the plain count does: the exact bytes of the packets created since the last flush
 * plus what the WebSocket still buffers exceed the ceiling. The connection here replays Engine.IO's own order
 * (announce the packet, queue it, flush into a new array when the transport is writable: engine.io
 * build/socket.js sendPacket/flush); tests/integration/socket-bounds.test.ts drives the real server with a client
 * that never reads.
 */
import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppSocket } from '../../../server/realtime/realtime';
import { boundOutput } from '../../../server/realtime/socket-bounds';

type Packet = { data?: unknown };
type Step = { data: string | Uint8Array | null; writable: boolean; buffered: number };

class Conn extends EventEmitter {
  /** packets read out of the write buffer by index, by anyone */
  reads = 0;
  writeBuffer: Packet[] = this.counted();
  transport = { name: 'websocket', socket: { bufferedAmount: 0, terminate: () => (this.terminated = true) } };
  terminated = false;
  close(): void {
    this.terminated = true;
  }

  private counted(): Packet[] {
    return new Proxy<Packet[]>([], {
      get: (target, key, receiver) => {
        if (typeof key === 'string' && /^\d+$/.test(key)) this.reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
  }

  send(step: Step): void {
    this.transport.socket.bufferedAmount = step.buffered;
    const packet: Packet = step.data === null ? {} : { data: step.data };
    this.emit('packetCreate', packet);
    this.writeBuffer.push(packet);
    if (step.writable) {
      this.emit('flush', this.writeBuffer);
      this.writeBuffer = this.counted();
    }
  }
}

/** The reference: a running count of exact sizes since the last flush, as the check was first written. */
function referenceDrop(steps: Step[], max: number): number | null {
  let queued = 0;
  for (const [i, s] of steps.entries()) {
    queued += typeof s.data === 'string' ? Buffer.byteLength(s.data) : s.data ? s.data.byteLength : 16;
    if (queued + s.buffered > max) return i;
    if (s.writable) queued = 0;
  }
  return null;
}

function runBound(steps: Step[], max: number): { at: number | null; unsent: number | null; reads: number } {
  const conn = new Conn();
  let at: number | null = null;
  let unsent: number | null = null;
  let i = 0;
  boundOutput({ conn } as unknown as AppSocket, max, (u) => {
    at ??= i;
    unsent ??= u;
  });
  for (; i < steps.length && !conn.terminated; i++) conn.send(steps[i]!);
  return { at, unsent, reads: conn.reads };
}

const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }));
const step = fc.record({
  data: fc.oneof(text, fc.uint8Array({ maxLength: 400 }), fc.constant(null)),
  writable: fc.boolean(),
  buffered: fc.integer({ min: 0, max: 3000 }),
});

describe('boundOutput', () => {
  it('drops at the same packet as the exact count, and reports the exact unsent bytes', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), fc.integer({ min: 100, max: 6000 }), (steps, max) => {
        const ref = referenceDrop(steps, max);
        const got = runBound(steps, max);
        expect(got.at).toBe(ref);
        if (ref !== null) {
          let queued = 0;
          for (let k = ref; k >= 0 && (k === ref || !steps[k]!.writable); k--) {
            const d = steps[k]!.data;
            queued += typeof d === 'string' ? Buffer.byteLength(d) : d ? d.byteLength : 16;
          }
          expect(got.unsent).toBe(queued + steps[ref]!.buffered);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('reads each queued packet at most twice, however long the buffer behind a client that stops reading grows', () => {
    // 10,000 packets never flushed, the last ones above the ceiling's bound: a walk of the whole buffer per packet
    // would read it some 30 million times
    const max = 100_000;
    const steps: Step[] = Array.from({ length: 10_000 }, (_, i) => ({ data: `42["x","${'a'.repeat(i % 10)}"]`, writable: false, buffered: 0 }));
    const got = runBound(steps, max);
    expect(got.at).toBe(referenceDrop(steps, max));
    expect(got.at).not.toBeNull();
    expect(got.reads).toBeLessThanOrEqual(2 * got.at!);
  });
});
