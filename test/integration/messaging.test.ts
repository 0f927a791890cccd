import t, { type Test } from 'tap';
import { client, connectedPair, makeUser, rawSocket, startServer, waitFor } from '../helpers/server.js';

/** A server with Alice and Bob signed in and connected through the SDK. */
async function pair(t: Test) {
  const server = await startServer();
  t.teardown(() => server.stop());
  const { alice, bob, a, b } = await connectedPair(t, server);
  return { server, alice, bob, a, b };
}

t.test('two people chat one-to-one through the relay', async (t) => {
  const { bob, a, b } = await pair(t);

  const conv = await a.openDirect(bob.user.id);
  t.equal(conv.kind, 'direct');
  const sent = await a.send(conv.id, '你好 Bob');
  t.equal(sent.seq, 1, 'first message gets seq 1');
  await waitFor(() => b.messages(conv.id).length === 1, 3000, 'bob receives');
  t.equal(b.messages(conv.id)[0]!.body && (b.messages(conv.id)[0]!.body as { text: string }).text, '你好 Bob');
  t.equal(b.state.conversations[conv.id]!.unread, 1, 'bob has one unread');

  await b.markRead(conv.id);
  await waitFor(() => a.state.conversations[conv.id]!.members.find((m) => m.user_id === bob.user.id)!.read_seq === 1, 3000, 'receipt reaches alice');
  t.equal(b.state.conversations[conv.id]!.unread, 0);

  const again = await a.api.call('conv.direct', { user_id: bob.user.id });
  t.equal(again.id, conv.id, 'opening again returns the same conversation');
});

t.test('a burst of sends keeps its order and a lost connection loses nothing', async (t) => {
  const { bob, a, b } = await pair(t);
  const conv = await a.openDirect(bob.user.id);
  const sends = Array.from({ length: 40 }, (_, i) => a.send(conv.id, `#${i}`));
  a.dropConnection(); // mid-burst: queued sends go again after reconnecting, same cmids
  const acked = await Promise.all(sends);
  t.same(acked.map((m) => (m.body as { text: string }).text), Array.from({ length: 40 }, (_, i) => `#${i}`), 'stored in the order sent');
  t.same(acked.map((m) => m.seq), Array.from({ length: 40 }, (_, i) => i + 1), 'gap-free seqs, each stored once');
  await waitFor(() => b.messages(conv.id).length === 40, 5000, 'bob has all 40');
  t.same(b.messages(conv.id).map((m) => m.seq), acked.map((m) => m.seq));
});

t.test('muting a conversation reaches all my devices, live and by sync', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const alice = await makeUser(server, 'Alice');
  const bob = await makeUser(server, 'Bob');
  const phone = client(server.url, alice.token);
  t.teardown(() => phone.stop());
  await phone.start();
  const conv = await phone.openDirect(bob.user.id);
  t.equal(conv.muted, false);
  const before = phone.pos;

  const desktopToken = (await alice.api.call('auth.login', { account: alice.user.account, password: alice.password, device_type: 'desktop' })).token;
  const desktop = client(server.url, desktopToken);
  t.teardown(() => desktop.stop());
  await desktop.start();
  const view = await desktop.api.call('conv.mute', { conv_id: conv.id, muted: true });
  t.equal(view.muted, true);
  await waitFor(() => phone.state.conversations[conv.id]!.muted === true, 3000, 'the phone learns it live');

  const sync = await phone.api.call('sync', { since: before });
  t.equal(sync.conversations.find((c) => c.id === conv.id)?.muted, true, 'and by sync from an older position');
  await t.rejects(bob.api.callUnchecked('conv.mute', { conv_id: conv.id, muted: 'yes' }), { code: 'SB_VALIDATION' });
  const bobView = await bob.api.call('conv.get', { conv_id: conv.id });
  t.equal(bobView.muted, false, 'muting is per member');
});

t.test('a burst of WebSocket sends, good and bad together, gets one answer per frame', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const alice = await makeUser(server, 'Alice');
  const bob = await makeUser(server, 'Bob');
  const carol = await makeUser(server, 'Carol');
  const conv = await alice.api.call('conv.direct', { user_id: bob.user.id });
  const closed = await bob.api.call('conv.direct', { user_id: carol.user.id });
  const { ws, frames, next } = await rawSocket(server.url);
  t.teardown(() => ws.close());
  ws.send(JSON.stringify({ t: 'auth', token: alice.token }));
  await next((f) => f.t === 'ready');
  const burst = [
    { t: 'send', id: 'f1', conv_id: conv.id, cmid: 'burst-1', body: { text: 'one' } },
    { t: 'send', id: 'f2', conv_id: closed.id, cmid: 'burst-2', body: { text: 'not mine' } },
    { t: 'send', id: 'f3', conv_id: conv.id, cmid: 'burst-3', body: { text: '   ' } },
    { t: 'send', id: 'f4', conv_id: conv.id, cmid: 'burst-1', body: { text: 'one, again' } },
    { t: 'send', id: 'f5', conv_id: conv.id, cmid: 'burst-5', body: { text: 'two' } },
  ];
  for (const f of burst) ws.send(JSON.stringify(f));
  await waitFor(() => frames.filter((f) => f.t === 'ack' || f.t === 'error').length >= 5, 5000, 'five answers');
  const answer = (id: string) => frames.find((f) => f.id === id && (f.t === 'ack' || f.t === 'error')) as { t: string; message?: { seq: number; cmid: string }; error?: { code: string } };
  t.match(answer('f1'), { t: 'ack', message: { seq: 1, cmid: 'burst-1' } });
  t.match(answer('f2'), { t: 'error', error: { code: 'SB_NOT_MEMBER' } });
  t.match(answer('f3'), { t: 'error', error: { code: 'SB_VALIDATION' } });
  t.match(answer('f4'), { t: 'ack', message: { seq: 1, cmid: 'burst-1' } }, 'the retry in the same burst gets the first message');
  t.match(answer('f5'), { t: 'ack', message: { seq: 2, cmid: 'burst-5' } });
  const history = await alice.api.call('msg.history', { conv_id: conv.id });
  t.same(history.messages.map((m) => m.seq), [1, 2], 'two messages stored, nothing for the bad frames');
  t.same((await bob.api.call('msg.history', { conv_id: closed.id })).messages, [], 'nothing in the conversation Alice is not in');
});
