/**
 * An import run: rows stream from the reader, each is read by column, and the readable ones go to
 * HazardService.ingest in chunks (one transaction each), so memory holds one chunk however long the
 * file. Every row ends up accepted, a duplicate, or rejected with its row number, column and reason.
 */
import type { ImportRejected, ImportResult } from '../../shared/import';
import type { Auth } from '../auth/auth';
import { requireWriter } from '../auth/auth';
import { ServiceError } from '../errors';
import type { HazardService } from '../hazards/hazards.service';
import { detectDelimiter, detectEncoding, readCsv } from './read-csv';
import type { SheetRow } from './read-xlsx';
import { openXlsxOffThread, type Premapped } from './read-xlsx-worker';
import { preflightCsv, preflightXlsx } from './preflight';
import { IMPORT_LIMITS as L, echo, tooManyColumns, tooManyRows } from './limits';
import { errorsOfItem, HEADER_SCAN, mapRow, matchHeader, missingColumns, rejection, valuesOf, type HeaderMap } from './rows';
import { unsupported, type FileKind } from './sniff';
import { TEMPLATE_EXAMPLE } from './template';
import { COLUMNS, EXPORT_ONLY_HEADERS } from '../../shared/import';
import { isWithin } from '../../shared/regions';
import { HazardInputSchema } from '../../shared/schemas';

/** The per-token ingest budget the JSON intake spends from too (one instance per app): throws 429 when spent. */
export type IngestBudget = { take(auth: Auth, n: number): Promise<void> };
export type ImportDeps = { service: HazardService; tz: string; limiter?: IngestBudget; chunkSize?: number };
type Tally = Omit<ImportResult, 'format' | 'encoding'>;

/**
 * JSON with the top-level keys in one order, whatever order the object was built in, and line breaks as
 * `\n`: a spreadsheet cell cannot hold a `\r` (XML normalises it away), so CRLF and LF are the same text.
 */
const canonical = (o: Record<string, unknown>): string =>
  JSON.stringify(
    Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => [k, o[k]]),
    (_k, v: unknown) => (typeof v === 'string' ? v.replace(/\r\n?/g, '\n') : v),
  );
const EXPORT_ONLY = new Set<string>(EXPORT_ONLY_HEADERS);

const NO_HEADER = `找不到表头：前 ${HEADER_SCAN} 行中没有包含“${COLUMNS.filter((c) => c.required).map((c) => c.header).join('、')}”的行，请使用导入模板`
  + ` / no header row with the template's columns in the first ${HEADER_SCAN} rows`;

class ImportRun {
  readonly tally: Tally;
  private chunk: Array<{ row: number; raw: Record<string, unknown>; cells: SheetRow['cells'] }> = [];
  private savedThrough = 0;

  constructor(private readonly header: HeaderMap, private readonly auth: Auth, private readonly deps: ImportDeps) {
    this.tally = { accepted: 0, duplicates: 0, rejected: [], rejectedCount: 0, rows: 0, ignoredColumns: header.ignored.filter((h) => !EXPORT_ONLY.has(h)).map(echo) };
  }

  /**
   * Keeps the first rejected rows by row number (rows of a chunk are rejected after later bad cells), so
   * a file of two million bad rows answers with a thousand and the count, not with all of them.
   */
  private reject(r: ImportRejected): void {
    this.tally.rejectedCount++;
    const list = this.tally.rejected;
    list.push(r);
    if (list.length >= 2 * L.maxRejectedListed) this.trimRejected();
  }

  trimRejected(): void {
    this.tally.rejected.sort((a, b) => a.row - b.row);
    this.tally.rejected.length = Math.min(this.tally.rejected.length, L.maxRejectedListed);
  }

  async add(r: SheetRow & Premapped): Promise<void> {
    // mapped by the reader thread when it found the same header row (it runs the same matchHeader on the same rows)
    const m = r.mapped?.header === this.header.row ? r.mapped.row : mapRow(r.cells, this.header, this.deps.tz);
    if (m.kind === 'empty') return;
    if (m.kind === 'ok' && m.raw.id === TEMPLATE_EXAMPLE.id && m.raw.title === TEMPLATE_EXAMPLE.title) return; // the template's example
    if (++this.tally.rows > L.maxRows) throw tooManyRows();
    if (m.kind === 'bad') this.reject(rejection(r.row, 'invalid_cell', m.errors, m.values, m.id));
    else this.chunk.push({ row: r.row, raw: m.raw, cells: r.cells });
    if (this.chunk.length >= (this.deps.chunkSize ?? 2000)) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.chunk;
    if (!batch.length) return;
    this.chunk = [];
    try {
      await this.deps.limiter?.take(this.auth, batch.length);
    } catch (e) {
      if (!(e instanceof ServiceError)) throw e;
      const saved = this.savedThrough ? `第 ${this.savedThrough} 行及以前的数据已保存，稍后重新导入同一文件即可（已保存的行计为重复）` : '未保存任何行';
      throw new ServiceError(e.status, e.code, `${e.message}; ${saved}`, { savedThroughRow: this.savedThrough });
    }
    const byRow = new Map(batch.map((b) => [b.row, b]));
    const r = await this.deps.service.ingest(batch.map((b) => b.raw), this.auth);
    this.tally.accepted += r.accepted;
    this.tally.duplicates += r.duplicates;
    for (const x of r.rejected) {
      const row = batch[x.index ?? -1]?.row ?? 0;
      if (x.error.code === 'conflict' && (await this.isCurrent(byRow.get(row)?.raw))) {
        this.tally.duplicates++;
        continue;
      }
      const cells = byRow.get(row)?.cells;
      this.reject(rejection(row, x.error.code, errorsOfItem(x.error), cells ? valuesOf(cells, this.header) : {}, x.id));
    }
    this.savedThrough = batch[batch.length - 1]!.row;
  }

