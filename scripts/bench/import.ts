/**
 * The spreadsheet import end to end: a 20,000-row .xlsx (generated here, Chinese values and mixed date
 * forms as offices send them) uploaded to POST /api/v1/hazards/import of the real server as a child
 * process. Measures the rows per second of the whole request and the server's resident memory while it
 * runs (sampled from its /metrics every 50 ms), then the same file again (all duplicates).
 * Run alone: `npx tsx scripts/bench/import.ts [rows]`.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { SECTORS, SOURCES } from '../../shared/domain';
import { COLUMNS } from '../../shared/import';
import { ALL_REGIONS } from '../../shared/regions';
import { startServer, tempDir } from '../../tests/helpers/server';

export type ImportBench = {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
  /** before the upload */
  baselineRssMb: number;
  fileMb: number;
  /** the same file again: every row a duplicate */
  duplicateSeconds: number;
};

const REGIONS = ALL_REGIONS.filter((r) => r.level !== 'province');

export async function writeLedger(file: string, rows: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('隐患台账');
  ws.addRow(COLUMNS.map((c) => c.header)).commit();
  for (let i = 0; i < rows; i++) {
    const region = REGIONS[i % REGIONS.length]!;
    const major = i % 7 === 0;
    const day = 1 + (i % 28);
    const discovered = i % 2 ? new Date(Date.UTC(2024, 10, day, 8 + (i % 10), i % 60)) : `2024年11月${day}日`;
    const row = ws.addRow([
      `BENCH-${i}`, i % 3 ? region.fullName : region.code, SECTORS[i % SECTORS.length]!.zh, major ? '重大隐患' : '一般隐患',
      `基准测试隐患 ${i}：主要通风机无备用电源`, i % 5 ? '' : '风机房仅一回路供电，未设置备用电源，存在停风风险', `基准测试企业${i % 500}有限公司`, '',
      SOURCES[i % SOURCES.length]!.zh, discovered, major || i % 3 === 0 ? new Date(Date.UTC(2025, 0, 1 + (i % 300))) : '', '',
    ]);
    if (discovered instanceof Date) row.getCell(10).numFmt = 'yyyy-mm-dd hh:mm';
    row.commit();
  }
  ws.commit();
  await wb.commit();
}

async function rssMb(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^process_resident_memory_bytes ([\d.e+]+)/m.exec(text)?.[1] ?? NaN) / 1024 / 1024;
}

async function upload(url: string, token: string, bytes: Buffer, name: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/hazards/import`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = (await res.json()) as { accepted: number; duplicates: number; rejected: unknown[] };
  if (res.status !== 200) throw new Error(`import answered ${res.status}: ${JSON.stringify(body)}`);
  return { seconds: (performance.now() - t0) / 1000, body };
}

export async function benchImport(rows = 20_000): Promise<ImportBench> {
  const dir = tempDir('hz-bench-import-');
  const file = join(dir, 'ledger.xlsx');
  await writeLedger(file, rows);
  const bytes = readFileSync(file);
  const server = await startServer();
  try {
    const baselineRssMb = await rssMb(server.url);
    let peak = baselineRssMb;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssMb(server.url));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const first = await upload(server.url, server.tokens.admin, bytes, 'ledger.xlsx');
    sampling = false;
    await sampler;
    peak = Math.max(peak, await rssMb(server.url));
    if (first.body.accepted !== rows || first.body.rejected.length) {
      throw new Error(`expected ${rows} accepted, got ${first.body.accepted} and ${first.body.rejected.length} rejected: ${JSON.stringify(first.body.rejected[0])}`);
    }
    const again = await upload(server.url, server.tokens.admin, bytes, 'ledger.xlsx');
    if (again.body.duplicates !== rows) throw new Error(`re-import: expected ${rows} duplicates, got ${again.body.duplicates}`);
    const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
    return {
      rows,
      seconds: round(first.seconds, 2),
      rowsPerSecond: Math.round(rows / first.seconds),
      peakRssMb: round(peak),
      baselineRssMb: round(baselineRssMb),
      fileMb: round(bytes.length / 1024 / 1024, 2),
      duplicateSeconds: round(again.seconds, 2),
    };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchImport(Number(process.argv[2] ?? 20_000)).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
