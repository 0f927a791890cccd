import t from 'tap';
import { makeUser, startServer, waitFor } from '../../helpers/server.js';
import { eventTap } from '../../helpers/state.js';
import type { ServerEvent } from '../../../shared/protocol/types.js';
import { Verifier } from './harness.js';

/**
 * Conversations past `limits.sharedReadCursors` (2 here, so that four people make a large group): nobody holds
 * the others' cursors, a read reaches only the reader and the senders it read past, and the events still take
 * stale state to a fresh fetch, across the limit both ways.
 */
t.test('read cursors not shared in a large conversation: narrowed read.updated, stale state plus events equals a fresh fetch', async (t) => {
  const server = await startServer({ limits: { sharedReadCursors: 2 } });
  t.teardown(() => server.stop());
  const [ann, ben, cai, dan] = await Promise.all(['Ann', 'Ben', 'Cai', 'Dan'].map((n) => makeUser(server, n)));
  const people = [ann!, ben!, cai!, dan!];
  const v = new Verifier(t, server, people);
  const reads = async (action: () => Promise<unknown>): Promise<string[]> => {
    const taps = await Promise.all(people.map((p) => eventTap(server.url, p.token)));
    await action();
    const got = (i: number) => taps[i]!.events.filter((e: ServerEvent) => e.type === 'read.updated').length;
    // The reader's own socket hears it in every case: once it has, the others have had their chance too.
    await waitFor(() => people.some((_, i) => got(i) > 0), 3000, 'the read reaches its reader');
    await new Promise((r) => setTimeout(r, 200));
    const names = people.filter((_, i) => got(i) > 0).map((p) => p.user.name);
    for (const tap of taps) tap.close();
    return names;
  };

  let g = 0;
  await v.verify('conv.group', 'four people, past the limit', async () => {
    g = (await ann!.api.call('conv.group', { title: '大群', member_ids: [ben!.user.id, cai!.user.id, dan!.user.id], cmid: 'big' })).id;
  });
  const view = await cai!.api.call('conv.get', { conv_id: g });
  t.equal(view.cursors_shared, false, 'the view says cursors are not shared');
  t.same(view.members.map((m) => m.read_seq), [0, 0, 0, 0], 'and carries none');
  t.ok(view.read_seq > 0, 'my own cursor is mine alone');

  let s1 = 0;
  await v.verify('msg.send', 'in a large group', async () => { s1 = (await ann!.api.call('msg.send', { conv_id: g, cmid: 'a1', body: { text: '周五前交' } })).seq; });
  await v.verify('msg.read', 'a large group', () => ben!.api.call('msg.read', { conv_id: g, seq: s1 }));
  await cai!.api.call('msg.send', { conv_id: g, cmid: 'c1', body: { text: '好' } });
  const s3 = (await dan!.api.call('msg.send', { conv_id: g, cmid: 'd1', body: { text: '收到' } })).seq;
  t.same(await reads(() => ben!.api.call('msg.read', { conv_id: g, seq: s3 })), ['Ben', 'Cai', 'Dan'], 'a read reaches the reader and the senders read past, not Ann');
  const s4 = (await cai!.api.call('msg.send', { conv_id: g, cmid: 'c2', body: { text: '再补充一点' } })).seq;
  await v.verify('msg.read', 'past one sender\'s message', () => ann!.api.call('msg.read', { conv_id: g, seq: s4 }));
  t.same((await ann!.api.call('msg.receipts', { conv_id: g, seq: s1 })).read, 3, 'the count comes from central: everyone has read it (Cai and Dan by sending)');

  await v.verify('conv.leave', 'down to the limit: cursors shared again', () => dan!.api.call('conv.leave', { conv_id: g }));
  await ann!.api.call('conv.removeMember', { conv_id: g, user_id: cai!.user.id });
  t.equal((await ann!.api.call('conv.get', { conv_id: g })).cursors_shared, true);
  const s5 = (await ann!.api.call('msg.send', { conv_id: g, cmid: 'a2', body: { text: '就我们俩了' } })).seq;
  t.same(await reads(() => ben!.api.call('msg.read', { conv_id: g, seq: s5 })), ['Ann', 'Ben'], 'shared: every member');
  await v.verify('conv.addMembers', 'past the limit again, with people new to it', () => ann!.api.call('conv.addMembers', { conv_id: g, user_ids: [cai!.user.id, dan!.user.id] }));
  await v.verify('msg.send', 'after rejoining', () => dan!.api.call('msg.send', { conv_id: g, cmid: 'd2', body: { text: '我回来了' } }));
  await v.verify('msg.read', 'the newcomer reads', async () => {
    const last = (await cai!.api.call('conv.get', { conv_id: g })).last_seq;
    await cai!.api.call('msg.read', { conv_id: g, seq: last });
  });
});

