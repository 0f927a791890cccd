import t from 'tap';
import { AppError } from '../../shared/errors.js';
import type { ConversationView } from '../../shared/protocol/types.js';
import { client, makeUser, startServer } from '../helpers/server.js';

/**
 * Admission control: a central past `limits.centralInFlight` refuses with
 * SB_BUSY at once and does nothing; the SDK re-sends, and every message lands
 * exactly once.
 */
t.test('a central at capacity answers SB_BUSY at once, changes nothing, and the SDK gets everything through', async (t) => {
  const server = await startServer({ limits: { centralInFlight: 2, sendsPerUserPer10s: 100_000, framesPerSecond: 10_000, frameBurst: 10_000 } });
  t.teardown(() => server.stop());
  const alice = await makeUser(server, 'Alice');
  const bob = await makeUser(server, 'Bob');
  const conv = await alice.api.call('conv.direct', { user_id: bob.user.id });
  const stored = async () => (await bob.api.call('msg.history', { conv_id: conv.id, after: 0, limit: 200 })).messages;
  const before = (await stored()).length;

  // Sixty sends at once over HTTP: at most two are worked on at a time.
  const results = await Promise.allSettled(Array.from({ length: 60 }, (_, i) =>
    alice.api.call('msg.send', { conv_id: conv.id, cmid: `burst-${i}`, body: { text: `m${i}` } })));
  const refused = results.flatMap((r, i) => (r.status === 'rejected' ? [{ i, e: r.reason as AppError }] : []));
  t.ok(refused.length > 0, `some sends were refused (${refused.length} of 60)`);
  t.ok(refused.every((r) => r.e instanceof AppError && r.e.code === 'SB_BUSY' && r.e.status === 503), 'each refusal is SB_BUSY with HTTP 503');
  const after = await stored();
  t.equal(after.length - before, 60 - refused.length, 'exactly the accepted sends are stored');
  const storedCmids = new Set(after.map((m) => m.cmid));
  t.ok(refused.every((r) => !storedCmids.has(`burst-${r.i}`)), 'a refused send stored nothing');

  // The SDK treats SB_BUSY as "try again": eighty sends across eight conversations all land once.
  const a = client(server.url, alice.token);
  t.teardown(() => a.stop());
  await a.start();
  const convs: ConversationView[] = [];
  for (let i = 0; i < 8; i++) convs.push(await a.openDirect((await makeUser(server, `Peer ${i}`)).user.id));
  const sends = convs.flatMap((c) => Array.from({ length: 10 }, (_, i) => a.send(c.id, `sdk ${i}`)));
  const acked = await Promise.all(sends);
  t.equal(acked.length, 80, 'every SDK send was acknowledged');
  for (const c of convs) {
    const page = await alice.api.call('msg.history', { conv_id: c.id, after: 0, limit: 200 });
    const texts = page.messages.filter((m) => m.kind === 'text').map((m) => (m.body as { text: string }).text);
    t.same(texts, Array.from({ length: 10 }, (_, i) => `sdk ${i}`), `conversation ${c.id}: each message once, in order`);
  }
});
