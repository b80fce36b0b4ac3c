/**
 * Spreadsheets in and out through the real server: a 5,000-row workbook with a few bad rows named by
 * row and column, CSV with BOM and in GB18030, uploads that are not spreadsheets, the template, and
 * export → import as a round trip that changes nothing.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECTORS } from '../../shared/domain';
import { COLUMNS } from '../../shared/import';
import { ALL_REGIONS, PROVINCE_CODE } from '../../shared/regions';
import type { Summary } from '../../shared/schemas';
import { addDays, dayOf } from '../../shared/time';
import { rng } from '../helpers/hazards';
import { api, createTokens, startServer, type ChildServer } from '../helpers/server';

let srv: ChildServer;
let tk: Record<string, string>;
const HEADERS = COLUMNS.map((c) => c.header);
const REGIONS = ALL_REGIONS.filter((r) => r.level !== 'province');
const today = () => dayOf(Date.now());

async function upload(data: Buffer | string, name: string, token = srv.tokens.reporter, field = 'file') {
  const fd = new FormData();
  fd.append(field, new Blob([typeof data === 'string' ? data : new Uint8Array(data)]), name);
  const res = await fetch(`${srv.url}/api/v1/hazards/import`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: fd });
  return { status: res.status, body: await res.json() };
}
const summary = async (region = PROVINCE_CODE): Promise<Summary> => (await api(srv.url, srv.tokens.admin, 'GET', `/api/v1/summary?region=${region}`)).body;
const hazardOf = async (id: string) => (await api(srv.url, srv.tokens.admin, 'GET', `/api/v1/hazards/${id}`)).body;
const rejectedAt = (body: { rejected: Array<{ row: number; column?: string }> }) => body.rejected.map((r) => [r.row, r.column]);

/** Row values in the template's column order; every date form people use appears somewhere. */
function ledgerRow(r: ReturnType<typeof rng>, i: number): unknown[] {
  const region = r.pick(REGIONS);
  const major = i % 5 === 0;
  const wall = new Date(Date.UTC(2024, 10, 1 + (i % 28), i % 24, (i * 7) % 60));
  const pad = (n: number) => String(n).padStart(2, '0');
  const forms = [
    wall, // an Excel date cell
    `${wall.getUTCFullYear()}/${wall.getUTCMonth() + 1}/${wall.getUTCDate()} ${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}`,
    `${wall.getUTCFullYear()}年${wall.getUTCMonth() + 1}月${wall.getUTCDate()}日`,
    25569 + wall.getTime() / 86_400_000, // an Excel serial number
  ];
  return [
    `IMP-${i}`, i % 2 ? region.fullName : region.code, i % 3 ? r.pick(SECTORS).zh : r.pick(SECTORS).code, major ? (i % 2 ? '重大' : '重大隐患') : '一般隐患',
    `导入测试隐患 ${i}`, i % 4 ? '' : `第 ${i} 条的描述\n第二行`, i % 3 ? `测试企业${i}有限公司` : '', '', i % 2 ? '企业自查' : '部门检查',
    forms[i % forms.length], major || i % 2 ? new Date(Date.UTC(2025, 0, 1 + (i % 200))) : '', '',
  ];
}

/** What each bad row breaks: row number in the sheet (header = 1) → [column index, value, expected column]. */
const BAD: Record<number, [number, unknown, string]> = {
  101: [2, '矿', '行业领域'],
  1502: [9, '2024-13-40', '发现时间'],
  3003: [10, '', '整改期限'], // made major below, without a deadline
  4004: [1, '北京市朝阳区', '所属地区'],
  4500: [9, '2099-01-01', '发现时间'], // in the future
  5001: [4, '', '隐患名称'],
};

