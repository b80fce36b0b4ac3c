/**
 * Live summaries of the regions on screen: a snapshot from `summary:subscribe`, then deltas. A delta that does
 * not start at our version means we missed something: re-subscribe and take a fresh snapshot. What is shown
 * never goes back to an older version: a snapshot older than it (a node that lags, after a reconnect to
 * another node) is refused and asked for again. Every heartbeat, delta or snapshot is a sign of life;
 * freshness is stale 15 s after the newest one, or 0.5 s after the socket reports a disconnect, and lagging
 * while the node says (heartbeat `head` vs `version`) or shows (a version below ours) that it is behind, or while
 * numbers put in doubt (a disconnect, a missed delta) still wait for their snapshot RESNAPSHOT_GRACE_MS later.
 * A node that says it cannot reach its database (heartbeat `store: 'unavailable'`) keeps beating, but what it
 * shows may be behind what other nodes wrote meanwhile: stale, with that reason (`storeDown`), until it says `ok`.
 */
import { computed, reactive, ref, shallowRef } from 'vue';
import { defineStore } from 'pinia';
import { HeartbeatSchema, SummaryDeltaSchema, SummarySchema, type Summary } from '../../shared/schemas';
import type { IntegrityNotice, SubscribeAck } from '../../shared/events';
import type { SocketPort } from '../socket';
import { elapsedSince, stampNow, useClockStore, type Stamp } from './clock.store';
import { applyDelta, freshnessAt, LagWatch, DISCONNECT_STALE_MS, STALE_AFTER_MS, type Freshness } from './summary-sync';

export const ACK_TIMEOUT_MS = 15_000;
export const SUBSCRIBE_RETRY_MS = 5_000;
/** After a snapshot older than what is shown: ask again this soon (the node is catching up). */
export const OLDER_RETRY_MS = 1_000;
/**
 * Numbers put in doubt (the connection dropped, a delta was missed, the store was reset) and not re-confirmed by a
 * snapshot this long after: lagging, not live. Short enough to say so within a few seconds, long enough that the
 * snapshot of a quick reconnect (one round trip) comes first and the screen does not flash.
 */
export const RESNAPSHOT_GRACE_MS = 2_000;
/** How long heartbeats must keep saying the head is below what is shown before the store is taken as reset. */
export const RESET_CONFIRM_MS = 4_000;

