/**
 * The server's own audit, at start and in the background: the hash-chained history is walked and
 * replayed (verify.ts, the same check as `npm run audit -- verify`) and every row of the `hazards`
 * table — the projection the aggregates are rebuilt from — is compared with it. A store edited behind
 * the server's back (a level lowered, a deadline moved, a row or a change deleted) is not served as
 * truth: the node starts flagged, `/healthz` answers 503 `integrity_failed` naming the first bad record,
 * sockets get `server:integrity` and every screen shows 校验异常 instead of 实时. docs/SECURITY.md.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { OpenedSource } from './open-source';
import { verify } from './verify';
import type { IntegrityNotice } from '../../shared/events';

export type IntegrityState = {
  status: 'checking' | 'ok' | 'failed' | 'unavailable';
  /** the first record that does not verify (`change 12`, `hazard LL-1`, `meta chain_head`) */
  record?: string;
  message?: string;
  checkedAt?: string;
  ms?: number;
  changes?: number;
};

/** What screens and /healthz are told: the verdict and the first bad record, not the timings. */
export const integrityView = (s: IntegrityState): IntegrityNotice => ({
  status: s.status, ...(s.record ? { record: s.record } : {}), ...(s.message ? { message: s.message } : {}), ...(s.checkedAt ? { checkedAt: s.checkedAt } : {}),
});

export class Integrity extends EventEmitter<{ changed: [IntegrityState] }> {
  state: IntegrityState = { status: 'checking' };
  private timer?: NodeJS.Timeout;
  private running: Promise<IntegrityState> | null = null;

  constructor(
    private readonly open: () => Promise<OpenedSource | string>,
    private readonly tz: string,
    private readonly log: Logger,
  ) {
    super();
  }

  get failed(): boolean {
    return this.state.status === 'failed';
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
    let next: IntegrityState;
    try {
      const opened = await this.open();
      if (typeof opened === 'string') next = { status: 'unavailable', message: opened };
      else {
        try {
          const r = await verify(opened.source, this.tz);
          const first = r.problems[0];
          next = first ? { status: 'failed', record: first.record, message: first.message, changes: r.changes } : { status: 'ok', changes: r.changes };
        } finally {
          await opened.close();
        }
      }
    } catch (e) {
      // the store away is not a forged store: say so and keep the last verdict's meaning
      next = { status: 'unavailable', message: e instanceof Error ? e.message : String(e) };
    }
    next = { ...next, checkedAt: new Date().toISOString(), ms: Date.now() - t0 };
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
    else this.log.info({ ms: next.ms, changes: next.changes }, 'integrity verified');
    if (before !== next.status) this.emit('changed', next);
  }

  /** Checks again every `minutes` (0: only at start). A check runs in this process: see docs/PERFORMANCE.md. */
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
