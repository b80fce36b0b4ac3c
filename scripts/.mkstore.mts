import { ensureStore } from './bench/startup.ts';
await ensureStore('/tmp/hz-bench-1m', 1_000_000, 300_000);
