import t from 'tap';
import { RateLimiter } from '../../core/rate-limit.js';
import { MemoryCache } from '../../shared/cache/memory.js';
import { ApiClient } from '../../shared/sdk/api.js';
import { makeUser, startServer } from '../helpers/server.js';

/** Findings of issue 10 items 5 and 6: each refused with a coded error, nothing changed. */

const codeOf = async (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: { code?: string }) => e.code ?? String(e));

t.test('an administrator\'s disable survives any later directory change', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const person = await server.admin.call('admin.dir.person.create', { account: 'dirperson', name: 'Dir Person' });
  const userId = person.user_id ?? person.id;
  await server.admin.call('admin.users.password', { user_id: userId, password: 'a-strong-passphrase-1' });
  const signIn = () => new ApiClient(server.url).call('auth.login', { account: 'dirperson', password: 'a-strong-passphrase-1', device_type: 'web' });
  t.equal(await codeOf(signIn()), 'ok', 'signs in before');
  await server.admin.call('admin.users.disable', { user_id: userId });
  t.not(await codeOf(signIn()), 'ok', 'refused once disabled');
  await server.admin.call('admin.dir.person.update', { person_id: person.id, title: 'Re-saved by the directory' });
  t.not(await codeOf(signIn()), 'ok', 'still refused after the directory re-saved the person');
  await server.admin.call('admin.users.enable', { user_id: userId });
  t.equal(await codeOf(signIn()), 'ok', 'an administrator\'s enable lets them in again');
});

t.test('only the super administrator manages administrators and scopes; nobody changes their own scope', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const me = await server.admin.call('users.me', {});
  t.equal(me.is_super, true, 'the first administrator is the super administrator');
  const deputy = await makeUser(server, 'Deputy');
  await server.admin.call('admin.users.setAdmin', { user_id: deputy.user.id, is_admin: true });
  const plain = await makeUser(server, 'Plain');
  t.equal(await codeOf(deputy.api.call('admin.users.setAdmin', { user_id: plain.user.id, is_admin: true })), 'SB_FORBIDDEN', 'a second administrator cannot grant administrator rights');
  t.equal(await codeOf(deputy.api.call('admin.users.password', { user_id: me.id, password: 'taken-over-123456' })), 'SB_FORBIDDEN', 'nor reset the super administrator\'s password');
  t.equal(await codeOf(deputy.api.call('admin.dir.scope.set', { user_id: deputy.user.id, dept_ids: [] })), 'SB_FORBIDDEN', 'nor clear their own scope');
  t.equal(await codeOf(server.admin.call('admin.dir.scope.set', { user_id: me.id, dept_ids: [] })), 'SB_FORBIDDEN', 'not even the super administrator changes their own scope');
  const after = await server.admin.call('users.get', { user_id: plain.user.id });
  t.notOk((after as { is_admin?: boolean }).is_admin, 'nothing changed');
  t.equal(await codeOf(new ApiClient(server.url).call('auth.login', { account: me.account, password: 'taken-over-123456', device_type: 'web' })), 'SB_BAD_CREDENTIALS', 'the super administrator\'s password is unchanged');
});

t.test('password spraying across accounts from one address is limited', async (t) => {
  const server = await startServer({ limits: { loginFailuresPerIpPerMinute: 5 } });
  t.teardown(() => server.stop());
  const codes: string[] = [];
  for (let i = 0; i < 8; i++) codes.push(await codeOf(new ApiClient(server.url).call('auth.login', { account: `sprayed${i}`, password: 'Winter2026!', device_type: 'web' })));
  t.same(codes.slice(0, 5), Array(5).fill('SB_BAD_CREDENTIALS'), 'the first attempts are simply wrong');
  t.ok(codes.slice(5).every((c) => c === 'SB_RATE_LIMITED'), `then the address is limited (${codes.join(', ')})`);
});

t.test('an unknown account costs about what a real one does', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const real = await makeUser(server);
  const time = async (account: string) => {
    const started = process.hrtime.bigint();
    await codeOf(new ApiClient(server.url).call('auth.login', { account, password: 'wrong-password', device_type: 'web' }));
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const unknown: number[] = [];
  const known: number[] = [];
  for (let i = 0; i < 4; i++) { unknown.push(await time(`nobody-${i}`)); known.push(await time(real.user.account)); }
  const ratio = median(unknown) / median(known);
  t.ok(ratio > 0.5, `unknown ${median(unknown).toFixed(1)} ms vs real ${median(known).toFixed(1)} ms (ratio ${ratio.toFixed(2)})`);
});

t.test('guessing the current password through /me/password is limited like sign-in', async (t) => {
  const server = await startServer({ limits: { loginAttemptsPerMinute: 5 } });
  t.teardown(() => server.stop());
  const u = await makeUser(server);
  const codes: string[] = [];
  for (let i = 0; i < 8; i++) codes.push(await codeOf(u.api.call('auth.password', { current_password: `guess-${i}`, new_password: 'new-password-123' })));
  t.ok(codes.includes('SB_RATE_LIMITED'), `guesses are cut off (${codes.join(', ')})`);
  t.equal(await codeOf(u.api.call('auth.password', { current_password: u.password, new_password: 'new-password-123' })), 'SB_RATE_LIMITED', 'even the right one waits out the window');
});

t.test('rate limits count locally when the cache is unreachable; they never fail open', async (t) => {
  const cache = new MemoryCache();
  const broken = new Proxy(cache, { get: (target, prop) => (prop === 'incr' || prop === 'get' ? () => Promise.reject(new Error('ECONNREFUSED')) : Reflect.get(target, prop)) });
  const limiter = new RateLimiter(broken);
  let limited = 0;
  for (let i = 0; i < 10; i++) await limiter.check('sends:1', 3, 10_000).catch(() => { limited += 1; });
  t.equal(limited, 7, 'three allowed, seven refused with the cache down');
});
