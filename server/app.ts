/**
 * createApp(deps): the whole server for a given store. Only index.ts (and tests) choose the store.
 */
import express from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import { createServer, type Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { ChangeFeed } from './aggregates/change-feed';
import { LiveSummaries } from './aggregates/live-summaries';
import type { TokenStore } from './auth/tokens';
import type { Config } from './config';
import type { Store } from './db/store-type';
import { ServiceError, isStoreUnavailable } from './errors';
import { localCluster, type Cluster } from './cluster';
import { HazardService } from './hazards/hazards.service';
import { answerClientError, errorHandler, notFound } from './http/errors';
import { hazardsRouter } from './hazards/hazards.router';
import { AuthGate, IngestLimiter, fixedHeaders, guardJsonDepth, refuseForbiddenBody, tokenFrom } from './http/middleware';
import { forbiddenOrigin, originGuard, parseAllowedOrigins, sameOrigin, usesSessionCookie } from './http/origin';
import { pagesRouter } from './http/pages';
import { Integrity, integrityView, verifyInWorker } from './audit/integrity';
import { requirePasswordChanged, sessionRouter } from './auth/session.router';
import { attachmentsRouter } from './attachments/attachments.router';
import { blobStore } from './attachments/blobs';
import { readRouter } from './hazards/read.router';
import { openApiRouter } from './http/openapi-page';
import { createMetrics, sampleAtScrape, walMetrics, type Metrics } from './metrics';
import { LiveFeed, SOCKET_OPTIONS, batchedEvents, type IO } from './realtime/realtime';
import { DEFAULT_SOCKET_LIMITS, boundOutput } from './realtime/socket-bounds';
import { DayClock, RevocationWatcher } from './clocks';
import { heavyReadsFor, type HeavyReads } from './workers/reads';

export type AppDeps = {
  config: Config;
  /** the opened store (server/store.ts); the app closes it */
  store: Store;
  log: Logger;
  /** extra routers under /api/v1 (mounted before the hazard routes), for features in their own modules */
  extraRoutes?: (ctx: AppContext) => express.Router[];
  /** extra socket handlers */
  extraSockets?: (ctx: AppContext) => void;
  /** the clock (ms since epoch) that days, deadlines and recorded times are read from; tests move it */
  now?: () => number;
  /** what the nodes share (Redis adapter, rooms, budgets): index.ts opens it from the config; default: this process only */
  cluster?: Cluster;
};

export type AppContext = {
  service: HazardService;
  io: IO;
  config: Config;
  log: Logger;
  tokens: TokenStore;
  /** briefings, exports and filtered lists, off the event loop and bounded (server/workers/) */
  reads: HeavyReads;
  cluster: Cluster;
  /** the one per-token ingest budget: every way in (JSON, spreadsheet import) spends from it */
  ingest: IngestLimiter;
  /** this node's Prometheus metrics: a feature sets its own (imports, integrity) */
  metrics: Metrics;
};

export type App = {
  http: HttpServer;
  io: IO;
  service: HazardService;
  /** this node's change feed: its position, and every change it applies */
  feed: ChangeFeed;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
};

/** How long a stopping server lets requests in flight finish (SIGTERM must be done within 10 s). */
const DRAIN_MS = 7000;

/**
 * Stops accepting, closes idle keep-alive connections at once, and lets requests in flight finish for
 * `ms`; then cuts what is left (a trickling upload would otherwise hold the process for minutes).
 */
function closeHttp(http: HttpServer, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => http.closeAllConnections(), ms);
    http.close(() => {
      clearTimeout(timer);
      resolve();
    });
    http.closeIdleConnections();
  });
}

/** helmet's options: CSP without inline script, no HSTS (TLS ends at the proxy), no COEP. docs/SECURITY.md */
export const SECURITY_HEADERS: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"], imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'], connectSrc: ["'self'"], objectSrc: ["'none'"], baseUri: ["'self'"], formAction: ["'self'"],
      frameAncestors: ["'self'"], workerSrc: ["'self'", 'blob:'],
    },
  },
  strictTransportSecurity: false,
  crossOriginEmbedderPolicy: false,
};

