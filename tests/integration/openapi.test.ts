/**
 * The OpenAPI document: served at /api/v1/openapi.json, valid OpenAPI 3.1 by a maintained validator
 * (@seriousme/openapi-schema-validator), readable at /api/v1/docs under the self-only CSP. That every
 * docs/API.md example request and answer fits it is checked in api-docs.test.ts.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../server/http/openapi';
import { startApp, type InProcessServer } from '../helpers/server';

let s: InProcessServer;
beforeAll(async () => {
  s = await startApp();
});
afterAll(() => s?.close());

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1, with every listed endpoint', async () => {
    const res = await fetch(`${s.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    const v = new Validator();
    const result = await v.validate(doc);
    expect(result.errors ?? [], 'validator findings').toEqual([]);
    expect(result.valid).toBe(true);
    expect(v.version).toBe('3.1');
    for (const e of ENDPOINTS) expect(doc.paths[e.path.replace(/:(\w+)/g, '{$1}')]?.[e.method], `${e.method} ${e.path}`).toBeDefined();
  });

  it('refuses a broken document (the validator is not a rubber stamp)', async () => {
    const doc = await (await fetch(`${s.url}/api/v1/openapi.json`)).json();
    delete doc.info;
    expect((await new Validator().validate(doc)).valid).toBe(false);
  });

  it('has a readable page, with no script and nothing from elsewhere', async () => {
    const res = await fetch(`${s.url}/api/v1/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('POST</span> <code>/api/v1/hazards</code>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!json-schema)/);
  });
});
