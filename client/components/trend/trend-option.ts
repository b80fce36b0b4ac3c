/**
 * The trend chart's option, as a pure function of the days and the series' names, and its key: equal keys draw the
 * same chart, so a reload of the trend that brings the same days draws nothing again.
 */
import type { TrendDay } from '../../lib/api';
import type { ECOption } from '../../lib/echarts';
import { escapeHtml } from '../../lib/escape';
import { FONT_FAMILY } from '../../lib/fonts';

export const TREND_COLORS = { new: '#60a5fa', newMajor: '#f59e0b', closed: '#2dd4bf' } as const;
export type TrendNames = { new: string; newMajor: string; closed: string };

/** Everything the chart draws: each day with its three numbers, and the series' names. */
export function trendKey(days: readonly TrendDay[], names: TrendNames): string {
  return JSON.stringify([names.new, names.newMajor, names.closed, days.map((d) => [d.day, d.new, d.newMajor, d.closed])]);
}

export function trendOption(days: readonly TrendDay[], names: TrendNames): ECOption {
  const COLORS = TREND_COLORS;
  const axisLabel = { color: '#a8b5c9', fontSize: 14, fontFamily: FONT_FAMILY };
  return {
    textStyle: { fontFamily: FONT_FAMILY },
    animation: false,
    grid: { left: 44, right: 14, top: 14, bottom: 28 },
    tooltip: {
      trigger: 'axis',
      confine: true,
      backgroundColor: 'rgba(8, 14, 28, 0.95)',
      borderColor: '#38bdf8',
      textStyle: { color: '#f1f5f9', fontSize: 15, fontFamily: FONT_FAMILY },
      formatter: (params: unknown) => {
        const list = params as Array<{ axisValue?: string; seriesName?: string; value?: unknown; color?: string }>;
        const head = escapeHtml(list[0]?.axisValue ?? '');
        return [head, ...list.map((p) => `${escapeHtml(p.seriesName)}：<b>${escapeHtml(p.value)}</b>`)].join('<br/>');
      },
    },
    xAxis: {
      type: 'category',
      data: days.map((d) => d.day.slice(5)),
      axisLabel: { ...axisLabel, interval: 6 },
      axisLine: { lineStyle: { color: '#334155' } },
      axisTick: { show: false },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel,
      splitLine: { lineStyle: { color: 'rgba(148, 163, 184, 0.15)' } },
    },
    series: [
      { type: 'bar', name: names.new, data: days.map((d) => d.new), itemStyle: { color: COLORS.new }, barMaxWidth: 14 },
      { type: 'line', name: names.newMajor, data: days.map((d) => d.newMajor), itemStyle: { color: COLORS.newMajor }, lineStyle: { width: 3 }, symbol: 'none' },
      { type: 'line', name: names.closed, data: days.map((d) => d.closed), itemStyle: { color: COLORS.closed }, lineStyle: { width: 3 }, symbol: 'none' },
    ],
  };
}
