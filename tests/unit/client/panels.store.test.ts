import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { usePanelsStore } from '../../../client/stores/panels.store';

const overdueHazard = {
  id: 'OD-1', regionCode: '141102', sector: 'coal', level: 'major', title: '主要通风机无备用电源', source: 'inspection',
  discoveredAt: '2026-10-01T01:00:00Z', deadline: '2026-10-20', status: 'rectifying', listedBy: null, overdue: true,
  cityCode: '141100', reportedAt: '2026-10-01T01:00:05Z', updatedAt: '2026-10-02T01:00:00Z', closedAt: null, extensions: 0, version: 2,
};

describe('panels store: the overdue list never passes a failed load off as "none"', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.unstubAllGlobals());

  it('a failed first load says failed (not loaded); a later answer shows the list and clears it', async () => {
    const answers = [
      new Response(JSON.stringify({ error: { code: 'busy', message: 'too many heavy reads' } }), { status: 429 }),
      new Response(JSON.stringify({ items: [overdueHazard], nextCursor: null }), { status: 200 }),
    ];
    vi.stubGlobal('fetch', vi.fn(async () => answers.shift()!));
    const panels = usePanelsStore();
    panels.showRegion('140000');
    await panels.loadOverdue();
    expect([panels.overdueRegion, panels.overdueFailed, panels.overdue.length]).toEqual([null, true, 0]);
    await panels.loadOverdue();
    expect([panels.overdueRegion, panels.overdueFailed, panels.overdue.map((h) => h.id)]).toEqual(['140000', false, ['OD-1']]);
  });

  it('another region shown starts unloaded and unfailed', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{}', { status: 503 })));
    const panels = usePanelsStore();
    panels.showRegion('140000');
    await panels.loadOverdue();
    expect(panels.overdueFailed).toBe(true);
    panels.showRegion('140100');
    expect([panels.overdueRegion, panels.overdueFailed]).toEqual([null, false]);
  });
});
