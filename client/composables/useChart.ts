/**
 * The one ECharts lifecycle of every screen: an instance bound to an element, resized with its box (a hidden
 * box, display: none while printing, keeps its last drawing rather than a 0×0 one), disposed on unmount. The
 * instance lives in a shallowRef behind markRaw: Vue never makes it reactive; exports find it by its element
 * (echarts.getInstanceByDom).
 *
 * Two ways to draw, one per kind of screen:
 * - live (the wall): at the stage's real pixel density (device pixels × stage scale, so text stays crisp on a
 *   4K wall), recreated when that density changes; no animation (a wall repaints a 4K canvas for every animated
 *   frame, for motion nobody needs); updates replace the series, at most once per animation frame and the latest
 *   of them (client/lib/frame.ts). A chart's option should keep its identity while nothing drawn changed
 *   (sameUnlessKey): an unchanged option is then never handed to ECharts again. A chart that takes clicks is not
 *   redrawn while a pointer is pressed on it (at most HOLD_MAX_MS): the click would be lost.
 * - still (document pages, slides, exports: `{ still: true }`): at the device's pixel ratio, no animation
 *   anywhere (print, export, video), each update redraws the whole option.
 */
import { markRaw, onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue';
import { echarts, type ECharts, type ECOption } from '../lib/echarts';
import { perFrame } from '../lib/frame';
import { useStageStore } from '../stores/stage.store';

export type ChartClick = { componentType?: string; seriesType?: string; name?: string };
/** `onDrawn`: after every draw and resize (the chart's geometry may have moved: MapChart places its labels). */
export type ChartMode = { still?: boolean; onClick?: (p: ChartClick) => void; onDrawn?: (c: ECharts) => void };

/** The longest a press holds a live chart's redraws (a click is far shorter). */
const HOLD_MAX_MS = 1000;

export function useChart(el: Ref<HTMLElement | null>, option: () => ECOption | null, mode: ChartMode = {}) {
  const still = mode.still ?? false;
  const stage = still ? null : useStageStore();
  const pixelRatio = (): number => (stage ? stage.pixelRatio : window.devicePixelRatio || 1);
  const chart = shallowRef<ECharts | null>(null);
  let observer: ResizeObserver | null = null;

  const draw = (c: ECharts, o: ECOption, first: boolean) => {
    c.setOption({ ...o, animation: false }, still || first ? { notMerge: true } : { replaceMerge: ['series'] });
    mode.onDrawn?.(c);
  };
  // live: the latest option of this frame, drawn just before it is painted
  const frame = perFrame<ECOption>((o) => {
    if (chart.value) draw(chart.value, o, false);
  });

  // live with clicks: a press holds redraws until its release (or HOLD_MAX_MS, so a pointer stuck down never
  // freezes the map): a delta redrawn between press and release would make ECharts drop the click
  let holdTimer: ReturnType<typeof setTimeout> | null = null;
  const release = (): void => {
    if (holdTimer) clearTimeout(holdTimer);
    holdTimer = null;
    frame.release();
  };
  const press = (): void => {
    frame.hold();
    if (holdTimer) clearTimeout(holdTimer);
    holdTimer = setTimeout(release, HOLD_MAX_MS);
  };
  const holds = !still && Boolean(mode.onClick);

  function dispose(): void {
    frame.cancel();
    chart.value?.dispose();
    chart.value = null;
  }

  function init(): void {
    dispose();
    if (!el.value) return;
    const c = echarts.init(el.value, null, { renderer: 'canvas', devicePixelRatio: pixelRatio() });
    if (mode.onClick) c.on('click', (p) => mode.onClick!(p as ChartClick));
    chart.value = markRaw(c);
    const o = option();
    if (o) draw(c, o, true);
  }

  onMounted(() => {
    init();
    observer = new ResizeObserver(() => {
      if (!el.value || el.value.clientWidth === 0 || el.value.clientHeight === 0 || !chart.value) return;
      chart.value.resize();
      mode.onDrawn?.(chart.value);
    });
    if (el.value) observer.observe(el.value);
    if (holds && el.value) {
      el.value.addEventListener('pointerdown', press, true);
      window.addEventListener('pointerup', release, true);
      window.addEventListener('pointercancel', release, true);
    }
  });

  if (!still) watch(pixelRatio, init);
  watch(option, (o) => {
    if (!o || !chart.value) return;
    if (still) draw(chart.value, o, false);
    else frame.push(o);
  });

  onBeforeUnmount(() => {
    observer?.disconnect();
    observer = null;
    if (holds) {
      el.value?.removeEventListener('pointerdown', press, true);
      window.removeEventListener('pointerup', release, true);
      window.removeEventListener('pointercancel', release, true);
      if (holdTimer) clearTimeout(holdTimer);
      holdTimer = null;
    }
    dispose();
  });

  return { chart };
}
