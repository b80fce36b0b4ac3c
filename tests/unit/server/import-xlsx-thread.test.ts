/**
 * The import's reader thread (server/import/read-xlsx-worker.ts, server/workers/xlsx-worker.ts) gives what the
 * in-process reader gives (server/import/read-xlsx.ts): the same sheets, rows and cells, the same errors after
 * the same rows, a sheet passed over without reading it to its end; and the mappings it attaches are mapRow's
 * under the header the import finds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../../../shared/import';
import { DEFAULT_TZ } from '../../../shared/time';
import { readXlsx, type SheetRow } from '../../../server/import/read-xlsx';
import { openXlsxOffThread } from '../../../server/import/read-xlsx-worker';
import { HEADER_SCAN, mapRow, matchHeader } from '../../../server/import/rows';
import { XLSX_AHEAD, XLSX_BATCH } from '../../../server/import/xlsx-protocol';
import type { WorkerRow } from '../../../server/import/xlsx-protocol';
import { workbook, writeZip, type ZipEntry } from '../../helpers/zip';

const dir = mkdtempSync(join(tmpdir(), 'hz-xlsx-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const path = () => join(dir, `w${n++}.xlsx`);

type Read = { name: string; rows: WorkerRow[]; error?: string };
/** Every sheet read to its end; a sheet's error is kept with the rows before it (the reader goes on to the next sheet). */
async function readAll(sheets: AsyncIterable<{ name: string; rows: AsyncIterable<WorkerRow> }>): Promise<Read[]> {
  const out: Read[] = [];
  for await (const s of sheets) {
    const r: Read = { name: s.name, rows: [] };
    out.push(r);
    try {
      for await (const row of s.rows) r.rows.push(row);
    } catch (e) {
      r.error = (e as Error).message;
    }
  }
  return out;
}
const thread = (file: string) => readAll(openXlsxOffThread(file, DEFAULT_TZ).sheets);
const plain = (r: Read[]) => r.map((s) => ({ ...s, rows: s.rows.map(({ row, cells }): SheetRow => ({ row, cells })) }));

/** A ledger as offices send it: shared strings, Chinese values, dates as date cells and as text. */
async function writeLedger(file: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('隐患台账');
  ws.addRow(COLUMNS.map((c) => c.header)).commit();
  for (let i = 0; i < rows; i++) {
    const discovered = i % 2 ? new Date(Date.UTC(2024, 10, 1 + (i % 28), 8, i % 60)) : `2024年11月${1 + (i % 28)}日`;
    const row = ws.addRow([`BENCH-${i}`, i % 3 ? '吕梁市离石区' : '141102', '煤矿', i % 7 ? '一般隐患' : '重大隐患', `隐患 ${i}`, '', `企业${i % 50}`, '',
      '部门检查', discovered, i % 3 ? '' : new Date(Date.UTC(2025, 0, 1 + (i % 300))), i % 11 ? '' : '坏']);
    if (discovered instanceof Date) row.getCell(10).numFmt = 'yyyy-mm-dd hh:mm';
    row.commit();
  }
  ws.commit();
  await wb.commit();
}

const inline = (ref: string, v: string) => `<c r="${ref}" t="inlineStr"><is><t>${v}</t></is></c>`;
const headerRow = (r: number) => `<row r="${r}">${COLUMNS.map((c, i) => inline(`${String.fromCharCode(65 + i)}${r}`, c.header)).join('')}</row>`;

/** Each test starts a reader thread, which under tsx compiles its modules first: seconds on a loaded machine. */
const THREAD_TIMEOUT = 60_000;

