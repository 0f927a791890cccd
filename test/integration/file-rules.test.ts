import t from 'tap';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeUser, signIn, startServer } from '../helpers/server.js';
import { ApiClient } from '../../shared/sdk/api.js';

/** Every blob at the origin and every file in the relay's cache (and its temp folder). */
function stored(dataDir: string): string[] {
  const list = (d: string) => { try { return readdirSync(d, { recursive: true }).map(String); } catch { return []; } };
  return [...list(join(dataDir, 'files')).map((f) => `origin/${f}`), ...list(join(dataDir, 'relay-cache')).map((f) => `cache/${f}`)].sort();
}

t.test('file-sending rules: org, department and person; refused with SB_FILE_RESTRICTED and nothing stored', async (t) => {
  const server = await startServer();
  t.teardown(() => server.stop());
  const admin = server.admin;
  const hq = await admin.call('admin.dir.dept.create', { name: '总部' });
  const design = await admin.call('admin.dir.dept.create', { name: '设计部', parent_id: hq.id });
  const other = await admin.call('admin.dir.dept.create', { name: '财务部' });
  const person = await admin.call('admin.dir.person.create', { account: 'lin', name: '林', depts: [design.id] });
  const userId = (await admin.call('dir.person', { person_id: person.id })).user_id!;
  await admin.call('admin.users.password', { user_id: userId, password: 'plain-words-123' });
  const lin = new ApiClient(server.url, await signIn(server.url, 'lin', 'plain-words-123'));
  const outsider = await makeUser(server);

  t.match(await lin.call('files.rules'), { max_bytes: server.config.files.maxBytes, allowed: [], blocked: [], max_from: 'server' }, 'no rules: the server\'s limits');
  await admin.call('admin.filePolicy.set', { scope: 'org', target_id: 1, max_bytes: 5000, blocked: ['.EXE', 'video/*'] });
  await admin.call('admin.filePolicy.set', { scope: 'dept', target_id: hq.id, max_bytes: 2000 });
  t.match(await lin.call('files.rules'), { max_bytes: 2000, blocked: ['exe', 'video/*'], max_from: 'dept' }, 'the nearest department sets the size, the org the types');

  const before = stored(server.dataDir);
  await t.rejects(lin.upload('big.bin', 'application/octet-stream', randomBytes(3000)), { code: 'SB_FILE_RESTRICTED', details: { reason: 'size', max_bytes: 2000 } });
  await t.rejects(lin.upload('setup.exe', 'application/octet-stream', randomBytes(10)), { code: 'SB_FILE_RESTRICTED', details: { reason: 'type', type: 'exe' } });
  await t.rejects(lin.upload('clip.bin', 'video/mp4', randomBytes(10)), { code: 'SB_FILE_RESTRICTED', details: { reason: 'type', type: 'video/*' } });
  t.same(stored(server.dataDir), before, 'refused uploads leave nothing at the origin or in the relay\'s cache');
  const files = server.node.central!.store.files;
  const probe = await outsider.api.upload('probe.txt', 'text/plain', Buffer.from('x'));
  t.equal(await files.get(probe.id - 1).then((f) => f?.uploader_id === userId), false, 'no file record for the refused uploads');

  // The person's own rule decides over the department's; an allow list admits only its types.
  await admin.call('admin.filePolicy.set', { scope: 'person', target_id: person.id, max_bytes: 4000, allowed: ['pdf', 'image/*'] });
  const pdf = await lin.upload('plan.pdf', 'application/pdf', randomBytes(3000));
  t.equal(pdf.size, 3000, 'the person\'s 4000 overrides the department\'s 2000');
  await t.rejects(lin.upload('notes.txt', 'text/plain', randomBytes(10)), { code: 'SB_FILE_RESTRICTED', details: { reason: 'type', allowed: ['pdf', 'image/*'] } });
  t.match(await outsider.api.upload('notes.txt', 'text/plain', randomBytes(3000)), { size: 3000 }, 'someone outside the directory: only the server\'s limits');

  // Rules apply at send as well: a rule set after the upload stops the file being shared.
  const conv = await lin.call('conv.direct', { user_id: outsider.user.id });
  await admin.call('admin.filePolicy.set', { scope: 'person', target_id: person.id, max_bytes: 1000 });
  await t.rejects(lin.call('msg.send', { conv_id: conv.id, cmid: 'r1', body: { file_id: pdf.id } }), { code: 'SB_FILE_RESTRICTED' });
  t.equal((await lin.call('msg.history', { conv_id: conv.id })).messages.filter((m) => m.kind === 'file').length, 0, 'nothing sent');
  t.same(await admin.call('admin.filePolicy.delete', { scope: 'person', target_id: person.id }), { deleted: true });
  t.same(await admin.call('admin.filePolicy.delete', { scope: 'person', target_id: person.id }), { deleted: false });
  await t.rejects(admin.call('admin.filePolicy.get', { scope: 'person', target_id: person.id }), { code: 'SB_NOT_FOUND' });
  t.match(await admin.call('admin.filePolicy.get', { scope: 'dept', target_id: hq.id }), { max_bytes: 2000, allowed: null, blocked: null });

  // Checked input, existing targets, audited, scoped.
  await t.rejects(admin.call('admin.filePolicy.set', { scope: 'dept', target_id: 987_654, max_bytes: 1 }), { code: 'SB_NOT_FOUND' });
  await t.rejects(admin.callUnchecked('admin.filePolicy.set', { scope: 'dept', target_id: hq.id, blocked: ['<script>'] }), { code: 'SB_VALIDATION' });
  await t.rejects(admin.callUnchecked('admin.filePolicy.set', { scope: 'team', target_id: hq.id }), { code: 'SB_VALIDATION' });
  await t.rejects(lin.call('admin.filePolicy.list'), { code: 'SB_FORBIDDEN' });
  const audit = await admin.call('admin.audit', { limit: 50 });
  t.ok(audit.some((a) => a.action === 'files.policy.set' && a.target === `dept:${hq.id}`), 'set is audited');
  t.ok(audit.some((a) => a.action === 'files.policy.delete' && a.target === `person:${person.id}`), 'delete is audited');

  const scoped = await makeUser(server, 'Scoped');
  await admin.call('admin.users.setAdmin', { user_id: scoped.user.id, is_admin: true });
  await admin.call('admin.dir.scope.set', { user_id: scoped.user.id, dept_ids: [other.id] });
  const hr = new ApiClient(server.url, await signIn(server.url, scoped.user.account, scoped.password));
  await t.rejects(hr.call('admin.filePolicy.set', { scope: 'dept', target_id: hq.id, max_bytes: 1 }), { code: 'SB_FORBIDDEN' }, 'outside the scope');
  await t.rejects(hr.call('admin.filePolicy.set', { scope: 'org', target_id: 1, max_bytes: 1 }), { code: 'SB_FORBIDDEN' }, 'a whole org needs an unscoped administrator');
  t.match(await hr.call('admin.filePolicy.set', { scope: 'dept', target_id: other.id, max_bytes: 1 }), { scope: 'dept', target_id: other.id, max_bytes: 1, updated_by: scoped.user.id });
  t.same((await hr.call('admin.filePolicy.list')).map((r) => `${r.scope}:${r.target_id}`), [`dept:${other.id}`], 'sees only the rules in the scope');
  t.equal((await admin.call('admin.filePolicy.list')).length, 3);
});
