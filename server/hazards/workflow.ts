/**
 * The workflow actions as pure decisions on a hazard's current state: each returns the change to
 * append or the reason it is not allowed (409 naming the current state and what is allowed).
 */
import { checkTransition, isOpen, LISTING_LEVELS, type ListingLevel } from '../../shared/domain';
import { getRegion } from '../../shared/regions';
import type { EscalationInput, ExtensionInput, ListingInput, TransitionInput } from '../../shared/schemas';
import { FUTURE_SKEW_MS } from '../../shared/schemas';
import { requireWriter, type Auth } from '../auth/auth';
import { ServiceError } from '../errors';
import type { Mutation, StoredHazard } from './hazards.repository';

const conflict = (code: string, message: string, details?: unknown): Mutation => ({ ok: false, status: 409, code, message, details });

export function transition(input: TransitionInput, now: number) {
  return (h: StoredHazard, recordedAt: string): Mutation => {
    const check = checkTransition(h.status, h.level, input.to);
    if (!check.ok) {
      return conflict('invalid_transition', `hazard ${h.id} is ${h.status}: ${check.message}`, { current: h.status, allowed: check.allowed });
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
      data: { from: h.status, to: input.to, ...(input.note ? { note: input.note } : {}) },
      next: { status: input.to, closedAt: input.to === 'closed' ? at : h.closedAt },
    };
  };
}

export function escalation(input: EscalationInput & { deadline?: string }) {
  return (h: StoredHazard, recordedAt: string): Mutation => {
    if (!isOpen(h.status)) return conflict('not_open', `hazard ${h.id} is ${h.status}: only an open hazard (reported, rectifying) changes level`);
    if (h.level === input.level) return conflict('no_change', `hazard ${h.id} is already ${h.level}`);
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

export function extension(input: ExtensionInput) {
  return (h: StoredHazard, recordedAt: string): Mutation => {
    if (!isOpen(h.status)) return conflict('not_open', `hazard ${h.id} is ${h.status}: only an open hazard gets a new deadline`);
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
