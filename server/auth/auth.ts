import { isWithin } from '../../shared/regions';
import type { Source } from '../../shared/domain';
import type { Actor, Role } from '../../shared/schemas';
import { ServiceError } from '../errors';

/** The person behind a session (absent for machine tokens). */
export type Person = { username: string; displayName: string; source: Source; mustChangePassword: boolean };

/** Who is asking: a token's (or a person's session's) identity, role and region scope. */
export type Auth = { tokenId: string; name: string; role: Role; region: string; user?: Person };

/** The actor a change records: the person by username, or the token (by id too: names need not be unique). */
export const actorOf = (a: Auth): Actor =>
  a.user
    ? { kind: 'user', username: a.user.username, displayName: a.user.displayName, role: a.role, region: a.region }
    : { kind: 'token', tokenId: a.tokenId, name: a.name, role: a.role, region: a.region };

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

/**
 * A stored hazard the token asks for by id: out of scope is a 403 that does not say where the hazard
 * is, so ids probed from another region learn nothing about it.
 */
export function requireHazardInScope(a: Auth, id: string, regionCode: string): void {
  if (!isWithin(regionCode, a.region)) {
    throw new ServiceError(403, 'forbidden_region', `hazard ${id} is outside this token's scope (${a.region})`);
  }
}
