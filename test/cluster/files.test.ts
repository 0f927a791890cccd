import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { NatsBus } from '../../shared/bus/nats.js';
import { ApiClient } from '../../shared/sdk/api.js';
import { AppError } from '../../shared/errors.js';
import type { UserView } from '../../shared/protocol/types.js';
import { Cluster } from './harness.js';

/**
 * The regional file cache across real processes: a file uploaded through
 * relay A and downloaded twice through relay B reaches central once, and
 * relay B keeps serving it while its link to central is cut and while no
 * central process runs at all.
 */
const cluster = await Cluster.start({ centrals: 2, relays: 2 });
t.teardown(() => cluster.stop());

t.test('a file crosses relays once and stays available in the branch', async (t) => {
  // Every request central receives travels on NATS: a plain subscriber sees each one.
  const tap = await NatsBus.connect([cluster.natsUrl]);
  t.teardown(() => tap.close());
  const served: Record<string, number> = {};
  for (const method of ['files.begin', 'files.part', 'files.finish', 'files.meta', 'files.read']) {
    tap.subscribe(`sb.rpc.${method}`, () => { served[method] = (served[method] ?? 0) + 1; });
  }
  const count = (m: string) => served[m] ?? 0;
  const settle = () => new Promise((r) => setTimeout(r, 200));

  const [a, b] = cluster.relays as [typeof cluster.relays[0], typeof cluster.relays[0]];
  const admin = await cluster.adminApi(0);
  const users: { user: UserView; api: ApiClient }[] = [];
  for (const [i, relay] of [a, b, b].entries()) {
    const account = `f${process.pid}u${i}`;
    const user = await admin.call('admin.users.create', { account, password: 'plain-words-123' });
    const login = await new ApiClient(relay.url).call('auth.login', { account, password: 'plain-words-123', device_type: 'web' });
    users.push({ user, api: new ApiClient(relay.url, login.token) });
  }
  const [alice, bob, carol] = users as [typeof users[0], typeof users[0], typeof users[0]];

  const bytes = randomBytes(1_300_000); // three parts of 512 KiB
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const file = await alice.api.upload('plan.bin', 'application/octet-stream', bytes);
  t.equal(file.sha256, sha256, 'uploaded through relay A');
  await settle();
  t.equal(count('files.part'), 3, 'the bytes went to central once, in three parts');
  const conv = await alice.api.call('conv.direct', { user_id: bob.user.id });
  await alice.api.call('msg.send', { conv_id: conv.id, cmid: 'share-1', body: { file_id: file.id } });

  const readsBefore = count('files.read');
  const first = await bob.api.download(file.id);
  const second = await bob.api.download(file.id);
  await settle();
  t.equal(createHash('sha256').update(first).digest('hex'), sha256, 'the first download through relay B is the file');
  t.same(Buffer.from(second), Buffer.from(first), 'so is the second');
  t.equal(count('files.read') - readsBefore, 3, 'central served the bytes once (three parts) for two downloads through relay B');
  const health = (await (await fetch(`${b.url}/healthz`)).json()) as { files: { cache_hits: number; origin_fetches: number } };
  t.equal(health.files.origin_fetches, 1, 'relay B fetched from the origin once');
  t.equal(health.files.cache_hits, 1, 'and served the second download from its cache');
  const viaA = await alice.api.download(file.id);
  await settle();
  t.equal(count('files.read') - readsBefore, 3, 'relay A serves its own upload from its cache without central');
  t.equal(viaA.length, bytes.length, 'with the whole file');

  // Relay B loses its link: its cached file is still served to the people it already served.
  cluster.cutRelay(1);
  await waitUntil(async () => ((await (await fetch(`${b.url}/healthz`)).json()) as { central: string }).central === 'down');
  const cut = await bob.api.download(file.id);
  t.same(Buffer.from(cut), Buffer.from(first), 'relay B serves the cached file while cut off from central');
  const other = await alice.api.upload('other.bin', 'application/octet-stream', randomBytes(1000));
  await alice.api.call('msg.send', { conv_id: conv.id, cmid: 'share-2', body: { file_id: other.id } });
  const refused = await bob.api.download(other.id).then(() => null, (e: unknown) => e);
  t.ok(refused instanceof AppError && refused.code === 'SB_CENTRAL_UNAVAILABLE', `a file it does not hold fails plainly (${(refused as AppError | null)?.code})`);
  const stranger = await carol.api.download(file.id).then(() => null, (e: unknown) => e);
  t.ok(stranger instanceof AppError, 'someone it never authorised gets nothing while central cannot be asked');
  cluster.restoreRelay(1);

  // No central process at all: still served from the branch.
  await waitUntil(async () => ((await (await fetch(`${b.url}/healthz`)).json()) as { central: string }).central === 'up');
  await cluster.killCentral(0);
  await cluster.killCentral(1);
  const noCentral = await bob.api.download(file.id);
  t.same(Buffer.from(noCentral), Buffer.from(first), 'relay B serves the cached file while no central runs');
  await cluster.startCentral(0);
  const after = await bob.api.download(other.id);
  t.equal(after.length, 1000, 'once central is back, the other file comes through');
});

async function waitUntil(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
