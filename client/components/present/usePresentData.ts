/**
 * A REST read for a slide, refreshed every minute while the slide is up. The last good answer stays on screen
 * while a refresh runs (nothing blinks); a token without the region in scope shows that, not zeros.
 */
import { onBeforeUnmount, onMounted, ref, shallowRef } from 'vue';
import { HttpError } from '../../lib/api';

export const SLIDE_REFRESH_MS = 60_000;

/** `read`: the endpoint's parsing reader (lib/api.ts readAs or hazardPage): an answer of another shape shows as an error. */
export function usePresentData<T>(path: () => string, read: (path: string, timeoutMs: number) => Promise<T>) {
  const data = shallowRef<T | null>(null);
  const status = ref<'loading' | 'ok' | 'forbidden' | 'error'>('loading');
  let timer: ReturnType<typeof setInterval> | null = null;

  async function load(): Promise<void> {
    try {
      data.value = await read(path(), 20_000);
      status.value = 'ok';
    } catch (e) {
      if (e instanceof HttpError && (e.status === 403 || e.status === 401)) status.value = 'forbidden';
      else if (!data.value) status.value = 'error';
    }
  }

  onMounted(() => {
    void load();
    timer = setInterval(() => void load(), SLIDE_REFRESH_MS);
  });
  onBeforeUnmount(() => {
    if (timer) clearInterval(timer);
    timer = null;
  });
  return { data, status };
}
