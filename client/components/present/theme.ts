/**
 * The presentation theme for video conferences: solid dark background, white type, few strong colours, thick
 * bars, no gradients, no animation — what survives a video codec without smearing or flicker.
 */
export const VIDEO = {
  bg: '#061229', panel: '#0c1d40', edge: '#27406e', ink: '#ffffff', dim: '#c9d4e8',
  accent: '#ffd21f', major: '#ff9f1a', alert: '#ff5252', good: '#3ddc97', blue: '#4ea3ff',
} as const;

/** Design pixels (1920×1080) → screen pixels. */
export const unitFor = (w: number, h: number): number => Math.max(0.3, Math.min(w / 1920, h / 1080));
