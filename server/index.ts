/**
 * Production entry (`npm start` runs its compiled form, dist/server/index.js; `npm run dev` runs it through tsx).
 * Only this module starts the server when run, so bundles that include main.ts (the demo) never start it twice.
 */
import { pathToFileURL } from 'node:url';
import { main } from './main';

export { main };

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
