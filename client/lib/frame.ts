/**
 * Changes drawn once per animation frame, the latest one: a chart given three options within one frame draws the
 * third, once, just before that frame is painted. The newest value is never dropped: a value pushed after the
 * frame's draw has begun (from inside it, or later) gets a frame of its own. Pure apart from `schedule`, for tests.
 */
export type Schedule = (run: () => void) => () => void;

export const animationFrames: Schedule = (run) => {
  const id = requestAnimationFrame(run);
  return () => cancelAnimationFrame(id);
};

export type PerFrame<T> = { push(v: T): void; flush(): void; cancel(): void; readonly pending: boolean };

export function perFrame<T>(draw: (v: T) => void, schedule: Schedule = animationFrames): PerFrame<T> {
  let next: { v: T } | null = null;
  let cancelFrame: (() => void) | null = null;
  const flush = (): void => {
    cancelFrame?.();
    cancelFrame = null;
    const n = next;
    next = null;
    if (n) draw(n.v);
  };
  return {
    push(v) {
      next = { v };
      cancelFrame ??= schedule(() => {
        cancelFrame = null;
        flush();
      });
    },
    flush,
    cancel() {
      cancelFrame?.();
      cancelFrame = null;
      next = null;
    },
    get pending() {
      return next !== null;
    },
  };
}

/**
 * The previous result while its key is unchanged, else a new one. For a `computed` that builds a chart option:
 * returning the same object tells Vue nothing changed, so the chart is not handed an identical option again.
 * The key must name everything the result draws: a value left out of it would stay stale on screen.
 */
export function sameUnlessKey<T>(prev: { key: string; value: T } | undefined, key: string, build: () => T): { key: string; value: T } {
  return prev && prev.key === key ? prev : { key, value: build() };
}
