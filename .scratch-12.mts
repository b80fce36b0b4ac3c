import ExcelJS from 'exceljs';
const p = '/tmp/hzscratch/chunks10k.xlsx';
const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: p, useSharedStrings: true });
const ws = wb.addWorksheet('隐患台账');
for (let i = 0; i < 10_000; i++) ws.addRow([`特种设备导入测试隐患${i}`, '吕梁市离石区']).commit();
ws.commit(); await wb.commit();
let bad = 0;
for await (const sheet of new ExcelJS.stream.xlsx.WorkbookReader(p, { sharedStrings: 'cache' }) as any) for await (const r of sheet) if (JSON.stringify(r.values).includes('\uFFFD')) bad++;
console.log('unpatched broken rows:', bad);
