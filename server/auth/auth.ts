import { PROVINCE_CODE, isWithin } from '../../shared/regions';
import type { Actor, Role } from '../../shared/schemas';
import { ServiceError } from '../errors';

/** Who is asking: a token's identity, role and region scope. */
export type Auth = { tokenId: string; name: string; role: Role; region: string };

export const actorOf = (a: Auth): Actor => ({ tokenId: a.tokenId, name: a.name, role: a.role });

export const canWrite = (a: Auth): boolean => a.role === 'admin' || a.role === 'reporter';

/** The region a read is about: the asked one (which must lie in scope) or the token's own. */
export function readRegion(a: Auth, asked: string | undefined): string {
  const region = asked ?? a.region;
  if (!isWithin(region, a.region)) {
    throw new ServiceError(403, 'forbidden_region', `region ${region} is outside this token's scope (${a.region})`);
  }
  return region;
}

export function requireWriter(a: Auth): void {
  if (!canWrite(a)) throw new ServiceError(403, 'forbidden_role', `a ${a.role} token cannot change hazards`);
}

export function requireWriteIn(a: Auth, regionCode: string): void {
  requireWriter(a);
  if (!isWithin(regionCode, a.region)) {
    throw new ServiceError(403, 'forbidden_region', `region ${regionCode} is outside this token's scope (${a.region})`);
  }
}

export const isProvinceWide = (a: Auth): boolean => a.region === PROVINCE_CODE;

/**
 * A stored hazard the token asks for by id: out of scope is a 403 that does not say where the hazard
 * is, so ids probed from another region learn nothing about it.
 */
export function requireHazardInScope(a: Auth, id: string, regionCode: string): void {
  if (!isWithin(regionCode, a.region)) {
    throw new ServiceError(403, 'forbidden_region', `hazard ${id} is outside this token's scope (${a.region})`);
  }
}
