/**
 * HeavyReads: briefings, exports and filtered lists, kept off the event loop and bounded. With SQLite they
 * run in read workers over their own read-only connections; with PostgreSQL (already asynchronous) they run
 * here, under the same limits. Either way beyond the limits a caller gets 429 `busy` with Retry-After, and a
 * read over its time limit 503 `query_timeout`.
 */
import type { Writable } from 'node:stream';
import type { Briefing } from '../../shared/briefing';
import type { HazardRepository, Page, StoredHazard } from '../hazards/hazards.repository';
import { ReadLimiter } from './limiter';
import { WorkerPool } from './pool';
import { briefingFrom, exportFrom, listFrom, type BriefingTask, type ExportTask, type ListTask } from './read-ops';

export type HeavyReadsOptions = {
  /** workers (or concurrent queries) for briefings and lists, and for exports */
  readers: number;
  exporters: number;
  /** tasks that may wait for a slot before 429 */
  queue: number;
  readTimeoutMs: number;
  exportTimeoutMs: number;
};

export const DEFAULT_HEAVY_READS: HeavyReadsOptions = { readers: 2, exporters: 1, queue: 8, readTimeoutMs: 60_000, exportTimeoutMs: 15 * 60_000 };

export interface HeavyReads {
  briefing(t: BriefingTask): Promise<Briefing>;
  list(t: ListTask): Promise<Page<StoredHazard>>;
  /** Writes the export to `out` with back-pressure (ending it); resolves with the number of rows. */
  exportTo(t: ExportTask, out: Writable): Promise<number>;
  /** tasks running and waiting, for /metrics */
  load(): { running: number; waiting: number };
  close(): Promise<void>;
}

const limiters = (o: HeavyReadsOptions) => ({
  reads: new ReadLimiter({ concurrency: o.readers, queue: o.queue, timeoutMs: o.readTimeoutMs }, 'briefings and lists'),
  exports: new ReadLimiter({ concurrency: o.exporters, queue: Math.min(o.queue, 2), timeoutMs: o.exportTimeoutMs }, 'exports'),
});

/** The reads on this thread: for stores whose queries do not block it. */
export class InlineReads implements HeavyReads {
  private readonly limits;

  constructor(private readonly repo: HazardRepository, opts: HeavyReadsOptions = DEFAULT_HEAVY_READS) {
    this.limits = limiters(opts);
  }

  briefing(t: BriefingTask) {
    return this.limits.reads.run(() => briefingFrom(this.repo, t));
  }

  list(t: ListTask) {
    return this.limits.reads.run(() => listFrom(this.repo, t));
  }

  exportTo(t: ExportTask, out: Writable) {
    // past the time limit the export is cut: destroying the response ends the writer's next write
    return this.limits.exports.run(() => exportFrom(this.repo, t, out), undefined, () => out.destroy());
  }

  load() {
    const { reads, exports } = this.limits;
    return { running: reads.inFlight + exports.inFlight, waiting: reads.queued + exports.queued };
  }

  async close() {
    this.limits.reads.drain(new Error('the server is shutting down'));
    this.limits.exports.drain(new Error('the server is shutting down'));
  }
}

/** Writes one chunk, waiting for 'drain' when the socket's buffer is full; fails when the client went away. */
function writeChunk(out: Writable, data: Uint8Array): Promise<void> {
  if (out.destroyed || out.writableEnded) return Promise.reject(new Error('the client closed the connection'));
  if (out.write(data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = () => (out.off('close', onClose), resolve());
    const onClose = () => (out.off('drain', onDrain), reject(new Error('the client closed the connection')));
    out.once('drain', onDrain);
    out.once('close', onClose);
  });
}

/** The reads in worker threads over read-only connections to the SQLite file. */
export class WorkerReads implements HeavyReads {
  private readonly reads: WorkerPool;
  private readonly exports: WorkerPool;

  constructor(file: string, opts: HeavyReadsOptions = DEFAULT_HEAVY_READS) {
    const l = limiters(opts);
    this.reads = new WorkerPool({ file }, l.reads);
    this.exports = new WorkerPool({ file }, l.exports);
  }

  briefing(t: BriefingTask) {
    return this.reads.run<Briefing>('briefing', t);
  }

  list(t: ListTask) {
    return this.reads.run<Page<StoredHazard>>('list', t);
  }

  async exportTo(t: ExportTask, out: Writable) {
    try {
      const n = await this.exports.run<number>('export', t, { onChunk: (data) => writeChunk(out, data) });
      await new Promise<void>((resolve) => out.end(resolve));
      return n;
    } catch (e) {
      // once bytes went out, a failed export must not look complete: the client sees the transfer break
      if ((out as Writable & { headersSent?: boolean }).headersSent) out.destroy();
      throw e;
    }
  }

  load() {
    const [a, b] = [this.reads.limiter, this.exports.limiter];
    return { running: a.inFlight + b.inFlight, waiting: a.queued + b.queued };
  }

  async close() {
    await Promise.all([this.reads.close(), this.exports.close()]);
  }
}

/** Workers when the store is a SQLite file; otherwise the store's own asynchronous queries. */
export function heavyReadsFor(repo: HazardRepository, opts: HeavyReadsOptions = DEFAULT_HEAVY_READS): HeavyReads {
  const file = 'readerFile' in repo && typeof repo.readerFile === 'function' ? (repo.readerFile as () => string | null)() : null;
  return file ? new WorkerReads(file, opts) : new InlineReads(repo, opts);
}
