import t from 'tap';
import { AppError } from '../../shared/errors.js';
import { makeUser, startServer } from '../helpers/server.js';

/** 文件 of a conversation through the relay: every file, newest first, forwarded bundles' files too, recalled ones never. */
const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof AppError ? e.code : String(e)));

t.test('the file library lists a conversation\'s files newest first, pages, hides recalled ones, and is for members only', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [a, b, c] = [await makeUser(server, 'A'), await makeUser(server, 'B'), await makeUser(server, 'C')];
  const g = await a.api.call('conv.group', { title: '项目组', member_ids: [b.user.id], cmid: 'lib-g' });
  const names = ['方案.pdf', '预算.xlsx', '纪要.docx'];
  const sent = [];
  for (const [i, name] of names.entries()) {
    const file = await a.api.upload(name, 'application/octet-stream', new TextEncoder().encode(`content ${i}`));
    sent.push(await a.api.call('msg.send', { conv_id: g.id, cmid: `lib-${i}`, body: { file_id: file.id } }));
  }
  await a.api.call('msg.send', { conv_id: g.id, cmid: 'lib-text', body: { text: '文件发完了' } });

  const all = await b.api.call('files.library', { conv_id: g.id });
  t.same(all.items.map((x) => x.file.name), ['纪要.docx', '预算.xlsx', '方案.pdf'], 'newest first, text messages not listed');
  t.match(all.items[0], { seq: sent[2]!.seq, sender_id: a.user.id });
  t.equal(all.more, false);
  const first = await b.api.call('files.library', { conv_id: g.id, limit: 2 });
  t.equal(first.items.length, 2);
  t.equal(first.more, true, 'more to page');
  const rest = await b.api.call('files.library', { conv_id: g.id, before: first.items.at(-1)!.seq });
  t.same(rest.items.map((x) => x.file.name), ['方案.pdf'], 'the page before');

  await a.api.call('msg.recall', { conv_id: g.id, seq: sent[1]!.seq });
  t.same((await b.api.call('files.library', { conv_id: g.id })).items.map((x) => x.file.name), ['纪要.docx', '方案.pdf'], 'a recalled file is not listed');

  const direct = await a.api.call('conv.direct', { user_id: c.user.id });
  await a.api.call('msg.forward', { from_conv_id: g.id, seqs: [sent[0]!.seq, sent[2]!.seq], to_conv_ids: [direct.id], mode: 'bundle', cmid: 'lib-fwd' });
  t.same((await c.api.call('files.library', { conv_id: direct.id })).items.map((x) => x.file.name).sort(), ['方案.pdf', '纪要.docx'].sort(), 'the files inside a merged forward are listed for its new readers');
  t.equal(await codeOf(c.api.call('files.library', { conv_id: g.id })), 'SB_NOT_MEMBER', 'not for outsiders');
});
