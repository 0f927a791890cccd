import t, { type Test } from 'tap';
import { RedisCache } from '../../shared/cache/redis.js';
import { hashToken } from '../../shared/crypto.js';
import { ApiClient } from '../../shared/sdk/api.js';
import { connectedPair, startServer, waitFor } from '../helpers/server.js';
import { freePort } from '../helpers/process.js';
import { ownRedis, redisServerAvailable } from '../helpers/redis-server.js';

/**
 * Redis is only a cache: losing it, flushing it, freezing it or bringing it
 * back with stale data costs speed, never correctness.
 */
const skip = redisServerAvailable() ? false : 'redis-server is not installed; skipping the Redis fault tests';

async function failsWithin(t: Test, p: Promise<unknown>, ms: number, what: string): Promise<void> {
  const started = Date.now();
  const outcome = await p.then(() => 'resolved', () => 'rejected');
  t.equal(outcome, 'rejected', `${what}: the command fails`);
  t.ok(Date.now() - started < ms, `${what}: within ${ms} ms (took ${Date.now() - started} ms), not a hang`);
}

t.test('RedisCache fails fast when Redis is gone, frozen, or never there; recovers by itself', { skip }, async (t) => {
  const deadPort = await freePort();
  const started = Date.now();
  const dead = await RedisCache.connect(`redis://127.0.0.1:${deadPort}`, { commandTimeoutMs: 300 });
  t.ok(Date.now() - started < 5_000, 'starting against a dead port does not hang');
  t.teardown(() => dead.close());
  await failsWithin(t, dead.get('k'), 1_000, 'dead port');

  const redis = await ownRedis();
  t.teardown(() => redis.cleanup());
  const cache = await RedisCache.connect(redis.url, { commandTimeoutMs: 300 });
  t.teardown(() => cache.close());
  await cache.set('k', 'v', 60_000);
  t.equal(await cache.get('k'), 'v');

  redis.freeze();
  await failsWithin(t, cache.get('k'), 2_000, 'frozen Redis');
  await failsWithin(t, cache.incr('c', 1_000), 500, 'frozen Redis, breaker open');
  redis.thaw();
  await waitFor(async () => (await cache.get('k').catch(() => null)) === 'v', 5_000, 'answers again after thawing');

  await redis.kill();
  await failsWithin(t, cache.get('k'), 1_000, 'killed Redis');
  await redis.start();
  await waitFor(async () => (await cache.set('k2', 'v2', 60_000).then(() => true, () => false)), 5_000, 'reconnects to the restarted Redis');
  t.equal(await cache.get('k2'), 'v2');
});

t.test('a chat on a Redis cache stays correct through flush, freeze, loss and a stale restart', { skip }, async (t) => {
  const redis = await ownRedis();
  t.teardown(() => redis.cleanup());
  const server = await startServer({ cache: { kind: 'redis', url: redis.url, cluster: false } });
  t.teardown(() => server.stop());
  const inspect = redis.admin();
  const { alice, bob, a, b } = await connectedPair(t, server);
  const conv = await a.openDirect(bob.user.id);

  // A second device of Alice's, used over HTTP so every call resolves its token.
  const second = await new ApiClient(server.url).call('auth.login', { account: alice.user.account, password: alice.password, device_type: 'cli' });
  const cli = new ApiClient(server.url, second.token);
  await cli.call('users.me', {});
  const key = `sess:${hashToken(second.token)}`;
  const cachedValue = await inspect.get(key);
  t.ok(cachedValue, 'the session is cached in Redis');

  let n = 0;
  const burst = async (count: number) => Promise.all(Array.from({ length: count }, () => a.send(conv.id, `m${++n}`)));
  await burst(10);

  await inspect.flushall();
  await burst(10);
  t.same((await cli.call('users.me', {})).id, alice.user.id, 'after FLUSHALL the token still resolves');
  const fresh = await new ApiClient(server.url).call('auth.login', { account: bob.user.account, password: bob.password, device_type: 'cli' });
  t.same((await new ApiClient(server.url, fresh.token).call('users.me', {})).id, bob.user.id, 'a new session resolves from the store');
  t.ok(await inspect.get(`sess:${hashToken(fresh.token)}`), 'and the cache fills again');

  // Redis will come back later with Alice's second session still in its saved data.
  await inspect.set(key, cachedValue!, 'PX', 60_000);
  await inspect.save();
  await redis.kill();
  const ended = await server.admin.call('admin.sessions.revoke', { session_id: second.session.id });
  t.ok(ended, 'the session is ended while Redis is down');
  await t.rejects(cli.call('users.me', {}), { code: 'SB_UNAUTHENTICATED' }, 'the ended session is refused without Redis');
  await burst(10);

  await redis.start();
  t.equal(await inspect.get(key), cachedValue, 'Redis came back with the ended session still cached');
  await new Promise((r) => setTimeout(r, 1_500)); // the server's client reconnects
  await t.rejects(cli.call('users.me', {}), { code: 'SB_UNAUTHENTICATED' }, 'a stale cache entry does not revive the ended session');
  t.equal(await inspect.exists(key), 0, 'the stale entry was removed once Redis answered');
  await burst(10);

  redis.freeze();
  const frozenAt = Date.now();
  await burst(10);
  t.ok(Date.now() - frozenAt < 10_000, `ten sends while Redis is frozen took ${Date.now() - frozenAt} ms`);
  const third = await new ApiClient(server.url).call('auth.login', { account: bob.user.account, password: bob.password, device_type: 'cli' });
  t.ok(third.token, 'signing in works while Redis is frozen');
  redis.thaw();
  await burst(10);

  await waitFor(() => b.messages(conv.id).length === n, 10_000, 'bob has every message');
  const seqs = b.messages(conv.id).map((m) => m.seq);
  t.same(seqs, Array.from({ length: n }, (_, i) => i + 1), `all ${n} messages exactly once, in order`);
  t.same(b.messages(conv.id).map((m) => (m.body as { text: string }).text), Array.from({ length: n }, (_, i) => `m${i + 1}`));
});
