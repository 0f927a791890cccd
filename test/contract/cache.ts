import type { Test } from 'tap';
import type { Cache } from '../../shared/cache/cache.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The Cache contract: MemoryCache and RedisCache (single or cluster) behave alike. */
export function cacheContract(t: Test, open: () => Promise<Cache>): void {
  let c: Cache;
  t.before(async () => { c = await open(); });
  let n = 0;
  const k = (name: string) => `${name}:${++n}`;

  t.test('get, set, overwrite, del', async (t) => {
    const key = k('plain');
    t.equal(await c.get(key), null, 'missing key');
    await c.set(key, 'v1', 10_000);
    t.equal(await c.get(key), 'v1');
    await c.set(key, '值 2', 10_000);
    t.equal(await c.get(key), '值 2', 'overwrite, unicode kept');
    await c.del(key);
    t.equal(await c.get(key), null, 'deleted');
    await c.del(key);
    t.pass('deleting a missing key is fine');
  });

  t.test('entries expire', async (t) => {
    const key = k('ttl');
    await c.set(key, 'short', 800);
    await c.set(`${key}:long`, 'long', 10_000);
    t.equal(await c.get(key), 'short');
    await sleep(1_100);
    t.equal(await c.get(key), null, 'gone after its ttl');
    t.equal(await c.get(`${key}:long`), 'long', 'others stay');
  });

  t.test('counters count and expire from their first increment', async (t) => {
    const key = k('counter');
    t.equal(await c.incr(key, 1_200), 1);
    t.equal(await c.incr(key, 1_200), 2);
    await sleep(700);
    t.equal(await c.incr(key, 1_200), 3, 'a later increment does not extend the window');
    await sleep(700);
    t.equal(await c.incr(key, 1_200), 1, 'the window ended 1.2 s after the first increment');
    t.equal(await c.incr(k('counter'), 1_200), 1, 'counters are independent');
  });

  t.test('hashes: set, read, delete fields; expire after the last write', async (t) => {
    const key = k('hash');
    t.same(await c.hgetall(key), {}, 'missing hash is empty');
    await c.hset(key, 's1', '{"d":"web"}', 1_500);
    await c.hset(key, 's2', '{"d":"mobile"}', 1_500);
    t.same(await c.hgetall(key), { s1: '{"d":"web"}', s2: '{"d":"mobile"}' });
    await c.hdel(key, 's1');
    t.same(await c.hgetall(key), { s2: '{"d":"mobile"}' });
    await c.hdel(key, 'missing');
    await sleep(900);
    await c.hset(key, 's3', 'x', 1_500);
    await sleep(900);
    t.same(await c.hgetall(key), { s2: '{"d":"mobile"}', s3: 'x' }, 'a write renews the whole hash');
    await sleep(900);
    t.same(await c.hgetall(key), {}, 'expired');
  });
}
