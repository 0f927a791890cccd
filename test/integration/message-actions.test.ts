import t from 'tap';
import { adminCli } from '../helpers/cli.js';
import { ADMIN_PASSWORD, client, makeUser, startServer, waitFor } from '../helpers/server.js';
import type { BundleBody, FileBody, MessageView, RecalledBody, TextBody } from '../../shared/protocol/types.js';
import type { ClientState } from '../../shared/sdk/state.js';

const all = async (api: { call: (...a: any[]) => Promise<any> }, convId: number): Promise<MessageView[]> =>
  (await api.call('msg.history', { conv_id: convId, after: 0, limit: 200 })).messages;

t.test('reply: central builds the quote; replies to recalled or missing messages are refused; a later recall hides the quote', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben, eve] = await Promise.all([makeUser(server, 'Ann'), makeUser(server, 'Ben'), makeUser(server, 'Eve')]);
  const d = await ann.api.call('conv.direct', { user_id: ben.user.id });
  const long = '长'.repeat(150);
  const first = await ann.api.call('msg.send', { conv_id: d.id, cmid: 'r1', body: { text: long } });
  const reply = await ben.api.call('msg.send', { conv_id: d.id, cmid: 'r2', body: { text: '收到', reply_to: first.seq } });
  const q = (reply.body as TextBody).reply_to!;
  t.same({ seq: q.seq, sender_id: q.sender_id, sender_name: q.sender_name, kind: q.kind }, { seq: first.seq, sender_id: ann.user.id, sender_name: 'Ann', kind: 'text' });
  t.equal([...q.excerpt].length, 100, 'the excerpt is at most 100 characters');
  t.ok(q.excerpt.endsWith('…'), 'cut with an ellipsis');

  await t.rejects(ben.api.call('msg.send', { conv_id: d.id, cmid: 'r3', body: { text: 'x', reply_to: 99 } }), { code: 'SB_NOT_FOUND' }, 'a missing message');
  await t.rejects(eve.api.call('msg.send', { conv_id: d.id, cmid: 'r4', body: { text: 'x', reply_to: 1 } }), { code: 'SB_NOT_MEMBER' }, 'a non-member learns nothing');
  await t.rejects(ben.api.call('msg.send', { conv_id: d.id, cmid: 'r5', body: { text: 'x', reply_to: 0 } }), { code: 'SB_VALIDATION' }, 'bad params');

  await ann.api.call('msg.recall', { conv_id: d.id, seq: first.seq });
  await t.rejects(ben.api.call('msg.send', { conv_id: d.id, cmid: 'r6', body: { text: 'x', reply_to: first.seq } }), { code: 'SB_RECALLED' }, 'a recalled message');
  const hist = await all(ben.api, d.id);
  t.equal(hist.length, 2, 'refusals stored nothing');
  t.same((hist[1]!.body as TextBody).reply_to, { ...q, kind: 'recalled', excerpt: '' }, 'the quote of a recalled message shows it recalled');
  t.equal((hist[0]!.body as RecalledBody).recalled_by_name, 'Ann');
  const conv = await ben.api.call('conv.get', { conv_id: d.id });
  t.equal((conv.last_message!.body as TextBody).reply_to!.kind, 'recalled', 'the conversation list shows it too');
});

