import { WorkbookReader } from './server/import/excel';
import ExcelJS from 'exceljs';
const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: '/tmp/hzscratch/big.xlsx', useSharedStrings: true });
const ws = wb.addWorksheet('s');
for (let i = 0; i < 30000; i++) ws.addRow([`特种设备导入测试隐患${i}`, `吕梁市离石区`]).commit();
ws.commit(); await wb.commit();
let bad = 0, n = 0;
for await (const sheet of new WorkbookReader('/tmp/hzscratch/big.xlsx', { sharedStrings: 'cache' }) as any) for await (const r of sheet) { n++; if (JSON.stringify(r.values).includes('\uFFFD')) bad++; }
console.log(n, bad);
