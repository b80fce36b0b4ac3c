#!/usr/bin/env node
// `npm test`: typecheck, lint, then the vitest suites this machine can run. A suite whose
// requirement is missing (Chromium for e2e) is skipped with a plain message — unless
// HZ_REQUIRE_ALL=1 (set by .ci/run), where a missing requirement fails the run instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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

if (skipped.length && requireAll) {
  console.error(`required suites cannot run:\n  ${skipped.join('\n  ')}`);
  process.exit(1);
}

run('npx', ['tsc', '-b']);
run('npx', ['vue-tsc', '--noEmit', '-p', 'client/tsconfig.json']);
run('npx', ['eslint', '.', '--max-warnings', '0']);
if (projects.includes('e2e')) run('npx', ['vite', 'build', '--logLevel', 'warn']);
const filter = process.argv.slice(2);
run('npx', ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), ...filter]);

if (skipped.length) {
  console.log(`\nSKIPPED suites on this machine:\n  ${skipped.join('\n  ')}`);
}
