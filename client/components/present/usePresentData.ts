/**
 * A REST read for a slide, refreshed every minute while the slide is up. The last good answer stays on screen
 * while a refresh runs (nothing blinks); a token without the region in scope shows that, not zeros. Every read
 * reports when it last succeeded, and whether its latest refresh failed, to the deck it is in: the slide's header
 * says how old its numbers are and, when a refresh fails, that they are no longer being refreshed
 * (docs/API.md, "Data age on the slides").
 */
import { inject, onBeforeUnmount, onMounted, provide, reactive, ref, shallowRef, computed, type InjectionKey } from 'vue';
import { HttpError } from '../../lib/api';
import { useClockStore } from '../../stores/clock.store';

export const SLIDE_REFRESH_MS = 60_000;

interface ReadAge {
  /** server time (ms) of the last good answer; null before the first */
  readAt: number | null;
  /** the latest attempt failed (the last good answer, if any, is still shown) */
  failing: boolean;
}

const AGES: InjectionKey<Map<symbol, ReadAge>> = Symbol('present-read-ages');

/**
 * For the deck: collects the ages of every read on the current slide (its own and its slide's). `oldest` is the
 * least recent good answer on screen; `failing` is true while any read's latest refresh failed.
 */
export function providePresentAges() {
  const ages = reactive(new Map<symbol, ReadAge>());
  provide(AGES, ages);
  const age = computed(() => {
    let oldest: number | null = null;
    let failing = false;
    for (const a of ages.values()) {
      failing ||= a.failing;
      if (a.readAt !== null && (oldest === null || a.readAt < oldest)) oldest = a.readAt;
    }
    return { oldest, failing };
  });
  return { reads: ages, age };
}

type Ages = ReturnType<typeof providePresentAges>['reads'];

/**
 * `read`: the endpoint's parsing reader (lib/api.ts readAs or hazardPage): an answer of another shape shows as an
 * error. `into`: the deck's own read passes the registry it provides (a component does not see what it provides).
 */
export function usePresentData<T>(path: () => string, read: (path: string, timeoutMs: number) => Promise<T>, into?: Ages) {
  const data = shallowRef<T | null>(null);
  const status = ref<'loading' | 'ok' | 'forbidden' | 'error'>('loading');
  const clock = useClockStore();
  const ages = into ?? inject(AGES, null);
  const key = Symbol('read');
  const age = reactive<ReadAge>({ readAt: null, failing: false });
  let timer: ReturnType<typeof setInterval> | null = null;
  let alive = true;

  async function load(): Promise<void> {
    try {
      const answer = await read(path(), 20_000);
      if (!alive) return;
      data.value = answer;
      status.value = 'ok';
      age.readAt = clock.serverTimeNow();
      age.failing = false;
    } catch (e) {
      if (!alive) return;
      const refused = e instanceof HttpError && (e.status === 403 || e.status === 401);
      // a refusal is shown as such, not as old numbers
      age.failing = !refused;
      if (refused) status.value = 'forbidden';
      else if (!data.value) status.value = 'error';
    }
  }

  onMounted(() => {
    ages?.set(key, age);
    void load();
    timer = setInterval(() => void load(), SLIDE_REFRESH_MS);
  });
  onBeforeUnmount(() => {
    alive = false;
    ages?.delete(key);
    if (timer) clearInterval(timer);
    timer = null;
  });
  return { data, status };
}
