#!/usr/bin/env node
// `npm test`: typecheck, lint, then the vitest suites this machine can run. A suite whose
// requirement is missing (Chromium for e2e) is skipped with a plain message — unless
// HZ_REQUIRE_ALL=1 (set by .ci/run), where a missing requirement fails the run instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';

const requireAll = process.env.HZ_REQUIRE_ALL === '1';
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const run = (cmd, args) => {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const projects = ['unit', 'integration'];
const skipped = [];
if (existsSync(chromium)) projects.push('e2e');
else skipped.push(`e2e (browser tests): no Chromium at ${chromium} — apt-get install -y chromium fonts-noto-cjk`);

// the /metrics scrape is checked with promtool (tests/integration/metrics.test.ts skips that check without it)
if (!existsSync(process.env.PROMTOOL_PATH ?? '/usr/bin/promtool')) skipped.push('promtool check of /metrics: no /usr/bin/promtool — apt-get install -y prometheus');

const answers = (port) => new Promise((resolve) => {
  const socket = connect({ host: '127.0.0.1', port, timeout: 2000 });
  const done = (up) => {
    socket.destroy();
    resolve(up);
  };
  socket.once('connect', () => done(true));
  socket.once('error', () => done(false));
  socket.once('timeout', () => done(false));
});

// PostgreSQL store tests (tests/integration/store-*.test.ts) run when a server answers on 127.0.0.1:5432;
// they read HZ_PG_URL and skip themselves, with a message, when it is not set and nothing answers
if (await answers(5432)) process.env.HZ_PG_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
else if (!process.env.HZ_PG_URL) skipped.push('PostgreSQL store tests: nothing answers on 127.0.0.1:5432 — start PostgreSQL (.ci/run does) or set HZ_PG_URL');
// Redis cluster tests (tests/integration/redis-*.test.ts): the same, on 127.0.0.1:6379 (keys under a random prefix, never flushed)
if (await answers(6379)) process.env.HZ_REDIS_URL ??= 'redis://127.0.0.1:6379';
else if (!process.env.HZ_REDIS_URL) skipped.push('Redis cluster tests: nothing answers on 127.0.0.1:6379 — start redis-server (.ci/run does) or set HZ_REDIS_URL');

if (skipped.length && requireAll) {
  console.error(`required suites cannot run:\n  ${skipped.join('\n  ')}`);
  process.exit(1);
}

// one build-mode typecheck over every project (vue-tsc understands the .vue files plain tsc cannot)
run('npx', ['vue-tsc', '-b']);
run('npx', ['eslint', '.', '--max-warnings', '0']);
// dead code: unused files, exports, types and dependencies (knip.jsonc), zero findings
run('npx', ['knip']);
if (projects.includes('e2e')) run('npx', ['vite', 'build', '--logLevel', 'warn']);
const filter = process.argv.slice(2);
const resultFile = join(tmpdir(), `hz-vitest-${process.pid}.json`);
const vitest = spawnSync('npx', ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]),
  '--reporter=default', '--reporter=json', `--outputFile.json=${resultFile}`, ...filter], { stdio: 'inherit', env: process.env });
// one plain closing line with the counts, whatever the reporter printed above
if (existsSync(resultFile)) {
  const r = JSON.parse(readFileSync(resultFile, 'utf8'));
  rmSync(resultFile, { force: true });
  const skippedTests = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed${skippedTests ? `, ${skippedTests} skipped` : ''}`);
}
if (vitest.status !== 0) process.exit(vitest.status ?? 1);

if (skipped.length) {
  console.log(`\nSKIPPED suites on this machine:\n  ${skipped.join('\n  ')}`);
}
