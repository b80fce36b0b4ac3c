/**
 * The matrix rebuilds only the rows a delta changed. Each step of a random run of deltas must show exactly what a
 * fresh build shows: a row kept although its cells, the colour classes or the metric changed would be a stale
 * number on the wall.
 */
import { describe, expect, it } from 'vitest';
import { matrixRows, type RowCache } from '../../../client/components/matrix/matrix-rows';
import { binsFor, type Metric } from '../../../client/lib/scale';
import { applyDelta } from '../../../client/stores/summary-sync';
import type { Facts } from '../../../shared/aggregation';
import type { Summary } from '../../../shared/schemas';
import { deltaTo, fact, summaryOf } from './fixtures';
import { rng } from '../../helpers/hazards';

const CITIES = ['140100', '140200', '140400', '141100', '140700'];
const SECTORS = ['coal', 'fire', 'hazchem', 'gas'] as const;

function binsOf(s: Summary, metric: Metric) {
  let max = 0;
  for (const row of Object.values(s.matrix)) for (const c of Object.values(row)) max = Math.max(max, c[metric]);
  return binsFor(metric, max);
}

describe('matrixRows', () => {
  it('equals a fresh build after every delta, and keeps exactly the rows nothing shown changed in', () => {
    const r = rng(7);
    let facts: Facts[] = [fact()];
    let cur = summaryOf('140000', facts, 1);
    const cache: RowCache = new Map();
    let metric: Metric = 'majorOpen';
    let prev = matrixRows(CITIES, cur.matrix, binsOf(cur, metric), metric, cache);
    let kept = 0;
    let rebuilt = 0;
    for (let v = 2; v < 300; v++) {
      const city = r.pick(CITIES);
      facts = [...facts, fact({
        regionCode: `${city.slice(0, 4)}0${r.int(3) + 1}`, sector: r.pick(SECTORS), level: r.next() < 0.4 ? 'major' : 'general',
        deadline: r.next() < 0.3 ? '2024-11-01' : '2024-12-30',
      })];
      // the server sends only the rows that changed
      const full = deltaTo('140000', facts, v - 1, v).changes;
      const matrix = Object.fromEntries(Object.entries(full.matrix ?? {}).filter(([k, row]) => JSON.stringify(row) !== JSON.stringify(cur.matrix[k])));
      const next = applyDelta(cur, { region: '140000', fromVersion: v - 1, version: v, asOf: `t${v}`, changes: { ...full, matrix } });
      expect(next.outcome).toBe('applied');
      if (r.next() < 0.05) metric = metric === 'majorOpen' ? 'overdue' : 'majorOpen';
      const bins = binsOf(next.summary, metric);
      const rows = matrixRows(CITIES, next.summary.matrix, bins, metric, cache);
      expect(rows).toEqual(matrixRows(CITIES, next.summary.matrix, bins, metric, new Map()));
      rows.forEach((row, i) => {
        if (row === prev[i]) kept++;
        else rebuilt++;
        // a kept row: the same cells, classes and metric as when it was built
        if (row === prev[i]) expect(next.summary.matrix[row.code]).toBe(cur.matrix[row.code]);
      });
      prev = rows;
      cur = next.summary;
    }
    expect(kept).toBeGreaterThan(100);
    expect(rebuilt).toBeGreaterThan(100);
  });

  it('another metric over the same classes rebuilds every row', () => {
    const s = summaryOf('140000', [fact({ level: 'major', deadline: '2024-12-30' }), fact({ level: 'general', deadline: '2024-11-01' }), fact({ level: 'general', deadline: '2024-11-02' })], 3);
    const bins = binsFor('majorOpen', 5);
    const cache: RowCache = new Map();
    const a = matrixRows(CITIES, s.matrix, bins, 'majorOpen', cache);
    const b = matrixRows(CITIES, s.matrix, bins, 'overdue', cache);
    expect(b).toEqual(matrixRows(CITIES, s.matrix, bins, 'overdue', new Map()));
    expect(b).not.toEqual(a);
  });
});
