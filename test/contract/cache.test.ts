import t from 'tap';
import { Redis } from 'ioredis';
import { MemoryCache } from '../../shared/cache/memory.js';
import { RedisCache } from '../../shared/cache/redis.js';
import type { Cache } from '../../shared/cache/cache.js';
import { cacheContract } from './cache.js';
import { REDIS_URL, redisReachable } from '../helpers/services.js';
import { ownRedisCluster, redisServerAvailable } from '../helpers/redis-server.js';

t.test('MemoryCache', async (t) => {
  let cache: Cache | null = null;
  t.teardown(() => cache?.close());
  cacheContract(t, async () => (cache = new MemoryCache()));
});

const why = await redisReachable();
const skip = why ? `Redis is not reachable at ${REDIS_URL} (${why}); skipping the Redis cache contract` : false;

t.test('RedisCache (database 5, a key prefix of its own)', { skip }, async (t) => {
  const prefix = `sbtest:${process.pid}:`;
  const url = `${REDIS_URL}/5`;
  let cache: Cache | null = null;
  t.teardown(async () => {
    await cache?.close();
    const r = new Redis(url);
    const keys = await r.keys(`${prefix}*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  });
  cacheContract(t, async () => (cache = await RedisCache.connect(url, { keyPrefix: prefix })));
  t.test('keys carry the prefix in Redis', async (t) => {
    await cache!.set('probe', '1', 10_000);
    const r = new Redis(url);
    t.equal(await r.get(`${prefix}probe`), '1');
    r.disconnect();
  });
});

const clusterSkip = redisServerAvailable() ? false : 'redis-server is not installed; skipping the Redis Cluster cache contract';

t.test('RedisCache on a Redis Cluster of three nodes', { skip: clusterSkip }, async (t) => {
  const cluster = await ownRedisCluster();
  let cache: RedisCache | null = null;
  t.teardown(async () => { await cache?.close(); await cluster.cleanup(); });
  // Two seeds are enough: the client learns the rest of the cluster from them.
  cacheContract(t, async () => (cache = await RedisCache.connect(cluster.urls.slice(0, 2).join(','), { cluster: true, keyPrefix: 'sb:' })));
  t.test('keys spread over the nodes', async (t) => {
    for (let i = 0; i < 30; i++) await cache!.set(`spread:${i}`, String(i), 60_000);
    const sizes = await Promise.all(cluster.urls.map(async (u) => {
      const r = new Redis(u);
      const keys = await r.keys('sb:spread:*');
      r.disconnect();
      return keys.length;
    }));
    t.equal(sizes.reduce((a, b) => a + b, 0), 30, 'every key stored once');
    t.ok(sizes.filter((n) => n > 0).length >= 2, `on several nodes (${sizes.join(', ')})`);
  });
});
