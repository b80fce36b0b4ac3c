/**
 * Property-based fuzzing of every request body the server accepts (issue 10): each POST/PATCH/PUT/DELETE route
 * of the OpenAPI document (server/http/openapi.ts) — plus the two that are not in it (evidence upload, the
 * session switch form) — gets generated bodies against the real server (a child process on a random port):
 * near-valid mutations of a valid body (a key set to junk, dropped or misspelt), arbitrary JSON, odd Unicode
 * (lone surrogates, controls, zero-width and RTL marks, astral characters) and raw bytes that are not UTF-8.
 * Every answer is a 2xx, or a 4xx with `{error: {code, message}}`; never a 5xx. A refused request leaves no
 * trace: the hash chain's head, the auth chain's head, the rows of every table and the province summary are
 * exactly what they were. Near-valid bodies may be valid: those are accepted, and that is fine.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../server/db/sqlite';
import { SqliteTokenStore } from '../../server/auth/tokens';
import { ENDPOINTS } from '../../server/http/openapi';
import { broken, HAZARD_KEYS, junk, validHazard } from '../helpers/fuzz';
import { makeHazard, rng } from '../helpers/hazards';
import { createPerson, PASSWORD, PNG_1PX, signIn } from '../helpers/people';
import { api, postHazards, startServer, tempDir, type ChildServer } from '../helpers/server';

/** per route: enough to reach every check, few enough that the file runs well under a minute */
const RUNS_PER_ROUTE = Number(process.env.HZ_FUZZ_RUNS ?? 60);

/** What one generated request is: a JSON-ish body (serialised here), or raw bytes with a content type. */
type Body = { json: unknown } | { raw: Uint8Array; type: string };
type Route = { key: string; method: string; path: (ids: string[]) => fc.Arbitrary<string>; body: fc.Arbitrary<Body>; as?: 'person' };

/** Strings that have broken text handling: controls, lone surrogates, invisible and direction marks, astral characters. */
const oddText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('\u0000', '\u0007标题', '\ud800', 'a\udfffb', '\u200b\u200d\ufeff', '\u202e危险\u202c', '𠀀𪚥🧯', ' \t\n ', '\u0085', 'e\u0301'.repeat(300), '＜script＞'),
);

/** A valid body broken once to three times, or junk, or a valid one whose text fields are odd Unicode. */
function bodies(valid: fc.Arbitrary<Record<string, unknown>>, keys: string[]): fc.Arbitrary<Body> {
  const textual = fc.tuple(valid, fc.constantFrom(...keys), oddText).map(([v, k, t]) => ({ ...v, [k]: t }));
  const json = fc.oneof(
    { weight: 4, arbitrary: broken(valid, keys) },
    { weight: 2, arbitrary: textual },
    { weight: 1, arbitrary: valid },
    { weight: 1, arbitrary: junk },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
  // the same bodies as bytes, with a byte that is not UTF-8 spliced in (an overlong NUL, a lone continuation byte …)
  const bytes = fc.tuple(json, fc.constantFrom([0xff], [0xc0, 0x80], [0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]), fc.nat())
    .map(([b, bad, at]): Body => {
      const text = Buffer.from(JSON.stringify(b) ?? 'null');
      const i = at % (text.length + 1);
      return { raw: Buffer.concat([text.subarray(0, i), Buffer.from(bad), text.subarray(i)]), type: 'application/json' };
    });
  return fc.oneof({ weight: 5, arbitrary: json.map((j): Body => ({ json: j })) }, { weight: 1, arbitrary: bytes });
}

const existing = (ids: string[]) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent) });
const at = (path: string) => () => fc.constant(path);

/** a multipart body with one field `file` (or another name), its bytes and file name generated */
function multipart(content: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Body> {
  return fc.tuple(content, oddText, fc.constantFrom('file', 'file', 'other')).map(([bytes, name, field]) => {
    const boundary = '----hzfuzz' + Math.abs(bytes.length * 7919).toString(16);
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name.replace(/["\r\n]/g, '')}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    return { raw: Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]), type: `multipart/form-data; boundary=${boundary}` };
  });
}

const CSV_HEAD = '隐患编号,所属地区,行业领域,隐患级别,隐患名称,企业名称,隐患来源,发现时间,整改期限\n';
const csvRow = fc.tuple(fc.stringMatching(/^[A-Z]{2}-[0-9]{1,4}$/), fc.constantFrom('吕梁市离石区', '太原市小店区', '火星', ''), fc.constantFrom('煤矿', '危险化学品', '?'),
  fc.constantFrom('重大隐患', '一般', '超级'), oddText, fc.constantFrom('2024年11月18日', '2024/11/19 8:05', '0001-01-01', 'x'), fc.constantFrom('2024年12月18日', '', '2099-13-01'))
  .map(([id, region, sector, level, title, found, deadline]) => `${id},${region},${sector},${level},"${title.replace(/"/g, '""')}",,部门检查,${found},${deadline}\n`);
const csvFile = fc.oneof(
  fc.array(csvRow, { maxLength: 6 }).map((rows) => Buffer.from(CSV_HEAD + rows.join(''))),
  fc.uint8Array({ maxLength: 400 }),
  fc.string({ unit: 'binary', maxLength: 200 }).map((t) => Buffer.from(CSV_HEAD + t)),
);
const evidenceFile = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.concat([PNG_1PX.subarray(0, 8), b])),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.concat([Buffer.from('%PDF-1.4\n'), b])),
  fc.uint8Array({ maxLength: 300 }),
);

