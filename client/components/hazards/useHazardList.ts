/**
 * The list's state: filters (mirrored in the address, so a filtered list can be sent as a link), cursor
 * paging with a stack of the cursors seen (so "previous" works), and answers that arrive out of order
 * ignored.
 */
import { reactive, ref, shallowRef } from 'vue';
import type { Hazard } from '../../../shared/schemas';
import { emptyFilters, filterParams, filtersFrom, hazardsApi, type ListFilters } from './hazards-api';

export function useHazardList(pageSize = 50) {
  const filters = reactive<ListFilters>(filtersFrom(location.search));
  const items = shallowRef<Hazard[]>([]);
  const page = ref(1);
  const hasNext = ref(false);
  const loading = ref(false);
  const error = ref('');
  const size = ref(pageSize);
  let cursors: Array<string | undefined> = [undefined];
  let next: string | null = null;
  let ticket = 0;

  function syncUrl(): void {
    const q = filterParams(filters);
    const lang = new URLSearchParams(location.search).get('lang');
    if (lang) q.set('lang', lang);
    history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}`);
  }

  async function load(): Promise<void> {
    const mine = ++ticket;
    loading.value = true;
    try {
      const r = await hazardsApi.list(filters, size.value, cursors[page.value - 1]);
      if (mine !== ticket) return;
      items.value = r.items;
      next = r.nextCursor;
      hasNext.value = next !== null;
      error.value = '';
    } catch (e) {
      if (mine === ticket) error.value = e instanceof Error ? e.message : String(e);
    } finally {
      if (mine === ticket) loading.value = false;
    }
  }

  /** From the first page again: after a filter or page-size change. */
  function reload(): Promise<void> {
    cursors = [undefined];
    page.value = 1;
    syncUrl();
    return load();
  }

  function nextPage(): void {
    if (!next) return;
    cursors[page.value] = next;
    page.value++;
    void load();
  }

  function prevPage(): void {
    if (page.value === 1) return;
    page.value--;
    void load();
  }

  function reset(): void {
    Object.assign(filters, emptyFilters());
    void reload();
  }

  return { filters, items, page, hasNext, loading, error, size, load, reload, nextPage, prevPage, reset };
}
