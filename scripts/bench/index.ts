/**
 * `npm run bench`: ingest (raw SQLite, service, HTTP), ack → delta latency, start-up with a large store,
 * server RSS, the spreadsheet import, several nodes and the heavy reads; writes its blocks of docs/PERFORMANCE.md
 * (report.ts: only the text between its `<!-- bench:… -->` markers, one block per part when run with --only).
 */
import { resolve } from 'node:path';
import { crossNodePart } from './crossnode';
import { fanoutPart } from './fanout';
import { heavyPart } from './heavy';
import { ingestParts, importPart, latencyPart, startupPart } from './parts';
import { listPart } from './list';
import { postConcurrencyPart } from './post-concurrency';
import { renderBlocks, writeReport, type PartGroup } from './report';
import { benchHazards } from './rows';
import { wallPart } from './wall-render';
import { USAGE, load, log, machine, parseFlags, type PartResult } from './util';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const flags = parseFlags(argv);
  const want = (p: string) => !flags.only || flags.only.has(p);
  const t0 = performance.now();
  const loads = { start: load(), end: '' };
  const groups: PartGroup[] = [];
  let failed = false;
  /** `key`: the block a part run alone writes (its --only name; ingest for raw, service and http) */
  const run = async (key: string, name: string, fn: () => Promise<PartResult | PartResult[]>) => {
    try {
      groups.push({ key, parts: [await fn()].flat() });
    } catch (e) {
      failed = true;
      log(`${name} failed: ${e instanceof Error ? e.stack : String(e)}`);
      groups.push({ key, parts: [{ title: name, rows: [{ name: `${name}: did not complete`, figure: 'error', target: '—', pass: false }], method: String(e), notes: [] }] });
    }
  };
  if (want('raw') || want('service') || want('http')) {
    const hazards = benchHazards(flags.rows);
    await run('ingest', 'Ingest', () => ingestParts(flags, hazards, want));
  }
  if (want('post')) await run('post', 'Single-hazard POSTs', () => postConcurrencyPart());
  if (want('latency')) await run('latency', 'ack → delta latency', () => latencyPart(flags));
  if (want('fanout')) await run('fanout', 'Fan-out', () => fanoutPart());
  if (want('startup')) await run('startup', 'Start-up', () => startupPart(flags));
  if (want('import')) await run('import', 'Spreadsheet import', () => importPart());
  if (want('crossnode')) await run('crossnode', 'Several nodes', () => crossNodePart());
  if (want('heavy')) await run('heavy', 'Heavy reads', () => heavyPart(flags));
  if (want('list')) await run('list', 'Filtered lists', () => listPart(flags));
  if (want('wall')) await run('wall', 'Wall rendering', () => wallPart());
  loads.end = load();

  const report = renderBlocks(machine(), flags, argv, groups, loads, performance.now() - t0);
  writeReport(resolve(flags.out), report);
  for (const b of report.blocks) console.log(b.text);
  log(`wrote the blocks ${report.blocks.map((b) => b.name).join(', ')} of ${flags.out}`);
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
