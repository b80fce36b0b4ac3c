/**
 * CSV rows, streamed: UTF-8 with or without BOM, UTF-16 (Excel's "Unicode text"), and GB18030/GBK as
 * Excel and WPS on Chinese Windows save "CSV" by default. The file is read twice: once to check whether it
 * is valid UTF-8 (cheap, nothing kept), once to parse.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { unguardFormula } from '../../shared/import';
import { IMPORT_LIMITS } from './limits';
import type { SheetRow } from './read-xlsx';

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

async function head(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Valid UTF-8 is UTF-8 (GBK text is almost never valid UTF-8); anything else is read as GB18030, a superset of GBK. */
export async function detectEncoding(path: string): Promise<CsvEncoding> {
  const start = await head(path, 2);
  if (start[0] === 0xff && start[1] === 0xfe) return 'utf-16le';
  if (start[0] === 0xfe && start[1] === 0xff) return 'utf-16be';
  const strict = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) strict.decode(chunk as Buffer, { stream: true });
    strict.decode();
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** The delimiter the header line uses most: comma, tab (Excel's "text" export) or semicolon. */
export async function detectDelimiter(path: string, encoding: CsvEncoding): Promise<string> {
  const text = new TextDecoder(encoding).decode(await head(path, 64 * 1024));
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  const count = (d: string) => line.split(d).length - 1;
  const best = [',', '\t', ';'].map((d) => [d, count(d)] as const).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ',';
}

/** The export writes a text starting with = + - @ as '=…, so that Excel never runs it as a formula. */
export const unescapeFormula = unguardFormula;

function decoderStream(encoding: CsvEncoding): Transform {
  const decoder = new TextDecoder(encoding); // drops a BOM
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder.decode());
    },
  });
}

/** Rows numbered as a spreadsheet shows them: every record counts, blank lines included. */
export async function* readCsv(path: string, encoding: CsvEncoding, delimiter: string): AsyncGenerator<SheetRow> {
  const parser = parse({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  pipeline(createReadStream(path), decoderStream(encoding), parser, () => {
    // errors reach the loop below through the parser
  });
  let row = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    row++;
    yield { row, cells: record.slice(0, IMPORT_LIMITS.maxColumns + 1).map(unescapeFormula) };
  }
}
