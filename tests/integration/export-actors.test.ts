/**
 * Exports name people as the ledger drawer does: each row carries who reported the hazard (上报人) and who made
 * its last change (最后操作人) — a person by display name and username, a token by its name, with the role —
 * in CSV and in XLSX, and a display name that looks like a formula is written as text.
 */
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { openStore } from '../../server/store';
import { EXPORT_ONLY_HEADERS } from '../../shared/import';
import { makeHazard, rng } from '../helpers/hazards';
import { asPerson, createPerson, signIn } from '../helpers/people';
import { api, startApp, type InProcessServer } from '../helpers/server';

let s: InProcessServer;
const cookies: Record<string, string> = {};
const r = rng(12);
const COUNTY = '141102';

beforeAll(async () => {
  s = await startApp();
  const store = await openStore(loadConfig({ DATA_DIR: s.dataDir, LOG_LEVEL: 'silent' }));
  try {
    await createPerson(store.tokens, 'wang.li', '王丽', 'reporter', COUNTY);
    await createPerson(store.tokens, 'li.qiang', '李强', 'reporter', '141100');
    await createPerson(store.tokens, 'evil', '=HYPERLINK("http://x")', 'reporter', COUNTY);
  } finally {
    await store.close();
  }
  for (const u of ['wang.li', 'li.qiang', 'evil']) cookies[u] = (await signIn(s.url, u)).cookie;

  // EXP-1: reported by the county person, moved into rectification by the city person
  const one = makeHazard(r, 1, { id: 'EXP-1', regionCode: COUNTY, level: 'general' });
  expect((await asPerson(s.url, cookies['wang.li']!, 'POST', '/api/v1/hazards', one)).status).toBe(200);
  expect((await asPerson(s.url, cookies['li.qiang']!, 'POST', '/api/v1/hazards/EXP-1/transitions', { to: 'rectifying' })).status).toBe(200);
  // EXP-2: sent by a system's token, never changed since
  expect((await api(s.url, s.tokens.reporter, 'POST', '/api/v1/hazards', makeHazard(r, 2, { id: 'EXP-2', regionCode: COUNTY, level: 'general' }))).status).toBe(200);
  // EXP-3: a display name someone typed as a formula
  expect((await asPerson(s.url, cookies.evil!, 'POST', '/api/v1/hazards', makeHazard(r, 3, { id: 'EXP-3', regionCode: COUNTY, level: 'general' }))).status).toBe(200);
});
afterAll(() => s?.close());

const download = async (format: 'csv' | 'xlsx') => {
  const res = await fetch(`${s.url}/api/v1/hazards/export?format=${format}&region=${COUNTY}`, { headers: { authorization: `Bearer ${s.tokens.admin}` } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
};

/** 上报人 and 最后操作人 of each row, by id. */
function actorsByRow(rows: string[][]): Record<string, [string, string]> {
  const [header, ...body] = rows;
  const reported = header!.indexOf('上报人');
  const changed = header!.indexOf('最后操作人');
  expect([reported, changed].every((i) => i > 0)).toBe(true);
  return Object.fromEntries(body.map((row) => [row[0]!, [row[reported]!, row[changed]!] as [string, string]]));
}

const EXPECTED = {
  'EXP-1': ['王丽（wang.li）（填报）', '李强（li.qiang）（填报）'],
  'EXP-2': ['test-reporter（填报）', 'test-reporter（填报）'],
};

describe('export names who acted', () => {
  it('the headers end with the reporter and the last actor, beside their times', () => {
    expect(EXPORT_ONLY_HEADERS.slice(-4)).toEqual(['上报时间', '上报人', '更新时间', '最后操作人']);
  });

  it('CSV: the reporter and the last actor of each hazard, as the drawer names them; a formula-like name is text', async () => {
    const text = (await download('csv')).toString('utf8').replace(/^\uFEFF/, '');
    const rows = actorsByRow(parse(text, { relaxColumnCount: false }) as string[][]);
    expect(rows).toMatchObject(EXPECTED);
    expect(rows['EXP-3']).toEqual(["'=HYPERLINK(\"http://x\")（evil）（填报）", "'=HYPERLINK(\"http://x\")（evil）（填报）"]);
  });

  it('XLSX: the same names in the same columns', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download('xlsx')) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const rows: string[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v instanceof Date ? v.toISOString() : String(v ?? '')))));
    const byId = actorsByRow(rows);
    expect(byId).toMatchObject(EXPECTED);
    // a cell of text, never a formula
    expect(byId['EXP-3']![0]).toBe('=HYPERLINK("http://x")（evil）（填报）');
    expect(typeof ws.getRow(rows.findIndex((x) => x[0] === 'EXP-3') + 1).getCell(rows[0]!.indexOf('上报人') + 1).value).toBe('string');
  });

  it('the last actor follows the next change', async () => {
    expect((await asPerson(s.url, cookies['wang.li']!, 'POST', '/api/v1/hazards/EXP-2/transitions', { to: 'rectifying' })).status).toBe(200);
    const text = (await download('csv')).toString('utf8').replace(/^\uFEFF/, '');
    expect(actorsByRow(parse(text) as string[][])['EXP-2']).toEqual(['test-reporter（填报）', '王丽（wang.li）（填报）']);
  });
});
