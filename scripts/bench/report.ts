/**
 * docs/PERFORMANCE.md from the parts' results: machine, date, one table, a method per part — written into the
 * file's `<!-- bench:… -->` blocks only (splice.ts), so hand-written sections stay as they are.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { heavySection } from './heavy-report';
import { spliceBlocks, type Block } from './splice';
import type { Flags, Machine, PartResult } from './util';

const verdict = (pass: boolean | null) => (pass === null ? '' : pass ? 'pass' : '**FAIL**');

type Loads = { start: string; end: string };
/** The results of one `--only` name (ingest stands for raw, service and http), for its own block. */
export type PartGroup = { key: string; parts: PartResult[] };

const table = (parts: PartResult[]) => [
  '| measure | figure | target | result |',
  '| --- | --- | --- | --- |',
  ...parts.flatMap((p) => p.rows).map((r) => `| ${r.name} | ${r.figure} | ${r.target} | ${verdict(r.pass)} |`),
];

const machineTable = (m: Machine, loads: Loads) => [
  '| machine | |',
  '| --- | --- |',
  `| CPU | ${m.cpu} |`,
  `| cores | ${m.cores} |`,
  `| memory | ${m.memory} |`,
  `| Node | ${m.node} |`,
  `| OS | ${m.os} |`,
  `| load average (1 min) | ${loads.start} at the start, ${loads.end} at the end |`,
];

/** The summary block of a full run: machine, the one table, the gaps and the notes. */
function summary(m: Machine, argv: string[], parts: PartResult[], loads: Loads, totalMs: number): string[] {
  const rows = parts.flatMap((p) => p.rows);
  const gaps = rows.filter((r) => r.pass === false);
  const notes = parts.flatMap((p) => p.notes.map((n) => `- **${p.title}:** ${n}`));
  return [
    `Measured by \`npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}\` (scripts/bench/) on ${m.date}; the whole run took ` +
      `${(totalMs / 60_000).toFixed(1)} min. Every figure of this summary and of "Method" was measured in that run (the sections between them say when theirs were).`,
    '',
    ...machineTable(m, loads),
    '',
    'This machine may be shared (other builds, tests and browsers on the same 2 cores; the load average above says how much ' +
      'else ran), and the benchmark\'s own clients run beside the server, so wall-clock figures can be worse than on a machine ' +
      'of the server\'s own by a varying amount. Each method names the load average when its part began and the share ' +
      'of its time in which some task waited for a CPU or for IO (Linux pressure stall information). Ingest rates ' +
      'also give hazards per CPU-second of the process that did the work (the bench process, or the server for HTTP), and start-up ' +
      'the server\'s CPU time: these exclude time spent waiting for a core, so they vary far less from run to run than the ' +
      'wall clock (caches and memory bandwidth are still shared).',
    '',
    '## Results',
    '',
    ...table(parts),
    '',
    gaps.length ? `**Gaps against the targets:** ${gaps.map((g) => `${g.name} (${g.figure}, target ${g.target})`).join('; ')}.` : 'Every target is met.',
    ...(notes.length ? ['', '## Notes', '', ...notes] : []),
  ];
}

function method(flags: Flags, parts: PartResult[]): string[] {
  return [
    '## Method',
    '',
    ...parts.flatMap((p) => [`### ${p.title}`, '', p.method, '']),
    '## Sizes',
    '',
    `Rows per ingest run ${flags.rows}, batch ${flags.batch}, HTTP concurrency ${flags.concurrency}; latency: ${flags.sockets} sockets ` +
      `(${flags.citySockets} also on a city), ${flags.rate} reports/s for ${flags.seconds} s; start-up: ${flags.startupHazards} hazards, ` +
      `${flags.transitions} transitions, ${flags.startupRuns} runs. \`npm run bench -- --help\` lists the flags.`,
  ];
}

/** The block of one part run alone (`--only`): its own date, load, table, notes and method. */
function partBlock(m: Machine, argv: string[], g: PartGroup, loads: Loads): Block {
  return {
    name: `part:${g.key}`,
    text: [
      `## Bench part \`${g.key}\` (run alone)`,
      '',
      `Measured by \`npm run bench -- ${argv.join(' ')}\` on ${m.date}, ${m.cores} cores (${m.cpu}), Node ${m.node}; load average ` +
        `${loads.start} at the start of the run, ${loads.end} at its end. These figures are newer than the summary's above when its date is older.`,
      '',
      ...table(g.parts),
      '',
      ...g.parts.flatMap((p) => p.notes.map((n) => `- **${p.title}:** ${n}`)),
      ...g.parts.flatMap((p) => [`### ${p.title}`, '', p.method, '']),
    ].join('\n'),
  };
}

export type Report = { blocks: Block[]; /** blocks refreshed only where the file has them already */ refresh: Block[] };

/**
 * The blocks a run writes. A full run (no `--only`) writes the summary, the soak and heavy-read sections and the
 * method, and refreshes the per-part blocks earlier partial runs left; a partial run writes one block per part it
 * ran (the heavy reads their own section) and nothing else.
 */
export function renderBlocks(m: Machine, flags: Flags, argv: string[], groups: PartGroup[], loads: Loads, totalMs: number): Report {
  const parts = groups.flatMap((g) => g.parts);
  const perPart = groups.filter((g) => g.key !== 'heavy').map((g) => partBlock(m, argv, g, loads));
  const heavy: Block = { name: 'heavy', text: heavySection().join('\n') };
  if (flags.only) return { blocks: [...perPart, ...(groups.some((g) => g.key === 'heavy') ? [heavy] : [])], refresh: [] };
  return {
    blocks: [
      { name: 'summary', text: summary(m, argv, parts, loads, totalMs).join('\n') },
      { name: 'soak', text: soakSection().join('\n') },
      heavy,
      { name: 'method', text: method(flags, parts).join('\n') },
    ],
    refresh: perPart,
  };
}

/** A whole report as a fresh file would have it (no file yet, or a test). */
export function renderReport(m: Machine, flags: Flags, argv: string[], parts: PartResult[], loads: Loads, totalMs: number): string {
  const r = renderBlocks(m, flags, argv, [{ key: 'all', parts }], loads, totalMs);
  return spliceBlocks('# Performance\n', r.blocks);
}

/** Writes the report's blocks into `file`, leaving everything outside them as it was. */
export function writeReport(file: string, report: Report): void {
  mkdirSync(dirname(file), { recursive: true });
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Performance\n';
  text = spliceBlocks(text, report.blocks);
  text = spliceBlocks(text, report.refresh, { addMissing: false });
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