t.test('recall: windows, roles, refusals that change nothing, message.updated to members', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [owner, adm, ann, ben, eve] = await Promise.all(['王总', 'Adm', 'Ann', 'Ben', 'Eve'].map((n) => makeUser(server, n)));
  const g = await owner.api.call('conv.group', { title: '项目组', member_ids: [adm.user.id, ann.user.id, ben.user.id], cmid: 'g' });
  await owner.api.call('conv.setRole', { conv_id: g.id, user_id: adm.user.id, role: 'admin' });
  const watcher = client(server.url, ben.token);
  t.teardown(() => watcher.stop());
  await watcher.start();
  const a1 = await ann.api.call('msg.send', { conv_id: g.id, cmid: 'a1', body: { text: 'one' } });
  const a2 = await ann.api.call('msg.send', { conv_id: g.id, cmid: 'a2', body: { text: 'two' } });
  const o1 = await owner.api.call('msg.send', { conv_id: g.id, cmid: 'o1', body: { text: 'owner says' } });
  const d1 = await adm.api.call('msg.send', { conv_id: g.id, cmid: 'd1', body: { text: 'admin says' } });
  const before = await all(ann.api, g.id);

  await t.rejects(eve.api.call('msg.recall', { conv_id: g.id, seq: a1.seq }), { code: 'SB_NOT_MEMBER' }, 'a non-member');
  await t.rejects(ben.api.call('msg.recall', { conv_id: g.id, seq: a1.seq }), { code: 'SB_FORBIDDEN' }, "a member, someone else's message");
  await t.rejects(adm.api.call('msg.recall', { conv_id: g.id, seq: o1.seq }), { code: 'SB_FORBIDDEN' }, "an admin, the owner's message");
  await t.rejects(ann.api.call('msg.recall', { conv_id: g.id, seq: 1 }), { code: 'SB_VALIDATION' }, 'a system message');
  await t.rejects(ann.api.call('msg.recall', { conv_id: g.id, seq: 999 }), { code: 'SB_NOT_FOUND' });
  await t.rejects(ann.api.call('msg.recall', { conv_id: g.id, seq: 'x' as unknown as number }), { code: 'SB_VALIDATION' }, 'bad params');
  await server.admin.call('admin.messagePolicy.set', { recall_window: 0 });
  await t.rejects(ann.api.call('msg.recall', { conv_id: g.id, seq: a1.seq }), { code: 'SB_WINDOW_CLOSED' }, 'recall turned off for senders');
  t.same(await all(ann.api, g.id), before, 'nothing changed');

  const recalledByAdmin = await adm.api.call('msg.recall', { conv_id: g.id, seq: a1.seq });
  t.equal(recalledByAdmin.kind, 'recalled', 'an admin recalls a member\'s message at any time');
  t.same(recalledByAdmin.body, { recalled_by: adm.user.id, recalled_by_name: 'Adm' });
  const byOwner = await owner.api.call('msg.recall', { conv_id: g.id, seq: d1.seq });
  t.equal(byOwner.kind, 'recalled', "the owner recalls an admin's message");
  await waitFor(() => watcher.messages(g.id).find((m) => m.seq === a1.seq)?.kind === 'recalled'
    && watcher.state.conversations[g.id]!.last_message?.kind === 'recalled', 3000, 'message.updated reaches members (both recalls)');
  t.equal(watcher.state.conversations[g.id]!.last_message!.kind, 'recalled', 'the last message in the list is recalled too');

  await server.admin.call('admin.messagePolicy.set', { recall_window: 1 });
  await new Promise((r) => setTimeout(r, 1100));
  await t.rejects(ann.api.call('msg.recall', { conv_id: g.id, seq: a2.seq }), { code: 'SB_WINDOW_CLOSED' }, 'after the window');
  await server.admin.call('admin.messagePolicy.set', { recall_window: 86400 });
  const own = await ann.api.call('msg.recall', { conv_id: g.id, seq: a2.seq });
  t.equal(own.kind, 'recalled', 'the sender within the window');
  const again = await ann.api.call('msg.recall', { conv_id: g.id, seq: a2.seq });
  t.same(again, own, 'recalling again changes nothing');
  await t.rejects(ann.api.call('msg.edit', { conv_id: g.id, seq: a2.seq, text: 'x' }), { code: 'SB_RECALLED' }, 'a recalled message cannot be edited');
  await t.rejects(ann.api.call('msg.forward', { from_conv_id: g.id, seqs: [a2.seq], to_conv_ids: [g.id], mode: 'each', cmid: 'f' }), { code: 'SB_RECALLED' });
});

