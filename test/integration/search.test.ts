import t from 'tap';
import { makeUser, startServer } from '../helpers/server.js';
import type { SqliteStore } from '../../central/store/sqlite/index.js';
import type { MessageView } from '../../shared/protocol/types.js';

const marked = (h: { snippet: string; highlights: { start: number; end: number }[] }) => h.highlights.map((r) => h.snippet.slice(r.start, r.end));

t.test('msg.search through the relay: relevance in Chinese, Japanese, Korean and English', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben] = await Promise.all([makeUser(server, '安'), makeUser(server, 'Ben')]);
  const g = await ann.api.call('conv.group', { title: '搜索', member_ids: [ben.user.id], cmid: 'g' });
  const texts = ['我们明天去北京开会', '东京的天气很好', '東京タワーに行きました', '한국어를 공부합니다', 'The Quarterly REPORT is ready', 'report.pdf 已经发给北京'];
  const seqs: number[] = [];
  for (const [i, text] of texts.entries()) seqs.push((await ann.api.call('msg.send', { conv_id: g.id, cmid: `m${i}`, body: { text } })).seq);
  const find = async (q: string) => (await ben.api.call('msg.search', { q })).hits;
  const seqsOf = async (q: string) => (await find(q)).map((h) => h.seq);

  t.same(await seqsOf('北京'), [seqs[5], seqs[0]], '北京 finds both, newest first');
  t.same(await seqsOf('京东'), [], '京东 does not find 东京');
  t.same(await seqsOf('东京'), [seqs[1]], 'simplified 东京 is its own word');
  t.same(await seqsOf('東京タワー'), [seqs[2]], 'Japanese kanji and katakana');
  t.same(await seqsOf('行きました'), [seqs[2]], 'Japanese kana');
  t.same(await seqsOf('한국어'), [seqs[3]], 'Korean hangul');
  t.same(await seqsOf('공부'), [seqs[3]]);
  t.same(await seqsOf('quarterly report'), [seqs[4]], 'English, any case, every word required');
  t.same(await seqsOf('REPORT'), [seqs[5], seqs[4]]);
  t.same(await seqsOf('report 天气'), [], 'a word that is not there fails the query');
  t.same(await seqsOf('北京 明天'), [seqs[0]], 'words in another order');

  const [hit] = await find('明天 北京');
  t.equal(hit!.conv_id, g.id);
  t.equal(hit!.sender_id, ann.user.id);
  t.equal(hit!.sender_name, '安');
  t.ok(hit!.created_at > 0);
  t.equal(hit!.snippet, '我们明天去北京开会');
  t.same(marked(hit!), ['明天', '北京'], 'highlight ranges are offsets into the snippet');
  const [en] = await find('report');
  t.same(marked(en!), ['report'], 'the text as written is what the ranges mark');
});

