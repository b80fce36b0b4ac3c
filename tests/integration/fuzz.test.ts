/**
 * Property-based fuzzing of the real server (a child process): thousands of generated malformed bodies,
 * queries and socket arguments. Every answer is a 4xx (or a 200 whose items were all rejected) with
 * `{error: {code, message}}`, never a 5xx, never a stack trace; the server stays healthy; and the
 * province summary and the change chain are exactly as before: nothing was stored.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileRequest, junk, type FuzzRequest } from '../helpers/fuzz';
import { makeHazard, rng } from '../helpers/hazards';
import { api, postHazards, startServer, type ChildServer } from '../helpers/server';

const HTTP_RUNS = 1600;
const SOCKET_RUNS = 400;
const STACK = /\bat [\w$.<>]+ \(|node_modules|\/work\/|\.ts:\d+:\d+|\bError: /;

let s: ChildServer;
let ids: string[];
const before = { summary: undefined as unknown, head: { seq: 0, hash: '' } };

beforeAll(async () => {
  s = await startServer({ env: { AUTH_FAILURE_LIMIT: '1000000' } });
  const r = rng(2024);
  const hazards = Array.from({ length: 20 }, (_, i) => makeHazard(r, i));
  ids = hazards.map((h) => h.id);
  expect((await postHazards(s.url, s.tokens.admin, hazards)).body.accepted).toBe(20);
  await new Promise((r2) => setTimeout(r2, 300)); // let the live aggregates settle before the snapshot
  before.summary = (await api(s.url, s.tokens.admin, 'GET', '/api/v1/summary')).body;
  before.head = (await api(s.url, s.tokens.admin, 'GET', '/api/v1/chain/head')).body;
});
afterAll(() => s?.stop());

/** kind → status → count: proof that every kind of request was sent and reached the deeper checks */
const tally = new Map<string, Map<number, number>>();

/** Sends one request and says what is wrong with the answer, or null. */
async function problemWith(req: FuzzRequest, token: string): Promise<string | null> {
  const res = await fetch(`${s.url}${req.path}`, { method: req.method, headers: { authorization: `Bearer ${token}`, ...req.headers }, body: req.body });
  const text = await res.text();
  const byStatus = tally.get(req.kind.split(' ')[0]!) ?? new Map<number, number>();
  tally.set(req.kind.split(' ')[0]!, byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1));
  if (res.status >= 500) return `status ${res.status}: ${text.slice(0, 300)}`;
  if (STACK.test(text) && !(res.status === 200 && req.method === 'GET')) return `stack-like text: ${text.slice(0, 300)}`;
  if (res.status >= 400) {
    if (!res.headers.get('content-type')?.includes('application/json')) return `status ${res.status} is not JSON: ${text.slice(0, 200)}`;
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code !== 'string' || !body.error.code) return `no error.code: ${text.slice(0, 200)}`;
    if (typeof body.error.message !== 'string' || !body.error.message) return `no error.message: ${text.slice(0, 200)}`;
    return null;
  }
  if (req.method === 'GET') return null;
  if (req.kind.startsWith('action-')) return `a malformed ${req.kind} was accepted (${res.status})`;
  const result = JSON.parse(text) as { accepted?: number; duplicates?: number; rejected?: unknown[] };
  if (result.accepted !== 0 || result.duplicates !== 0) return `malformed hazards were stored: ${text.slice(0, 200)}`;
  return null;
}

describe('HTTP fuzz', () => {
  it(`answers ${HTTP_RUNS} hostile requests with 4xx (or fully rejected batches), never 5xx or a stack`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(hostileRequest(ids), async (req) => {
        const problem = await problemWith(req, s.tokens.admin);
        if (problem) throw new Error(`${req.kind} ${req.method} ${req.path.slice(0, 200)} body=${(req.body ?? '').slice(0, 200)} → ${problem}`);
        if (++n % 400 === 0) expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      }),
      { numRuns: HTTP_RUNS },
    );
    const kinds = ['single', 'batch', 'batch-envelope', 'raw', 'forbidden-key', 'deep', 'query', 'get-one', 'import',
      'action-transitions', 'action-escalations', 'action-listing', 'action-extensions'];
    for (const k of kinds) expect([...(tally.get(k)?.values() ?? [])].reduce((a, b) => a + b, 0), k).toBeGreaterThanOrEqual(20);
    // batches of malformed items are answered item by item (200), the rest refused whole
    expect(tally.get('batch')?.get(200)).toBeGreaterThan(0);
    expect(tally.get('single')?.get(400)).toBeGreaterThan(0);
    if (process.env.HZ_FUZZ_TALLY) console.log(JSON.stringify(Object.fromEntries([...tally].map(([k, m]) => [k, Object.fromEntries(m)]))));
  });

  it.each<[string, number, string, () => Promise<Response>]>([
    ['a 17 MB body', 413, 'too_large', () => post('x'.repeat(17 * 1024 * 1024))],
    ['5001 items', 413, 'batch_too_large', () => post(JSON.stringify({ hazards: Array.from({ length: 5001 }, () => ({})) }))],
    ['100,000 nested brackets', 400, 'too_deep', () => post('['.repeat(100_000) + ']'.repeat(100_000))],
    ['a 20 KB query string', 431, 'headers_too_large', () => fetch(`${s.url}/api/v1/hazards?region=${'1'.repeat(20_000)}`, auth())],
    ['a gzip body that is not gzip', 400, 'bad_request', () => post('{}', { 'content-encoding': 'gzip' })],
    ['an unknown encoding', 415, 'unsupported_encoding', () => post('{}', { 'content-encoding': 'zstd-x' })],
    ['a hazards envelope mixed with hazard fields', 400, 'invalid_batch', () => post(JSON.stringify({ id: 'X-1', title: 't', hazards: [{}] }))],
  ])('%s → %i %s', async (_what, status, code, send) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
  });
});

