import { openSqlite } from '../../server/db/sqlite';
import { mkdtempSync, readFileSync } from 'node:fs';
const io = () => Number(/write_bytes: (\d+)/.exec(readFileSync('/proc/self/io','utf8'))![1]);
const cpu = () => process.cpuUsage();
for (const sync of ['FULL', 'OFF']) {
  const db = openSqlite(mkdtempSync('/tmp/x-') + '/a.db');
  db.pragma(`synchronous = ${sync}`);
  const ic = db.prepare(`INSERT INTO changes (seq, hazard_id, kind, at, recorded_at, actor, payload, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)`);
  const ih = db.prepare(`INSERT INTO hazards (id, region_code, city_code, sector, level, status, source, deadline, discovered_at, discovered_day, reported_at, updated_at, created_seq, updated_seq, content_hash, input) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
  let seq = 0;
  const tx = db.transaction((n: number) => { for (let i = 0; i < n; i++) { seq++; const id = 'B-' + Math.random().toString(36).slice(2);
    ic.run(seq, id, 'reported', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', '{}', 'p'.repeat(500), 'h'.repeat(64), 'h'.repeat(64));
    ih.run(id, '140100', '140100', 'coal', 'general', 'reported', 'inspection', '2024-02-01', new Date(Date.now() - Math.random()*1e9).toISOString(), '2024-01-01', '2024', '2024', seq, seq, 'c'.repeat(64), 'i'.repeat(300)); } });
  const w0 = io(), c0 = cpu();
  const t0 = performance.now();
  for (let i = 0; i < 100; i++) tx.immediate(500);
  const c = cpu(c0);
  console.log(sync, (performance.now() - t0).toFixed(0), 'ms; written MB', ((io() - w0)/1e6).toFixed(0), 'cpu user/sys ms', c.user/1000|0, c.system/1000|0, 'pages', db.pragma('page_count', {simple:true}));
}
