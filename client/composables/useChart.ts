/**
 * One ECharts instance bound to an element: created at the stage's real pixel density (device pixels × stage
 * scale, so text stays crisp on a 4K wall), recreated when that density changes, resized with its box, and
 * disposed on unmount. The instance lives in a shallowRef behind markRaw: Vue never makes it reactive.
 */
import { markRaw, onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue';
import { echarts, type ECharts, type ECOption } from '../lib/echarts';
import { useStageStore } from '../stores/stage.store';

export type ChartClick = { componentType?: string; seriesType?: string; name?: string };

export function useChart(el: Ref<HTMLElement | null>, option: () => ECOption | null, onClick?: (p: ChartClick) => void) {
  const stage = useStageStore();
  const chart = shallowRef<ECharts | null>(null);
  let observer: ResizeObserver | null = null;

  function dispose(): void {
    chart.value?.dispose();
    chart.value = null;
  }

  function init(): void {
    dispose();
    if (!el.value) return;
    const c = echarts.init(el.value, null, { renderer: 'canvas', devicePixelRatio: stage.pixelRatio });
    if (onClick) c.on('click', (p) => onClick(p as ChartClick));
    chart.value = markRaw(c);
    const o = option();
    if (o) c.setOption(o, { notMerge: true });
  }

  onMounted(() => {
    init();
    observer = new ResizeObserver(() => chart.value?.resize());
    if (el.value) observer.observe(el.value);
  });

  watch(() => stage.pixelRatio, init);
  watch(option, (o) => {
    if (o && chart.value) chart.value.setOption(o, { replaceMerge: ['series'] });
  });

  onBeforeUnmount(() => {
    observer?.disconnect();
    observer = null;
    dispose();
  });

  return { chart };
}
