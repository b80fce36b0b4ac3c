import { describe, expect, it } from 'vitest';
import { perFrame, sameUnlessKey, type Schedule } from '../../../client/lib/frame';
import { rng } from '../../helpers/hazards';

/** A hand-cranked animation frame: `tick()` runs what was scheduled before it began, as the browser does. */
function frames() {
  let queue: Array<{ run: () => void; live: boolean }> = [];
  const schedule: Schedule = (run) => {
    const f = { run, live: true };
    queue.push(f);
    return () => void (f.live = false);
  };
  const tick = () => {
    const now = queue;
    queue = [];
    for (const f of now) if (f.live) f.run();
  };
  return { schedule, tick, get waiting() { return queue.filter((f) => f.live).length; } };
}

describe('perFrame', () => {
  it('draws the latest value of a frame, once', () => {
    const f = frames();
    const drawn: number[] = [];
    const p = perFrame<number>((v) => drawn.push(v), f.schedule);
    p.push(1);
    p.push(2);
    p.push(3);
    expect(drawn).toEqual([]);
    expect(f.waiting).toBe(1);
    f.tick();
    expect(drawn).toEqual([3]);
    f.tick();
    expect(drawn).toEqual([3]);
  });

  it('a value pushed while drawing gets a frame of its own', () => {
    const f = frames();
    const drawn: number[] = [];
    let again = true;
    const p = perFrame<number>((v) => {
      drawn.push(v);
      if (again) {
        again = false;
        p.push(v + 10);
      }
    }, f.schedule);
    p.push(1);
    f.tick();
    expect(drawn).toEqual([1]);
    f.tick();
    expect(drawn).toEqual([1, 11]);
  });

  it('flush draws now and cancels the frame; cancel drops what waits', () => {
    const f = frames();
    const drawn: number[] = [];
    const p = perFrame<number>((v) => drawn.push(v), f.schedule);
    p.push(1);
    p.flush();
    expect(drawn).toEqual([1]);
    f.tick();
    expect(drawn).toEqual([1]);
    p.push(2);
    p.cancel();
    f.tick();
    expect(drawn).toEqual([1]);
    expect(p.pending).toBe(false);
  });

  it('draws nothing while held, and the latest of what came meanwhile in the frame after release', () => {
    const f = frames();
    const drawn: number[] = [];
    const p = perFrame<number>((v) => drawn.push(v), f.schedule);
    p.push(1);
    p.hold(); // pressed after the push, before its frame: that frame draws nothing
    f.tick();
    p.push(2);
    p.push(3);
    f.tick();
    p.flush();
    expect(drawn).toEqual([]);
    expect(p.pending).toBe(true);
    p.release();
    expect(drawn).toEqual([]); // not inside the release (a click follows it in the same task)
    f.tick();
    expect(drawn).toEqual([3]);
    p.release(); // a second release is nothing
    f.tick();
    expect(drawn).toEqual([3]);
    p.hold();
    p.release(); // held with nothing pushed: no frame
    expect(f.waiting).toBe(0);
  });

  it('never leaves the screen behind: after any run of pushes and frames, the last drawn is the last pushed', () => {
    const r = rng(4242);
    for (let run = 0; run < 300; run++) {
      const f = frames();
      const drawn: number[] = [];
      const p = perFrame<number>((v) => drawn.push(v), f.schedule);
      let last = -1;
      let pushesSinceTick = 0;
      let ticks = 0;
      for (let step = 0; step < 40; step++) {
        if (r.next() < 0.6) {
          last = step;
          p.push(step);
          pushesSinceTick++;
        } else {
          const before = drawn.length;
          f.tick();
          ticks++;
          // one draw per frame at most, and one whenever something was pushed since the last frame
          expect(drawn.length - before).toBe(pushesSinceTick > 0 ? 1 : 0);
          if (pushesSinceTick > 0) expect(drawn.at(-1)).toBe(last);
          pushesSinceTick = 0;
        }
      }
      f.tick();
      if (last >= 0) expect(drawn.at(-1)).toBe(last);
      expect(drawn.length).toBeLessThanOrEqual(ticks + 1);
    }
  });

  it('with presses among the pushes: nothing is drawn while held, and after the last release the last pushed is drawn', () => {
    const r = rng(777);
    for (let run = 0; run < 300; run++) {
      const f = frames();
      const drawn: number[] = [];
      const p = perFrame<number>((v) => drawn.push(v), f.schedule);
      let held = false;
      let last = -1;
      for (let step = 0; step < 40; step++) {
        const x = r.next();
        if (x < 0.5) {
          last = step;
          p.push(step);
        } else if (x < 0.6) {
          p.hold();
          held = true;
        } else if (x < 0.7) {
          p.release();
          held = false;
        } else {
          const before = drawn.length;
          f.tick();
          if (held) expect(drawn.length).toBe(before);
        }
      }
      p.release();
      f.tick();
      if (last >= 0) expect(drawn.at(-1)).toBe(last);
    }
  });
});

describe('sameUnlessKey', () => {
  it('keeps the previous result for an equal key and builds anew for another', () => {
    let builds = 0;
    const build = () => ({ n: ++builds });
    const a = sameUnlessKey(undefined, 'k1', build);
    expect(sameUnlessKey(a, 'k1', build)).toBe(a);
    const b = sameUnlessKey(a, 'k2', build);
    expect(b).not.toBe(a);
    expect(b.value).toEqual({ n: 2 });
  });
});
