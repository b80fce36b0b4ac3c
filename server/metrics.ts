/**
 * Prometheus metrics: one registry per app instance (tests run several in one process). Names follow
 * Prometheus practice — the `hz_` prefix, base units in the name (`_seconds`, `_bytes`), `_total` for
 * counters only — and `promtool check metrics` passes over the scrape (tests/integration/metrics.test.ts).
 * What an operator alerts on, and the expression, is in docs/OPERATIONS.md.
 * To add one: a line in `createMetrics`, set it where the thing happens (AppContext carries `metrics`).
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { FeedStatus } from './aggregates/change-feed';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // gauges named like counters (promtool refuses them); the same counts by type stay, without the suffix
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  const r = [registry];
  return {
    registry,
    httpRequests: new Counter({ name: 'hz_http_requests_total', help: 'HTTP requests by method and status', labelNames: ['method', 'status'], registers: r }),
    hazards: new Counter({ name: 'hz_hazards_ingested_total', help: 'Hazards by outcome of intake', labelNames: ['outcome'], registers: r }),
    changesApplied: new Gauge({ name: 'hz_changes_applied', help: 'Position of the newest change applied to the aggregates', registers: r }),
    chainHead: new Gauge({ name: 'hz_chain_head', help: 'The hash chain head: value = seq, label hash = its SHA-256', labelNames: ['hash'], registers: r }),
    // event-loop delay comes with the default metrics (nodejs_eventloop_lag_p99_seconds …, from
    // perf_hooks.monitorEventLoopDelay, reset at every scrape); this says how much heavy work is in hand
    heavyReads: new Gauge({ name: 'hz_heavy_reads', help: 'Briefings, exports and filtered lists running or waiting (beyond the limits: 429)', labelNames: ['state'], registers: r }),
    sockets: new Gauge({ name: 'hz_sockets_connected', help: 'Connected Socket.IO clients on this node', registers: r }),
    socketsDropped: new Counter({ name: 'hz_sockets_dropped_total', help: 'Sockets cut off by the server, by reason', labelNames: ['reason'], registers: r }),
    deltasSent: new Counter({ name: 'hz_deltas_sent_total', help: 'summary:delta messages sent (one per region flush, whatever the number of sockets)', registers: r }),
    feedLagSeconds: new Gauge({ name: 'hz_change_feed_lag_seconds', help: 'How long this node has been behind the newest committed change (0 when caught up)', registers: r }),
    feedLagChanges: new Gauge({ name: 'hz_change_feed_lag_changes', help: 'Committed changes this node has not applied yet', registers: r }),
    storeReachable: new Gauge({ name: 'hz_store_reachable', help: '1 when the last look at the database succeeded, else 0', registers: r }),
    importsRunning: new Gauge({ name: 'hz_imports_running', help: 'Spreadsheet imports being processed now', registers: r }),
    integrityOk: new Gauge({ name: 'hz_integrity_ok', help: '1 when the last integrity check of the hash chain and projection passed, 0 when it failed', registers: r }),
    integrityCheckedAt: new Gauge({ name: 'hz_integrity_last_check_timestamp_seconds', help: 'Unix time of the last completed integrity check', registers: r }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

/** The gauges read at scrape time rather than set as things happen. */
export function sampleAtScrape(m: Metrics, s: { head: { seq: number; hash: string }; feed: FeedStatus; sockets: number }): void {
  m.chainHead.reset();
  m.chainHead.set({ hash: s.head.hash }, s.head.seq);
  m.changesApplied.set(s.feed.seq);
  m.sockets.set(s.sockets);
  m.feedLagSeconds.set(s.feed.lagMs / 1000);
  m.feedLagChanges.set(s.feed.lagSeq);
  m.storeReachable.set(s.feed.storeReachable ? 1 : 0);
}

/**
 * A SQLite store's WAL, read at each scrape: its size, the pages its last checkpoint left, and the checkpoints that
 * failed (the counter takes what the store counted since the last scrape). Registered only for a store that has a
 * WAL: on PostgreSQL there is no `hz_sqlite_*` series, rather than zeros that look like a reading.
 */
export function walMetrics(m: Metrics, read: () => { bytes: number; leftPages: number; failures: number } | null): void {
  if (!read()) return;
  const r = [m.registry];
  let counted = 0;
  new Gauge({ name: 'hz_sqlite_wal_bytes', help: 'Size of the SQLite write-ahead log on disk (grows while readers hold old snapshots or checkpoints fail)', registers: r, collect() {
    this.set(read()?.bytes ?? 0);
  } });
  new Gauge({ name: 'hz_sqlite_wal_uncheckpointed_pages', help: 'WAL pages the last checkpoint could not copy into the database file', registers: r, collect() {
    this.set(read()?.leftPages ?? 0);
  } });
  new Counter({ name: 'hz_sqlite_checkpoint_failures_total', help: 'WAL checkpoints that failed (disk full, I/O error)', registers: r, collect() {
    const failures = read()?.failures ?? counted;
    if (failures > counted) this.inc(failures - counted);
    counted = failures;
  } });
}