const nextValue = fc.oneof(fc.constantFrom('TOKEN', '/', '/wall', '//evil.example', 'javascript:alert(1)', '/%', 'http://[', '/desk?x=1'), oddText);

/** `TOKEN` stands for a real (display) token, so that some switches succeed (303) */
const form = (pairs: Array<[string, string]>): Body => ({
  raw: Buffer.from(new URLSearchParams(pairs.map(([k, v]) => [k, v === 'TOKEN' ? s.tokens.display : v])).toString()), type: 'application/x-www-form-urlencoded',
});

function routes(): Route[] {
  return [
    { key: 'post /api/v1/hazards', method: 'POST', path: at('/api/v1/hazards'), body: fc.oneof(
      bodies(validHazard as fc.Arbitrary<Record<string, unknown>>, HAZARD_KEYS),
      bodies(fc.array(validHazard, { minLength: 1, maxLength: 4 }).map((hazards) => ({ hazards })), ['hazards', 'extra'])) },
    { key: 'post /api/v1/hazards/:id/transitions', method: 'POST', path: (ids) => existing(ids).map((id) => `/api/v1/hazards/${id}/transitions`),
      body: bodies(fc.record({ to: fc.constantFrom('rectifying', 'rectified', 'closed', 'rejected'), note: fc.string({ maxLength: 20 }) }), ['to', 'at', 'note']) },
    { key: 'post /api/v1/hazards/:id/escalations', method: 'POST', path: (ids) => existing(ids).map((id) => `/api/v1/hazards/${id}/escalations`),
      body: bodies(fc.record({ level: fc.constantFrom('major', 'general'), note: fc.string({ minLength: 1, maxLength: 20 }), deadline: fc.constant('2099-01-01') }), ['level', 'note', 'deadline']) },
    { key: 'post /api/v1/hazards/:id/listing', method: 'POST', path: (ids) => existing(ids).map((id) => `/api/v1/hazards/${id}/listing`),
      body: bodies(fc.record({ by: fc.constantFrom('province', 'city', 'county'), document: fc.string({ maxLength: 20 }) }), ['by', 'document']) },
    { key: 'delete /api/v1/hazards/:id/listing', method: 'DELETE', path: (ids) => existing(ids).map((id) => `/api/v1/hazards/${id}/listing`),
      body: bodies(fc.record({ note: fc.string({ minLength: 1, maxLength: 20 }) }), ['note']) },
    { key: 'post /api/v1/hazards/:id/extensions', method: 'POST', path: (ids) => existing(ids).map((id) => `/api/v1/hazards/${id}/extensions`),
      body: bodies(fc.record({ deadline: fc.constantFrom('2099-01-01', '2024-01-01'), reason: fc.string({ minLength: 1, maxLength: 20 }) }), ['deadline', 'reason']) },
    { key: 'post /api/v1/hazards/import', method: 'POST', path: at('/api/v1/hazards/import'), body: fc.oneof(multipart(csvFile), bodies(fc.record({ file: fc.string() }), ['file'])) },
    { key: 'post /api/v1/session', method: 'POST', path: at('/api/v1/session'),
      body: bodies(fc.record({ username: fc.constantFrom('fz.wang', 'nobody'), password: fc.constantFrom(PASSWORD, 'wrong') }), ['username', 'password']) },
    { key: 'post /api/v1/session/password', method: 'POST', path: at('/api/v1/session/password'), as: 'person',
      body: bodies(fc.record({ current: fc.constantFrom('wrong', 'also wrong'), next: fc.constantFrom('short', 'a much longer new password 1') }), ['current', 'next']) },
    { key: 'delete /api/v1/session', method: 'DELETE', path: at('/api/v1/session'), body: bodies(fc.record({}), ['x']) },
    // not in the OpenAPI document, but bodies all the same
    { key: 'post /api/v1/hazards/:id/attachments', method: 'POST', path: (ids) => existing(ids).map((id) => `/api/v1/hazards/${id}/attachments`), body: multipart(evidenceFile) },
    { key: 'post /session/switch', method: 'POST', path: at('/session/switch'), body: fc.oneof(
      { weight: 3, arbitrary: fc.array(fc.tuple(fc.constantFrom('token', 'next', 'x', 'token'), fc.oneof(oddText, nextValue)), { maxLength: 4 }).map(form) },
      // a real token with an odd `next`: some switches succeed (303), so the refusals are not all the same 401
      { weight: 1, arbitrary: nextValue.map((next) => form([['token', 'TOKEN'], ['next', next]])) }) },
  ];
}

let s: ChildServer;
let ids: string[];
let person: string;
let db: Database.Database;

