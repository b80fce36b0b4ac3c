/**
 * The design canvas and how it fits the screen. Two layouts: `standard` (16:9, a 1920×1080 canvas: 1080p
 * screens at ×1, 3840×2160 walls at ×2) and `wide` (32:9, a 3840×1080 canvas). The canvas is scaled
 * uniformly and letterboxed: it never scrolls and never distorts.
 */
export type Layout = 'standard' | 'wide';
export type Profile = { name: string; layout: Layout; width: number; height: number };

export const PROFILES: Record<string, Profile> = {
  '1080p': { name: '1080p', layout: 'standard', width: 1920, height: 1080 },
  '4k': { name: '4k', layout: 'standard', width: 1920, height: 1080 },
  '32x9': { name: '32x9', layout: 'wide', width: 3840, height: 1080 },
};
const ALIASES: Record<string, string> = { standard: '1080p', fhd: '1080p', uhd: '4k', '2160p': '4k', wide: '32x9', '32:9': '32x9' };

/** Aspect ratios at or above this (between 16:9 and 32:9) take the wide layout. */
const WIDE_FROM = (16 / 9 + 32 / 9) / 2;

export function pickProfile(vw: number, vh: number, requested?: string | null): Profile {
  const key = requested ? (ALIASES[requested.toLowerCase()] ?? requested.toLowerCase()) : '';
  const asked = PROFILES[key];
  if (asked) return asked;
  if (vh > 0 && vw / vh >= WIDE_FROM) return PROFILES['32x9']!;
  return vw >= 3000 ? PROFILES['4k']! : PROFILES['1080p']!;
}

export type Fit = { profile: Profile; scale: number; offsetX: number; offsetY: number };

export function fitStage(vw: number, vh: number, requested?: string | null): Fit {
  const profile = pickProfile(vw, vh, requested);
  const scale = Math.max(0.05, Math.min(vw / profile.width, vh / profile.height));
  return {
    profile,
    scale,
    offsetX: Math.round((vw - profile.width * scale) / 2),
    offsetY: Math.round((vh - profile.height * scale) / 2),
  };
}
