/**
 * Sequential colour classes for counts. Open major hazards run pale amber → deep orange; overdue runs pale rose →
 * deep red, because red is kept for what needs action now. A region that reports but has none is a calm slate;
 * a region with no reports at all is a blind spot, drawn hatched, never in a colour that reads "safe".
 */
import { formatInt } from './format';

export type Metric = 'majorOpen' | 'overdue';

export const BLIND = { fill: '#1a2130', hatch: 'rgba(170, 182, 204, 0.55)' } as const;
export const ZERO = '#23415f';

const RAMPS: Record<Metric, readonly string[]> = {
  majorOpen: ['#fde68a', '#fbbf24', '#f59e0b', '#ea7a0c', '#c2410c'],
  overdue: ['#fecaca', '#f87171', '#ef4444', '#dc2626', '#991b1b'],
};

/** Text colour readable on each class (dark on the pale ones). */
const INK: readonly string[] = ['#111827', '#111827', '#111827', '#ffffff', '#ffffff'];

export type Bin = { from: number; to: number; color: string; ink: string };

function niceStep(top: number, classes: number): number {
  for (let mag = 1; ; mag *= 10) for (const m of [1, 2, 5]) if (m * mag * classes >= top) return m * mag;
}

/** Up to five classes covering 1..max with "nice" integer steps (1, 2, 5, 10, 20, 50, …). */
export function binsFor(metric: Metric, max: number): Bin[] {
  const ramp = RAMPS[metric];
  const top = Math.max(1, Math.ceil(max));
  const step = niceStep(top, ramp.length);
  const bins: Bin[] = [];
  for (let i = 0; i < ramp.length && i * step < top; i++) {
    bins.push({ from: i * step + 1, to: (i + 1) * step, color: ramp[i]!, ink: INK[i]! });
  }
  // Stretch to the full ramp so the darkest class is always the largest values.
  const n = bins.length;
  return bins.map((b, i) => {
    const k = n === 1 ? ramp.length - 1 : Math.round((i * (ramp.length - 1)) / (n - 1));
    return { ...b, color: ramp[k]!, ink: INK[k]! };
  });
}

export function binOf(bins: readonly Bin[], value: number): Bin | null {
  if (value <= 0) return null;
  return bins.find((b) => value <= b.to) ?? bins[bins.length - 1] ?? null;
}

export const binLabel = (b: Bin): string => (b.from === b.to ? formatInt(b.from) : `${formatInt(b.from)}–${formatInt(b.to)}`);
