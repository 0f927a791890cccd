import t from 'tap';
import { makeUser, startServer } from '../helpers/server.js';
import type { SqliteStore } from '../../central/store/sqlite/index.js';

/** Recall and edit reach the search index at once: a recalled text is gone from it, an edited one found by its new words only. */
t.test('a recalled message is not found; an edited one is found by its new text, not its old', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben] = await Promise.all([makeUser(server, '安'), makeUser(server, 'Ben')]);
  const g = await ann.api.call('conv.group', { title: '检索', member_ids: [ben.user.id], cmid: 'g' });
  const secret = await ann.api.call('msg.send', { conv_id: g.id, cmid: 's', body: { text: '机密预算方案在这里' } });
  const draft = await ann.api.call('msg.send', { conv_id: g.id, cmid: 'd', body: { text: '周五开会讨论草稿' } });
  const seqsOf = async (q: string) => (await ben.api.call('msg.search', { q })).hits.map((h) => h.seq);
  t.same(await seqsOf('预算'), [secret.seq], 'found before the recall');

  await ann.api.call('msg.recall', { conv_id: g.id, seq: secret.seq });
  t.same(await seqsOf('预算'), [], 'the recalled body is not found');
  const store = server.node.central!.store as SqliteStore;
  const indexed = store.db.prepare('SELECT COUNT(*) AS n FROM search_docs WHERE doc = ((? << 32) | (4294967295 - ?))').get(g.id, secret.seq) as { n: number };
  t.equal(indexed.n, 0, 'and it left the index itself, not only the results');

  await ann.api.call('msg.edit', { conv_id: g.id, seq: draft.seq, text: '周四开会确定终稿' });
  t.same(await seqsOf('终稿'), [draft.seq], 'an edited message is found by its new words');
  t.same(await seqsOf('草稿'), [], 'and not by its old ones');
});
