/**
 * The page's one clock: a single 1 s interval that freshness, the displayed time and kiosk rotation all read.
 * One source means rotation cannot drift from the clock or stop while the clock runs.
 */
import { computed, ref } from 'vue';
import { defineStore } from 'pinia';

/**
 * A moment by both of the page's clocks: the wall clock (Date.now, which the OS may set back or forward) and the
 * monotonic one (performance.now, which does not follow such changes but may stop while the machine sleeps).
 */
export type Stamp = { wall: number; mono: number };

/**
 * Time since `s` by the clock that says more: a wall clock set back an hour cannot make an hour-old signal look
 * fresh, and a machine that slept cannot either. docs/ARCHITECTURE.md "Freshness".
 */
export function elapsedSince(s: Stamp, now: Stamp): number {
  return Math.max(now.wall - s.wall, now.mono - s.mono);
}

export const stampNow = (): Stamp => ({ wall: Date.now(), mono: performance.now() });

export const useClockStore = defineStore('clock', () => {
  const now = ref(Date.now());
  /** `now` with the monotonic clock's reading of the same tick (for ages: elapsedSince) */
  const at = ref<Stamp>(stampNow());
  /** Server time minus local time, from the session and heartbeats, so the wall shows the server's clock. */
  const offsetMs = ref(0);
  let timer: ReturnType<typeof setInterval> | null = null;
  let users = 0;

  function tick(): void {
    at.value = stampNow();
    now.value = at.value.wall;
  }

  function start(): void {
    users += 1;
    if (!timer) timer = setInterval(tick, 1000);
    tick();
  }

  function stop(): void {
    users = Math.max(0, users - 1);
    if (users === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  }

  /** the last server time heard, with the monotonic clock's reading then (serverTimeNow) */
  let synced: { server: number; mono: number } | null = null;

  function syncServer(iso: string): void {
    const t = Date.parse(iso);
    if (!Number.isFinite(t)) return;
    offsetMs.value = t - Date.now();
    synced = { server: t, mono: performance.now() };
  }

  /**
   * The server's time now, from the last sync counted on the monotonic clock: a wall clock stepped after the sync
   * does not move it (a machine that slept makes it late, never early). Date.now() + offset before any sync.
   */
  function serverTimeNow(): number {
    return synced ? synced.server + (performance.now() - synced.mono) : Date.now() + offsetMs.value;
  }

  const serverNow = computed(() => now.value + offsetMs.value);

  /** how long ago `s` was, by the last tick (reactive: re-evaluated every second) */
  const since = (s: Stamp): number => elapsedSince(s, at.value);

  return { now, at, offsetMs, serverNow, since, tick, start, stop, syncServer, serverTimeNow };
});
