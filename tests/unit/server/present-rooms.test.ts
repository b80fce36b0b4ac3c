/** The node-wide cap on presentation rooms holds even when every room has a presenter. */
import { describe, expect, it } from 'vitest';
import { MAX_ROOMS, MemoryRooms, PresentRooms, decideGo, decideJoin, type Room } from '../../../server/realtime/present-rooms';
import type { Auth } from '../../../server/auth/auth';

const admin: Auth = { tokenId: 't1', name: 'admin', role: 'admin', region: '140000' };

describe('PresentRooms cap', () => {
  it(`keeps at most ${MAX_ROOMS} rooms: an idle room makes way, a presented one does not`, async () => {
    const driver = new MemoryRooms();
    const rooms = new PresentRooms(driver);
    for (let i = 0; i < MAX_ROOMS; i++) expect((await rooms.join(`r${i}`, 'presenter', undefined, admin, `s${i}`)).ok).toBe(true);
    expect(await rooms.join('one-more', 'follower', undefined, admin, 'x')).toMatchObject({ ok: false, error: { code: 'too_many_rooms' } });
    expect(await rooms.join('one-more', 'presenter', undefined, admin, 'x')).toMatchObject({ ok: false, error: { code: 'too_many_rooms' } });
    expect(driver.size).toBe(MAX_ROOMS);
    // an existing room can still be joined
    expect((await rooms.join('r0', 'follower', undefined, admin, 'x')).ok).toBe(true);
    // once a presenter leaves, its room is the one dropped for a new one
    await rooms.left('s7');
    expect((await rooms.join('one-more', 'follower', undefined, admin, 'x')).ok).toBe(true);
    expect(driver.size).toBe(MAX_ROOMS);
    expect(await rooms.go('r7', 's7', { index: 0 })).toMatchObject({ ok: false, error: { code: 'no_room' } });
  });
});

describe('a presenter whose lease lapsed', () => {
  const lapsed: Room = { name: 'hall', region: '140000', slides: 9, index: 2, blank: false, presenter: null, lapsed: 's1', updatedAt: '', rev: 4 };

  it('takes the room back with its next move, unless someone presents again meanwhile', () => {
    expect(decideGo(lapsed, 'hall', 's1', { index: 3 }).write).toMatchObject({ presenter: 's1', lapsed: null, index: 3 });
    expect(decideGo(lapsed, 'hall', 's2', { index: 3 }).result).toMatchObject({ ok: false, error: { code: 'not_presenter' } });
    const taken = decideJoin(lapsed, 'hall', 'presenter', undefined, admin, 's2').write!;
    expect(taken).toMatchObject({ presenter: 's2', lapsed: null, index: 2 });
    expect(decideGo(taken, 'hall', 's1', { index: 3 }).result).toMatchObject({ ok: false, error: { code: 'not_presenter' } });
  });
});
