/**
 * An ECharts instance for a document page or a slide: drawn at the device's pixel ratio, resized with its
 * box, updated in place, disposed on unmount. No animation anywhere (print, export, video). The instance
 * stays out of Vue's reactivity (markRaw in a shallowRef); exports find it with getInstanceByDom.
 */
import { markRaw, onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue';
import { echarts, type ECharts, type ECOption } from '../../lib/echarts';

export function useChartBox(el: Ref<HTMLElement | null>, option: () => ECOption | null) {
  const chart = shallowRef<ECharts | null>(null);
  let observer: ResizeObserver | null = null;

  onMounted(() => {
    if (!el.value) return;
    chart.value = markRaw(echarts.init(el.value, null, { renderer: 'canvas', devicePixelRatio: window.devicePixelRatio || 1 }));
    const o = option();
    if (o) chart.value.setOption({ animation: false, ...o }, { notMerge: true });
    // a hidden box (display: none while printing) has no size: keep the last drawing rather than a 0×0 one
    observer = new ResizeObserver(() => {
      if (el.value && el.value.clientWidth > 0 && el.value.clientHeight > 0) chart.value?.resize();
    });
    observer.observe(el.value);
  });

  watch(option, (o) => {
    if (o && chart.value) chart.value.setOption({ animation: false, ...o }, { notMerge: true });
  });

  onBeforeUnmount(() => {
    observer?.disconnect();
    observer = null;
    chart.value?.dispose();
    chart.value = null;
  });

  return { chart };
}
