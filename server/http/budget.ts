/**
 * Rate budgets behind one small port, so the failed-auth throttle, the ingest budget (and whatever else must
 * count per token or per address) neither know nor care where the counters live. With REDIS_URL every node
 * spends from the same counters (rate-limiter-flexible's Redis limiter), so N nodes allow the configured
 * budget, not N times it; while Redis is unreachable each node falls back to its own memory counters (the
 * limiter's insurance), so a Redis restart costs precision for a moment, never a 500.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export type Spent = { ok: true } | { ok: false; retryMs: number };

/** What a key has spent in its current window, and the ms until that window (or its block) ends. */
export type Spending = { points: number; retryMs: number };

/** A named budget of `points` per `durationS` seconds per key; past it the key waits `blockS` (default: the window's rest). */
export type BudgetSpec = { name: string; points: number; durationS: number; blockS?: number };

export interface Budget {
  /** Spends `points` of `key`'s budget, or says how long to wait. Never throws for an exhausted budget. */
  take(key: string, points?: number): Promise<Spent>;
  /** What `key` has spent so far, without spending; null when nothing (a lockout asks before it checks a password). */
  peek(key: string): Promise<Spending | null>;
  /** Forgets what `key` has spent (a successful sign-in clears the account's failures). */
  forget(key: string): Promise<void>;
  /** Gives `points` back to `key` (a refused ingest spends nothing); never for a budget with a block. */
  refund(key: string, points: number): Promise<void>;
}

/** Makes budgets; one per process, chosen by app.ts from the configuration. */
export type Budgets = (spec: BudgetSpec) => Budget;

class LimiterBudget implements Budget {
  constructor(private readonly limiter: RateLimiterAbstract) {}
  async take(key: string, points = 1): Promise<Spent> {
    try {
      await this.limiter.consume(key, points);
      return { ok: true };
    } catch (e) {
      if (e instanceof RateLimiterRes) return { ok: false, retryMs: e.msBeforeNext };
      throw e;
    }
  }
  async peek(key: string): Promise<Spending | null> {
    const r = await this.limiter.get(key);
    return r ? { points: r.consumedPoints, retryMs: r.msBeforeNext } : null;
  }
  async forget(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
  async refund(key: string, points: number): Promise<void> {
    await this.limiter.reward(key, points);
  }
}

const memoryLimiter = (s: BudgetSpec) =>
  new RateLimiterMemory({ keyPrefix: s.name, points: s.points, duration: s.durationS, blockDuration: s.blockS ?? 0 });

/** Counters in this process: one node, or the fallback while Redis is away. */
export const memoryBudgets: Budgets = (spec) => new LimiterBudget(memoryLimiter(spec));

/** Counters in Redis under `prefix`, shared by every node; memory insurance while Redis cannot answer. */
export function redisBudgets(client: Redis, prefix: string): Budgets {
  return (spec) =>
    new LimiterBudget(
      new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `${prefix}rl:${spec.name}`,
        points: spec.points,
        duration: spec.durationS,
        blockDuration: spec.blockS ?? 0,
        // not ready (reconnecting) → the insurance answers at once instead of queueing the request behind Redis
        rejectIfRedisNotReady: true,
        insuranceLimiter: memoryLimiter(spec),
      }),
    );
}
