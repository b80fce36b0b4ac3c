/**
 * .xlsx rows straight from the sheet XML: yauzl opens the zip (random access, so the shared strings and
 * styles are read first whatever order the entries come in), saxes parses each entry as it inflates, and
 * rows are handed over a chunk at a time — one inflated chunk of the sheet in memory (plus the shared
 * strings), so a 20,000-row workbook costs little more than a 20-row one. It reads cells as exceljs's
 * streaming reader did (exceljs stays for the template and export), five times faster and without its
 * per-cell objects; where exceljs misread a cell the difference is deliberate and tested
 * (tests/unit/server/import-xlsx-reader.test.ts): rich inline text keeps every run, phonetic guides (rPh)
 * are not text, an escaped entity in an inline or formula string is not unescaped twice, a formula's cached error
 * stays its error text and a cached 0 stays 0, prefixed tag names (x:c) and cells or rows without a reference are read.
 */
import { createRequire } from 'node:module';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { IMPORT_LIMITS } from './limits';
import type { Cell } from './values';

export type SheetRow = { row: number; cells: Cell[] };
export type Sheet = { name: string; rows: AsyncIterable<SheetRow> };

/** saxes, the XML parser exceljs itself uses (one copy installed, no dependency of our own). */
type Tag = { name: string; attributes: Record<string, string> };
type Saxes = {
  on(event: 'opentag' | 'closetag', fn: (t: Tag) => void): void;
  on(event: 'text', fn: (s: string) => void): void;
  on(event: 'error', fn: (e: Error) => void): void;
  write(s: string): void;
  close(): void;
};
type SaxesCtor = new (opt?: { position?: boolean }) => Saxes;
let saxes: SaxesCtor | undefined;
function parser(): Saxes {
  const req = createRequire(import.meta.url);
  saxes ??= (createRequire(req.resolve('exceljs/package.json'))('saxes') as { SaxesParser: SaxesCtor }).SaxesParser;
  return new saxes({ position: false });
}

/** Tag names without a namespace prefix: some writers (the OpenXML SDK) spell them x:c, x:row. */
const local = (name: string): string => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

type Zip = { zip: yauzl.ZipFile; entries: Map<string, yauzl.Entry>; order: string[]; open: Set<Readable> };

function openZip(path: string): Promise<Zip> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true }, (e, zip) => {
      if (e) return reject(e);
      const entries = new Map<string, yauzl.Entry>();
      const order: string[] = [];
      zip.on('error', reject);
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName.replace(/^\/+/, '');
        if (!entries.has(name)) order.push(name);
        entries.set(name, entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve({ zip, entries, order, open: new Set() }));
      zip.readEntry();
    });
  });
}

const openStream = (zip: yauzl.ZipFile, entry: yauzl.Entry) =>
  new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (e, s) => (e ? reject(e) : resolve(s))));

/**
 * Feeds an entry's text to a fresh parser; after each inflated chunk `drain` takes what the handlers
 * collected. A split UTF-8 character is carried to the next chunk (exceljs #2063).
 */
async function* parseEntry<T>(z: Zip, entry: yauzl.Entry, setup: (p: Saxes, failed: { now: boolean }) => void, drain: () => T): AsyncGenerator<T> {
  const p = parser();
  let error: Error | undefined;
  // saxes goes on after an error: what it reads from there is not kept
  const failed = { now: false };
  p.on('error', (e) => {
    error ??= e;
    failed.now = true;
  });
  setup(p, failed);
  const decoder = new TextDecoder('utf-8');
  const stream = await openStream(z.zip, entry);
  z.open.add(stream);
  try {
    for await (const chunk of stream) {
      p.write(decoder.decode(chunk as Buffer, { stream: true }));
      // the rows before a broken tag count (as a CSV's before an unclosed quote), then the error
      yield drain();
      if (error) throw error;
    }
    p.write(decoder.decode());
    p.close();
    yield drain();
    if (error) throw error;
  } finally {
    stream.destroy();
    z.open.delete(stream);
  }
}

async function readWhole(z: Zip, entry: yauzl.Entry | undefined, setup: (p: Saxes) => void): Promise<void> {
  if (!entry) return;
  for await (const _ of parseEntry(z, entry, setup, () => undefined)) void _;
}

/**
 * The text of each `<si>`: its `<t>`, or its runs' `<t>` joined; a phonetic guide (`<rPh>`) is not text.
 * An empty plain string is no value (null), an empty rich one '' — as exceljs had them, which only
 * tells how wide a row is.
 */
