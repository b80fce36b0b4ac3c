/** The current fit of the design canvas; charts read `pixelRatio` to draw at the screen's real density. */
import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import { fitStage, type Fit } from '../lib/stage';

export const useStageStore = defineStore('stage', () => {
  const fit = ref<Fit>(fitStage(1920, 1080));
  const dpr = ref(1);

  function measure(vw: number, vh: number, devicePixelRatio: number, requested: string | null): void {
    const next = fitStage(vw, vh, requested);
    const f = fit.value;
    if (next.scale !== f.scale || next.offsetX !== f.offsetX || next.offsetY !== f.offsetY || next.profile !== f.profile) fit.value = next;
    if (devicePixelRatio !== dpr.value) dpr.value = devicePixelRatio;
  }

  /** Canvas pixels per design pixel: device pixels per CSS pixel × the stage's scale. */
  const pixelRatio = computed(() => dpr.value * fit.value.scale);
  const layout = computed(() => fit.value.profile.layout);

  return { fit, dpr, pixelRatio, layout, measure };
});
