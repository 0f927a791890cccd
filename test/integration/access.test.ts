import t from 'tap';
import { ApiClient } from '../../shared/sdk/api.js';
import { API, type Method } from '../../shared/protocol/api.js';
import { OPERATION_LIST } from '../../core/operations.js';
import { rpcHandlers } from '../../central/rpc/handlers.js';
import { sampleParams } from '../helpers/sample-params.js';
import { makeUser, rawSocket, signIn, startServer, waitFor } from '../helpers/server.js';

t.test('nobody reads or writes a conversation they are not in', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben, eve] = await Promise.all(['Ann', 'Ben', 'Eve'].map((n) => makeUser(server, n)));
  const direct = await ann!.api.call('conv.direct', { user_id: ben!.user.id });
  const group = await ann!.api.call('conv.group', { title: 'secret', member_ids: [ben!.user.id], cmid: 'g' });
  await ann!.api.call('msg.send', { conv_id: direct.id, cmid: 'a1', body: { text: 'private' } });
  const snapshot = async () => JSON.stringify([
    await ann!.api.call('msg.history', { conv_id: direct.id, after: 0 }),
    await ann!.api.call('msg.history', { conv_id: group.id, after: 0 }),
    await ann!.api.call('conv.get', { conv_id: group.id }),
    await ann!.api.call('conv.get', { conv_id: direct.id }),
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
  t.same((await eve!.api.call('conv.list')).map((c) => c.id), [], 'and the outsider sees no conversation');
});

t.test('only administrators reach the admin API', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const user = await makeUser(server);
  const adminMethods = (Object.keys(API) as Method[]).filter((m) => API[m].auth === 'admin');
  t.ok(adminMethods.length >= 8);
  for (const method of adminMethods) {
    const path = API[method].http[1];
    const params: Record<string, unknown> = { user_id: 1, session_id: 'x', account: 'new1', password: 'plain-words-1', is_admin: true, member_ids: [1], title: 't' };
    if (!path.includes(':user_id') && method !== 'admin.groups.create' && method !== 'admin.sessions.list') delete params.user_id;
    // Every other path parameter gets a plausible id, so the request reaches the server.
    for (const [, name] of path.matchAll(/:([a-z_]+)/g)) params[name!] ??= 1;
    await t.rejects(user.api.call(method, params), { code: 'SB_FORBIDDEN' }, `${method} is refused to a non-administrator`);
  }
  const users = await server.admin.call('admin.users.list', {});
  t.equal(users.length, 2, 'no user was created by the refused calls');
  const audit = await server.admin.call('admin.audit', {});
  t.notOk(audit.some((e) => e.action !== 'user.create'), 'and nothing else was audited as done');
});

