/**
 * The socket's lifecycle as state: connected or not, how often it has (re)connected, the last refusal.
 * When the client stops retrying by itself (auth middleware refusal, server-side disconnect), this store
 * retries with capped backoff, forever: a wall screen never gives up.
 */
import { ref } from 'vue';
import { defineStore } from 'pinia';
import type { SocketPort } from '../socket';
import { backoffDelay } from './summary-sync';

export const MANUAL_RETRY_BASE_MS = 2_000;
export const MANUAL_RETRY_MAX_MS = 30_000;

export const useConnectionStore = defineStore('connection', () => {
  const connected = ref(false);
  /** Increments on every successful (re)connect; watchers reload REST panels when it changes. */
  const connects = ref(0);
  const failures = ref(0);
  const lastError = ref<string | null>(null);
  let port: SocketPort | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  function clearRetry(): void {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
  }

  function scheduleRetry(): void {
    if (retryTimer || !port) return;
    const delay = backoffDelay(failures.value, MANUAL_RETRY_BASE_MS, MANUAL_RETRY_MAX_MS);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (port && !port.connected && !port.active) port.connect();
    }, delay);
  }

  const onConnect = (): void => {
    clearRetry();
    connected.value = true;
    connects.value += 1;
    failures.value = 0;
    lastError.value = null;
  };
  const onDisconnect = (reason: string): void => {
    connected.value = false;
    lastError.value = reason;
    // "io server disconnect": the client will not retry by itself.
    if (port && !port.active) scheduleRetry();
  };
  const onError = (err: Error): void => {
    connected.value = false;
    failures.value += 1;
    lastError.value = err.message;
    if (port && !port.active) scheduleRetry();
  };

  function bind(p: SocketPort): void {
    if (port) return;
    port = p;
    p.on('connect', onConnect);
    p.on('disconnect', onDisconnect);
    p.on('connect_error', onError);
    if (p.connected) onConnect();
  }

  /** Starts connecting; called after every store has bound its listeners. */
  function open(): void {
    if (port && !port.connected) port.connect();
  }

  function unbind(): void {
    clearRetry();
    if (!port) return;
    port.off('connect', onConnect);
    port.off('disconnect', onDisconnect);
    port.off('connect_error', onError);
    port = null;
  }

  return { connected, connects, failures, lastError, bind, open, unbind };
});
