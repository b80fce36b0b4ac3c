/**
 * A small pool of read workers. The limiter decides how many tasks run (one per worker) and how many wait;
 * a task over its time limit terminates its worker — that stops the SQLite query mid-way — and the next
 * task starts a fresh one. Workers start on first use, so a server that never serves a briefing starts none.
 */
import type { Worker } from 'node:worker_threads';
import { ServiceError } from '../errors';
import type { ReadLimiter } from './limiter';
import type { FromWorker, Op, TaskArgs, ToWorker, WorkerSetup } from './protocol';
import { spawnWorker } from './spawn';

type Pending = { id: number; resolve: (v: unknown) => void; reject: (e: Error) => void; onChunk?: (data: Uint8Array) => Promise<void> };

const failure = (e: Extract<FromWorker, { type: 'fail' }>['error']): Error =>
  e.status && e.code && e.status >= 400 && e.status < 500 ? new ServiceError(e.status as 400, e.code, e.message) : new Error(e.message);

class PooledWorker {
  private readonly worker: Worker;
  private pending: Pending | null = null;
  dead = false;

  constructor(setup: WorkerSetup) {
    // resourceLimits bound a runaway task's heap to the worker instead of the server
    this.worker = spawnWorker('read-worker', { workerData: setup, resourceLimits: { maxOldGenerationSizeMb: 512 } });
    this.worker.on('message', (m: FromWorker) => this.onMessage(m));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`read worker exited (${code})`)));
    this.worker.unref();
  }

  private post(m: ToWorker): void {
    if (!this.dead) this.worker.postMessage(m);
  }

  private onMessage(m: FromWorker): void {
    const p = this.pending;
    if (m.type === 'ready' || !p || m.id !== p.id) return;
    if (m.type === 'chunk') {
      p.onChunk!(m.data).then(() => this.post({ type: 'ack', id: m.id }), (e: unknown) => {
        // the client went away: a worker mid-export is not reused, so stopping it is the simplest cancel
        this.pending = null;
        void this.terminate();
        p.reject(e instanceof Error ? e : new Error(String(e)));
      });
      return;
    }
    this.pending = null;
    if (m.type === 'done') p.resolve(m.value);
    else p.reject(failure(m.error));
  }

  private fail(e: Error): void {
    this.dead = true;
    const p = this.pending;
    this.pending = null;
    p?.reject(e);
  }

  run(id: number, op: Op, args: TaskArgs[Op], onChunk?: Pending['onChunk']): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject, onChunk };
      this.post({ type: 'task', id, op, args });
    });
  }

  terminate(): Promise<number> {
    this.dead = true;
    return this.worker.terminate();
  }
}

export class WorkerPool {
  private readonly idle: PooledWorker[] = [];
  private readonly all = new Set<PooledWorker>();
  private nextId = 1;

  constructor(private readonly setup: WorkerSetup, readonly limiter: ReadLimiter) {}

  run<T>(op: Op, args: TaskArgs[Op], opts: { timeoutMs?: number; onChunk?: Pending['onChunk'] } = {}): Promise<T> {
    let current: PooledWorker | undefined;
    const task = async () => {
      const w = this.idle.pop() ?? this.spawn();
      current = w;
      try {
        return (await w.run(this.nextId++, op, args, opts.onChunk)) as T;
      } finally {
        // a worker that failed, timed out or was left mid-export is not reused
        if (w.dead) this.all.delete(w);
        else this.idle.push(w);
      }
    };
    return this.limiter.run(task, opts.timeoutMs, () => void current?.terminate());
  }

  private spawn(): PooledWorker {
    const w = new PooledWorker(this.setup);
    this.all.add(w);
    return w;
  }

  async close(): Promise<void> {
    this.limiter.drain(new Error('the server is shutting down'));
    await Promise.all([...this.all].map((w) => w.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }
}
