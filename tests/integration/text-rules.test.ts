/**
 * Odd text through the real server (docs/API.md "Text and dates"): a body that is not UTF-8 is refused
 * (it used to be stored with U+FFFD), invisible or control-character titles are refused and leave no
 * trace, and the spreadsheet import names each reason in Chinese from the rule, not the English text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../../shared/import';
import { api, startApp, type InProcessServer } from '../helpers/server';

let srv: InProcessServer;
beforeAll(async () => {
  srv = await startApp();
});
afterAll(async () => {
  await srv?.close();
});

const hazard = (id: string, title: string) => ({ id, regionCode: '141102', sector: 'coal', level: 'general', title, discoveredAt: '2024-11-18T09:30:00+08:00' });

describe('text rules at the HTTP boundary', () => {
  it('a JSON body with invalid UTF-8 → 400 invalid_utf8, nothing stored', async () => {
    const json = Buffer.from(JSON.stringify(hazard('UTF-1', 'XX')));
    const bad = Buffer.concat([json.subarray(0, json.indexOf('XX')), Buffer.from([0xc3, 0x28]), json.subarray(json.indexOf('XX') + 2)]);
    const res = await fetch(`${srv.url}/api/v1/hazards`, { method: 'POST', headers: { authorization: `Bearer ${srv.tokens.reporter}`, 'content-type': 'application/json' }, body: bad });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_utf8');
    expect((await api(srv.url, srv.tokens.admin, 'GET', '/api/v1/hazards/UTF-1')).status).toBe(404);
  });

  it.each([
    ['NUL only', '\u0000'],
    ['zero-width only', '\u200B\u200D\uFEFF'],
    ['a lone surrogate', 'a\uD800'],
  ])('a title of %s → 400 with the rule, nothing stored', async (_what, title) => {
    const r = await api(srv.url, srv.tokens.reporter, 'POST', '/api/v1/hazards', hazard('ODD-1', title));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_hazard');
    expect((await api(srv.url, srv.tokens.admin, 'GET', '/api/v1/hazards/ODD-1')).status).toBe(404);
  });

  it('the import gives the Chinese reason for each rule', async () => {
    const header = COLUMNS.map((c) => c.header).join(',');
    const rows = [
      'CSV-1,141102,coal,一般隐患,\u200B\u200B,,,,,2024-11-18 09:30,,',
      'CSV-2,141102,coal,一般隐患,标题\u0001,,,,,2024-11-18 09:30,,',
      'CSV-3,141102,coal,一般隐患,标题,,,,,1999-01-01,,',
      `CSV-4,141102,coal,一般隐患,${'长'.repeat(201)},,,,,2024-11-18 09:30,,`,
    ];
    const fd = new FormData();
    fd.append('file', new Blob([`${header}\r\n${rows.join('\r\n')}\r\n`]), 'odd.csv');
    const res = await fetch(`${srv.url}/api/v1/hazards/import`, { method: 'POST', headers: { authorization: `Bearer ${srv.tokens.reporter}` }, body: fd });
    const body = (await res.json()) as { accepted: number; rejected: Array<{ row: number; error: { message: string } }> };
    expect(res.status).toBe(200);
    expect(body.accepted).toBe(0);
    const reasons = Object.fromEntries(body.rejected.map((r) => [r.row, r.error.message]));
    expect(reasons[2]).toMatch(/^隐患名称：只有不可见字符 \//);
    expect(reasons[3]).toMatch(/^隐患名称：含有控制字符/);
    expect(reasons[4]).toMatch(/^发现时间：早于 2000-01-01 \//);
    expect(reasons[5]).toMatch(/^隐患名称：不能超过 200 字 \//);
  });
});
