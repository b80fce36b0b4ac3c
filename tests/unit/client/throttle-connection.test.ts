import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { throttle } from '../../../client/lib/throttle';
import { useConnectionStore, MANUAL_RETRY_MAX_MS } from '../../../client/stores/connection.store';
import { escapeHtml, escapeRich } from '../../../client/lib/escape';
import { FakeSocket } from './fake-socket';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  setActivePinia(createPinia());
});
afterEach(() => {
  vi.useRealTimers();
});

describe('throttle', () => {
  it('runs at once, then at most once per interval with a trailing call', () => {
    const fn = vi.fn();
    const t = throttle(fn, 5_000);
    t.call();
    t.call();
    t.call();
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5_000);
    expect(fn).toHaveBeenCalledTimes(2);
    t.call();
    t.cancel();
    vi.advanceTimersByTime(60_000);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('connection store', () => {
  it('retries by itself when the client has stopped retrying (auth refusal), forever, with capped backoff', () => {
    const socket = new FakeSocket();
    const conn = useConnectionStore();
    conn.bind(socket);
    socket.active = false;
    const connect = vi.spyOn(socket, 'connect').mockImplementation(() => {
      socket.fire('connect_error', new Error('session expired'));
    });
    socket.fire('connect_error', new Error('session expired'));
    for (let i = 0; i < 20; i++) vi.advanceTimersByTime(MANUAL_RETRY_MAX_MS * 1.5);
    expect(connect.mock.calls.length).toBeGreaterThanOrEqual(20);
    expect(conn.lastError).toBe('session expired');
    connect.mockRestore();
    socket.active = true;
    socket.connect();
    expect(conn.connected).toBe(true);
    expect(conn.failures).toBe(0);
    conn.unbind();
    expect(socket.listenerCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('leaves transport failures to the client’s own reconnection', () => {
    const socket = new FakeSocket();
    const conn = useConnectionStore();
    conn.bind(socket);
    socket.connect();
    socket.drop('transport close');
    expect(conn.connected).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    conn.unbind();
  });
});

describe('escaping', () => {
  it('escapes HTML for tooltips and rich-text markup for labels', () => {
    expect(escapeHtml('<img src=x onerror=alert(1)>&"\'')).toBe('&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;');
    expect(escapeRich('{a|red}x')).toBe('｛a｜red｝x');
  });
});
