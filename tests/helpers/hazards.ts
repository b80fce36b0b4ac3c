/** Generated hazards for tests: valid by construction, reproducible from a seed. */
import { SECTOR_CODES, SOURCE_CODES } from '../../shared/domain';
import { ALL_REGIONS } from '../../shared/regions';
import type { HazardInput } from '../../shared/schemas';

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

const REPORTABLE = ALL_REGIONS.filter((r) => r.level !== 'province').map((r) => r.code);

export function makeHazard(r: ReturnType<typeof rng>, i: number, over: Partial<HazardInput> = {}): HazardInput {
  const level = r.next() < 0.2 ? 'major' : 'general';
  const discovered = new Date(Date.now() - r.int(40) * 86_400_000 - r.int(86_400_000));
  const deadline = new Date(discovered.getTime() + (r.int(60) - 5) * 86_400_000).toISOString().slice(0, 10);
  return {
    id: `T-${i}-${r.int(1e9)}`,
    regionCode: r.pick(REPORTABLE),
    sector: r.pick(SECTOR_CODES),
    level,
    title: `测试隐患 ${i}`,
    source: r.pick(SOURCE_CODES),
    discoveredAt: discovered.toISOString(),
    ...(level === 'major' || r.next() < 0.7 ? { deadline: deadline < discovered.toISOString().slice(0, 10) ? discovered.toISOString().slice(0, 10) : deadline } : {}),
    ...over,
  } as HazardInput;
}
