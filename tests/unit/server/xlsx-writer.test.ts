/**
 * The export's own xlsx writer (server/import/xlsx-writer.ts) against the reference it replaced, exceljs' streaming
 * writer: for random ledgers — Chinese text, the five XML specials, control characters, empty cells, deadlines and
 * none — every part of the two workbooks is the same byte for byte (docProps/core.xml apart from its timestamps),
 * and so is what the import's reader reads back. Also through a slow destination (back-pressure).
 */
import { Writable } from 'node:stream';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { StoredHazard } from '../../../server/hazards/hazards.repository';
import { hazardView } from '../../../server/hazards/hazards.service';
import { exportCells, exportView, writeXlsx, writeXlsxWithExceljs, type ExportRow } from '../../../server/import/export';
import { excel } from '../../../server/import/excel';
import { LEVEL_CODES, SECTOR_CODES, SOURCE_CODES, STATUS_CODES } from '../../../shared/domain';
import type { Hazard } from '../../../shared/schemas';
import { makeHazard, rng } from '../../helpers/hazards';

type Rng = ReturnType<typeof rng>;
const pick = <T>(r: Rng, xs: readonly T[]) => xs[r.int(xs.length)]!;
const PIECES = ['隐患', '煤矿', '<', '>', '&', '"', "'", '&amp;', '\n', '\t', '\u0001', '\u007f', ' ', 'a', 'Z9', '—', '𠀋', '=SUM(A1)', ''];
const text = (r: Rng, max: number) => Array.from({ length: r.int(max) }, () => pick(r, PIECES)).join('');

function row(r: Rng, i: number): ExportRow {
  const day = `2026-${String(1 + r.int(12)).padStart(2, '0')}-${String(1 + r.int(28)).padStart(2, '0')}`;
  const hazard = {
    id: `H-${i}-${text(r, 3)}`, regionCode: pick(r, ['140105', '141102', '140800', '999999']), sector: pick(r, SECTOR_CODES),
    level: pick(r, LEVEL_CODES), title: text(r, 12), description: r.next() < 0.5 ? text(r, 30) : undefined,
    enterprise: r.next() < 0.8 ? { name: text(r, 6), creditCode: r.next() < 0.5 ? '91140100MA0XYZ1234' : undefined } : undefined,
    source: pick(r, SOURCE_CODES), discoveredAt: `${day}T0${r.int(10)}:00:00.000Z`, deadline: r.next() < 0.6 ? day : undefined,
    linkedTo: r.next() < 0.1 ? `H-${r.int(i + 1)}` : undefined, status: pick(r, STATUS_CODES), overdue: r.next() < 0.3,
    listedBy: r.next() < 0.1 ? pick(r, ['province', 'city', 'county']) : undefined, extensions: r.int(3),
    reportedAt: `${day}T10:00:00.000Z`, updatedAt: `${day}T11:00:00.000Z`,
  } as unknown as Hazard;
  const actor = () => (r.next() < 0.7 ? { kind: 'user', id: `u${r.int(5)}`, name: text(r, 4), role: 'reporter' } : null) as ExportRow['reportedBy'];
  return { hazard, reportedBy: actor(), changedBy: actor() };
}

async function* each(rows: ExportRow[]): AsyncGenerator<ExportRow> {
  yield* rows;
}

/** A destination that keeps the bytes; `slow` answers every write a tick later with a tiny buffer (back-pressure). */
function sink(slow = false): { out: Writable; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const out = new Writable({
    highWaterMark: slow ? 256 : 16_384,
    write(chunk: Buffer, _e, done) {
      parts.push(Buffer.from(chunk));
      if (slow) setTimeout(done, 0);
      else done();
    },
  });
  return { out, bytes: () => Buffer.concat(parts) };
}