t.test('edit: the sender, text only, within the window; edited_at; message.updated', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben, eve] = await Promise.all([makeUser(server, 'Ann'), makeUser(server, 'Ben'), makeUser(server, 'Eve')]);
  const d = await ann.api.call('conv.direct', { user_id: ben.user.id });
  const watcher = client(server.url, ben.token);
  t.teardown(() => watcher.stop());
  await watcher.start();
  const m = await ann.api.call('msg.send', { conv_id: d.id, cmid: 'e1', body: { text: 'helo' } });
  const reply = await ann.api.call('msg.send', { conv_id: d.id, cmid: 'e2', body: { text: 'a reply', reply_to: m.seq } });
  const file = await ann.api.upload('a.txt', 'text/plain', new TextEncoder().encode('a'));
  const f = await ann.api.call('msg.send', { conv_id: d.id, cmid: 'e3', body: { file_id: file.id } });
  const before = await all(ann.api, d.id);
  await t.rejects(ben.api.call('msg.edit', { conv_id: d.id, seq: m.seq, text: 'x' }), { code: 'SB_FORBIDDEN' }, "someone else's message");
  await t.rejects(eve.api.call('msg.edit', { conv_id: d.id, seq: m.seq, text: 'x' }), { code: 'SB_NOT_MEMBER' });
  await t.rejects(ann.api.call('msg.edit', { conv_id: d.id, seq: f.seq, text: 'x' }), { code: 'SB_VALIDATION' }, 'a file message');
  await t.rejects(ann.api.call('msg.edit', { conv_id: d.id, seq: m.seq, text: '  ' }), { code: 'SB_VALIDATION' }, 'blank text');
  await server.admin.call('admin.messagePolicy.set', { edit_window: 0 });
  await t.rejects(ann.api.call('msg.edit', { conv_id: d.id, seq: m.seq, text: 'hello' }), { code: 'SB_WINDOW_CLOSED' }, 'editing turned off');
  t.same(await all(ann.api, d.id), before, 'nothing changed');
  await server.admin.call('admin.messagePolicy.set', { edit_window: 600 });
  const edited = await ann.api.call('msg.edit', { conv_id: d.id, seq: m.seq, text: 'hello' });
  t.equal((edited.body as TextBody).text, 'hello');
  t.ok(edited.edited_at && edited.edited_at >= m.created_at, 'edited_at set');
  const editedReply = await ann.api.call('msg.edit', { conv_id: d.id, seq: reply.seq, text: 'the reply' });
  t.equal((editedReply.body as TextBody).reply_to?.seq, m.seq, 'a reply keeps its quote');
  await waitFor(() => (watcher.messages(d.id)[0]?.body as TextBody).text === 'hello', 3000, 'the edit reaches the other side');
  t.equal(watcher.messages(d.id)[0]!.edited_at, edited.edited_at);
  const policy = await server.admin.call('admin.messagePolicy.get');
  t.same(policy, { recall_window: 86400, edit_window: 600 });
  await t.rejects(ann.api.call('admin.messagePolicy.set', { edit_window: 1 }), { code: 'SB_FORBIDDEN' }, 'users do not set the policy');
  await t.rejects(server.admin.call('admin.messagePolicy.set', { edit_window: -1 }), { code: 'SB_VALIDATION' });
  const audit = await server.admin.call('admin.audit', { limit: 10 });
  t.ok(audit.some((e) => e.action === 'message_policy.set'), 'policy changes are audited');
});

