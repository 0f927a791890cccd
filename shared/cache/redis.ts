import { Redis, Cluster } from 'ioredis';
import type { Cache } from './cache.js';

/**
 * Cache on Redis or Redis Cluster. Commands fail fast while Redis is away
 * (no offline queue), so callers fall back to the store instead of waiting.
 */
export class RedisCache implements Cache {
  private constructor(private readonly client: Redis | Cluster) {}

  static async connect(url: string, opts: { cluster?: boolean } = {}): Promise<RedisCache> {
    const common = { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true };
    let client: Redis | Cluster;
    if (opts.cluster) {
      const nodes = url.split(',').map((u) => { const x = new URL(u); return { host: x.hostname, port: Number(x.port || 6379) }; });
      client = new Cluster(nodes, { enableOfflineQueue: false, redisOptions: { maxRetriesPerRequest: 1 } });
    } else {
      client = new Redis(url, { ...common, retryStrategy: (n: number) => Math.min(n * 100, 1_000) });
    }
    client.on('error', () => { /* reported through failed commands; reconnect is automatic */ });
    if (client instanceof Redis) await client.connect().catch(() => {});
    return new RedisCache(client);
  }

  async get(key: string): Promise<string | null> { return this.client.get(key); }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.client.set(key, value, 'PX', ttlMs);
  }

  async del(key: string): Promise<void> { await this.client.del(key); }

  async incr(key: string, ttlMs: number): Promise<number> {
    const results = await this.client.multi().incr(key).pexpire(key, ttlMs, 'NX').exec();
    const [err, n] = results?.[0] ?? [new Error('redis transaction aborted'), 0];
    if (err) throw err;
    return Number(n);
  }

  async hset(key: string, field: string, value: string, ttlMs: number): Promise<void> {
    await this.client.multi().hset(key, field, value).pexpire(key, ttlMs).exec();
  }

  async hdel(key: string, field: string): Promise<void> { await this.client.hdel(key, field); }

  async hgetall(key: string): Promise<Record<string, string>> { return this.client.hgetall(key); }

  async close(): Promise<void> { this.client.disconnect(); }
}
