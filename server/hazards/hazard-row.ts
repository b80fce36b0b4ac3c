/** A `hazards` row as both stores read it (same columns), and the StoredHazard it maps to. */
import type { StoredHazard } from './hazards.repository';

export type HazardRow = {
  id: string; region_code: string; city_code: string; sector: string; level: string; status: string; source: string;
  deadline: string | null; listed_by: string | null; discovered_at: string; discovered_day: string; reported_at: string;
  updated_at: string; closed_at: string | null; closed_day: string | null; extensions: number; created_seq: number;
  updated_seq: number; content_hash: string; input: string;
  /** only in reads that show a hazard (list-sql.ts HAZARD_COLUMNS) */
  plan_missing?: number | string;
};

export function rowToHazard(r: HazardRow): StoredHazard {
  return {
    id: r.id,
    input: JSON.parse(r.input),
    regionCode: r.region_code,
    cityCode: r.city_code,
    sector: r.sector as StoredHazard['sector'],
    level: r.level as StoredHazard['level'],
    status: r.status as StoredHazard['status'],
    deadline: r.deadline,
    listedBy: r.listed_by as StoredHazard['listedBy'],
    discoveredAt: r.discovered_at,
    reportedAt: r.reported_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
    extensions: r.extensions,
    createdSeq: r.created_seq,
    updatedSeq: r.updated_seq,
    contentHash: r.content_hash,
    ...(r.plan_missing === undefined ? {} : { planMissing: Number(r.plan_missing) === 1 }),
  };
}
