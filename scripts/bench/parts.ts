/** Each part of the benchmark: runs its measurement and says what it measured, against which target. */
import { FLUSH_MS } from '../../server/realtime/realtime';
import type { HazardInput } from '../../shared/schemas';
import { WALL_SOCKETS, benchImport, type BesideWalls, type ImportBench } from './import';
import { benchHttp, benchService, type IngestResult, type ServiceSteps } from './ingest';
import { benchLatency } from './latency';
import { benchPeer, benchRaw, commitLatency, type RawResult } from './raw';
import { shuffled } from './rows';
import { buildServer, ensureStore, moduleCosts, timeEmptyStart, timeStart, type StartRun } from './startup';
import { envMeter, int, load, log, mib, ms, secs, type Flags, type PartResult, type ResultRow } from './util';

const HTTP_RATIO = 1 / 3;
/** hazards per CPU-second of the process that did the work */
const perCpu = (n: number, cpuMs: number) => `${int((n / cpuMs) * 1000)} per CPU-s`;
const HTTP_ESTIMATE = 20_000;
const P99_TARGET = 300;
/** lone reports, one a second, after the steady run */
const LONE_REPORTS = 15;
/** issue 11: 1M hazards, start-up to healthy ≤ 1.0 s */
const START_TARGET = 1000;

/** How much lower `a` is than `b`, as a percentage of `b`. */
const pctLess = (a: number, b: number) => `${((100 * (b - a)) / b).toFixed(0)} %`;

/** Where the service's CPU per hazard goes, beside the raw inserts'. */
function serviceNote(raw: RawResult, svc: IngestResult & { steps: ServiceSteps }): string {
  const us = (cpuMs: number, n: number) => (cpuMs * 1000) / n;
  const total = us(svc.cpuMs, svc.accepted);
  const rawUs = us(raw.cpuMs, raw.rows);
  const { validateUs, normaliseUs } = svc.steps;
  const rest = total - validateUs - rawUs;
  return `CPU per hazard: ${total.toFixed(0)} µs through the service against ${rawUs.toFixed(0)} µs for the raw inserts. ` +
    `Validation takes ${validateUs.toFixed(0)} µs of it (zod and scope ${(validateUs - normaliseUs).toFixed(0)} µs; content hash and ` +
    `day of discovery ${normaliseUs.toFixed(0)} µs), and ` +
    `${rest.toFixed(0)} µs the rest: building and hashing the change rows (JSON, SHA-256 chain), the duplicate check per id, ` +
    'the chain head in meta, and applying each change to the live aggregates.';
}

function httpNotes(http: IngestResult, raw: RawResult, memory: RawResult): string[] {
  if (http.rate >= HTTP_ESTIMATE) return [];
  const us = (r: { cpuMs: number }, n: number) => ((r.cpuMs * 1000) / n).toFixed(0);
  return [`HTTP ingest is ${int(http.rate)} hazards/s, below the issue's estimate of ≈ ${int(HTTP_ESTIMATE)}/s, which assumed a raw ` +
    `rate near 60,000/s. Here the raw rate is ${int(raw.rate)}/s on disk and ${int(memory.rate)}/s in memory: SQLite alone spends ` +
    `${us(memory, memory.rows)} µs of CPU per hazard on this schema (two rows and their eight index entries) before any server work, and the ` +
    `HTTP server ${us(http, http.accepted)} µs in all (see the service's breakdown above; HTTP adds JSON parsing and Express). ` +
    `The ratio to raw (${(http.rate / raw.rate).toFixed(2)}) is the target this machine can be held to.`];
}

