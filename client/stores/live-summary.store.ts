/**
 * Live summaries of the regions on screen: a snapshot from `summary:subscribe`, then deltas. A delta that does
 * not start at our version means we missed something: re-subscribe and take a fresh snapshot. Every heartbeat,
 * delta or snapshot is a sign of life; freshness is derived from the newest one and the page clock.
 */
import { computed, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import { HeartbeatSchema, SummaryDeltaSchema, SummarySchema, type Summary } from '../../shared/schemas';
import type { SubscribeAck } from '../../shared/events';
import type { SocketPort } from '../socket';
import { useClockStore } from './clock.store';
import { applyDelta, freshnessAt, STALE_AFTER_MS } from './summary-sync';

export const ACK_TIMEOUT_MS = 15_000;
export const SUBSCRIBE_RETRY_MS = 5_000;

export const useLiveSummaryStore = defineStore('liveSummary', () => {
  const clock = useClockStore();
  /** Only the regions wanted on screen (at most a few): bounded by construction. */
  const summaries = shallowRef<Readonly<Record<string, Summary>>>({});
  const lastSignalAt = ref<number | null>(null);
  const serverVersion = ref<number | null>(null);
  const resyncs = ref(0);
  const rejected = ref(0);
  const lastError = ref<string | null>(null);

  const wanted = new Set<string>();
  const inflight = new Map<string, number>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let seq = 0;
  let port: SocketPort | null = null;

  const freshness = computed(() => freshnessAt(lastSignalAt.value, clock.now, STALE_AFTER_MS));

  function signal(): void {
    lastSignalAt.value = Date.now();
  }

  function put(region: string, s: Summary | null): void {
    const next = { ...summaries.value };
    if (s) next[region] = s;
    else delete next[region];
    summaries.value = next;
  }

  function clearTimer(region: string): void {
    const t = timers.get(region);
    if (t) clearTimeout(t);
    timers.delete(region);
  }

  function later(region: string, ms: number): void {
    clearTimer(region);
    timers.set(region, setTimeout(() => {
      timers.delete(region);
      inflight.delete(region);
      subscribe(region);
    }, ms));
  }

  function subscribe(region: string): void {
    if (!port?.connected || !wanted.has(region) || inflight.has(region)) return;
    const id = ++seq;
    inflight.set(region, id);
    later(region, ACK_TIMEOUT_MS);
    port.emit('summary:subscribe', { region }, (ack: SubscribeAck) => onAck(region, id, ack));
  }

  function onAck(region: string, id: number, ack: SubscribeAck): void {
    if (inflight.get(region) !== id) return;
    inflight.delete(region);
    clearTimer(region);
    if (!wanted.has(region)) return;
    if (!ack.ok) {
      lastError.value = ack.error.message;
      later(region, SUBSCRIBE_RETRY_MS);
      return;
    }
    const parsed = SummarySchema.safeParse(ack.summary);
    if (!parsed.success) {
      rejected.value += 1;
      later(region, SUBSCRIBE_RETRY_MS);
      return;
    }
    lastError.value = null;
    put(region, parsed.data);
    signal();
  }

  function onDelta(raw: unknown): void {
    const parsed = SummaryDeltaSchema.safeParse(raw);
    if (!parsed.success) {
      rejected.value += 1;
      return;
    }
    const d = parsed.data;
    signal();
    const cur = summaries.value[d.region];
    if (!cur) return;
    const { outcome, summary } = applyDelta(cur, d);
    if (outcome === 'applied') put(d.region, summary);
    else if (outcome === 'gap') resync(d.region);
  }

  function onHeartbeat(raw: unknown): void {
    const parsed = HeartbeatSchema.safeParse(raw);
    if (!parsed.success) return;
    signal();
    clock.syncServer(parsed.data.at);
    serverVersion.value = parsed.data.version;
    // A server whose sequence is behind what we show has been reset: our numbers are not its numbers.
    for (const s of Object.values(summaries.value)) if (s.version > parsed.data.version) resync(s.region);
  }

  function resync(region: string): void {
    if (inflight.has(region)) return;
    resyncs.value += 1;
    subscribe(region);
  }

  const onConnect = (): void => {
    inflight.clear();
    for (const r of wanted) {
      clearTimer(r);
      subscribe(r);
    }
  };
  const onDisconnect = (): void => {
    inflight.clear();
    for (const r of [...timers.keys()]) clearTimer(r);
  };

  /** Shows exactly these regions: subscribes to new ones, drops the others. */
  function show(regions: readonly string[]): void {
    const next = new Set(regions);
    for (const r of [...wanted]) {
      if (next.has(r)) continue;
      wanted.delete(r);
      inflight.delete(r);
      clearTimer(r);
      put(r, null);
      if (port?.connected) port.emit('summary:unsubscribe', { region: r });
    }
    for (const r of next) {
      if (wanted.has(r)) continue;
      wanted.add(r);
      subscribe(r);
    }
  }

  function bind(p: SocketPort): void {
    if (port) return;
    port = p;
    p.on('connect', onConnect);
    p.on('disconnect', onDisconnect);
    p.on('summary:delta', onDelta);
    p.on('server:heartbeat', onHeartbeat);
    if (p.connected) onConnect();
  }

  function unbind(): void {
    onDisconnect();
    if (!port) return;
    port.off('connect', onConnect);
    port.off('disconnect', onDisconnect);
    port.off('summary:delta', onDelta);
    port.off('server:heartbeat', onHeartbeat);
    port = null;
  }

  return {
    summaries, lastSignalAt, serverVersion, resyncs, rejected, lastError, freshness,
    show, bind, unbind, signal,
  };
});
