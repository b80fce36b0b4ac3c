/** The node-wide cap on presentation rooms holds even when every room has a presenter. */
import { describe, expect, it } from 'vitest';
import { MAX_ROOMS, MemoryRooms, PresentRooms } from '../../../server/realtime/present-rooms';
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
