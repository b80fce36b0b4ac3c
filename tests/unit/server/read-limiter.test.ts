/** The heavy-read limiter: how many run, how many wait, what is refused, and when a slot comes free. */
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../../server/errors';
import { ReadLimiter } from '../../../server/workers/limiter';

/** A task the test finishes by hand. */
function gate<T = string>() {
  let open!: (v: T) => void;
  let fail!: (e: Error) => void;
  const p = new Promise<T>((resolve, reject) => ((open = resolve), (fail = reject)));
  return { task: () => p, open, fail };
}

describe('ReadLimiter', () => {
  it('runs up to `concurrency`, queues up to `queue`, refuses the rest with 429 busy and Retry-After', async () => {
    const l = new ReadLimiter({ concurrency: 2, queue: 1, timeoutMs: 60_000 });
    const gates = [gate(), gate(), gate()];
    const running = gates.map((g) => l.run(g.task));
    expect(l.inFlight).toBe(2);
    expect(l.queued).toBe(1);
    const refused = await l.run(async () => 'never').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServiceError);
    expect(refused).toMatchObject({ status: 429, code: 'busy', retryAfterMs: 2000 });
    gates[0]!.open('a');
    expect(await running[0]).toBe('a');
    // the queued one took the freed slot
    expect(l.inFlight).toBe(2);
    expect(l.queued).toBe(0);
    gates[1]!.fail(new Error('boom'));
    await expect(running[1]).rejects.toThrow('boom');
    gates[2]!.open('c');
    expect(await running[2]).toBe('c');
    expect(l.inFlight).toBe(0);
  });

  it('answers 503 query_timeout past the limit, calls onTimeout, and keeps the slot until the task really ends', async () => {
    const l = new ReadLimiter({ concurrency: 1, queue: 1, timeoutMs: 30 });
    const slow = gate();
    let stopped = 0;
    const first = l.run(slow.task, 30, () => stopped++);
    const waiting = l.run(async () => 'second', 60_000);
    await expect(first).rejects.toMatchObject({ status: 503, code: 'query_timeout' });
    expect(stopped).toBe(1);
    // the abandoned task still holds the only slot: the second waits
    expect(l.inFlight).toBe(1);
    expect(l.queued).toBe(1);
    slow.open('late');
    expect(await waiting).toBe('second');
  });

  it('times out a task still waiting without calling onTimeout, and drains the queue at shutdown', async () => {
    const l = new ReadLimiter({ concurrency: 1, queue: 2, timeoutMs: 60_000 });
    const busy = gate();
    const running = l.run(busy.task);
    let stopped = 0;
    const queued = l.run(async () => 'x', 20, () => stopped++);
    await expect(queued).rejects.toMatchObject({ status: 503, code: 'query_timeout' });
    expect(stopped).toBe(0);
    expect(l.queued).toBe(0);
    const drained = l.run(async () => 'y');
    l.drain(new Error('shutting down'));
    await expect(drained).rejects.toThrow('shutting down');
    busy.open('done');
    expect(await running).toBe('done');
  });
});
