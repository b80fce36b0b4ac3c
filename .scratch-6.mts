import { startServer, api, postHazards } from './tests/helpers/server';
import { makeHazard, rng } from './tests/helpers/hazards';
import { launchChromium } from './tests/e2e/wall-helpers';
const s = await startServer();
const r = rng(7);
const hs = Array.from({ length: 400 }, (_, i) => makeHazard(r, i, { title: ['主要通风机无备用电源', '储罐区可燃气体报警器失效', '疏散通道堵塞，安全出口上锁', '尾矿库排洪设施损坏', '高处作业未设置防护栏杆'][i % 5] + `（${i}）`, enterprise: i % 3 ? { name: ['永聚煤业有限公司', '晋能控股煤业集团', '太原化工有限公司'][i % 3]! } : undefined }));
await postHazards(s.url, s.tokens.admin, hs);
const h = hs[0]!;
for (const [p, b] of [['transitions', { to: 'rectifying', note: '已下达整改指令书' }], ['escalations', { level: h.level === 'major' ? 'general' : 'major', note: '复核调整', deadline: '2027-01-01' }], ['listing', { by: 'city', document: '吕安委〔2024〕12号' }], ['extensions', { deadline: '2027-03-01', reason: '主通风机备件到货延迟' }]] as const) {
  console.log(p, (await api(s.url, s.tokens.admin, 'POST', `/api/v1/hazards/${h.id}/${p}`, b)).status);
}
const b = await launchChromium();
const page = await b.newPage({ viewport: { width: 1920, height: 1080 } });
page.on('console', (m) => console.log('console', m.type(), m.text()));
await page.goto(`${s.url}/hazards?token=${s.tokens.admin}`);
await page.waitForSelector('[data-testid="hazard-table"] tbody tr');
await page.screenshot({ path: '/tmp/hzscratch/hazards.png' });
await page.click(`tr[data-hazard-id="${h.id}"]`);
await page.waitForSelector('[data-testid="hazard-history"] li');
await page.screenshot({ path: '/tmp/hzscratch/hazards-drawer.png' });
await page.goto(`${s.url}/import?token=${s.tokens.reporter}`);
await page.waitForSelector('[data-testid="import-file"]');
await page.setInputFiles('[data-testid="import-file"]', '/work/main/tests/fixtures/gb18030.csv');
await page.click('[data-testid="import-submit"]');
await page.waitForSelector('[data-testid="import-rejected"] tbody tr');
await page.screenshot({ path: '/tmp/hzscratch/import.png' });
await b.close(); await s.stop();