t.test('forward: each and bundle, nested bundles, files open for new readers without the source, idempotent, refusals', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben, cai, dan] = await Promise.all(['Ann', 'Ben', 'Cai', 'Dan'].map((n) => makeUser(server, n)));
  const src = await ann.api.call('conv.direct', { user_id: ben.user.id });
  const file = await ben.api.upload('plan.txt', 'text/plain', new TextEncoder().encode('the secret plan'));
  const m1 = await ann.api.call('msg.send', { conv_id: src.id, cmid: 's1', body: { text: '方案在附件' } });
  const m2 = await ben.api.call('msg.send', { conv_id: src.id, cmid: 's2', body: { file_id: file.id } });
  const m3 = await ann.api.call('msg.send', { conv_id: src.id, cmid: 's3', body: { text: '好的', reply_to: m2.seq } });
  const hidden = await ann.api.call('msg.send', { conv_id: src.id, cmid: 's4', body: { text: 'not forwarded' } });
  const target = await ann.api.call('conv.direct', { user_id: cai.user.id });
  await t.rejects(cai.api.download(file.id), { code: 'SB_NOT_FOUND' }, 'Cai cannot open the file before');

  const each = await ann.api.call('msg.forward', { from_conv_id: src.id, seqs: [m1.seq, m2.seq], to_conv_ids: [target.id], mode: 'each', cmid: 'fw1' });
  t.same(each.messages.map((m) => m.kind), ['text', 'file'], 'one copy per message, in order');
  t.equal(each.messages[0]!.sender_id, ann.user.id, 'the forwarder sends the copies');
  const again = await ann.api.call('msg.forward', { from_conv_id: src.id, seqs: [m1.seq, m2.seq], to_conv_ids: [target.id], mode: 'each', cmid: 'fw1' });
  t.same(again.messages.map((m) => m.id), each.messages.map((m) => m.id), 'a retry with the same cmid repeats nothing');
  t.equal((await all(cai.api, target.id)).length, 2);
  const bytes = await cai.api.download(file.id);
  t.equal(new TextDecoder().decode(bytes), 'the secret plan', 'the forwarded file opens for the new reader');
  await t.rejects(cai.api.call('msg.history', { conv_id: src.id }), { code: 'SB_NOT_MEMBER' }, 'the source stays closed');

  const group = await ann.api.call('conv.group', { title: '三人', member_ids: [cai.user.id, dan.user.id], cmid: 'g3' });
  const b = await ann.api.call('msg.forward', { from_conv_id: src.id, seqs: [m3.seq, m1.seq, m2.seq], to_conv_ids: [group.id], mode: 'bundle', cmid: 'fw2' });
  t.equal(b.messages.length, 1);
  const bundle = b.messages[0]!.body as BundleBody;
  t.equal(b.messages[0]!.kind, 'bundle');
  t.equal(bundle.bundle.title, 'Ann和Ben的聊天记录');
  t.same(bundle.bundle.items.map((i) => [i.sender_name, i.kind]), [['Ann', 'text'], ['Ben', 'file'], ['Ann', 'text']], 'items in seq order with senders');
  t.notOk((bundle.bundle.items[2]!.body as TextBody).reply_to, 'quotes stay behind');
  t.notOk(JSON.stringify(bundle).includes('not forwarded'), 'nothing the forwarder did not choose');
  t.equal(bundle.bundle.items[0]!.at, m1.created_at);

  // Dan forwards the bundle into a bundle: it nests; Dan's new readers open the file too.
  const danOnly = await dan.api.call('conv.direct', { user_id: ben.user.id });
  const eve = await makeUser(server, 'Eve');
  const e = await dan.api.call('conv.direct', { user_id: eve.user.id });
  const note = await dan.api.call('msg.send', { conv_id: group.id, cmid: 'n1', body: { text: '看看这个' } });
  const nested = await dan.api.call('msg.forward', { from_conv_id: group.id, seqs: [b.messages[0]!.seq, note.seq], to_conv_ids: [e.id, danOnly.id], mode: 'bundle', cmid: 'fw3' });
  t.equal(nested.messages.length, 2, 'one bundle per target');
  const outer = nested.messages[0]!.body as BundleBody;
  t.equal(outer.bundle.items[0]!.kind, 'bundle');
  t.same((outer.bundle.items[0]!.body as BundleBody).bundle, bundle.bundle, 'the inner bundle is kept as it was');
  t.equal(new TextDecoder().decode(await eve.api.download(((outer.bundle.items[0]!.body as BundleBody).bundle.items[1]!.body as FileBody).file.id)),
    'the secret plan', 'a file two bundles deep opens for the new reader');
  await t.rejects(eve.api.call('msg.history', { conv_id: src.id }), { code: 'SB_NOT_MEMBER' });
  await t.rejects(eve.api.call('msg.history', { conv_id: group.id }), { code: 'SB_NOT_MEMBER' });

  // Refusals: nothing is sent.
  const count = async () => (await all(cai.api, target.id)).length;
  const n = await count();
  await t.rejects(dan.api.call('msg.forward', { from_conv_id: src.id, seqs: [m1.seq], to_conv_ids: [danOnly.id], mode: 'each', cmid: 'x1' }), { code: 'SB_NOT_MEMBER' }, 'not in the source');
  await t.rejects(cai.api.call('msg.forward', { from_conv_id: target.id, seqs: [1], to_conv_ids: [src.id], mode: 'each', cmid: 'x2' }), { code: 'SB_NOT_MEMBER' }, 'not in the target');
  await t.rejects(ann.api.call('msg.forward', { from_conv_id: src.id, seqs: [999], to_conv_ids: [target.id], mode: 'each', cmid: 'x3' }), { code: 'SB_NOT_FOUND' });
  await t.rejects(ann.api.call('msg.forward', { from_conv_id: group.id, seqs: [1], to_conv_ids: [target.id], mode: 'each', cmid: 'x4' }), { code: 'SB_VALIDATION' }, 'a system message');
  await t.rejects(ann.api.call('msg.forward', { from_conv_id: src.id, seqs: [], to_conv_ids: [target.id], mode: 'each', cmid: 'x5' }), { code: 'SB_VALIDATION' });
  await t.rejects(ann.api.call('msg.forward', { from_conv_id: src.id, seqs: [1], to_conv_ids: Array.from({ length: 21 }, (_, i) => i + 1), mode: 'each', cmid: 'x6' }), { code: 'SB_VALIDATION' });
  await t.rejects(ann.api.call('msg.forward', { from_conv_id: src.id, seqs: [1], to_conv_ids: [target.id], mode: 'copy' as 'each', cmid: 'x7' }), { code: 'SB_VALIDATION' });
  t.equal(await count(), n, 'nothing was sent');
  t.ok(hidden.seq > 0);
});

