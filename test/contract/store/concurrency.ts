import type { Test } from 'tap';
import { tag, fixtures, type StoreHarness } from './harness.js';

/** Store contract, several writers (and handles, where the store allows) at once; close. */
export function concurrencyContract(t: Test, harness: () => StoreHarness): void {
  const { user, group, text } = fixtures(() => harness().store);

  t.test('concurrent appends get gap-free seqs; concurrent retries store one message', async (t) => {
    const h = harness();
    const s = h.store;
    const handles = [s, ...(h.sibling ? [await h.sibling(), await h.sibling()] : [])];
    t.teardown(async () => { for (const x of handles.slice(1)) await x.close(); });
    const senders = [await user(), await user(), await user()];
    const g = await group(senders[0]!.id, senders.slice(1).map((u) => u.id));
    const N = 150;
    const results = await Promise.all(Array.from({ length: N }, (_, i) =>
      handles[i % handles.length]!.conversations.append(text(g.id, senders[i % 3]!.id))));
    const seqs = results.map((r) => r.message.seq).sort((x, y) => x - y);
    t.same(seqs, Array.from({ length: N }, (_, i) => i + 2), `${N} appends through ${handles.length} handle(s): seqs 2..${N + 1}, no gap, no repeat`);
    const history = await s.conversations.history(g.id, { afterSeq: 0, limit: N + 10 });
    t.equal(history.length, N + 1);
    t.same(history.map((m) => m.seq), Array.from({ length: N + 1 }, (_, i) => i + 1));
    t.equal((await s.conversations.get(g.id))!.last_seq, N + 1);
    const bySeqPos = history.map((m) => m.pos);
    t.ok(bySeqPos.every((p, i) => i === 0 || p > bySeqPos[i - 1]!), 'positions grow with seq within a conversation');

    const cmid = `retry-${tag()}`;
    const retries = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      handles[i % handles.length]!.conversations.append(text(g.id, senders[1]!.id, { cmid }))));
    t.equal(retries.filter((r) => r.created).length, 1, 'exactly one retry created the message');
    t.equal(new Set(retries.map((r) => r.message.id)).size, 1, 'all got the same message');
    t.equal((await s.conversations.get(g.id))!.last_seq, N + 2);
  });

  t.test('changedSince misses nothing while writers race (positions commit in order)', async (t) => {
    const h = harness();
    const s = h.store;
    const handles = [s, ...(h.sibling ? [await h.sibling()] : [])];
    t.teardown(async () => { for (const x of handles.slice(1)) await x.close(); });
    const watcher = await user('Watcher');
    const writer = await user('Writer');
    const convs = [];
    for (let i = 0; i < 24; i++) convs.push(await group(writer.id, [watcher.id]));
    let since = (await s.conversations.changedSince(watcher.id, 0)).pos;
    const seen = new Map<number, number>();
    const positions: number[] = [since];
    let writing = true;
    const poll = async () => {
      const r = await handles[positions.length % handles.length]!.conversations.changedSince(watcher.id, since);
      for (const c of r.changes) seen.set(c.conversation.id, Math.max(seen.get(c.conversation.id) ?? 0, c.conversation.last_seq));
      positions.push(r.pos);
      since = r.pos;
    };
    const poller = (async () => { while (writing) { await poll(); await new Promise((r) => setImmediate(r)); } })();
    await Promise.all(convs.flatMap((c, i) => [0, 1, 2].map((k) =>
      handles[(i + k) % handles.length]!.conversations.append(text(c.id, writer.id)))));
    writing = false;
    await poller;
    await poll();
    t.ok(positions.every((p, i) => i === 0 || p >= positions[i - 1]!), 'the position never goes back');
    const missed = convs.filter((c) => seen.get(c.id) !== 4).map((c) => [c.id, seen.get(c.id)]);
    t.same(missed, [], 'every conversation was seen at its final seq by incremental polling alone');
    t.ok(positions.length > 2, `polled ${positions.length} times during the writes`);
  });

  t.test('close waits for queued writes', async (t) => {
    const h = harness();
    const s = h.store;
    if (!h.sibling) { t.pass('single-handle store: covered by its own shutdown tests'); return; }
    const extra = await h.sibling();
    const a = await user(); const b = await user();
    const g = await group(a.id, [b.id]);
    const pending = Array.from({ length: 20 }, () => extra.conversations.append(text(g.id, a.id)));
    await extra.close();
    const done = await Promise.all(pending);
    t.equal(done.length, 20);
    t.equal((await s.conversations.get(g.id))!.last_seq, 21, 'every write queued before close was committed');
  });
}