  /**
   * An exported row carries the hazard's current level and deadline, which differ from what was first
   * reported after an escalation or an extension: such a row is the hazard as it stands, so a duplicate.
   * So is a row whose only difference is CRLF against LF inside a text.
   */
  private async isCurrent(raw: Record<string, unknown> | undefined): Promise<boolean> {
    const h = typeof raw?.id === 'string' ? await this.deps.service.stored(raw.id) : undefined;
    const parsed = HazardInputSchema.safeParse(raw);
    if (!h || !parsed.success || !isWithin(h.regionCode, this.auth.region)) return false;
    return canonical(parsed.data) === canonical({ ...h.input, level: h.level, deadline: h.deadline ?? undefined });
  }

  /** A file that stops being readable part-way (an unclosed quote): what came before counts, the rest is named. */
  unreadableFrom(row: number, message: string): void {
    const rej: ImportRejected = { row, error: { code: 'unreadable', message: `从第 ${row} 行起无法读取 / the file cannot be read from row ${row}: ${message}` } };
    this.reject(rej);
  }
}

/** A reader that stops yielding (a damaged zip entry) must not hold the request for ever. */
const STALL_MS = 60_000;
function stallGuard<R extends SheetRow>(it: AsyncIterator<R>): AsyncIterator<R> {
  return {
    next: () => {
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no data for ${STALL_MS / 1000} s`)), STALL_MS);
      });
      return Promise.race([it.next(), stalled]).finally(() => clearTimeout(timer));
    },
  };
}

/** Imports one sheet's rows; null when the sheet has no header row (another sheet may have it). */
async function importSheet(rows: AsyncIterable<SheetRow & Premapped>, auth: Auth, deps: ImportDeps): Promise<Tally | null> {
  const it = stallGuard<SheetRow & Premapped>(rows[Symbol.asyncIterator]());
  let header: HeaderMap | null = null;
  for (let n = 0; n < HEADER_SCAN && !header; n++) {
    const next = await it.next();
    if (next.done) break;
    header = matchHeader(next.value.cells, next.value.row);
  }
  if (!header) return null;
  if (header.width > L.maxColumns) throw tooManyColumns(header.width);
  const missing = missingColumns(header);
  if (missing.length) {
    const names = missing.map((c) => c.header).join('、');
    throw new ServiceError(400, 'invalid_template', `缺少必填列：${names} / missing required columns: ${missing.map((c) => c.en).join(', ')}`, { missing: missing.map((c) => c.header) });
  }
  const run = new ImportRun(header, auth, deps);
  let last = header.row;
  try {
    for (let next = await it.next(); !next.done; next = await it.next()) {
      last = next.value.row;
      await run.add(next.value);
    }
  } catch (e) {
    if (e instanceof ServiceError) throw e;
    run.unreadableFrom(last + 1, e instanceof Error ? e.message : String(e));
  }
  await run.flush();
  run.trimRejected();
  return run.tally;
}

async function importXlsx(path: string, auth: Auth, deps: ImportDeps): Promise<ImportResult> {
  // the reader thread starts while the file is measured, and reads only once the file has passed
  const reader = openXlsxOffThread(path, deps.tz);
  try {
    await preflightXlsx(path);
  } catch (e) {
    await reader.close();
    throw e;
  }
  let sheets = 0;
  try {
    for await (const sheet of reader.sheets) {
      sheets++;
      const tally = await importSheet(sheet.rows, auth, deps);
      if (tally) return { ...tally, format: 'xlsx' };
    }
  } catch (e) {
    if (e instanceof ServiceError) throw e;
    throw new ServiceError(400, 'unreadable_file', `无法读取该 .xlsx 文件 / the workbook cannot be read: ${e instanceof Error ? e.message : e}`);
  }
  if (!sheets) throw unsupported('压缩包中没有工作表，不是 .xlsx 工作簿 / a zip archive without worksheets');
  throw new ServiceError(400, 'invalid_template', NO_HEADER);
}

async function importCsv(path: string, auth: Auth, deps: ImportDeps): Promise<ImportResult> {
  const encoding = await detectEncoding(path);
  const delimiter = await detectDelimiter(path, encoding);
  await preflightCsv(path, encoding, delimiter);
  const tally = await importSheet(readCsv(path, encoding, delimiter), auth, deps);
  if (!tally) throw new ServiceError(400, 'invalid_template', NO_HEADER);
  return { ...tally, format: 'csv', encoding };
}

export async function importFile(path: string, kind: FileKind, auth: Auth, deps: ImportDeps): Promise<ImportResult> {
  requireWriter(auth);
  return kind === 'xlsx' ? importXlsx(path, auth, deps) : importCsv(path, auth, deps);
}
