import { openSqlite } from './server/db/sqlite';
import { SqliteHazardRepository } from './server/hazards/sqlite.repository';
import { HazardService } from './server/hazards/hazards.service';
import { LiveSummaries } from './server/aggregates/live-summaries';
import { makeHazard, rng } from './tests/helpers/hazards';
import { transition } from './server/hazards/workflow';
const dir = process.argv[2]!;
const N = Number(process.argv[3] ?? 100000);
const db = openSqlite(`${dir}/hazards.sqlite`);
const repo = new SqliteHazardRepository(db);
const svc = new HazardService(repo, new LiveSummaries(), 'Asia/Shanghai');
const r = rng(1);
const actor = { tokenId: 'bench', name: 'bench', role: 'admin' as const };
const t0 = Date.now();
for (let i = 0; i < N; i += 5000) {
  const items = Array.from({ length: Math.min(5000, N - i) }, (_, k) => svc.normalise(makeHazard(r, i + k)));
  await repo.ingest(items, actor, new Date().toISOString());
}
for (let i = 0; i < N / 5; i++) {
  const id = `T-${i}`;
}
const ids = db.prepare('SELECT id FROM hazards LIMIT ?').pluck().all(Math.floor(N / 5)) as string[];
for (const id of ids) await repo.mutate(id, actor, new Date().toISOString(), (h) => transition({ to: 'rectifying' }, Date.now())(h, new Date().toISOString()));
console.log('built', N, 'hazards +', ids.length, 'transitions in', Date.now() - t0, 'ms');
await repo.close();
