/** The rows every ingest run uses: the same generated hazards for raw SQLite, the service and HTTP. */
import type { HazardInput } from '../../shared/schemas';
import { makeHazard, rng } from '../../tests/helpers/hazards';

export const BENCH_AUTH = { tokenId: 'bench', name: 'bench', role: 'admin' as const, region: '140000' };

/**
 * `n` valid hazards, reproducible from the seed, in the order live intake sees them: by time of
 * discovery, with ids that a reporting system numbers in sequence (a tag keeps runs apart).
 */
export function benchHazards(n: number, seed = 20_240_601, tag = 'B'): HazardInput[] {
  const r = rng(seed);
  const out: HazardInput[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = makeHazard(r, i);
  out.sort((a, b) => a.discoveredAt.localeCompare(b.discoveredAt));
  return out.map((h, i) => ({ ...h, id: `${tag}-${String(i).padStart(8, '0')}` }));
}

/** The same hazards in a random order (a back-fill of old reports): every index insert lands anywhere. */
export function shuffled<T>(xs: readonly T[], seed = 99): T[] {
  const r = rng(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Cuts an array into batches of `size`. */
export function batches<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
