/**
 * Loads a region's outline file (/geo/<code>.json: the children of that region, each feature named by its
 * GB/T 2260 code) and registers it with ECharts once. A failed load is retried: a wall has no one to press F5.
 */
import { onBeforeUnmount, ref, watch, type Ref } from 'vue';
import { echarts } from '../lib/echarts';
import { z } from 'zod';
import { getJson } from '../lib/api';

export const GEO_RETRY_MS = 10_000;
/** What ECharts needs of an outline file: a GeoJSON feature collection (the files are ours, built by scripts/). */
const GeoSchema = z.looseObject({ type: z.literal('FeatureCollection'), features: z.array(z.looseObject({
  type: z.literal('Feature'), properties: z.looseObject({ name: z.string() }), geometry: z.looseObject({ type: z.string(), coordinates: z.array(z.unknown()) }),
})) });
const loaded = new Map<string, Promise<void>>();

export const mapNameOf = (code: string): string => `geo-${code}`;

function ensureMap(code: string): Promise<void> {
  let p = loaded.get(code);
  if (!p) {
    p = getJson(`/geo/${code}.json`, GeoSchema, 20_000).then((geo) => {
      echarts.registerMap(mapNameOf(code), geo as Parameters<typeof echarts.registerMap>[1]);
    });
    p.catch(() => loaded.delete(code));
    loaded.set(code, p);
  }
  return p;
}

export function useGeoMap(code: Ref<string>) {
  const status = ref<'loading' | 'ready' | 'error'>('loading');
  const name = ref<string | null>(null);
  let retry: ReturnType<typeof setTimeout> | null = null;

  async function load(c: string): Promise<void> {
    if (retry) clearTimeout(retry);
    retry = null;
    status.value = 'loading';
    try {
      await ensureMap(c);
      if (code.value !== c) return;
      name.value = mapNameOf(c);
      status.value = 'ready';
    } catch {
      if (code.value !== c) return;
      status.value = 'error';
      retry = setTimeout(() => void load(c), GEO_RETRY_MS);
    }
  }

  watch(code, (c) => void load(c), { immediate: true });
  onBeforeUnmount(() => {
    if (retry) clearTimeout(retry);
    retry = null;
  });

  return { status, name };
}
