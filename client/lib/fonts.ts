/**
 * Canvas text (ECharts) does not wait for web fonts, and a font that arrives later leaves mismeasured labels.
 * So before the first chart is drawn we ask for exactly the glyphs charts draw: region names, sector labels,
 * digits and the chart strings. Bounded by a timeout so a slow network can never keep the wall blank.
 */
import { SECTORS } from '../../shared/domain';
import { ALL_REGIONS } from '../../shared/regions';
import { zh } from '../i18n/zh';
import { en } from '../i18n/en';

export const FONT_FAMILY = '"Noto Sans SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, out);
}

export function chartGlyphs(): string {
  const parts: string[] = ['0123456789.,:%/-+—–·（）()“” 年月日周一二三四五六七八九十'];
  for (const r of ALL_REGIONS) parts.push(r.name);
  for (const s of SECTORS) parts.push(s.zh, s.en);
  collectStrings(zh, parts);
  collectStrings(en, parts);
  return [...new Set(parts.join(''))].join('');
}

export async function preloadFonts(timeoutMs = 4000): Promise<void> {
  if (typeof document === 'undefined' || !document.fonts) return;
  const text = chartGlyphs();
  const loads = ['400', '700'].map((w) => document.fonts.load(`${w} 16px "Noto Sans SC"`, text).catch(() => []));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, timeoutMs); });
  await Promise.race([Promise.all(loads), timeout]);
  clearTimeout(timer);
}
