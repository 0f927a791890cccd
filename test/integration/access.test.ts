import t from 'tap';
import { ApiClient } from '../../shared/sdk/api.js';
import { API, type Method } from '../../shared/protocol/api.js';
import type { ConversationView, HistoryPage, LoginResult } from '../../shared/protocol/types.js';
import { makeUser, rawSocket, startServer, waitFor } from '../helpers/server.js';

t.test('nobody reads or writes a conversation they are not in', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben, eve] = await Promise.all(['Ann', 'Ben', 'Eve'].map((n) => makeUser(server, n)));
  const direct = await ann!.api.call<ConversationView>('conv.direct', { user_id: ben!.user.id });
  const group = await ann!.api.call<ConversationView>('conv.group', { title: 'secret', member_ids: [ben!.user.id], cmid: 'g' });
  await ann!.api.call('msg.send', { conv_id: direct.id, cmid: 'a1', body: { text: 'private' } });
  const snapshot = async () => JSON.stringify([
    await ann!.api.call<HistoryPage>('msg.history', { conv_id: direct.id, after: 0 }),
    await ann!.api.call<HistoryPage>('msg.history', { conv_id: group.id, after: 0 }),
    await ann!.api.call<ConversationView>('conv.get', { conv_id: group.id }),
    await ann!.api.call<ConversationView>('conv.get', { conv_id: direct.id }),
  ]);
  const before = await snapshot();

  for (const conv of [direct.id, group.id, 999_999]) {
    const attempts: [Method, Record<string, unknown>][] = [
      ['conv.get', { conv_id: conv }],
      ['msg.history', { conv_id: conv }],
      ['msg.send', { conv_id: conv, cmid: `e${conv}`, body: { text: 'intrusion' } }],
      ['msg.read', { conv_id: conv, seq: 1 }],
      ['conv.rename', { conv_id: conv, title: 'pwned' }],
      ['conv.addMembers', { conv_id: conv, user_ids: [eve!.user.id] }],
      ['conv.removeMember', { conv_id: conv, user_id: ben!.user.id }],
      ['conv.leave', { conv_id: conv }],
      ['conv.notice', { conv_id: conv, notice: 'x' }],
      ['conv.mute', { conv_id: conv, muted: true }],
    ];
    for (const [method, params] of attempts) {
      await t.rejects(eve!.api.call(method, params), { code: 'SB_NOT_MEMBER' }, `${method} on conversation ${conv} is refused`);
    }
  }
  const ws = await rawSocket(server.url);
  ws.ws.send(JSON.stringify({ t: 'auth', token: eve!.token }));
  await ws.next((f) => f.t === 'ready');
  ws.ws.send(JSON.stringify({ t: 'send', id: 'x', conv_id: direct.id, cmid: 'ws1', body: { text: 'intrusion' } }));
  t.equal((await ws.next((f) => f.id === 'x')).error.code, 'SB_NOT_MEMBER', 'over the WebSocket too');
  ws.ws.close();
  t.equal(await snapshot(), before, 'nothing changed');
  t.same((await eve!.api.call<ConversationView[]>('conv.list')).map((c) => c.id), [], 'and the outsider sees no conversation');
});

t.test('only administrators reach the admin API', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const user = await makeUser(server);
  const adminMethods = (Object.keys(API) as Method[]).filter((m) => API[m].auth === 'admin');
  t.ok(adminMethods.length >= 8);
  for (const method of adminMethods) {
    const path = API[method].http[1];
    const params: Record<string, unknown> = { user_id: 1, session_id: 'x', account: 'new1', password: 'password-1', is_admin: true, member_ids: [1], title: 't' };
    if (!path.includes(':user_id') && method !== 'admin.groups.create' && method !== 'admin.sessions.list') delete params.user_id;
    // Every other path parameter gets a plausible id, so the request reaches the server.
    for (const [, name] of path.matchAll(/:([a-z_]+)/g)) params[name!] ??= 1;
    await t.rejects(user.api.call(method, params), { code: 'SB_FORBIDDEN' }, `${method} is refused to a non-administrator`);
  }
  const users = await server.admin.call<unknown[]>('admin.users.list', {});
  t.equal(users.length, 2, 'no user was created by the refused calls');
  const audit = await server.admin.call<{ action: string }[]>('admin.audit', {});
  t.notOk(audit.some((e) => e.action !== 'user.create'), 'and nothing else was audited as done');
});

