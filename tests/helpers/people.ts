/** Named people for tests: accounts made as `npm run user -- create --password-stdin` makes them, and their cookie sessions. */
import type { TokenStore } from '../../server/auth/tokens';
import type { Role } from '../../shared/schemas';

export const PASSWORD = 'correct horse battery';

export async function createPerson(tokens: TokenStore, username: string, displayName: string, role: Role, region: string): Promise<void> {
  await tokens.accounts.create({ username, displayName, role, region, password: PASSWORD });
}

/** Signs in; the session cookie as a Cookie header value. */
export async function signIn(url: string, username: string, password = PASSWORD): Promise<{ status: number; body: any; cookie: string; setCookie: string }> {
  const res = await fetch(`${url}/api/v1/session`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ username, password }),
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { status: res.status, body: await res.json(), cookie: setCookie.split(';')[0] ?? '', setCookie };
}

/** A JSON call with the session cookie, from the page's own origin (as the desk pages send it). */
export async function asPerson(url: string, cookie: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { cookie, origin: url, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

/** Uploads one file as multipart field `file`. */
export async function upload(url: string, cookie: string, id: string, bytes: Buffer, name: string, type = 'application/octet-stream') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${url}/api/v1/hazards/${id}/attachments`, { method: 'POST', headers: { cookie, origin: url }, body: form });
  return { status: res.status, body: await res.json() };
}

/** A tiny valid PNG (1×1, transparent). */
export const PNG_1PX = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);
