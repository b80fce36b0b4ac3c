/**
 * The page's Noto Sans SC ships as ~100 unicode-range slices per weight (fontsource). Exports need the
 * font files themselves (an SVG image cannot load fonts; a PDF embeds them), so this reads the @font-face
 * rules the page already has, and fetches only the slices that the exported text uses.
 */
export type Slice = { weight: number; ranges: Array<[number, number]>; woff2: string | null; woff: string | null; rangeText: string };

const FAMILY = 'Noto Sans SC';

function parseRanges(text: string): Array<[number, number]> {
  return text.split(',').map((part) => {
    const [lo, hi] = part.trim().replace(/^U\+/i, '').split('-');
    const a = parseInt(lo!.replace(/\?/g, '0'), 16);
    const b = hi ? parseInt(hi, 16) : parseInt(lo!.replace(/\?/g, 'f'), 16);
    return [a, b] as [number, number];
  });
}

function urlOf(src: string, format: string, base: string): string | null {
  const m = new RegExp(`url\\(["']?([^"')]+)["']?\\)\\s*format\\(["']?${format}["']?\\)`).exec(src);
  return m ? new URL(m[1]!, base).href : null;
}

let cache: Slice[] | null = null;

/** Every Noto Sans SC slice the page's stylesheets declare. */
export function pageSlices(): Slice[] {
  if (cache) return cache;
  const out: Slice[] = [];
  for (const sheet of Array.from(document.styleSheets)) {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      continue; // another origin's sheet
    }
    for (const rule of Array.from(rules)) {
      if (!(rule instanceof CSSFontFaceRule)) continue;
      const st = rule.style;
      if (st.getPropertyValue('font-family').replace(/["']/g, '').trim() !== FAMILY) continue;
      const src = st.getPropertyValue('src');
      const base = sheet.href ?? location.href;
      const rangeText = st.getPropertyValue('unicode-range') || 'U+0-10FFFF';
      out.push({ weight: Number(st.getPropertyValue('font-weight')) || 400, ranges: parseRanges(rangeText), woff2: urlOf(src, 'woff2', base), woff: urlOf(src, 'woff', base), rangeText });
    }
  }
  cache = out;
  return out;
}

const found = new Map<number, Slice | undefined>();

/** The slice of `weight` that holds the character, if any (remembered: text layout asks for every character often). */
export function sliceFor(cp: number, weight: number, slices = pageSlices()): Slice | undefined {
  const key = weight * 0x110000 + cp;
  if (found.has(key)) return found.get(key);
  const s = slices.find((x) => x.weight === weight && x.ranges.some(([a, b]) => cp >= a && cp <= b));
  found.set(key, s);
  return s;
}

/** The slices of `weight` needed for `text`. */
export function slicesFor(text: string, weight: number, slices = pageSlices()): Slice[] {
  const need = new Set<Slice>();
  for (const ch of new Set(text)) {
    const s = sliceFor(ch.codePointAt(0)!, weight, slices);
    if (s) need.add(s);
  }
  return [...need];
}

const bytes = new Map<string, Promise<ArrayBuffer>>();
export function fetchFont(url: string): Promise<ArrayBuffer> {
  let p = bytes.get(url);
  if (!p) {
    p = fetch(url).then((r) => {
      if (!r.ok) throw new Error(`font ${url}: ${r.status}`);
      return r.arrayBuffer();
    });
    p.catch(() => bytes.delete(url));
    bytes.set(url, p);
  }
  return p;
}
