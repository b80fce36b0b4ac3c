/**
 * The presentation room this screen is in: joins it (again after every reconnect), follows `present:changed`,
 * and — as presenter — moves it. A presenter that another one took over becomes a follower and stays one.
 * The socket's lifecycle (retries forever) is the connection store's.
 */
import { ref } from 'vue';
import { defineStore } from 'pinia';
import type { PresentAck, PresentState } from '../../shared/present';
import { getSocket, type SocketPort } from '../socket';
import { useConnectionStore } from './connection.store';

export type PresentStatus = 'connecting' | 'joined' | 'forbidden' | 'error';

export const usePresentStore = defineStore('present', () => {
  const state = ref<PresentState | null>(null);
  const role = ref<'presenter' | 'follower'>('follower');
  const status = ref<PresentStatus>('connecting');
  const message = ref<string | null>(null);
  const superseded = ref(false);
  /** why the room refused this presenter's latest move (shown in the footer until a move or a join succeeds) */
  const refused = ref<string | null>(null);
  let room = '';
  let region: string | undefined;
  let port: SocketPort | null = null;

  const accept = (a: PresentAck): void => {
    if (a.ok) {
      state.value = a.state;
      status.value = 'joined';
      message.value = null;
      refused.value = null;
    } else {
      status.value = a.error.code === 'forbidden_region' ? 'forbidden' : 'error';
      message.value = a.error.message;
    }
  };

  /** An ack lost with a dropped connection would leave the screen waiting: ask again until one comes. */
  const JOIN_RETRY_MS = 3000;
  let joinTimer: ReturnType<typeof setTimeout> | null = null;

  function join(): void {
    if (!port) return;
    if (joinTimer) clearTimeout(joinTimer);
    joinTimer = setTimeout(() => {
      joinTimer = null;
      if (port?.connected) join();
    }, JOIN_RETRY_MS);
    port.emit('present:join', { room, role: role.value, ...(region ? { region } : {}) }, (a) => {
      if (joinTimer) clearTimeout(joinTimer);
      joinTimer = null;
      accept(a);
    });
  }

  const onChanged = (s: PresentState): void => {
    if (s.room === room) state.value = s;
  };
  const onSuperseded = (s: { room: string; message: string }): void => {
    if (s.room !== room) return;
    role.value = 'follower';
    superseded.value = true;
    refused.value = null;
  };

  function start(name: string, asRole: 'presenter' | 'follower', asked?: string): void {
    room = name;
    role.value = asRole;
    region = asked;
    if (port) return;
    port = getSocket();
    const conn = useConnectionStore();
    conn.bind(port);
    port.on('connect', join);
    port.on('present:changed', onChanged);
    port.on('present:superseded', onSuperseded);
    if (port.connected) join();
    else conn.open();
  }

  /**
   * Moves the room (presenter only); the room's answer is what the screen shows. Not while disconnected: the
   * socket would buffer the move and send it on reconnect, ahead of the new join, where the room refuses it (a
   * socket that has not joined does not present) and the refusal is all the presenter would get. A key pressed
   * then does nothing, and the presenter's footer says so (PresentView).
   */
  function go(move: { index?: number; blank?: boolean }): void {
    if (role.value !== 'presenter' || !port || !port.connected || !state.value) return;
    port.emit('present:go', { room, ...move }, (a) => {
      if (a.ok) {
        state.value = a.state;
        refused.value = null;
      } else refused.value = a.error.message;
    });
  }

  function step(delta: number): void {
    const s = state.value;
    if (!s) return;
    const index = Math.min(s.slides - 1, Math.max(0, s.index + delta));
    if (index !== s.index || s.blank) go({ index, blank: false });
  }

  function stop(): void {
    refused.value = null;
    if (joinTimer) clearTimeout(joinTimer);
    joinTimer = null;
    if (!port) return;
    port.off('connect', join);
    port.off('present:changed', onChanged);
    port.off('present:superseded', onSuperseded);
    port = null;
  }

  return { state, role, status, message, superseded, refused, start, go, step, stop };
});
