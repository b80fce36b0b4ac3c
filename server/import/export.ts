/**
 * Export of a filtered hazard list in the template's layout, streamed hazard by hazard. CSV carries a
 * UTF-8 BOM and CRLF so Excel and WPS open it as Chinese text; XLSX goes through exceljs's streaming
 * writer. The template's columns hold the values the import reads back unchanged (discovery times exactly
 * as reported), so export → import is a round trip; the status columns after them are for reading only.
 */
import type { Writable } from 'node:stream';
import { excel } from './excel';
import { LEVELS, SECTORS, SOURCES, STATUSES } from '../../shared/domain';
import { COLUMNS, CSV_BOM, EXPORT_ONLY_HEADERS, csvLine, guardFormula, type ColumnKey } from '../../shared/import';
import { getRegion } from '../../shared/regions';
import type { Hazard } from '../../shared/schemas';
import { HEADER_FILL, HEADER_FONT, TEMPLATE_SHEET, columnWidth } from './template';

const label = (list: ReadonlyArray<{ code: string; zh: string }>, code: string | undefined) => list.find((x) => x.code === code)?.zh ?? code ?? '';
const LISTED: Record<string, string> = { province: '省级挂牌', city: '市级挂牌', county: '县级挂牌' };

export const exportHeaders = (): string[] => [...COLUMNS.map((c) => c.header), ...EXPORT_ONLY_HEADERS];

/** The template's columns of one hazard, as text. */
export function templateValues(h: Hazard): Record<ColumnKey, string> {
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

const exportOnly = (h: Hazard): string[] => [
  h.regionCode, label(STATUSES, h.status), h.overdue ? '是' : '否', h.listedBy ? LISTED[h.listedBy] ?? h.listedBy : '',
  String(h.extensions), h.reportedAt, h.updatedAt,
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

export async function writeCsv(out: Writable, hazards: AsyncIterable<Hazard>): Promise<number> {
  let n = 0;
  let buf = CSV_BOM + csvLine(exportHeaders());
  for await (const h of hazards) {
    const t = templateValues(h);
    buf += csvLine([...COLUMNS.map((c) => guardFormula(t[c.key])), ...exportOnly(h)]);
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

export async function writeXlsx(out: Writable, hazards: AsyncIterable<Hazard>): Promise<number> {
  const wb = new (excel().ExcelJS.stream.xlsx.WorkbookWriter)({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(TEMPLATE_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    ...COLUMNS.map((c) => ({ header: c.header, key: c.key, width: columnWidth(c.key) })),
    ...EXPORT_ONLY_HEADERS.map((h) => ({ header: h, key: h, width: h.endsWith('时间') ? 26 : 12 })),
  ];
  const header = ws.getRow(1);
  header.font = HEADER_FONT;
  header.fill = HEADER_FILL;
  header.commit();
  let n = 0;
  for await (const h of hazards) {
    const t = templateValues(h);
    const cells: Array<string | Date | number> = [...COLUMNS.map((c) => t[c.key]), ...exportOnly(h)];
    const row = ws.addRow(cells);
    if (h.deadline) {
      // a real date cell: sortable and filterable in Excel; it imports back as the same day
      const cell = row.getCell(COLUMNS.findIndex((c) => c.key === 'deadline') + 1);
      cell.value = new Date(`${h.deadline}T00:00:00Z`);
      cell.numFmt = 'yyyy-mm-dd';
    }
    row.commit();
    n++;
  }
  ws.commit();
  await wb.commit();
  return n;
}

/** `attachment` with an ASCII fallback name and the Chinese name in RFC 5987 `filename*`. */
export function contentDisposition(name: string, asciiFallback: string): string {
  return `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
