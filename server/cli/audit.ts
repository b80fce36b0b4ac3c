/**
 * npm run audit -- verify [--expect SEQ:HASH] [--json]
 *   walks the whole hash chain and replays it against the hazards table (server/audit/verify.ts);
 *   exit 0 "verified N changes, M hazards, head SEQ:HASH", exit 1 naming the first record that does
 *   not verify. --expect: a head copied elsewhere earlier (GET /api/v1/chain/head, /metrics), which the
 *   chain must still contain — the check that catches a consistently rewritten history.
 * npm run audit -- head    prints the current head SEQ:HASH (to keep a copy elsewhere)
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { openAuditSource } from '../audit/open-source';
import { parseHead, verify } from '../audit/verify';

const USAGE = 'usage: audit verify [--expect SEQ:HASH] [--json] | audit head';

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, options: { expect: { type: 'string' }, json: { type: 'boolean' } },
  });
  const [cmd] = positionals;
  if (cmd !== 'verify' && cmd !== 'head') return usage();
  const config = loadConfig();
  const expect = values.expect === undefined ? null : parseHead(values.expect);
  if (values.expect !== undefined && !expect) {
    console.error(`audit: --expect must be SEQ:HASH (64 hex digits), got ${values.expect}`);
    return 2;
  }
  // the store the server is configured with: the SQLite file in DATA_DIR, or DATABASE_URL=postgres://…
  const opened = await openAuditSource(config);
  if (typeof opened === 'string') {
    console.error(`audit: ${opened}`);
    return 2;
  }
  const { source, close } = opened;
  try {
    const report = await verify(source, config.TZ_REGION, expect);
    if (cmd === 'head') {
      console.log(`${report.head.seq}:${report.head.hash}`);
      return report.ok ? 0 : 1;
    }
    if (values.json) console.log(JSON.stringify(report));
    else if (report.ok) {
      const auth = report.authChanges === undefined ? '' : `, ${report.authChanges} auth records`;
      console.log(`verified ${report.changes} changes, ${report.hazards} hazards${auth}, head ${report.head.seq}:${report.head.hash}`);
    }
    else {
      const [first, ...rest] = report.problems;
      console.error(`NOT VERIFIED: ${first!.record}: ${first!.message}`);
      for (const p of rest) console.error(`  also ${p.record}: ${p.message}`);
      console.error(`the chain verified up to change ${report.head.seq}`);
    }
    return report.ok ? 0 : 1;
  } finally {
    await close();
  }
}

function usage(): number {
  console.error(USAGE);
  return 2;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`audit: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
