import t from 'tap';
import { OPERATIONS } from '../../../core/operations.js';
import { checkEvent } from '../../../shared/protocol/event-schemas.js';
import { ApiClient } from '../../../shared/sdk/api.js';
import { ADMIN_PASSWORD, makeUser, signIn, startServer } from '../../helpers/server.js';
import { EXEMPT, stateChangingOperations } from './coverage.js';
import { Verifier, type Person } from './harness.js';
import { groupCases } from './cases-groups.js';
import { mentionCases } from './cases-mentions.js';
import { favouriteCases } from './cases-favourites.js';
import { broadcastCases } from './cases-broadcasts.js';
import { messageActionCases } from './cases-message-actions.js';
import { fileCases } from './cases-files.js';

t.test('the event schemas reject what is not an event', async (t) => {
  t.equal(checkEvent({ type: 'read.updated', conv_id: 1, user_id: 2, read_seq: 3 }), null, 'a valid event passes');
  t.match(checkEvent({ type: 'read.updated', conv_id: 1, user_id: 2 }), /invalid event read.updated: \/read_seq/, 'a missing field fails, named');
  t.match(checkEvent({ type: 'read.updated', conv_id: 1, user_id: 2, read_seq: 3, extra: 1 }), /invalid event/, 'an unknown field fails');
  t.match(checkEvent({ type: 'conversation.typing', conv_id: 1 }), /unknown event type conversation.typing/, 'an unknown type fails');
});