t.test('disabling a user closes their sockets and stops their tokens at once', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const bob = await makeUser(server, 'Bob');
  const second = (await new ApiClient(server.url).call<LoginResult>('auth.login', { account: bob.user.account, password: bob.password, device_type: 'mobile' })).token;
  const sockets = await Promise.all([bob.token, second].map(async (token) => {
    const s = await rawSocket(server.url);
    s.ws.send(JSON.stringify({ t: 'auth', token }));
    await s.next((f) => f.t === 'ready');
    return s;
  }));
  await bob.api.call('users.me'); // warm every cache on the way
  await server.admin.call('admin.users.disable', { user_id: bob.user.id });
  for (const s of sockets) t.equal((await s.closed).code, 4003, 'socket closed with 4003 (session ended)');
  await t.rejects(bob.api.call('users.me'), { code: 'SB_UNAUTHENTICATED' }, 'the token stops working over HTTP');
  const s = await rawSocket(server.url);
  s.ws.send(JSON.stringify({ t: 'auth', token: second }));
  t.equal((await s.next((f) => f.t === 'error')).error.code, 'SB_UNAUTHENTICATED', 'and over the WebSocket');
  t.equal((await s.closed).code, 4001);
  await t.rejects(new ApiClient(server.url).call('auth.login', { account: bob.user.account, password: bob.password }), { code: 'SB_USER_DISABLED' }, 'signing in again is refused');
  await server.admin.call('admin.users.enable', { user_id: bob.user.id });
  const again = await new ApiClient(server.url).call<LoginResult>('auth.login', { account: bob.user.account, password: bob.password });
  t.equal(again.user.id, bob.user.id, 're-enabled users sign in again');
});

t.test('sign-out, revocation, wrong and expired tokens', async (t) => {
  const server = await startServer({ sessions: { ttlHours: 5 / 3600 } });
  t.teardown(() => server.stop());
  const bob = await makeUser(server);
  await t.rejects(new ApiClient(server.url, 'not-a-real-token-at-all-xxxxxxxx').call('users.me'), { code: 'SB_UNAUTHENTICATED' });
  await t.rejects(new ApiClient(server.url).call('users.me'), { code: 'SB_UNAUTHENTICATED' }, 'no token');
  await t.rejects(new ApiClient(server.url).call('auth.login', { account: bob.user.account, password: 'wrong-password' }), { code: 'SB_BAD_CREDENTIALS' });

  const other = await new ApiClient(server.url).call<LoginResult>('auth.login', { account: bob.user.account, password: bob.password, device_type: 'desktop' });
  await bob.api.call('auth.logout');
  await t.rejects(bob.api.call('users.me'), { code: 'SB_UNAUTHENTICATED' }, 'a signed-out token is dead');
  const otherApi = new ApiClient(server.url, other.token);
  t.equal((await otherApi.call<{ id: number }>('users.me')).id, bob.user.id, 'the other device is still signed in');
  await server.admin.call('admin.sessions.revoke', { session_id: other.session.id });
  await t.rejects(otherApi.call('users.me'), { code: 'SB_UNAUTHENTICATED' }, 'an admin can revoke one session');

  const fresh = await new ApiClient(server.url).call<LoginResult>('auth.login', { account: bob.user.account, password: bob.password });
  await new ApiClient(server.url, fresh.token).call('users.me');
  await waitFor(async () => {
    try { await new ApiClient(server.url, fresh.token).call('users.me'); return false; } catch (e) { return (e as { code?: string }).code === 'SB_TOKEN_EXPIRED'; }
  }, 15_000, 'the session expires');
  t.pass('an expired token gives SB_TOKEN_EXPIRED');
});
