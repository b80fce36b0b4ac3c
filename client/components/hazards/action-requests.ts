/** The request each drawer action sends, from its form's values (the API decides; these only shape the body). */
import type { Action } from '../desk/permissions';

export type FormValues = Record<string, string>;
export type Request = { method: 'POST' | 'DELETE'; path: string; body: Record<string, unknown> };

const opt = (v: string | undefined) => (v && v.trim() ? v : undefined);

/** Which fields each form has (the file field is handled apart: it is uploaded first). */
export const FIELDS: Record<Action, string[]> = {
  plan: ['responsible', 'measures', 'funds', 'planDeadline', 'contingency'],
  rectified: ['file', 'note'],
  accept: ['opinion'],
  fail: ['opinion'],
  reject: ['reason'],
  escalate: ['note', 'newDeadline'],
  downgrade: ['note'],
  list: ['by', 'document'],
  lift: ['note'],
  extend: ['newDeadline', 'reason'],
  evidence: ['file'],
};

export function requestFor(action: Action, id: string, v: FormValues, major: boolean): Request | null {
  const base = `/api/v1/hazards/${encodeURIComponent(id)}`;
  const tr = (body: Record<string, unknown>): Request => ({ method: 'POST', path: `${base}/transitions`, body });
  switch (action) {
    case 'plan': {
      const any = FIELDS.plan.some((k) => opt(v[k]));
      // the desk asks a major hazard for its plan; a general one may go without
      if (!major && !any) return tr({ to: 'rectifying' });
      return tr({ to: 'rectifying', plan: { responsible: v.responsible ?? '', measures: v.measures ?? '', funds: v.funds ?? '', deadline: opt(v.planDeadline), contingency: v.contingency ?? '' } });
    }
    case 'rectified': return tr({ to: 'rectified', note: opt(v.note) });
    case 'accept': return tr({ to: 'closed', opinion: v.opinion ?? '' });
    case 'fail': return tr({ to: 'rectifying', opinion: v.opinion ?? '' });
    case 'reject': return tr({ to: 'rejected', note: v.reason ?? '' });
    case 'escalate': return { method: 'POST', path: `${base}/escalations`, body: { level: 'major', note: opt(v.note), deadline: opt(v.newDeadline) } };
    case 'downgrade': return { method: 'POST', path: `${base}/escalations`, body: { level: 'general', note: v.note ?? '' } };
    case 'list': return { method: 'POST', path: `${base}/listing`, body: { by: v.by, document: opt(v.document) } };
    case 'lift': return { method: 'DELETE', path: `${base}/listing`, body: { note: v.note ?? '' } };
    case 'extend': return { method: 'POST', path: `${base}/extensions`, body: { deadline: v.newDeadline ?? '', reason: v.reason ?? '' } };
    case 'evidence': return null;
  }
}

/** Fields a form must have before it is sent (the API checks them too; this saves a round trip for empty ones). */
export function requiredFields(action: Action, major: boolean): string[] {
  switch (action) {
    case 'plan': return major ? ['responsible', 'measures', 'funds', 'contingency'] : [];
    case 'rectified': return major ? ['file'] : [];
    case 'accept': case 'fail': return ['opinion'];
    case 'reject': return ['reason'];
    case 'downgrade': case 'lift': return ['note'];
    case 'extend': return ['newDeadline', 'reason'];
    case 'evidence': return ['file'];
    default: return [];
  }
}

/** An API issue path → the form field it belongs to. */
export const FIELD_OF: Record<string, string> = {
  'plan.responsible': 'responsible', 'plan.measures': 'measures', 'plan.funds': 'funds', 'plan.deadline': 'planDeadline',
  'plan.contingency': 'contingency', deadline: 'newDeadline', reason: 'reason', note: 'note', opinion: 'opinion', by: 'by', document: 'document',
};