t.test('every state-changing operation of the table', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const admin = server.admin;
  const [ann, ben, cai, dan] = await Promise.all(['Ann', 'Ben', 'Cai', 'Dan'].map((n) => makeUser(server, n)));
  const boss: Person = { user: await admin.call('users.me'), token: await signIn(server.url, 'admin', ADMIN_PASSWORD, 'cli'), api: admin };
  const signedIn = async (account: string): Promise<Person> => {
    const token = await signIn(server.url, account, 'plain-words-123');
    const api = new ApiClient(server.url, token);
    return { user: await api.call('users.me'), token, api };
  };
  const v = new Verifier(t, server, [ann!, ben!, cai!, dan!, boss]);
  const everyone = () => v.people;

  // ---- users and conversations -----------------------------------------------------------------
  let eveId = 0;
  await v.verify('admin.users.create', 'a new user', async () => {
    eveId = (await admin.call('admin.users.create', { account: 'eve', name: 'Eve', password: 'plain-words-123' })).id;
  });
  const eve = await signedIn('eve');
  v.people = [...everyone(), eve];
  let direct = 0;
  await v.verify('conv.direct', 'open', async () => { direct = (await ann!.api.call('conv.direct', { user_id: ben!.user.id })).id; });
  await v.verify('msg.send', 'in a direct', () => ann!.api.call('msg.send', { conv_id: direct, cmid: 'd1', body: { text: 'hi' } }));
  await v.verify('msg.send', 'a retry of the same send', () => ann!.api.call('msg.send', { conv_id: direct, cmid: 'd1', body: { text: 'hi' } }));
  await v.verify('msg.read', 'a direct', () => ben!.api.call('msg.read', { conv_id: direct, seq: 1 }));
  let group = 0;
  await v.verify('conv.group', 'create', async () => {
    group = (await ann!.api.call('conv.group', { title: '周会', member_ids: [ben!.user.id, cai!.user.id, eveId], cmid: 'g1' })).id;
  });
  await v.verify('msg.send', 'in a group', () => cai!.api.call('msg.send', { conv_id: group, cmid: 'c1', body: { text: '收到' } }));
  const file = await ben!.api.upload('plan.txt', 'text/plain', new TextEncoder().encode('the plan'));
  await v.verify('msg.send', 'a file', () => ben!.api.call('msg.send', { conv_id: group, cmid: 'b1', body: { file_id: file.id } }));
  await v.verify('msg.read', 'part of a group', () => ann!.api.call('msg.read', { conv_id: group, seq: 2 }));
  await v.verify('conv.addMembers', 'one more', () => ben!.api.call('conv.addMembers', { conv_id: group, user_ids: [dan!.user.id] }));
  await v.verify('conv.rename', 'a group', () => ann!.api.call('conv.rename', { conv_id: group, title: '周会（新）' }));
  await v.verify('conv.setRole', 'appoint an admin', () => ann!.api.call('conv.setRole', { conv_id: group, user_id: cai!.user.id, role: 'admin' }));
  await v.verify('conv.notice', 'set', () => cai!.api.call('conv.notice', { conv_id: group, notice: '请准时' }));
  await v.verify('conv.mute', 'mute', () => dan!.api.call('conv.mute', { conv_id: group, muted: true }));
  await v.verify('admin.users.setAdmin', 'grant', () => admin.call('admin.users.setAdmin', { user_id: eveId, is_admin: true }));
  eve.user = await eve.api.call('users.me');
  // Disabling ends Eve's sessions: the others' view of her is what is compared.
  const others = () => v.people.filter((p) => p !== eve);
  await v.verify('admin.users.disable', 'a member of a group', () => admin.call('admin.users.disable', { user_id: eveId }), others());
  await v.verify('admin.users.enable', 'again', () => admin.call('admin.users.enable', { user_id: eveId }), others());
  v.people = others();
  await v.verify('admin.groups.create', 'for another owner', () => admin.call('admin.groups.create', { title: '值班', member_ids: [ann!.user.id, ben!.user.id], owner_id: cai!.user.id }));
  await v.verify('conv.removeMember', 'by a group admin', () => cai!.api.call('conv.removeMember', { conv_id: group, user_id: dan!.user.id }));
  await v.verify('conv.transfer', 'to a member', () => ann!.api.call('conv.transfer', { conv_id: group, user_id: ben!.user.id }));
  await v.verify('conv.leave', 'the owner', () => ben!.api.call('conv.leave', { conv_id: group }));
  await v.verify('conv.leave', 'a member', () => ann!.api.call('conv.leave', { conv_id: group }));

  await groupCases(v, [ann!, ben!, cai!, dan!]);
  await mentionCases(v, [ann!, ben!, cai!]);
  await favouriteCases(v, [ann!, ben!, cai!]);
  await broadcastCases(v, boss, [ann!, ben!]);
  await messageActionCases(v, [ann!, ben!, cai!], boss);

  // ---- the directory -------------------------------------------------------------------------------
  let orgId = 0;
  await v.verify('admin.dir.org.create', 'a second structure', async () => { orgId = (await admin.call('admin.dir.org.create', { name: '项目制' })).id; });
  await v.verify('admin.dir.org.update', 'rename', () => admin.call('admin.dir.org.update', { org_id: orgId, name: '项目制（新）', sort: 3 }));
  await v.verify('admin.dir.org.delete', 'an empty one', () => admin.call('admin.dir.org.delete', { org_id: orgId }));
  let hq = 0;
  let rd = 0;
  await v.verify('admin.dir.dept.create', 'top level', async () => { hq = (await admin.call('admin.dir.dept.create', { name: '总部' })).id; });
  await v.verify('admin.dir.dept.create', 'below', async () => { rd = (await admin.call('admin.dir.dept.create', { name: '研发部', parent_id: hq })).id; });
  const sales = await admin.call('admin.dir.dept.create', { name: '销售部', parent_id: hq });
  await v.verify('admin.dir.dept.update', 'rename and move', () => admin.call('admin.dir.dept.update', { dept_id: sales.id, name: '销售与市场', parent_id: rd, sort: 2 }));
  let fayId = 0;
  await v.verify('admin.dir.person.create', 'in two departments', async () => {
    fayId = (await admin.call('admin.dir.person.create', { account: 'fay', name: 'Fay', mobile: '13800000001', depts: [{ dept_id: rd, title: '工程师' }, sales.id] })).id;
  });
  const fayUser = (await admin.call('dir.person', { person_id: fayId })).user_id!;
  await admin.call('admin.users.password', { user_id: fayUser, password: 'plain-words-123' });
  const fay = await signedIn('fay');
  v.people = [...v.people, fay];
  await v.verify('conv.group', 'with a directory person', () => ann!.api.call('conv.group', { title: '项目', member_ids: [fayUser, ben!.user.id] }));
  await v.verify('admin.dir.person.update', 'a rename reaches the groups she is in', () => admin.call('admin.dir.person.update', { person_id: fayId, name: '费雅', title: '高级工程师' }));
  let policyId = 0;
  await v.verify('admin.dir.policy.set', 'hide a mobile', async () => {
    policyId = (await admin.call('admin.dir.policy.set', { target: 'person', target_id: fayId, fields: ['mobile'] })).id;
  });
  await v.verify('admin.dir.policy.delete', 'show it again', () => admin.call('admin.dir.policy.delete', { policy_id: policyId }));
  await fileCases(v, admin, fay, ben!, { personId: fayId, deptId: rd });
  await v.verify('admin.dir.dept.delete', 'moving its members', () => admin.call('admin.dir.dept.delete', { dept_id: sales.id, move_to: rd }));
  const importOrg = await admin.call('admin.dir.org.create', { name: '导入' });
  const csv = [
    'type,key,parent,name,sort,account,english_name,gender,mobile,phone,email,title,employee_no,avatar,status',
    'dept,OPS,,运维部,0', 'person,,,王五,,wangwu,,,,,,,E003,,active', 'member,OPS,,,1,wangwu,,,,,,值班',
  ].join('\n');
  const upload = await admin.upload('org.csv', 'text/csv', new TextEncoder().encode(csv));
  await v.verify('admin.dir.import', 'a csv into its own org', () => admin.call('admin.dir.import', { file_id: upload.id, org_id: importOrg.id }));
  v.people = v.people.filter((p) => p !== fay);
  await v.verify('admin.dir.person.delete', 'a person in a group', () => admin.call('admin.dir.person.delete', { person_id: fayId }));

  // ---- every state-changing operation has a case, or a reason why not ----------------------------------
  const missing = stateChangingOperations().filter((name) => !v.covered.has(name) && !EXEMPT[name]);
  t.same(missing, [], 'every state-changing operation of the table has a verify-action case');
  const stale = Object.keys(EXEMPT).filter((name) => !(name in OPERATIONS) || v.covered.has(name as keyof typeof OPERATIONS));
  t.same(stale, [], 'exemptions name operations of the table that have no case');
});