async function bigWorkbook(rows: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('隐患台账');
  ws.addRow(HEADERS);
  const r = rng(5);
  for (let i = 1; i <= rows; i++) {
    const values = ledgerRow(r, i);
    const bad = BAD[i + 1];
    if (i + 1 === 3003) values[3] = '重大';
    if (bad) values[bad[0]] = bad[1];
    const row = ws.addRow(values);
    if (values[9] instanceof Date) row.getCell(10).numFmt = 'yyyy-mm-dd hh:mm';
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

beforeAll(async () => {
  srv = await startServer();
  tk = await createTokens(srv.dataDir, { county: { role: 'reporter', region: '141102', name: '离石区应急局' }, cityViewer: { role: 'viewer', region: '141100' } });
});
afterAll(async () => {
  await srv?.stop();
});

describe('a large workbook', () => {
  let file: Buffer;
  beforeAll(async () => {
    file = await bigWorkbook(5000);
  }, 120_000);

  it('commits every valid row and names each bad row by row and column', async () => {
    const before = (await summary()).totals.total;
    const { status, body } = await upload(file, '吕梁市隐患台账.xlsx');
    expect(status, JSON.stringify(body).slice(0, 500)).toBe(200);
    expect(body).toMatchObject({ accepted: 4994, duplicates: 0, rows: 5000, format: 'xlsx', ignoredColumns: [] });
    expect(rejectedAt(body)).toEqual(Object.entries(BAD).map(([row, [, , column]]) => [Number(row), column]));
    const byRow = Object.fromEntries(body.rejected.map((x: { row: number; id: string; error: { message: string }; values: Record<string, string> }) => [x.row, x]));
    expect(byRow[101]).toMatchObject({ id: 'IMP-100', values: { 行业领域: '矿', 隐患编号: 'IMP-100' } });
    expect(byRow[3003].error.message).toMatch(/整改期限：重大隐患必须填写整改期限/);
    expect(byRow[4500].error.message).toMatch(/发现时间：晚于当前时间/);
    expect((await summary()).totals.total).toBe(before + 4994);
  }, 180_000);

  it('read Chinese values and every date form as the sheet shows them', async () => {
    const cell = await hazardOf('IMP-4'); // an Excel date cell: 2024-11-05 04:28 on the sheet
    expect(cell.discoveredAt).toBe('2024-11-05T04:28:00+08:00');
    expect((await hazardOf('IMP-5')).discoveredAt).toBe('2024-11-06T05:35:00+08:00'); // 2024/11/6 05:35
    expect((await hazardOf('IMP-6')).discoveredAt).toBe('2024-11-07T00:00:00+08:00'); // 2024年11月7日
    expect((await hazardOf('IMP-7')).discoveredAt).toBe('2024-11-08T07:49:00+08:00'); // serial number
    expect(await hazardOf('IMP-10')).toMatchObject({ level: 'major', deadline: '2025-01-11', source: 'inspection' });
    expect(await hazardOf('IMP-4')).toMatchObject({ description: '第 4 条的描述\n第二行', source: 'inspection' });
    expect((await hazardOf('IMP-4')).enterprise).toEqual({ name: '测试企业4有限公司' });
  });

  it('is idempotent: the same file again is all duplicates and the same rejections', async () => {
    const before = await summary();
    const { body } = await upload(file, '吕梁市隐患台账.xlsx');
    expect(body).toMatchObject({ accepted: 0, duplicates: 4994 });
    expect(rejectedAt(body)).toEqual(Object.entries(BAD).map(([row, [, , column]]) => [Number(row), column]));
    expect(await summary()).toEqual(before);
  }, 180_000);
});

describe('CSV', () => {
  const csv = [
    '吕梁市隐患排查台账（2024年11月）', // a title row above the header
    '隐患编号,所属地区,行业领域,隐患级别,隐患名称,隐患描述,发现时间,整改期限,备注',
    'CSV-1,吕梁市离石区,煤矿,重大,"通风机,无备用电源","两行\r\n描述",2024/11/18 9:30,2024年12月18日,已督办',
    '',
    'CSV-2,141102,危化品,一般,储罐,,2024-11-19,,',
    'CSV-3,140105,工贸,一般,粉尘,,2024-11-19,,',
  ].join('\r\n');

  it('UTF-8 with BOM: rows numbered as the sheet shows them, extra columns reported, scope per row', async () => {
    const { status, body } = await upload(Buffer.from(`\uFEFF${csv}\r\n`), '台账.csv', tk.county);
    expect(status).toBe(200);
    expect(body).toMatchObject({ accepted: 2, duplicates: 0, rows: 3, format: 'csv', encoding: 'utf-8', ignoredColumns: ['备注'] });
    expect(rejectedAt(body)).toEqual([[6, '所属地区']]); // 太原 is outside the 离石区 token
    expect(body.rejected[0].error.code).toBe('forbidden_region');
    expect(await hazardOf('CSV-1')).toMatchObject({ title: '通风机,无备用电源', description: '两行\n描述', discoveredAt: '2024-11-18T09:30:00+08:00', deadline: '2024-12-18', level: 'major' });
  });

  it('an .xlsx is scoped per row as well: a valid row outside the token\'s county is refused, the one inside stored', async () => {
    // the reader thread validates and normalises each row; the scope is the server's own check on every one
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('台账');
    ws.addRow(HEADERS);
    ws.addRow(['XS-1', '吕梁市离石区', '煤矿', '一般', '皮带机护栏缺失', '', '', '', '企业自查', '2024-11-19', '']);
    ws.addRow(['XS-2', '140105', '工贸', '一般', '粉尘清扫不及时', '', '', '', '企业自查', '2024-11-19', '']);
    const { status, body } = await upload(Buffer.from(await wb.xlsx.writeBuffer()), '台账.xlsx', tk.county);
    expect(status).toBe(200);
    expect(body).toMatchObject({ accepted: 1, duplicates: 0, rows: 2, format: 'xlsx' });
    expect(rejectedAt(body)).toEqual([[3, '所属地区']]);
    expect(body.rejected[0].error.code).toBe('forbidden_region');
    expect(await hazardOf('XS-1')).toMatchObject({ regionCode: '141102', title: '皮带机护栏缺失' });
    expect((await api(srv.url, srv.tokens.admin, 'GET', '/api/v1/hazards/XS-2')).status).toBe(404);
  });

  it('without BOM as well', async () => {
    const { body } = await upload(Buffer.from(csv), 'x.csv', srv.tokens.admin);
    expect(body).toMatchObject({ accepted: 1, duplicates: 2, rejected: [], encoding: 'utf-8' });
  });

  it('GB18030 as Excel and WPS save it', async () => {
    const { status, body } = await upload(readFileSync(resolve(import.meta.dirname, '../fixtures/gb18030.csv')), '隐患台账.csv');
    expect(status).toBe(200);
    expect(body).toMatchObject({ accepted: 3, duplicates: 0, encoding: 'gb18030' });
    expect(rejectedAt(body)).toEqual([[5, '整改期限']]);
    expect(await hazardOf('GB-001')).toMatchObject({ regionCode: '141102', sector: 'coal', level: 'major', title: '主要通风机无备用电源', enterprise: { name: '永聚煤业有限公司' } });
    expect(await hazardOf('GB-002')).toMatchObject({ regionCode: '140105', sector: 'hazchem', source: 'self_check', discoveredAt: '2024-11-19T08:05:00+08:00' });
  });
});

describe('what is not a ledger', () => {
  it.each<[string, Buffer | string, string, number, string]>([
    ['a PNG named .xlsx', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]), 'a.xlsx', 415, 'unsupported_file'],
    ['a legacy .xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'old.xls', 415, 'unsupported_file'],
    ['a zip that is no workbook', Buffer.from('UEsDBBQAAAAAALcifV2GphA2BQAAAAUAAAAFAAAAYS50eHRoZWxsb1BLAQIUAxQAAAAAALcifV2GphA2BQAAAAUAAAAFAAAAAAAAAAAAAACAAQAAAABhLnR4dFBLBQYAAAAAAQABADMAAAAoAAAAAAA=', 'base64'), 'x.xlsx', 415, 'unsupported_file'],
    ['text without the template header', '姓名,电话\r\n张三,123\r\n', 'people.csv', 400, 'invalid_template'],
    ['an empty file', '', 'empty.csv', 400, 'empty_file'],
  ])('%s → %i %s', async (_name, data, name, status, code) => {
    const r = await upload(data, name);
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.body.error.code).toBe(code);
    if (status === 415) expect(r.body.error.message).toMatch(/\.xlsx.*\.csv/);
  });

  it('an .xlsx cut short (an interrupted upload) → 400 naming it, at once', async () => {
    const whole = Buffer.from(await bigWorkbook(50));
    const r = await upload(whole.subarray(0, Math.floor(whole.length / 2)), 'cut.xlsx');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'unreadable_file', message: expect.stringMatching(/不完整/) });
  });

  it('a CSV that stops being readable (an unclosed quote): the rows before count, the rest is named', async () => {
    const csv = '隐患编号,所属地区,行业领域,隐患级别,隐患名称,发现时间\r\nQ-1,141102,煤矿,一般,a,2024-11-18\r\nQ-2,141102,煤矿,一般,"b,2024-11-18\r\nQ-3,141102,煤矿,一般,c,2024-11-18\r\n';
    const r = await upload(csv, 'quote.csv');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accepted: 1, rows: 1 });
    expect(r.body.rejected).toEqual([{ row: 3, error: { code: 'unreadable', message: expect.stringMatching(/从第 3 行起无法读取.*Quote Not Closed/) } }]);
  });

  it('names missing required columns', async () => {
    const r = await upload('隐患编号,所属地区,隐患名称\r\nA,141102,x\r\n', 'a.csv');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_template', details: { missing: ['行业领域', '隐患级别', '发现时间'] } });
  });

  it('wants multipart with the field `file`, a writer, and at most 50 MB', async () => {
    expect((await api(srv.url, srv.tokens.reporter, 'POST', '/api/v1/hazards/import', { hazards: [] })).status).toBe(415);
    expect((await upload('a,b', 'a.csv', srv.tokens.reporter, 'other')).body.error.code).toBe('missing_file');
    expect((await upload('a,b', 'a.csv', srv.tokens.viewer)).status).toBe(403);
    const big = await upload(Buffer.alloc(51 * 1024 * 1024, 0x41), 'big.csv');
    expect(big.status).toBe(413);
  });
});

