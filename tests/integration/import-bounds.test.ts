/**
 * Hostile spreadsheets (docs/SECURITY.md "Decompression bombs and huge files"): each is generated here,
 * uploaded to the real server, and must get a 4xx naming the limit within seconds, with the server's
 * peak memory near a normal import's and nothing saved. Then the caps on what an answer may echo, and
 * on how many imports run at once.
 */
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMNS } from '../../shared/import';
import { IMPORT_LIMITS } from '../../server/import/limits';
import { api, startServer, tempDir, type ChildServer } from '../helpers/server';
import { workbook, writeZip } from '../helpers/zip';

let srv: ChildServer;
const dir = tempDir('hz-bombs-');
const HEADER = COLUMNS.map((c) => c.header).join(',');
const MiB = 1024 * 1024;

beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** VmHWM: the most memory the server process has held since it started. */
const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${srv.pid()}/status`, 'utf8'))![1]) * 1024;

async function upload(data: Buffer, name: string) {
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(data)]), name);
  const t0 = Date.now();
  const res = await fetch(`${srv.url}/api/v1/hazards/import`, { method: 'POST', headers: { authorization: `Bearer ${srv.tokens.reporter}` }, body: fd });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), bytes: text.length, ms: Date.now() - t0 };
}

async function uploadZip(name: string, entries: Parameters<typeof writeZip>[1]) {
  const path = join(dir, name);
  await writeZip(path, entries);
  const data = readFileSync(path);
  rmSync(path);
  return { ...(await upload(data, name)), fileBytes: data.length };
}

const totalHazards = async () => (await api(srv.url, srv.tokens.admin, 'GET', '/api/v1/summary')).body.totals.total as number;

function* repeat(s: string, times: number) {
  for (let i = 0; i < times; i++) yield s;
}

describe('decompression bombs', () => {
  let baseline = 0;
  beforeAll(async () => {
    // a normal import first: the peak memory every bomb is compared with
    const rows = Array.from({ length: 2000 }, (_, i) => `NORMAL-${i},141102,coal,一般隐患,正常导入 ${i},,,,,2024-11-18 09:30,,`);
    const r = await upload(Buffer.from(`${HEADER}\r\n${rows.join('\r\n')}\r\n`), 'normal.csv');
    expect(r.status).toBe(200);
    expect(r.body.accepted).toBe(2000);
    baseline = peakRss();
  });

  it('one 300 MiB cell → 413 from the zip directory, the file is 300 KB', async () => {
    const cell = 'A'.repeat(MiB);
    const r = await uploadZip('cell.xlsx', workbook(function* () {
      yield '<row r="1"><c r="A1" t="inlineStr"><is><t>';
      yield* repeat(cell, 300);
      yield '</t></is></c></row>';
    }));
    expect(r.fileBytes).toBeLessThan(2 * MiB);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('too_large_uncompressed');
    expect(r.body.error.message).toContain(IMPORT_LIMITS.maxEntryBytes.toLocaleString('en-US'));
    expect(r.ms).toBeLessThan(10_000);
  });

  it('the same cell with a forged small size in the directory → refused while inflating', async () => {
    const cell = 'A'.repeat(MiB);
    const r = await uploadZip('forged.xlsx', workbook(function* () {
      yield '<row r="1"><c r="A1" t="inlineStr"><is><t>';
      yield* repeat(cell, 300);
      yield '</t></is></c></row>';
    }, undefined, 1000));
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(['cell_too_long', 'unreadable_file']).toContain(r.body.error.code);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a 2 MiB cell within every size limit → 413 cell_too_long', async () => {
    const r = await uploadZip('long-cell.xlsx', workbook(function* () {
      yield `<row r="1"><c r="A1" t="inlineStr"><is><t>${'长'.repeat(2 * MiB / 3)}</t></is></c></row>`;
    }));
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('cell_too_long');
    expect(r.body.error.message).toContain('32,767');
  });

  it('three million shared strings → 413 naming the limit', async () => {
    const r = await uploadZip('strings.xlsx', workbook(
      () => repeat('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', 1),
      function* () {
        for (let i = 0; i < 3_000_000; i++) yield `<si><t>${i}</t></si>`;
      },
    ));
    expect(r.status).toBe(413);
    expect(r.body.error.message).toContain(IMPORT_LIMITS.maxSharedStrings.toLocaleString('en-US'));
    expect(r.ms).toBeLessThan(15_000);
  });

  it('three million rows → 413 too_many_rows, nothing saved', async () => {
    const before = await totalHazards();
    const r = await uploadZip('rows.xlsx', workbook(function* () {
      for (let i = 1; i <= 3_000_000; i++) yield `<row r="${i}"><c r="A${i}"><v>${i}</v></c></row>`;
    }));
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('too_many_rows');
    expect(r.body.error.message).toContain('100,000');
    expect(r.ms).toBeLessThan(15_000);
    expect(await totalHazards()).toBe(before);
  });

  it('peak memory after all the bombs stays near the normal import’s', () => {
    // generous: unbounded, the 300 MiB cell alone took the server past 2 GB
    expect(peakRss() - baseline).toBeLessThan(150 * MiB);
  });
});

describe('huge CSV', () => {
  it('2,000,000 bad rows → 413 too_many_rows in seconds, nothing saved', async () => {
    const before = await totalHazards();
    const r = await upload(Buffer.from(`${HEADER}\r\n${'x,,,,\r\n'.repeat(2_000_000)}`), 'bad.csv');
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('too_many_rows');
    expect(r.ms).toBeLessThan(20_000);
    expect(await totalHazards()).toBe(before);
  });

  it('100,000 bad rows → 200 listing the first 1,000, the total count, in a small answer', async () => {
    const first = `BAD-0,141102,coal,一般隐患,${'很长的标题'.repeat(2000)},,,,,2024-11-18,,\r\n`;
    const r = await upload(Buffer.from(`${HEADER}\r\n${first}${'BAD-1,141102,coal,一般隐患,标题,,,,,不是日期,,\r\n'.repeat(99_999)}`), 'many-bad.csv');
    expect(r.status).toBe(200);
    expect(r.body.rows).toBe(100_000);
    expect(r.body.rejectedCount).toBe(100_000);
    expect(r.body.rejected).toHaveLength(IMPORT_LIMITS.maxRejectedListed);
    expect(r.body.rejected[0].row).toBe(2);
    expect(r.body.rejected[999].row).toBe(1001);
    // the 10,000-character title is echoed cut to 200 characters and an ellipsis
    expect(r.body.rejected[0].values['隐患名称']).toHaveLength(IMPORT_LIMITS.maxEchoChars + 1);
    expect(r.bytes).toBeLessThan(5 * MiB);
  }, 60_000);

  it('a million columns → 400 too_many_columns with a short answer', async () => {
    const r = await upload(Buffer.from(`${HEADER}${','.repeat(1_000_000)}\r\n`), 'wide.csv');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('too_many_columns');
    expect(r.bytes).toBeLessThan(2000);
  });

  it('one 45 MB field → 413 cell_too_long, not echoed', async () => {
    const r = await upload(Buffer.from(`${HEADER}\r\nX-1,141102,coal,一般隐患,${'A'.repeat(45 * MiB)},,,,,2024-11-18,,\r\n`), 'field.csv');
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('cell_too_long');
    expect(r.bytes).toBeLessThan(2000);
  });

  it('ignoredColumns is bounded: each header cut to 200 characters', async () => {
    const r = await upload(Buffer.from(`${HEADER},${'备注'.repeat(1000)}\r\n`), 'remarks.csv');
    expect(r.status).toBe(200);
    expect(r.body.ignoredColumns).toEqual([`${'备注'.repeat(100)}…`]);
  });
});

describe('imports at once', () => {
  it(`at most ${IMPORT_LIMITS.maxConcurrent} per node: the next gets 429 import_busy; a slot frees when one ends`, async () => {
    // uploads that trickle: each holds its slot until it is aborted
    const boundary = 'hzbound';
    const held = Array.from({ length: IMPORT_LIMITS.maxConcurrent }, () => {
      const req = request(`${srv.url}/api/v1/hazards/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${srv.tokens.reporter}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      req.on('error', () => undefined);
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.csv"\r\n\r\n${HEADER}\r\n`);
      return req;
    });
    await new Promise((r) => setTimeout(r, 500));
    const busy = await upload(Buffer.from(`${HEADER}\r\n`), 'fourth.csv');
    expect(busy.status).toBe(429);
    expect(busy.body.error.code).toBe('import_busy');
    for (const req of held) req.destroy();
    await new Promise((r) => setTimeout(r, 500));
    const after = await upload(Buffer.from(`${HEADER}\r\nOK-1,141102,coal,一般隐患,慢上传之后,,,,,2024-11-18 09:30,,\r\n`), 'after.csv');
    expect(after.status).toBe(200);
    expect(after.body.accepted).toBe(1);
  });
});
