/**
 * Bounded concurrency for the heavy reads (briefings, exports, filtered lists): at most `concurrency` run,
 * at most `queue` wait, and everything beyond is refused at once with 429 `busy` and a Retry-After, so a
 * burst of viewers cannot pile up memory or starve the writer. Each task has a time limit counted from the
 * moment it was accepted (waiting included): past it the caller gets 503 `query_timeout`. The slot stays
 * taken until the task really ends — an abandoned query still occupies the database — so the bound holds.
 */
import { ServiceError } from '../errors';

export type LimiterOptions = { concurrency: number; queue: number; timeoutMs: number };

type Waiter = { start: () => void; cancel: (e: Error) => void };

export class ReadLimiter {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly opts: LimiterOptions, private readonly what = 'heavy reads') {}

  get inFlight(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Runs `task` when a slot is free. `onTimeout` is called when the time limit passes while the task runs
   * (the caller may stop it: a worker is terminated); the returned promise then rejects with 503.
   */
  run<T>(task: () => Promise<T>, timeoutMs = this.opts.timeoutMs, onTimeout?: () => void): Promise<T> {
    if (this.running >= this.opts.concurrency && this.waiting.length >= this.opts.queue) {
      return Promise.reject(new ServiceError(429, 'busy', `the server is answering as many ${this.what} as it can; retry shortly`, undefined, 2000));
    }
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const waiter: Waiter = {
        start: () => {
          this.running++;
          let p: Promise<T>;
          try {
            p = task();
          } catch (e) {
            p = Promise.reject(e);
          }
          // the slot is released before the caller hears of the end, so it sees the freed slot
          p.then(
            (v) => (this.release(), finish(() => resolve(v))),
            (e: unknown) => (this.release(), finish(() => reject(e))),
          );
        },
        cancel: (e) => finish(() => reject(e)),
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        else onTimeout?.();
        finish(() => reject(new ServiceError(503, 'query_timeout', `the query took longer than ${Math.round(timeoutMs / 1000)} s and was stopped; narrow the region or the period, or retry later`, undefined, 5000)));
      }, timeoutMs);
      timer.unref();
      if (this.running < this.opts.concurrency) waiter.start();
      else this.waiting.push(waiter);
    });
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.start();
  }

  /** Refuses everything still waiting (at shutdown). */
  drain(reason: Error): void {
    for (const w of this.waiting.splice(0)) w.cancel(reason);
  }
}
