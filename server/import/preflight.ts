/**
 * Before a single row is read into the store, the file is measured: an .xlsx's zip directory (entries,
 * declared sizes), then every worksheet and the shared-strings table inflated once — counting rows,
 * shared strings and the longest text between two tags — with yauzl checking that each entry inflates
 * to exactly the size it declares. A CSV is parsed once with record-size and column limits. A bomb
 * (a 300 MiB cell, millions of rows or strings) is refused in seconds with the limit it broke, before
 * anything is saved and before the reader holds any of it in memory.
 */
import { createReadStream } from 'node:fs';
import yauzl from 'yauzl';
import { ServiceError } from '../errors';
import { IMPORT_LIMITS as L, cellTooLong, tooLargeInflated, tooManyColumns, tooManyRows } from './limits';
import type { CsvEncoding } from './read-csv';

/** Title rows above the header and the header itself may come on top of the data rows. */
const ROW_ALLOWANCE = 20;
/** Bytes of XML between two tags: a cell of the longest text, every character escaped (&quot; is 6 bytes). */
const MAX_TEXT_RUN = L.maxCellChars * 6;
const LT = 0x3c;

type Counts = { rows: number; strings: number; run: number };

/** Counts `<row` and `<si` tags and the longest run without `<`, across chunk boundaries. */
class XmlScan {
  readonly counts: Counts = { rows: 0, strings: 0, run: 0 };
  private tail = Buffer.alloc(0);
  private runStart = 0;
  private offset = 0;

  feed(chunk: Buffer): void {
    const buf = this.tail.length ? Buffer.concat([this.tail, chunk]) : chunk;
    const base = this.offset - this.tail.length;
    let i = buf.indexOf(LT);
    while (i >= 0 && i < buf.length - 4) {
      this.counts.run = Math.max(this.counts.run, base + i - this.runStart);
      this.runStart = base + i;
      const a = buf[i + 1], b = buf[i + 2], c = buf[i + 3], d = buf[i + 4];
      if (a === 0x72 && b === 0x6f && c === 0x77 && (d === 0x20 || d === 0x3e)) this.counts.rows++; // <row
      else if (a === 0x73 && b === 0x69 && (c === 0x20 || c === 0x3e)) this.counts.strings++; // <si
      i = buf.indexOf(LT, i + 1);
    }
    // keep the last bytes: a tag name may straddle the next chunk
    const keepFrom = i >= 0 ? i : Math.max(0, buf.length - 4);
    this.tail = Buffer.from(buf.subarray(keepFrom));
    this.offset += chunk.length;
    this.counts.run = Math.max(this.counts.run, this.offset - this.runStart);
  }
}

const openZip = (path: string) =>
  new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true, strictFileNames: false, validateEntrySizes: true }, (e, z) => (e ? reject(e) : resolve(z))));

const SCANNED = /^xl\/(worksheets\/[^/]+\.xml|sharedStrings\.xml)$/i;

function scanEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Counts> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (e, stream) => {
      if (e) return reject(e);
      const scan = new XmlScan();
      stream.on('data', (chunk: Buffer) => {
        scan.feed(chunk);
        const c = scan.counts;
        const broken = c.run > MAX_TEXT_RUN ? cellTooLong() : c.rows > L.maxRows + ROW_ALLOWANCE ? tooManyRows()
          : c.strings > L.maxSharedStrings ? tooLargeInflated(`${c.strings.toLocaleString('en-US')}+ 个共享字符串 / shared strings`, L.maxSharedStrings) : null;
        if (broken) {
          stream.destroy();
          reject(broken);
        }
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(scan.counts));
    });
  });
}

/** Throws the limit an .xlsx breaks; a zip yauzl cannot read is `unreadable_file`. */
export async function preflightXlsx(path: string): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(path);
  } catch (e) {
    throw unreadable(e);
  }
  if (zip.entryCount > L.maxZipEntries) {
    zip.close();
    throw tooLargeInflated(`${zip.entryCount} 个压缩条目 / zip entries`, L.maxZipEntries);
  }
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (e: unknown) => {
      zip.close();
      reject(e instanceof ServiceError ? e : unreadable(e));
    };
    zip.on('error', fail);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      total += entry.uncompressedSize;
      if (entry.uncompressedSize > L.maxEntryBytes) return fail(tooLargeInflated(`${entry.fileName} ${entry.uncompressedSize.toLocaleString('en-US')} 字节 / bytes`, L.maxEntryBytes));
      if (total > L.maxTotalBytes) return fail(tooLargeInflated(`合计 / in all ${total.toLocaleString('en-US')} 字节 / bytes`, L.maxTotalBytes));
      if (!SCANNED.test(entry.fileName)) return zip.readEntry();
      scanEntry(zip, entry).then(() => zip.readEntry(), fail);
    });
    zip.readEntry();
  });
}

const unreadable = (e: unknown) =>
  new ServiceError(400, 'unreadable_file', `无法读取该 .xlsx 文件 / the workbook cannot be read: ${e instanceof Error ? e.message : String(e)}`);

/**
 * Records, fields and field lengths of CSV text, counted character by character as csv-parse with
 * relax_quotes reads them (a quote opens a quoted field only at the field's start; "" inside is one
 * quote), but without building a single record: a hundred times faster than parsing.
 */
class CsvScan {
  records = 0;
  fields = 1;
  field = 0;
  private quoted = false;
  private quoteSeen = false;
  private atStart = true;
  private lineHasText = false;

  constructor(private readonly delimiter: number, private readonly check: (s: CsvScan) => void) {}

  feed(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (c === 0x22) {
            this.field++;
            continue;
          }
          this.quoted = false; // the closing quote; c is read as outside
        } else {
          if (c === 0x22) this.quoteSeen = true;
          else this.field++;
          continue;
        }
      }
      if (c === this.delimiter) this.nextField();
      else if (c === 0x0a) this.endRecord();
      else if (c !== 0x0d) {
        if (c === 0x22 && this.atStart) this.quoted = true;
        else this.field++;
        this.atStart = false;
        this.lineHasText = true;
      }
      if (this.field > L.maxCellChars) this.check(this);
    }
  }

  private nextField(): void {
    this.fields++;
    this.field = 0;
    this.atStart = true;
    this.lineHasText = true;
    if (this.fields > L.maxColumns) this.check(this);
  }

  endRecord(): void {
    if (this.lineHasText) this.records++;
    this.check(this);
    this.fields = 1;
    this.field = 0;
    this.atStart = true;
    this.lineHasText = false;
  }
}

/** Throws the limit a CSV breaks: too many records, a cell too long, a record too wide. */
export async function preflightCsv(path: string, encoding: CsvEncoding, delimiter: string): Promise<void> {
  const scan = new CsvScan(delimiter.charCodeAt(0), (s) => {
    if (s.field > L.maxCellChars) throw cellTooLong(s.records + 1);
    if (s.fields > L.maxColumns) throw tooManyColumns(s.fields);
    if (s.records > L.maxRows + ROW_ALLOWANCE) throw tooManyRows();
  });
  const decoder = new TextDecoder(encoding);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) scan.feed(decoder.decode(chunk as Buffer, { stream: true }));
  scan.feed(decoder.decode());
  scan.endRecord();
}
