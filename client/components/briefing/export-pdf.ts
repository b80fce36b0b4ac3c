/**
 * The briefing as an A4-landscape PDF, made in the browser with pdf-lib: real text in the page's Noto Sans SC
 * (embedded subsets, so Chinese is searchable and prints crisp), charts as vectors (the same ECharts options,
 * rendered to SVG and drawn as paths). Page 1: headline figures, the written summary, the flags. Page 2:
 * charts. Page 3: tables with every figure.
 */
import { PDFDocument, rgb, type PDFPage } from 'pdf-lib';
import { PERIOD_KEYS, isRateKey, type Briefing, type PeriodCounts } from '../../../shared/briefing';
import { SECTORS, sectorLabel } from '../../../shared/domain';
import { regionName } from '../../../shared/regions';
import type { ECOption } from '../../lib/echarts';
import { chartLabels, rankingOption, sectorOption, trendOption } from './chart-options';
import { chartSvg, drawSvg } from '../../lib/export/pdf-svg';
import { dim, ink, PdfText, TextRecorder, type TextSetter, type TextStyle } from '../../lib/export/pdf-text';
import { formatDateTime } from '../../lib/format';
import { deltaOf, periodText, rateText } from './format';

export const A4_LANDSCAPE: [number, number] = [841.89, 595.28];
const M = 36;
const W = A4_LANDSCAPE[0] - 2 * M;
const EDGE = rgb(0.8, 0.84, 0.89);
const BRAND = rgb(0.15, 0.39, 0.92);

/** `tz`: the region's time zone (the session's), for the generation time */
export type PdfInput = { briefing: Briefing; t: (key: string, values?: Record<string, unknown>) => string; demo: boolean; tz: string };

type Ctx = PdfInput & { doc: PDFDocument; text: TextSetter; page: PDFPage; y: number; pageNo: number };

function newPage(c: Ctx): void {
  c.page = c.doc.addPage(A4_LANDSCAPE);
  c.pageNo++;
  c.y = A4_LANDSCAPE[1] - M;
  const b = c.briefing;
  const foot = `${b.name} · ${periodText(b.period, b.lang)} · ${c.pageNo}`;
  c.text.draw(c.page, foot, M, M / 2, { size: 8, color: dim });
}

/** Starts a new page when h more would not fit on this one. */
function room(c: Ctx, h: number): void {
  if (c.y - h < M) newPage(c);
}

function paragraph(c: Ctx, s: string, style: TextStyle, indent = 0, lead = 1.55): void {
  for (const line of c.text.wrap(s, W - indent, style)) {
    room(c, style.size * lead);
    c.y -= style.size * lead;
    c.text.draw(c.page, line, M + indent, c.y, style);
  }
}

function heading(c: Ctx, s: string): void {
  room(c, 40);
  c.y -= 22;
  c.text.draw(c.page, s, M, c.y, { size: 13, weight: 700 });
  c.page.drawRectangle({ x: M, y: c.y - 5, width: W, height: 0.8, color: EDGE });
  c.y -= 6;
}

function header(c: Ctx): void {
  const b = c.briefing;
  c.y -= 20;
  c.text.draw(c.page, c.t('briefing.titleOf', { name: b.name }), M, c.y, { size: 20, weight: 700 });
  if (c.demo) c.text.draw(c.page, '演示数据 / DEMO', M + W - 90, c.y, { size: 11, weight: 700, color: rgb(0.86, 0.15, 0.15) });
  c.y -= 17;
  const sub = [
    `${c.t('briefing.period')}${c.t('briefing.colon')}${periodText(b.period, b.lang)}${c.t('briefing.days', { n: b.periodDays })}`,
    `${c.t('briefing.previous')}${c.t('briefing.colon')}${periodText(b.previousPeriod, b.lang)}`,
    c.t('briefing.generated', { time: formatDateTime(b.generatedAt, c.tz) }),
  ].join('    ');
  c.text.draw(c.page, sub, M, c.y, { size: 9.5, color: dim });
}

function kpis(c: Ctx): void {
  const b = c.briefing;
  const gap = 8;
  const n = PERIOD_KEYS.length;
  const w = (W - gap * (n - 1)) / n;
  const h = 66;
  c.y -= 14 + h;
  PERIOD_KEYS.forEach((k, i) => {
    const x = M + i * (w + gap);
    c.page.drawRectangle({ x, y: c.y, width: w, height: h, borderColor: EDGE, borderWidth: 0.8 });
    c.page.drawRectangle({ x, y: c.y + h - 3, width: w, height: 3, color: BRAND });
    c.text.draw(c.page, c.t(`briefing.kpi.${k}`), x + 8, c.y + h - 17, { size: 9, color: dim });
    const v = isRateKey(k) ? rateText(b.current[k]) : String(b.current[k]);
    c.text.draw(c.page, v, x + 8, c.y + 22, { size: 17, weight: 700 });
    const d = deltaOf(k, b.change.previous[k], b.previous[k]);
    const sign = d.arrow === '▲' ? '+' : d.arrow === '▼' ? '-' : '±';
    const pts = isRateKey(k) ? c.t('briefing.points') : '';
    const line = `${c.t('briefing.vsPrevious')} ${sign}${d.abs}${pts}${d.pct ? `（${sign}${d.pct}）` : ''}`;
    const color = d.tone === 'good' ? rgb(0.02, 0.47, 0.34) : d.tone === 'bad' ? rgb(0.8, 0.1, 0.1) : dim;
    c.text.draw(c.page, line, x + 8, c.y + 8, { size: 8.5, color });
  });
}

