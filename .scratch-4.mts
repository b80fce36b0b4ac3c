import ExcelJS from 'exceljs';
let bad = 0, n = 0;
for await (const sheet of new ExcelJS.stream.xlsx.WorkbookReader('/tmp/hzscratch/big.xlsx', { sharedStrings: 'cache' }) as any) for await (const r of sheet) { n++; if (JSON.stringify(r.values).includes('\uFFFD')) bad++; }
console.log(n, bad);
