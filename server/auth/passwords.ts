/**
 * Password hashing: scrypt from node:crypto with the parameters OWASP's Password Storage Cheat Sheet gives
 * as the minimum (N = 2^17, r = 8, p = 1: 128 MiB and a few hundred milliseconds per hash), a 16-byte random
 * salt and a 32-byte key. The parameters are stored with each hash, so they can be raised later and old
 * hashes still verify. At most two hashes run at once (each pins 128 MiB); a crowd of logins waits in a
 * short queue and beyond it is told to retry, instead of the process running out of memory.
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ServiceError } from '../errors';

export const KDF = { N: 2 ** 17, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;
const MAX_RUNNING = 2;
const MAX_WAITING = 64;

let running = 0;
const waiting: Array<() => void> = [];

async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) {
    if (waiting.length >= MAX_WAITING) throw new ServiceError(503, 'busy', 'too many sign-ins at once; retry in a few seconds');
    await new Promise<void>((r) => waiting.push(r));
  }
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const derive = (password: string, salt: Buffer, n: number, r: number, p: number, len: number) =>
  slot(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        const opts: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
        scrypt(password.normalize('NFC'), salt, len, opts, (err, key) => (err ? reject(err) : resolve(key)));
      }),
  );

/** `scrypt$N$r$p$salt$key` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(KDF.saltLength);
  const key = await derive(password, salt, KDF.N, KDF.r, KDF.p, KDF.keyLength);
  return ['scrypt', KDF.N, KDF.r, KDF.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, salt, key] = stored.split('$');
  if (alg !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const want = Buffer.from(key, 'base64url');
  const got = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p), want.length);
  return timingSafeEqual(got, want);
}

/**
 * A hash of no one's password, verified against when the username is unknown, so an unknown user costs
 * the same time as a wrong password and the answer's timing does not tell which usernames exist.
 */
let dummy: Promise<string> | undefined;
export const dummyHash = (): Promise<string> => (dummy ??= hashPassword(randomBytes(16).toString('hex')));

/** A one-time password a person types once: 16 characters without look-alikes (about 90 bits). */
export function oneTimePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 128;

/** The rule for a chosen password (NIST 800-63B: length, not composition); the reason it is refused, or null. */
export function passwordProblem(pw: string): string | null {
  if (pw.length < PASSWORD_MIN) return `a password needs at least ${PASSWORD_MIN} characters`;
  if (pw.length > PASSWORD_MAX) return `a password has at most ${PASSWORD_MAX} characters`;
  if (new Set(pw).size < 4) return 'a password needs more than three different characters';
  return null;
}
