/**
 * Export of a filtered hazard list in the template's layout, streamed hazard by hazard. CSV carries a
 * UTF-8 BOM and CRLF so Excel and WPS open it as Chinese text; XLSX goes through the export's own streaming
 * writer (xlsx-writer.ts: the workbook exceljs' streaming writer wrote, at a fraction of its CPU). The template's
 * columns hold the values the import reads back unchanged (discovery times exactly as reported), so export →
 * import is a round trip; the status columns after them are for reading only.
 */
import type { Writable } from 'node:stream';
import { excel } from './excel';
import { LEVELS, SECTORS, SOURCES, STATUSES } from '../../shared/domain';
import { COLUMNS, CSV_BOM, EXPORT_ONLY_HEADERS, csvLine, guardFormula, type ColumnKey } from '../../shared/import';
import { getRegion } from '../../shared/regions';
import { actorLabelZh } from '../../shared/actor';
import type { Actor, Hazard, LegacyActor } from '../../shared/schemas';
import { isOverdue } from '../../shared/aggregation';
import type { StoredHazard } from '../hazards/hazards.repository';
import { HEADER_FILL, HEADER_FONT, TEMPLATE_SHEET, columnWidth } from './template';
import { writeSheet } from './xlsx-writer';
import type { FillPattern } from 'exceljs';

const label = (list: ReadonlyArray<{ code: string; zh: string }>, code: string | undefined) => list.find((x) => x.code === code)?.zh ?? code ?? '';
const LISTED: Record<string, string> = { province: '省级挂牌', city: '市级挂牌', county: '县级挂牌' };

export const exportHeaders = (): string[] => [...COLUMNS.map((c) => c.header), ...EXPORT_ONLY_HEADERS];

/** What an export prints of a hazard: the type keeps the lean view below and the printing in step. */
export type ExportHazard = Pick<Hazard, 'id' | 'regionCode' | 'sector' | 'level' | 'title' | 'description' | 'enterprise' | 'source' |
  'discoveredAt' | 'deadline' | 'linkedTo' | 'status' | 'overdue' | 'listedBy' | 'extensions' | 'reportedAt' | 'updatedAt'>;

/**
 * The fields of `hazardView(h, today)` an export prints, built field by field: the API view's object spread costs
 * about 18 µs a hazard, most of an export's formatting (docs/perf/heavy.md); the printed cells are the same
 * (tests/unit/server/xlsx-writer.test.ts).
 */
export function exportView(h: StoredHazard, today: string): ExportHazard {
  const i = h.input;
  return {
    id: i.id, regionCode: i.regionCode, sector: i.sector, level: h.level, title: i.title, description: i.description,
    enterprise: i.enterprise, source: i.source, discoveredAt: i.discoveredAt, deadline: h.deadline ?? undefined, linkedTo: i.linkedTo,
    status: h.status, overdue: isOverdue(h, today), listedBy: h.listedBy, extensions: h.extensions, reportedAt: h.reportedAt, updatedAt: h.updatedAt,
  };
}

/** The template's columns of one hazard, as text. */
export function templateValues(h: ExportHazard): Record<ColumnKey, string> {
  return {
    id: h.id,
    regionCode: getRegion(h.regionCode)?.fullName ?? h.regionCode,
    sector: label(SECTORS, h.sector),
    level: label(LEVELS, h.level),
    title: h.title,
    description: h.description ?? '',
    enterpriseName: h.enterprise?.name ?? '',
    creditCode: h.enterprise?.creditCode ?? '',
    source: label(SOURCES, h.source),
    discoveredAt: h.discoveredAt,
    deadline: h.deadline ?? '',
    linkedTo: h.linkedTo ?? '',
  };
}

/** One exported hazard and who acted on it: its reporter (the `reported` change) and the actor of its last change. */
export type ExportRow = { hazard: ExportHazard; reportedBy: Actor | LegacyActor | null; changedBy: Actor | LegacyActor | null };

