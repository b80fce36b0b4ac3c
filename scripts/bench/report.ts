/** Writes docs/PERFORMANCE.md from the parts' results: machine, date, one table, a method per part. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { heavySection } from './heavy-report';
import type { Flags, Machine, PartResult } from './util';

const verdict = (pass: boolean | null) => (pass === null ? '' : pass ? 'pass' : '**FAIL**');

export function renderReport(m: Machine, flags: Flags, argv: string[], parts: PartResult[], loads: { start: string; end: string }, totalMs: number): string {
  const rows = parts.flatMap((p) => p.rows);
  const gaps = rows.filter((r) => r.pass === false);
  const notes = parts.flatMap((p) => p.notes.map((n) => `- **${p.title}:** ${n}`));
  return [
    '# Performance',
    '',
    `Measured by \`npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}\` (scripts/bench/) on ${m.date}; the whole run took ` +
      `${(totalMs / 60_000).toFixed(1)} min. Every figure below was measured in that run; run it again to refresh this file.`,
    '',
    '| machine | |',
    '| --- | --- |',
    `| CPU | ${m.cpu} |`,
    `| cores | ${m.cores} |`,
    `| memory | ${m.memory} |`,
    `| Node | ${m.node} |`,
    `| OS | ${m.os} |`,
    `| load average (1 min) | ${loads.start} at the start, ${loads.end} at the end |`,
    '',
    'This machine is shared: other engineers\' builds, tests and browsers run on the same 2 cores, so wall-clock figures are ' +
      'worse than on an idle machine by a varying amount. Each method names the load average when its part began and the share ' +
      'of its time in which some task waited for a CPU or for IO (Linux pressure stall information). Ingest rates ' +
      'also give hazards per CPU-second of the process that did the work (the bench process, or the server for HTTP), and start-up ' +
      'the server\'s CPU time: these exclude time spent waiting for a core, so they vary far less from run to run than the ' +
      'wall clock (caches and memory bandwidth are still shared).',
    '',
    '## Results',
    '',
    '| measure | figure | target | result |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.name} | ${r.figure} | ${r.target} | ${verdict(r.pass)} |`),
    '',
    gaps.length ? `**Gaps against the targets:** ${gaps.map((g) => `${g.name} (${g.figure}, target ${g.target})`).join('; ')}.` : 'Every target is met.',
    '',
    ...(notes.length ? ['## Notes', '', ...notes, ''] : []),
    ...soakSection(),
    ...heavySection(),
    '## Method',
    '',
    ...parts.flatMap((p) => [`### ${p.title}`, '', p.method, '']),
    '## Sizes',
    '',
    `Rows per ingest run ${flags.rows}, batch ${flags.batch}, HTTP concurrency ${flags.concurrency}; latency: ${flags.sockets} sockets ` +
      `(${flags.citySockets} also on a city), ${flags.rate} reports/s for ${flags.seconds} s; start-up: ${flags.startupHazards} hazards, ` +
      `${flags.transitions} transitions, ${flags.startupRuns} runs. \`npm run bench -- --help\` lists the flags.`,
    '',
  ].join('\n');
}

export function writeReport(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** The wall display's heap soak runs separately (30 min of Chromium); its newest result is reported here. */
export function soakSection(file = 'docs/measurements/wall-heap.json'): string[] {
  if (!existsSync(file)) return ['## Wall display memory', '', 'Not measured yet: run `npx tsx scripts/soak/wall-heap.ts`.', ''];
  const r = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const pass = Number(r.slopeMBPerHour) <= 5;
  return [
    '## Wall display memory (heap soak)',
    '',
    '| measure | figure | target | result |',
    '| --- | --- | --- | --- |',
    `| JS heap growth after GC, ${r.minutes} min at ${r.ratePerS} reports/s (${r.reports} reports) | ${r.slopeMBPerHour} MB/hour (${r.heapFirstMB} → ${r.heapLastMB} MB) | ≤ 5 MB/hour | ${pass ? 'pass' : '**FAIL**'} |`,
    '',
    `Measured ${r.date} by \`${r.command}\`: the real server and the built client in Debian's Chromium (the wall at 1920×1080), ` +
      `${r.warmupMin} min of warm-up, then reports posted through the API while the page's JS heap is sampled each minute after a ` +
      'forced garbage collection (CDP HeapProfiler.collectGarbage, smallest of several readings); the slope is a least-squares fit. ' +
      `Page errors: ${r.pageErrors}.${r.note ? ` ${r.note}` : ''}`,
    '',
  ];
}