function flags(c: Ctx): void {
  const b = c.briefing;
  heading(c, c.t('briefing.flags'));
  if (!b.flags.length) return paragraph(c, c.t('briefing.noFlags'), { size: 10, color: dim });
  for (const f of b.flags) paragraph(c, `【${c.t(`briefing.rule.${f.rule}`)}】${f.message}`, { size: 9.5 }, 0, 1.45);
}

/** Chart type sizes in the PDF: the page's option functions at this scale give 9–10 pt labels. */
const CHART_SCALE = 0.72;

function chart(c: Ctx, option: ECOption, x: number, top: number, w: number, h: number): void {
  drawSvg(c.page, c.text, chartSvg(option, w, h), x, top);
}

function charts(c: Ctx, rankingTitle: string): void {
  const b = c.briefing;
  const labels = chartLabels(c.t);
  newPage(c);
  const half = (W - 16) / 2;
  const top = c.y;
  c.text.draw(c.page, c.t('briefing.trend'), M, top - 14, { size: 12, weight: 700 });
  chart(c, trendOption(b, CHART_SCALE, labels), M, top - 22, W, 200);
  const row2 = top - 250;
  const h = row2 - 8 - M;
  const sectorX = Object.keys(b.byRegion).length ? M + half + 16 : M;
  if (Object.keys(b.byRegion).length) {
    c.text.draw(c.page, rankingTitle, M, row2, { size: 12, weight: 700 });
    chart(c, rankingOption(b, CHART_SCALE, labels), M, row2 - 8, half, h);
  }
  c.text.draw(c.page, c.t('briefing.sectors'), sectorX, row2, { size: 12, weight: 700 });
  chart(c, sectorOption(b, CHART_SCALE, labels, b.lang), sectorX, row2 - 8, half, h);
}

function table(c: Ctx, x: number, w: number, head: string, rows: Array<[string, PeriodCounts]>): void {
  const size = rows.length > 16 ? 8 : 9;
  const lh = size * 1.75;
  const nameW = w * 0.28;
  const colW = (w - nameW) / 6;
  let y = c.y;
  const cells = (name: string, vals: string[], style: TextStyle) => {
    c.text.draw(c.page, name, x, y, style);
    vals.forEach((v, i) => c.text.draw(c.page, v, x + nameW + colW * (i + 1) - 4 - c.text.width(v, style), y, style));
  };
  const cols = { new: 'new', newMajor: 'newMajor', closed: 'closed', open: 'open', overdue: 'overdue', rectifiedRate: 'rate', closeOutRate: 'closeOut', majorRectifiedRate: 'majorRate' } as const;
  cells(head, PERIOD_KEYS.map((k) => c.t(`briefing.col.${cols[k]}`)), { size, color: dim });
  c.page.drawRectangle({ x, y: y - 4, width: w, height: 1, color: ink });
  for (const [name, r] of [...rows].sort((a, b) => b[1].new - a[1].new)) {
    y -= lh;
    cells(name, PERIOD_KEYS.map((k) => (isRateKey(k) ? rateText(r[k]) : String(r[k]))), { size, color: r.new === 0 ? rgb(0.8, 0.1, 0.1) : ink });
    c.page.drawRectangle({ x, y: y - 4, width: w, height: 0.4, color: EDGE });
  }
}

function tables(c: Ctx, rankingTitle: string): void {
  const b = c.briefing;
  newPage(c);
  const half = (W - 24) / 2;
  const children = Object.entries(b.byRegion).map(([code, r]): [string, PeriodCounts] => [regionName(code), r]);
  const sectorX = children.length ? M + half + 24 : M;
  c.y -= 14;
  if (children.length) c.text.draw(c.page, rankingTitle, M, c.y, { size: 12, weight: 700 });
  c.text.draw(c.page, c.t('briefing.sectors'), sectorX, c.y, { size: 12, weight: 700 });
  c.y -= 22;
  if (children.length) table(c, M, half, c.t('briefing.col.name'), children);
  const sectors = SECTORS.map((s): [string, PeriodCounts] => [sectorLabel(s.code, b.lang), b.bySector[s.code]!]);
  table(c, sectorX, half, c.t('briefing.col.sector'), sectors);
}

function layout(c: Ctx, rankingTitle: string): void {
  newPage(c);
  header(c);
  kpis(c);
  heading(c, c.t('briefing.summary'));
  paragraph(c, c.briefing.text, { size: 11.5 }, 0, 1.7);
  flags(c);
  charts(c, rankingTitle);
  tables(c, rankingTitle);
}

export async function renderPdf(input: PdfInput, rankingTitle: string): Promise<Blob> {
  const b = input.briefing;
  const recorder = new TextRecorder();
  const blank = { page: undefined as unknown as PDFPage, y: 0, pageNo: 0 };
  layout({ ...input, ...blank, doc: await PDFDocument.create(), text: recorder }, rankingTitle);
  const doc = await PDFDocument.create();
  doc.setTitle(`${input.t('briefing.titleOf', { name: b.name })} ${b.period.from}–${b.period.to}`);
  doc.setCreator('shanxi-hazard-dashboard');
  doc.setLanguage(b.lang === 'en' ? 'en' : 'zh-CN');
  const text = new PdfText(doc);
  await Promise.all([text.prepare(recorder.seen[400].join(''), 400), text.prepare(recorder.seen[700].join(''), 700)]);
  layout({ ...input, ...blank, doc, text }, rankingTitle);
  const bytes = await doc.save();
  return new Blob([bytes as BlobPart], { type: 'application/pdf' });
}
