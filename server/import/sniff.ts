/**
 * What an upload is, from its first bytes rather than its name: offices rename files, and WPS saves HTML
 * or old binary workbooks under .xls. Anything that is not an .xlsx or a text CSV is refused with 415,
 * saying what was expected.
 */
import { open } from 'node:fs/promises';
import { ServiceError } from '../errors';

export type FileKind = 'xlsx' | 'csv';

export const EXPECTED = '请上传按模板填写的 .xlsx 工作簿或 .csv 文件 / expected an .xlsx workbook or a .csv file laid out as the template';

const SIGNATURES: Array<[number[], string]> = [
  [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], '旧版 Excel/WPS 二进制格式（.xls/.et），请另存为 .xlsx / a legacy binary .xls workbook: save it as .xlsx'],
  [[0x25, 0x50, 0x44, 0x46], 'PDF 文件 / a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47], 'PNG 图片 / a PNG image'],
  [[0xff, 0xd8, 0xff], 'JPEG 图片 / a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'GIF 图片 / a GIF image'],
  [[0x1f, 0x8b], 'gzip 压缩包 / a gzip archive'],
  [[0x52, 0x61, 0x72, 0x21], 'RAR 压缩包 / a RAR archive'],
  [[0x37, 0x7a, 0xbc, 0xaf], '7z 压缩包 / a 7z archive'],
];

export const unsupported = (what: string): ServiceError =>
  new ServiceError(415, 'unsupported_file', `不支持的文件：${what}。${EXPECTED}`, { expected: ['.xlsx', '.csv'] });

/**
 * A zip ends with its directory (the end record, signature PK\x05\x06, within the last 64 KiB + 22 bytes).
 * A file cut short has none, and the streaming unzipper would wait for the rest of an entry for ever.
 */
async function hasZipEnd(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const n = Math.min(size, 65_535 + 22);
    const tail = Buffer.alloc(n);
    await fh.read(tail, 0, n, size - n);
    return tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) >= 0;
  } finally {
    await fh.close();
  }
}

export async function sniff(path: string): Promise<FileKind> {
  const fh = await open(path, 'r');
  let buf: Buffer;
  try {
    buf = Buffer.alloc(4096);
    buf = buf.subarray(0, (await fh.read(buf, 0, buf.length, 0)).bytesRead);
  } finally {
    await fh.close();
  }
  if (buf.length === 0) throw new ServiceError(400, 'empty_file', '文件是空的 / the file is empty');
  const startsWith = (sig: number[]) => sig.every((b, i) => buf[i] === b);
  if (startsWith([0x50, 0x4b, 0x03, 0x04])) {
    if (!(await hasZipEnd(path))) {
      throw new ServiceError(400, 'unreadable_file', '文件不完整（上传中断或文件已损坏），请重新保存后再上传 / the workbook is incomplete: its zip directory is missing');
    }
    return 'xlsx';
  }
  for (const [sig, what] of SIGNATURES) if (startsWith(sig)) throw unsupported(what);
  const utf16 = (buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff);
  if (!utf16 && buf.includes(0)) throw unsupported('二进制文件 / a binary file');
  const text = buf.toString('latin1').replace(/^\uFEFF|^ï»¿/, '').trimStart();
  if (text.startsWith('<')) throw unsupported('HTML/XML 文档（WPS 有时以 .xls 名保存网页格式），请另存为 .xlsx / an HTML or XML document');
  return 'csv';
}
