import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCentral } from '../../central/node.js';
import { startRelay, type RelayNode } from '../../relay/server.js';
import { MemoryBus } from '../../shared/bus/memory.js';
import { MemoryCache } from '../../shared/cache/memory.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/log.js';
import { ApiClient } from '../../shared/sdk/api.js';
import type { MessageView } from '../../shared/protocol/types.js';
import type { EventEnvelope } from '../../shared/protocol/wire.js';
import { SUBJECTS } from '../../shared/subjects.js';
import { client, waitFor } from '../helpers/server.js';

/**
 * Finding: every relay received (and decoded) every event batch, so a relay saw messages meant for people on
 * other relays. Now central publishes each event only on the subjects of the relays that hold a recipient, with
 * only the recipients each holds; organisation-wide events go on the broadcast subject.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'sb-routing-'));
const base = loadConfig({ role: 'all-in-one', env: {}, overrides: { port: 0, host: '127.0.0.1', dataDir, logLevel: 'warn', admin: { account: 'admin', password: 'routing-admin-password' } } });
const bus = new MemoryBus();
const cache = new MemoryCache();
const log = createLogger('routing-test', 'warn');
const central = await startCentral({ config: base, bus, cache, log });
const relays: Record<string, RelayNode> = {};
for (const id of ['north', 'south']) relays[id] = await startRelay({ config: { ...base, relay: { id } }, bus, log, version: 'test' });
const url = (id: string) => `http://127.0.0.1:${relays[id]!.port}`;
t.teardown(async () => {
  for (const r of Object.values(relays)) await r.stop();
  await central.stop();
  await bus.close();
  rmSync(dataDir, { recursive: true, force: true });
});

// What each relay's subject carried, as the relay itself would receive it.
const heard: Record<string, EventEnvelope[]> = { north: [], south: [], all: [] };
bus.subscribe(SUBJECTS.relayEvents('north'), (e: EventEnvelope) => heard.north!.push(e));
bus.subscribe(SUBJECTS.relayEvents('south'), (e: EventEnvelope) => heard.south!.push(e));
bus.subscribe(SUBJECTS.broadcast, (e: EventEnvelope) => heard.all!.push(e));

const admin = new ApiClient(url('north'), (await new ApiClient(url('north')).call('auth.login', { account: 'admin', password: 'routing-admin-password', device_type: 'cli' })).token);
async function person(name: string, relay: string) {
  const user = await admin.call('admin.users.create', { account: `${name}${process.pid}`, name, password: 'plain-words-123' });
  const login = await new ApiClient(url(relay)).call('auth.login', { account: user.account, password: 'plain-words-123', device_type: 'web' });
  const sdk = client(url(relay), login.token);
  t.teardown(() => sdk.stop());
  await sdk.start();
  return { user, sdk, api: new ApiClient(url(relay), login.token) };
}
const alice = await person('alice', 'north');
const bob = await person('bob', 'north');
const carol = await person('carol', 'south');
const dave = await person('dave', 'south');

const messagesIn = (envs: EventEnvelope[], convId: number) => envs.filter((e) => e.kind === 'event' && e.event.type === 'message.new'
  && (e.event as { message: MessageView }).message.conv_id === convId);

t.test('an event reaches only the relays of its recipients, with only the recipients each holds', async (t) => {
  const northOnly = await alice.api.call('conv.direct', { user_id: bob.user.id });
  const across = await alice.api.call('conv.direct', { user_id: carol.user.id });
  await alice.sdk.send(northOnly.id, 'north only', `n-${Date.now()}`);
  await alice.sdk.send(across.id, 'across', `x-${Date.now()}`);
  await waitFor(() => bob.sdk.messages(northOnly.id).length === 1 && carol.sdk.messages(across.id).length === 1, 5_000, 'both delivered');

  t.equal(messagesIn(heard.north!, northOnly.id).length, 1, 'north heard the north-only message once');
  t.same(messagesIn(heard.south!, northOnly.id), [], 'south never heard a conversation it holds nobody of');
  t.same(messagesIn(heard.all!, northOnly.id), [], 'nor was it broadcast');
  const south = messagesIn(heard.south!, across.id);
  t.equal(south.length, 1, 'the cross-relay message went to south once');
  t.same(south[0]!.kind === 'event' && south[0]!.recipients, [carol.user.id], 'carrying only the recipient south holds');
  const north = messagesIn(heard.north!, across.id);
  t.same(north[0]!.kind === 'event' && north[0]!.recipients, [alice.user.id], 'and north got only its own');
});

t.test('people on neither relay cost no relay anything', async (t) => {
  const erin = await admin.call('admin.users.create', { account: `erin${process.pid}`, name: 'erin', password: 'plain-words-123' });
  const before = heard.south!.length;
  const conv = await dave.api.call('conv.direct', { user_id: erin.id });
  await dave.sdk.send(conv.id, 'to someone offline', `o-${Date.now()}`);
  await new Promise((r) => setTimeout(r, 200));
  const toErin = heard.south!.slice(before).filter((e) => e.kind === 'event' && (e.recipients as number[]).includes(erin.id));
  t.same(toErin, [], 'no relay is sent an event for a person connected nowhere');
  t.same(heard.north!.filter((e) => e.kind === 'event' && (e.recipients as number[]).includes(dave.user.id)), [], 'north is never sent dave\'s events');
});

t.test('a disconnected session stops routing to its relay', async (t) => {
  const conv = await carol.api.call('conv.direct', { user_id: dave.user.id });
  dave.sdk.stop();
  await new Promise((r) => setTimeout(r, 300)); // the offline report goes out after 100 ms
  const before = heard.south!.length;
  await carol.sdk.send(conv.id, 'dave is away', `d-${Date.now()}`);
  await new Promise((r) => setTimeout(r, 200));
  const after = heard.south!.slice(before).filter((e) => e.kind === 'event' && e.event.type === 'message.new');
  t.same(after.map((e) => e.kind === 'event' && e.recipients), [[carol.user.id]], 'south is sent the message for carol only');
});

t.test('a central that starts late asks relays to re-announce, and routes to them at once', async (t) => {
  // A second central on the same bus, as after a restart: it has heard no presence report yet.
  const second = await startCentral({ config: { ...base, bus: { ...base.bus, kind: 'nats' } as typeof base.bus }, bus, cache, log, store: central.store });
  t.teardown(() => second.stop());
  t.ok(heard.all!.some((e) => e.kind === 'reannounce'), 'it asked every relay to re-announce');
  await new Promise((r) => setTimeout(r, 300));
  const before = heard.north!.length;
  const conv = await second.services.messaging.openDirect({ userId: alice.user.id, sessionId: 'x' } as never, { user_id: bob.user.id }) as { id: number };
  t.ok(conv.id > 0, 'the direct conversation exists');
  const sent = await second.services.messaging.send({ userId: bob.user.id, sessionId: 'x' } as never, { conv_id: conv.id, cmid: `late-${Date.now()}`, body: { text: 'from the new central' } });
  t.ok(sent, 'stored through the new central');
  await waitFor(() => heard.north!.slice(before).some((e) => e.kind === 'event' && e.event.type === 'message.new'), 3_000, 'routed by the new central');
  t.pass('the new central routed the event to north from the re-announced whereabouts');
});
