import { WorkbookReader } from './server/import/excel';
import { writeLedger } from './scripts/bench/import';
const file = '/tmp/hzscratch/l20k.xlsx';
await writeLedger(file, 20000);
for (const styles of ['cache', 'ignore', 'cache', 'ignore'] as const) {
  const c0 = process.cpuUsage(); let n = 0;
  for await (const ws of new WorkbookReader(file, { styles, sharedStrings: 'cache', worksheets: 'emit', hyperlinks: 'ignore' }) as any) for await (const r of ws) { n++; void r.values; }
  const c = process.cpuUsage(c0); console.log(styles, n, Math.round((c.user + c.system) / 1000));
}
