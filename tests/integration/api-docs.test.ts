/**
 * Runs every example of docs/API.md, in order, against a fresh real server: an ```http block
 * (request) followed by a ```json expect STATUS block (status and a subset of the JSON answer).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { openApiDocument } from '../../server/http/openapi';
import { openStore } from '../../server/store';
import { createPerson } from '../helpers/people';
import { createTokens, startApp, tempDir, type InProcessServer } from '../helpers/server';

type Example = { title: string; method: string; path: string; headers: Record<string, string>; body?: string; status: number; expected: unknown };

function parseExamples(md: string): Example[] {
  const re = /```http\n([\s\S]*?)```\n```json expect (\d{3})\n([\s\S]*?)```/g;
  const out: Example[] = [];
  for (const m of md.matchAll(re)) {
    const [head, ...rest] = m[1]!.split(/\n\n/);
    const [requestLine, ...headerLines] = head!.split('\n');
    const [method, path] = requestLine!.split(' ') as [string, string];
    const headers = Object.fromEntries(headerLines.filter(Boolean).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const body = rest.join('\n\n').trim() || undefined;
    out.push({ title: `${method} ${path}`, method, path, headers, body, status: Number(m[2]), expected: JSON.parse(m[3]!) });
  }
  return out;
}

/** Every key of `expected` is in `actual` with a matching value; arrays match element by element, same length. */
function expectSubset(actual: unknown, expected: unknown, at = '$'): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${at} is an array`).toBe(true);
    expect((actual as unknown[]).length, `${at}.length`).toBe(expected.length);
    expected.forEach((e, i) => expectSubset((actual as unknown[])[i], e, `${at}[${i}]`));
  } else if (expected && typeof expected === 'object') {
    expect(actual && typeof actual === 'object', `${at} is an object`).toBe(true);
    for (const [k, v] of Object.entries(expected)) expectSubset((actual as Record<string, unknown>)[k], v, `${at}.${k}`);
  } else {
    expect(actual, at).toEqual(expected);
  }
}

type Op = { requestBody?: { content: Record<string, { schema?: object }> }; responses: Record<string, { content?: Record<string, { schema?: object }> }> };
const doc = openApiDocument('test') as { paths: Record<string, Record<string, Op>> };
const ajv = new Ajv2020({ strict: false, allErrors: true });

/** The document's operation for a request, by method and path template (`{id}` matches one segment). */
function operationOf(method: string, path: string): Op | undefined {
  const bare = path.split('?')[0]!;
  for (const [template, ops] of Object.entries(doc.paths)) {
    const re = new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`);
    if (re.test(bare) && ops[method.toLowerCase()]) return ops[method.toLowerCase()];
  }
  return undefined;
}

/** Fails naming each place where `value` does not fit `schema`. */
function expectFits(schema: object | undefined, value: unknown, what: string): void {
  if (!schema) return;
  const validate = ajv.compile(schema);
  expect(validate(value) ? [] : validate.errors!.map((e) => `${e.instancePath || '$'} ${e.message}`), what).toEqual([]);
}

const examples = parseExamples(readFileSync(resolve(import.meta.dirname, '../../docs/API.md'), 'utf8'));

describe('docs/API.md examples', () => {
  let server: InProcessServer;
  let tokens: Record<string, string>;

  beforeAll(async () => {
    const dataDir = tempDir();
    const extra = await createTokens(dataDir, { lvliang: { role: 'reporter', region: '141100', name: '吕梁市应急局' } });
    // the person of the accounts examples, as `npm run user -- create … --password-stdin` makes them
    const store = await openStore(loadConfig({ DATA_DIR: dataDir }));
    await createPerson(store.tokens, 'wang.li', '王丽', 'reporter', '141102');
    await store.close();
    server = await startApp({ dataDir });
    tokens = { ...server.tokens, ...extra };
  });
  afterAll(() => server?.close());

  it('has examples to run', () => {
    expect(examples.length).toBeGreaterThan(15);
  });

  it.each(examples.map((e, i) => [i + 1, e.title, e] as const))('example %i: %s', async (_i, _t, ex) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(ex.headers)) headers[k] = v.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => tokens[name] ?? `missing-${name}`);
    if (ex.body) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${ex.path}`, { method: ex.method, headers, body: ex.body });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(ex.status);
    expectSubset(body, ex.expected);
    // the OpenAPI document (server/http/openapi.ts) describes the operation, the example's body and the real answer
    const op = operationOf(ex.method, ex.path);
    expect(op, `${ex.method} ${ex.path} is in the OpenAPI document`).toBeDefined();
    if (ex.body && ex.status < 400) expectFits(op!.requestBody?.content['application/json']?.schema, JSON.parse(ex.body), 'request body vs the document');
    const answer = op!.responses[String(ex.status)] ?? (ex.status >= 400 ? op!.responses.default : undefined);
    expect(answer, `status ${ex.status} is documented`).toBeDefined();
    expectFits(answer!.content?.['application/json']?.schema, body, 'answer vs the document');
  });
});