describe('the .xlsx reader thread', () => {
  it('reads a 5,000-row ledger as the in-process reader does, and maps each row after the header as mapRow does', async () => {
    const file = path();
    await writeLedger(file, 5000);
    const now = await thread(file);
    const before = await readAll(readXlsx(file));
    expect(plain(now)).toEqual(before);
    expect(now[0]!.rows.length).toBe(5001);
    const header = matchHeader(now[0]!.rows[0]!.cells, now[0]!.rows[0]!.row)!;
    expect(now[0]!.rows[0]!.mapped).toBeUndefined();
    for (const r of now[0]!.rows.slice(1)) expect(r.mapped).toEqual({ header: header.row, row: mapRow(r.cells, header, DEFAULT_TZ) });
    // they are real mappings: a row that reads cleanly, with its id
    expect(now[0]!.rows[1]!.mapped!.row).toMatchObject({ kind: 'ok', raw: { id: 'BENCH-0' } });
  }, THREAD_TIMEOUT);

  it('finds the header below title rows, and maps nothing when none of the first rows is one', async () => {
    // the header as the last row the import looks at
    const titles = (k: number) => Array.from({ length: k }, (_, i) => `<row r="${i + 1}">${inline(`A${i + 1}`, `2024年隐患台账 ${i}`)}</row>`);
    const titled = path();
    await writeZip(titled, workbook(() => [...titles(HEADER_SCAN - 1), headerRow(HEADER_SCAN),
      `<row r="${HEADER_SCAN + 1}">${inline(`A${HEADER_SCAN + 1}`, 'T-1')}${inline(`B${HEADER_SCAN + 1}`, '离石区')}</row>`]));
    const [t] = await thread(titled);
    expect(t!.rows.map((r) => r.mapped?.header)).toEqual([...titles(HEADER_SCAN).map(() => undefined), HEADER_SCAN]);
    expect(t!.rows[HEADER_SCAN]!.mapped!.row).toEqual(mapRow(t!.rows[HEADER_SCAN]!.cells, matchHeader(t!.rows[HEADER_SCAN - 1]!.cells, HEADER_SCAN)!, DEFAULT_TZ));
    // one row further down, the import does not find it
    const late = path();
    const rows = titles(HEADER_SCAN);
    await writeZip(late, workbook(() => [...rows, headerRow(HEADER_SCAN + 1), `<row r="${HEADER_SCAN + 2}">${inline(`A${HEADER_SCAN + 2}`, 'T-1')}</row>`]));
    const [l] = await thread(late);
    expect(l!.rows).toHaveLength(HEADER_SCAN + 2);
    expect(l!.rows.every((r) => r.mapped === undefined)).toBe(true);
  }, THREAD_TIMEOUT);

  it('gives the rows before an XML error, then the same error', async () => {
    const file = path();
    const good = Array.from({ length: 1500 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}</v></c></row>`);
    await writeZip(file, workbook(() => [...good, '<row r="1501"><c r="A1501"><v>1</v></c></roww>']));
    const now = await thread(file);
    const before = await readAll(readXlsx(file));
    expect(before[0]!.error).toBeTruthy();
    expect(plain(now)).toEqual(before);
    expect(now[0]!.rows.length).toBeGreaterThanOrEqual(1500);
  }, THREAD_TIMEOUT);

  it('throws what the in-process reader throws for a file that is no workbook', async () => {
    const file = path();
    writeFileSync(file, 'PK\u0003\u0004 not really a zip');
    const err = (f: () => Promise<unknown>) => f().then(() => 'no error', (e: Error) => e.message);
    const before = await err(() => readAll(readXlsx(file)));
    expect(before).not.toBe('no error');
    expect(await err(() => thread(file))).toBe(before);
  }, THREAD_TIMEOUT);

  it('passes over a sheet left part-way and reads the next one whole', async () => {
    const file = path();
    const big = XLSX_BATCH * (XLSX_AHEAD + 6);
    const first = Array.from({ length: big }, (_, i) => `<row r="${i + 1}">${inline(`A${i + 1}`, `说明 ${i}`)}</row>`).join('');
    const base = workbook(() => []);
    const sheetXml = (rows: string) => `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;
    const wb = '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
      + '<sheets><sheet name="说明" sheetId="1" r:id="rId1"/><sheet name="台账" sheetId="2" r:id="rId2"/></sheets></workbook>';
    const rels = '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
      + '<Relationship Id="rId1" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Target="worksheets/sheet2.xml"/></Relationships>';
    const entries: ZipEntry[] = [
      ...base.filter((e) => !/workbook\.xml|worksheets/.test(e.name)),
      { name: 'xl/workbook.xml', chunks: () => [wb] },
      { name: 'xl/_rels/workbook.xml.rels', chunks: () => [rels] },
      { name: 'xl/worksheets/sheet1.xml', chunks: () => [sheetXml(first)] },
      { name: 'xl/worksheets/sheet2.xml', chunks: () => [sheetXml(`${headerRow(1)}<row r="2">${inline('A2', 'T-9')}</row>`)] },
    ];
    await writeZip(file, entries);
    const reader = openXlsxOffThread(file, DEFAULT_TZ);
    const seen: Array<{ name: string; rows: WorkerRow[] }> = [];
    for await (const s of reader.sheets) {
      const rows: WorkerRow[] = [];
      seen.push({ name: s.name, rows });
      // as the import does for a sheet without a header: read its first rows, then go on to the next sheet
      for await (const r of s.rows) if (rows.push(r) >= HEADER_SCAN) break;
    }
    expect(seen.map((s) => [s.name, s.rows.length])).toEqual([['说明', HEADER_SCAN], ['台账', 2]]);
    expect(seen[1]!.rows[1]!.mapped).toEqual({ header: 1, row: mapRow(seen[1]!.rows[1]!.cells, matchHeader(seen[1]!.rows[0]!.cells, 1)!, DEFAULT_TZ) });
  }, THREAD_TIMEOUT);
});
