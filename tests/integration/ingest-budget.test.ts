/**
 * One ingest budget per token across the JSON intake and the spreadsheet import (issue 10): before, each
 * counted on its own, so a token could send its whole per-minute budget twice. With INGEST_LIMIT_PER_MINUTE=10,
 * 7 hazards sent one way leave 3 for the other, whichever comes first; a token's refusal spends nothing of another's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHazard, rng } from '../helpers/hazards';
import { api, createTokens, startApp, type InProcessServer } from '../helpers/server';

const LIMIT = 10;
let s: InProcessServer;
let tokens: Record<string, string>;

beforeAll(async () => {
  s = await startApp({ env: { INGEST_LIMIT_PER_MINUTE: String(LIMIT) } });
  tokens = await createTokens(s.dataDir, { a: { role: 'reporter', name: 'budget-a' }, b: { role: 'reporter', name: 'budget-b' } });
});
afterAll(() => s?.close());

const HEADER = '隐患编号,所属地区,行业领域,隐患级别,隐患名称,企业名称,隐患来源,发现时间,整改期限\n';
const csv = (prefix: string, n: number) =>
  HEADER + Array.from({ length: n }, (_, i) => `${prefix}-${i},吕梁市离石区,煤矿,一般,通风设施缺陷 ${i},,部门检查,2024年11月18日,2024年12月18日\n`).join('');

async function importCsv(token: string, text: string) {
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/csv' }), 'ledger.csv');
  const res = await fetch(`${s.url}/api/v1/hazards/import`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, body: await res.json() };
}
const json = (token: string, prefix: string, n: number) => {
  const r = rng(n);
  return api(s.url, token, 'POST', '/api/v1/hazards', { hazards: Array.from({ length: n }, (_, i) => makeHazard(r, i, { id: `${prefix}-${i}` })) });
};

describe('one ingest budget per token, JSON and import together', () => {
  it('JSON first: 7 of 10 sent as JSON leave too little for an import of 5 (429), enough for one of 3', async () => {
    expect((await json(tokens.a!, 'JA', 7)).body.accepted).toBe(7);
    const over = await importCsv(tokens.a!, csv('IA', 5));
    expect([over.status, over.body.error?.code]).toEqual([429, 'rate_limited']);
    expect((await api(s.url, tokens.a!, 'GET', '/api/v1/hazards/IA-0')).status).toBe(404);
    const fits = await importCsv(tokens.a!, csv('IA', 3));
    expect([fits.status, fits.body.accepted]).toEqual([200, 3]);
  });

  it('import first: 7 imported leave too little for a JSON batch of 5 (429), and the other token is untouched', async () => {
    expect((await importCsv(tokens.b!, csv('IB', 7))).body.accepted).toBe(7);
    const over = await json(tokens.b!, 'JB', 5);
    expect([over.status, over.body.error?.code]).toEqual([429, 'rate_limited']);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json(tokens.b!, 'JB', 3)).body.accepted).toBe(3);
  });
});
