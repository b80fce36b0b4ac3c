/**
 * The ECharts option of the choropleth, as a pure function of the data: one item per child region, joined by
 * code (the feature name). The canvas draws the areas only: each region's name and number are DOM text laid over
 * it at the region's label point (mapLabels, MapChart.vue), so a number that moves within its colour class redraws
 * one line of text, not the 4K map canvas (docs/perf/client.md). Tooltip text is escaped as HTML.
 */
import type { Counts } from '../../../shared/schemas';
import { regionName } from '../../../shared/regions';
import type { ECOption } from '../../lib/echarts';
import { escapeHtml } from '../../lib/escape';
import { formatInt } from '../../lib/format';
import { FONT_FAMILY } from '../../lib/fonts';
import { BLIND, ZERO, binOf, type Bin, type Metric } from '../../lib/scale';

export type MapLabels = { blind: string; total: string; open: string; majorOpen: string; overdue: string };

type Item = { name: string; value: number; label: string; counts: Counts; blind: boolean };

/** One region's text over the map: its name, and its number or the blind-spot word. */
export type MapLabel = { code: string; name: string; text: string; blind: boolean };

const BLIND_DECAL = {
  symbol: 'rect', symbolSize: 1, color: BLIND.hatch, rotation: Math.PI / 4,
  dashArrayX: [1, 0], dashArrayY: [3, 6],
};

/** What the choropleth is drawn from (MapChart's props are this plus the region shown). */
export type MapInput = {
  mapName: string;
  children: readonly string[];
  byRegion: Readonly<Record<string, Counts>>;
  metric: Metric;
  bins: readonly Bin[];
  labels: MapLabels;
  small: boolean;
};

/** What the map shows, as text: each child region with the metric's number, or the blind-spot word. */
export function mapText(p: Pick<MapInput, 'children' | 'byRegion' | 'metric' | 'labels'>): string {
  const parts = p.children.map((code) => {
    const c = p.byRegion[code];
    return `${regionName(code)} ${!c || c.total === 0 ? p.labels.blind : c[p.metric]}`;
  });
  return `${p.labels[p.metric]}：${parts.join('，')}`;
}

/** A child's fill: hatched slate for a blind spot (no reports at all), else its class's colour (ZERO for none). */
function fillOf(p: Pick<MapInput, 'byRegion' | 'metric' | 'bins'>, code: string): { blind: boolean; value: number; fill: string } {
  const c = p.byRegion[code];
  const blind = !c || c.total === 0;
  const value = c ? c[p.metric] : 0;
  const fill = blind ? BLIND.fill : (binOf(p.bins, value)?.color ?? ZERO);
  return { blind, value, fill };
}

/**
 * Everything the canvas draws, as a string: each child's fill (its class's colour, or the blind-spot hatch), the
 * classes, the map and the metric. Equal keys draw the same picture, so the option is not rebuilt: a number that
 * stays within its colour class changes only the DOM label (mapLabels). The tooltip is not in it: it reads the
 * counts when it opens.
 */
export function mapKey(p: MapInput): string {
  const items = p.children.map((code) => [code, fillOf(p, code).fill]);
  return JSON.stringify([p.mapName, p.metric, p.labels, p.bins, items]);
}

/** The text laid over the map, one per child: always the numbers of now (not part of the canvas' key). */
export function mapLabels(p: Pick<MapInput, 'children' | 'byRegion' | 'metric' | 'labels'>): MapLabel[] {
  return p.children.map((code) => {
    const c = p.byRegion[code];
    const blind = !c || c.total === 0;
    return { code, name: regionName(code), blind, text: blind ? p.labels.blind : formatInt(c[p.metric]) };
  });
}

export function mapOption(p: MapInput): ECOption {
  const data = p.children.map((code) => {
    const { blind, value, fill } = fillOf(p, code);
    const style = { areaColor: fill, ...(blind ? { decal: BLIND_DECAL } : {}) };
    return {
      name: code,
      value,
      label: regionName(code),
      counts: p.byRegion[code],
      blind,
      itemStyle: style,
      emphasis: { itemStyle: { ...style, borderColor: '#ffffff', borderWidth: 3 } },
    };
  });

  return {
    textStyle: { fontFamily: FONT_FAMILY },
    tooltip: {
      trigger: 'item',
      confine: true,
      backgroundColor: 'rgba(8, 14, 28, 0.95)',
      borderColor: '#38bdf8',
      textStyle: { color: '#f1f5f9', fontSize: 16, fontFamily: FONT_FAMILY },
      formatter: (params: unknown) => {
        const d = (params as { data?: Item }).data;
        if (!d) return '';
        if (d.blind) return `<b>${escapeHtml(d.label)}</b><br/>${escapeHtml(p.labels.blind)}`;
        // the counts of now: an option is kept while the map's colours stand still (mapKey)
        const c = p.byRegion[d.name] ?? d.counts;
        const row = (k: string, v: number) => `${escapeHtml(k)}：<b>${escapeHtml(formatInt(v))}</b>`;
        return [
          `<b>${escapeHtml(d.label)}</b>`,
          row(p.labels.total, c.total), row(p.labels.open, c.open),
          row(p.labels.majorOpen, c.majorOpen), row(p.labels.overdue, c.overdue),
        ].join('<br/>');
      },
    },
    series: [{
      type: 'map',
      map: p.mapName,
      roam: false,
      selectedMode: false,
      aspectScale: 0.82,
      layoutCenter: ['50%', '50%'],
      layoutSize: '96%',
      itemStyle: { borderColor: '#0a1222', borderWidth: 1.2 },
      label: { show: false },
      emphasis: { label: { show: false } },
      data,
    }],
  } as ECOption;
}