beforeAll(async () => {
  const dataDir = tempDir();
  const sql = openSqlite(join(dataDir, 'hazards.sqlite'));
  await createPerson(new SqliteTokenStore(sql), 'fz.wang', '王福征', 'reporter', '140000');
  sql.close();
  s = await startServer({ dataDir, env: { AUTH_FAILURE_LIMIT: '1000000' } });
  const r = rng(10);
  const hazards = Array.from({ length: 12 }, (_, i) => makeHazard(r, i, i % 3 === 0 ? { level: 'major', deadline: '2099-01-01' } : {}));
  ids = hazards.map((h) => h.id);
  expect((await postHazards(s.url, s.tokens.admin, hazards)).body.accepted).toBe(12);
  const signedIn = await signIn(s.url, 'fz.wang');
  expect(signedIn.status).toBe(200);
  person = signedIn.cookie;
  db = new Database(join(dataDir, 'hazards.sqlite'), { readonly: true });
});
afterAll(async () => {
  db?.close();
  await s?.stop();
});

/** Every row of the store, as counts and chain heads: what a refused request must leave as it was. */
function storeState() {
  const one = (q: string) => db.prepare(q).pluck().get();
  return {
    head: one('SELECT MAX(seq) FROM changes'), authHead: one('SELECT MAX(seq) FROM auth_changes'),
    hazards: one('SELECT COUNT(*) FROM hazards'), hazardsAt: one('SELECT MAX(updated_seq) FROM hazards'),
    tokens: one('SELECT COUNT(*) FROM tokens'), users: one('SELECT COUNT(*) FROM users'),
    sessions: one('SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL'), passwords: one('SELECT group_concat(password_hash) FROM users'),
  };
}

/** The province summary once the live aggregates have applied everything in the store (/healthz: seq = head). */
async function summary(): Promise<unknown> {
  const head = storeState().head;
  for (let i = 0; i < 200; i++) {
    const health = (await api(s.url, undefined, 'GET', '/healthz')).body as { seq?: number };
    if (health.seq === head) break;
    await new Promise((ok) => setTimeout(ok, 25));
  }
  const { asOf: _asOf, ...rest } = (await api(s.url, s.tokens.admin, 'GET', '/api/v1/summary')).body as Record<string, unknown>;
  return rest;
}

const tally = new Map<string, Map<number, number>>();

async function send(route: Route, path: string, body: Body): Promise<{ status: number; text: string; type: string }> {
  const headers: Record<string, string> = route.as === 'person' || route.key === 'post /session/switch' || route.key === 'post /api/v1/session'
    ? { cookie: person, origin: s.url }
    : { authorization: `Bearer ${s.tokens.admin}` };
  let payload: Uint8Array<ArrayBuffer> | string;
  if ('json' in body) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json) ?? 'null';
  } else {
    headers['content-type'] = body.type;
    payload = new Uint8Array(body.raw);
  }
  const res = await fetch(`${s.url}${path}`, { method: route.method, headers, body: payload, redirect: 'manual' });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') ?? '' };
}

describe('every request body, fuzzed', () => {
  it('covers every route with a body in the OpenAPI document', () => {
    const fuzzed = new Set(routes().map((r) => r.key));
    const documented = ENDPOINTS.filter((e) => ['post', 'put', 'patch', 'delete'].includes(e.method)).map((e) => `${e.method} ${e.path}`);
    expect(documented.filter((k) => !fuzzed.has(k))).toEqual([]);
  });

  it.each(routes().map((r) => [r.key, r] as const))('%s: 2xx or 4xx {error:{code,message}}, never 5xx; a refusal leaves no trace', async (_key, route) => {
    const byStatus = new Map<number, number>();
    tally.set(route.key, byStatus);
    await fc.assert(
      fc.asyncProperty(route.path(ids), route.body, async (path, body) => {
        const before = storeState();
        const seen = await summary();
        const res = await send(route, path, body);
        byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
        const what = `${route.method} ${path} ${'json' in body ? JSON.stringify(body.json)?.slice(0, 200) : Buffer.from(body.raw).toString('latin1').slice(0, 200)}`;
        if (res.status >= 500) throw new Error(`${what} → ${res.status} ${res.text.slice(0, 300)}`);
        if (res.status < 400) return;
        expect(res.type, what).toContain('application/json');
        const err = (JSON.parse(res.text) as { error?: { code?: unknown; message?: unknown } }).error;
        expect(typeof err?.code === 'string' && err.code.length > 0 && typeof err.message === 'string' && err.message.length > 0, `${what} → ${res.text.slice(0, 200)}`).toBe(true);
        expect(storeState(), `${what} → ${res.status} changed the store`).toEqual(before);
        expect(await summary(), `${what} → ${res.status} changed the summary`).toEqual(seen);
      }),
      { numRuns: RUNS_PER_ROUTE },
    );
    // proof the generator got past the first check: some answers are not the JSON parser's refusal
    expect([...byStatus.keys()].length, `${route.key}: ${JSON.stringify([...byStatus])}`).toBeGreaterThan(1);
    expect((await api(s.url, undefined, 'GET', '/healthz')).status).toBe(200);
    if (process.env.HZ_FUZZ_TALLY) console.log(route.key, JSON.stringify([...byStatus]));
  });
});
