import type { Test } from 'tap';
import type { Store } from '../../core/ports.js';
import type { SearchDoc } from '../../core/search/ports.js';
import { searchTerms } from '../../core/search/tokenise.js';

/**
 * The SearchIndex contract (core/search/ports.ts): every store's index passes the same cases. Conversation ids
 * are made up per case (the index does not need the conversations to exist), some far above 2^21 so that
 * doc = conv_id << 32 | seq passes 2^53 and must still come back exact.
 */
let nextConv = 4_000_000 + (process.pid % 1000) * 1000;
const convs = (n: number): number[] => Array.from({ length: n }, () => (nextConv += 1));

const doc = (convId: number, seq: number, text: string, extra: Partial<SearchDoc> = {}): SearchDoc => ({
  convId, seq, senderId: 1, createdAt: 10_000 + seq, terms: searchTerms(text), ...extra,
});
const keys = (hits: { convId: number; seq: number }[]) => hits.map((h) => `${h.convId}:${h.seq}`);

export function searchIndexContract(t: Test, open: () => Promise<Store>): void {
  let store: Store;
  t.before(async () => { store = await open(); });
  const q = (text: string, convIds: number[], extra: object = {}) => store.search.query({ terms: searchTerms(text), convIds, limit: 20, ...extra });

  t.test('an empty index and an empty query find nothing', async (t) => {
    const [a] = convs(1);
    t.same(await q('北京', [a!]), []);
    t.same(await store.search.query({ terms: [], convIds: [a!], limit: 20 }), []);
    await store.search.put([doc(a!, 1, '北京')]);
    t.same(await store.search.query({ terms: searchTerms('北京'), convIds: [], limit: 20 }), []);
    await store.search.put([]);
  });

  t.test('every term is required, in any order; CJK bigrams keep 东京 apart from 京东', async (t) => {
    const [a] = convs(1);
    await store.search.put([doc(a!, 1, '我们明天去北京开会'), doc(a!, 2, '东京的天气很好'), doc(a!, 3, 'Quarterly REPORT for Beijing')]);
    t.same(keys(await q('北京', [a!])), [`${a}:1`]);
    t.same(keys(await q('京东', [a!])), []);
    t.same(keys(await q('东京', [a!])), [`${a}:2`]);
    t.same(keys(await q('report quarterly', [a!])), [`${a}:3`], 'both words, either order, any case');
    t.same(keys(await q('report shanghai', [a!])), [], 'a missing word fails the whole query');
    t.same(keys(await q('北京 明天', [a!])), [`${a}:1`]);
  });

  t.test('only the conversations asked for, with exact ids past 2^53 as docs', async (t) => {
    const [a, b, c] = convs(3);
    await store.search.put([doc(a!, 7, 'budget'), doc(b!, 4_000_000_000, 'budget'), doc(c!, 1, 'budget')]);
    t.same(keys(await q('budget', [a!, b!])).sort(), [`${a}:7`, `${b}:4000000000`].sort());
    const [hit] = await q('budget', [b!]);
    t.same(hit, { convId: b, seq: 4_000_000_000, senderId: 1, createdAt: 10_000 + 4_000_000_000 });
  });

  t.test('newest first across conversations, limited, and paged with before', async (t) => {
    const [a, b] = convs(2);
    await store.search.put([
      doc(a!, 1, 'invoice', { createdAt: 100 }), doc(b!, 1, 'invoice', { createdAt: 200 }), doc(a!, 2, 'invoice', { createdAt: 300 }),
      doc(b!, 2, 'invoice', { createdAt: 300 }), doc(a!, 3, 'invoice', { createdAt: 400 }),
    ]);
    const all = await q('invoice', [a!, b!]);
    t.same(keys(all), [`${a}:3`, `${b}:2`, `${a}:2`, `${b}:1`, `${a}:1`], 'created_at, then conv_id, then seq, descending');
    const first = await q('invoice', [a!, b!], { limit: 2 });
    t.same(keys(first), keys(all).slice(0, 2));
    const next = await q('invoice', [a!, b!], { limit: 2, before: first[1] });
    t.same(keys(next), keys(all).slice(2, 4), 'the page after the last hit, ties broken by conversation');
    const last = await q('invoice', [a!, b!], { limit: 2, before: next[1] });
    t.same(keys(last), keys(all).slice(4));
  });

  t.test('filters: sender and time bounds (inclusive)', async (t) => {
    const [a] = convs(1);
    await store.search.put([
      doc(a!, 1, 'deploy', { senderId: 5, createdAt: 1_000 }), doc(a!, 2, 'deploy', { senderId: 6, createdAt: 2_000 }),
      doc(a!, 3, 'deploy', { senderId: 5, createdAt: 3_000 }),
    ]);
    t.same(keys(await q('deploy', [a!], { senderId: 5 })), [`${a}:3`, `${a}:1`]);
    t.same(keys(await q('deploy', [a!], { from: 2_000, to: 3_000 })), [`${a}:3`, `${a}:2`]);
    t.same(keys(await q('deploy', [a!], { senderId: 6, to: 1_999 })), []);
  });

  t.test('put replaces; remove drops, and removing what is not there is harmless', async (t) => {
    const [a] = convs(1);
    await store.search.put([doc(a!, 1, 'alpha beta')]);
    await store.search.put([doc(a!, 1, 'gamma', { senderId: 9 })]);
    t.same(keys(await q('alpha', [a!])), [], 'the old terms are gone');
    t.same((await q('gamma', [a!]))[0]?.senderId, 9);
    await store.search.remove(a!, 1);
    t.same(await q('gamma', [a!]), []);
    await store.search.remove(a!, 1);
    await store.search.remove(a!, 99);
    t.pass('removing twice and removing the unknown resolve');
  });

  t.test('concurrent puts of different and of the same documents', async (t) => {
    const [a] = convs(1);
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.search.put([doc(a!, (i % 10) + 1, `parallel w${i % 10}`)])));
    t.equal((await q('parallel', [a!])).length, 10, 'one entry per (conv, seq)');
    t.same(keys(await q('w3', [a!])), [`${a}:4`]);
  });

  t.test('the backfill walk: text messages not yet indexed, and a kept cursor', async (t) => {
    const s = store;
    const owner = await s.users.create({ account: `search-${process.pid}-${Date.now()}`, name: 'S', passwordHash: 'h', isAdmin: false, at: 1 });
    const { conversation } = await s.conversations.create({
      kind: 'group', title: 'g', ownerId: owner.id, directKey: null, members: [{ userId: owner.id, role: 'owner' }],
      first: { senderId: owner.id, cmid: `c-${Date.now()}`, body: '{"event":"created"}', at: 1 },
    });
    const send = (text: string) => s.conversations.append({
      convId: conversation.id, senderId: owner.id, cmid: `t-${Math.random()}`, kind: 'text', body: JSON.stringify({ text }), at: 5, requireMember: true,
    });
    const m1 = (await send('one')).message;
    const m2 = (await send('two')).message;
    await s.search.put([doc(conversation.id, m1.seq, 'one')]);
    const walk = await s.search.unindexed(m1.id - 2, 100);
    t.ok(walk.messages.some((m) => m.id === m2.id), 'the unindexed text message is there');
    t.notOk(walk.messages.some((m) => m.id === m1.id), 'the indexed one is not');
    t.notOk(walk.messages.some((m) => m.kind !== 'text'), 'only text messages');
    t.ok(walk.lastId >= m2.id);
    t.same(await s.search.unindexed(walk.lastId, 100), { messages: [], lastId: walk.lastId }, 'nothing after the end');
    await s.search.setBackfillCursor(walk.lastId);
    t.equal(await s.search.backfillCursor(), walk.lastId);
  });

  t.test('size on disk is reported', async (t) => {
    t.ok(await store.search.sizeBytes() > 0);
  });
}
