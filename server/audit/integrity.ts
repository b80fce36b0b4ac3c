/**
 * The server's own audit, at start and in the background, in a worker thread: the hash-chained history is
 * walked and replayed (verify.ts, the same check as `npm run audit -- verify`) and every row of the `hazards`
 * table — the projection the aggregates are rebuilt from — is compared with it; so is the auth chain with
 * the tokens, users and sessions it vouches for. A store edited behind
 * the server's back (a level lowered, a deadline moved, a row or a change deleted) is not served as
 * truth: the node starts flagged, `/healthz` answers 503 `integrity_failed` naming the first bad record,
 * (until the first check answers — start-up waits for it only INTEGRITY_START_WAIT_MS — 503 `checking`, 校验中),
 * sockets get `server:integrity` and every screen shows 校验异常 instead of 实时. docs/SECURITY.md.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { spawnWorker } from '../workers/spawn';
import type { IntegrityNotice } from '../../shared/events';

export type IntegrityState = {
  status: 'checking' | 'ok' | 'failed' | 'unavailable';
  /** the first record that does not verify (`change 12`, `hazard LL-1`, `meta chain_head`, `token tok_…`) */
  record?: string;
  message?: string;
  checkedAt?: string;
  ms?: number;
  changes?: number;
  /** records of the auth chain (tokens, users, sessions) verified with it */
  authChanges?: number;
};

/** What the check's thread is given: where the store is, and the zone its day columns are in. */
export type IntegritySetup = Pick<Config, 'DATABASE_URL' | 'DATA_DIR'> & { tz: string };
/** What it answers: the verdict, and the thread that reached it (never the server's own). */
export type IntegrityVerdict = Omit<IntegrityState, 'checkedAt' | 'ms'> & { status: 'ok' | 'failed' | 'unavailable'; threadId: number };

/** One check in a worker thread of its own (server/workers/integrity-worker.ts), started for it and gone after it. */
export function verifyInWorker(setup: IntegritySetup): Promise<IntegrityVerdict> {
  return new Promise((resolve) => {
    const worker = spawnWorker('integrity-worker', { workerData: setup });
    let verdict: IntegrityVerdict | null = null;
    worker.once('message', (v: IntegrityVerdict) => (verdict = v));
    worker.once('error', (e) => (verdict ??= { status: 'unavailable', message: `the check's thread failed: ${e.message}`, threadId: worker.threadId }));
    worker.once('exit', (code) => resolve(verdict ?? { status: 'unavailable', message: `the check's thread exited with ${code} before a verdict`, threadId: -1 }));
  });
}

/** What screens and /healthz are told: the verdict and the first bad record, not the timings. */
export const integrityView = (s: IntegrityState): IntegrityNotice => ({
  status: s.status, ...(s.record ? { record: s.record } : {}), ...(s.message ? { message: s.message } : {}), ...(s.checkedAt ? { checkedAt: s.checkedAt } : {}),
});

export class Integrity extends EventEmitter<{ changed: [IntegrityState] }> {
  state: IntegrityState = { status: 'checking' };
  private timer?: NodeJS.Timeout;
  private running: Promise<IntegrityState> | null = null;

  /** `verdict`: one full check, off this thread (verifyInWorker). */
  constructor(
    private readonly verdict: () => Promise<IntegrityVerdict>,
    private readonly log: Logger,
  ) {
    super();
  }

  get failed(): boolean {
    return this.state.status === 'failed';
  }

  /** the first check has not answered yet (a later one keeps the last verdict while it runs) */
  get checking(): boolean {
    return this.state.status === 'checking';
  }

  /** One full check in a read snapshot of its own; a failure stays until a later check passes. */
  check(): Promise<IntegrityState> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<IntegrityState> {
    const t0 = Date.now();
    const { threadId: _thread, ...found } = await this.verdict();
    const next: IntegrityState = { ...found, checkedAt: new Date().toISOString(), ms: Date.now() - t0 };
    this.set(next);
    return next;
  }

  private set(next: IntegrityState): void {
    const before = this.state.status;
    // a check the store could not answer does not clear a failure found earlier
    if (next.status === 'unavailable' && before === 'failed') return;
    this.state = next;
    if (next.status === 'failed') this.log.error({ record: next.record, reason: next.message }, 'integrity check failed: the store contradicts its own history');
    else if (next.status === 'unavailable') this.log.warn({ reason: next.message }, 'integrity check could not run');
    else this.log.info({ ms: next.ms, changes: next.changes, authChanges: next.authChanges }, 'integrity verified');
    if (before !== next.status) this.emit('changed', next);
  }

  /** Checks again every `minutes` (0: only at start), each in a thread of its own: see docs/PERFORMANCE.md. */
  every(minutes: number): void {
    if (minutes <= 0) return;
    this.timer = setInterval(() => void this.check(), minutes * 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  settled(): Promise<unknown> {
    return this.running ?? Promise.resolve();
  }
}
