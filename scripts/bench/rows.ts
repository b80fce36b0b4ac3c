/** The rows every ingest run uses: the same generated hazards for raw SQLite, the service and HTTP. */
import type { HazardInput } from '../../shared/schemas';
import { makeHazard, rng } from '../../tests/helpers/hazards';

export const BENCH_AUTH = { tokenId: 'bench', name: 'bench', role: 'admin' as const, region: '140000' };

/** `n` valid hazards, reproducible from the seed; ids carry a tag so runs never collide. */
export function benchHazards(n: number, seed = 20_240_601, tag = 'B'): HazardInput[] {
  const r = rng(seed);
  const out: HazardInput[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = makeHazard(r, i, { id: `${tag}-${i.toString(36)}` });
  return out;
}

/** Cuts an array into batches of `size`. */
export function batches<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
