import { AppError } from '../shared/errors.js';
import type { Cache } from '../shared/cache/cache.js';

/**
 * Fixed-window counters in the cache, so every relay and central process
 * shares one limit per user. If the cache is unreachable the call is allowed:
 * losing the cache must cost protection, never availability.
 */
export class RateLimiter {
  constructor(private readonly cache: Cache) {}

  async check(key: string, limit: number, windowMs: number): Promise<void> {
    let count: number;
    try {
      const window = Math.floor(Date.now() / windowMs);
      count = await this.cache.incr(`rl:${key}:${window}`, windowMs);
    } catch {
      return;
    }
    if (count > limit) throw new AppError('SB_RATE_LIMITED', undefined, { retry_after_ms: windowMs - (Date.now() % windowMs) });
  }
}
