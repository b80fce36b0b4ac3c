/**
 * `npm run demo`: the server on an embedded SQLite under data/demo/ with a simulated feed that
 * reports through the public HTTP API. Everything it serves is marked as demo data.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { main } from './main';
import { loadConfig } from './config';
import { createDemoLogger } from './logger';
import { openStore } from './store';
import { Simulator } from './demo/simulator';

const DEMO_DIR = process.env.DEMO_DATA_DIR ?? join('data', 'demo');

/** The demo keeps its own tokens in a file beside its database (demo only: production tokens are shown once). */
async function demoTokens(): Promise<{ feed: string; display: string; admin: string }> {
  const file = join(DEMO_DIR, 'demo-tokens.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  mkdirSync(DEMO_DIR, { recursive: true });
  const store = await openStore(loadConfig({ DATA_DIR: DEMO_DIR }));
  const make = (role: 'reporter' | 'display' | 'admin', name: string) => store.tokens.create({ role, name }).then((t) => t.token);
  const tokens = { feed: await make('reporter', '演示数据模拟器'), display: await make('display', '演示大屏'), admin: await make('admin', '演示管理员') };
  await store.close();
  writeFileSync(file, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  return tokens;
}

async function run(): Promise<void> {
  const tokens = await demoTokens();
  // the demo is always the embedded single node, whatever the shell says
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...rest } = process.env;
  const env = { ...rest, DATA_DIR: DEMO_DIR };
  const log = await createDemoLogger(loadConfig(env, true).LOG_LEVEL);
  const { app, port } = await main({ demo: true, env, makeLog: () => log });
  const local = `http://127.0.0.1:${port}`;
  const sim = new Simulator(local, tokens.feed);
  if (app.feed.status().seq < 10) {
    const days = Number(process.env.DEMO_BACKFILL_DAYS ?? 60);
    console.log(`演示数据: back-filling ${days} days of simulated reports through the API …`);
    const n = await sim.backfill(days);
    console.log(`演示数据: back-filled ${n} hazards`);
  }
  await sim.loadOpen();
  sim.start(Number(process.env.DEMO_TICK_MS ?? 2000));
  const host = `http://localhost:${port}`;
  // last, one per line, nothing after them on the line: easy to copy
  console.log([
    '',
    '演示数据 / DEMO is running. Open:',
    `  dashboard  ${host}/?token=${tokens.display}`,
    `  briefing   ${host}/briefing?token=${tokens.display}`,
    `  present    ${host}/present?token=${tokens.display}`,
    `  hazards    ${host}/hazards?token=${tokens.admin}`,
    `  import     ${host}/import?token=${tokens.admin}`,
    `  API docs   ${host}/api/v1/docs`,
    `  admin API token  ${tokens.admin}`,
    '',
  ].join('\n'));
  process.once('SIGTERM', () => sim.stop());
  process.once('SIGINT', () => sim.stop());
}

run().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
