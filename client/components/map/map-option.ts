/**
 * The ECharts option of the choropleth, as a pure function of the data: one item per child region, joined by
 * code (the feature name). Label and tooltip text is escaped: labels against rich-text markup, tooltips as HTML.
 */
import type { Counts } from '../../../shared/schemas';
import { regionName } from '../../../shared/regions';
import type { ECOption } from '../../lib/echarts';
import { escapeHtml, escapeRich } from '../../lib/escape';
import { formatInt } from '../../lib/format';
import { FONT_FAMILY } from '../../lib/fonts';
import { BLIND, ZERO, binOf, type Bin, type Metric } from '../../lib/scale';

export type MapLabels = { blind: string; total: string; open: string; majorOpen: string; overdue: string };

type Item = { name: string; value: number; label: string; counts: Counts; blind: boolean };

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

/**
 * Everything the choropleth draws, as a string: for each child its metric's number and whether it is a blind spot
 * (the colour follows from the number and the classes), and the classes, the labels, the map and the size. Equal
 * keys draw the same picture, so the option is not rebuilt; counts the map does not draw (a general hazard when
 * it shows open majors) leave the key alone. The tooltip is not in it: it reads the counts when it opens.
 */
export function mapKey(p: MapInput): string {
  const items = p.children.map((code) => {
    const c = p.byRegion[code];
    return [code, !c || c.total === 0, c ? c[p.metric] : 0];
  });
  return JSON.stringify([p.mapName, p.small, p.metric, p.labels, p.bins, items]);
}

export function mapOption(p: MapInput): ECOption {
  const fs = p.small ? { name: 15, value: 20 } : { name: 19, value: 26 };
  const data = p.children.map((code) => {
    const c = p.byRegion[code];
    const blind = !c || c.total === 0;
    const value = c ? c[p.metric] : 0;
    const bin = blind ? null : binOf(p.bins, value);
    const fill = blind ? BLIND.fill : (bin?.color ?? ZERO);
    const style = { areaColor: fill, ...(blind ? { decal: BLIND_DECAL } : {}) };
    return {
      name: code,
      value,
      label: escapeRich(regionName(code)),
      counts: c,
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
        // the counts of now: an option is kept while the map's own numbers stand still (mapKey)
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
      label: {
        show: true,
        fontFamily: FONT_FAMILY,
        formatter: (params: unknown) => {
          const d = (params as { data?: Item }).data;
          if (!d) return '';
          return d.blind ? `{n|${d.label}}\n{b|${escapeRich(p.labels.blind)}}` : `{n|${d.label}}\n{v|${formatInt(d.value)}}`;
        },
        rich: {
          n: { fontSize: fs.name, fontWeight: 'bold', color: '#ffffff', textBorderColor: '#020617', textBorderWidth: 3, lineHeight: fs.name + 4, fontFamily: FONT_FAMILY },
          v: { fontSize: fs.value, fontWeight: 'bold', color: '#ffffff', textBorderColor: '#020617', textBorderWidth: 4, lineHeight: fs.value + 2, fontFamily: FONT_FAMILY },
          b: { fontSize: fs.name - 3, color: '#cbd5e1', textBorderColor: '#020617', textBorderWidth: 3, fontFamily: FONT_FAMILY },
        },
      },
      emphasis: { label: { show: true } },
      data,
    }],
  } as ECOption;
}
