/**
 * One scale for a document page: viewport width ÷ 1920, bounded. Type is set in `em` against it, and charts
 * (canvas text in px) multiply their sizes by it, so a 4K screen shows the same page, sharper, not smaller.
 */
import { onBeforeUnmount, onMounted, ref } from 'vue';

export const scaleFor = (width: number): number => Math.min(2.5, Math.max(0.7, width / 1920));

export function useUiScale() {
  const scale = ref(scaleFor(typeof window === 'undefined' ? 1920 : window.innerWidth));
  const onResize = () => {
    const next = scaleFor(window.innerWidth);
    if (Math.abs(next - scale.value) > 0.01) scale.value = next;
  };
  onMounted(() => window.addEventListener('resize', onResize));
  onBeforeUnmount(() => window.removeEventListener('resize', onResize));
  return scale;
}
