/**
 * The import template: the ledger's columns with Chinese headers, one example row, drop-down lists where
 * the values are fixed, and a second sheet 取值说明 that lists every allowed value (sectors, levels,
 * sources, every region with its code).
 */
import type { DataValidation, Fill, Font, Workbook } from 'exceljs';
import { excel } from './excel';
import { LEVELS, SECTORS, SOURCES } from '../../shared/domain';
import { COLUMNS, type ColumnKey } from '../../shared/import';
import { ALL_REGIONS } from '../../shared/regions';

export const TEMPLATE_SHEET = '隐患台账';
export const VALUES_SHEET = '取值说明';
/** The example row: the import skips a row identical in id and title, so a forgotten example is never registered. */
export const TEMPLATE_EXAMPLE: Record<ColumnKey, string> = {
  id: 'LL-2024-000123', regionCode: '吕梁市离石区', sector: '煤矿', level: '重大隐患', title: '主要通风机无备用电源（示例，导入时跳过）',
  description: '主要通风机房仅有一回路供电，未设置备用电源', enterpriseName: '示例煤业有限公司', creditCode: '91141100MA0XXXXXXQ',
  source: '部门检查', discoveredAt: '2024-11-18 09:30', deadline: '2024-12-18', linkedTo: '',
};

const WIDTH: Partial<Record<ColumnKey, number>> = { title: 36, description: 40, enterpriseName: 28, creditCode: 22, discoveredAt: 20, regionCode: 18 };
export const columnWidth = (k: ColumnKey): number => WIDTH[k] ?? 14;
export const HEADER_FILL: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1D2B45' } };
export const HEADER_FONT: Partial<Font> = { bold: true, color: { argb: 'FFFFFFFF' } };

/** Lists on the 取值说明 sheet: [column letter, title, values]. */
function valueLists(): Array<[string, string, string[]]> {
  const regions = ALL_REGIONS.filter((r) => r.level !== 'province');
  return [
    ['E', '行业领域', SECTORS.map((s) => s.zh)],
    ['F', '行业代码', SECTORS.map((s) => s.code)],
    ['H', '隐患级别', LEVELS.map((l) => l.zh)],
    ['J', '隐患来源', SOURCES.map((s) => s.zh)],
    ['K', '来源代码', SOURCES.map((s) => s.code)],
    ['M', '所属地区（全称）', regions.map((r) => r.fullName)],
    ['N', '行政区划代码', regions.map((r) => r.code)],
  ];
}

function addValuesSheet(wb: Workbook): Map<string, string> {
  const ws = wb.addWorksheet(VALUES_SHEET);
  ws.getRow(1).values = ['列名', '是否必填', '填写说明'];
  COLUMNS.forEach((c, i) => {
    ws.getRow(i + 2).values = [c.header, c.required ? '必填' : '选填', c.note];
  });
  const notes = COLUMNS.length + 3;
  ws.getCell(`A${notes}`).value = '第 2 行为示例，导入时自动跳过；可直接覆盖或删除。表头须在前 10 行内，列的顺序不限，多余的列（如“备注”）不导入。';
  ws.getCell(`A${notes + 1}`).value = '也可导入 .csv 文件（UTF-8 或 GBK/GB18030 编码均可），表头同本模板。';
  const ranges = new Map<string, string>();
  for (const [col, title, values] of valueLists()) {
    ws.getCell(`${col}1`).value = title;
    values.forEach((v, i) => {
      ws.getCell(`${col}${i + 2}`).value = v;
    });
    ranges.set(title, `'${VALUES_SHEET}'!$${col}$2:$${col}$${values.length + 1}`);
  }
  ws.getRow(1).font = { bold: true };
  ws.columns.forEach((c, i) => {
    c.width = [14, 10, 70, 2, 16, 18, 2, 12, 2, 14, 16, 2, 22, 14][i] ?? 12;
  });
  return ranges;
}

// exceljs implements worksheet.dataValidations but its typings omit it
type WithValidations = { dataValidations: { add(range: string, v: DataValidation): void } };

const LISTS: Partial<Record<ColumnKey, string>> = { sector: '行业领域', level: '隐患级别', source: '隐患来源', regionCode: '所属地区（全称）' };
const DATA_ROWS = 5000;

export async function buildTemplate(): Promise<Buffer> {
  const wb = new (excel().ExcelJS.Workbook)();
  wb.creator = '山西省重大事故隐患排查整治';
  const ws = wb.addWorksheet(TEMPLATE_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = COLUMNS.map((c) => ({
    header: c.header, key: c.key, width: columnWidth(c.key),
    // ids and credit codes are text: Excel must not turn 000123 into 123
    ...(c.key === 'id' || c.key === 'creditCode' || c.key === 'linkedTo' ? { style: { numFmt: '@' } } : {}),
  }));
  const header = ws.getRow(1);
  header.font = HEADER_FONT;
  header.fill = HEADER_FILL;
  COLUMNS.forEach((c, i) => {
    if (c.required) header.getCell(i + 1).font = { ...HEADER_FONT, color: { argb: 'FFFFD166' } };
    header.getCell(i + 1).note = `${c.required ? '必填。' : '选填。'}${c.note}`;
  });
  const example = ws.addRow(COLUMNS.map((c) => TEMPLATE_EXAMPLE[c.key]));
  example.font = { italic: true, color: { argb: 'FF808080' } };

  const ranges = addValuesSheet(wb);
  COLUMNS.forEach((c, i) => {
    const list = LISTS[c.key];
    if (!list) return;
    const letter = ws.getColumn(i + 1).letter;
    // a warning, not a stop: codes (coal, 141102) and short forms (重大) are accepted too
    (ws as unknown as WithValidations).dataValidations.add(`${letter}2:${letter}${DATA_ROWS + 1}`, {
      type: 'list', allowBlank: true, formulae: [ranges.get(list)!], showErrorMessage: true, errorStyle: 'warning',
      errorTitle: c.header, error: `请从列表中选择，或填写 ${VALUES_SHEET} 中列出的代码`,
    });
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
