/** The heavy-reads block of docs/PERFORMANCE.md, from docs/measurements/heavy-reads.json (scripts/bench/heavy.ts). */
import { existsSync, readFileSync } from 'node:fs';

type Step = { status: 'ok' | 'failed' | 'skipped'; message?: string; at: string; load: string } & Record<string, unknown>;
type Heavy = {
  date: string; machine: string; hazards: number; transitions: number; loadStart: string; loadEnd: string; complete: boolean;
  steps: Record<string, Step | undefined>;
};

const n = (v: unknown) => (typeof v === 'number' ? v : NaN);
const ms = (v: unknown) => (Number.isFinite(n(v)) ? `${Math.round(n(v)).toLocaleString('en-US')} ms` : '—');
const int = (v: unknown) => (Number.isFinite(n(v)) ? Math.round(n(v)).toLocaleString('en-US') : '—');
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const verdict = (ok: boolean | null) => (ok === null ? '' : ok ? 'pass' : '**FAIL**');
/** an error as the table says it: the answer without the request's URL */
const said = (e: unknown) => String(e).replace(/^Error: \S+ answered /, 'answered ').replace(/"message":.*$/, '…').slice(0, 90);
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}` : '—');

/** Why a step has no figure, for the table. */
function missing(s: Step | undefined): string | null {
  if (!s) return 'not run';
  if (s.status === 'ok') return null;
  return `${s.status}: ${String(s.message ?? '').slice(0, 160)}`;
}

export function heavySection(file = 'docs/measurements/heavy-reads.json'): string[] {
  const head = '## Heavy reads: benchmark figures';
  if (!existsSync(file)) return [head, '', 'Not measured yet: run `npx tsx scripts/bench/heavy.ts`.', ''];
  const r = JSON.parse(readFileSync(file, 'utf8')) as Heavy;
  if (!r.steps) return [head, '', `${file} is from an older heavy.ts: run it again.`, ''];
  const s = r.steps;
  const rows: string[] = [];
  /** figure, peer, ratio and verdict are read only when the step has a result */
  const row = (measure: string, step: Step | undefined, figure: () => string, peer: () => string, rat: () => string, target: string, pass: () => boolean | null) => {
    const why = missing(step);
    rows.push(why ? `| ${measure} | ${why} | — | — | ${target} | |` : `| ${measure} | ${figure()} | ${peer()} | ${rat()} | ${target} | ${verdict(pass())} |`);
  };
  const t = s.together;
  const idle = s.idle?.status === 'ok' ? s.idle : undefined;
  const p99 = (x: Step | undefined) => n((x?.delay as { p99?: number } | undefined)?.p99);
  const max = (x: Step | undefined) => n((x?.delay as { max?: number } | undefined)?.max);
  row('event-loop delay p99 while a province-year briefing, a province export and a 20,000-row import run at once', t,
    () => `${ms(p99(t))} (max ${ms(max(t))})`, () => (idle ? `idle p99 ${ms(p99(idle))} (max ${ms(max(idle))})` : '—'),
    () => (idle ? `${ratio(p99(t), p99(idle))}× idle` : '—'), '≤ 50 ms', () => p99(t) <= 50);
  row('walls stay live meanwhile: longest heartbeat gap (sent every 5 s) / ack → delta p99, max, on a real socket.io-client wall', t,
    () => `${ms(t!.heartbeatMaxGapMs)} / ${ms(t!.ackToDeltaP99Ms)}, ${ms(t!.ackToDeltaMaxMs)} (${int(t!.reports)} reports, ${int(t!.missingDeltas)} without delta)` +
      (t!.wallClosed ? `; **the wall's socket closed: ${String(t!.wallClosed)}**` : '') + (n(t!.socketsDropped) > 0 ? `; sockets dropped by the server so far: ${int(t!.socketsDropped)}` : ''),
    () => (idle ? `idle ${ms(idle.heartbeatMaxGapMs)} / ${ms(idle.ackToDeltaP99Ms)}, ${ms(idle.ackToDeltaMaxMs)}` : '—'), () => '—', 'walls stay live',
    () => n(t!.missingDeltas) === 0 && n(t!.heartbeatMaxGapMs) < 10_000 && !t!.wallClosed);
  row('/healthz round trip meanwhile, p99 / max', t, () => `${ms(t!.healthzP99Ms)} / ${ms(t!.healthzMaxMs)} (${int(t!.probes)} probes)`,
    () => (idle ? `idle ${ms(idle.healthzP99Ms)} / ${ms(idle.healthzMaxMs)}` : '—'), () => '—', '—', () => null);
  row('meanwhile: the briefing / the import / the export', t,
    () => `${t!.briefingError ? `briefing failed (${said(t!.briefingError)})` : ms(t!.briefingMs)} / ${t!.importError ? `import failed (${said(t!.importError)})` : ms(t!.importMs)} / ` +
      `${(n(t!.exportBytes) / 2 ** 20).toFixed(1)} MiB sent${t!.exportCut ? ` (cut at ${int(t!.cutS)} s)` : ` in ${ms(t!.exportMs)}`}`,
    () => '—', () => '—', 'import ≤ 2 s', () => n(t!.importMs) <= 2000);
  const x = s.exportXlsx;
  const peer = s.exceljsPeer?.status === 'ok' ? s.exceljsPeer : undefined;
  const csv = s.exportCsv?.status === 'ok' ? s.exportCsv : undefined;
  row(`xlsx export of one city (${int(x?.rows)} hazards), through the server`, x,
    () => `${int(x!.rowsPerS)} rows/s (${ms(x!.ms)}); ${int(x!.rowsPerCpuS)} per server CPU-s`,
    () => [peer ? `exceljs' streaming writer alone, the same cells from memory: ${int(peer.rowsPerS)} rows/s (${int(peer.rowsPerCpuS)} per CPU-s)` : null,
      csv ? `CSV through the server: ${int(csv.rowsPerS)} rows/s (${int(csv.rowsPerCpuS)} per server CPU-s)` : null].filter(Boolean).join('; ') || '—',
    () => [peer ? `${ratio(n(x!.rowsPerCpuS), n(peer.rowsPerCpuS))}× exceljs alone` : null, csv ? `${ratio(n(x!.rowsPerCpuS), n(csv.rowsPerCpuS))}× CSV` : null].filter(Boolean).join(', ') + ' (per CPU-s)',
    '≥ 20,000 rows/s', () => n(x!.rowsPerS) >= 20_000);
  row('server RSS growth during that export', x, () => `${mib(n(x!.rssPeak) - n(x!.rssBefore))} (${mib(n(x!.rssBefore))} → ${mib(n(x!.rssPeak))})`,
    () => (csv ? `CSV: ${mib(n(csv.rssPeak) - n(csv.rssBefore))}` : '—'), () => '—', '≤ 150 MB', () => n(x!.rssPeak) - n(x!.rssBefore) <= 150e6);
  row('event-loop delay p99 / longest heartbeat gap during that export', x, () => `${ms(p99(x))} / ${ms(x!.heartbeatMaxGapMs)}`,
    () => (idle ? `idle ${ms(p99(idle))} / ${ms(idle.heartbeatMaxGapMs)}` : '—'), () => '—', '—', () => null);
  const b = s.briefings;
  row('province briefing, one year / one week (their own bench: briefing-days.ts)', b, () => `${ms(b!.provinceYearMs)} / ${ms(b!.provinceWeekMs)}`,
    () => `city-year ${ms(b!.cityYearMs)}`, () => '—', '≤ 300 ms', () => n(b!.provinceYearMs) <= 300);
  const l = s.lists;
  row('first page of a filtered list (city + sector + overdue), p50 / p99 of 20 (their own bench: list.ts)', l, () => `${ms(l!.p50Ms)} / ${ms(l!.p99Ms)}`,
    () => '—', () => '—', 'p99 ≤ 50 ms', () => n(l!.p99Ms) <= 50);
  const st = s.start;
  const loads = Object.entries(s).filter(([, v]) => v?.status === 'ok').map(([k, v]) => `${k} ${v!.load}`).join(', ');
  return [
    head,
    '',
    `Measured ${r.date} by \`npx tsx scripts/bench/heavy.ts\` on a copy of the bench store (${int(r.hazards)} hazards, ${int(r.transitions)} ` +
      `transitions), the compiled server in its own process; ${r.machine}. Load average ${r.loadStart} at the start and ${r.loadEnd} at the end ` +
      `(at each step's start: ${loads}); this machine is shared, so wall-clock rates are low by the queue for a core and the CPU rates are the ` +
      `comparable figures.${r.complete ? '' : ' **The run did not complete every step** (see the rows).'}` +
      (st?.status === 'ok' ? ` The server listened after ${ms(st.listeningMs)} and was healthy (first integrity check passed) ${ms(st.healthyAfterListeningMs)} later.` : ''),
    '',
    '| measure | figure | peer (same run) | ratio | target | result |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'Event-loop delay is the server\'s own `nodejs_eventloop_lag_p99_seconds` / `_max_seconds` (perf_hooks.monitorEventLoopDelay, reset at ' +
      'each scrape: the bench scrapes before and after each step). The wall is a socket.io-client socket with a display token subscribed to the ' +
      'province and a county where the bench reports one hazard a second; the heartbeat gap is the longest time between two ' +
      '`server:heartbeat` messages around the window. Method and discussion: docs/perf/heavy.md.',
    '',
  ];
}
