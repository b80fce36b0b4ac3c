/** The slide's design unit: screen pixels per design pixel of a 1920×1080 slide, kept current on resize. */
import { onBeforeUnmount, onMounted, ref } from 'vue';
import { unitFor } from './theme';

export function usePresentScale() {
  const u = ref(unitFor(window.innerWidth, window.innerHeight));
  const onResize = () => {
    u.value = unitFor(window.innerWidth, window.innerHeight);
  };
  onMounted(() => window.addEventListener('resize', onResize));
  onBeforeUnmount(() => window.removeEventListener('resize', onResize));
  return u;
}
