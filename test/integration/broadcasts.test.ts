import t from 'tap';
import { ApiClient } from '../../shared/sdk/api.js';
import type { BroadcastBody, ConversationView } from '../../shared/protocol/types.js';
import { adminCli } from '../helpers/cli.js';
import { ADMIN_PASSWORD, client, signIn, startServer, waitFor, type TestServer } from '../helpers/server.js';

/** A person in the directory who can sign in. */
async function person(server: TestServer, account: string, name: string, depts: number[]) {
  const p = await server.admin.call('admin.dir.person.create', { account, name, depts });
  const password = `${account}-password-1`;
  await server.admin.call('admin.users.password', { user_id: p.user_id!, password });
  const token = await signIn(server.url, account, password);
  return { id: p.user_id!, token, api: new ApiClient(server.url, token) };
}

const systemConv = async (api: ApiClient): Promise<ConversationView | undefined> => (await api.call('conv.list')).find((c) => c.kind === 'system');
const titles = async (api: ApiClient, convId: number) => (await api.call('msg.history', { conv_id: convId, after: 0, limit: 200 })).messages
  .map((m) => (m.body as BroadcastBody).broadcast.title);

t.test('a department administrator broadcasts to their subtree: exactly those people, counts, no reply, idempotent, refused outside', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const admin = server.admin;
  const hq = await admin.call('admin.dir.dept.create', { name: '总部', org_id: 1 });
  const sales = await admin.call('admin.dir.dept.create', { name: '销售部', org_id: 1, parent_id: hq.id });
  const other = await admin.call('admin.dir.dept.create', { name: '工厂', org_id: 1 });
  const ann = await person(server, 'ann', 'Ann', [hq.id]);
  const ben = await person(server, 'ben', 'Ben', [sales.id]);
  const cai = await person(server, 'cai', 'Cai', [other.id]);
  const hrUser = await admin.call('admin.users.create', { account: 'hr', name: 'HR', password: 'hr-password-1', is_admin: true });
  await admin.call('admin.dir.scope.set', { user_id: hrUser.id, dept_ids: [hq.id] });
  const hr = new ApiClient(server.url, await signIn(server.url, 'hr', 'hr-password-1'));

  // Ann is online; Ben has been online once and is away when it is sent.
  const a = client(server.url, ann.token);
  const bAway = client(server.url, ben.token);
  t.teardown(() => { a.stop(); bAway.stop(); });
  await Promise.all([a.start(), bAway.start()]);
  const saved = { state: structuredClone(bAway.state), pos: bAway.pos };
  bAway.stop();

  const sent = await hr.call('admin.broadcast.send', { title: '放假通知', text: '周五下午放假。', dept_ids: [hq.id], cmid: 'holiday-1' });
  t.equal(sent.total, 2, 'the department and the one below it: two people');
  t.equal(sent.delivered, 2, 'delivered to both before the answer');
  t.equal(sent.read, 0, 'read by nobody yet');
  t.equal(sent.status, 'done');
  t.same(sent.target, { dept_ids: [hq.id] });

  await waitFor(() => Object.values(a.state.conversations).some((c) => c.kind === 'system' && c.last_seq === 1), 5000, 'the push to Ann');
  const annConv = Object.values(a.state.conversations).find((c) => c.kind === 'system')!;
  t.equal(annConv.unread, 1, 'it counts as unread');
  const pushed = a.messages(annConv.id);
  t.equal(pushed.length, 1);
  t.equal(pushed[0]!.kind, 'broadcast');
  t.same((pushed[0]!.body as BroadcastBody).broadcast, { id: sent.id, title: '放假通知', text: '周五下午放假。' }, 'title and text arrive');

  t.notOk(await systemConv(cai.api), 'nobody outside the department got it');
  t.notOk(await systemConv(hr), 'nor the sender, who is not in it');

  // Ben comes back: his resync from the saved position brings the system conversation and the message.
  const b = client(server.url, ben.token, { restore: saved });
  t.teardown(() => b.stop());
  await b.start();
  const benConv = Object.values(b.state.conversations).find((c) => c.kind === 'system');
  t.ok(benConv, 'the offline recipient gets the system conversation on resync');
  t.equal(benConv!.last_seq, 1);
  t.same(await titles(ben.api, benConv!.id), ['放假通知']);

  // Nobody can reply.
  await t.rejects(ann.api.call('msg.send', { conv_id: annConv.id, cmid: 'reply-1', body: { text: '收到' } }), { code: 'SB_READ_ONLY' }, 'a reply is refused');
  await t.rejects(hr.call('msg.send', { conv_id: annConv.id, cmid: 'reply-2', body: { text: 'x' } }), { code: 'SB_NOT_MEMBER' }, 'and nobody else sends into it');
  t.equal((await ann.api.call('conv.get', { conv_id: annConv.id })).last_seq, 1, 'nothing was stored');

  // Read counts follow the recipients' read cursors.
  await ann.api.call('msg.read', { conv_id: annConv.id, seq: 1 });
  const counted = await hr.call('admin.broadcast.get', { broadcast_id: sent.id });
  t.same({ total: counted.total, delivered: counted.delivered, read: counted.read }, { total: 2, delivered: 2, read: 1 }, 'delivered 2, read 1, of 2');

  // A retry with the same cmid is the same broadcast, delivered once.
  const again = await hr.call('admin.broadcast.send', { title: '放假通知', text: '周五下午放假。', dept_ids: [hq.id], cmid: 'holiday-1' });
  t.equal(again.id, sent.id, 'the retry returns the same broadcast');
  t.same(await titles(ann.api, annConv.id), ['放假通知'], 'and stores nothing more');

  // Outside the scope: refused, nothing stored.
  const auditBefore = (await admin.call('admin.audit', { limit: 1000 })).length;
  await t.rejects(hr.call('admin.broadcast.send', { title: 'x', text: 'y', dept_ids: [other.id] }), { code: 'SB_FORBIDDEN' }, 'another department is refused');
  await t.rejects(hr.call('admin.broadcast.send', { title: 'x', text: 'y', dept_ids: [hq.id, other.id] }), { code: 'SB_FORBIDDEN' }, 'so is one among others');
  await t.rejects(hr.call('admin.broadcast.send', { title: 'x', text: 'y', user_ids: [cai.id] }), { code: 'SB_FORBIDDEN' }, 'and a person outside');
  await t.rejects(hr.call('admin.broadcast.send', { title: 'x', text: 'y', all: true }), { code: 'SB_FORBIDDEN' }, 'and everyone');
  await t.rejects(hr.call('admin.broadcast.send', { title: 'x', text: ' ', user_ids: [ann.id] }), { code: 'SB_VALIDATION' }, 'a blank text is refused');
  await t.rejects(hr.call('admin.broadcast.send', { title: 'x', text: 'y' }), { code: 'SB_VALIDATION' }, 'so is naming nobody');
  t.notOk(await systemConv(cai.api), 'nothing reached the person outside');
  t.equal((await hr.call('admin.broadcast.list', {})).length, 1, 'no broadcast was stored');
  t.equal((await admin.call('admin.audit', { limit: 1000 })).length, auditBefore, 'nothing was audited');

  // A person inside the scope, by name.
  const direct = await hr.call('admin.broadcast.send', { title: '提醒', text: '请更新资料', user_ids: [ben.id] });
  t.equal(direct.total, 1);
  await waitFor(async () => (await ben.api.call('conv.get', { conv_id: benConv!.id })).last_seq === 2, 5000, 'the second broadcast');
  t.same(await titles(ben.api, benConv!.id), ['放假通知', '提醒'], 'the same system conversation holds both, in order');

  const audit = await admin.call('admin.audit', { limit: 1000 });
  const sends = audit.filter((e) => e.action === 'broadcast.send');
  t.equal(sends.length, 2, 'each broadcast audited once');
  t.ok(sends.every((e) => e.actor_id === hrUser.id));
});

