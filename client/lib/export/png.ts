/**
 * The whole briefing as a PNG at 2×: the element is cloned with the page's style rules, its charts replaced
 * by their own 2× renderings (ECharts getDataURL), the font slices it uses embedded as data URLs, and the
 * result drawn through an SVG foreignObject onto a canvas. All in the browser, nothing sent anywhere.
 */
import { echarts } from '../echarts';
import { fetchFont, slicesFor } from './font-slices';

/**
 * The page's own style rules (minus fonts, which are embedded below, and print rules): the clone keeps its
 * classes and scoped-style attributes, so the same rules lay it out inside the image.
 */
function pageCss(): string {
  const out: string[] = [];
  const keep = (rule: CSSRule): void => {
    if (rule instanceof CSSFontFaceRule) return;
    if (rule instanceof CSSMediaRule) {
      if (!/print/.test(rule.conditionText)) for (const r of Array.from(rule.cssRules)) keep(r);
      return;
    }
    out.push(rule.cssText);
  };
  for (const sheet of Array.from(document.styleSheets)) {
    try {
      for (const rule of Array.from(sheet.cssRules)) keep(rule);
    } catch {
      // another origin's sheet: nothing of ours
    }
  }
  return out.join('\n');
}

/** What the element inherits from outside itself (font, colour, the page's custom properties). */
const INHERITED = ['font-family', 'font-size', 'font-weight', 'line-height', 'color', 'letter-spacing'];
function rootStyle(el: HTMLElement): string {
  const cs = getComputedStyle(el);
  const vars = Array.from(getComputedStyle(el.parentElement ?? el)).filter((p) => p.startsWith('--'));
  return [...INHERITED, ...vars].map((p) => `${p}:${cs.getPropertyValue(p)};`).join('');
}

/** A deep copy whose charts are images of themselves at `scale`, and without what is marked not to export. */
function cloneForImage(root: HTMLElement, scale: number): HTMLElement {
  const clone = root.cloneNode(true) as HTMLElement;
  const originals = Array.from(root.querySelectorAll<HTMLElement>('[data-chart]'));
  Array.from(clone.querySelectorAll<HTMLElement>('[data-chart]')).forEach((c, i) => {
    const chart = originals[i] && echarts.getInstanceByDom(originals[i]!);
    if (!chart) return;
    const r = originals[i]!.getBoundingClientRect();
    const img = document.createElement('img');
    img.src = chart.getDataURL({ type: 'png', pixelRatio: scale, backgroundColor: '#ffffff' });
    img.setAttribute('style', `display:block;width:${r.width}px;height:${r.height}px;`);
    c.replaceWith(img);
  });
  clone.querySelectorAll('[data-export="skip"]').forEach((e) => e.remove());
  return clone;
}

const dataUrl = (buf: ArrayBuffer, type: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(new Blob([buf], { type }));
  });

/** @font-face rules with the font data inline, for the characters of `text` in both weights. */
async function fontFaces(text: string): Promise<string> {
  const rules = await Promise.all([400, 700].flatMap((w) => slicesFor(text, w)).map(async (s) => {
    const url = s.woff2 ?? s.woff;
    if (!url) return '';
    const src = await dataUrl(await fetchFont(url), s.woff2 ? 'font/woff2' : 'font/woff');
    return `@font-face{font-family:'Noto Sans SC';font-weight:${s.weight};font-style:normal;src:url(${src}) format('${s.woff2 ? 'woff2' : 'woff'}');unicode-range:${s.rangeText};}`;
  }));
  return rules.join('\n');
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const loadImage = (src: string): Promise<HTMLImageElement> =>
  new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('the page could not be drawn as an image'));
    img.src = src;
  });

export async function renderPng(root: HTMLElement, scale = 2): Promise<Blob> {
  const width = Math.ceil(root.getBoundingClientRect().width);
  const height = Math.ceil(root.scrollHeight);
  const clone = cloneForImage(root, scale);
  clone.setAttribute('style', `${rootStyle(root)}margin:0;width:${width}px;height:${height}px;`);
  clone.setAttribute('xmlns', 'http://www.w3.org/1999/xhtml');
  const css = `${await fontFaces(root.textContent ?? '')}\n${pageCss()}`;
  const xhtml = new XMLSerializer().serializeToString(clone);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`
    + `<foreignObject x="0" y="0" width="${width}" height="${height}"><div xmlns="http://www.w3.org/1999/xhtml"><style>${escapeXml(css)}</style>${xhtml}</div></foreignObject></svg>`;
  const img = await loadImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG'))), 'image/png'));
}
