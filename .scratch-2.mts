import { parse } from 'csv-parse';
import { Readable, Transform } from 'node:stream';
const text = Array.from({length: 20000}, (_, i) => `IMP-${i},特种设备,导入测试隐患 ${i}`).join('\r\n');
const bytes = Buffer.from(text);
const chunks: Buffer[] = []; for (let i = 0; i < bytes.length; i += 1001) chunks.push(bytes.subarray(i, i + 1001));
async function run(name: string, src: NodeJS.ReadableStream) {
  let bad = 0; for await (const r of src.pipe(parse({ relax_column_count: true })) as AsyncIterable<string[]>) if (r.join().includes('\uFFFD')) bad++;
  console.log(name, bad);
}
await run('buffers direct', Readable.from(chunks, { objectMode: false }));
const dec = () => { const d = new TextDecoder('utf-8'); return new Transform({ transform(c, _e, cb) { cb(null, d.decode(c, { stream: true })); }, flush(cb) { cb(null, d.decode()); } }); };
await run('via decoder', Readable.from(chunks, { objectMode: false }).pipe(dec()));
const dec2 = () => { const d = new TextDecoder('utf-8'); return new Transform({ readableObjectMode: true, transform(c, _e, cb) { cb(null, d.decode(c, { stream: true })); }, flush(cb) { cb(null, d.decode()); } }); };
await run('via decoder objectMode', Readable.from(chunks, { objectMode: false }).pipe(dec2()));
