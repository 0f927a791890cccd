import t from 'tap';
import { client, makeUser, startServer, waitFor } from '../helpers/server.js';

t.test('presence follows connections and is pushed to one-to-one partners', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const alice = await makeUser(server, 'Alice');
  const bob = await makeUser(server, 'Bob');
  await alice.api.call('conv.direct', { user_id: bob.user.id });
  const a = client(server.url, alice.token);
  t.teardown(() => a.stop());
  await a.start();

  const [offline] = await a.queryPresence([bob.user.id]);
  t.same(offline, { user_id: bob.user.id, status: 'offline', devices: [] });

  const b = client(server.url, bob.token);
  await b.start();
  await waitFor(() => a.presence[bob.user.id]?.status === 'online', 3000, 'online pushed to alice');
  t.same(a.presence[bob.user.id]!.devices, ['web']);

  b.setAway(true);
  await waitFor(() => a.presence[bob.user.id]?.status === 'away', 3000, 'away pushed');

  b.stop();
  await waitFor(() => a.presence[bob.user.id]?.status === 'offline', 3000, 'offline pushed');
  const [after] = await alice.api.call('presence.query', { user_ids: [bob.user.id] });
  t.equal(after!.status, 'offline');
  await t.rejects(alice.api.callUnchecked('presence.query', { user_ids: 'abc' }), { code: 'SB_VALIDATION' });
});
