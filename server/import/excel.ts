/**
 * exceljs, with its streaming reader fixed for Chinese text. exceljs 4.4 decodes each inflated chunk
 * of the sheet XML on its own (lib/utils/parse-sax.js), so a character whose UTF-8 bytes straddle two
 * chunks becomes "��" — about one cell in a few thousand of a Chinese ledger (exceljs issues #2063,
 * #2084, #2316; fixes #1665, #1821, #2894 unmerged). The replacement below decodes with a streaming
 * TextDecoder, which carries a split character over to the next chunk. It is installed in the module
 * cache before exceljs loads its readers; the readers are then required afresh, so they bind it even if
 * exceljs was loaded earlier. Take exceljs from `excel()` here, never directly, in server code.
 */
import { createRequire } from 'node:module';
import type ExcelJSType from 'exceljs';

type SaxEvent = { eventType: 'opentag' | 'text' | 'closetag'; value: unknown };
type Saxes = { on(event: string, fn: (v: unknown) => void): void; write(s: string): void };

const req = createRequire(import.meta.url);
const saxPath = req.resolve('exceljs/lib/utils/parse-sax.js');
type SaxesCtor = new () => Saxes;

async function* parseSax(iterable: AsyncIterable<Buffer | string>): AsyncGenerator<SaxEvent[]> {
  const { SaxesParser } = createRequire(saxPath)('saxes') as { SaxesParser: SaxesCtor };
  const parser = new SaxesParser();
  const decoder = new TextDecoder('utf-8');
  let error: unknown;
  let events: SaxEvent[] = [];
  parser.on('error', (e) => {
    error = e;
  });
  for (const type of ['opentag', 'text', 'closetag'] as const) parser.on(type, (value) => events.push({ eventType: type, value }));
  const feed = (text: string) => {
    parser.write(text);
    if (error) throw error;
    const out = events;
    events = [];
    return out;
  };
  for await (const chunk of iterable) yield feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
  const rest = decoder.decode();
  if (rest) yield feed(rest);
}

type Excel = { ExcelJS: typeof ExcelJSType; WorkbookReader: typeof ExcelJSType.stream.xlsx.WorkbookReader };
let loaded: Excel | undefined;

/**
 * exceljs with the fixed reader, loaded on first use: it costs about a second of start-up that a wall's
 * server never needs until someone imports or exports a spreadsheet.
 */
export function excel(): Excel {
  if (loaded) return loaded;
  req(saxPath);
  req.cache[saxPath]!.exports = parseSax;
  for (const m of ['workbook-reader', 'worksheet-reader', 'hyperlink-reader']) delete req.cache[req.resolve(`exceljs/lib/stream/xlsx/${m}.js`)];
  loaded = {
    WorkbookReader: req('exceljs/lib/stream/xlsx/workbook-reader.js') as Excel['WorkbookReader'],
    ExcelJS: req('exceljs') as Excel['ExcelJS'],
  };
  return loaded;
}
