/**
 * The HTTP stack's cheaper forms, proven equal to what they replace: one walk after a plain JSON.parse refuses
 * exactly what the reviver refused (same key, same message, same value otherwise), and helmet's headers replayed
 * from a recording are byte for byte the headers helmet sets, on real Express servers.
 */
import express, { type RequestHandler } from 'express';
import fc from 'fast-check';
import helmet from 'helmet';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../../server/app';
import { fixedHeaders, forbiddenKeyIn, refuseForbiddenKeys } from '../../../server/http/middleware';

/** JSON text with keys drawn often from the forbidden ones, sometimes \u-escaped, and duplicate keys. */
const key = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'proto', 'a', 'b', '0', '1', '10', 'constructorName', ''),
  fc.string({ maxLength: 6 }),
);
const keyText = fc.tuple(key, fc.boolean()).map(([k, escape]) => {
  const t = JSON.stringify(k);
  return escape ? t.replace(/_/g, '\\u005f').replace(/o/g, '\\u006F') : t;
});
const { value: jsonText } = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('null', 'true', 'false', '0', '-1.5e3'),
    fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
  object: fc.array(fc.tuple(keyText, tie('value')), { maxLength: 5 }).map((kv) => `{${kv.map(([k, v]) => `${k}:${v}`).join(',')}}`),
}));

type Outcome = { ok: true; value: unknown } | { ok: false; message: string };
const viaReviver = (text: string): Outcome => {
  try {
    return { ok: true, value: JSON.parse(text, refuseForbiddenKeys) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
};
const viaWalk = (text: string): Outcome => {
  const value: unknown = JSON.parse(text);
  const k = forbiddenKeyIn(value);
  return k === undefined ? { ok: true, value } : { ok: false, message: `forbidden key "${k}" in JSON body` };
};

describe('forbiddenKeyIn: one walk after a plain parse ≡ the refuseForbiddenKeys reviver', () => {
  it('random JSON: the same refusal (the same first key) or the same value', () => {
    let refused = 0;
    fc.assert(
      fc.property(jsonText, (text) => {
        const a = viaReviver(text);
        if (!a.ok) refused++;
        expect(viaWalk(text)).toEqual(a);
      }),
      { numRuns: 3000 },
    );
    // the generator does reach the refusals (and the acceptances), so the property says something about both
    expect(refused).toBeGreaterThan(300);
    expect(refused).toBeLessThan(2700);
  });

  it('the first key refused is the reviver\'s: a nested one before its parent, then in order', () => {
    for (const text of ['{"a":{"constructor":1},"__proto__":2}', '{"__proto__":{"prototype":1}}', '[{"x":1},{"constructor":{}}]', '{"\\u005f_proto__":1}']) {
      expect(viaWalk(text), text).toEqual(viaReviver(text));
    }
    expect(forbiddenKeyIn(JSON.parse('{"proto":1,"constructorName":"x","a":[{"b":null}]}'))).toBeUndefined();
    expect(forbiddenKeyIn(JSON.parse('"__proto__"'))).toBeUndefined();
  });
});

describe('fixedHeaders(helmet(…)) ≡ helmet(…)', () => {
  const servers: import('node:http').Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  async function serve(headers: RequestHandler): Promise<number> {
    const app = express();
    app.disable('x-powered-by');
    app.use((_req, res, next) => {
      res.setHeader('X-Powered-By', 'something'); // helmet removes it: the replay must too
      next();
    });
    app.use(headers);
    app.get('/ok', (_req, res) => void res.json({ ok: true }));
    app.post('/fail', () => {
      throw new Error('boom');
    });
    app.use((_req, res) => void res.status(404).type('html').send('<p>no</p>'));
    // an answer of its own: Express's default error page carries the stack, which differs by the frames
    app.use(((err: Error, _req, res, _next) => void res.status(500).json({ error: err.message })) as import('express').ErrorRequestHandler);
    const s = app.listen(0, '127.0.0.1');
    servers.push(s);
    await new Promise((r) => s.once('listening', r));
    return (s.address() as AddressInfo).port;
  }

  const ask = (port: number, method: string, path: string) =>
    new Promise<{ status: number; headers: string[] }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, method, path }, (res) => {
        res.resume();
        // every header in order, name and value, but the clock's
        const headers = res.rawHeaders.flatMap((v, i, all) => (i % 2 === 0 && v.toLowerCase() !== 'date' ? [`${v}: ${all[i + 1]}`] : []));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers }));
      }).on('error', reject).end();
    });

  it('the same status and headers, in the same order, for answers of every kind', async () => {
    const reference = await serve(helmet(SECURITY_HEADERS));
    const replayed = await serve(fixedHeaders(helmet(SECURITY_HEADERS)));
    for (const [method, path] of [['GET', '/ok'], ['POST', '/fail'], ['GET', '/nowhere'], ['HEAD', '/ok'], ['OPTIONS', '/ok']] as const) {
      const a = await ask(reference, method, path);
      expect(await ask(replayed, method, path), `${method} ${path}`).toEqual(a);
      expect(a.headers.some((h) => h.startsWith('Content-Security-Policy: ')), 'helmet ran').toBe(true);
      expect(a.headers.some((h) => h.toLowerCase().startsWith('x-powered-by')), 'removed').toBe(false);
    }
  });

  it('refuses at start-up a middleware whose headers depend on the request', () => {
    const perRequest = helmet({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'", (req) => `'nonce-${String(req.url)}'`] } } });
    expect(() => fixedHeaders(perRequest)).toThrow(/fixedHeaders/);
    expect(() => fixedHeaders((_req, res, next) => void setImmediate(() => next()))).toThrow(/synchronously/);
    expect(() => fixedHeaders((_req, res) => void res.status(200))).toThrow(/res\.status/);
  });
});
