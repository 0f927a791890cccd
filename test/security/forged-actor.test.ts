import t from 'tap';
import { rpcHandlers } from '../../central/rpc/handlers.js';
import type { UserView } from '../../shared/protocol/types.js';
import { makeUser, startServer } from '../helpers/server.js';

/**
 * Issue 10 item 1: central derives the actor from the credential. These requests go through central's
 * real dispatcher and services (what a relay's bus request reaches), as a compromised relay would send them.
 */
t.test('an actor asserted on the bus is never believed', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const central = server.node.central!;
  const dispatch = rpcHandlers(central.services);
  const admin = await server.admin.call('users.me', {});
  const employee = await makeUser(server, 'Employee');
  const auditBefore = await server.admin.call('admin.audit', { limit: 500 });
  const usersBefore = await server.admin.call('admin.users.list', { limit: 500 });

  await t.rejects(dispatch['admin.users.create']({ actor: { userId: admin.id, sessionId: 'anything' }, params: { account: 'forged1', name: 'F', password: 'forged-password-1', is_admin: true } } as never),
    { code: 'SB_UNAUTHENTICATED' }, 'a forged administrator actor without a credential');
  await t.rejects(dispatch['admin.users.create']({ credential: { token: employee.token }, actor: { userId: admin.id, sessionId: 'anything' }, params: { account: 'forged2', name: 'F', password: 'forged-password-1', is_admin: true } } as never),
    { code: 'SB_FORBIDDEN' }, 'an employee\'s credential with a forged administrator actor acts as the employee');

  const out = await dispatch['msg.sendMany']({ params: { items: [
    { actor: { userId: admin.id, sessionId: 'x' }, params: { conv_id: 1, cmid: 'forged', body: { text: 'x' } } },
    { credential: { token: 'not-a-real-token-at-all' }, params: { conv_id: 1, cmid: 'forged2', body: { text: 'x' } } },
  ] } }) as { results: { ok: boolean; error?: { code: string } }[] };
  t.same(out.results.map((r) => r.error?.code), ['SB_UNAUTHENTICATED', 'SB_UNAUTHENTICATED'], 'each forged send of a batch is refused on its own');

  await dispatch['presence.report']({ params: { relay: 'evil', entries: [{ user_id: admin.id, session_id: 'x', status: 'online' }, { token: 'not-a-real-token-at-all', status: 'online' }] } });
  const presence = await employee.api.call('presence.query', { user_ids: [admin.id] });
  t.notOk(presence.some((p) => p.user_id === admin.id && p.status !== 'offline'), 'a presence report without a verified token changes nobody');

  const usersAfter = await server.admin.call('admin.users.list', { limit: 500 });
  const auditAfter = await server.admin.call('admin.audit', { limit: 500 });
  t.equal(usersAfter.length, usersBefore.length, 'no user was created');
  t.equal(auditAfter.length, auditBefore.length, 'nothing was written to the audit log');
});

t.test('a revoked session is refused at once, through the relay and on the bus', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const dispatch = rpcHandlers(server.node.central!.services);
  const u = await makeUser(server);
  t.equal((await dispatch['users.me']({ credential: { token: u.token } }) as UserView).id, u.user.id, 'the token works');
  await u.api.call('users.me', {});
  const sessions = await server.admin.call('admin.sessions.list', { user_id: u.user.id });
  await server.admin.call('admin.sessions.revoke', { session_id: sessions[0]!.id });
  await t.rejects(dispatch['users.me']({ credential: { token: u.token } }), { code: 'SB_UNAUTHENTICATED' }, 'refused at central at once');
  await t.rejects(u.api.call('users.me', {}), { code: 'SB_UNAUTHENTICATED' }, 'and through the relay');
});