t.test('a recall racing an offline device: it sees the recall when it comes back (sync updated)', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const [ann, ben] = await Promise.all([makeUser(server, 'Ann'), makeUser(server, 'Ben')]);
  const d = await ann.api.call('conv.direct', { user_id: ben.user.id });
  const b1 = client(server.url, ben.token);
  await b1.start();
  const m = await ann.api.call('msg.send', { conv_id: d.id, cmid: 'o1', body: { text: 'oops' } });
  await ann.api.call('msg.send', { conv_id: d.id, cmid: 'o2', body: { text: 'reply', reply_to: m.seq } });
  const later = await ann.api.call('msg.send', { conv_id: d.id, cmid: 'o3', body: { text: 'edit me' } });
  await waitFor(() => b1.messages(d.id).length === 3, 3000, 'Ben has all three');
  const saved = { state: structuredClone(b1.state) as ClientState, pos: b1.pos };
  b1.stop();
  // While Ben's device is away: a recall racing its absence, and an edit of the last message.
  await Promise.all([
    ann.api.call('msg.recall', { conv_id: d.id, seq: m.seq }),
    ann.api.call('msg.edit', { conv_id: d.id, seq: later.seq, text: 'edited' }),
  ]);
  const sync = await ben.api.call('sync', { since: saved.pos });
  t.same(sync.updated.map((x) => x.seq).sort(), [m.seq, later.seq], 'sync returns the changed messages');
  const b2 = client(server.url, ben.token, { restore: saved });
  t.teardown(() => b2.stop());
  t.equal(b2.messages(d.id)[0]!.kind, 'text', 'the saved copy still shows the old content');
  await b2.start();
  await waitFor(() => b2.messages(d.id)[0]?.kind === 'recalled', 3000, 'the returning device sees the recall');
  t.equal((b2.messages(d.id)[1]!.body as TextBody).reply_to!.kind, 'recalled', 'and the quote of it');
  t.equal((b2.messages(d.id)[2]!.body as TextBody).text, 'edited', 'and the edit');
  t.equal((b2.state.conversations[d.id]!.last_message!.body as TextBody).text, 'edited', 'the list preview too');
  t.notOk(JSON.stringify(b2.state).includes('oops'), 'the recalled text is nowhere in the state');
});

t.test('the admin CLI reads and sets the message policy', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const { run, json } = adminCli(t, 'sb-cli-msg-');
  t.equal((await run('login', '--server', server.url, '--account', 'admin', '--password', ADMIN_PASSWORD)).code, 0);
  t.same(await json('message-policy', 'get'), { recall_window: 86400, edit_window: 86400 }, 'the defaults: a day each');
  t.same(await json('message-policy', 'set', '--recall-window', '120', '--edit-window', '0'), { recall_window: 120, edit_window: 0 });
  t.match((await run('message-policy', 'get')).out, /recall window: 120 s\nedit window: 0 s \(off\)/, 'readable');
  t.equal((await run('message-policy', 'set', '--recall-window', 'soon')).code, 1, 'checked against the schema');
  t.same(await server.admin.call('admin.messagePolicy.get'), { recall_window: 120, edit_window: 0 }, 'a refused value changed nothing');
});
