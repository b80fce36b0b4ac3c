/**
 * Which actions a person may take on a hazard: the same rules the server enforces (role, scope, status,
 * level, and 谁挂牌谁销号 — closing, rejecting, extending, downgrading and lifting belong to the listing level
 * or above), so the drawer offers exactly those. The server still decides; this only hides what it would refuse.
 */
import { LISTING_LEVELS, type ListingLevel } from '../../../shared/domain';
import { getRegion, isWithin } from '../../../shared/regions';
import type { Hazard, Role } from '../../../shared/schemas';

export type Action =
  | 'plan' | 'rectified' | 'accept' | 'fail' | 'reject' | 'escalate' | 'downgrade' | 'list' | 'lift' | 'extend' | 'evidence';

export type Actor = { role: Role; region: string };

const rank = (l: ListingLevel) => LISTING_LEVELS.indexOf(l);
export const levelOf = (region: string): ListingLevel => (getRegion(region)?.level ?? 'county') as ListingLevel;

/** Levels this person may list by: their own and below (a county lists nothing; an admin any). */
export function listingLevels(me: Actor, h: Hazard): ListingLevel[] {
  const own = levelOf(me.region);
  if (me.role !== 'admin' && own === 'county') return [];
  return LISTING_LEVELS.filter((l) => (me.role === 'admin' || rank(l) >= rank(own))
    && (l !== 'county' || levelOf(h.regionCode) === 'county')
    && (!h.listedBy || rank(l) < rank(h.listedBy)));
}

export function actionsFor(h: Hazard, me: Actor | null): Action[] {
  if (!me || (me.role !== 'admin' && me.role !== 'reporter') || !isWithin(h.regionCode, me.region)) return [];
  const mayOverride = !h.listedBy || rank(levelOf(me.region)) <= rank(h.listedBy);
  const open = h.status === 'reported' || h.status === 'rectifying';
  const out: Action[] = [];
  if (h.status === 'reported') out.push('plan');
  if (h.status === 'rectifying' || (h.status === 'reported' && h.level === 'general')) out.push('rectified');
  if (h.status === 'rectified') {
    if (mayOverride) out.push('accept');
    out.push('fail');
  }
  if (h.status === 'reported' && mayOverride) out.push('reject');
  if (open && h.level === 'general') out.push('escalate');
  if (open && h.level === 'major' && mayOverride) out.push('downgrade');
  if (open && h.level === 'major' && listingLevels(me, h).length) out.push('list');
  if (h.listedBy && mayOverride) out.push('lift');
  if (open && mayOverride) out.push('extend');
  if (open || h.status === 'rectified') out.push('evidence');
  return out;
}

/** 五落实缺项: a major hazard in rectification whose move into rectification recorded no plan. */
export function planMissing(h: Hazard): boolean {
  if (h.level !== 'major' || h.status !== 'rectifying' || !h.history) return false;
  // a failed acceptance sends it back without a new plan: the first plan still stands
  return !h.history.some((e) => e.kind === 'transition' && e.data.to === 'rectifying' && e.data.plan);
}