export async function ingestParts(flags: Flags, hazards: HazardInput[], want: (p: string) => boolean): Promise<PartResult[]> {
  const out: PartResult[] = [];
  log(`raw better-sqlite3: ${hazards.length} rows`);
  const rawEnv = envMeter();
  const raw = await benchRaw(hazards, flags.batch);
  const rawEnvText = rawEnv();
  const whereEnv = envMeter();
  const memory = await benchRaw(hazards, flags.batch, { inMemory: true });
  const random = await benchRaw(shuffled(hazards), flags.batch);
  const noAggregateIndex = await benchRaw(hazards, flags.batch, { without: ['hazards_aggregate'] });
  const commit = commitLatency();
  out.push({
    title: 'Raw better-sqlite3 insert (the baseline)',
    rows: [{ name: `raw insert, ${flags.batch} per transaction`, figure: `${int(raw.rate)} hazards/s (${perCpu(raw.rows, raw.cpuMs)})`, target: 'baseline', pass: null }],
    method: `${int(raw.rows)} generated hazards (tests/helpers/hazards.ts makeHazard, fixed seed, discovered over 40 days, in order of ` +
      'discovery with ids in sequence, as live intake sees them) inserted into a fresh store opened by ' +
      'server/db/sqlite.ts openSqlite (same schema and migrations, WAL, synchronous=FULL), one prepared INSERT into `hazards` and one into ' +
      `\`changes\` per hazard, ${flags.batch} hazards per IMMEDIATE transaction. The rows (JSON, SHA-256 chain) are built before the clock ` +
      `starts, so this is the store's ceiling on this disk. ${rawEnvText}`,
    notes: [],
  });
  out.push({
    title: 'Where ingest time goes',
    rows: [
      { name: 'raw insert into a :memory: database (no disk)', figure: `${int(memory.rate)} hazards/s (${perCpu(memory.rows, memory.cpuMs)})`, target: '—', pass: null },
      { name: 'raw insert of the same rows in random order (a back-fill)', figure: `${int(random.rate)} hazards/s (${perCpu(random.rows, random.cpuMs)})`, target: '—', pass: null },
      { name: 'one durable commit (a single-row transaction, synchronous=FULL) p50 / p99', figure: `${commit.p50.toFixed(1)} ms / ${commit.p99.toFixed(1)} ms`, target: '—', pass: null },
      { name: 'raw insert without the start-up index hazards_aggregate', figure: `${int(noAggregateIndex.rate)} hazards/s (${perCpu(noAggregateIndex.rows, noAggregateIndex.cpuMs)})`, target: '—', pass: null },
      { name: 'bytes written to storage per hazard: in order / random order (stored size per hazard)', figure: `${int(raw.writtenBytes / raw.rows)} B / ${int(random.writtenBytes / random.rows)} B (${int(raw.storedBytes / raw.rows)} B)`, target: '—', pass: null },
    ],
    method: 'Further runs of the raw inserts, each on a fresh store. On an in-memory database with the same schema: the difference from the on-disk ' +
      'figure is the WAL and the fsync of synchronous=FULL. Without the covering index that start-up reads (migration 002): its ' +
      'price at ingest, paid for a rebuild that streams a narrow index instead of sorting the wide rows. With the same rows ' +
      'shuffled, as a back-fill of old reports would come: the ingest rows are in order of discovery with ids in sequence, so ' +
      'inserts into the indexes on id and on time land at their ends, while those keyed by region × sector or by deadline land ' +
      'anywhere; shuffled, every index is hit at random. Each hazard of a batch then dirties its own page in such an index, and ' +
      'the WAL writes whole 4 KiB pages at every commit (and copies them again at each checkpoint): the bytes written, from ' +
      '/proc/self/io, are many times what a stored hazard with its index entries takes. The durable commit is 100 single-row ' +
      `transactions timed one by one. ${whereEnv()}`,
    notes: [`The start-up index hazards_aggregate costs ingest ${pctLess(raw.rate, noAggregateIndex.rate)} of the raw rate on disk ` +
      `(${pctLess(raw.rows / raw.cpuMs, noAggregateIndex.rows / noAggregateIndex.cpuMs)} per CPU-second): the price of a 1,000,000-hazard ` +
      'start-up within target (see "Start-up with a large store").'],
  });
  if (want('service')) {
    log('service ingest');
    const env = envMeter();
    const svc = await benchService(hazards, flags.batch);
    out.push({
      title: 'Ingest through the service',
      rows: [
        { name: `HazardService.ingest, batches of ${flags.batch}`, figure: `${int(svc.rate)} hazards/s (${perCpu(svc.accepted, svc.cpuMs)})`, target: '—', pass: null },
        { name: 'service / raw', figure: (svc.rate / raw.rate).toFixed(2), target: '—', pass: null },
      ],
      notes: [serviceNote(raw, svc)],
      method: `The same ${int(svc.accepted)} hazards through HazardService.ingest on a fresh SQLite store in this process, ` +
        `${flags.batch} per call: zod validation, region scope, content hash, day of discovery, one transaction with the hash chain, ` +
        'then the live aggregates. Before it, the pure steps are timed alone on 10,000 of the rows (CPU time): ' +
        `HazardService.validate (zod, scope, then normalise) and normalise (content hash, day of discovery). ${env()}`,
    });
  }
  if (want('http')) {
    log(`HTTP ingest, ${flags.concurrency} in flight`);
    const env = envMeter();
    // the issue's peer, just before and just after, so a change of load during the HTTP run falls on both
    const peerBefore = benchPeer(hazards, flags.batch);
    const http = await benchHttp(hazards, flags.batch, flags.concurrency);
    const peerAfter = benchPeer(hazards, flags.batch);
    const peer = peerBefore.rate > peerAfter.rate ? peerBefore : peerAfter;
    const ratio = http.rate / raw.rate;
    const peerRatio = http.rate / peer.rate;
    out.push({
      title: 'Ingest over HTTP',
      rows: [
        { name: `POST /api/v1/hazards, batches of ${flags.batch}, ${flags.concurrency} in flight`, figure: `${int(http.rate)} hazards/s (server: ${perCpu(http.accepted, http.cpuMs)})`, target: `≈ ${int(HTTP_ESTIMATE)} hazards/s (issue's estimate)`, pass: http.rate >= HTTP_ESTIMATE },
        { name: `peer: plain better-sqlite3 table (id primary key, row as JSON), WAL, synchronous=NORMAL, ${flags.batch} per transaction (faster of before/after)`, figure: `${int(peer.rate)} hazards/s (${perCpu(peer.rows, peer.cpuMs)}; before ${int(peerBefore.rate)}, after ${int(peerAfter.rate)})`, target: 'peer', pass: null },
        { name: 'HTTP / peer (the issue\'s ratio)', figure: peerRatio.toFixed(2), target: `≥ ${HTTP_RATIO.toFixed(2)}, acknowledged after a synchronous=FULL commit`, pass: peerRatio >= HTTP_RATIO },
        { name: 'HTTP / peer in CPU: peer CPU per row ÷ server CPU per hazard (load-independent)', figure: ((peer.cpuMs / peer.rows) / (http.cpuMs / http.accepted)).toFixed(3), target: '—', pass: null },
        { name: 'HTTP / raw (own schema, synchronous=FULL)', figure: ratio.toFixed(2), target: '—', pass: null },
        { name: 'server RSS after the HTTP ingest', figure: mib(http.rss ?? NaN), target: '—', pass: null },
      ],
      method: `The real server as a child process (tests/helpers/server.ts startServer: \`node --import tsx server/index.ts\`, fresh ` +
        `temp SQLite, admin token so the per-token ingest limit does not apply). The same ${int(http.accepted)} hazards as JSON bodies ` +
        `of ${flags.batch} (serialised before the clock starts), ${flags.concurrency} requests in flight from this process with fetch. ` +
        `RSS is the server's own process_resident_memory_bytes from /metrics right after the last batch. The peer (scripts/bench/raw.ts ` +
        `benchPeer) is the issue's: the same rows into one plain table (id TEXT PRIMARY KEY, body TEXT = the row's JSON, made before its ` +
        `clock starts), WAL, synchronous=NORMAL, one prepared INSERT per row, ${flags.batch} per IMMEDIATE transaction, run in this process ` +
        `just before and just after the HTTP run; the faster of the two is the peer. The server commits with synchronous=FULL (a power ` +
        `cut loses no acknowledged report), which the peer does not pay for. ${env()}`,
      notes: httpNotes(http, raw, memory),
    });
  }
  return out;
}