// 上报人 / 最后操作人 as the ledger drawer names them
const exportOnly = ({ hazard: h, reportedBy, changedBy }: ExportRow): string[] => [
  h.regionCode, label(STATUSES, h.status), h.overdue ? '是' : '否', h.listedBy ? LISTED[h.listedBy] ?? h.listedBy : '',
  String(h.extensions), h.reportedAt, actorLabelZh(reportedBy), h.updatedAt, actorLabelZh(changedBy),
];

// ---- CSV --------------------------------------------------------------------------------------------


/** Writes with back-pressure; a client that goes away ends the export instead of leaving it waiting. */
function write(out: Writable, text: string): Promise<void> | void {
  if (out.destroyed) throw new Error('the client closed the connection');
  if (out.write(text)) return;
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      out.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      out.off('drain', onDrain);
      reject(new Error('the client closed the connection'));
    };
    out.once('drain', onDrain);
    out.once('close', onClose);
  });
}

export async function writeCsv(out: Writable, hazards: AsyncIterable<ExportRow>): Promise<number> {
  let n = 0;
  let buf = CSV_BOM + csvLine(exportHeaders());
  for await (const row of hazards) {
    const t = templateValues(row.hazard);
    // a display name is text someone typed: guarded like the template's texts
    buf += csvLine([...COLUMNS.map((c) => guardFormula(t[c.key])), ...exportOnly(row).map(guardFormula)]);
    n++;
    if (buf.length > 64 * 1024) {
      await write(out, buf);
      buf = '';
    }
  }
  await write(out, buf);
  return n;
}

// ---- XLSX -------------------------------------------------------------------------------------------

/** The sheet's columns: the template's, then the ones an export adds for reading. */
export const exportColumns = () => [
  ...COLUMNS.map((c) => ({ header: c.header, key: c.key, width: columnWidth(c.key) })),
  ...EXPORT_ONLY_HEADERS.map((h) => ({ header: h, key: h, width: h.endsWith('时间') ? 26 : h.endsWith('人') ? 24 : 12 })),
];

const DEADLINE = COLUMNS.findIndex((c) => c.key === 'deadline');

/** One hazard's cells as the xlsx export writes them; the deadline a real date (sortable in Excel, imported back as the same day). */
export function exportCells(r: ExportRow): Array<string | Date> {
  const t = templateValues(r.hazard);
  const cells: Array<string | Date> = [...COLUMNS.map((c) => t[c.key]), ...exportOnly(r)];
  if (r.hazard.deadline) cells[DEADLINE] = new Date(`${r.hazard.deadline}T00:00:00Z`);
  return cells;
}

/** The export through exceljs' streaming writer: the reference writeXlsx is proven identical to (xlsx-writer.test.ts). */
export async function writeXlsxWithExceljs(out: Writable, hazards: AsyncIterable<ExportRow>): Promise<number> {
  const wb = new (excel().ExcelJS.stream.xlsx.WorkbookWriter)({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(TEMPLATE_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = exportColumns();
  const header = ws.getRow(1);
  header.font = HEADER_FONT;
  header.fill = HEADER_FILL;
  header.commit();
  let n = 0;
  for await (const r of hazards) {
    const row = ws.addRow(exportCells(r));
    if (r.hazard.deadline) row.getCell(DEADLINE + 1).numFmt = 'yyyy-mm-dd';
    row.commit();
    n++;
  }
  ws.commit();
  await wb.commit();
  return n;
}

async function* cellsOf(hazards: AsyncIterable<ExportRow>): AsyncGenerator<Array<string | Date>> {
  for await (const r of hazards) yield exportCells(r);
}

/** The export as xlsx, through the export's own writer (xlsx-writer.ts): the same workbook exceljs wrote, faster. */
export function writeXlsx(out: Writable, hazards: AsyncIterable<ExportRow>): Promise<number> {
  return writeSheet(out, {
    name: TEMPLATE_SHEET, columns: exportColumns(), headerFont: HEADER_FONT.color!.argb!, headerFill: (HEADER_FILL as FillPattern).fgColor!.argb!,
  }, cellsOf(hazards));
}

/** `attachment` with an ASCII fallback name and the Chinese name in RFC 5987 `filename*`. */
export function contentDisposition(name: string, asciiFallback: string): string {
  return `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
