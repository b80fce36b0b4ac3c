/**
 * Builds the server for production: each entry bundled by esbuild into one ES module under dist/server
 * (npm packages stay external, resolved from node_modules at run time), with source maps; the SQL migrations
 * copied beside them, since server/db/*.ts read them relative to the module. `npm start` runs plain node on it.
 *
 * Why a bundler rather than `tsc`: the sources import each other without file extensions (moduleResolution
 * "Bundler", as Vite and tsx read them), which plain node's ES module loader refuses; a bundle also spares Node
 * resolving and reading ~150 modules at every start. Type checking stays `vue-tsc -b`.
 *
 * `--if-missing`: do nothing when a build is already there (npm's prestart hook).
 */
import { build } from 'esbuild';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist', 'server');
// flat: server/db/*.ts find their migrations beside the bundle that includes them (dist/server/migrations)
// read-worker, integrity-worker, xlsx-worker, checkpoint-worker: started by path (server/workers/spawn.ts resolves them beside the bundle), so each is an entry of its own
const ENTRIES = {
  index: 'server/index.ts', demo: 'server/demo.ts', token: 'server/cli/token.ts', audit: 'server/cli/audit.ts', user: 'server/cli/user.ts',
  'read-worker': 'server/workers/read-worker.ts', 'integrity-worker': 'server/workers/integrity-worker.ts', 'xlsx-worker': 'server/workers/xlsx-worker.ts',
  'checkpoint-worker': 'server/workers/checkpoint-worker.ts',
};

if (process.argv.includes('--if-missing') && Object.keys(ENTRIES).every((e) => existsSync(join(OUT, `${e}.js`)))) process.exit(0);

const t0 = Date.now();
rmSync(OUT, { recursive: true, force: true });
// one self-contained bundle per entry (no shared chunks): each module's own import.meta.url is its entry's
await build({
  absWorkingDir: ROOT,
  entryPoints: ENTRIES,
  outdir: OUT,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
});
cpSync(join(ROOT, 'server', 'db', 'migrations'), join(OUT, 'migrations'), { recursive: true });
console.log(`server built into dist/server in ${Date.now() - t0} ms`);
