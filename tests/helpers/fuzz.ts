/**
 * Generators of hostile requests for tests/integration/fuzz.test.ts: malformed bodies built by breaking
 * valid ones (so they get past the first check and reach the deeper ones), raw text, odd content types,
 * forbidden keys, deep nesting and weird query strings. Every body is invalid by construction
 * (filtered through the contract's own schemas), so nothing generated may ever be stored.
 */
import fc from 'fast-check';
import {
  EscalationInputSchema, ExtensionInputSchema, HazardInputSchema, ListingInputSchema, TransitionInputSchema,
} from '../../shared/schemas';

export type FuzzRequest = {
  kind: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
};

const JSON_TYPE = { 'content-type': 'application/json' };

/** Values of every JSON type and some strings that have broken parsers before. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, '', ' ', 'null', '<script>alert(1)</script>', '2024-02-30', '9999-99-99T99:99:99Z',
    '140000', '999999', '__proto__', 'constructor', '\u0000', '\ud800', '%ZZ', '../../etc/passwd', 'x'.repeat(5000), '０１２'),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }),
  fc.object({ maxDepth: 2, maxKeys: 4 }),
);

export const validHazard = fc.record({
  id: fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/),
  regionCode: fc.constantFrom('140105', '141102', '140100', '141100'),
  sector: fc.constantFrom('coal', 'hazchem', 'gas'),
  level: fc.constant('major'),
  title: fc.string({ minLength: 1, maxLength: 50 }),
  discoveredAt: fc.constant('2024-11-18T09:30:00+08:00'),
  deadline: fc.constant('2024-12-18'),
});

export const HAZARD_KEYS = ['id', 'regionCode', 'sector', 'level', 'title', 'description', 'enterprise', 'source', 'discoveredAt', 'deadline', 'linkedTo'];
const TYPO_KEYS = ['deadLine', 'Title', 'region', 'hazards', 'status', 'extra', '', ' id', 'toString', 'hasOwnProperty', 'valueOf'];

/** Breaks an object: a key set to junk, a key removed, an unknown key added — one to three times. */
export function broken<T extends Record<string, unknown>>(base: fc.Arbitrary<T>, keys: string[]): fc.Arbitrary<Record<string, unknown>> {
  const edit = fc.oneof(
    fc.tuple(fc.constant('set' as const), fc.constantFrom(...keys), junk),
    fc.tuple(fc.constant('drop' as const), fc.constantFrom(...keys), fc.constant(null)),
    fc.tuple(fc.constant('add' as const), fc.constantFrom(...TYPO_KEYS), junk),
  );
  return fc.tuple(base, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([b, edits]) => {
    const o: Record<string, unknown> = { ...b };
    for (const [op, k, v] of edits) {
      if (op === 'drop') delete o[k];
      else o[k] = v;
    }
    return o;
  });
}

export const badHazard = fc
  .oneof({ weight: 4, arbitrary: broken(validHazard, HAZARD_KEYS) }, { weight: 1, arbitrary: junk })
  .filter((h) => !HazardInputSchema.safeParse(h).success);

const ACTIONS = [
  ['transitions', TransitionInputSchema, fc.record({ to: fc.constantFrom('rectifying', 'closed', 'rectified') }), ['to', 'at', 'note']],
  ['escalations', EscalationInputSchema, fc.record({ level: fc.constantFrom('major', 'general'), note: fc.string() }), ['level', 'note', 'deadline']],
  ['listing', ListingInputSchema, fc.record({ by: fc.constantFrom('province', 'city', 'county') }), ['by', 'document']],
  ['extensions', ExtensionInputSchema, fc.record({ deadline: fc.constant('2100-01-01'), reason: fc.string({ minLength: 1 }) }), ['deadline', 'reason']],
] as const;

/** A hazard id as it might arrive in a path: an existing one, or anything percent-encoded. */
const pathId = (existing: string[]) =>
  fc.oneof(fc.constantFrom(...existing), fc.string({ maxLength: 70 }).map(encodeURIComponent), fc.constantFrom('%ZZ', '..%2F..', '%00', 'a'.repeat(300)));

