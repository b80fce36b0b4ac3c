/**
 * Starting a worker thread from TypeScript sources (tsx, vitest) and from the compiled build alike: the
 * entry is resolved next to this module with this module's own extension. Under a TypeScript loader the
 * worker starts from a small bootstrap that registers tsx first — a worker does not inherit the parent's
 * module hooks on Node 20.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const here = fileURLToPath(import.meta.url);
const fromSources = here.endsWith('.ts');

/** The worker entry `name` (without extension) beside this file. */
export function workerEntry(name: string): string {
  return join(dirname(here), `${name}${fromSources ? '.ts' : '.js'}`);
}

export function spawnWorker(name: string, options: WorkerOptions): Worker {
  const entry = workerEntry(name);
  if (!fromSources) return new Worker(entry, options);
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxRoot, 'dist', 'esm', 'api', 'index.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(entry).href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
