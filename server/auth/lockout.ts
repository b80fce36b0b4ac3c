/**
 * Sign-in lockout: after repeated wrong passwords an account is locked for a while (429), whatever
 * address tries it, and an address that tries many accounts is locked too. Counted for unknown usernames
 * exactly as for known ones, so the lockout says nothing about which accounts exist. A successful
 * sign-in clears the account's count. The counters are the app's rate budgets (server/http/budget.ts):
 * with REDIS_URL every node counts into the same ones, so N nodes allow 5 tries per account, not 5 × N.
 */
import type { Budget, Budgets, Spending } from '../http/budget';
import { ServiceError } from '../errors';

export const LOCKOUT = { perAccount: 5, perAddress: 20, windowS: 15 * 60, blockS: 15 * 60 } as const;

export class Lockout {
  private readonly accounts: Budget;
  private readonly addresses: Budget;

  constructor(budgets: Budgets) {
    this.accounts = budgets({ name: 'signin-account', points: LOCKOUT.perAccount, durationS: LOCKOUT.windowS, blockS: LOCKOUT.blockS });
    this.addresses = budgets({ name: 'signin-address', points: LOCKOUT.perAddress, durationS: LOCKOUT.windowS, blockS: LOCKOUT.blockS });
  }

  /** Throws 429 (with the seconds to wait) when the account or the address is locked. */
  async check(username: string, address: string): Promise<void> {
    const [a, b] = await Promise.all([this.accounts.peek(key(username)), this.addresses.peek(address || 'unknown')]);
    const wait = Math.max(blocked(a, LOCKOUT.perAccount), blocked(b, LOCKOUT.perAddress));
    if (wait > 0) throw locked(wait);
  }

  async failed(username: string, address: string): Promise<void> {
    // an exhausted budget answers { ok: false }, never throws: the next check() refuses
    await Promise.all([this.accounts.take(key(username)), this.addresses.take(address || 'unknown')]);
  }

  async succeeded(username: string): Promise<void> {
    await this.accounts.forget(key(username));
  }
}

const key = (username: string) => username.trim().toLowerCase().slice(0, 64);
const blocked = (r: Spending | null, points: number): number => (r && r.points >= points ? r.retryMs : 0);

export function locked(ms: number): ServiceError {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return new ServiceError(429, 'too_many_failures', `too many failed sign-ins for this account or address; retry in ${s} s`, { retryAfter: s }, s * 1000);
}
