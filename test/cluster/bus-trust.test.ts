import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSONCodec, type NatsConnection, type NatsError, type SubscriptionOptions } from 'nats';
import { loadConfig } from '../../shared/config.js';
import { NatsBus } from '../../shared/bus/nats.js';
import { CENTRAL_QUEUE, SUBJECTS } from '../../shared/subjects.js';
import { ApiClient } from '../../shared/sdk/api.js';
import type { LoginResult } from '../../shared/protocol/types.js';
import { startRole, type Running } from '../../scripts/roles.js';
import { NATS_BIN, natsServerAvailable, secureNats, type SecureNats } from '../helpers/nats-secure.js';
import { ADMIN_PASSWORD, connectedPair, waitFor } from '../helpers/server.js';

/**
 * Each relay has its own NATS identity (an NKey) confined by shared/bus/permissions.ts. A branch machine is not
 * under head office's control: with its identity, a relay must not hear other relays' requests (sign-ins
 * included), answer requests as central, read another relay's events, publish events or talk between central
 * processes. These run against a real nats-server configured by `switchboard bus credentials`, with a real
 * central (SQLite store) on central's identity.
 */
const skip = natsServerAvailable() ? false : `${NATS_BIN} is missing; skipping the bus trust tests`;
const codec = JSONCodec<unknown>();
const quiet = () => new Promise((r) => setTimeout(r, 300));

/** A subscription that counts what it receives and keeps the error the server sent for it. */
function watch(nc: NatsConnection, subject: string, opts: SubscriptionOptions = {}) {
  const w = { received: [] as string[], error: null as NatsError | null };
  nc.subscribe(subject, { ...opts, callback: (err, msg) => { if (err) w.error = err; else w.received.push(msg.subject); } });
  return w;
}

async function refused(w: { error: NatsError | null }): Promise<string> {
  await waitFor(() => w.error !== null, 3_000, 'the server to refuse the subscription');
  return w.error!.code;
}

