import t from 'tap';
import { randomBytes } from 'node:crypto';
import { ApiClient } from '../../shared/sdk/api.js';
import { AppError } from '../../shared/errors.js';
import type { UserView } from '../../shared/protocol/types.js';
import { Cluster } from './harness.js';

/**
 * A recall made through one relay closes the file at the other relay's cache too: relay B held Bob's grant and
 * the bytes; after Alice recalls the message through relay A, B answers SB_NOT_FOUND, and with its link to
 * central cut it does not fall back on the grant it had.
 */
const cluster = await Cluster.start({ centrals: 2, relays: 2 });
t.teardown(() => cluster.stop());

t.test('a recalled file is not served from another relay\'s cache', async (t) => {
  const [a, b] = cluster.relays as [typeof cluster.relays[0], typeof cluster.relays[0]];
  const admin = await cluster.adminApi(0);
  const users: { user: UserView; api: ApiClient }[] = [];
  for (const [i, relay] of [a, b].entries()) {
    const account = `r${process.pid}u${i}`;
    const user = await admin.call('admin.users.create', { account, password: 'plain-words-123' });
    const login = await new ApiClient(relay.url).call('auth.login', { account, password: 'plain-words-123', device_type: 'web' });
    users.push({ user, api: new ApiClient(relay.url, login.token) });
  }
  const [alice, bob] = users as [typeof users[0], typeof users[0]];
  const stats = async () => ((await (await fetch(`${b.url}/healthz`)).json()) as { central: string; files: { cache_hits: number; origin_fetches: number } });

  const bytes = randomBytes(20_000);
  const file = await alice.api.upload('plan.bin', 'application/octet-stream', bytes);
  const conv = await alice.api.call('conv.direct', { user_id: bob.user.id });
  const sent = await alice.api.call('msg.send', { conv_id: conv.id, cmid: 'share-1', body: { file_id: file.id } });
  t.equal((await bob.api.download(file.id)).length, bytes.length, 'Bob opens it through relay B');
  t.equal((await bob.api.download(file.id)).length, bytes.length, 'and again, from B\'s cache');
  t.equal((await stats()).files.cache_hits, 1);

  await alice.api.call('msg.recall', { conv_id: conv.id, seq: sent.seq });
  // The control message travels on NATS after the recall answered: wait for B to have dropped the grant.
  let refused: unknown = null;
  await waitUntil(async () => { refused = await bob.api.download(file.id).then(() => null, (e: unknown) => e); return refused !== null; });
  t.ok(refused instanceof AppError && refused.code === 'SB_NOT_FOUND', `relay B answers SB_NOT_FOUND (${(refused as AppError | null)?.code})`);
  const hits = (await stats()).files.cache_hits;
  await t.rejects(bob.api.download(file.id), { code: 'SB_NOT_FOUND' }, 'and keeps answering so');
  t.equal((await stats()).files.cache_hits, hits, 'its cache serves nothing once the recall reached it');

  cluster.cutRelay(1);
  await waitUntil(async () => (await stats()).central === 'down');
  const cut = await bob.api.download(file.id).then(() => null, (e: unknown) => e);
  t.ok(cut instanceof AppError, `cut off from central, B does not fall back on the dropped grant (${(cut as AppError | null)?.code})`);
  t.equal((await stats()).files.cache_hits, hits, 'nothing served from the cache');
  cluster.restoreRelay(1);
});

async function waitUntil(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
