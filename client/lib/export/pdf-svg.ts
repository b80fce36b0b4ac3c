/**
 * Charts as vectors in the PDF: the same ECharts option rendered by ECharts' own SVG renderer (server-side
 * rendering mode, no DOM), then its paths drawn with pdf-lib and its labels set in the embedded font. Sharp at
 * any zoom and in print, and far lighter than a bitmap. Covers what ECharts emits for bar and line charts:
 * paths, rects and texts with translate/scale transforms, solid colours.
 */
import { rgb, type PDFPage, type RGB } from 'pdf-lib';
import { SVGRenderer } from 'echarts/renderers';
import { echarts, type ECOption } from '../echarts';
import type { TextSetter, Weight } from './pdf-text';

echarts.use([SVGRenderer]);

/** ECharts option → SVG text, at `width` × `height` units (points, in the PDF). */
export function chartSvg(option: ECOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

type Paint = { color: RGB; opacity: number } | null;

function paint(value: string | null, opacity: number): Paint {
  if (!value || value === 'none' || value === 'transparent') return null;
  let m = /^#([0-9a-f]{3})$/i.exec(value);
  if (m) value = `#${[...m[1]!].map((c) => c + c).join('')}`;
  m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(value);
  if (m) return { color: rgb(parseInt(m[1]!, 16) / 255, parseInt(m[2]!, 16) / 255, parseInt(m[3]!, 16) / 255), opacity };
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+))?\s*\)$/i.exec(value);
  if (m) return { color: rgb(Number(m[1]) / 255, Number(m[2]) / 255, Number(m[3]) / 255), opacity: opacity * (m[4] === undefined ? 1 : Number(m[4])) };
  return null;
}

/** translate / matrix transforms as offset and scale (the charts here never rotate). */
type T = { x: number; y: number; k: number };
function transformed(t: T, attr: string | null): T {
  if (!attr) return t;
  const tr = /translate\(\s*([-\d.e]+)[\s,]*([-\d.e]+)?\s*\)/.exec(attr);
  if (tr) return { x: t.x + Number(tr[1]) * t.k, y: t.y + Number(tr[2] ?? 0) * t.k, k: t.k };
  const mx = /matrix\(\s*([-\d.e]+)[\s,]+([-\d.e]+)[\s,]+([-\d.e]+)[\s,]+([-\d.e]+)[\s,]+([-\d.e]+)[\s,]+([-\d.e]+)\s*\)/.exec(attr);
  if (mx) return { x: t.x + Number(mx[5]) * t.k, y: t.y + Number(mx[6]) * t.k, k: t.k * Number(mx[1]) };
  return t;
}

const num = (el: Element, name: string, fallback = 0): number => {
  const v = el.getAttribute(name);
  return v === null || v === '' ? fallback : Number(v);
};

function drawText(page: PDFPage, text: TextSetter, el: Element, t: T, top: number): void {
  const content = el.textContent ?? '';
  if (!content.trim()) return;
  const style = el.getAttribute('style') ?? '';
  const size = Number(/font-size:\s*([\d.]+)px/.exec(style)?.[1] ?? 12) * t.k;
  const weight: Weight = /font-weight:\s*(bold|[6-9]00)/.test(style) ? 700 : 400;
  const fill = paint(el.getAttribute('fill'), 1);
  const anchor = el.getAttribute('text-anchor') ?? 'start';
  const base = el.getAttribute('dominant-baseline') ?? 'alphabetic';
  const w = text.width(content, { size, weight });
  const x = t.x + num(el, 'x') * t.k - (anchor === 'end' ? w : anchor === 'middle' ? w / 2 : 0);
  // SVG y grows downwards; a central baseline sits about 0.35 em below the middle of the glyphs
  const ySvg = t.y + num(el, 'y') * t.k + (base === 'central' || base === 'middle' ? 0.36 * size : base === 'hanging' ? 0.8 * size : 0);
  text.draw(page, content, x, top - ySvg, { size, weight, ...(fill ? { color: fill.color } : {}) });
}

function drawPath(page: PDFPage, d: string, el: Element, t: T, left: number, top: number): void {
  const opacity = num(el, 'opacity', 1);
  const fill = paint(el.getAttribute('fill') ?? '#000', opacity * num(el, 'fill-opacity', 1));
  const stroke = paint(el.getAttribute('stroke'), opacity * num(el, 'stroke-opacity', 1));
  if (!fill && !stroke) return;
  page.drawSvgPath(d, {
    x: left + t.x, y: top - t.y, scale: t.k,
    ...(fill ? { color: fill.color, opacity: fill.opacity } : {}),
    ...(stroke ? { borderColor: stroke.color, borderOpacity: stroke.opacity, borderWidth: num(el, 'stroke-width', 1) * t.k } : { borderWidth: 0 }),
  });
}

function walk(page: PDFPage, text: TextSetter, el: Element, t: T, left: number, top: number): void {
  const here = transformed(t, el.getAttribute('transform'));
  switch (el.tagName.toLowerCase()) {
    case 'path':
      return drawPath(page, el.getAttribute('d') ?? '', el, here, left, top);
    case 'rect': {
      const [x, y, w, h] = [num(el, 'x'), num(el, 'y'), num(el, 'width'), num(el, 'height')];
      return drawPath(page, `M${x} ${y}h${w}v${h}h${-w}Z`, el, here, left, top);
    }
    case 'text':
      return drawText(page, text, el, { ...here, x: left + here.x }, top);
    case 'style':
    case 'defs':
      return;
    default:
      for (const child of Array.from(el.children)) walk(page, text, child, here, left, top);
  }
}

/** Draws the SVG with its top-left corner at (left, top) in PDF points, `scale` units per SVG unit. */
export function drawSvg(page: PDFPage, text: TextSetter, svg: string, left: number, top: number, scale = 1): void {
  const root = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
  if (root.nodeName !== 'svg' || root.getElementsByTagName('parsererror').length) throw new Error('a chart did not render as SVG');
  for (const child of Array.from(root.children)) walk(page, text, child, { x: 0, y: 0, k: scale }, left, top);
}
