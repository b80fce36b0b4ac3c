/** Slide bars from a summary: per child region or per sector, a major part and the rest. */
import type { Counts, Summary } from '../../../shared/schemas';
import { sectorLabel } from '../../../shared/domain';
import { regionName } from '../../../shared/regions';

export type Bar = { name: string; major: number; other: number };

export const openBars = (rows: Record<string, Counts>, name: (k: string) => string): Bar[] =>
  Object.entries(rows).map(([k, c]) => ({ name: name(k), major: c.majorOpen, other: c.open - c.majorOpen }));

export const childOpenBars = (s: Summary): Bar[] => openBars(s.byRegion, regionName);
export const sectorOpenBars = (s: Summary, lang: 'zh' | 'en'): Bar[] => openBars(s.bySector, (k) => sectorLabel(k, lang));
export const childBars = (s: Summary, pick: (c: Counts) => number): Bar[] =>
  Object.entries(s.byRegion).map(([k, c]) => ({ name: regionName(k), major: pick(c), other: 0 }));