const auth = () => ({ headers: { authorization: `Bearer ${s.tokens.admin}` } });
const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${s.url}/api/v1/hazards`, { method: 'POST', headers: { ...auth().headers, 'content-type': 'application/json', ...headers }, body });

describe('socket fuzz', () => {
  const open = () => {
    const socket = io(s.url, { auth: { token: s.tokens.admin }, transports: ['websocket'], reconnection: false, forceNew: true });
    return new Promise<Socket>((ok, fail) => socket.once('connect', () => ok(socket)).once('connect_error', fail));
  };
  const argsArb = fc.oneof(
    junk,
    fc.record({ region: junk }),
    fc.record({ region: fc.constantFrom('140000', '140100', '999999', ''), extra: junk }),
    fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 3 }),
  );
  const callArb = fc.record({
    event: fc.constantFrom('summary:subscribe', 'summary:subscribe', 'summary:unsubscribe', 'present:join', 'present:go', 'no:such-event'),
    args: fc.array(argsArb, { maxLength: 3 }),
    ack: fc.constantFrom('function', 'none', 'number', 'string', 'object'),
  });

  it(`survives ${SOCKET_RUNS} junk emits: junk args, missing acks, non-function acks, unknown events`, async () => {
    const socket = await open();
    // presentation handlers (issue 6) may not be registered yet: an unhandled event is never acked
    const presentAcks = await socket.timeout(1000).emitWithAck('present:join', null).then(() => true, () => false);
    try {
      await fc.assert(
        fc.asyncProperty(callArb, async ({ event, args, ack }) => {
          if (ack !== 'function') {
            const extra = { none: [], number: [42], string: ['ack'], object: [{ ack: true }] }[ack];
            socket.emit(event, ...args, ...extra);
            return;
          }
          if (event === 'no:such-event' || (event.startsWith('present:') && !presentAcks)) return;
          const reply = (await socket.timeout(3000).emitWithAck(event, ...args)) as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
          if (reply?.ok === true) return;
          if (event === 'summary:unsubscribe') return;
          if (typeof reply?.error?.code !== 'string' || typeof reply.error.message !== 'string') throw new Error(`bad ack ${JSON.stringify(reply)} for ${event} ${JSON.stringify(args)}`);
          if (STACK.test(reply.error.message)) throw new Error(`stack in ack: ${reply.error.message}`);
        }),
        { numRuns: SOCKET_RUNS },
      );
      expect(socket.connected).toBe(true);
      const ok = (await socket.timeout(3000).emitWithAck('summary:subscribe', { region: '140000' })) as { ok: boolean };
      expect(ok.ok).toBe(true);
    } finally {
      socket.close();
    }
  });

  it('a payload over the size limit closes only that socket', async () => {
    const [big, other] = await Promise.all([open(), open()]);
    const closed = new Promise<string>((r) => big.once('disconnect', (reason) => r(reason)));
    big.emit('summary:subscribe', { region: 'x'.repeat(200_000) }, () => undefined);
    expect(await closed).toMatch(/transport (close|error)/);
    const ack = (await other.timeout(3000).emitWithAck('summary:subscribe', { region: '140000' })) as { ok: boolean };
    expect(ack.ok).toBe(true);
    other.close();
  });
});

describe('after the fuzz', () => {
  it('the server is healthy and nothing was stored', async () => {
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
    const head = (await api(s.url, s.tokens.admin, 'GET', '/api/v1/chain/head')).body as { seq: number; hash: string };
    // only a turn of the day (midnight in TZ_REGION during the run) may have appended a change
    const db = new Database(join(s.dataDir, 'hazards.sqlite'), { readonly: true });
    const kinds = db.prepare('SELECT kind FROM changes WHERE seq > ?').pluck().all(before.head.seq) as string[];
    const hazards = db.prepare('SELECT COUNT(*) FROM hazards').pluck().get();
    db.close();
    expect(kinds.filter((k) => k !== 'day')).toEqual([]);
    expect(hazards).toBe(20);
    if (kinds.length === 0) {
      expect(head).toEqual(before.head);
      expect((await api(s.url, s.tokens.admin, 'GET', '/api/v1/summary')).body).toEqual(before.summary);
    }
  });
});
