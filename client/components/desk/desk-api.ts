/**
 * The desk's writes and reads: JSON with the session cookie, same origin (the server's Origin check lets
 * them through). Errors come back as the API's `{code, message, details}`, never thrown as text, so
 * forms can put each message next to its field.
 */
import type { Role } from '../../../shared/schemas';

export type Me = {
  tokenId: string; name: string; role: Role; region: string; tz: string; today: string;
  user?: { username: string; displayName: string; source: string; mustChangePassword: boolean };
};
export type ApiIssue = { path: string; message: string };
export type ApiErr = { code: string; message: string; details?: unknown };
export type Result<T> = { ok: true; body: T } | { ok: false; status: number; error: ApiErr };

async function call<T>(method: string, path: string, body?: unknown): Promise<Result<T>> {
  let res: Response;
  try {
    const isForm = body instanceof FormData;
    res = await fetch(path, {
      method, credentials: 'same-origin',
      headers: { accept: 'application/json', ...(body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
    });
  } catch (e) {
    return { ok: false, status: 0, error: { code: 'unreachable', message: e instanceof Error ? e.message : String(e) } };
  }
  if (res.status === 204) return { ok: true, body: undefined as T };
  const parsed = (await res.json().catch(() => null)) as unknown;
  if (res.ok) return { ok: true, body: parsed as T };
  const error = (parsed as { error?: ApiErr } | null)?.error ?? { code: 'http_' + res.status, message: `${res.status}` };
  return { ok: false, status: res.status, error };
}

/** The per-field issues of a 400 (`details: [{path, message}]`). */
export const issuesOf = (e: ApiErr): ApiIssue[] =>
  Array.isArray(e.details) ? (e.details as ApiIssue[]).filter((d) => typeof d?.path === 'string') : [];

export const deskApi = {
  me: () => call<Me>('GET', '/api/v1/session'),
  login: (username: string, password: string) => call<{ user: NonNullable<Me['user']> }>('POST', '/api/v1/session', { username, password }),
  logout: () => call<void>('DELETE', '/api/v1/session'),
  changePassword: (current: string, next: string) => call<unknown>('POST', '/api/v1/session/password', { current, next }),
  post: <T>(path: string, body: unknown) => call<T>('POST', path, body),
  del: <T>(path: string, body: unknown) => call<T>('DELETE', path, body),
  get: <T>(path: string) => call<T>('GET', path),
};
