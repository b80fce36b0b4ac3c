/** Who is at the desk: the signed-in person (or a token); no one sends the page to /login. */
import { ref } from 'vue';
import { deskApi, type Me } from './desk-api';

export function useMe() {
  const me = ref<Me | null>(null);
  const state = ref<'loading' | 'ready' | 'failed'>('loading');
  async function load(): Promise<Me | null> {
    const r = await deskApi.me();
    if (r.ok && !r.body.user?.mustChangePassword) {
      me.value = r.body;
      state.value = 'ready';
      return r.body;
    }
    if (!r.ok && r.status !== 401 && r.status !== 403) {
      state.value = 'failed';
      return null;
    }
    location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
    return null;
  }
  return { me, state, load };
}
