/**
 * The workflow actions as pure decisions on a hazard's current state: each returns the change to
 * append or the reason it is not allowed (409 naming the current state and what is allowed).
 */
import { checkTransition, isOpen, LISTING_LEVELS, type ListingLevel } from '../../shared/domain';
import { getRegion } from '../../shared/regions';
import type { DelistingInput, EscalationInput, ExtensionInput, ListingInput, TransitionInput } from '../../shared/schemas';
import { FUTURE_SKEW_MS } from '../../shared/schemas';
import { requireWriter, type Auth } from '../auth/auth';
import { ServiceError } from '../errors';
import type { Mutation, StoredHazard } from './hazards.repository';

const conflict = (code: string, message: string, details?: unknown): Mutation => ({ ok: false, status: 409, code, message, details });

/** The level a writer acts at: the level of their region (an admin of the province is the province). */
export const levelOf = (auth: Auth): ListingLevel => (getRegion(auth.region)?.level ?? 'county') as ListingLevel;

const LEVEL_ZH: Record<ListingLevel, string> = { province: '省级', city: '市级', county: '县级' };

/**
 * 谁挂牌谁销号: a listed hazard is closed, rejected, given more time, downgraded or lifted only by a writer
 * at the listing level or above. Moving it through rectification stays with whoever works on it.
 */
export function requireListingLevel(h: StoredHazard, auth: Auth | undefined, what: string): void {
  if (!auth || !h.listedBy) return;
  if (rank(levelOf(auth)) <= rank(h.listedBy)) return;
  throw new ServiceError(403, 'listed_by_higher_level',
    `hazard ${h.id} is listed by the ${h.listedBy} (${LEVEL_ZH[h.listedBy]}挂牌督办): only the ${h.listedBy} or above can ${what} it`,
    { listedBy: h.listedBy });
}

/** What a transition records besides from/to: the plan going into rectification, the acceptance coming out of rectified. */
function transitionData(h: StoredHazard, input: TransitionInput, auth: Auth | undefined): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  if (input.plan) extra.plan = input.plan;
  if (h.status === 'rectified') {
    extra.acceptance = {
      result: input.to === 'closed' ? 'passed' : 'failed',
      ...(auth?.user ? { by: auth.user.displayName } : auth ? { by: auth.name } : {}),
      ...(input.opinion ? { opinion: input.opinion } : {}),
    };
  }
  return extra;
}

export function transition(input: TransitionInput, now: number, auth?: Auth) {
  return (h: StoredHazard, recordedAt: string): Mutation => {
    const check = checkTransition(h.status, h.level, input.to);
    if (!check.ok) {
      return conflict('invalid_transition', `hazard ${h.id} is ${h.status}: ${check.message}`, { current: h.status, allowed: check.allowed });
    }
    if (input.to === 'closed' || input.to === 'rejected') requireListingLevel(h, auth, input.to === 'closed' ? 'close' : 'reject');
    if (input.opinion && h.status !== 'rectified') {
      return conflict('not_rectified', `hazard ${h.id} is ${h.status}: an opinion goes with the acceptance of a rectified hazard`);
    }
    const at = input.at ? new Date(input.at).toISOString() : recordedAt;
    if (Date.parse(at) > now + FUTURE_SKEW_MS) return { ok: false, status: 409, code: 'invalid_time', message: '`at` is in the future' };
    if (Date.parse(at) < Date.parse(h.discoveredAt)) {
      return { ok: false, status: 409, code: 'invalid_time', message: '`at` is before the hazard was discovered' };
    }
    return {
      ok: true,
      kind: 'transition',
      at,
      data: { from: h.status, to: input.to, ...(input.note ? { note: input.note } : {}), ...transitionData(h, input, auth) },
      next: { status: input.to, closedAt: input.to === 'closed' ? at : h.closedAt },
    };
  };
}

export function escalation(input: EscalationInput & { deadline?: string }, auth?: Auth) {
  return (h: StoredHazard, recordedAt: string): Mutation => {
    if (!isOpen(h.status)) return conflict('not_open', `hazard ${h.id} is ${h.status}: only an open hazard (reported, rectifying) changes level`);
    if (h.level === input.level) return conflict('no_change', `hazard ${h.id} is already ${h.level}`);
    if (input.level === 'general') requireListingLevel(h, auth, 'downgrade');
    if (input.level === 'general' && !input.note) {
      return { ok: false, status: 409, code: 'note_required', message: 'a note is required to lower a major hazard to general' };
    }
    const deadline = input.deadline ?? h.deadline;
    if (input.level === 'major' && !deadline) {
      return conflict('deadline_required', `hazard ${h.id} has no deadline: a major hazard needs one (send "deadline")`);
    }
    return {
      ok: true,
      kind: 'escalation',
      at: recordedAt,
      data: {
        from: h.level, to: input.level, ...(input.note ? { note: input.note } : {}), ...(input.deadline ? { deadline: input.deadline } : {}),
        // what the ticker of new major hazards shows
        ...(input.level === 'major' ? { title: h.input.title, discoveredAt: h.input.discoveredAt } : {}),
      },
      next: { level: input.level, deadline },
    };
  };
}