describe('the template', () => {
  it('has the Chinese headers, one example row, and the allowed values; importing it unchanged adds nothing', async () => {
    const res = await fetch(`${srv.url}/api/v1/hazards/import/template.xlsx`, { headers: { authorization: `Bearer ${srv.tokens.reporter}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('隐患台账导入模板.xlsx')}`);
    const buf = Buffer.from(await res.arrayBuffer());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['隐患台账', '取值说明']);
    const ws = wb.getWorksheet('隐患台账')!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(HEADERS);
    expect(ws.actualRowCount).toBe(2);
    const values = JSON.stringify(wb.getWorksheet('取值说明')!.getSheetValues());
    for (const v of ['煤矿', '重大隐患', '一般隐患', '企业自查', '吕梁市离石区', '141102', '忻州市代县']) expect(values).toContain(v);
    expect((await upload(buf, '模板.xlsx')).body).toMatchObject({ accepted: 0, duplicates: 0, rejected: [], rows: 0 });
    const viewer = await fetch(`${srv.url}/api/v1/hazards/import/template.xlsx`, { headers: { authorization: `Bearer ${srv.tokens.viewer}` } });
    expect(viewer.status).toBe(403);
  });
});

describe('export', () => {
  const download = async (query: string, token = srv.tokens.admin) => {
    const res = await fetch(`${srv.url}/api/v1/hazards/export?${query}`, { headers: { authorization: `Bearer ${token}` } });
    return { res, buf: Buffer.from(await res.arrayBuffer()) };
  };
  const listAll = async (query = '') => {
    const ids: string[] = [];
    let cursor = '';
    do {
      const page = (await api(srv.url, srv.tokens.admin, 'GET', `/api/v1/hazards?limit=500${query}${cursor ? `&cursor=${cursor}` : ''}`)).body;
      ids.push(...page.items.map((h: { id: string; version: number }) => `${h.id}@${h.version}`));
      cursor = page.nextCursor ?? '';
    } while (cursor);
    return ids;
  };

  it('CSV opens cleanly in Excel and WPS: BOM, CRLF, the template headers, a Chinese file name', async () => {
    const { res, buf } = await download('format=csv&region=141100&level=major');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(/filename\*=UTF-8''%E9%9A%90%E6%82%A3%E5%8F%B0%E8%B4%A6_%E5%90%95%E6%A2%81%E5%B8%82_\d{8}\.csv/);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buf.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]!.split(',').slice(0, HEADERS.length)).toEqual(HEADERS);
    const lines = text.split('\r\n').filter((l) => /^[A-Z]/.test(l));
    expect(lines.length).toBe((await listAll('&region=141100&level=major')).length);
    expect((await download('format=pdf')).res.status).toBe(400);
    expect((await download('format=csv&region=140100', tk.cityViewer)).res.status).toBe(403);
  });

  it('export → import is a round trip: all duplicates, summary and list unchanged, workflow changes included', async () => {
    // hazards whose level, deadline and listing moved since they were reported export as they stand now
    await api(srv.url, srv.tokens.admin, 'POST', '/api/v1/hazards/IMP-2/escalations', { level: 'major', deadline: addDays(today(), 30) });
    await api(srv.url, srv.tokens.admin, 'POST', '/api/v1/hazards/IMP-10/escalations', { level: 'general', note: '复核降级' });
    await api(srv.url, srv.tokens.admin, 'POST', '/api/v1/hazards/IMP-15/extensions', { deadline: addDays(today(), 60), reason: '设备到货延迟' });
    await api(srv.url, srv.tokens.admin, 'POST', '/api/v1/hazards/CSV-1/listing', { by: 'province' });
    await api(srv.url, srv.tokens.admin, 'POST', '/api/v1/hazards/IMP-20/transitions', { to: 'rectifying' });
    // sent through the JSON API with CRLF, which a spreadsheet cell cannot hold: still the same hazard
    const crlf = { id: 'JSON-CRLF', regionCode: '140105', sector: 'fire', level: 'general', title: '=HYPERLINK("x")', description: '第一行\r\n第二行', discoveredAt: '2024-11-18T01:30:00.000Z' };
    expect((await api(srv.url, srv.tokens.admin, 'POST', '/api/v1/hazards', crlf)).status).toBe(200);
    const before = { summary: await summary(), list: await listAll() };
    for (const format of ['csv', 'xlsx'] as const) {
      const { res, buf } = await download(`format=${format}`);
      expect(res.status).toBe(200);
      const r = await upload(buf, `export.${format}`, srv.tokens.admin);
      expect(r.status).toBe(200);
      expect(r.body, format).toMatchObject({ accepted: 0, duplicates: before.list.length, rejected: [], rows: before.list.length, ignoredColumns: [] });
    }
    expect(await summary()).toEqual(before.summary);
    expect(await listAll()).toEqual(before.list);
  }, 180_000);
});
