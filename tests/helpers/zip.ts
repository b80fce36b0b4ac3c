/**
 * A minimal zip writer for generating hostile workbooks in tests: entries are deflated from generated
 * chunks (a 300 MiB cell never sits in memory, only its few hundred KB of deflate output), and an entry
 * may declare a size other than its real one, as a forged file would.
 */
import { writeFileSync } from 'node:fs';
import { constants, crc32, createDeflateRaw } from 'node:zlib';

export type ZipEntry = { name: string; chunks: () => Iterable<string | Buffer>; declaredSize?: number };

async function deflate(chunks: Iterable<string | Buffer>): Promise<{ data: Buffer; crc: number; size: number }> {
  const z = createDeflateRaw({ level: constants.Z_BEST_SPEED });
  const out: Buffer[] = [];
  z.on('data', (b: Buffer) => out.push(b));
  const done = new Promise<void>((r) => z.once('end', () => r()));
  let crc = 0;
  let size = 0;
  // generators yield millions of small pieces: write them a megabyte at a time
  let pending: Array<string | Buffer> = [];
  let pendingBytes = 0;
  const write = async () => {
    const b = Buffer.concat(pending.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
    pending = [];
    pendingBytes = 0;
    crc = crc32(b, crc);
    size += b.length;
    if (!z.write(b)) await new Promise((r) => z.once('drain', r));
  };
  for (const c of chunks) {
    pending.push(c);
    pendingBytes += c.length;
    if (pendingBytes >= 1 << 20) await write();
  }
  await write();
  z.end();
  await done;
  return { data: Buffer.concat(out), crc, size };
}

export async function writeZip(path: string, entries: ZipEntry[]): Promise<void> {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const { data, crc, size } = await deflate(e.chunks());
    const declared = e.declaredSize ?? size;
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4);
    dir.writeUInt16LE(20, 6);
    dir.writeUInt16LE(0x0800, 8);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(crc >>> 0, 16);
    dir.writeUInt32LE(data.length, 20);
    dir.writeUInt32LE(declared, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    parts.push(local, name, data);
    central.push(dir, name);
    offset += local.length + name.length + data.length;
  }
  const dirBytes = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirBytes, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(path, Buffer.concat([...parts, ...central, end]));
}

const once = (s: string) => () => [s];

/** An .xlsx around one worksheet's XML (and optionally a shared-strings table), both generated. */
export function workbook(sheetData: () => Iterable<string>, sharedStrings?: () => Iterable<string>, sheetSize?: number): ZipEntry[] {
  const ct = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    + '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>';
  const rels = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>';
  const wb = '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    + '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>';
  const wbRels = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>';
  function* sheet() {
    yield '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
    yield* sheetData();
    yield '</sheetData></worksheet>';
  }
  function* strings() {
    yield '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">';
    yield* sharedStrings!();
    yield '</sst>';
  }
  return [
    { name: '[Content_Types].xml', chunks: once(ct) },
    { name: '_rels/.rels', chunks: once(rels) },
    { name: 'xl/workbook.xml', chunks: once(wb) },
    { name: 'xl/_rels/workbook.xml.rels', chunks: once(wbRels) },
    ...(sharedStrings ? [{ name: 'xl/sharedStrings.xml', chunks: strings }] : []),
    { name: 'xl/worksheets/sheet1.xml', chunks: sheet, ...(sheetSize !== undefined ? { declaredSize: sheetSize } : {}) },
  ];
}