export async function latencyPart(flags: Flags): Promise<PartResult> {
  log(`latency: ${flags.sockets} sockets, ${flags.rate}/s for ${flags.seconds} s`);
  const env = envMeter();
  const commit = commitLatency();
  const r = await benchLatency({ sockets: flags.sockets, citySockets: flags.citySockets, rate: flags.rate, seconds: flags.seconds, procs: flags.watcherProcs, lone: LONE_REPORTS });
  const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
  const notes = [
    `One durable commit on this disk just before the run: p50 ${commit.p50.toFixed(1)} ms, p99 ${commit.p99.toFixed(1)} ms. ` +
      'better-sqlite3 commits on the event loop, so while a commit waits for its fsync the server neither flushes deltas nor ' +
      'writes to sockets: slow commits show up in the POST round trip and in the delta latency alike.',
    `CPU used during the measured run, as a share of one core: server ${pct(r.cpuShare.server)}, the ${flags.watcherProcs} watcher ` +
      `processes ${pct(r.cpuShare.watchers)}, the poster ${pct(r.cpuShare.poster)} — the work fits easily on 2 idle cores, so a tail ` +
      'far above the 250 ms window is time spent waiting for a core (the method gives the CPU stall share), not work.',
    `${int(r.samples)} (hazard, socket, region) arrivals from ${r.posted} reports; ${r.missing} expected deltas never arrived; ` +
      `${r.broken} deltas did not chain (fromVersion ≠ the socket's previous version).`,
    `Fan-out: the p99 spread between the first and the last of the ${flags.sockets} sockets receiving the same delta is ${ms(r.fanoutP99)} ` +
      `(the ${flags.sockets} sockets are read by ${flags.watcherProcs} watcher processes on the same 2 cores as the server, so part of ` +
      'every figure is their own queue).',
    `Fastest arrival ${ms(r.min)}: a delta can arrive before the poster has read the POST's response, since the flush and the ` +
      'response leave the server independently.',
  ];
  notes.push(`Deltas leave on the leading edge (server/realtime/realtime.ts): a region quiet for ${FLUSH_MS} ms is flushed as soon ` +
    `as the write is applied, and changes within ${FLUSH_MS} ms of its last delta wait for the end of that window. At ` +
    `${flags.rate} reports/s the province has a change in nearly every window, so its changes wait 0–${FLUSH_MS} ms; lone reports ` +
    `(one a second) go out at once: p50 ${ms(r.lone.p50)}, p99 ${ms(r.lone.p99)} over ${int(r.lone.samples)} arrivals.`);
  if (r.p99 > P99_TARGET) {
    notes.push(`p99 exceeds ${P99_TARGET} ms: a change may wait up to ${FLUSH_MS} ms for the end of its region's window, so everything ` +
      'else on the path (the commit, the emit, the reading socket, each waiting for a core) must fit in the remaining margin.');
  }
  return {
    title: 'ack → delta latency',
    rows: [
      { name: `ack → delta p50 (${flags.sockets} sockets)`, figure: ms(r.p50), target: '—', pass: null },
      { name: 'ack → delta p90', figure: ms(r.p90), target: '—', pass: null },
      { name: `ack → delta p99 (province ${ms(r.provinceP99)}, city ${ms(r.cityP99)})`, figure: ms(r.p99), target: `≤ ${P99_TARGET} ms`, pass: r.p99 <= P99_TARGET },
      { name: 'ack → delta max', figure: ms(r.max), target: '—', pass: null },
      { name: 'ack → delta for lone reports (1/s) p50 / p99', figure: `${ms(r.lone.p50)} / ${ms(r.lone.p99)}`, target: '—', pass: null },
      { name: 'POST of one hazard, round trip p50 / p99 (includes the fsync)', figure: `${ms(r.postP50)} / ${ms(r.postP99)}`, target: '—', pass: null },
    ],
    method: `A fresh server as a child process; ${flags.sockets} socket.io-client sockets (websocket transport, display token) spread ` +
      `over ${flags.watcherProcs} more child processes (scripts/bench/watchers.ts; real screens are separate machines), each ` +
      `subscribed to the province 140000, the first ${flags.citySockets} of ` +
      'them also to one of the 11 cities in turn; the bench process itself only posts, so reading hundreds of sockets never delays ' +
      'its clock, and both processes stamp times on performance.timeOrigin + performance.now(). After a 1 s ' +
      `warm-up, ${flags.rate} single hazards per second for ${flags.seconds} s are POSTed on a fixed schedule (admin token), each followed by ` +
      'GET /api/v1/hazards/:id whose `version` is the change seq of the report. Latency, per hazard and per socket watching its province or ' +
      'city, is from the moment the POST response was read to the arrival of the first `summary:delta` for that region with `version` ≥ ' +
      `that seq; matched afterwards, so the GET takes nothing from it. Then ${LONE_REPORTS} lone reports, one a second, measured the ` +
      `same way. The server sends at most one delta per ${FLUSH_MS} ms per region. ${env()}`,
    notes,
  };
}

