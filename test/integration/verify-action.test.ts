import t, { type Test } from 'tap';
import { applyEvent } from '../../shared/sdk/state.js';
import { makeUser, startServer, waitFor, type TestServer } from '../helpers/server.js';
import { canonical, eventTap, fetchState, loadHistory } from '../helpers/state.js';

/**
 * Zulip's verify_action, for every state-changing action: for each affected
 * user, applying the events pushed during the action to the state fetched
 * before it must equal the state fetched after it.
 */
type Person = Awaited<ReturnType<typeof makeUser>>;

async function verifyAction(t: Test, server: TestServer, people: Person[], name: string, action: () => Promise<unknown>): Promise<void> {
  const taps = await Promise.all(people.map((p) => eventTap(server.url, p.token)));
  const before = await Promise.all(people.map((p) => fetchState(p.api, p.user.id)));
  await action();
  // Events are published after commit; give the relay a moment to deliver them, then compare until stable.
  const expected = await Promise.all(people.map((p) => fetchState(p.api, p.user.id)));
  for (const [i, p] of people.entries()) {
    let applied: unknown;
    await waitFor(async () => {
      const state = structuredClone(before[i]!);
      for (const e of taps[i]!.events) applyEvent(state, e);
      // A conversation seen for the first time has its earlier history loaded, as the SDK does.
      for (const id of Object.keys(state.conversations).map(Number)) if (!before[i]!.conversations[id]) await loadHistory(p.api, state, id);
      applied = canonical(state);
      return JSON.stringify(applied) === JSON.stringify(canonical(expected[i]!));
    }, 3000, `${name}: events converge for ${p.user.name}`).catch(() => {});
    t.same(applied, canonical(expected[i]!), `${name}: events applied to stale state equal a fresh fetch for ${p.user.name}`);
  }
  for (const tap of taps) tap.close();
}

t.test('every state-changing action', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben, cai, dan] = await Promise.all(['Ann', 'Ben', 'Cai', 'Dan'].map((n) => makeUser(server, n)));
  const everyone = [ann!, ben!, cai!, dan!];
  let direct = 0;
  let group = 0;

  await verifyAction(t, server, everyone, 'open direct', async () => {
    direct = (await ann!.api.call('conv.direct', { user_id: ben!.user.id })).id;
  });
  await verifyAction(t, server, everyone, 'send in direct', () => ann!.api.call('msg.send', { conv_id: direct, cmid: 'd1', body: { text: 'hi' } }));
  await verifyAction(t, server, everyone, 'retry of the same send', () => ann!.api.call('msg.send', { conv_id: direct, cmid: 'd1', body: { text: 'hi' } }));
  await verifyAction(t, server, everyone, 'mark read', () => ben!.api.call('msg.read', { conv_id: direct, seq: 1 }));
  await verifyAction(t, server, everyone, 'create group', async () => {
    group = (await ann!.api.call('conv.group', { title: '周会', member_ids: [ben!.user.id, cai!.user.id], cmid: 'g1' })).id;
  });
  await verifyAction(t, server, everyone, 'send in group', () => cai!.api.call('msg.send', { conv_id: group, cmid: 'c1', body: { text: '收到' } }));
  await verifyAction(t, server, everyone, 'second send', () => ben!.api.call('msg.send', { conv_id: group, cmid: 'b1', body: { text: 'ok' } }));
  await verifyAction(t, server, everyone, 'read part of a group', () => ann!.api.call('msg.read', { conv_id: group, seq: 2 }));
  await verifyAction(t, server, everyone, 'add members', () => ben!.api.call('conv.addMembers', { conv_id: group, user_ids: [dan!.user.id] }));
  await verifyAction(t, server, everyone, 'rename', () => ann!.api.call('conv.rename', { conv_id: group, title: '周会（新）' }));
  await verifyAction(t, server, everyone, 'appoint admin', () => ann!.api.call('conv.setRole', { conv_id: group, user_id: cai!.user.id, role: 'admin' }));
  await verifyAction(t, server, everyone, 'notice', () => cai!.api.call('conv.notice', { conv_id: group, notice: '请准时' }));
  await verifyAction(t, server, everyone, 'mute', () => dan!.api.call('conv.mute', { conv_id: group, muted: true }));
  await verifyAction(t, server, everyone, 'remove member', () => cai!.api.call('conv.removeMember', { conv_id: group, user_id: dan!.user.id }));
  await verifyAction(t, server, everyone, 'transfer', () => ann!.api.call('conv.transfer', { conv_id: group, user_id: ben!.user.id }));
  await verifyAction(t, server, everyone, 'owner leaves', () => ben!.api.call('conv.leave', { conv_id: group }));
  await verifyAction(t, server, everyone, 'member leaves', () => ann!.api.call('conv.leave', { conv_id: group }));
});