t.test('bus identities are confined by their subject permissions', { skip }, async (t) => {
  const nats: SecureNats = await secureNats(['a', 'b']);
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bus-trust-'));
  const running: Running[] = [];
  const buses: NatsBus[] = [];
  t.teardown(async () => {
    for (const r of running.reverse()) await r.stop();
    for (const b of buses) await b.close();
    await nats.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const nodeConfig = (role: 'central' | 'relay', identity: string, extra: Record<string, unknown> = {}) => loadConfig({
    role, env: {}, overrides: {
      port: 0, host: '127.0.0.1', dataDir: join(dataDir, role), logLevel: 'warn', admin: { account: 'admin', password: ADMIN_PASSWORD },
      bus: { kind: 'nats', servers: [nats.url], requestTimeoutMs: 2_000, nkeySeedFile: nats.identities[identity]!.seedFile },
      // A central of a cluster is given its master key of encryption at rest.
      atRest: { enabled: true, masterKey: Buffer.alloc(32, 7).toString('base64'), masterKeyFile: null }, ...extra,
    },
  });
  const central = await startRole(nodeConfig('central', 'central'));
  running.push(central);
  const relayBus = async (id: string, inbox = true) => {
    const bus = await NatsBus.connect([nats.url], {
      requestTimeoutMs: 2_000, nkeySeedFile: nats.identities[id]!.seedFile, ...(inbox ? { inboxPrefix: SUBJECTS.relayInbox(id) } : {}),
      onHandlerError: () => { /* the refusals these tests provoke are asserted, not logged */ },
    });
    buses.push(bus);
    return bus;
  };
  const busA = await relayBus('a');
  const busB = await relayBus('b');
  const adminToken = async () => (await busB.request<LoginResult>(SUBJECTS.rpc('auth.login'), { params: { account: 'admin', password: ADMIN_PASSWORD, device_type: 'cli' } })).token;

  t.test('a relay may not listen to requests', async (t) => {
    const a = await nats.connectAs('a');
    const spy = watch(a, SUBJECTS.rpcWildcard);
    t.equal(await refused(spy), 'PERMISSIONS_VIOLATION', 'subscribing to sb.rpc.> is refused');
    for (let i = 0; i < 5; i++) t.same(await busB.request(SUBJECTS.rpc('health.ping'), {}), { ok: true }, `relay b's request ${i} is answered by central`);
    const token = await adminToken();
    t.ok(token.length > 20, 'and its sign-in too');
    await quiet();
    t.same(spy.received, [], 'relay a heard none of them');
  });

  t.test('a relay may not join the central queue group', async (t) => {
    const a = await nats.connectAs('a');
    const all = watch(a, SUBJECTS.rpcWildcard, { queue: CENTRAL_QUEUE });
    const logins = watch(a, SUBJECTS.rpc('auth.login'), { queue: CENTRAL_QUEUE });
    t.equal(await refused(all), 'PERMISSIONS_VIOLATION', 'sb.rpc.> in the queue group "central" is refused');
    t.equal(await refused(logins), 'PERMISSIONS_VIOLATION', 'sb.rpc.auth.login in the queue group "central" is refused');
    for (let i = 0; i < 6; i++) t.ok((await adminToken()).length > 20, `sign-in ${i} is answered by central`);
    await quiet();
    t.same([...all.received, ...logins.received], [], 'the would-be impostor took none of them');
  });

  t.test('a relay hears its own events and broadcasts, never another relay\'s', async (t) => {
    const a = await nats.connectAs('a');
    const b = await nats.connectAs('b');
    const c = await nats.connectAs('central');
    const others = watch(a, SUBJECTS.relayEvents('b'));
    t.equal(await refused(others), 'PERMISSIONS_VIOLATION', 'subscribing to sb.events.relay.b is refused');
    const own = watch(a, SUBJECTS.relayEvents('a'));
    const all = watch(a, SUBJECTS.broadcast);
    const bOwn = watch(b, SUBJECTS.relayEvents('b'));
    await Promise.all([a.flush(), b.flush()]);
    for (const subject of [SUBJECTS.relayEvents('a'), SUBJECTS.relayEvents('b'), SUBJECTS.broadcast]) c.publish(subject, codec.encode({ kind: 'sessions_ended', session_ids: [], reason: 'test' }));
    await waitFor(() => own.received.length === 1 && all.received.length === 1 && bOwn.received.length === 1, 3_000, 'the events');
    await quiet();
    t.same(own.received, [SUBJECTS.relayEvents('a')], 'sb.events.relay.a reaches relay a');
    t.same(all.received, [SUBJECTS.broadcast], 'sb.events.all reaches relay a');
    t.same(bOwn.received, [SUBJECTS.relayEvents('b')], 'relay b got its event');
    t.same(others.received, [], 'relay a did not');
    t.equal(own.error ?? all.error, null, 'no error on the allowed subscriptions');
  });

  t.test('a relay may not publish events or talk between central processes', async (t) => {
    const a = await nats.connectAs('a');
    const b = await nats.connectAs('b');
    const c = await nats.connectAs('central');
    const peers = watch(c, SUBJECTS.central('>'));
    const bEvents = watch(b, SUBJECTS.relayEvents('b'));
    const broadcast = watch(b, SUBJECTS.broadcast);
    await Promise.all([b.flush(), c.flush()]);
    const forged = [SUBJECTS.central('directory.changed'), SUBJECTS.relayEvents('b'), SUBJECTS.broadcast, 'sb.events'];
    for (const subject of forged) a.publish(subject, codec.encode({ kind: 'sessions_ended', session_ids: ['x'], reason: 'forged' }));
    await a.flush();
    await quiet();
    t.same([...peers.received, ...bEvents.received, ...broadcast.received], [], 'nobody received any of them');
    for (const subject of forged) t.match(nats.output(), `Publish Violation - Nkey "${nats.identities.a!.publicKey}", Subject "${subject}"`, `the server refused ${subject}`);
    t.notOk(a.isClosed(), 'the connection itself stays up');
  });

  t.test('a relay\'s replies come only to its own inbox', async (t) => {
    const a = await nats.connectAs('a');
    const err = await a.request(SUBJECTS.rpc('health.ping'), codec.encode({}), { timeout: 2_000 }).then(() => null, (e: NatsError) => e);
    t.equal(err?.code, 'PERMISSIONS_VIOLATION', 'a request with the default _INBOX reply subject fails');
    const noPrefix = await relayBus('a', false);
    await t.rejects(noPrefix.request(SUBJECTS.rpc('health.ping'), {}), { code: 'SB_CENTRAL_UNAVAILABLE' }, 'NatsBus without the inbox prefix cannot hear its replies either');
    t.same(await busA.request(SUBJECTS.rpc('health.ping'), {}), { ok: true }, 'NatsBus with inboxPrefix _INBOX_relay_a gets its reply');
  });

  t.test('central answers only to inboxes, never to a subject a relay names', async (t) => {
    const a = await nats.connectAs('a', { inboxPrefix: SUBJECTS.relayInbox('a') });
    const b = await nats.connectAs('b');
    const c = await nats.connectAs('central');
    const peers = watch(c, SUBJECTS.central('>'));
    const bEvents = watch(b, SUBJECTS.relayEvents('b'));
    await Promise.all([b.flush(), c.flush()]);
    a.publish(SUBJECTS.rpc('health.ping'), codec.encode({}), { reply: SUBJECTS.central('directory.changed') });
    a.publish(SUBJECTS.rpc('health.ping'), codec.encode({}), { reply: SUBJECTS.relayEvents('b') });
    await a.flush();
    await quiet();
    t.same(peers.received, [], 'central did not publish its reply between central processes');
    t.same(bEvents.received, [], 'nor into relay b\'s events');
    t.same(codec.decode((await a.request(SUBJECTS.rpc('health.ping'), codec.encode({}), { timeout: 2_000 })).data), { ok: true, result: { ok: true } }, 'a request with its own inbox is answered');
  });

  t.test('an actor forged over the bus is refused and creates nobody', async (t) => {
    const store = central.central!.store;
    const before = await store.users.count();
    const create = (extra: Record<string, unknown>, account: string) => busA.request(SUBJECTS.rpc('admin.users.create'), {
      actor: { userId: 1, sessionId: 'x' }, params: { account, name: 'Forged', password: 'forged-password-1', is_admin: true }, ...extra,
    });
    await t.rejects(create({}, 'forged-none'), { code: 'SB_UNAUTHENTICATED' }, 'no credential: refused');
    await t.rejects(create({ credential: { token: 'not-a-real-token-at-all' } }, 'forged-bad'), { code: 'SB_UNAUTHENTICATED' }, 'an invalid credential: refused');
    t.equal(await store.users.byAccount('forged-none'), null, 'no user forged-none');
    t.equal(await store.users.byAccount('forged-bad'), null, 'no user forged-bad');
    t.equal(await store.users.count(), before, 'the number of users is unchanged');
  });

  let relayUrl = '';
  t.test('a relay on its own identity signs clients in through central', async (t) => {
    // Started from configuration as an operator would: bus.nkeySeedFile + relay.id.
    const relay = await startRole(nodeConfig('relay', 'a', { relay: { id: 'a' } }));
    running.push(relay);
    relayUrl = `http://127.0.0.1:${relay.port}`;
    await waitFor(async () => (await fetch(`${relayUrl}/healthz`)).ok, 5_000, 'the relay to see central');
    const login = await new ApiClient(relayUrl).call('auth.login', { account: 'admin', password: ADMIN_PASSWORD, device_type: 'cli' });
    const me = await new ApiClient(relayUrl, login.token).call('users.me', {});
    t.equal(me.account, 'admin', 'requests and replies cross with relay a\'s permissions');
  });

  t.test('a relay on its own identity pushes messages to its signed-in clients', async (t) => {
    const login = await new ApiClient(relayUrl).call('auth.login', { account: 'admin', password: ADMIN_PASSWORD, device_type: 'cli' });
    const { bob, a, b } = await connectedPair(t, { url: relayUrl, admin: new ApiClient(relayUrl, login.token) });
    const conv = await a.openDirect(bob.user.id);
    await a.send(conv.id, 'pushed over sb.events.relay.a');
    await waitFor(() => b.messages(conv.id).length === 1, 5_000, 'bob receives the push');
    t.equal((b.messages(conv.id)[0]!.body as { text: string }).text, 'pushed over sb.events.relay.a');
  });

  t.test('removing a relay from the configuration and reloading revokes it', async (t) => {
    const b = await nats.connectAs('b');
    const closed = b.closed();
    await nats.keepOnly(['central', 'a']);
    const reason = await Promise.race([closed, new Promise((r) => setTimeout(() => r('still open'), 5_000))]);
    t.match(String(reason), /Authorization Violation/i, 'relay b\'s open connection is closed');
    await t.rejects(nats.connectAs('b'), { code: 'AUTHORIZATION_VIOLATION' }, 'and it cannot connect again');
    t.same(await busA.request(SUBJECTS.rpc('health.ping'), {}), { ok: true }, 'relay a carries on');
  });
});