export async function startupPart(flags: Flags): Promise<PartResult> {
  const store = await ensureStore(flags.startupDir, flags.startupHazards, flags.transitions);
  log(`start-up: ${flags.startupRuns} runs on ${int(store.hazards)} hazards`);
  const env = envMeter();
  const l = load();
  buildServer();
  const empty = await timeEmptyStart('compiled');
  const emptyTsx = await timeEmptyStart('tsx');
  // compiled and tsx runs alternate, so a change of load on the shared machine falls on both alike
  const runs: StartRun[] = [];
  const tsxRuns: StartRun[] = [];
  for (let i = 0; i < flags.startupRuns; i++) {
    runs.push(await timeStart(flags.startupDir, 'compiled'));
    tsxRuns.push(await timeStart(flags.startupDir, 'tsx'));
  }
  const modules = moduleCosts();
  const slowest = runs.reduce((a, b) => (b.healthyMs > a.healthyMs ? b : a));
  const medianOf = (xs: typeof runs) => [...xs].sort((a, b) => a.healthyMs - b.healthyMs)[Math.floor(xs.length / 2)]!;
  const median = medianOf(runs);
  const tsxMedian = medianOf(tsxRuns);
  const rows: ResultRow[] = [
    { name: `start-up to /healthz 200, ${int(store.hazards)} hazards (slowest of ${runs.length})`, figure: secs(slowest.healthyMs), target: `≤ ${secs(START_TARGET)}`, pass: slowest.healthyMs <= START_TARGET },
    { name: 'start-up, median', figure: secs(median.healthyMs), target: '—', pass: null },
    { name: 'of which: spawn to LISTENING (median; includes up to INTEGRITY_START_WAIT_MS of waiting for the first check)', figure: `${secs(median.listeningMs)} (CPU ${secs(median.listeningCpuMs)}, all threads)`, target: '—', pass: null },
    { name: 'of which: aggregates rebuilt from the store (median)', figure: ms(median.rebuildMs), target: '—', pass: null },
    { name: 'of which: integrity check of the whole chain before listening (median)', figure: Number.isFinite(median.integrityMs) ? secs(median.integrityMs) : 'not logged', target: '—', pass: null },
    { name: 'server CPU time from spawn to healthy (median)', figure: secs(median.cpuMs), target: '—', pass: null },
    { name: 'the same through tsx (not compiled), median', figure: `${secs(tsxMedian.healthyMs)} (CPU ${secs(tsxMedian.cpuMs)})`, target: '—', pass: null },
    { name: 'start-up on an empty store, compiled (Node + bundle)', figure: `${secs(empty.healthyMs)} (CPU ${secs(empty.cpuMs)})`, target: '—', pass: null },
    { name: 'start-up on an empty store through tsx', figure: `${secs(emptyTsx.healthyMs)} (CPU ${secs(emptyTsx.cpuMs)})`, target: '—', pass: null },
    { name: `server RSS with ${int(store.hazards)} hazards loaded`, figure: `${mib(median.rss)} (peak ${mib(median.peak)})`, target: '—', pass: null },
  ];
  return {
    title: 'Start-up with a large store',
    rows,
    method: `A real store of ${int(store.hazards)} hazards and ${int(store.transitions)} workflow transitions (${int(store.headSeq)} changes ` +
      `in the hash chain, ${mib(store.bytes)} on disk) generated through the chain store's ingest on SQLite (10,000 per transaction) and .mutate ` +
      `with the workflow's own transition decisions, then a day turn; kept in ${flags.startupDir} and reused while its size matches ` +
      `(${store.generatedMs === null ? 'reused in this run' : `generated in this run in ${secs(store.generatedMs)}`}). Each run spawns ` +
      'the production entry as `npm start` runs it (`node --enable-source-maps dist/server/index.js`, built by scripts/build-server.mjs), ' +
      'alternating with `node --import tsx server/index.ts`, with DATA_DIR on it, and times from spawn to the first 200 of /healthz (polled every 10 ms); ' +
      'the rebuild time is the server\'s own "aggregates rebuilt" log line, the integrity check\'s its "integrity verified" line; RSS and peak RSS are read from /proc when healthy. ' +
      'The server\'s CPU time to healthy (utime + stime from /proc) excludes the time spent waiting for a core, so it varies far ' +
      `less than the wall clock between runs on a shared machine (caches and memory bandwidth are still shared). Every compiled run: ${runs.map((r) => secs(r.healthyMs)).join(', ')}; ` +
      `through tsx: ${tsxRuns.map((r) => secs(r.healthyMs)).join(', ')}. ` +
      env(),
    notes: [
      `CPU time of the fixed cost, loaded one after the other in a fresh process: ${modules.map(([n, c]) => `${n} ${secs(c)}`).join(', ')}. ` +
        '(through tsx; the compiled bundle spares the TypeScript transform and most module resolution).',
      ...(slowest.healthyMs > START_TARGET
        ? [`Start-up exceeds ${secs(START_TARGET)} on the wall clock. The server itself needs ${secs(median.cpuMs)} of CPU to become ` +
           `healthy on this store (${secs(empty.cpuMs)} on an empty one)` +
           (median.cpuMs < START_TARGET ? `; the rest of the ${secs(median.healthyMs)} is waiting for a core (load average ${l} on 2 cores).` : '.')]
        : []),
    ],
  };
}

