/**
 * Which region the wall shows: `?region=` or a click drills in, back goes one level up, and `?rotate=N` turns
 * through the province and its cities every N seconds. Rotation is computed from the page's one clock (slot =
 * time ÷ period), so it cannot stop or drift, and a reconnect cannot disturb it. A manual choice pauses it for two
 * periods.
 */
import { computed, ref } from 'vue';
import { childrenOf, getRegion, isWithin } from '../../shared/regions';
import { stampNow, useClockStore, type Stamp } from '../stores/clock.store';

export function rotationSlot(serverNow: number, periodS: number, slots: number): number {
  return slots > 0 ? Math.floor(serverNow / (periodS * 1000)) % slots : 0;
}

/** A region the wall may show for this scope: a city or the scope itself (a county or a development zone shows its city). */
export function normalizeRegion(code: string | null, home: string): string | null {
  if (!code) return null;
  const r = getRegion(code);
  if (!r || !isWithin(code, home)) return null;
  if ((r.level === 'county' || r.level === 'zone') && r.parent && isWithin(r.parent, home)) return r.parent;
  return code;
}

export function useWallRegion(home: string, search = location.search) {
  const clock = useClockStore();
  const params = new URLSearchParams(search);
  const periodS = Math.max(0, Math.min(3600, Number(params.get('rotate')) || 0));
  const requested = params.get('region');
  const chosen = ref<string | null>(normalizeRegion(requested, home));
  /** a user's choice pauses the rotation for two periods from this moment (both clocks: clock.store elapsedSince) */
  const pausedAt = ref<Stamp | null>(null);

  const slots = getRegion(home)?.level === 'province' ? [home, ...childrenOf(home).map((r) => r.code)] : [home];
  const rotating = computed(() => periodS >= 5 && slots.length > 1 && (pausedAt.value === null || clock.since(pausedAt.value) >= 2 * periodS * 1000));

  const region = computed(() => {
    if (rotating.value) return slots[rotationSlot(clock.serverNow, periodS, slots.length)]!;
    return chosen.value ?? home;
  });

  function go(code: string): void {
    const next = normalizeRegion(code, home) ?? home;
    chosen.value = next;
    if (periodS >= 5) pausedAt.value = stampNow();
    const url = new URL(location.href);
    if (next === home) url.searchParams.delete('region');
    else url.searchParams.set('region', next);
    history.replaceState(history.state, '', url);
  }

  /** A click on a child region: drill in when it has a map of its own (a city of the province). */
  function pick(code: string): void {
    const r = getRegion(code);
    if (r?.level === 'city' && r.parent === region.value) go(code);
  }

  const canGoUp = computed(() => region.value !== home);
  function up(): void {
    const parent = getRegion(region.value)?.parent;
    go(parent && isWithin(parent, home) ? parent : home);
  }

  return { region, rotating, canGoUp, pick, up, go, periodS };
}
