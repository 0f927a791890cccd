import t from 'tap';
import { client, makeUser, startServer, waitFor } from '../helpers/server.js';
import WebSocket from 'ws';
import { newCmid, type SwitchboardClient, type WebSocketCtor } from '../../shared/sdk/client.js';
import type { ClientState } from '../../shared/sdk/state.js';

t.test('a client restored from a saved state resumes from its position: nothing missing, nothing twice', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const alice = await makeUser(server, 'Alice');
  const bob = await makeUser(server, 'Bob');
  const a = client(server.url, alice.token);
  t.teardown(() => a.stop());
  await a.start();
  const conv = await a.openDirect(bob.user.id);
  const b1 = client(server.url, bob.token);
  await b1.start();
  for (let i = 1; i <= 3; i++) await a.send(conv.id, `early ${i}`);
  await waitFor(() => b1.messages(conv.id).length === 3, 3000, 'bob has the first three');
  // What the web client writes to IndexedDB: a structured copy of the state and the position.
  const saved = { state: structuredClone(b1.state) as ClientState, pos: b1.pos };
  b1.stop();

  for (let i = 4; i <= 6; i++) await a.send(conv.id, `late ${i}`);
  const b2 = client(server.url, bob.token, { restore: saved });
  t.teardown(() => b2.stop());
  t.equal(b2.messages(conv.id).length, 3, 'the saved history is readable before start() (a page shows it at once)');
  const seen: number[] = [];
  b2.on('message', (m) => seen.push(m.seq));
  await b2.start();
  await waitFor(() => b2.messages(conv.id).length === 6, 3000, 'bob catches up');
  t.same(seen, [4, 5, 6], 'only the missed messages are new to the restored client');
  t.same(b2.messages(conv.id).map((m) => m.seq), [1, 2, 3, 4, 5, 6]);
  t.equal(b2.state.conversations[conv.id]!.unread, 6, 'unread counts the missed ones too');
  t.ok(b2.pos >= saved.pos, 'position only moves forward');

  // A state saved by someone else is ignored.
  const c = client(server.url, alice.token, { restore: saved });
  t.teardown(() => c.stop());
  await c.start();
  t.equal(c.state.me, alice.user.id, 'foreign snapshot discarded');
  t.equal(c.messages(conv.id).length, 6);
});

t.test('a fresh sign-in counts unread messages once (the snapshot\'s count and the filled history agree)', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const alice = await makeUser(server, 'Alice');
  const bob = await makeUser(server, 'Bob');
  const a = client(server.url, alice.token);
  t.teardown(() => a.stop());
  await a.start();
  const conv = await a.openDirect(bob.user.id);
  for (let i = 1; i <= 3; i++) await a.send(conv.id, `m${i}`);
  const b = client(server.url, bob.token);
  t.teardown(() => b.stop());
  await b.start();
  t.equal(b.messages(conv.id).length, 3);
  t.equal(b.state.conversations[conv.id]!.unread, 3, 'three unread, not six');
  b.dropConnection();
  await waitFor(() => b.connection === 'reconnecting', 2000, 'dropped');
  await a.send(conv.id, 'm4');
  await waitFor(() => b.connection === 'online' && b.messages(conv.id).length === 4, 5000, 'resumed');
  await b.resync();
  t.equal(b.state.conversations[conv.id]!.unread, 4, 'a message missed while down counts once');
  await b.markRead(conv.id);
  t.equal(b.state.conversations[conv.id]!.unread, 0);
});