t.test('an unscoped administrator broadcasts to everyone enabled; lists and counts; a scoped one sees only their own', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const admin = server.admin;
  const d = await admin.call('admin.dir.dept.create', { name: 'D', org_id: 1 });
  const ann = await person(server, 'ann', 'Ann', [d.id]);
  const gone = await person(server, 'gone', 'Gone', [d.id]);
  await admin.call('admin.users.disable', { user_id: gone.id });
  const users = await admin.call('admin.users.list', { limit: 1000 });
  const enabled = users.filter((u) => !u.disabled).length;

  const all = await admin.call('admin.broadcast.send', { title: '全员', text: 'hello', all: true });
  t.equal(all.total, enabled, 'every enabled user, the sender included');
  t.equal(all.delivered, enabled);
  const mine = await systemConv(admin);
  t.ok(mine, 'the sender, among everyone, has it too');
  t.equal(mine!.unread, 0, 'and has read their own broadcast');
  t.equal((await admin.call('admin.broadcast.get', { broadcast_id: all.id })).read, 1, 'which counts as read by one');
  t.ok(await systemConv(ann.api));

  const hrUser = await admin.call('admin.users.create', { account: 'hr', name: 'HR', password: 'hr-password-1', is_admin: true });
  await admin.call('admin.dir.scope.set', { user_id: hrUser.id, dept_ids: [d.id] });
  const hr = new ApiClient(server.url, await signIn(server.url, 'hr', 'hr-password-1'));
  t.same(await hr.call('admin.broadcast.list', {}), [], 'a scoped administrator does not see others\' broadcasts');
  await t.rejects(hr.call('admin.broadcast.get', { broadcast_id: all.id }), { code: 'SB_NOT_FOUND' });
  const own = await hr.call('admin.broadcast.send', { title: 'D', text: 'd', dept_ids: [d.id] });
  t.equal(own.total, 1, 'the disabled person gets nothing');
  t.same((await admin.call('admin.broadcast.list', {})).map((b) => b.id), [own.id, all.id], 'the unscoped administrator sees all, newest first');
});

