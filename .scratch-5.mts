import { startApp } from './tests/helpers/server';
import { makeHazard, rng } from './tests/helpers/hazards';
const s = await startApp();
const r = rng(1);
const hs = Array.from({ length: 5000 }, (_, i) => makeHazard(r, i));
let t = Date.now();
await fetch(`${s.url}/api/v1/hazards`, { method: 'POST', headers: { authorization: `Bearer ${s.tokens.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ hazards: hs }) });
console.log('post', Date.now() - t);
for (const f of ['csv', 'xlsx']) {
  t = Date.now();
  const e = await fetch(`${s.url}/api/v1/hazards/export?format=${f}`, { headers: { authorization: `Bearer ${s.tokens.admin}` } });
  const buf = Buffer.from(await e.arrayBuffer());
  console.log('export', f, Date.now() - t, buf.length);
  t = Date.now();
  const fd = new FormData(); fd.append('file', new Blob([buf]), 'x.' + f);
  const res = await fetch(`${s.url}/api/v1/hazards/import`, { method: 'POST', headers: { authorization: `Bearer ${s.tokens.admin}` }, body: fd });
  const b = await res.json();
  console.log('import', f, Date.now() - t, b.duplicates, b.rejected.length);
}
await s.close();
