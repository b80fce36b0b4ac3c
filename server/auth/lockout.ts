/**
 * Sign-in lockout: after repeated wrong passwords an account is locked for a while (429), whatever
 * address tries it, and an address that tries many accounts is locked too. Counted for unknown usernames
 * exactly as for known ones, so the lockout says nothing about which accounts exist. A successful
 * sign-in clears the account's count. In memory per node (the shared limits of several nodes are the
 * Redis work's).
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { ServiceError } from '../errors';

export const LOCKOUT = { perAccount: 5, perAddress: 20, windowS: 15 * 60, blockS: 15 * 60 } as const;

export class Lockout {
  private readonly accounts = new RateLimiterMemory({ points: LOCKOUT.perAccount, duration: LOCKOUT.windowS, blockDuration: LOCKOUT.blockS });
  private readonly addresses = new RateLimiterMemory({ points: LOCKOUT.perAddress, duration: LOCKOUT.windowS, blockDuration: LOCKOUT.blockS });

  /** Throws 429 (with the seconds to wait) when the account or the address is locked. */
  async check(username: string, address: string): Promise<void> {
    const [a, b] = await Promise.all([this.accounts.get(key(username)), this.addresses.get(address || 'unknown')]);
    const wait = Math.max(blocked(a, LOCKOUT.perAccount), blocked(b, LOCKOUT.perAddress));
    if (wait > 0) throw locked(wait);
  }

  async failed(username: string, address: string): Promise<void> {
    await Promise.all([
      this.accounts.consume(key(username)).catch(ignoreLimit),
      this.addresses.consume(address || 'unknown').catch(ignoreLimit),
    ]);
  }

  async succeeded(username: string): Promise<void> {
    await this.accounts.delete(key(username));
  }
}

const key = (username: string) => username.trim().toLowerCase().slice(0, 64);
const blocked = (r: RateLimiterRes | null, points: number): number => (r && r.consumedPoints >= points ? r.msBeforeNext : 0);
const ignoreLimit = (e: unknown) => {
  if (!(e instanceof RateLimiterRes)) throw e;
};

export function locked(ms: number): ServiceError {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return new ServiceError(429, 'too_many_failures', `too many failed sign-ins for this account or address; retry in ${s} s`, { retryAfter: s });
}
