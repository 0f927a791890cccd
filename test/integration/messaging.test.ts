import t from 'tap';
import { client, makeUser, startServer, waitFor } from '../helpers/server.js';
import type { ConversationView } from '../../shared/protocol/types.js';

t.test('two people chat one-to-one through the relay', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const alice = await makeUser(server, 'Alice');
  const bob = await makeUser(server, 'Bob');
  const a = client(server.url, alice.token);
  const b = client(server.url, bob.token);
  t.teardown(() => { a.stop(); b.stop(); });
  await Promise.all([a.start(), b.start()]);

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

  const again = await a.api.call<ConversationView>('conv.direct', { user_id: bob.user.id });
  t.equal(again.id, conv.id, 'opening again returns the same conversation');
});

t.test('a burst of sends keeps its order and a lost connection loses nothing', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const alice = await makeUser(server, 'Alice');
  const bob = await makeUser(server, 'Bob');
  const a = client(server.url, alice.token);
  const b = client(server.url, bob.token);
  t.teardown(() => { a.stop(); b.stop(); });
  await Promise.all([a.start(), b.start()]);
  const conv = await a.openDirect(bob.user.id);
  const sends = Array.from({ length: 40 }, (_, i) => a.send(conv.id, `#${i}`));
  a.dropConnection(); // mid-burst: queued sends go again after reconnecting, same cmids
  const acked = await Promise.all(sends);
  t.same(acked.map((m) => (m.body as { text: string }).text), Array.from({ length: 40 }, (_, i) => `#${i}`), 'stored in the order sent');
  t.same(acked.map((m) => m.seq), Array.from({ length: 40 }, (_, i) => i + 1), 'gap-free seqs, each stored once');
  await waitFor(() => b.messages(conv.id).length === 40, 5000, 'bob has all 40');
  t.same(b.messages(conv.id).map((m) => m.seq), acked.map((m) => m.seq));
});
