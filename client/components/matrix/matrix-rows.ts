/**
 * The matrix's rows (child region × sector, the map's metric in each cell, on the map's colour classes), rebuilt
 * only where something shown changed: a row keeps its object while its region's cells (the same object: a delta
 * replaces only the rows it changed, client/stores/summary-sync.ts), the classes and the metric are unchanged.
 */
import { SECTORS } from '../../../shared/domain';
import { regionName } from '../../../shared/regions';
import type { Counts } from '../../../shared/schemas';
import { binOf, type Bin, type Metric } from '../../lib/scale';

export type MatrixCell = { key: string; blind: boolean; value: number; text: string; total: number; bg: string | null; ink: string | null };
export type MatrixRowData = { code: string; name: string; cells: MatrixCell[] };
type Cells = Readonly<Record<string, Counts>> | undefined;
export type RowCache = Map<string, { src: Cells; binsKey: string; metric: Metric; row: MatrixRowData }>;

export function rowOf(code: string, src: Cells, bins: readonly Bin[], metric: Metric): MatrixRowData {
  return {
    code,
    name: regionName(code),
    cells: SECTORS.map((s) => {
      const c = src?.[s.code];
      const value = c ? c[metric] : 0;
      const bin = c && c.total > 0 ? binOf(bins, value) : null;
      // a cell is about 20 px wide at 1080p: three digits are set smaller, four and more say 999+ (the colour
      // class still carries the size; the ledger has the exact count)
      const text = value <= 0 ? '' : value > 999 ? '999+' : String(value);
      return { key: s.code, blind: !c || c.total === 0, value, text, total: c?.total ?? 0, bg: bin?.color ?? null, ink: bin?.ink ?? null };
    }),
  };
}

export function matrixRows(
  children: readonly string[], matrix: Readonly<Record<string, Record<string, Counts>>> | null, bins: readonly Bin[], metric: Metric, cache: RowCache,
): MatrixRowData[] {
  const binsKey = JSON.stringify(bins);
  const out = children.map((code) => {
    const src = matrix?.[code];
    const hit = cache.get(code);
    if (hit && hit.src === src && hit.binsKey === binsKey && hit.metric === metric) return hit.row;
    const row = rowOf(code, src, bins, metric);
    cache.set(code, { src, binsKey, metric, row });
    return row;
  });
  for (const code of [...cache.keys()]) if (!children.includes(code)) cache.delete(code);
  return out;
}