/** What scripts/bench/import.ts benchImport() returns (its own figures; the table rows are made here). */
type ImportFigures = ImportBench & { retainedHeapMb?: number };

function importRows(f: ImportFigures): ResultRow[] {
  return [
    { name: `import of a ${int(f.rows)}-row xlsx over HTTP (${f.fileMb ?? '?'} MB)`, figure: `${int(f.rowsPerSecond)} rows/s (${f.seconds} s)`, target: '≤ 2 s', pass: f.seconds <= 2 },
    { name: 'server CPU time for that import (not inflated by other load)', figure: `${f.serverCpuSeconds ?? '?'} s`, target: '≤ 2 s', pass: f.serverCpuSeconds === undefined ? null : f.serverCpuSeconds <= 2 },
    { name: 'peer, same run: the same rows as JSON, POST /api/v1/hazards in batches of 500 (fresh server): wall (server CPU)', figure: `${f.jsonSeconds} s (${f.jsonServerCpuSeconds} s)`, target: '—', pass: null },
    { name: 'the file read into mapped rows alone, CPU: the import\'s reader (exceljs\'s, same run)', figure: `${f.parseCpuSeconds} s (${f.exceljsParseCpuSeconds} s)`, target: '—', pass: null },
    { name: 'server RSS during the import: peak (before)', figure: `${f.peakRssMb} MB (${f.baselineRssMb ?? '?'} MB)`, target: 'bounded', pass: null },
    { name: 'server V8 heap in use: peak (before)', figure: `${f.peakHeapMb ?? '?'} MB (${f.baselineHeapMb ?? '?'} MB)`, target: '—', pass: null },
    { name: 'heap the import keeps (live after GC, in-process)', figure: `${f.retainedHeapMb ?? '?'} MB`, target: '< 64 MB', pass: f.retainedHeapMb === undefined ? null : f.retainedHeapMb < 64 },
    { name: 'the same file again (all duplicates)', figure: `${f.duplicateSeconds ?? '?'} s`, target: '—', pass: null },
    ...besideWallsRows(f),
  ];
}

