/** Leading + trailing throttle with an explicit cancel, so no timer outlives its component. */
export type Throttled = { call(): void; now(): void; cancel(): void };

export function throttle(fn: () => void, ms: number, clock: () => number = Date.now): Throttled {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = (): void => {
    timer = null;
    last = clock();
    fn();
  };
  return {
    call() {
      if (timer) return;
      const wait = last + ms - clock();
      if (wait <= 0) run();
      else timer = setTimeout(run, wait);
    },
    now() {
      if (timer) clearTimeout(timer);
      run();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
