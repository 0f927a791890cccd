import t from 'tap';
import { Redis } from 'ioredis';
import { MemoryCache } from '../../shared/cache/memory.js';
import { RedisCache } from '../../shared/cache/redis.js';
import type { Cache } from '../../shared/cache/cache.js';
import { cacheContract } from './cache.js';
import { REDIS_URL, redisReachable } from '../helpers/services.js';

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