t.test('a fan-out cut off after its first batch goes on from its cursor, and nobody gets it twice', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const central = server.node.central!;
  const store = central.store;
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) ids.push((await server.admin.call('admin.users.create', { account: `r${i}`, password: 'plain-words-123' })).id);
  const { broadcast } = await store.broadcasts.create({
    senderId: 1, cmid: 'crash-1', title: 'T', text: 'x', file: null, target: JSON.stringify({ user_ids: ids }), recipients: ids, at: Date.now(),
  });
  const body = JSON.stringify({ broadcast: { id: broadcast.id, title: 'T', text: 'x' } });
  // The first batch committed, then the process "crashed".
  await store.broadcasts.deliver({ id: broadcast.id, from: 0, userIds: ids.slice(0, 2), body, title: '系统消息', fileId: null, at: Date.now() });
  const stale = await store.broadcasts.deliver({ id: broadcast.id, from: 0, userIds: ids.slice(0, 2), body, title: '系统消息', fileId: null, at: Date.now() });
  t.same(stale.deliveries, [], 'a batch repeated from an old cursor does nothing');
  t.same(await store.broadcasts.unfinished(), [broadcast.id], 'it is unfinished');
  await central.services.broadcasts.resume();
  await waitFor(async () => (await store.broadcasts.get(broadcast.id))!.delivered === 5, 5000, 'the rest of the fan-out');
  t.same(await store.broadcasts.unfinished(), []);
  for (const id of ids) {
    const conv = await store.conversations.byDirectKey(`system:${id}`);
    t.equal(conv?.last_seq, 1, `recipient ${id} holds it exactly once`);
  }
});

t.test('the admin CLI sends broadcasts to people and departments and lists them with their counts', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const d = await server.admin.call('admin.dir.dept.create', { name: 'Ops', org_id: 1 });
  const ann = await person(server, 'ann', 'Ann', [d.id]);
  const ben = await person(server, 'ben', 'Ben', []);
  const cli = adminCli(t, 'sb-bc-cli-');
  t.equal((await cli.run('login', '--server', server.url, '--password', ADMIN_PASSWORD)).code, 0);
  const toPeople = await cli.run('broadcast', 'send', '--title', '提醒', '--text', '请更新资料', '--users', 'ann,ben');
  t.equal(toPeople.code, 0);
  t.match(toPeople.out, /Broadcast #\d+ "提醒": delivered 2 of 2/);
  const toDept = await cli.json<{ total: number; target: unknown }>('broadcast', 'send', '--title', '值班', '--text', '今晚值班', '--depts', String(d.id));
  t.same([toDept.total, toDept.target], [1, { dept_ids: [d.id] }]);
  const list = await cli.run('broadcast', 'list');
  t.equal(list.code, 0);
  t.match(list.out, /值班.*\n.*提醒/, 'newest first');
  t.same(await titles(ann.api, (await systemConv(ann.api))!.id), ['提醒', '值班']);
  t.same(await titles(ben.api, (await systemConv(ben.api))!.id), ['提醒']);
  const bad = await cli.run('broadcast', 'send', '--title', 'x', '--text', 'y');
  t.equal(bad.code, 1, 'naming nobody fails');
});