export async function createApp(deps: AppDeps): Promise<App> {
  const { config, store, log } = deps;
  const { repo, tokens } = store;
  const cluster = deps.cluster ?? localCluster();
  const metrics = createMetrics();
  const live = new LiveSummaries(config.demo);
  const reads = heavyReadsFor(repo);
  const feed = new ChangeFeed(repo, live, (err, what) => log.warn({ err }, what));
  const service = new HazardService(repo, live, feed, config.TZ_REGION, deps.now, reads);

  // before a number is shown as live: the projection the aggregates come from must be what the history says. The
  // first check runs in its own thread beside the rebuild; start-up waits for it up to INTEGRITY_START_WAIT_MS — less
  // when its progress says it cannot answer by then — and then serves flagged `checking` until it passes
  // (docs/SECURITY.md "Integrity", docs/PERFORMANCE.md)
  const setup = { DATABASE_URL: config.DATABASE_URL, DATA_DIR: config.DATA_DIR, tz: config.TZ_REGION };
  // a failing WAL checkpoint is an operator's business before the disk fills up (docs/OPERATIONS.md "Monitoring")
  walMetrics(metrics, () => repo.walStats());
  repo.onStorageProblem((p) => {
    if (p.event === 'recovered') log.info({ checkpoint: p }, 'WAL checkpoints work again');
    else log.warn({ checkpoint: p }, p.event === 'replaced' ? 'WAL checkpoint thread replaced after repeated failures' : 'WAL checkpoint failed');
  });
  const integrity = new Integrity((onProgress, threads, signal) => verifyInWorker(setup, onProgress, threads, signal), log);
  const waitEnd = Date.now() + config.INTEGRITY_START_WAIT_MS;
  void integrity.check();

  const t0 = Date.now();
  live.rebuild(await repo.rebuildState());
  live.setAsOf(await repo.recordedAtOf(live.versionSeqs()));
  await service.checkDay();
  log.info({ ms: Date.now() - t0, seq: live.appliedSeq, today: live.today }, 'aggregates rebuilt');
  // from here on, other nodes' changes arrive by the change feed (a SQLite store has no other writer)
  feed.start();
  const waitStart = Date.now();
  if (!(await integrity.awaitFirst(Math.max(0, waitEnd - waitStart)))) {
    log.warn({ waitedMs: Date.now() - waitStart, projectedMs: integrity.projectedMs() },
      'integrity check still running: serving flagged "checking" (503 on /healthz, 校验中 on screens) until it passes');
  }
  integrity.every(config.INTEGRITY_CHECK_MINUTES);

  const gate = new AuthGate(tokens, config.AUTH_FAILURE_LIMIT, cluster.budgets);
  const allowedOrigins = parseAllowedOrigins(config.ALLOWED_ORIGINS);
  const ingest = new IngestLimiter(config.INGEST_LIMIT_PER_MINUTE, cluster.budgets);
  const app = express();
  app.disable('x-powered-by');
  if (config.TRUST_PROXY) app.set('trust proxy', config.TRUST_PROXY);
  // the same headers helmet sets, recorded once: its directives here are fixed strings, never per request
  app.use(fixedHeaders(helmet(SECURITY_HEADERS)));
  if (config.demo) {
    // every answer of the demo says so: screens show 演示数据 / DEMO, API clients see the header
    app.use((_req, res, next) => {
      res.setHeader('X-Demo-Data', 'true');
      next();
    });
  }
  const writeLevel = config.demo ? 'debug' : 'info';
  app.use((req, res, next) => {
    res.on('finish', () => {
      metrics.httpRequests.inc({ method: req.method, status: String(res.statusCode) });
      // every write request, by token: shipped off the host, the log corroborates (or contradicts) the history
      // (the demo's simulator writes every few seconds: there they are debug lines)
      if (req.method !== 'GET' && req.auth && log.isLevelEnabled(writeLevel)) log[writeLevel]({ method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, token: req.auth.tokenId, role: req.auth.role }, 'write');
    });
    next();
  });

  // readiness and lag: a node behind the database's head, or cut off from it, answers 503 so that a balancer
  // takes it out; `version` is the software's (the contract's), `seq` this node's applied position
  app.get('/healthz', (_req, res) => {
    const s = feed.status();
    const ready = s.storeReachable && s.lagMs <= config.READY_MAX_LAG_MS && !integrity.failed && !integrity.checking;
    const status = integrity.failed ? 'integrity_failed' : integrity.checking ? 'checking' : ready ? 'ok' : s.storeReachable ? 'lagging' : 'store_unavailable';
    res.status(ready ? 200 : 503).json({
      status, version: process.env.npm_package_version ?? '0.1.0', seq: s.seq, head: s.head, lagSeq: s.lagSeq, lagMs: s.lagMs, ready, demo: config.demo,
      integrity: integrityView(integrity.state),
    });
  });
  app.get('/metrics', async (req, res, next) => {
    try {
      // req.ip, not the socket: behind a proxy on this host every socket is loopback, the client is not
      const loopback = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.ip ?? '');
      if (!loopback) {
        const auth = await gate.check(tokenFrom(req.headers.authorization, req.headers.cookie), req.ip ?? '');
        if (auth.role !== 'admin') throw new ServiceError(403, 'forbidden_role', 'metrics are for admin tokens or loopback');
      }
      sampleAtScrape(metrics, { head: await repo.chainHead(), feed: feed.status(), sockets: io.engine.clientsCount });
      const load = reads.load();
      metrics.heavyReads.set({ state: 'running' }, load.running);
      metrics.heavyReads.set({ state: 'waiting' }, load.waiting);
      // 1 only for a passed check: 'checking' and 'unavailable' are not a verdict that the history holds
      metrics.integrityOk.set(integrity.state.status === 'ok' ? 1 : 0);
      if (integrity.state.checkedAt) metrics.integrityCheckedAt.set(Date.parse(integrity.state.checkedAt) / 1000);
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    } catch (e) {
      next(e);
    }
  });

  const http = createServer(app);
  http.on('clientError', answerClientError);
  const io: IO = new Server(http, { ...SOCKET_OPTIONS, ...(cluster.adapter ? { adapter: cluster.adapter } : {}) });
  const ctx: AppContext = { service, io, config, log, tokens, reads, cluster, ingest, metrics };

  const api = express.Router();
  // strict: false lets requireJson say "must be an object" instead of calling `null` invalid JSON
  api.use(express.json({ limit: '16mb', strict: false, verify: guardJsonDepth }), refuseForbiddenBody);
  api.use('/session', sessionRouter(tokens, gate, cluster.budgets));
  api.use(originGuard(allowedOrigins));
  api.use(gate.middleware());
  api.use(requirePasswordChanged);
  api.use('/hazards', attachmentsRouter(service, blobStore(tokens.sql, config.DATA_DIR)));
  for (const extra of deps.extraRoutes?.(ctx) ?? []) api.use(extra);
  api.use('/hazards', hazardsRouter(service, ingest));
  api.use(readRouter(service, { demo: config.demo, tz: config.TZ_REGION, campaignStart: config.CAMPAIGN_START, chainHead: async () => repo.chainHead() }));
  app.use(openApiRouter(process.env.npm_package_version ?? '0.1.0'));
  app.use('/api/v1', api);
  app.use('/api', notFound);
  app.use(pagesRouter(config.CLIENT_DIR, gate, allowedOrigins));
  app.use(notFound);
  app.use(errorHandler(log, config.DATA_DIR));

  feed.on('applied', ({ change }) => {
    if (change.kind === 'reported') metrics.hazards.inc({ outcome: 'accepted' });
  });

  const liveFeed = new LiveFeed(io, live, feed, { log, deltasSent: metrics.deltasSent });
  io.use((socket, next) => {
    const batched = batchedEvents(socket.handshake.auth);
    if ('error' in batched) return next(new Error(batched.error));
    const token = (socket.handshake.auth as { token?: unknown })?.token;
    const { headers } = socket.handshake;
    if (typeof token !== 'string' && usesSessionCookie(undefined, headers.cookie) && !sameOrigin(headers.origin, headers.host, allowedOrigins)) {
      const e = forbiddenOrigin(headers.origin);
      return next(new Error(`${e.code}: ${e.message}`));
    }
    gate
      .check(typeof token === 'string' ? token : tokenFrom(undefined, socket.handshake.headers.cookie), socket.handshake.address)
      .then((auth) => {
        socket.data.auth = auth;
        socket.data.batched = batched.events;
        next();
      })
      .catch((e: unknown) => next(new Error(e instanceof ServiceError ? `${e.code}: ${e.message}` : isStoreUnavailable(e) ? 'store_unavailable: retry shortly' : 'authentication failed')));
  });
  integrity.on('changed', (st) => io.local.emit('server:integrity', integrityView(st)));
  io.on('connection', (socket) => {
    if (integrity.failed || integrity.checking) socket.emit('server:integrity', integrityView(integrity.state));
  });
  const revocations = new RevocationWatcher(tokens, io, log);
  io.on('connection', (socket) => {
    boundOutput(socket, DEFAULT_SOCKET_LIMITS.maxUnsentBytes, (unsent) => {
      metrics.socketsDropped.inc({ reason: 'unsent_output' });
      log.warn({ token: socket.data.auth.tokenId, unsent }, 'socket dropped: its client does not read what it is sent');
    });
    liveFeed.attach(socket);
    revocations.track(socket);
  });
  deps.extraSockets?.(ctx);
  const day = new DayClock(service, log);

  return {
    http,
    io,
    service,
    feed,
    listen: (port, host) =>
      new Promise((resolveListen, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          const addr = http.address();
          resolveListen(typeof addr === 'object' && addr ? addr.port : port);
        });
      }),
    close: async () => {
      integrity.stop();
      await integrity.settled();
      day.stop();
      revocations.stop();
      feed.stop();
      liveFeed.close();
      // io.close() closes the HTTP server too, and would wait on every open connection: drain first
      const drained = http.listening ? closeHttp(http, DRAIN_MS) : Promise.resolve();
      await new Promise<void>((r) => io.close(() => r()));
      await drained;
      await feed.settled();
      await reads.close();
      await store.close();
      await cluster.close();
    },
  };
}
