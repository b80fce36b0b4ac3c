/**
 * Changes drawn once per animation frame, the latest one: a chart given three options within one frame draws the
 * third, once, just before that frame is painted. The newest value is never dropped: a value pushed after the
 * frame's draw has begun (from inside it, or later) gets a frame of its own. Pure apart from `schedule`, for tests.
 *
 * `hold()` keeps what is pushed from being drawn until `release()`, which draws the latest in the next frame: a
 * chart pressed by a pointer is not redrawn under it (a redraw between press and release replaces the shapes, and
 * ECharts then drops the click as one that began on another shape).
 */
export type Schedule = (run: () => void) => () => void;

export const animationFrames: Schedule = (run) => {
  const id = requestAnimationFrame(run);
  return () => cancelAnimationFrame(id);
};

export type PerFrame<T> = {
  push(v: T): void;
  flush(): void;
  cancel(): void;
  hold(): void;
  release(): void;
  readonly pending: boolean;
};

export function perFrame<T>(draw: (v: T) => void, schedule: Schedule = animationFrames): PerFrame<T> {
  let next: { v: T } | null = null;
  let cancelFrame: (() => void) | null = null;
  let held = false;
  const scheduleDraw = (): void => {
    cancelFrame ??= schedule(() => {
      cancelFrame = null;
      flush();
    });
  };
  const flush = (): void => {
    cancelFrame?.();
    cancelFrame = null;
    if (held) return;
    const n = next;
    next = null;
    if (n) draw(n.v);
  };
  return {
    push(v) {
      next = { v };
      if (!held) scheduleDraw();
    },
    flush,
    hold() {
      held = true;
    },
    release() {
      if (!held) return;
      held = false;
      if (next) scheduleDraw();
    },
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
