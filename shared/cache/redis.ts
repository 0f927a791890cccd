import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Redis, Cluster, type RedisOptions } from 'ioredis';
import type { Cache } from './cache.js';

export interface RedisCacheOptions {
  /** Redis Cluster: `url` lists one or more seed nodes, comma-separated. */
  cluster?: boolean;
  /** Prepended to every key, so several deployments (or tests) can share one Redis. */
  keyPrefix?: string;
  /** A command that gets no answer within this time fails (default 500 ms). */
  commandTimeoutMs?: number;
  /** TLS for redis:// URLs too (rediss:// turns TLS on by itself); PEM files. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string; rejectUnauthorized?: boolean } | null;
}

/** Raised instead of waiting while Redis is unreachable; callers fall back to the store. */
export class CacheUnavailableError extends Error {
  constructor(reason: string) {
    super(`cache unavailable: ${reason}`);
  }
}

function tlsOptions(url: string, tls: RedisCacheOptions['tls']): ConnectionOptions | undefined {
  const wanted = url.startsWith('rediss://') || !!tls;
  if (!wanted) return undefined;
  return {
    ...(tls?.caFile ? { ca: readFileSync(tls.caFile) } : {}),
    ...(tls?.certFile ? { cert: readFileSync(tls.certFile) } : {}),
    ...(tls?.keyFile ? { key: readFileSync(tls.keyFile) } : {}),
    rejectUnauthorized: tls?.rejectUnauthorized ?? true,
  };
}

/**
 * Cache on Redis or Redis Cluster. Nothing here is authoritative, so the
 * client never waits for Redis: no offline queue (commands fail at once while
 * disconnected), a per-command timeout (a Redis that stops answering), and a
 * short circuit breaker after a timeout so a stalled Redis costs one timeout,
 * not one per request. Reconnection is automatic and unbounded.
 */
/** INCR and, for a new counter, its expiry: one atomic command (one round trip, and pipelined with its neighbours). */
const INCR_EXPIRE = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

export class RedisCache implements Cache {
  private downUntil = 0;

  private constructor(private readonly client: Redis | Cluster, private readonly breakMs: number) {}

  static async connect(url: string, opts: RedisCacheOptions = {}): Promise<RedisCache> {
    const tls = tlsOptions(url, opts.tls);
    const base: RedisOptions = {
      enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: opts.commandTimeoutMs ?? 500, connectTimeout: 2_000,
      // Commands issued in the same tick leave in one write (e.g. the rate counters of a burst of sends).
      enableAutoPipelining: true,
      retryStrategy: (n: number) => Math.min(n * 100, 1_000),
      ...(opts.keyPrefix ? { keyPrefix: opts.keyPrefix } : {}),
      ...(tls ? { tls } : {}),
    };
    let client: Redis | Cluster;
    if (opts.cluster) {
      const seeds = url.split(',').map((u) => u.trim());
      const first = new URL(seeds[0]!);
      const nodes = seeds.map((u) => { const x = new URL(u); return { host: x.hostname, port: Number(x.port || 6379) }; });
      client = new Cluster(nodes, {
        enableOfflineQueue: false, lazyConnect: true, enableAutoPipelining: true, clusterRetryStrategy: (n: number) => Math.min(n * 100, 1_000),
        ...(opts.keyPrefix ? { keyPrefix: opts.keyPrefix } : {}),
        redisOptions: {
          ...base, keyPrefix: undefined,
          ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
          ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
        },
      });
    } else {
      client = new Redis(url, { ...base, lazyConnect: true });
    }
    client.defineCommand('sbIncrExpire', { numberOfKeys: 1, lua: INCR_EXPIRE });
    client.on('error', () => { /* reported through failed commands; reconnect is automatic */ });
    // Start without Redis if need be: the cache is optional for correctness.
    const ready = client.connect().catch(() => {}); // ioredis reconnects and emits 'error'; commands fail until it is up
    await Promise.race([ready, new Promise((r) => setTimeout(r, 3_000).unref())]);
    return new RedisCache(client, Math.max(1_000, (opts.commandTimeoutMs ?? 500) * 4));
  }

  /** Runs a command unless Redis recently timed out; a timeout opens the breaker for a moment. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.client.status !== 'ready') throw new CacheUnavailableError(this.client.status);
    if (Date.now() < this.downUntil) throw new CacheUnavailableError('not answering');
    try {
      return await fn();
    } catch (e) {
      if (/timed out/i.test((e as Error).message)) this.downUntil = Date.now() + this.breakMs;
      throw e;
    }
  }

  async get(key: string): Promise<string | null> { return this.call(() => this.client.get(key)); }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.call(() => this.client.set(key, value, 'PX', ttlMs));
  }

  async del(key: string): Promise<void> { await this.call(() => this.client.del(key)); }

  async incr(key: string, ttlMs: number): Promise<number> {
    const client = this.client as unknown as { sbIncrExpire(key: string, ttlMs: number): Promise<number> };
    return Number(await this.call(() => client.sbIncrExpire(key, ttlMs)));
  }

  async hset(key: string, field: string, value: string, ttlMs: number): Promise<void> {
    const results = await this.call(() => this.client.multi().hset(key, field, value).pexpire(key, ttlMs).exec());
    const err = results?.find(([e]) => e)?.[0];
    if (err) throw err;
  }

  async hdel(key: string, field: string): Promise<void> { await this.call(() => this.client.hdel(key, field)); }

  async hgetall(key: string): Promise<Record<string, string>> { return this.call(() => this.client.hgetall(key)); }

  async close(): Promise<void> { this.client.disconnect(); }
}
