/**
 * `npm run bench`: ingest (raw SQLite, service, HTTP), ack → delta latency, start-up with a large store,
 * server RSS, and the spreadsheet import when its benchmark exists; writes docs/PERFORMANCE.md.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { crossNodePart } from './crossnode';
import { HEAVY_FILE, benchHeavy } from './heavy';
import { ingestParts, importPart, latencyPart, startupPart } from './parts';
import { renderReport, writeReport } from './report';
import { benchHazards } from './rows';
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
  const parts: PartResult[] = [];
  let failed = false;
  const run = async (name: string, fn: () => Promise<PartResult | PartResult[]>) => {
    try {
      parts.push(...[await fn()].flat());
    } catch (e) {
      failed = true;
      log(`${name} failed: ${e instanceof Error ? e.stack : String(e)}`);
      parts.push({ title: name, rows: [{ name: `${name}: did not complete`, figure: 'error', target: '—', pass: false }], method: String(e), notes: [] });
    }
  };
  if (want('raw') || want('service') || want('http')) {
    const hazards = benchHazards(flags.rows);
    await run('Ingest', () => ingestParts(flags, hazards, want));
  }
  if (want('latency')) await run('ack → delta latency', () => latencyPart(flags));
  if (want('startup')) await run('Start-up', () => startupPart(flags));
  if (want('import')) await run('Spreadsheet import', () => importPart());
  if (want('crossnode')) await run('Several nodes', () => crossNodePart());
  if (want('heavy')) {
    await run('Heavy reads', async () => {
      const r = await benchHeavy(flags.startupDir, flags.startupHazards, flags.transitions);
      writeFileSync(resolve(HEAVY_FILE), `${JSON.stringify(r, null, 2)}\n`);
      return { title: 'Heavy reads', rows: [], method: 'scripts/bench/heavy.ts: see the section "Heavy reads (issue 11)" above.', notes: [] };
    });
  }
  loads.end = load();

  const text = renderReport(machine(), flags, argv, parts, loads, performance.now() - t0);
  writeReport(resolve(flags.out), text);
  console.log(text);
  log(`wrote ${flags.out}`);
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  },
);