t.test('every operation in the table passes the gate: no credential, a user on an administrator operation, an administrator outside their scope', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const admin = server.admin;
  const user = await makeUser(server, 'Plain');
  // Two departments; the scoped administrator holds only the first.
  const inside = await admin.call('admin.dir.dept.create', { name: 'Inside', org_id: 1 });
  const outside = await admin.call('admin.dir.dept.create', { name: 'Outside', org_id: 1 });
  const near = await admin.call('admin.dir.person.create', { account: 'near', name: 'Near', depts: [inside.id] });
  const far = await admin.call('admin.dir.person.create', { account: 'far', name: 'Far', depts: [outside.id] });
  const policy = await admin.call('admin.dir.policy.set', { target: 'person', target_id: far.id, fields: ['mobile'] });
  await admin.call('admin.users.password', { user_id: far.user_id!, password: 'far-password-1' });
  await signIn(server.url, 'far', 'far-password-1');
  const farSession = (await admin.call('admin.sessions.list', { user_id: far.user_id! }))[0]!.id;
  const hrUser = await admin.call('admin.users.create', { account: 'hr', name: 'HR', password: 'hr-password-1', is_admin: true });
  await admin.call('admin.dir.scope.set', { user_id: hrUser.id, dept_ids: [inside.id] });
  const hr = new ApiClient(server.url, await signIn(server.url, 'hr', 'hr-password-1'));
  const anonymous = new ApiClient(server.url);
  const dispatch = rpcHandlers(server.node.central!.services);

  // What a refused call could have changed.
  const state = async () => JSON.stringify({
    users: await admin.call('admin.users.list', { limit: 1000 }),
    sessions: (await admin.call('admin.sessions.list', {})).length,
    audit: (await admin.call('admin.audit', { limit: 1000 })).length,
    directory: await admin.call('dir.orgs'),
    people: [await admin.call('dir.person', { person_id: near.id }), await admin.call('dir.person', { person_id: far.id })],
    policies: await admin.call('admin.dir.policy.list'),
    conversations: [(await user.api.call('conv.list')).length, (await hr.call('conv.list')).length, (await admin.call('conv.list')).length],
  });
  const before = await state();

  // Params that pass the schema and name only what lies outside the scoped administrator's departments.
  const farNames: Record<string, unknown> = {
    user_id: far.user_id, person_id: far.id, dept_id: outside.id, parent_id: outside.id, move_to: outside.id, policy_id: policy.id,
    session_id: farSession, owner_id: far.user_id, member_ids: [far.user_id], dept_ids: [outside.id], depts: [outside.id], target: 'dept', target_id: outside.id,
  };
  const counts = { unauthenticated: 0, forbidden: 0, outOfScope: 0 };
  for (const [name, op] of OPERATION_LIST) {
    const keys = Object.keys((op.params as { properties: Record<string, unknown> }).properties);
    const params = sampleParams(op.params, Object.fromEntries(Object.entries(farNames).filter(([k]) => keys.includes(k))));
    const viaHttp = op.http !== null;
    const callAs = (api: ApiClient | null) => (viaHttp
      ? (api ?? anonymous).callUnchecked(name as Method, params)
      : dispatch[name](api ? { credential: { token: api.token! }, params } : { params }));
    if (op.auth !== 'none') {
      await t.rejects(callAs(null), { code: 'SB_UNAUTHENTICATED' }, `${name} without a credential`);
      counts.unauthenticated += 1;
    }
    if (op.auth === 'admin') {
      await t.rejects(callAs(user.api), { code: 'SB_FORBIDDEN' }, `${name} by a user who is no administrator`);
      counts.forbidden += 1;
    }
    if (op.auth === 'admin' && op.scope) {
      await t.rejects(callAs(hr), { code: 'SB_FORBIDDEN', message: /Outside your administration scope/ }, `${name} by an administrator outside their scope`);
      counts.outOfScope += 1;
    }
  }
  t.ok(counts.unauthenticated >= 60 && counts.forbidden >= 25 && counts.outOfScope >= 20, `every gated operation was tried (${JSON.stringify(counts)})`);
  t.equal(await state(), before, 'nothing changed');

  // The scope limits, it does not lock out: inside it the same administrator acts.
  const renamed = await hr.call('admin.dir.person.update', { person_id: near.id, title: 'Moved on' });
  t.equal(renamed.title, 'Moved on', 'an administrator changes people inside their scope');
  await t.rejects(hr.call('admin.dir.person.update', { person_id: near.id, depts: [outside.id] }), { code: 'SB_FORBIDDEN' }, 'but cannot move them out of it');
});

t.test('disabling a user closes their sockets and stops their tokens at once', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const bob = await makeUser(server, 'Bob');
  const second = (await new ApiClient(server.url).call('auth.login', { account: bob.user.account, password: bob.password, device_type: 'mobile' })).token;
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
  const again = await new ApiClient(server.url).call('auth.login', { account: bob.user.account, password: bob.password });
  t.equal(again.user.id, bob.user.id, 're-enabled users sign in again');
});

t.test('sign-out, revocation, wrong and expired tokens', async (t) => {
  const server = await startServer({ sessions: { ttlHours: 5 / 3600 } });
  t.teardown(() => server.stop());
  const bob = await makeUser(server);
  await t.rejects(new ApiClient(server.url, 'not-a-real-token-at-all-xxxxxxxx').call('users.me'), { code: 'SB_UNAUTHENTICATED' });
  await t.rejects(new ApiClient(server.url).call('users.me'), { code: 'SB_UNAUTHENTICATED' }, 'no token');
  await t.rejects(new ApiClient(server.url).call('auth.login', { account: bob.user.account, password: 'wrong-password' }), { code: 'SB_BAD_CREDENTIALS' });

  const other = await new ApiClient(server.url).call('auth.login', { account: bob.user.account, password: bob.password, device_type: 'desktop' });
  await bob.api.call('auth.logout');
  await t.rejects(bob.api.call('users.me'), { code: 'SB_UNAUTHENTICATED' }, 'a signed-out token is dead');
  const otherApi = new ApiClient(server.url, other.token);
  t.equal((await otherApi.call('users.me')).id, bob.user.id, 'the other device is still signed in');
  await server.admin.call('admin.sessions.revoke', { session_id: other.session.id });
  await t.rejects(otherApi.call('users.me'), { code: 'SB_UNAUTHENTICATED' }, 'an admin can revoke one session');

  const fresh = await new ApiClient(server.url).call('auth.login', { account: bob.user.account, password: bob.password });
  await new ApiClient(server.url, fresh.token).call('users.me');
  await waitFor(async () => {
    try { await new ApiClient(server.url, fresh.token).call('users.me'); return false; } catch (e) { return (e as { code?: string }).code === 'SB_TOKEN_EXPIRED'; }
  }, 15_000, 'the session expires');
  t.pass('an expired token gives SB_TOKEN_EXPIRED');
});