function sharedStrings(p: Saxes, out: Array<string | null>): void {
  let depthInPh = 0;
  let inT = false;
  let rich = false;
  let text = '';
  p.on('opentag', (t) => {
    const n = local(t.name);
    if (n === 'si') {
      text = '';
      rich = false;
    } else if (n === 'rPh') depthInPh++;
    else if (n === 'r' && !depthInPh) rich = true;
    else if (n === 't' && !depthInPh) inT = true;
  });
  p.on('text', (s) => {
    if (inT) text += s;
  });
  p.on('closetag', (t) => {
    const n = local(t.name);
    if (n === 't') inT = false;
    else if (n === 'rPh') depthInPh--;
    else if (n === 'si') out.push(text || rich ? text : null);
  });
}

/**
 * Excel's built-in date formats as exceljs knows them (14–22, 45–47); a custom format is a date when,
 * without its quoted text and [brackets], it still has a date or time letter — exceljs's rule, kept so
 * that a cell reads as it did.
 */
const BUILT_IN_DATES = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);
const isDateFormat = (code: string) => /[ymdhMsb]/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

/** For each cell style (cellXfs index): whether its number format is a date. */
function styles(p: Saxes, custom: Map<number, string>, xfs: number[]): void {
  let inXfs = false;
  p.on('opentag', (t) => {
    const n = local(t.name);
    if (n === 'numFmt' && t.attributes.numFmtId !== undefined) custom.set(parseInt(t.attributes.numFmtId, 10), t.attributes.formatCode ?? '');
    else if (n === 'cellXfs') inXfs = true;
    else if (n === 'xf' && inXfs) xfs.push(parseInt(t.attributes.numFmtId ?? '0', 10) || 0);
  });
  p.on('closetag', (t) => {
    if (local(t.name) === 'cellXfs') inXfs = false;
  });
}

/** Only the worksheets the preflight measured (server/import/preflight.ts): a part elsewhere is not read. */
const SHEET_PATH = /^xl\/worksheets\/[^/]+\.xml$/i;

type Book = { sheets: Array<{ name: string; path: string }>; date1904: boolean };

/** The sheets in the workbook's own order with their names, and its date system. */
async function book(z: Zip): Promise<Book> {
  const rels = new Map<string, string>();
  await readWhole(z, z.entries.get('xl/_rels/workbook.xml.rels'), (p) =>
    p.on('opentag', (t) => {
      if (local(t.name) === 'Relationship' && t.attributes.Id && t.attributes.Target) rels.set(t.attributes.Id, t.attributes.Target);
    }));
  const listed: Array<{ name: string; rid: string }> = [];
  let date1904 = false;
  await readWhole(z, z.entries.get('xl/workbook.xml'), (p) =>
    p.on('opentag', (t) => {
      const n = local(t.name);
      if (n === 'workbookPr') date1904 = t.attributes.date1904 === '1' || t.attributes.date1904 === 'true';
      else if (n === 'sheet') listed.push({ name: t.attributes.name ?? '', rid: t.attributes['r:id'] ?? Object.entries(t.attributes).find(([k]) => k.endsWith(':id'))?.[1] ?? '' });
    }));
  const sheets: Book['sheets'] = [];
  const seen = new Set<string>();
  for (const s of listed) {
    const target = rels.get(s.rid);
    if (!target) continue;
    const path = target.startsWith('/') ? target.slice(1) : posix.normalize(posix.join('xl', target));
    if (SHEET_PATH.test(path) && z.entries.has(path) && !seen.has(path)) {
      seen.add(path);
      sheets.push({ name: s.name, path });
    }
  }
  // a workbook part missing or naming nothing: the worksheets in the zip's order, as exceljs found them
  if (!sheets.length) for (const path of z.order) if (/^xl\/worksheets\/sheet\d+\.xml$/.test(path)) sheets.push({ name: '', path });
  return { sheets, date1904 };
}

/** Column number (1-based) of a cell reference such as `AB12`; 0 when it has none. */
function columnOf(ref: string | undefined): number {
  if (!ref) return 0;
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i) & ~0x20; // upper case
    if (c < 0x41 || c > 0x5a) break;
    col = col * 26 + (c - 0x40);
  }
  return col;
}

