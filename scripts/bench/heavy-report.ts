/** The heavy-reads section of docs/PERFORMANCE.md, from docs/measurements/heavy-reads.json (scripts/bench/heavy.ts). */
import { existsSync, readFileSync } from 'node:fs';

type Delay = { p50: number; p99: number; max: number };
type Heavy = {
  date: string; loadStart: string; loadEnd: string; hazards: number; transitions: number; firstBriefingMs: number;
  provinceWeekMs: number; provinceMonthMs: number; provinceYearMs: number; cityYearMs: number; listP50Ms: number; listP99Ms: number;
  exportMs: number; exportBytes: number; exportRssBefore: number; exportRssPeak: number; exportRowsApprox: number; exportDelay: Delay; idleDelay: Delay;
  together: { briefingMs: number; importMs: number; exportMs: number; exportBytes: number; delay: Delay; healthzP99Ms: number; healthzMaxMs: number; probes: number };
};

const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n).toLocaleString('en-US')} ms` : '—');
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const verdict = (ok: boolean) => (ok ? 'pass' : '**FAIL**');

export function heavySection(file = 'docs/measurements/heavy-reads.json'): string[] {
  if (!existsSync(file)) return ['## Heavy reads', '', 'Not measured yet: run `npx tsx scripts/bench/heavy.ts`.', ''];
  const r = JSON.parse(readFileSync(file, 'utf8')) as Heavy;
  const rows = r.exportRowsApprox;
  const rate = rows / (r.exportMs / 1000);
  const growth = r.exportRssPeak - r.exportRssBefore;
  const t = r.together;
  return [
    '## Heavy reads (issue 11)',
    '',
    `Measured ${r.date} by \`npx tsx scripts/bench/heavy.ts\` on the start-up store (${r.hazards.toLocaleString('en-US')} hazards, ` +
      `${r.transitions.toLocaleString('en-US')} transitions), the real server in its own process; load average ${r.loadStart} at the start, ` +
      `${r.loadEnd} at the end, on 2 shared cores.`,
    '',
    '| measure | figure | peer (same run) | ratio | target | result |',
    '| --- | --- | --- | --- | --- | --- |',
    `| event-loop delay p99 while a province-year briefing, a province export and a 20,000-row import run at once | ${ms(t.delay.p99)} (max ${ms(t.delay.max)}) | idle p99 ${ms(r.idleDelay.p99)} | ${(t.delay.p99 / Math.max(r.idleDelay.p99, 1)).toFixed(1)}× | ≤ 50 ms | ${verdict(t.delay.p99 <= 50)} |`,
    `| /healthz round trip meanwhile, p99 / max (${t.probes} probes) | ${ms(t.healthzP99Ms)} / ${ms(t.healthzMaxMs)} | — | — | walls stay live | |`,
    `| province briefing, one year | ${ms(r.provinceYearMs)} | one week ${ms(r.provinceWeekMs)} | ${(r.provinceYearMs / r.provinceWeekMs).toFixed(1)}× | ≤ 300 ms | ${verdict(r.provinceYearMs <= 300)} |`,
    `| province briefing, one month | ${ms(r.provinceMonthMs)} | — | — | ≤ 300 ms | ${verdict(r.provinceMonthMs <= 300)} |`,
    `| city briefing (太原), one year | ${ms(r.cityYearMs)} | — | — | ≤ 300 ms | ${verdict(r.cityYearMs <= 300)} |`,
    `| first page of a filtered list (city + sector + overdue), p50 / p99 of 20 | ${ms(r.listP50Ms)} / ${ms(r.listP99Ms)} | — | — | p99 ≤ 50 ms | ${verdict(r.listP99Ms <= 50)} |`,
    `| xlsx export of a city (${rows.toLocaleString('en-US')} hazards) | ${Math.round(rate).toLocaleString('en-US')} rows/s (${ms(r.exportMs)}) | — | — | ≥ 20,000 rows/s | ${verdict(rate >= 20_000)} |`,
    `| server RSS growth during that export | ${mb(growth)} (${mb(r.exportRssBefore)} → ${mb(r.exportRssPeak)}) | — | — | ≤ 150 MB | ${verdict(growth <= 150e6)} |`,
    `| event-loop delay p99 during that export | ${ms(r.exportDelay.p99)} (max ${ms(r.exportDelay.max)}) | idle ${ms(r.idleDelay.p99)} | — | — | |`,
    `| meanwhile: the briefing / the import / the export (cut at 30 s) | ${ms(t.briefingMs)} / ${ms(t.importMs)} / ${(t.exportBytes / 2 ** 20).toFixed(1)} MiB sent | — | — | import ≤ 2 s | ${verdict(t.importMs <= 2000)} |`,
    '',
    `The first briefing after start-up took ${ms(r.firstBriefingMs)} (it starts the read workers). Event-loop delay is the server's own ` +
      '`nodejs_eventloop_lag_p99_seconds` (perf_hooks.monitorEventLoopDelay, reset at each scrape: the bench scrapes before and after each step).',
    '',
  ];
}

/** docs/PERFORMANCE.md with its heavy-reads section replaced (or added before "## Method"), for a run of heavy.ts alone. */
export function withHeavySection(markdown: string, section: string[]): string {
  const text = section.join('\n');
  const start = markdown.indexOf('## Heavy reads');
  if (start >= 0) {
    const next = markdown.indexOf('\n## ', start + 3);
    return markdown.slice(0, start) + text + (next >= 0 ? markdown.slice(next + 1) : '');
  }
  const method = markdown.indexOf('## Method');
  return method >= 0 ? `${markdown.slice(0, method)}${text}\n${markdown.slice(method)}` : `${markdown}\n${text}`;
}
