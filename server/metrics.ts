/** Prometheus metrics: one registry per app instance (tests run several in one process). */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({ name: 'hz_http_requests_total', help: 'HTTP requests by method and status', labelNames: ['method', 'status'], registers: [registry] }),
    hazards: new Counter({ name: 'hz_hazards_ingested_total', help: 'Hazards by outcome of intake', labelNames: ['outcome'], registers: [registry] }),
    changesApplied: new Gauge({ name: 'hz_changes_applied', help: 'Position of the newest change applied to the aggregates', registers: [registry] }),
    chainHead: new Gauge({ name: 'hz_chain_head', help: 'The hash chain head: value = seq, label hash = its SHA-256', labelNames: ['hash'], registers: [registry] }),
    sockets: new Gauge({ name: 'hz_sockets_connected', help: 'Connected Socket.IO clients', registers: [registry] }),
    socketsDropped: new Counter({ name: 'hz_sockets_dropped_total', help: 'Sockets cut off by the server, by reason', labelNames: ['reason'], registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