const rank = (l: ListingLevel) => LISTING_LEVELS.indexOf(l); // province 0 < city 1 < county 2

/**
 * Who may list is a question of the token, not of the hazard: answered 403 before anything is read.
 * Admin tokens, and reporters of a city or the province, no higher than their own level.
 */
function requireListingRights(input: ListingInput, auth: Auth): void {
  requireWriter(auth);
  if (auth.role === 'admin') return;
  // a development zone's office lists as a county does
  const level = getRegion(auth.region)?.level;
  const own = !level || level === 'zone' ? 'county' : level;
  if (own === 'county') throw new ServiceError(403, 'forbidden_level', 'supervised listing (挂牌督办) is decided by a city or the province, not by a county token');
  if (rank(input.by) < rank(own)) throw new ServiceError(403, 'forbidden_level', `a ${own} token cannot list by the ${input.by}`);
}

export function listing(input: ListingInput, auth: Auth) {
  requireListingRights(input, auth);
  return (h: StoredHazard, recordedAt: string): Mutation => {
    if (!isOpen(h.status)) return conflict('not_open', `hazard ${h.id} is ${h.status}: only an open hazard can be listed`);
    if (h.level !== 'major') return conflict('not_major', `hazard ${h.id} is a general hazard: only major hazards are listed for supervision (挂牌督办)`);
    if (input.by === 'county' && !['county', 'zone'].includes(getRegion(h.regionCode)?.level ?? '')) {
      return conflict('no_county', `hazard ${h.id} is reported against a city, not a county: it cannot be listed by a county`);
    }
    if (h.listedBy && rank(h.listedBy) <= rank(input.by)) {
      return conflict('already_listed', `hazard ${h.id} is already listed by the ${h.listedBy}`);
    }
    return {
      ok: true,
      kind: 'listing',
      at: recordedAt,
      data: { by: input.by, ...(input.document ? { document: input.document } : {}), ...(h.listedBy ? { previous: h.listedBy } : {}) },
      next: { listedBy: input.by },
    };
  };
}

export function extension(input: ExtensionInput, auth?: Auth) {
  return (h: StoredHazard, recordedAt: string): Mutation => {
    if (!isOpen(h.status)) return conflict('not_open', `hazard ${h.id} is ${h.status}: only an open hazard gets a new deadline`);
    requireListingLevel(h, auth, 'extend');
    if (h.deadline && input.deadline <= h.deadline) {
      return conflict('not_later', `the new deadline ${input.deadline} is not later than the current one ${h.deadline}`);
    }
    return {
      ok: true,
      kind: 'extension',
      at: recordedAt,
      data: { from: h.deadline, to: input.deadline, reason: input.reason },
      next: { deadline: input.deadline, extensions: h.extensions + 1 },
    };
  };
}

/** 摘牌: lifts the listing, by the listing level or above; `listed` falls, the history keeps both steps. */
export function delisting(input: DelistingInput, auth: Auth) {
  requireWriter(auth);
  return (h: StoredHazard, recordedAt: string): Mutation => {
    if (!h.listedBy) return conflict('not_listed', `hazard ${h.id} is not listed`);
    requireListingLevel(h, auth, 'lift the listing of');
    return { ok: true, kind: 'delisting', at: recordedAt, data: { from: h.listedBy, note: input.note }, next: { listedBy: null } };
  };
}

export type EvidenceRef = { id: string; sha256: string; name: string; size: number; type: string };

/** Evidence of rectification: its SHA-256 goes into the chain, the hazard's state does not change. */
export function evidence(att: EvidenceRef) {
  return (h: StoredHazard, recordedAt: string): Mutation => {
    if (h.status === 'closed' || h.status === 'rejected') return conflict('not_open', `hazard ${h.id} is ${h.status}: evidence goes with an open or rectified hazard`);
    return { ok: true, kind: 'evidence', at: recordedAt, data: { attachment: att.id, sha256: att.sha256, name: att.name, size: att.size, type: att.type }, next: {} };
  };
}