t.test('only conversations the searcher is an active member of; filters and pages', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben, cai] = await Promise.all([makeUser(server, 'Ann'), makeUser(server, 'Ben'), makeUser(server, 'Cai')]);
  const team = await ann.api.call('conv.group', { title: 'team', member_ids: [ben.user.id, cai.user.id], cmid: 'team' });
  const secret = await ann.api.call('conv.group', { title: 'secret', member_ids: [ben.user.id], cmid: 'secret' });
  const direct = await ann.api.call('conv.direct', { user_id: cai.user.id });
  await ann.api.call('msg.send', { conv_id: secret.id, cmid: 's1', body: { text: '预算 budget for the merger' } });
  await ann.api.call('msg.send', { conv_id: direct.id, cmid: 'd1', body: { text: '预算 between Ann and Cai' } });
  const sent: MessageView[] = [];
  for (let i = 0; i < 5; i += 1) {
    const by = i % 2 === 0 ? ann : ben;
    sent.push(await by.api.call('msg.send', { conv_id: team.id, cmid: `t${i}`, body: { text: `预算 round ${i}` } }));
  }

  t.equal((await ben.api.call('msg.search', { q: '预算' })).hits.length, 6, 'Ben sees team and secret, not the direct conversation');
  t.equal((await cai.api.call('msg.search', { q: 'merger' })).hits.length, 0, 'a non-member finds nothing');
  await ben.api.call('conv.leave', { conv_id: secret.id });
  const afterLeave = await ben.api.call('msg.search', { q: '预算' });
  t.notOk(afterLeave.hits.some((h) => h.conv_id === secret.id), 'a conversation left is not found');
  t.equal((await ben.api.call('msg.search', { q: 'merger' })).hits.length, 0);
  await t.rejects(ben.api.call('msg.search', { q: 'merger', conv_id: secret.id }), { code: 'SB_NOT_MEMBER' }, 'nor asked for by id');

  const inTeam = await cai.api.call('msg.search', { q: '预算', conv_id: team.id });
  t.same(inTeam.hits.map((h) => h.seq), [...sent].reverse().map((m) => m.seq), 'conv_id: that conversation, newest first');
  const fromBen = await cai.api.call('msg.search', { q: '预算', sender_id: ben.user.id });
  t.same(fromBen.hits.map((h) => h.seq), [sent[3]!.seq, sent[1]!.seq], 'sender_id');
  const window = await cai.api.call('msg.search', { q: '预算', conv_id: team.id, from: sent[1]!.created_at, to: sent[2]!.created_at });
  t.ok(window.hits.every((h) => h.created_at >= sent[1]!.created_at && h.created_at <= sent[2]!.created_at) && window.hits.length >= 2, 'from and to bound created_at');

  const pages: number[] = [];
  let before: string | undefined;
  for (let i = 0; i < 5; i += 1) {
    const page = await cai.api.call('msg.search', { q: '预算', conv_id: team.id, limit: 2, ...(before ? { before } : {}) });
    pages.push(...page.hits.map((h) => h.seq));
    if (!page.next_before) break;
    before = page.next_before;
  }
  t.same(pages, inTeam.hits.map((h) => h.seq), 'paging with next_before walks every hit once');

  await t.rejects(cai.api.call('msg.search', { q: '！？…' }), { code: 'SB_VALIDATION' }, 'a query without words');
  await t.rejects(cai.api.call('msg.search', { q: '预算', limit: 0 }), { code: 'SB_VALIDATION' });
  await t.rejects(cai.api.call('msg.search', { q: '预算', before: 'x' }), { code: 'SB_VALIDATION' });
});

t.test('reindex, remove and the backfill', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben] = await Promise.all([makeUser(server, 'Ann'), makeUser(server, 'Ben')]);
  const g = await ann.api.call('conv.group', { title: 'g', member_ids: [ben.user.id], cmid: 'g' });
  const m = await ann.api.call('msg.send', { conv_id: g.id, cmid: 'a', body: { text: '周五发布 release' } });
  const search = server.node.central!.services.search;
  const store = server.node.central!.store;
  const seqsOf = async (q: string) => (await ben.api.call('msg.search', { q })).hits.map((h) => h.seq);

  await search.remove(g.id, m.seq);
  t.same(await seqsOf('release'), [], 'removed (a recall) is not found');
  await store.search.setBackfillCursor(0);
  t.same((await search.backfill()).indexed, 1, 'the backfill indexes the stored text message the index lacks');
  t.same(await seqsOf('release'), [m.seq]);
  t.same((await search.backfill()).indexed, 0, 'and nothing twice');

  await search.reindex(g.id, m.seq, '周六发布 hotfix');
  t.same(await seqsOf('release'), [], 'reindexed (an edit): its old words are gone');
  t.same(await seqsOf('hotfix'), [], 'a hit is shown only when the stored text has every word, and the edit is not stored yet');
  // The edit itself, as the edit feature stores it.
  (store as SqliteStore).db.prepare('UPDATE messages SET body = ? WHERE conv_id = ? AND seq = ?').run(JSON.stringify({ text: '周六发布 hotfix' }), g.id, m.seq);
  t.same(await seqsOf('hotfix'), [m.seq], 'found under its new words');
  t.same(await seqsOf('周六'), [m.seq]);
});
