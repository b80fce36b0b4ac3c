/**
 * CAMPAIGN_START (server/config.ts): the briefing's 专项整治以来 figures count from the configured day, the session
 * tells the briefing page, and a value that is not a date stops the server at start with what is wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Briefing } from '../../shared/briefing';
import { loadConfig } from '../../server/config';
import { api, postHazards, startApp, tempDir, type InProcessServer } from '../helpers/server';

const HAZARDS = [
  // 阳泉市郊区: one before 2024-06-01, one after
  { id: 'CS-1', regionCode: '140311', sector: 'coal', level: 'major', title: '煤与瓦斯突出矿井未采取防突措施', source: 'inspection', discoveredAt: '2024-05-15T02:00:00Z', deadline: '2024-06-30' },
  { id: 'CS-2', regionCode: '140311', sector: 'gas', level: 'general', title: '燃气管道标识缺失', source: 'self_check', discoveredAt: '2024-07-01T02:00:00Z', deadline: '2024-07-30' },
];

const servers: InProcessServer[] = [];
async function serve(env: Record<string, string>): Promise<InProcessServer> {
  const s = await startApp({ dataDir: tempDir(), env });
  servers.push(s);
  expect((await postHazards(s.url, s.tokens.admin, HAZARDS)).body).toMatchObject({ accepted: 2 });
  return s;
}
const briefing = async (s: InProcessServer): Promise<Briefing> => {
  const res = await api(s.url, s.tokens.viewer, 'GET', '/api/v1/briefing?region=140300&from=2024-07-01&to=2024-07-07');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Briefing;
};

let configured: InProcessServer;
let standard: InProcessServer;
beforeAll(async () => {
  configured = await serve({ CAMPAIGN_START: '2024-06-01' });
  standard = await serve({});
});
afterAll(async () => {
  for (const s of servers) await s.close();
});

describe('CAMPAIGN_START', () => {
  it('the campaign-to-date figures count from the configured day', async () => {
    const b = await briefing(configured);
    expect(b.campaign).toMatchObject({ from: '2024-06-01', to: '2024-07-07', total: 1, major: 0 });
    expect(b.text.startsWith('专项整治以来（2024年6月1日起），阳泉市累计排查隐患1项')).toBe(true);
  });

  it('unset, they count from 2023-11-20', async () => {
    const b = await briefing(standard);
    expect(b.campaign).toMatchObject({ from: '2023-11-20', total: 2, major: 1 });
    expect(b.text.startsWith('专项整治以来（2023年11月20日起），阳泉市累计排查隐患2项，其中重大隐患1项')).toBe(true);
  });

  it('the session carries it for the briefing page', async () => {
    expect((await api(configured.url, configured.tokens.viewer, 'GET', '/api/v1/session')).body.campaignStart).toBe('2024-06-01');
    expect((await api(standard.url, standard.tokens.viewer, 'GET', '/api/v1/session')).body.campaignStart).toBe('2023-11-20');
  });

  it.each(['2024-13-01', '20240601', 'yesterday'])('refuses %s at start, naming the variable', (v) => {
    expect(() => loadConfig({ CAMPAIGN_START: v })).toThrow(/CAMPAIGN_START: must be a date YYYY-MM-DD/);
  });
});