t.test('wake() reconnects at once instead of waiting out the backoff; queued() lists unsent messages', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const alice = await makeUser(server, 'Alice');
  const bob = await makeUser(server, 'Bob');
  // A long backoff: without wake() the reconnect would take a minute.
  const a: SwitchboardClient = client(server.url, alice.token, { reconnectMinMs: 60_000, reconnectMaxMs: 60_000 });
  t.teardown(() => a.stop());
  await a.start();
  const conv = await a.openDirect(bob.user.id);
  a.dropConnection();
  await waitFor(() => a.connection === 'reconnecting', 2000, 'reconnecting');
  const sent = a.send(conv.id, 'queued while down');
  t.same(a.queued(conv.id).map((q) => q.body), [{ text: 'queued while down' }], 'the queue is visible');
  t.same(a.queued(conv.id + 1000), [], 'per conversation');
  const started = Date.now();
  a.wake();
  const m = await sent;
  t.ok(Date.now() - started < 5_000, 'sent soon after wake()');
  t.equal(a.connection, 'online');
  t.same(a.queued(), [], 'queue empty once acknowledged');
  t.equal(m.seq, 1);
  a.wake(); // connected: just a resync, no second socket
  await a.resync();
  t.equal(a.messages(conv.id).length, 1, 'still exactly one message');
});

t.test('client ids are UUIDs, also where crypto.randomUUID is missing (pages over plain HTTP)', async (t) => {
  const re = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  t.match(newCmid(), re);
  const original = globalThis.crypto.randomUUID;
  Object.defineProperty(globalThis.crypto, 'randomUUID', { value: undefined, configurable: true, writable: true });
  try {
    const ids = new Set(Array.from({ length: 200 }, () => newCmid()));
    t.equal(ids.size, 200, 'unique');
    for (const id of ids) if (!re.test(id)) t.fail(`not a v4 UUID: ${id}`);
    t.pass('all v4 UUIDs');
  } finally {
    Object.defineProperty(globalThis.crypto, 'randomUUID', { value: original, configurable: true, writable: true });
  }
});

t.test('a silent (half-open) socket is replaced: messages sent meanwhile arrive once after the swap', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const alice = await makeUser(server, 'Alice');
  const bob = await makeUser(server, 'Bob');
  // A socket that can go deaf and mute without closing, like a link lost during a sleep.
  const sockets: { frozen: boolean }[] = [];
  class Freezable {
    readonly inner: WebSocket;
    readonly flag = { frozen: false };
    onopen: ((ev: any) => void) | null = null;
    onclose: ((ev: any) => void) | null = null;
    onerror: ((ev: any) => void) | null = null;
    onmessage: ((ev: { data: any }) => void) | null = null;
    constructor(url: string) {
      sockets.push(this.flag);
      this.inner = new WebSocket(url);
      this.inner.onopen = (e) => this.onopen?.(e);
      this.inner.onclose = (e) => this.onclose?.({ code: e.code, reason: e.reason });
      this.inner.onerror = (e) => this.onerror?.(e);
      this.inner.onmessage = (e) => { if (!this.flag.frozen) this.onmessage?.({ data: e.data }); };
    }
    get readyState(): number { return this.inner.readyState; }
    send(data: string): void { if (!this.flag.frozen) this.inner.send(data); }
    close(code?: number, reason?: string): void { this.inner.close(code, reason); }
  }
  const b = client(server.url, bob.token, { WebSocket: Freezable as unknown as WebSocketCtor, silenceMs: 800 });
  t.teardown(() => b.stop());
  await b.start();
  const conv = await alice.api.call('conv.direct', { user_id: bob.user.id });
  await alice.api.call('msg.send', { conv_id: conv.id, cmid: 'x1', body: { text: 'one' } });
  await waitFor(() => b.messages(conv.id).length === 1, 3000, 'first message');
  const states: string[] = [];
  b.on('state', (s) => states.push(s));
  sockets[sockets.length - 1]!.frozen = true;
  await alice.api.call('msg.send', { conv_id: conv.id, cmid: 'x2', body: { text: 'two' } });
  await alice.api.call('msg.send', { conv_id: conv.id, cmid: 'x3', body: { text: 'three' } });
  await waitFor(() => b.messages(conv.id).length === 3, 5000, 'messages after the silent socket was replaced');
  t.same(states.slice(0, 2), ['reconnecting', 'online'], 'replaced through a visible reconnect');
  t.same(b.messages(conv.id).map((m) => m.seq), [1, 2, 3], 'each once, in order');
  t.ok(sockets.length >= 2, 'a new socket was opened');
});
