/**
 * The clock and timers a component runs on, as a port: production passes `systemTimers`, unit tests a
 * fake clock they move by hand (tests/helpers/fake-timers.ts), so rules like "at most one delta per
 * 250 ms" are checked to the millisecond instead of against a loaded machine's scheduler.
 */
export type Cancel = () => void;

export interface Timers {
  now(): number;
  /** Runs `fn` once after `ms`; `ms` ≤ 0 runs it on the next turn of the event loop. */
  after(ms: number, fn: () => void): Cancel;
  /** Runs `fn` every `ms` until cancelled. */
  every(ms: number, fn: () => void): Cancel;
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  after(ms, fn) {
    if (ms <= 0) {
      const i = setImmediate(fn);
      return () => clearImmediate(i);
    }
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
  every(ms, fn) {
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  },
};
