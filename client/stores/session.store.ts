/** Who this screen is (from the session cookie): its region, time zone, demo flag, and the server's clock. */
import { ref } from 'vue';
import { defineStore } from 'pinia';
import { AnswerError, api, HttpError, type Session } from '../lib/api';
import { useClockStore } from './clock.store';

/** `invalid`: the server answered, but not in the documented shape (`problem` says where) */
export type SessionState = 'loading' | 'ready' | 'unauthorized' | 'unreachable' | 'invalid';

export const useSessionStore = defineStore('session', () => {
  const session = ref<Session | null>(null);
  const state = ref<SessionState>('loading');
  const problem = ref<string | null>(null);

  async function load(): Promise<void> {
    try {
      const s = await api.session();
      session.value = s;
      state.value = 'ready';
      problem.value = null;
      useClockStore().syncServer(s.serverTime);
    } catch (e) {
      problem.value = e instanceof AnswerError ? e.message : null;
      state.value = e instanceof HttpError && (e.status === 401 || e.status === 403) ? 'unauthorized' : e instanceof AnswerError ? 'invalid' : 'unreachable';
    }
  }

  return { session, state, problem, load };
});
