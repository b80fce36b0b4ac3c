/**
 * Spreadsheet parsing as pure functions and small files: date forms, Chinese values, encodings, file
 * types, and rows whose bad cells must be named by column.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellText, parseDay, parseInstant, parseLevel, parseRegion, parseSector, parseSource, type Cell } from '../../../server/import/values';
import { mapRow, matchHeader, missingColumns, valuesOf } from '../../../server/import/rows';
import { detectDelimiter, detectEncoding, readCsv, unescapeFormula } from '../../../server/import/read-csv';
import { readXlsx } from '../../../server/import/read-xlsx';
import { plainCell } from '../../helpers/exceljs-reader';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { sniff } from '../../../server/import/sniff';

const dir = mkdtempSync(join(tmpdir(), 'hz-parse-'));
let n = 0;
const file = (bytes: Buffer | string): string => {
  const p = join(dir, `f${n++}`);
  writeFileSync(p, bytes);
  return p;
};
const rowsOf = async (p: string) => {
  const enc = await detectEncoding(p);
  const out = [];
  for await (const r of readCsv(p, enc, await detectDelimiter(p, enc))) out.push(r);
  return out;
};

describe('discovery times', () => {
  it.each<[string, Cell, string]>([
    ['ISO with offset kept exactly', '2024-11-18T09:30:00+08:00', '2024-11-18T09:30:00+08:00'],
    ['ISO in UTC kept exactly', '2024-11-18T01:30:00.000Z', '2024-11-18T01:30:00.000Z'],
    ['date with dashes → 00:00 Beijing', '2024-11-18', '2024-11-18T00:00:00+08:00'],
    ['date with slashes', '2024/11/18', '2024-11-18T00:00:00+08:00'],
    ['single-digit month and day', '2024/1/5', '2024-01-05T00:00:00+08:00'],
    ['Chinese date', '2024年11月18日', '2024-11-18T00:00:00+08:00'],
    ['Chinese date and time', '2024年11月18日 9时30分', '2024-11-18T09:30:00+08:00'],
    ['Chinese date, time without a space', '2024年11月18日9:30', '2024-11-18T09:30:00+08:00'],
    ['date and time', '2024-11-18 09:30', '2024-11-18T09:30:00+08:00'],
    ['date and time with seconds', '2024/11/18 09:30:15', '2024-11-18T09:30:15+08:00'],
    ['dotted date', '2024.11.18', '2024-11-18T00:00:00+08:00'],
    ['compact date', '20241118', '2024-11-18T00:00:00+08:00'],
    ['full-width colon', '2024-11-18 09：30', '2024-11-18T09:30:00+08:00'],
    ['Excel date cell (exceljs Date, UTC fields = wall clock)', new Date(Date.UTC(2024, 10, 18)), '2024-11-18T00:00:00+08:00'],
    ['Excel date-time cell', new Date(Date.UTC(2024, 10, 18, 9, 30)), '2024-11-18T09:30:00+08:00'],
    ['Excel serial number', 45614, '2024-11-18T00:00:00+08:00'],
    ['Excel serial with time (float noise)', 45614.395833333336, '2024-11-18T09:30:00+08:00'],
    ['serial as text (a CSV saved by Excel)', '45614.5', '2024-11-18T12:00:00+08:00'],
  ])('%s', (_name, cell, expected) => {
    expect(parseInstant(cell, 'Asia/Shanghai')).toEqual({ ok: true, value: expected });
  });

  it('counts a bare date in TZ_REGION', () => {
    expect(parseInstant('2024-07-01', 'Europe/Berlin')).toEqual({ ok: true, value: '2024-07-01T00:00:00+02:00' });
  });

  it.each<[string, Cell]>([
    ['month 13', '2024-13-01'],
    ['30 February', '2024-02-30'],
    ['hour 25', '2024-11-18 25:00'],
    ['words', '下周一'],
    ['a boolean', true],
    ['serial out of range', -3],
    ['half a date', '2024-11'],
  ])('rejects %s with the forms it expects', (_name, cell) => {
    const r = parseInstant(cell);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/无法识别的时间.*2024\/11\/18/);
  });
});

describe('deadlines', () => {
  it.each<[Cell, string]>([
    ['2024-12-18', '2024-12-18'],
    ['2024/12/8', '2024-12-08'],
    ['2024年12月18日', '2024-12-18'],
    [new Date(Date.UTC(2024, 11, 18)), '2024-12-18'],
    [45644, '2024-12-18'],
    ['2024-12-18 17:00', '2024-12-18'],
    ['2024-12-18T00:00:00+08:00', '2024-12-18'],
    ['2000-02-29', '2000-02-29'],
    ['2024年2月29日', '2024-02-29'],
    ['2024-12-31', '2024-12-31'],
  ])('%s → %s', (cell, expected) => {
    expect(parseDay(cell)).toEqual({ ok: true, value: expected });
  });

  it.each<Cell>(['2024-02-30', '1900-02-29', '2100-02-29', '2023-02-29', '2024-04-31', '明年', 'TBD'])('rejects %s', (cell) => {
    expect(parseDay(cell).ok).toBe(false);
  });

  it('takes a day exactly when the calendar has it (leap years included), as text, Date or serial', () => {
    fc.assert(fc.property(fc.integer({ min: 1900, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
      const real = new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
      const day = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
      expect(parseDay(`${y}年${m}月${d}日`)).toEqual(real ? { ok: true, value: day } : expect.objectContaining({ ok: false }));
      if (real) expect(parseDay(new Date(Date.UTC(y, m - 1, d, 9, 30)))).toEqual({ ok: true, value: day });
    }), { numRuns: 2000 });
  });
});

describe('Chinese values and codes', () => {
  it.each<[string, string]>([
    ['煤矿', 'coal'], ['coal', 'coal'], ['COAL', 'coal'], ['非煤矿山（含尾矿库）', 'noncoal'], ['危险化学品', 'hazchem'],
    ['危化品', 'hazchem'], ['工贸', 'indtrade'], ['城镇燃气', 'gas'], [' 消 防 ', 'fire'], ['其他', 'other'],
  ])('sector %s → %s', (text, code) => {
    expect(parseSector(text)).toEqual({ ok: true, value: code });
  });

  it.each<[string, string]>([
    ['重大', 'major'], ['重大隐患', 'major'], ['重大事故隐患', 'major'], ['major', 'major'], ['Major', 'major'],
    ['一般', 'general'], ['一般隐患', 'general'], ['general', 'general'],
  ])('level %s → %s', (text, code) => {
    expect(parseLevel(text)).toEqual({ ok: true, value: code });
  });

  it.each<[string, string]>([
    ['企业自查', 'self_check'], ['自查', 'self_check'], ['部门检查', 'inspection'], ['上级督查暗访', 'spot_check'], ['暗访', 'spot_check'],
    ['群众举报', 'public_report'], ['监测预警', 'monitoring'], ['monitoring', 'monitoring'], ['其它', 'other'],
  ])('source %s → %s', (text, code) => {
    expect(parseSource(text)).toEqual({ ok: true, value: code });
  });

  it.each<[Cell, string]>([
    ['141102', '141102'], [141102, '141102'], ['吕梁市离石区', '141102'], ['山西省吕梁市离石区', '141102'], ['吕梁市 离石区', '141102'],
    ['离石区', '141102'], ['吕梁市', '141100'], ['代县', '140923'],
  ])('region %s → %s', (cell, code) => {
    expect(parseRegion(cell)).toEqual({ ok: true, value: code });
  });

  it.each<[string, Cell, RegExp]>([
    ['an unknown word', '特种', /无法识别的行业领域“特种”/],
    ['the province', '山西省', /不能填全省/],
    ['an ambiguous county name', '城区', /不唯一.*阳泉市城区/],
    ['an unknown region', '北京市朝阳区', /无法识别的地区/],
    ['a code of another province', '110105', /无法识别的地区/],
  ])('rejects %s', (name, cell, message) => {
    const r = name === 'an unknown word' ? parseSector(String(cell)) : parseRegion(cell);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});

describe('cells', () => {
  it.each<[unknown, Cell]>([
    [{ richText: [{ text: '主要' }, { text: '通风机' }] }, '主要通风机'],
    [{ formula: 'A1&B1', result: 'ab' }, 'ab'],
    [{ sharedFormula: 'A1', result: 3 }, 3],
    [{ formula: 'NOW()' }, null],
    [{ text: '链接', hyperlink: 'http://x' }, '链接'],
    [{ error: '#N/A' }, '#N/A'],
    [undefined, null],
  ])('exceljs value %j → %j', (v, cell) => {
    expect(plainCell(v)).toEqual(cell);
  });

  it.each<[Cell, string]>([
    [141102, '141102'], [1e15, '1000000000000000'], ['  a  ', 'a'], [new Date(Date.UTC(2024, 10, 18, 9, 30)), '2024-11-18 09:30'], [null, ''],
  ])('text of %j is %j', (c, t) => {
    expect(cellText(c)).toBe(t);
  });

  it.each([["'=SUM(A1)", '=SUM(A1)'], ["'-20m 水平", '-20m 水平'], ["'abc", "'abc"], ['=x', '=x']])('formula guard %s → %s', (a, b) => {
    expect(unescapeFormula(a)).toBe(b);
  });
});

describe('header and rows', () => {
  const header = matchHeader(['备注', '隐患编号*', '所属地区（代码或全称）', ' 行业领域 ', '隐患级别', '隐患名称', '发现时间', '整改期限', 'enterprise'], 1)!;

  it('finds columns by header, ignoring marks, notes in brackets, spaces and order', () => {
    expect(header).not.toBeNull();
    expect(Object.fromEntries(header.index)).toMatchObject({ id: 1, regionCode: 2, sector: 3, level: 4, title: 5, discoveredAt: 6, deadline: 7, enterpriseName: 8 });
    expect(header.ignored).toEqual(['备注']);
    expect(missingColumns(header)).toEqual([]);
  });

  it('does not take a title row for a header', () => {
    expect(matchHeader(['吕梁市隐患台账（2024年11月）'], 1)).toBeNull();
  });

  it('names missing required columns', () => {
    expect(missingColumns(matchHeader(['隐患编号', '所属地区', '隐患名称'], 1)!).map((c) => c.header)).toEqual(['行业领域', '隐患级别', '发现时间']);
  });

  it('maps a good row to the Hazard input', () => {
    const m = mapRow(['', 'A-1', '吕梁市离石区', '煤矿', '重大', '通风机', '2024/11/18 09:30', '2024年12月18日', '某煤业'], header, 'Asia/Shanghai');
    expect(m).toEqual({
      kind: 'ok',
      raw: { id: 'A-1', regionCode: '141102', sector: 'coal', level: 'major', title: '通风机', discoveredAt: '2024-11-18T09:30:00+08:00', deadline: '2024-12-18', enterprise: { name: '某煤业' } },
    });
  });

  it('gives a row\'s cells as text by template header, for the rejected-rows table', () => {
    expect(valuesOf(['x', 'A-1', 141102, '煤矿', '重大', '通风机', new Date(Date.UTC(2024, 10, 18, 9, 30)), '2024年12月18日'], header)).toEqual({
      隐患编号: 'A-1', 所属地区: '141102', 行业领域: '煤矿', 隐患级别: '重大', 隐患名称: '通风机', 发现时间: '2024-11-18 09:30', 整改期限: '2024年12月18日', 企业名称: '',
    });
  });

  it('skips blank rows', () => {
    expect(mapRow(['remark only', '', '', null], header, 'Asia/Shanghai')).toEqual({ kind: 'empty' });
  });

  it.each<[string, Cell[], string[]]>([
    ['a missing id and an unknown sector', ['', '', '141102', '矿', '一般', 't', '2024-11-18'], ['隐患编号', '行业领域']],
    ['a bad date', ['', 'A', '141102', '煤矿', '一般', 't', '2024-13-18'], ['发现时间']],
    ['an unknown level and an empty title', ['', 'A', '141102', '煤矿', '较大', '', '2024-11-18'], ['隐患级别', '隐患名称']],
    ['a bad deadline', ['', 'A', '141102', '煤矿', '一般', 't', '2024-11-18', '尽快'], ['整改期限']],
  ])('names every bad cell: %s', (_name, cells, columns) => {
    const m = mapRow(cells, header, 'Asia/Shanghai');
    expect(m.kind).toBe('bad');
    if (m.kind === 'bad') expect(m.errors.map((e) => e.column)).toEqual(columns);
  });
});

describe('CSV encodings', () => {
  const text = '隐患编号,所属地区,隐患名称\r\nA-1,吕梁市离石区,"主要通风机,无备用电源"\r\n\r\nA-2,141102,"两行\r\n描述"\r\nA-3,太原市,末行';
  const expected = [['隐患编号', '所属地区', '隐患名称'], ['A-1', '吕梁市离石区', '主要通风机,无备用电源'], [''], ['A-2', '141102', '两行\r\n描述'], ['A-3', '太原市', '末行']];

  it.each<[string, Buffer, string]>([
    ['UTF-8 with BOM', Buffer.from(`\uFEFF${text}`, 'utf8'), 'utf-8'],
    ['UTF-8 without BOM', Buffer.from(text, 'utf8'), 'utf-8'],
    ['UTF-16LE (Excel "Unicode text")', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'utf-16le'],
  ])('%s', async (_name, bytes, encoding) => {
    const p = file(bytes);
    expect(await detectEncoding(p)).toBe(encoding);
    const rows = await rowsOf(p);
    expect(rows.map((r) => r.cells)).toEqual(expected);
    // numbered as a spreadsheet shows them: the blank line is row 3, a quoted line break stays in its row
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads GB18030 as saved by Excel/WPS (fixture made with iconv)', async () => {
    const p = resolve(import.meta.dirname, '../../fixtures/gb18030.csv');
    expect(readFileSync(p).includes(Buffer.from('煤矿'))).toBe(false); // really not UTF-8
    expect(await detectEncoding(p)).toBe('gb18030');
    const rows = await rowsOf(p);
    expect(rows[0]!.cells.slice(0, 4)).toEqual(['隐患编号', '所属地区', '行业领域', '隐患级别']);
    expect(rows[1]!.cells).toEqual(['GB-001', '吕梁市离石区', '煤矿', '重大隐患', '主要通风机无备用电源', '永聚煤业有限公司', '部门检查', '2024年11月18日', '2024年12月18日']);
  });

  it('detects a tab-separated file', async () => {
    const p = file('隐患编号\t所属地区\t隐患名称\r\nA\t141102\t"含,逗号"\r\n');
    expect(await detectDelimiter(p, 'utf-8')).toBe('\t');
    expect((await rowsOf(p))[1]!.cells).toEqual(['A', '141102', '含,逗号']);
  });
});

describe('file types', () => {
  // a zip holding a.txt, as Python's zipfile writes it
  const ZIP = Buffer.from('UEsDBBQAAAAAALcifV2GphA2BQAAAAUAAAAFAAAAYS50eHRoZWxsb1BLAQIUAxQAAAAAALcifV2GphA2BQAAAAUAAAAFAAAAAAAAAAAAAACAAQAAAABhLnR4dFBLBQYAAAAAAQABADMAAAAoAAAAAAA=', 'base64');

  it.each<[string, Buffer, string | RegExp]>([
    ['an xlsx (a whole zip)', ZIP, 'xlsx'],
    ['a CSV', Buffer.from('隐患编号,所属地区\r\n'), 'csv'],
    ['a CSV with BOM', Buffer.from('\uFEFF隐患编号\r\n'), 'csv'],
    ['a PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]), /PNG/],
    ['a PDF', Buffer.from('%PDF-1.7\n'), /PDF/],
    ['a legacy .xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]), /\.xls.*另存为 \.xlsx/],
    ['HTML saved as .xls', Buffer.from('<html><table><tr><td>1</td></tr></table></html>'), /HTML/],
    ['binary data', Buffer.from([1, 2, 0, 4, 5]), /二进制/],
  ])('%s', async (_name, bytes, expected) => {
    const p = file(bytes);
    if (typeof expected === 'string') return void expect(await sniff(p)).toBe(expected);
    await expect(sniff(p)).rejects.toMatchObject({ status: 415, code: 'unsupported_file', message: expected });
  });

  it('refuses a zip cut short with 400 (the streaming unzipper would wait for the rest for ever)', async () => {
    await expect(sniff(file(ZIP.subarray(0, 60)))).rejects.toMatchObject({ status: 400, code: 'unreadable_file' });
  });

  it('refuses an empty file with 400', async () => {
    await expect(sniff(file(''))).rejects.toMatchObject({ status: 400, code: 'empty_file' });
  });
});

describe('xlsx', () => {
  it('keeps Chinese text whole across the reader\'s chunk boundaries (exceljs #2063)', async () => {
    const p = join(dir, 'chunks.xlsx');
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: p, useSharedStrings: true });
    const ws = wb.addWorksheet('隐患台账');
    for (let i = 0; i < 10_000; i++) ws.addRow([`特种设备导入测试隐患${i}`, '吕梁市离石区']).commit();
    ws.commit();
    await wb.commit();
    let rows = 0;
    const broken: string[] = [];
    for await (const sheet of readXlsx(p)) {
      expect(sheet.name).toBe('隐患台账');
      for await (const r of sheet.rows) {
        rows++;
        if (r.cells[0] !== `特种设备导入测试隐患${r.row - 1}` || r.cells[1] !== '吕梁市离石区') broken.push(JSON.stringify(r));
      }
    }
    expect(rows).toBe(10_000);
    expect(broken).toEqual([]);
  }, 30_000);
});
