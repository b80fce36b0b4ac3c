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

/**
 * What the check's thread is given: where the store is, and the zone its day columns are in; `queryTimeoutMs`, on
 * PostgreSQL the longest a connect or one statement may take (default in server/workers/integrity-worker.ts).
 */
export type IntegritySetup = Pick<Config, 'DATABASE_URL' | 'DATA_DIR'> & { tz: string; queryTimeoutMs?: number };
/** What it answers: the verdict, and the thread that reached it (never the server's own). */
export type IntegrityVerdict = Omit<IntegrityState, 'checkedAt' | 'ms'> & { status: 'ok' | 'failed' | 'unavailable'; threadId: number };

/** How far a running check has got: records verified (changes walked, then rows compared) of about `total`. */
export type IntegrityProgress = { done: number; total: number };
/** What the check's thread posts: progress now and then, and its one verdict last. */
export type IntegrityMessage = ({ kind: 'progress' } & IntegrityProgress) | ({ kind: 'verdict' } & IntegrityVerdict);

/** Which part of the check one thread runs (server/workers/integrity-worker.ts). */
export type IntegrityPart = 'history' | 'days' | 'all';

/**
 * One part of the check in a worker thread of its own, started for it and gone after it; `signal` ends the thread
 * (shutdown: it only reads, so nothing is lost) and the part answers `unavailable`.
 */
function verifyPart(setup: IntegritySetup, part: IntegrityPart, onProgress?: (p: IntegrityProgress) => void, signal?: AbortSignal): Promise<IntegrityVerdict> {
  return new Promise((resolve) => {
    const worker = spawnWorker('integrity-worker', { workerData: { ...setup, part } });
    let verdict: IntegrityVerdict | null = null;
    const stop = () => {
      verdict ??= { status: 'unavailable', message: 'the check was stopped', threadId: worker.threadId };
      void worker.terminate();
    };
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    worker.once('exit', () => signal?.removeEventListener('abort', stop));
    let linger: NodeJS.Timeout | undefined;
    worker.on('message', (m: IntegrityMessage) => {
      if (m.kind === 'progress') onProgress?.({ done: m.done, total: m.total });
      else {
        const { kind: _kind, ...v } = m;
        verdict ??= v;
        // answered: the thread closes its store and ends; one whose store does not let go (a hung connection)
        // is ended after a while, and the answer does not wait for either
        resolve(verdict);
        linger = setTimeout(() => void worker.terminate(), LINGER_MS);
        linger.unref();
      }
    });
    // an error after the verdict (its close) may be told before the verdict's message: the verdict still counts
    let failed: IntegrityVerdict | null = null;
    worker.once('error', (e) => (failed = { status: 'unavailable', message: `the check's thread failed: ${e.message}`, threadId: worker.threadId }));
    worker.once('exit', (code) => {
      clearTimeout(linger);
      resolve(verdict ?? failed ?? { status: 'unavailable', message: `the check's thread exited with ${code} before a verdict`, threadId: -1 });
    });
  });
}

/** how long a check's thread may take to close its store after its verdict before it is ended */
const LINGER_MS = 5_000;

/** The verdict of both parts: a record found bad wins (the history's first), then a part that could not run. */
export function mergeVerdicts(history: IntegrityVerdict, days: IntegrityVerdict): IntegrityVerdict {
  if (history.status === 'failed') return history;
  if (days.status === 'failed') return { ...days, changes: history.changes };
  if (history.status === 'unavailable') return history;
  return days.status === 'unavailable' ? days : history;
}

/**
 * One full check off this thread (server/workers/integrity-worker.ts). `threads: 1`: all of it in one worker, one
 * snapshot. `threads: 2`: the history (both chains against their tables) and the briefing's per-day counts (against
 * the scan of the history) in two workers at once, each in a snapshot of its own taken at the same moment — on two
 * cores it answers in about half the time, for the same CPU. Either way, each snapshot is checked whole; a write
 * after it (the server's own, or one behind its back) is the next check's to see (docs/SECURITY.md "Integrity").
 */
export async function verifyInWorker(setup: IntegritySetup, onProgress?: (p: IntegrityProgress) => void, threads: 1 | 2 = 1, signal?: AbortSignal): Promise<IntegrityVerdict> {
  if (threads === 1) return verifyPart(setup, 'all', onProgress, signal);
  const [history, days] = await Promise.all([verifyPart(setup, 'history', onProgress, signal), verifyPart(setup, 'days', undefined, signal)]);
  return mergeVerdicts(history, days);
}

/** What screens and /healthz are told: the verdict and the first bad record, not the timings. */
export const integrityView = (s: IntegrityState): IntegrityNotice => ({
  status: s.status, ...(s.record ? { record: s.record } : {}), ...(s.message ? { message: s.message } : {}), ...(s.checkedAt ? { checkedAt: s.checkedAt } : {}),
});

/** records verified before a check's rate is trusted for a projection */
const MIN_SAMPLE = 20_000;
const PROGRESS_POLL_MS = 50;
/** A first check that could not run is tried again after this, doubling up to RETRY_MAX_MS. */
const RETRY_MS = 30_000;
const RETRY_MAX_MS = 10 * 60_000;

