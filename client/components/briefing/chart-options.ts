/**
 * ECharts options of the briefing, as pure functions of the briefing and the page scale. Light paper theme
 * (the page prints and exports), no animation, every bar labelled with its figure.
 */
import type { Briefing, PeriodCounts } from '../../../shared/briefing';
import { sectorLabel } from '../../../shared/domain';
import { regionName } from '../../../shared/regions';
import { LegendComponent } from 'echarts/components';
import { echarts, type ECOption } from '../../lib/echarts';
import { FONT_FAMILY as FAMILY } from '../../lib/fonts';

/** Single-quoted names: the option also goes into SVG attributes (the PDF's vector charts). */
const FONT_FAMILY = FAMILY.replace(/"/g, "'");

export const PAPER = { ink: '#0f172a', dim: '#475569', grid: '#e2e8f0', new: '#2563eb', major: '#d97706', closed: '#059669', alert: '#dc2626' };

export type Labels = { general: string; major: string; closed: string; new: string; newMajor: string };

/** Series names, from the page's messages. */
export const chartLabels = (t: (k: string) => string): Labels => ({
  general: t('briefing.general'), major: t('briefing.major'), closed: t('briefing.kpi.closed'), new: t('briefing.kpi.new'),
  newMajor: t('briefing.kpi.newMajor'),
});

echarts.use([LegendComponent]);

/** Which colour is which, above the plot (the PDF and the PNG have no tooltips to ask). */
const legend = (s: number) => ({
  top: 0, right: 0, itemWidth: 14 * s, itemHeight: 10 * s, itemGap: 14 * s,
  textStyle: { color: PAPER.dim, fontSize: 12 * s, fontFamily: FONT_FAMILY },
});

const axis = (s: number) => ({ color: PAPER.dim, fontSize: 13 * s, fontFamily: FONT_FAMILY });

/** Horizontal bars, largest first: general + major stacked, so the bar's end is `new`. */
function rankedBars(rows: Array<[string, PeriodCounts]>, s: number, l: Labels): ECOption {
  const sorted = [...rows].sort((a, b) => a[1].new - b[1].new || b[0].localeCompare(a[0]));
  return {
    textStyle: { fontFamily: FONT_FAMILY },
    legend: legend(s),
    grid: { left: 8 * s, right: 48 * s, top: 26 * s, bottom: 8 * s },
    xAxis: { type: 'value', minInterval: 1, axisLabel: axis(s), splitLine: { lineStyle: { color: PAPER.grid } } },
    // interval 0: every row named (ECharts would otherwise drop every other name of 20 sectors, leaving bars no one can read)
    yAxis: { type: 'category', data: sorted.map(([n]) => n), axisLabel: { ...axis(s), color: PAPER.ink, fontSize: (rows.length > 14 ? 12 : 14) * s, interval: 0 }, axisTick: { show: false } },
    series: [
      { type: 'bar', name: l.general, stack: 'n', data: sorted.map(([, c]) => c.new - c.newMajor), itemStyle: { color: PAPER.new }, barMaxWidth: 18 * s },
      {
        type: 'bar', name: l.major, stack: 'n', data: sorted.map(([, c]) => c.newMajor), itemStyle: { color: PAPER.major }, barMaxWidth: 18 * s,
        label: { show: true, position: 'right', color: PAPER.ink, fontSize: 13 * s, fontFamily: FONT_FAMILY, formatter: (p: unknown) => String(sorted[(p as { dataIndex: number }).dataIndex]![1].new) },
      },
    ],
  };
}

export const rankingOption = (b: Briefing, s: number, l: Labels): ECOption =>
  rankedBars(Object.entries(b.byRegion).map(([code, c]) => [regionName(code), c]), s, l);

export const sectorOption = (b: Briefing, s: number, l: Labels, lang: 'zh' | 'en'): ECOption =>
  rankedBars(Object.entries(b.bySector).map(([code, c]) => [sectorLabel(code, lang), c]), s, l);

export function trendOption(b: Briefing, s: number, l: Labels): ECOption {
  const days = b.trend.days;
  const every = Math.max(0, Math.ceil(days.length / 10) - 1);
  return {
    textStyle: { fontFamily: FONT_FAMILY },
    legend: legend(s),
    grid: { left: 8 * s, right: 16 * s, top: 30 * s, bottom: 8 * s },
    xAxis: { type: 'category', data: days.map((d) => d.day.slice(5)), axisLabel: { ...axis(s), interval: every }, axisTick: { show: false } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: axis(s), splitLine: { lineStyle: { color: PAPER.grid } } },
    series: [
      { type: 'bar', name: l.new, data: days.map((d) => d.new), itemStyle: { color: PAPER.new }, barMaxWidth: 16 * s },
      { type: 'line', name: l.newMajor, data: days.map((d) => d.newMajor), itemStyle: { color: PAPER.major }, lineStyle: { width: 3 * s }, symbol: 'none' },
      { type: 'line', name: l.closed, data: days.map((d) => d.closed), itemStyle: { color: PAPER.closed }, lineStyle: { width: 3 * s }, symbol: 'none' },
    ],
  };
}
