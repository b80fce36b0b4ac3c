import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { FakeSocket } from './fake-socket';

let socket: FakeSocket;
vi.mock('../../../client/socket', () => ({ getSocket: () => socket }));
const { usePresentStore } = await import('../../../client/stores/present.store');

import type { PresentState } from '../../../shared/present';

const state: PresentState = { room: 'video', region: '140000', index: 2, slides: 6, blank: false, presenter: true, updatedAt: '2026-12-03T08:00:00.000Z' };

describe('present store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    socket = new FakeSocket();
  });

  function joined() {
    const present = usePresentStore();
    socket.connected = true;
    present.start('video', 'presenter');
    const join = socket.sent.find((s) => s.event === 'present:join')!;
    (join.args[1] as (a: unknown) => void)({ ok: true, state });
    expect(present.status).toBe('joined');
    return present;
  }

  it('a presenter key sends the move while connected', () => {
    const present = joined();
    present.step(1);
    const go = socket.sent.filter((s) => s.event === 'present:go');
    expect(go.map((s) => s.args[0])).toEqual([{ room: 'video', index: 3, blank: false }]);
    present.stop();
  });

  it('a key pressed while the connection is down is not kept for the reconnect', () => {
    const present = joined();
    socket.drop();
    present.step(1);
    present.go({ blank: true });
    expect(socket.sent.filter((s) => s.event === 'present:go')).toEqual([]);
    socket.connect(); // the reconnect joins again and sends no move of the outage
    expect(socket.sent.filter((s) => s.event === 'present:go')).toEqual([]);
    expect(socket.sent.filter((s) => s.event === 'present:join')).toHaveLength(2);
    present.step(1);
    expect(socket.sent.filter((s) => s.event === 'present:go')).toHaveLength(1);
    present.stop();
  });

  it('a refused move is kept for the footer until a move succeeds', () => {
    const present = joined();
    present.step(1);
    const ack = (n: number) => socket.sent.filter((s) => s.event === 'present:go')[n]!.args[1] as (a: unknown) => void;
    ack(0)({ ok: false, error: { code: 'not_presenter', message: 'this socket does not present room video' } });
    expect(present.refused).toBe('this socket does not present room video');
    expect(present.state?.index).toBe(2);
    present.step(1);
    ack(1)({ ok: true, state: { ...state, index: 3 } });
    expect(present.refused).toBeNull();
    expect(present.state?.index).toBe(3);
    // refused again, then taken over: a follower has no move to be refused
    present.step(1);
    ack(2)({ ok: false, error: { code: 'unavailable', message: 'the rooms are unavailable' } });
    expect(present.refused).not.toBeNull();
    socket.fire('present:superseded', { room: 'video', message: 'another presenter took over' });
    expect(present.refused).toBeNull();
    expect(present.role).toBe('follower');
    present.stop();
  });
});