export class Integrity extends EventEmitter<{ changed: [IntegrityState] }> {
  state: IntegrityState = { status: 'checking' };
  private timer?: NodeJS.Timeout;
  private running: Promise<IntegrityState> | null = null;
  /** the running check's progress, and when it started (performance.now()) */
  private progress: IntegrityProgress & { since: number } | null = null;
  /** aborted by stop(): the running check's threads end, and no check starts after it */
  private readonly stopping = new AbortController();
  /** checks started, and the next try of a first check that could not run */
  private attempts = 0;
  private retry?: NodeJS.Timeout;

  /**
   * `verdict`: one full check, off this thread (verifyInWorker), telling its progress now and then, on `threads`
   * threads: two for the first check (until it answers the node serves flagged, so the sooner the better), one for
   * the later ones (the node is serving then: a core stays free for requests and sockets). `signal` aborts at
   * stop(): the check ends its threads and answers soon (its verdict is then not taken). `retryMs`: the first wait
   * before a first check that could not run is tried again (tests shorten it).
   */
  constructor(
    private readonly verdict: (onProgress: (p: IntegrityProgress) => void, threads: 1 | 2, signal: AbortSignal) => Promise<IntegrityVerdict>,
    private readonly log: Logger,
    private readonly opts: { retryMs?: number } = {},
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
    if (this.stopping.signal.aborted) return Promise.resolve(this.state);
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<IntegrityState> {
    const t0 = Date.now();
    const since = performance.now();
    this.progress = { done: 0, total: 0, since };
    // a retry of a first check that could not run goes on one thread: two may be what it died of (memory)
    const threads = this.state.status === 'checking' && this.attempts++ === 0 ? 2 : 1;
    const { threadId: _thread, ...found } = await this.verdict((p) => (this.progress = { ...p, since }), threads, this.stopping.signal);
    this.progress = null;
    // stopped (shutdown): the threads were ended, their answer is no verdict
    if (this.stopping.signal.aborted) return this.state;
    const next: IntegrityState = { ...found, checkedAt: new Date().toISOString(), ms: Date.now() - t0 };
    this.set(next);
    return this.state;
  }

  private set(next: IntegrityState): void {
    const before = this.state.status;
    // a check the store could not answer does not clear a failure found earlier
    if (next.status === 'unavailable' && before === 'failed') return;
    if (next.status === 'unavailable' && before === 'checking') {
      // nor is it the first verdict: the node has not been verified, so it stays `checking` (503, 校验中, never
      // 实时) and tries again soon instead of in INTEGRITY_CHECK_MINUTES (or never, with 0)
      const wait = Math.min((this.opts.retryMs ?? RETRY_MS) * 2 ** Math.max(0, this.attempts - 1), RETRY_MAX_MS);
      this.state = { status: 'checking', message: `the first check could not run: ${next.message ?? 'no reason given'}; again in ${Math.round(wait / 1000)} s` };
      this.log.warn({ reason: next.message, retryMs: wait }, 'integrity check could not run: still checking, trying again');
      clearTimeout(this.retry);
      this.retry = setTimeout(() => void this.check(), wait);
      this.retry.unref();
      return;
    }
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

  /** No more checks; a running one ends its threads (shutdown need not wait the minute a big store's check takes). */
  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.retry);
    this.stopping.abort();
  }

  /**
   * When the running check should end at the rate it has kept so far (ms from now), or null while there is too
   * little to go by (no check, or under MIN_SAMPLE records verified). Records are changes walked plus rows
   * compared, against the chain's length twice: rows are fewer than changes, so this errs long.
   */
  projectedMs(now = performance.now()): number | null {
    const p = this.progress;
    if (!p || p.done < MIN_SAMPLE || p.total <= 0) return null;
    const elapsed = now - p.since;
    return Math.max(0, (elapsed * (p.total - p.done)) / p.done);
  }

  /**
   * Start-up's wait for the first check (docs/OPERATIONS.md "Start-up"): until it answers, or `maxMs` have gone by,
   * or its progress says it cannot answer within them — then there is no point in holding the port closed, and the
   * node serves flagged `checking` at once instead of after the whole wait. Resolves true when the check reached a
   * verdict (ok or failed).
   */
  async awaitFirst(maxMs: number): Promise<boolean> {
    const end = performance.now() + maxMs;
    const first = this.running ?? this.check();
    let answered = false;
    void first.then(() => (answered = true));
    while (!answered) {
      const now = performance.now();
      if (now >= end) break;
      const projected = this.projectedMs(now);
      if (projected !== null && now + projected > end) break;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([first, new Promise<void>((r) => (timer = setTimeout(r, Math.min(PROGRESS_POLL_MS, end - now))))]);
      clearTimeout(timer);
    }
    // a first check that could not run answered, but with no verdict: the node is still checking
    return answered && !this.checking;
  }

  settled(): Promise<unknown> {
    return this.running ?? Promise.resolve();
  }
}
