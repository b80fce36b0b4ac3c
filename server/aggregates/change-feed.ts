/**
 * The change feed: applies the one change sequence to this node's live aggregates, in order, whoever wrote it.
 * Three ways in, one way to apply: this node's own commits (at once, no read), a signal from the database that
 * some node appended (PostgreSQL LISTEN/NOTIFY), and a periodic look at the head (the safety net for a lost
 * signal). Signals and polls only raise the known head and wake one catch-up loop, which reads the changes
 * after the applied position and applies them — never inside a user's request. Each change applied is
 * announced once, with the regions it touched (`applied`).
 *
 * Reachability: the head poll is also how a node knows it can still see the database. A poll that fails with a
 * connection error, or that has not been answered for UNREACHABLE_AFTER_MS (a hung connection), marks the store
 * unreachable until the next answer; the change is announced (`reachability`) so that heartbeats can say it at
 * once. A poll the database answers with an error of its own (a permission taken away) is not a lost database:
 * the node then lags, and says that instead (docs/ARCHITECTURE.md "Freshness").
 */
import { EventEmitter } from 'node:events';
import { isStoreUnavailable } from '../errors';
import type { Change } from '../hazards/changes';
import type { ChainStore } from '../hazards/chain.store';
import type { LiveSummaries } from './live-summaries';

export type Applied = { change: Change; regions: readonly string[] };
export type FeedEvents = { applied: [Applied]; reachability: [boolean] };

/** What the feed reads from the store. */
export type FeedSource = Pick<ChainStore, 'changesSince' | 'headSeq' | 'listen'>;

/** This node's position against the database's head, for /healthz and heartbeats. */
export type FeedStatus = {
  /** the newest change applied here */
  seq: number;
  /** the newest change known to be committed (by any node) */
  head: number;
  lagSeq: number;
  /** how long this node has been behind the head (0 when it is not) */
  lagMs: number;
  /** whether the database answers this node: its last look did not fail to connect, and was answered in time */
  storeReachable: boolean;
};

const BATCH = 1000;
export const POLL_MS = 1000;
/** how long a writer's request waits for this node to reach its own change when other nodes' changes came first */
const OWN_WAIT_MS = 2000;
/** a head poll unanswered this long (a connection that hangs rather than fails) counts as a lost database */
export const UNREACHABLE_AFTER_MS = 3000;

export class ChangeFeed extends EventEmitter<FeedEvents> {
  private knownHead: number;
  private behindSince: number | null = null;
  private storeReachable = true;
  /** when the database last answered a look (a poll, a catch-up read) */
  private answeredAt: number;
  private polling = false;
  /** the last poll failed with an answer of the database's own (logged once until a poll succeeds) */
  private headRefused = false;
  private running: Promise<void> | null = null;
  private again = false;
  private waiters: Array<{ seq: number; done: () => void }> = [];
  private stopListening: (() => void) | null = null;
  private poller: NodeJS.Timeout | null = null;

  constructor(
    private readonly source: FeedSource,
    private readonly live: LiveSummaries,
    private readonly onError: (err: unknown, what: string) => void = () => undefined,
    private readonly clock: () => number = Date.now,
  ) {
    super();
    this.knownHead = live.appliedSeq;
    this.answeredAt = clock();
  }

  /** Starts hearing other nodes: the database's signals, and the poll of the head every POLL_MS. */
  start(pollMs = POLL_MS): void {
    this.stopListening = this.source.listen({
      onHead: (seq) => this.learn(seq),
      // (re)listening: anything committed while the signal was down is read now
      onListening: () => this.wake(),
      onLost: (err) => this.onError(err, 'change signal lost; reconnecting'),
    });
    this.poller = setInterval(() => void this.poll(), pollMs);
    this.poller.unref();
  }

  private async poll(): Promise<void> {
    // one look at a time: a look that hangs is not joined by more, and counts as no answer once it is too old
    if (this.polling) {
      if (this.clock() - this.answeredAt > UNREACHABLE_AFTER_MS) this.setReachable(false, new Error(`no answer from the database for ${UNREACHABLE_AFTER_MS} ms`));
      return;
    }
    this.polling = true;
    try {
      this.learn(await this.source.headSeq());
      this.headRefused = false;
      this.answered();
    } catch (err) {
      if (isStoreUnavailable(err)) return this.setReachable(false, err);
      // the database answered, with a refusal: reachable, and behind as soon as another node's signal says so
      this.answered();
      if (!this.headRefused) this.onError(err, 'change feed cannot read the head');
      this.headRefused = true;
    } finally {
      this.polling = false;
    }
  }

  private answered(): void {
    this.answeredAt = this.clock();
    this.setReachable(true);
  }

  private setReachable(ok: boolean, err?: unknown): void {
    if (ok === this.storeReachable) return;
    this.storeReachable = ok;
    if (!ok) this.onError(err, 'change feed cannot reach the database');
    this.emit('reachability', ok);
  }

  /** A committed position from any source: remember it and catch up if it is ahead. */
  private learn(seq: number): void {
    if (seq > this.knownHead) this.knownHead = seq;
    if (this.knownHead > this.live.appliedSeq) {
      this.behindSince ??= this.clock();
      this.wake();
    }
  }

  /** Runs the catch-up loop, or asks the running one to look once more. */
  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.catchUp()
      .catch((err: unknown) => (isStoreUnavailable(err) ? this.setReachable(false, err) : this.onError(err, 'change feed catch-up failed')))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Reads and applies every change after the applied position; resolves when there is none left. */
  private async catchUp(): Promise<void> {
    for (;;) {
      this.again = false;
      const batch = await this.source.changesSince(this.live.appliedSeq, BATCH);
      this.answered();
      for (const c of batch) this.applyOne(c);
      if (batch.length < BATCH && !this.again) return;
    }
  }

  private applyOne(c: Change): boolean {
    const regions = this.live.apply(c);
    if (!regions) return false;
    if (c.seq > this.knownHead) this.knownHead = c.seq;
    if (this.live.appliedSeq >= this.knownHead) this.behindSince = null;
    this.emit('applied', { change: c, regions });
    if (this.waiters.length) this.release();
    return true;
  }

  private release(): void {
    const seq = this.live.appliedSeq;
    this.waiters = this.waiters.filter((w) => (w.seq <= seq ? (w.done(), false) : true));
  }

  /**
   * This node's own committed changes, in order. Applied at once when they follow the applied position; when
   * another node's changes came between, the catch-up loop is woken and the caller waits (bounded) until it has
   * applied them, so a writer's next read on this node sees its write. The write is durable either way.
   */
  async committed(changes: readonly Change[]): Promise<void> {
    const first = changes[0];
    const last = changes.at(-1);
    if (!first || !last) return;
    // contiguous with what is applied (some may already be, read by the catch-up loop first): apply here, no read
    if (first.seq <= this.live.appliedSeq + 1) {
      for (const c of changes) this.applyOne(c);
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.done !== done);
        resolve();
      }, OWN_WAIT_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ seq: last.seq, done });
      this.learn(last.seq);
    });
  }

  status(): FeedStatus {
    const seq = this.live.appliedSeq;
    const head = Math.max(this.knownHead, seq);
    return { seq, head, lagSeq: head - seq, lagMs: this.behindSince === null ? 0 : this.clock() - this.behindSince, storeReachable: this.storeReachable };
  }

  /** Waits for a running catch-up to finish (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  stop(): void {
    this.stopListening?.();
    this.stopListening = null;
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
    for (const w of this.waiters.splice(0)) w.done();
  }
}
