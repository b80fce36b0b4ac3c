/** Who this screen is (from the session cookie): its region, time zone, demo flag, and the server's clock. */
import { ref } from 'vue';
import { defineStore } from 'pinia';
import { api, HttpError, type Session } from '../lib/api';
import { useClockStore } from './clock.store';

export type SessionState = 'loading' | 'ready' | 'unauthorized' | 'unreachable';

export const useSessionStore = defineStore('session', () => {
  const session = ref<Session | null>(null);
  const state = ref<SessionState>('loading');

  async function load(): Promise<void> {
    try {
      const s = await api.session();
      session.value = s;
      state.value = 'ready';
      useClockStore().syncServer(s.serverTime);
    } catch (e) {
      state.value = e instanceof HttpError && (e.status === 401 || e.status === 403) ? 'unauthorized' : 'unreachable';
    }
  }

  return { session, state, load };
});