const QUERY_KEYS = ['region', 'sector', 'level', 'status', 'source', 'overdue', 'listed', 'limit', 'cursor', 'days', 'from', 'to', 'format', 'lang'];
const queryKey = fc.oneof(
  fc.constantFrom(...QUERY_KEYS),
  fc.constantFrom(...QUERY_KEYS).map((k) => `${k}[$gt]`),
  fc.constantFrom(...QUERY_KEYS).map((k) => `${k}[]`),
  fc.constantFrom('__proto__', 'constructor[prototype][x]', 'toString', 'a[b][c][d]'),
  fc.string({ maxLength: 12 }),
);
const queryValue = fc.oneof(
  fc.constantFrom('140000', '140100', '141102', '999999', 'true', 'false', '0x10', '1e400', '-1', '0', '50', 'NaN', 'csv', 'xlsx', 'zh', '2024-01-01', 'abc'),
  fc.string({ maxLength: 40 }),
);
/** A query string, sometimes with keys repeated (which Express turns into arrays) and raw odd characters. */
export const weirdQuery = fc
  .array(fc.tuple(queryKey, queryValue, fc.boolean()), { maxLength: 8 })
  .map((pairs) => pairs.map(([k, v, raw]) => `${raw ? k.replace(/[#&\s]/g, '') : encodeURIComponent(k)}=${raw ? v.replace(/[#&\s]/g, '') : encodeURIComponent(v)}`).join('&'))
  .chain((q) => fc.constantFrom(q, `${q}&${q}`, `${q}&%`, `${q}&=&&=x`));

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', ''];

/** Every hostile HTTP request: the kind names it in a failure report. */
export function hostileRequest(existingIds: string[]): fc.Arbitrary<FuzzRequest> {
  const post = (kind: string, path: string, body: string, headers: Record<string, string> = JSON_TYPE): FuzzRequest => ({ kind, method: 'POST', path, headers, body });
  const get = (kind: string, path: string): FuzzRequest => ({ kind, method: 'GET', path, headers: {} });
  return fc.oneof(
    { weight: 4, arbitrary: badHazard.map((h) => post('single', '/api/v1/hazards', JSON.stringify(h) ?? 'null')) },
    { weight: 3, arbitrary: fc.tuple(fc.array(badHazard, { minLength: 1, maxLength: 20 }), fc.option(broken(validHazard, HAZARD_KEYS), { freq: 3 }))
      .map(([items, mixed]) => post('batch', '/api/v1/hazards', JSON.stringify({ ...(mixed ?? {}), hazards: items }))) },
    { weight: 1, arbitrary: fc.oneof(junk, fc.array(junk)).map((h) => post('batch-envelope', '/api/v1/hazards', JSON.stringify({ hazards: h }) ?? '{}')) },
    { weight: 2, arbitrary: fc.tuple(fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 3 }), validHazard.map((h) => JSON.stringify(h).slice(0, -3))), fc.constantFrom(...CONTENT_TYPES))
      .map(([body, type]) => post('raw', '/api/v1/hazards', body, type ? { 'content-type': type } : {})) },
    { weight: 1, arbitrary: fc.tuple(validHazard, fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.boolean())
      .map(([h, key, nested]) => post('forbidden-key', '/api/v1/hazards', nested
        ? JSON.stringify({ ...h, enterprise: { name: 'x' } }).replace('"name"', `"${key}":{"polluted":true},"name"`)
        : `{"${key}":{"polluted":true},${JSON.stringify(h).slice(1)}`)) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 17, max: 3000 }), fc.constantFrom('[', '{"a":'))
      .map(([n, open]) => post('deep', '/api/v1/hazards', open.repeat(n) + '1' + (open === '[' ? ']' : '}').repeat(n))) },
    { weight: 4, arbitrary: fc.constantFrom(...ACTIONS).chain(([path, schema, valid, keys]) =>
      fc.tuple(pathId(existingIds), fc.oneof(broken(valid as fc.Arbitrary<Record<string, unknown>>, [...keys]), junk).filter((b) => !schema.safeParse(b).success))
        .map(([id, body]) => post(`action-${path}`, `/api/v1/hazards/${id}/${path}`, JSON.stringify(body) ?? 'null'))) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom('/api/v1/hazards', '/api/v1/summary', '/api/v1/trend', '/api/v1/briefing', '/api/v1/hazards/export'), weirdQuery)
      .map(([path, q]) => get(`query ${path}`, `${path}?${q}`)) },
    { weight: 1, arbitrary: pathId(existingIds).map((id) => get('get-one', `/api/v1/hazards/${id}`)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 300 }).map((body) => post('import', '/api/v1/hazards/import', body, { 'content-type': 'multipart/form-data; boundary=----x' })) },
  );
}
