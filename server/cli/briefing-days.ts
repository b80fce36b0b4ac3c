/**
 * npx tsx server/cli/briefing-days.ts rebuild
 *   refills the briefing's per-day counts (briefing_days, briefing_found, briefing_late, briefing_trend, their marks) from the hazards and
 *   their history, in one write transaction, on the store the server is configured with (DATA_DIR, or
 *   DATABASE_URL=postgres://…). The server does the same by itself when it opens a store whose counts are
 *   missing or of an older version (docs/ARCHITECTURE.md "Briefings from daily aggregates"); this forces it.
 */
import { loadConfig } from '../config';
import { openStore } from '../store';

async function run(argv: string[]): Promise<number> {
  if (argv[0] !== 'rebuild' || argv.length !== 1) {
    console.error('usage: briefing-days rebuild');
    return 2;
  }
  const config = loadConfig();
  // opening already rebuilds counts that are missing or old; `rebuild` refills them even when current
  const store = await openStore(config);
  try {
    const t0 = performance.now();
    await store.repo.rebuildBriefingDays(true);
    console.log(`briefing-days: rebuilt from the history on ${store.describe} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  } finally {
    await store.close();
  }
}

process.exitCode = await run(process.argv.slice(2));
