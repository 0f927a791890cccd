import { AppError } from '../shared/errors.js';
import type { Cache } from '../shared/cache/cache.js';

/** Local windows kept at most; beyond that the oldest are dropped (an attacker cannot grow memory). */
const MAX_LOCAL_KEYS = 100_000;

/**
 * Fixed-window counters in the cache, so every relay and central process
 * shares one limit per key. If the cache is unreachable the count falls back
 * to this process's own counters: a limit is never skipped (never fails open),
 * it is only enforced per process until the cache is back.
 */
export class RateLimiter {
  private readonly local = new Map<string, { count: number; expires: number }>();
  private warned = false;

  constructor(private readonly cache: Cache, private readonly onFallback: (e: unknown) => void = () => {}) {}

  /** Counts one attempt against `key`; SB_RATE_LIMITED when over `limit` in the window. */
  async check(key: string, limit: number, windowMs: number): Promise<void> {
    const count = await this.incr(key, windowMs);
    if (count > limit) throw this.limited(windowMs);
  }

  /** The current count of `key` in this window, without counting. */
  async peek(key: string, windowMs: number): Promise<number> {
    const k = this.windowKey(key, windowMs);
    try {
      const v = await this.cache.get(k);
      return Math.max(Number(v ?? 0) || 0, this.localCount(k));
    } catch (e) {
      this.fallback(e);
      return this.localCount(k);
    }
  }

  /** Counts one event against `key` (e.g. a failed sign-in) and returns the count. */
  async incr(key: string, windowMs: number): Promise<number> {
    const k = this.windowKey(key, windowMs);
    try {
      const n = await this.cache.incr(k, windowMs);
      this.warned = false;
      return n;
    } catch (e) {
      this.fallback(e);
      return this.localIncr(k, windowMs);
    }
  }

  limited(windowMs: number): AppError {
    return new AppError('SB_RATE_LIMITED', undefined, { retry_after_ms: windowMs - (Date.now() % windowMs) });
  }

  private windowKey(key: string, windowMs: number): string {
    return `rl:${key}:${Math.floor(Date.now() / windowMs)}`;
  }

  private localCount(k: string): number {
    const e = this.local.get(k);
    return e && e.expires > Date.now() ? e.count : 0;
  }

  private localIncr(k: string, windowMs: number): number {
    const now = Date.now();
    const e = this.local.get(k);
    if (e && e.expires > now) return ++e.count;
    if (this.local.size >= MAX_LOCAL_KEYS) {
      for (const [key, v] of this.local) if (v.expires <= now) this.local.delete(key);
      while (this.local.size >= MAX_LOCAL_KEYS) this.local.delete(this.local.keys().next().value!);
    }
    this.local.set(k, { count: 1, expires: now + windowMs });
    return 1;
  }

  private fallback(e: unknown): void {
    // Reported once per outage: the limit still holds, counted in this process.
    if (!this.warned) { this.warned = true; this.onFallback(e); }
  }
}
