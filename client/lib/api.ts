/**
 * REST reads, same origin, authenticated by the session cookie. Every call is bounded by a timeout so a
 * hung proxy cannot leave a request (and its closure) alive forever.
 */
import type { Hazard, Summary } from '../../shared/schemas';

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function getJson<T>(path: string, timeoutMs = 10_000): Promise<T> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' }, signal: ctrl.signal });
    if (!res.ok) throw new HttpError(res.status, `${res.status} ${path}`);
    return (await res.json()) as T;
  } finally {
    clearTimeout(timer);
  }
}

export type Session = {
  tokenId: string;
  name: string;
  role: string;
  region: string;
  demo: boolean;
  tz: string;
  /** the deployment's CAMPAIGN_START (YYYY-MM-DD) */
  campaignStart: string;
  today: string;
  serverTime: string;
};

export type TrendDay = { day: string; new: number; newMajor: number; closed: number };
export type Trend = { region: string; days: TrendDay[] };
export type HazardPage = { items: Hazard[]; nextCursor: string | null };

const q = (params: Record<string, string | number | boolean>): string =>
  new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();

export const api = {
  session: () => getJson<Session>('/api/v1/session'),
  summary: (region: string) => getJson<Summary>(`/api/v1/summary?${q({ region })}`),
  trend: (region: string, days = 30) => getJson<Trend>(`/api/v1/trend?${q({ region, days })}`),
  /** the most overdue first: earliest deadline (the server orders, so the top of the list is exact) */
  overdue: (region: string, limit = 100) => getJson<HazardPage>(`/api/v1/hazards?${q({ region, overdue: true, order: 'deadline', limit })}`),
  recentMajor: (region: string, limit = 20) => getJson<HazardPage>(`/api/v1/hazards?${q({ region, level: 'major', limit })}`),
};
