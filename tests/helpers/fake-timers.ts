/**
 * A clock that moves only when the test moves it: `advance(ms)` runs every timer that falls due, in
 * order of due time (then of scheduling), with `now()` reading each timer's due time while it runs.
 */
import type { Cancel, Timers } from '../../server/timers';

type Entry = { at: number; seq: number; fn: () => void; every?: number };

export class FakeTimers implements Timers {
  private t: number;
  private seq = 0;
  private queue: Entry[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now = (): number => this.t;

  after(ms: number, fn: () => void): Cancel {
    return this.add({ at: this.t + Math.max(0, ms), seq: this.seq++, fn });
  }

  every(ms: number, fn: () => void): Cancel {
    if (!(ms > 0)) throw new Error('every() needs a positive interval');
    return this.add({ at: this.t + ms, seq: this.seq++, fn, every: ms });
  }

  /** How many timers wait. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Moves the clock by `ms` (0: runs what is due now, like the next turn of the event loop). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.t = next.at;
      if (next.every) this.queue.push({ ...next, at: next.at + next.every, seq: this.seq++ });
      next.fn();
    }
    this.t = end;
  }

  private add(e: Entry): Cancel {
    this.queue.push(e);
    return () => {
      // a repeating timer is re-queued as a new entry: cancel by its function and interval
      this.queue = this.queue.filter((q) => q !== e && !(e.every && q.fn === e.fn && q.every === e.every));
    };
  }
}
