import { startApp } from './tests/helpers/server';
import { readFileSync } from 'node:fs';
const s = await startApp();
const up = async (name: string, data: Buffer | string) => {
  const fd = new FormData(); fd.append('file', new Blob([typeof data === 'string' ? data : new Uint8Array(data)]), name);
  const t = Date.now();
  const r = await fetch(`${s.url}/api/v1/hazards/import`, { method: 'POST', headers: { authorization: `Bearer ${s.tokens.admin}` }, body: fd, signal: AbortSignal.timeout(20000) });
  return [r.status, Date.now() - t, JSON.stringify(await r.json()).slice(0, 400)];
};
const x = readFileSync('/tmp/hzscratch/l20k.xlsx');
console.log('truncated', await up('t.xlsx', x.subarray(0, 500)));
console.log('truncated half', await up('t.xlsx', x.subarray(0, Math.floor(x.length / 2))));
const y = Buffer.from(x); y.fill(0x41, 2000, 3000);
console.log('corrupted', await up('c.xlsx', y));
console.log('unclosed quote', await up('q.csv', '隐患编号,所属地区,行业领域,隐患级别,隐患名称,发现时间\r\nQ-1,141102,煤矿,一般,a,2024-11-18\r\nQ-2,141102,煤矿,一般,"b,2024-11-18\r\nQ-3,141102,煤矿,一般,c,2024-11-18\r\n'));
console.log('utf16', await up('u.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('隐患编号\t所属地区\t行业领域\t隐患级别\t隐患名称\t发现时间\r\nU-1\t141102\t煤矿\t一般\t测试\t2024-11-18\r\n', 'utf16le')])));
await s.close();
