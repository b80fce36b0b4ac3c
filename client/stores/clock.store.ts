/**
 * The page's one clock: a single 1 s interval that freshness, the displayed time and kiosk rotation all read.
 * One source means rotation cannot drift from the clock or stop while the clock runs.
 */
import { computed, ref } from 'vue';
import { defineStore } from 'pinia';

export const useClockStore = defineStore('clock', () => {
  const now = ref(Date.now());
  /** Server time minus local time, from the session and heartbeats, so the wall shows the server's clock. */
  const offsetMs = ref(0);
  let timer: ReturnType<typeof setInterval> | null = null;
  let users = 0;

  function tick(): void {
    now.value = Date.now();
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

  function syncServer(iso: string): void {
    const t = Date.parse(iso);
    if (Number.isFinite(t)) offsetMs.value = t - Date.now();
  }

  const serverNow = computed(() => now.value + offsetMs.value);

  return { now, offsetMs, serverNow, tick, start, stop, syncServer };
});