function besideWallsRows(f: ImportFigures): ResultRow[] {
  const b = f.besideWalls;
  const one = (w: BesideWalls) => `${w.seconds} s (server CPU ${w.serverCpuSeconds} s), event-loop max ${int(w.eventLoopMaxMs)} ms, ${int(w.messagesPerSocket)} messages for ${int(w.majorsPerSocket)} majors per socket`;
  return [
    { name: `the import beside ${int(b.batched.sockets)} province wall sockets asking for hazard:reported:batch (fresh server)`, figure: one(b.batched), target: '≤ 2 s', pass: b.batched.seconds <= 2 },
    { name: `peer, same run: beside ${int(b.perItem.sockets)} sockets taking one hazard:reported per major (the contract's default)`, figure: one(b.perItem), target: '—', pass: null },
  ];
}

/** The xlsx import benchmark (scripts/bench/import.ts): a 20,000-row xlsx through POST /api/v1/hazards/import. */
export async function importPart(): Promise<PartResult> {
  log('import benchmark');
  return {
    title: 'Spreadsheet import',
    rows: importRows(await benchImport()),
    method: `scripts/bench/import.ts benchImport(): a 20,000-row xlsx through POST /api/v1/hazards/import; then the same file on a fresh server beside ${WALL_SOCKETS} province display sockets (socket.io-client in the bench process), first asking for hazard:reported:batch, then per item.`,
    notes: [],
  };
}
