/**
 * REST reads, same origin, authenticated by the session cookie. Every call is bounded by a timeout so a
 * hung proxy cannot leave a request (and its closure) alive forever. Every answer is parsed with the shared
 * zod schema of its endpoint (the ones the socket payloads and the OpenAPI document use): an answer of
 * another shape is an error the screen shows (AnswerError), never a cast that fails later, somewhere else.
 */
import type { z } from 'zod';
import {
  HazardPageSchema, SessionInfoSchema, SummarySchema, TrendSchema, type Hazard, type SessionInfo, type Trend,
} from '../../shared/schemas';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The server answered 200 with something that is not the documented shape (an old or a newer server). */
export class AnswerError extends Error {
  constructor(path: string, issues: readonly z.core.$ZodIssue[]) {
    const first = issues[0];
    super(`unexpected answer from ${path.split('?')[0]}: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'not valid'}`);
  }
}

export async function getJson<S extends z.ZodType>(path: string, schema: S, timeoutMs = 10_000): Promise<z.output<S>> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' }, signal: ctrl.signal });
    if (!res.ok) throw new HttpError(res.status, `${res.status} ${path}`);
    const parsed = schema.safeParse(await res.json());
    if (!parsed.success) throw new AnswerError(path, parsed.error.issues);
    return parsed.data;
  } finally {
    clearTimeout(timer);
  }
}

/** A reader of one endpoint's answers, for code that is handed the path (usePresentData). */
export const readAs = <S extends z.ZodType>(schema: S) => (path: string, timeoutMs?: number): Promise<z.output<S>> => getJson(path, schema, timeoutMs);

export type Session = SessionInfo;
export type { Trend };
export type TrendDay = Trend['days'][number];
export type HazardPage = { items: Hazard[]; nextCursor: string | null };

/**
 * A page of hazards as the screens type them (shared/schemas Hazard): the schema has checked every field the
 * API documents; history entries only as far as the document describes them (seq, kind, at).
 */
export const hazardPage = (path: string, timeoutMs?: number): Promise<HazardPage> =>
  getJson(path, HazardPageSchema, timeoutMs) as Promise<unknown> as Promise<HazardPage>;

const q = (params: Record<string, string | number | boolean>): string =>
  new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();

export const api = {
  session: () => getJson('/api/v1/session', SessionInfoSchema),
  summary: (region: string) => getJson(`/api/v1/summary?${q({ region })}`, SummarySchema),
  trend: (region: string, days = 30) => getJson(`/api/v1/trend?${q({ region, days })}`, TrendSchema),
  /** the most overdue first: earliest deadline (the server orders, so the top of the list is exact) */
  overdue: (region: string, limit = 100) => hazardPage(`/api/v1/hazards?${q({ region, overdue: true, order: 'deadline', limit })}`),
  recentMajor: (region: string, limit = 20) => hazardPage(`/api/v1/hazards?${q({ region, level: 'major', limit })}`),
};
