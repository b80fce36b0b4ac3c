/** The server's start: configuration → store → app → listen. Run by index.ts (`npm start`) and demo.ts. */
import { createApp, type App } from './app';
import { loadConfig } from './config';
import type { Logger } from 'pino';
import { createLogger } from './logger';
import { openStore } from './store';
import { openCluster } from './cluster';
import { featureRoutes, featureSockets } from './features';

/** `makeLog`: the demo's human-readable logger instead of JSON lines. */
export async function main(opts: { demo?: boolean; env?: NodeJS.ProcessEnv; makeLog?: (level: string) => Logger } = {}): Promise<{ app: App; port: number }> {
  const config = loadConfig(opts.env ?? process.env, opts.demo ?? false);
  const log = (opts.makeLog ?? createLogger)(config.LOG_LEVEL);
  const store = await openStore(config);
  // before the app: a second node on PostgreSQL without Redis stops here, with the reason
  const cluster = await openCluster(config, log).catch(async (e: unknown) => {
    await store.close();
    throw e;
  });
  const app = await createApp({ config, store, log, cluster, extraRoutes: featureRoutes, extraSockets: featureSockets });
  const port = await app.listen(config.PORT, config.HOST);
  log.info({ port, host: config.HOST, store: store.describe, cluster: cluster.describe, demo: config.demo }, 'listening');
  // the test harness and scripts read this line to find a random port
  console.log(`LISTENING ${port}`);
  const stop = () => {
    log.info('shutting down');
    // the last word: whatever still holds the process after 9.5 s (a stuck store call), SIGTERM ends within 10 s
    setTimeout(() => process.exit(1), 9500).unref();
    app.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return { app, port };
}