export const useLiveSummaryStore = defineStore('liveSummary', () => {
  const clock = useClockStore();
  /** Only the regions wanted on screen (at most a few): bounded by construction. */
  const summaries = shallowRef<Readonly<Record<string, Summary>>>({});
  /** the last sign of life from the server (both clocks: a wall clock set back must not make it look recent) */
  const lastSignal = ref<Stamp | null>(null);
  /** how long ago that was, at the last clock tick; null before the first */
  const signalAgeMs = computed(() => (lastSignal.value ? clock.since(lastSignal.value) : null));
  const serverVersion = ref<number | null>(null);
  const resyncs = ref(0);
  const rejected = ref(0);
  const lastError = ref<string | null>(null);
  /** a disconnect reported by the socket has lasted DISCONNECT_STALE_MS; cleared by the next sign of life */
  const down = ref(false);
  const lagging = ref(false);
  /** how many changes the node says it is behind the newest one committed (0 when not lagging) */
  const behind = ref(0);
  const olderSnapshots = ref(0);
  /** the node's last heartbeat said it cannot reach its database */
  const storeDown = ref(false);
  const lag = new LagWatch();
  let downTimer: ReturnType<typeof setTimeout> | null = null;
  /** regions whose next snapshot may be older than what is shown: the whole store went back (reset) */
  const acceptOlder = new Set<string>();
  /**
   * Since when heartbeats on this connection say, without a break, that the head is below what is shown. Only the
   * numbers are put in doubt (lagging) at first; once that has held for RESET_CONFIRM_MS (a second heartbeat at
   * least, beats being 5 s apart) the store is taken as reset and the older numbers as its own — a single odd
   * heartbeat, or the burst a node sends on attach and when its database comes back, cannot roll a wall back.
   */
  let lowHeadSince: Stamp | null = null;
  /**
   * Regions on screen whose numbers are in doubt, since when (local ms): a heartbeat says the node is fine, not that
   * what we show is what it has. Cleared by the snapshot taken; bounded by the regions shown.
   */
  const unconfirmed = reactive(new Map<string, Stamp>());

  const wanted = new Set<string>();
  const inflight = new Map<string, number>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let seq = 0;
  let port: SocketPort | null = null;

  const newestShown = computed(() => Math.max(-1, ...Object.values(summaries.value).map((s) => s.version)));
  /** the server's audit of its store: while `failed`, no number on screen is shown as live */
  const integrity = ref<IntegrityNotice | null>(null);
  const onIntegrity = (n: IntegrityNotice) => {
    integrity.value = n;
  };
  const freshness = computed<Freshness>(() => {
    if (integrity.value?.status === 'failed') return 'integrity';
    if (down.value || storeDown.value || freshnessAt(signalAgeMs.value, STALE_AFTER_MS) === 'stale') return 'stale';
    if (integrity.value?.status === 'checking') return 'verifying';
    const nodeBehindUs = serverVersion.value !== null && serverVersion.value < newestShown.value;
    let inDoubt = false;
    for (const since of unconfirmed.values()) if (clock.since(since) > RESNAPSHOT_GRACE_MS) inDoubt = true;
    return lagging.value || nodeBehindUs || inDoubt ? 'lagging' : 'live';
  });

  function signal(): void {
    lastSignal.value = stampNow();
    down.value = false;
  }

  function put(region: string, s: Summary | null): void {
    const next = { ...summaries.value };
    if (s) next[region] = s;
    else delete next[region];
    summaries.value = next;
  }

  /** What is shown of `region` may be behind until its next snapshot is taken. */
  function doubt(region: string): void {
    if (summaries.value[region] && !unconfirmed.has(region)) unconfirmed.set(region, stampNow());
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
    signal();
    const cur = summaries.value[region];
    if (cur && parsed.data.version < cur.version && !acceptOlder.has(region)) {
      // this node has not yet applied what we show: keep ours, ask again shortly
      olderSnapshots.value += 1;
      later(region, OLDER_RETRY_MS);
      return;
    }
    acceptOlder.delete(region);
    sentByNode(parsed.data.version);
    unconfirmed.delete(region);
    put(region, parsed.data);
  }

  /**
   * The node sent numbers as of `version`, so it has applied that far: without this, every delta newer than the
   * last heartbeat (5 s apart) made the screen say 数据滞后 until the next one — a node "behind" what it just sent.
   */
  function sentByNode(version: number): void {
    if (serverVersion.value === null || serverVersion.value < version) serverVersion.value = version;
  }

  function onDelta(raw: unknown): void {
    const parsed = SummaryDeltaSchema.safeParse(raw);
    if (!parsed.success) {
      rejected.value += 1;
      return;
    }
    const d = parsed.data;
    signal();
    sentByNode(d.version);
    const cur = summaries.value[d.region];
    if (!cur) return;
    const { outcome, summary } = applyDelta(cur, d);
    if (outcome === 'applied') put(d.region, summary);
    else if (outcome === 'gap') {
      doubt(d.region);
      resync(d.region);
    }
  }

  function onHeartbeat(raw: unknown): void {
    const parsed = HeartbeatSchema.safeParse(raw);
    if (!parsed.success) return;
    signal();
    clock.syncServer(parsed.data.at);
    const { version } = parsed.data;
    serverVersion.value = version;
    storeDown.value = parsed.data.store === 'unavailable';
    // the newest change committed anywhere, as this node knows it (a server without `head` is its own head)
    const head = parsed.data.head ?? version;
    lag.beat(version, head);
    lagging.value = lag.lagging;
    behind.value = lag.behind;
    // Even the newest change committed anywhere is behind what we show: the store was reset, our numbers are
    // not its numbers — once the beats have said so for RESET_CONFIRM_MS (lowHeadSince). (A node merely behind the
    // head is lagging: we keep ours until it catches up.) A node cut off from its database says nothing of the head.
    if (storeDown.value) return;
    const above = Object.values(summaries.value).filter((s) => s.version > head);
    if (!above.length) lowHeadSince = null;
    else lowHeadSince ??= stampNow();
    const reset = lowHeadSince !== null && elapsedSince(lowHeadSince, stampNow()) >= RESET_CONFIRM_MS;
    for (const s of above) {
      doubt(s.region);
      // asked afresh either way: a snapshot older than ours is refused (and asked again) until the reset is taken
      if (reset) acceptOlder.add(s.region);
      resync(s.region);
    }
  }

  function resync(region: string): void {
    if (inflight.has(region)) return;
    resyncs.value += 1;
    subscribe(region);
  }

  function clearDownTimer(): void {
    if (downTimer) clearTimeout(downTimer);
    downTimer = null;
  }

  const onConnect = (): void => {
    // a quick reconnect never showed stale; after a longer one, `down` holds until the server's first signal
    clearDownTimer();
    // a node tells a new socket at once if it is failed or still checking: a verdict heard from the node before
    // (a reconnect may land on another one) is not this node's
    integrity.value = null;
    inflight.clear();
    for (const r of wanted) {
      clearTimer(r);
      subscribe(r);
    }
  };
  const onDisconnect = (): void => {
    inflight.clear();
    for (const r of [...timers.keys()]) clearTimer(r);
    // Not live before the drop (the node said it was behind, or cut off from its database): stale at once. Clearing
    // those verdicts for the next node must not turn the screen 实时 for the DISCONNECT_STALE_MS before `down`.
    if (lagging.value || storeDown.value) {
      clearDownTimer();
      down.value = true;
    }
    lag.reset();
    lowHeadSince = null;
    lagging.value = false;
    behind.value = 0;
    // the next node speaks for itself
    storeDown.value = false;
    // changes committed while we are away reach us only in the snapshots taken after the reconnect
    for (const r of Object.keys(summaries.value)) doubt(r);
    if (!downTimer && !down.value) {
      downTimer = setTimeout(() => {
        downTimer = null;
        down.value = true;
      }, DISCONNECT_STALE_MS);
    }
  };

  /** Shows exactly these regions: subscribes to new ones, drops the others. */
  function show(regions: readonly string[]): void {
    const next = new Set(regions);
    for (const r of [...wanted]) {
      if (next.has(r)) continue;
      wanted.delete(r);
      inflight.delete(r);
      clearTimer(r);
      unconfirmed.delete(r);
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
    p.on('server:integrity', onIntegrity);
    if (p.connected) onConnect();
  }

  function unbind(): void {
    inflight.clear();
    unconfirmed.clear();
    for (const r of [...timers.keys()]) clearTimer(r);
    clearDownTimer();
    if (!port) return;
    port.off('connect', onConnect);
    port.off('disconnect', onDisconnect);
    port.off('summary:delta', onDelta);
    port.off('server:heartbeat', onHeartbeat);
    port.off('server:integrity', onIntegrity);
    port = null;
  }

  return {
    summaries, signalAgeMs, serverVersion, resyncs, rejected, lastError, freshness, integrity, behind, olderSnapshots, storeDown,
    show, bind, unbind, signal,
  };
});