/** exceljs's date conversion (utils.excelToDate), so that a date cell is the same Date to the millisecond. */
const excelToDate = (v: number, date1904: boolean) => new Date(Math.round((v - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));

/** One past the column limit, so that a header wider than the limit is seen (and refused). */
const MAX_CELLS = IMPORT_LIMITS.maxColumns + 1;

type Ctx = { strings: ReadonlyArray<string | null>; dateStyle: (s: number) => boolean | undefined; date1904: boolean };

/** The rows of one worksheet, each as its cells by column (index 0 is column A), null where empty. */
function sheetRows(p: Saxes, ctx: Ctx, out: SheetRow[], failed: { now: boolean }): void {
  let inData = false;
  let row: SheetRow | null = null;
  let rowNo = 0;
  let rowDate = false;
  let col = 0;
  // the cell being read
  let inCell = false;
  let type = '';
  let date = false;
  let formula = false;
  let value: string | null = null; // <v>
  let inline: string | null = null; // <is>
  let inV = false;
  let inT = false;
  let inIs = false;
  let phDepth = 0;

  const cellValue = (): Cell => {
    if (formula) {
      // a formula's cached result; none saved: no value
      if (value === null) return null;
      if (type === 'str') return value;
      if (type === 'e') return value;
      return parseFloat(value);
    }
    const v = type === 'inlineStr' ? (inline ?? value) : value;
    if (v === null) return null;
    switch (type) {
      case 's':
        return ctx.strings[parseInt(v, 10)] ?? null;
      case 'inlineStr':
      case 'str':
      case 'e':
        return v;
      case 'b':
        return parseInt(v, 10) !== 0;
      default: {
        const n = parseFloat(v);
        return date ? excelToDate(n, ctx.date1904) : n;
      }
    }
  };

  p.on('opentag', (t) => {
    const n = local(t.name);
    if (n === 'c') {
      if (!row) return;
      inCell = true;
      const ref = columnOf(t.attributes.r);
      col = ref || col + 1;
      type = t.attributes.t ?? '';
      const s = parseInt(t.attributes.s ?? '', 10);
      const d = s ? ctx.dateStyle(s) : undefined;
      date = d ?? rowDate;
      formula = false;
      value = null;
      inline = null;
    } else if (inCell) {
      if (n === 'v') {
        inV = true;
        value = '';
      } else if (n === 'f') formula = true;
      else if (n === 'is') {
        inIs = true;
        inline = '';
      } else if (n === 'rPh') phDepth++;
      else if (n === 't' && inIs && !phDepth) inT = true;
    } else if (n === 'row') {
      if (!inData) return;
      const r = parseInt(t.attributes.r ?? '', 10);
      rowNo = r > 0 ? r : rowNo + 1;
      row = { row: rowNo, cells: [] };
      col = 0;
      // exceljs gives a row's cells the row's style (s="0" too), a cell's own style replacing it
      const s = parseInt(t.attributes.s ?? '', 10);
      rowDate = s >= 0 ? (ctx.dateStyle(s) ?? false) : false;
    } else if (n === 'sheetData') inData = true;
  });
  p.on('text', (s) => {
    if (inV) value += s;
    else if (inT) inline += s;
  });
  p.on('closetag', (t) => {
    const n = local(t.name);
    if (n === 'v') inV = false;
    else if (n === 't') inT = false;
    else if (n === 'rPh') phDepth--;
    else if (n === 'is') inIs = false;
    else if (n === 'c') {
      if (!inCell || !row) return;
      inCell = false;
      const v = cellValue();
      // a formula without a saved result has no value but, as in exceljs, still makes the row that wide
      if ((v !== null || formula) && col >= 1) {
        const cells = row.cells;
        const at = Math.min(col, MAX_CELLS);
        while (cells.length < at) cells.push(null);
        // beyond the limit only the width counts (a header that wide is refused)
        if (col <= MAX_CELLS) cells[col - 1] = v;
      }
    } else if (n === 'row') {
      if (row && !failed.now) out.push(row);
      row = null;
    } else if (n === 'sheetData') inData = false;
  });
}

/** The worksheets of the workbook at `path`, in the workbook's order; each sheet's rows stream as they are read. */
export async function* readXlsx(path: string): AsyncGenerator<Sheet> {
  const z = await openZip(path);
  try {
    const b = await book(z);
    if (!b.sheets.length) return;
    const strings: Array<string | null> = [];
    await readWhole(z, z.entries.get('xl/sharedStrings.xml'), (p) => sharedStrings(p, strings));
    const custom = new Map<number, string>();
    const xfs: number[] = [];
    await readWhole(z, z.entries.get('xl/styles.xml'), (p) => styles(p, custom, xfs));
    const dates = xfs.map((id) => {
      const code = custom.get(id);
      return id ? (code ? isDateFormat(code) : BUILT_IN_DATES.has(id)) : false;
    });
    const ctx: Ctx = { strings, dateStyle: (s) => dates[s], date1904: b.date1904 };
    for (const s of b.sheets) {
      const entry = z.entries.get(s.path)!;
      yield {
        name: s.name,
        rows: (async function* () {
          const out: SheetRow[] = [];
          for await (const rows of parseEntry(z, entry, (p, failed) => sheetRows(p, ctx, out, failed), () => out.splice(0))) yield* rows;
        })(),
      };
    }
  } finally {
    // a sheet abandoned part-way (a limit broken) leaves its stream open: close it with the zip
    for (const s of z.open) s.destroy();
    z.zip.close();
  }
}
