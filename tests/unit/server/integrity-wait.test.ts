/**
 * Start-up's wait for the first integrity check (server/audit/integrity.ts awaitFirst): it stops as soon as the
 * check's own progress says it cannot answer within the wait, keeps waiting while it can, and the verdict of the
 * two-thread check is the worse of its parts (mergeVerdicts). The check here is finished by hand; the worker and
 * the real store are exercised by tests/integration/integrity-{worker,start}.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Integrity, mergeVerdicts, type IntegrityProgress, type IntegrityVerdict } from '../../../server/audit/integrity';
import { createLogger } from '../../../server/logger';

/** A check that reports what the test tells it to and answers when the test says so. */
function handCheck() {
  let report!: (p: IntegrityProgress) => void;
  let answer!: (v: IntegrityVerdict) => void;
  const threads: number[] = [];
  const signals: AbortSignal[] = [];
  const integrity = new Integrity((onProgress, n, signal) => {
    threads.push(n);
    signals.push(signal);
    report = onProgress;
    return new Promise<IntegrityVerdict>((r) => (answer = r));
  }, createLogger('silent'));
  return { integrity, threads, signals, report: (p: IntegrityProgress) => report(p), answer: (v: IntegrityVerdict) => answer(v) };
}

const ok: IntegrityVerdict = { status: 'ok', changes: 10, authChanges: 2, threadId: 1 };
const tick = () => new Promise((r) => setTimeout(r, 120));

describe('Integrity.awaitFirst', () => {
  it('gives up at once (flagged, still checking) when the progress projects past the wait, and the check goes on', async () => {
    const c = handCheck();
    const waiting = c.integrity.awaitFirst(3_600_000);
    await tick();
    // 20,000 of 2,000,000 records in ~120 ms: about 12 s to go, far less than the hour allowed — keep waiting
    c.report({ done: 20_000, total: 2_000_000 });
    await tick();
    let settled = false;
    void waiting.then(() => (settled = true));
    await tick();
    expect(settled).toBe(false);
    // a projection beyond the wait ends it: re-created with a short wait
    const d = handCheck();
    const short = d.integrity.awaitFirst(60_000);
    await tick();
    d.report({ done: 20_000, total: 200_000_000 }); // ~20 min to go at this rate, more than the minute allowed
    expect(await short).toBe(false);
    expect(d.integrity.checking).toBe(true);
    expect(d.integrity.projectedMs()).toBeGreaterThan(60_000);
    // the check still answers, and the node leaves `checking`
    d.answer(ok);
    await d.integrity.settled();
    expect(d.integrity.state.status).toBe('ok');
    c.answer(ok);
    expect(await waiting).toBe(true);
  });

  it('trusts no projection before MIN_SAMPLE records, and answers true when the check does', async () => {
    const c = handCheck();
    const waiting = c.integrity.awaitFirst(60_000);
    await tick();
    c.report({ done: 19_999, total: 1e12 }); // hopeless at this rate, but too few records to go by
    expect(c.integrity.projectedMs()).toBeNull();
    await tick();
    c.answer({ status: 'failed', record: 'change 7', message: 'edited', threadId: 1 });
    expect(await waiting).toBe(true);
    expect(c.integrity.failed).toBe(true);
  });

  it('ends when the wait runs out though the projection said it would make it', async () => {
    const c = handCheck();
    expect(await c.integrity.awaitFirst(150)).toBe(false);
    expect(c.integrity.checking).toBe(true);
    c.answer(ok);
  });

  it('runs the first check on two threads and the later ones on one', async () => {
    const c = handCheck();
    const first = c.integrity.check();
    c.answer(ok);
    await first;
    const second = c.integrity.check();
    c.answer(ok);
    await second;
    expect(c.threads).toEqual([2, 1]);
  });
});

describe('Integrity.stop', () => {
  it('aborts the running check, takes no verdict from it, and starts no other', async () => {
    const c = handCheck();
    const first = c.integrity.check();
    c.integrity.stop();
    expect(c.signals[0]!.aborted).toBe(true);
    // what a check stopped half-way answers is no verdict on the store
    c.answer({ status: 'unavailable', message: 'the check was stopped', threadId: 1 });
    await first;
    expect(c.integrity.state.status).toBe('checking');
    await c.integrity.check();
    expect(c.threads).toEqual([2]);
  });
});

describe('mergeVerdicts', () => {
  const failedHistory: IntegrityVerdict = { status: 'failed', record: 'hazard H-1', message: 'level differs', changes: 5, threadId: 2 };
  const failedDays: IntegrityVerdict = { status: 'failed', record: 'table briefing_days', message: 'counts differ', threadId: 3 };
  const down: IntegrityVerdict = { status: 'unavailable', message: 'store closed', threadId: -1 };

  it('a record found bad wins over a part that passed or could not run, the history first', () => {
    expect(mergeVerdicts(failedHistory, failedDays)).toBe(failedHistory);
    expect(mergeVerdicts(failedHistory, ok)).toBe(failedHistory);
    expect(mergeVerdicts(ok, failedDays)).toEqual({ ...failedDays, changes: ok.changes });
    expect(mergeVerdicts(down, failedDays)).toEqual({ ...failedDays, changes: undefined });
  });

  it('a part that could not run makes the whole unavailable, never ok', () => {
    expect(mergeVerdicts(down, ok)).toBe(down);
    expect(mergeVerdicts(ok, down)).toBe(down);
    expect(mergeVerdicts(ok, { ...ok, changes: undefined, authChanges: undefined })).toBe(ok);
  });
});
