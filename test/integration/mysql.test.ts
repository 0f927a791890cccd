import t from 'tap';
import { connectedPair, startServer, waitFor } from '../helpers/server.js';
import { dropDatabase, mysqlReachable, MYSQL_SERVER } from '../helpers/services.js';

const why = await mysqlReachable();
const skip = why ? `MariaDB is not reachable at ${MYSQL_SERVER} (${why}); skipping the MySQL wiring test` : false;

t.test('all-in-one on MariaDB: the real relay and central carry a chat end to end', { skip }, async (t) => {
  const url = `${MYSQL_SERVER}/switchboard_wiring_${process.pid}`;
  const server = await startServer({ store: { kind: 'mysql', url, poolSize: 4 } });
  t.teardown(async () => { try { await server.stop(); } finally { await dropDatabase(url); } });
  t.equal(server.node.central!.store.kind, 'mysql', 'central opened the MySQL store from configuration');

  const { alice, bob, a, b } = await connectedPair(t, server);

  const conv = await a.openDirect(bob.user.id);
  const sends = Array.from({ length: 20 }, (_, i) => a.send(conv.id, `消息 ${i}`));
  a.dropConnection(); // queued sends go again with the same cmids after the reconnect
  const acked = await Promise.all(sends);
  t.same(acked.map((m) => m.seq), Array.from({ length: 20 }, (_, i) => i + 1), 'gap-free seqs, each stored once');
  await waitFor(() => b.messages(conv.id).length === 20, 5000, 'bob receives all 20');
  t.same(b.messages(conv.id).map((m) => (m.body as { text: string }).text), acked.map((m) => (m.body as { text: string }).text));
  t.equal(b.state.conversations[conv.id]!.unread, 20);

  await b.markRead(conv.id);
  await waitFor(() => a.state.conversations[conv.id]!.members.find((m) => m.user_id === bob.user.id)!.read_seq === 20, 3000, 'receipt reaches alice');
  const group = await b.createGroup('MariaDB 小组', [alice.user.id]);
  await waitFor(() => a.state.conversations[group.id] !== undefined, 3000, 'alice learns of the new group');
  const sync = await a.api.call('sync', { since: 0 });
  t.same(sync.conversations.map((c) => c.id).sort((x, y) => x - y), [conv.id, group.id].sort((x, y) => x - y), 'sync from the store sees both');

  const rows = await server.node.central!.store.conversations.history(conv.id, { afterSeq: 0, limit: 100 });
  t.equal(rows.length, 20, 'the messages are in MariaDB');
});