/** The entries of a ZIP, from its central directory. */
function unzip(zip: Buffer): Map<string, string> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, string>();
  for (let k = 0; k < count; k++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 24);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const compressed = zip.readUInt32LE(at + 20);
    const data = zip.subarray(dataAt, dataAt + compressed);
    const content = method === 8 ? inflateRawSync(data) : data;
    expect(content.length, name).toBe(size);
    files.set(name.replace(/^\//, ''), content.toString('utf8'));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

const timeless = (xml: string) => xml.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'T');

async function readBack(zip: Buffer): Promise<unknown[][]> {
  const { Readable } = await import('node:stream');
  const reader = new (excel().WorkbookReader)(Readable.from([zip]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache' });
  const rows: unknown[][] = [];
  for await (const ws of reader) for await (const r of ws as AsyncIterable<{ values: unknown[] }>) rows.push(r.values);
  return rows;
}

describe('the export xlsx writer', () => {
  it.each([0, 1, 2, 3, 4])('writes what exceljs wrote, part for part (seed %i)', async (seed) => {
    const r = rng(seed);
    const rows = Array.from({ length: seed === 0 ? 0 : 1 + r.int(400) }, (_, i) => row(r, i));
    const mine = sink(seed % 2 === 1);
    const ref = sink();
    expect(await writeXlsx(mine.out, each(rows))).toBe(rows.length);
    expect(await writeXlsxWithExceljs(ref.out, each(rows))).toBe(rows.length);
    const a = unzip(mine.bytes());
    const b = unzip(ref.bytes());
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [name, xml] of b) {
      if (name === 'docProps/core.xml') expect(timeless(a.get(name)!)).toBe(timeless(xml));
      else expect(a.get(name), name).toBe(xml);
    }
    // and what the import reads back from each
    expect(await readBack(mine.bytes())).toEqual(await readBack(ref.bytes()));
  }, 60_000);

  it('the export view prints the same cells as the API view it stands in for', () => {
    const r = rng(11);
    const today = '2026-06-15';
    for (let i = 0; i < 2000; i++) {
      const input = makeHazard(r, i, {
        ...(r.next() < 0.5 ? { description: text(r, 20) } : {}),
        ...(r.next() < 0.6 ? { enterprise: { name: text(r, 5), ...(r.next() < 0.5 ? { creditCode: '91140100MA0XYZ1234' } : {}) } } : {}),
        ...(r.next() < 0.2 ? { linkedTo: `T-${r.int(i + 1)}` } : {}),
      });
      const day = `2026-0${1 + r.int(9)}-1${r.int(10)}`;
      const h = {
        id: input.id, input, regionCode: input.regionCode, cityCode: `${input.regionCode.slice(0, 4)}00`, sector: input.sector,
        level: r.next() < 0.1 ? (input.level === 'major' ? 'general' : 'major') : input.level, status: pick(r, STATUS_CODES),
        deadline: r.next() < 0.8 ? (input.deadline ?? day) : null, listedBy: r.next() < 0.2 ? pick(r, ['province', 'city', 'county'] as const) : null,
        discoveredAt: input.discoveredAt, reportedAt: `${day}T01:00:00.000Z`, updatedAt: `${day}T02:00:00.000Z`, closedAt: null,
        extensions: r.int(3), createdSeq: i * 2 + 1, updatedSeq: i * 2 + 2, contentHash: 'x', ...(r.next() < 0.5 ? { planMissing: r.next() < 0.5 } : {}),
      } as StoredHazard;
      const actors = { reportedBy: null, changedBy: null };
      expect(exportCells({ hazard: exportView(h, today), ...actors })).toEqual(exportCells({ hazard: hazardView(h, today), ...actors }));
    }
  });

  it('ends with an error when the destination goes away, instead of waiting', async () => {
    const r = rng(9);
    const rows = Array.from({ length: 3000 }, (_, i) => row(r, i));
    let written = 0;
    const out = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _e, done) {
        written += chunk.length;
        if (written > 20_000) this.destroy(new Error('gone'));
        else setTimeout(done, 0);
      },
    });
    out.on('error', () => undefined);
    await expect(writeXlsx(out, each(rows))).rejects.toThrow();
  });
});
